//! `GetFullPathName`: the absolute, normalised form of a path, as a string. Nothing on
//! disk is read apart from `getcwd` and the drive table (for the current directory's
//! Windows form); characters are not checked, so wildcards pass (`FindFirstFile`).

use super::device::device_stem;
use super::namespace::Namespace;
use super::normalize::{normalize_unix, normalize_win, normalized};
use super::parse::{self, PathType, Root};
use super::resolve::legacy_device;
use super::types::PathStyle;
use crate::error::Win32Error;

/// `X:\` followed by `parts`, with a trailing `\` when asked (and not already there).
fn render_drive(letter: char, parts: &[String], trailing: bool) -> String {
    let mut out = format!("{letter}:\\{}", parts.join("\\"));
    if trailing && !parts.is_empty() {
        out.push('\\');
    }
    out
}

/// `head` followed by `\part` for each part, and a trailing `\` when asked.
fn render_tail(mut head: String, parts: &[String], trailing: bool) -> String {
    for p in parts {
        head.push('\\');
        head.push_str(p);
    }
    if trailing {
        head.push('\\');
    }
    head
}

impl Namespace {
    /// `GetFullPathName` in this namespace; see [`super::full_path_name`].
    pub fn full_path_name(&self, path: &str) -> Result<String, Win32Error> {
        if path.is_empty() {
            return Err(Win32Error::PATH_NOT_FOUND);
        }
        if path.contains('\0') {
            return Err(Win32Error::INVALID_NAME);
        }
        if parse::path_style(path) == PathStyle::Unix {
            if super::device::reserved(path).is_some() {
                return Ok(format!(r"\\.\{path}"));
            }
            if path.starts_with('/') {
                return Ok(normalize_unix(path));
            }
            let cwd = self.cwd()?;
            return Ok(normalize_unix(&format!("{}/{path}", super::escape::from_os(cwd.as_os_str()))));
        }
        if parse::path_type(path) == PathType::Verbatim {
            return Ok(path.to_string());
        }
        let p = parse::parse(path)?;
        if let Some(last) = legacy_device(&p) {
            return Ok(format!(r"\\.\{}", device_stem(last)));
        }
        let t = p.trailing_sep;
        Ok(match &p.root {
            Root::Drive(letter) => {
                let body = render_drive(*letter, &normalized(&p.parts, t), t);
                if p.kind == PathType::LocalDevice {
                    format!(r"\\.\{body}")
                } else {
                    body
                }
            }
            Root::Unc { server, share } => {
                let head =
                    if p.kind == PathType::LocalDevice { format!(r"\\.\UNC\{server}") } else { format!(r"\\{server}") };
                if share.is_empty() {
                    render_tail(head, &[], t)
                } else {
                    let mut stack = vec![share.clone()];
                    normalize_win(&mut stack, 1, &p.parts, t);
                    render_tail(head, &stack, t)
                }
            }
            Root::Device(name) => {
                let parts = normalized(&p.parts, t);
                if name.is_empty() {
                    r"\\.\".to_string()
                } else {
                    render_tail(format!(r"\\.\{name}"), &parts, t)
                }
            }
            Root::Unix => path.to_string(),
            Root::DriveRelative(letter) => {
                let here = self.cwd_location()?;
                match here.letter {
                    Some(l) if l.eq_ignore_ascii_case(letter) => {
                        let mut stack = lossy(&here.rest);
                        normalize_win(&mut stack, 0, &p.parts, t);
                        render_drive(l, &stack, t)
                    }
                    _ => render_drive(letter.to_ascii_uppercase(), &normalized(&p.parts, t), t),
                }
            }
            Root::Rooted => {
                let here = self.cwd_location()?;
                render_drive(here.letter.unwrap_or('Z'), &normalized(&p.parts, t), t)
            }
            Root::Relative => {
                let here = self.cwd_location()?;
                let mut stack = lossy(&here.rest);
                normalize_win(&mut stack, 0, &p.parts, t);
                render_drive(here.letter.unwrap_or('Z'), &stack, t)
            }
        })
    }
}

/// Linux names as Windows components (non-UTF-8 bytes escaped, see `escape`).
fn lossy(rest: &[std::ffi::OsString]) -> Vec<String> {
    rest.iter().map(|c| super::escape::from_os(c).into_owned()).collect()
}

/// `GetFullPathName`—the absolute, normalised form of `path` in the caller's style.
///
/// Windows style: `C:\a\b` (case as given), `\\server\share\x`, `\\?\` paths unchanged,
/// reserved device names → `\\.\nul` (the name as written, extension dropped). Relative
/// forms join the current directory's Windows form (`Z:\...` by default). Unix style:
/// an absolute, lexically normalised Unix path. A trailing separator is kept.
///
/// # Linux mechanism
/// String work plus `getcwd` and the drive table (`readdir`) for relative paths.
///
/// # References
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfullpathnamew>
#[doc(alias = "GetFullPathNameW")]
#[doc(alias = "GetFullPathName")]
pub fn full_path_name(path: &str) -> Result<String, Win32Error> {
    Namespace::from_env().full_path_name(path)
}

#[cfg(test)]
#[path = "full_tests.rs"]
mod tests;
