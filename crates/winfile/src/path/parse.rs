//! Classifying and splitting Win32 path strings, after the rules of ntdll's
//! `RtlDetermineDosPathNameType_U` and `RtlDosPathNameToNtPathName_U`.
//!
//! Parsing only splits; it does not collapse `.`/`..` (see [`super::normalize`]) and does
//! not check characters (see [`validate`]), because `GetFullPathName` does neither. The one
//! exception is the device form `\\.\X`, normalised before its root is told apart
//! (the root of such a path is the `\\.\` prefix). See docs/path-containment.md.

use super::normalize::normalized;
use super::types::PathStyle;
use crate::error::Win32Error;

/// The form of a Win32 path, as `RtlDetermineDosPathNameType_U` tells them apart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PathType {
    /// `C:\x`: a drive and its root.
    DriveAbsolute,
    /// `C:x`: relative to the current directory of drive C:.
    DriveRelative,
    /// `\x`: relative to the root of the current drive.
    Rooted,
    /// `x\y`: relative to the current directory.
    Relative,
    /// `\\server\share\x`.
    Unc,
    /// `\\.\X` (or `//?/X`): the device namespace, still normalised.
    LocalDevice,
    /// `\\?\X` or `\??\X`: handed on verbatim, without normalisation.
    Verbatim,
}

/// Where a parsed path starts from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Root {
    /// The root of a drive (letter as written).
    Drive(char),
    /// The current directory of a drive (`C:x`).
    DriveRelative(char),
    /// The root of the current directory's drive (`\x`).
    Rooted,
    /// The current directory.
    Relative,
    /// A UNC share; `share` is empty when the path names only a server.
    Unc {
        /// The server name, as written.
        server: String,
        /// The share name, as written (may be empty).
        share: String,
    },
    /// A name in the device namespace (`\\.\COM1`, `\\?\C:` the volume, ...).
    Device(String),
    /// Wine's `\\?\unix\...` escape: a raw Linux path.
    Unix,
}

/// A Win32 path split into its root and its components (empty components dropped).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct WinPath {
    /// The form the caller wrote.
    pub kind: PathType,
    /// Where the components start.
    pub root: Root,
    /// The components after the root, not yet normalised.
    pub parts: Vec<String>,
    /// The path ended with a separator (`C:\a\`).
    pub trailing_sep: bool,
}

/// True for the two Win32 separators; `\\?\` paths use only the backslash.
pub fn is_sep(c: char) -> bool {
    c == '\\' || c == '/'
}

/// The drive letter of `C:...`, if the path starts with one.
pub fn drive_letter(path: &str) -> Option<char> {
    let mut it = path.chars();
    match (it.next(), it.next()) {
        (Some(l), Some(':')) if l.is_ascii_alphabetic() => Some(l),
        _ => None,
    }
}

/// The style of a caller's path: Windows if it has a drive prefix or any backslash.
///
/// Everything else (`/tmp/x`, `a/b`, `file.txt`) is a Unix path and passes through
/// untouched.
pub fn path_style(path: &str) -> PathStyle {
    if drive_letter(path).is_some() || path.contains('\\') {
        PathStyle::Windows
    } else {
        PathStyle::Unix
    }
}

/// `RtlDetermineDosPathNameType_U`—the form of a Win32 path.
#[doc(alias = "RtlDetermineDosPathNameType_U")]
pub fn path_type(path: &str) -> PathType {
    if path.starts_with(r"\\?\") || path.starts_with(r"\??\") {
        return PathType::Verbatim;
    }
    let mut it = path.chars();
    let (c0, c1, c2, c3) = (it.next(), it.next(), it.next(), it.next());
    let sep = |c: Option<char>| c.is_some_and(is_sep);
    if sep(c0) && sep(c1) {
        if matches!(c2, Some('.' | '?')) && (c3.is_none() || sep(c3)) {
            PathType::LocalDevice
        } else {
            PathType::Unc
        }
    } else if sep(c0) {
        PathType::Rooted
    } else if drive_letter(path).is_some() {
        if sep(c2) {
            PathType::DriveAbsolute
        } else {
            PathType::DriveRelative
        }
    } else {
        PathType::Relative
    }
}

/// Splits on both separators, dropping empty components (repeated separators).
fn split(s: &str) -> Vec<String> {
    s.split(is_sep).filter(|c| !c.is_empty()).map(String::from).collect()
}

/// The rest of `s` after its first `n` characters (empty if shorter).
fn skip_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => s.get(i..).unwrap_or(""),
        None => "",
    }
}

/// True for a two-character drive specification such as `C:`.
fn is_drive_spec(s: &str) -> bool {
    s.chars().count() == 2 && drive_letter(s).is_some()
}

/// Splits a Win32 path into root and components. Empty → `ERROR_PATH_NOT_FOUND`;
/// an embedded NUL or a malformed `\\?\` path → `ERROR_INVALID_NAME`.
pub fn parse(path: &str) -> Result<WinPath, Win32Error> {
    if path.is_empty() {
        return Err(Win32Error::PATH_NOT_FOUND);
    }
    if path.contains('\0') {
        return Err(Win32Error::INVALID_NAME);
    }
    let kind = path_type(path);
    let trailing_sep = path.ends_with(is_sep);
    let (root, parts) = match kind {
        PathType::Verbatim => return parse_verbatim(skip_chars(path, 4)),
        PathType::LocalDevice => {
            // `\\.\` paths are normalised as a whole: their root is the prefix itself, so
            // `..` may climb out of `C:` into the device namespace (`\\.\C:\..\x` is the
            // device `x`), never further.
            let mut parts = normalized(&split(skip_chars(path, 4)), trailing_sep);
            let first = if parts.is_empty() { String::new() } else { parts.remove(0) };
            if is_drive_spec(&first) && (!parts.is_empty() || trailing_sep) {
                (Root::Drive(first.chars().next().unwrap_or('C')), parts)
            } else if first.eq_ignore_ascii_case("UNC") && !parts.is_empty() {
                let server = parts.remove(0);
                let share = if parts.is_empty() { String::new() } else { parts.remove(0) };
                (Root::Unc { server, share }, parts)
            } else {
                (Root::Device(first), parts)
            }
        }
        PathType::Unc => {
            let mut parts = split(skip_chars(path, 2));
            let server = if parts.is_empty() { String::new() } else { parts.remove(0) };
            let share = if parts.is_empty() { String::new() } else { parts.remove(0) };
            (Root::Unc { server, share }, parts)
        }
        PathType::Rooted => (Root::Rooted, split(path)),
        PathType::Relative => (Root::Relative, split(path)),
        PathType::DriveAbsolute | PathType::DriveRelative => {
            let letter = drive_letter(path).unwrap_or('C');
            let root = if kind == PathType::DriveAbsolute { Root::Drive(letter) } else { Root::DriveRelative(letter) };
            (root, split(skip_chars(path, 2)))
        }
    };
    Ok(WinPath { kind, root, parts, trailing_sep })
}

/// Splits what follows `\\?\` or `\??\`: backslash is the only separator, and nothing
/// is collapsed or trimmed. An empty inner component, `.` or `..` → `ERROR_INVALID_NAME`.
fn parse_verbatim(rest: &str) -> Result<WinPath, Win32Error> {
    let trailing_sep = rest.ends_with('\\');
    let body = rest.strip_suffix('\\').unwrap_or(rest);
    let mut parts: Vec<String> = Vec::new();
    if !body.is_empty() {
        for c in body.split('\\') {
            if c.is_empty() || c == "." || c == ".." {
                return Err(Win32Error::INVALID_NAME);
            }
            parts.push(c.to_string());
        }
    }
    let first = if parts.is_empty() { String::new() } else { parts.remove(0) };
    let root = if is_drive_spec(&first) && (!parts.is_empty() || trailing_sep) {
        Root::Drive(first.chars().next().unwrap_or('C'))
    } else if first.eq_ignore_ascii_case("UNC") && !parts.is_empty() {
        let server = parts.remove(0);
        let share = if parts.is_empty() { String::new() } else { parts.remove(0) };
        Root::Unc { server, share }
    } else if first.eq_ignore_ascii_case("unix") && (!parts.is_empty() || trailing_sep) {
        Root::Unix
    } else {
        Root::Device(first)
    };
    Ok(WinPath { kind: PathType::Verbatim, root, parts, trailing_sep })
}

/// Checks one name the way Win32 file APIs do: control characters, the wildcards
/// `<>"|?*` and `:` (stream syntax, not supported yet) → `ERROR_INVALID_NAME`.
/// Under `\\?\` a `/` is a character, not a separator, and is refused as well.
pub fn validate_name(name: &str) -> Result<(), Win32Error> {
    let bad = |c: char| matches!(c, '\u{1}'..='\u{1f}' | '<' | '>' | '"' | '|' | '?' | '*' | ':' | '/' | '\0');
    if name.chars().any(bad) {
        Err(Win32Error::INVALID_NAME)
    } else {
        Ok(())
    }
}

/// True for a name that stands for exactly one Linux directory entry: not empty, not
/// `.` or `..`, no `/` and no NUL. Anything joined onto a drive, share or table directory
/// must pass, or the kernel would read it as more than one step (or as a step up).
pub fn is_single_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}

/// The server and share of a UNC root, which become two directories below the `unc`
/// table entry: `.` or `..` as the server → `ERROR_BAD_NETPATH` (no such server), as the
/// share → `ERROR_BAD_NET_NAME` (no such share). Only the plain `\\server\share` form
/// can carry them (`\\.\UNC\..` is normalised, `\\?\UNC\..` refused by the parser).
pub fn check_unc_root(server: &str, share: &str) -> Result<(), Win32Error> {
    if !is_single_name(server) {
        return Err(Win32Error::BAD_NETPATH);
    }
    if !is_single_name(share) {
        return Err(Win32Error::BAD_NET_NAME);
    }
    Ok(())
}

/// Checks every name of a parsed path with [`validate_name`] (the device name of
/// `\\.\X` excepted, since `\\.\C:` is a valid volume name).
pub fn validate(p: &WinPath) -> Result<(), Win32Error> {
    if let Root::Unc { server, share } = &p.root {
        validate_name(server)?;
        validate_name(share)?;
    }
    p.parts.iter().try_for_each(|c| validate_name(c))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
