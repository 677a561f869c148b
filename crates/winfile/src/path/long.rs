//! `GetLongPathName`: the on-disk spelling of each component of an existing path.

use super::casefold::find_entry;
use super::parse::{self, is_sep};
use super::resolve::resolve;
use super::types::PathStyle;
use crate::error::{not_found_for, Win32Error};
use std::path::{Path, PathBuf};

/// The length of the root prefix of a Windows-style path (`C:\`, `C:`, `\`,
/// `\\server\share\`, `\\?\C:\`, `\\?\UNC\server\share\`), which is kept as written.
fn prefix_len(path: &str) -> usize {
    let b = path.as_bytes();
    let sep = |i: usize| b.get(i).is_some_and(|c| *c == b'\\' || *c == b'/');
    // Position after the separator that follows `n` more components from `i`.
    let skip = |mut i: usize, mut n: usize| {
        while n > 0 {
            while i < b.len() && !sep(i) {
                i += 1;
            }
            if i < b.len() {
                i += 1;
            }
            n -= 1;
        }
        i
    };
    let verbatim = path.starts_with(r"\\?\") || path.starts_with(r"\\.\") || path.starts_with(r"\??\");
    if verbatim {
        let rest = &path[4..];
        if parse::drive_letter(rest).is_some() {
            return if sep(6) { 7 } else { 6 };
        }
        if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(r"UNC\") {
            return skip(8, 2);
        }
        return skip(4, 1);
    }
    if sep(0) && sep(1) {
        return skip(2, 2);
    }
    if parse::drive_letter(path).is_some() {
        return if sep(2) { 3 } else { 2 };
    }
    usize::from(sep(0))
}

/// `GetLongPathName`—`path` with each component spelled as on disk (Linux keeps no
/// 8.3 names, so only case changes). The root prefix, `.`/`..` and separators stay
/// as written; a Unix-style path is returned unchanged. Every component must exist:
/// a missing last one → 2, a missing directory on the way → 3.
///
/// # Linux mechanism
/// lstat(2) per component; `readdir` of the parent only for a component whose exact
/// spelling is missing (case-insensitive match).
#[doc(alias = "GetLongPathNameW")]
pub fn long_path_name(path: &str) -> Result<String, Win32Error> {
    if path.is_empty() {
        return Err(Win32Error::PATH_NOT_FOUND);
    }
    if path.contains('\0') {
        return Err(Win32Error::INVALID_NAME);
    }
    if parse::path_style(path) == PathStyle::Unix {
        return match std::fs::symlink_metadata(path) {
            Ok(_) => Ok(path.to_string()),
            Err(_) => Err(not_found_for(Path::new(path))),
        };
    }
    if parse::path_type(path) == parse::PathType::Verbatim {
        // Verbatim names are not normalised: `.`, `..` and `/` are refused as CreateFile
        // refuses them, never walked.
        parse::validate(&parse::parse(path)?)?;
    }
    let n = prefix_len(path);
    let (prefix, rest) = path.split_at(n);
    let base_text = if prefix.is_empty() { "." } else { prefix };
    let mut cur: PathBuf = resolve(base_text, false)?.linux;
    if prefix.is_empty() {
        cur = std::env::current_dir().map_err(|_| Win32Error::PATH_NOT_FOUND)?;
    }
    let mut out = String::from(prefix);
    let pieces: Vec<&str> = rest.split(is_sep).collect();
    let seps: Vec<char> = rest.chars().filter(|c| is_sep(*c)).collect();
    let last_named = pieces.iter().rposition(|p| !p.is_empty());
    // Components below the drive (or share) root: `..` never climbs above that root
    // (`C:\..` is `C:\`), whatever the Linux directory above it holds. A relative name
    // starts at the current directory, as deep as it is below its drive's root.
    let mut depth = match parse::path_type(path) {
        parse::PathType::Relative | parse::PathType::DriveRelative => {
            let here = super::namespace::Namespace::from_env().cwd_location()?;
            if cur == here.linux() {
                here.rest.len()
            } else {
                0
            }
        }
        _ => 0,
    };
    for (i, piece) in pieces.iter().enumerate() {
        if !piece.is_empty() {
            match *piece {
                "." => {}
                ".." => {
                    if depth > 0 {
                        cur.pop();
                        depth -= 1;
                    }
                }
                name => {
                    let exact = cur.join(name);
                    let found = if std::fs::symlink_metadata(&exact).is_ok() {
                        Some(name.to_string())
                    } else {
                        find_entry(&cur, name)
                    };
                    let Some(found) = found else {
                        return Err(if Some(i) == last_named && cur.is_dir() {
                            Win32Error::FILE_NOT_FOUND
                        } else {
                            Win32Error::PATH_NOT_FOUND
                        });
                    };
                    cur.push(&found);
                    depth += 1;
                    out.push_str(&found);
                }
            }
            if matches!(*piece, "." | "..") {
                out.push_str(piece);
            }
        }
        if let Some(s) = seps.get(i) {
            out.push(*s);
        }
    }
    if std::fs::symlink_metadata(&cur).is_err() {
        return Err(not_found_for(&cur));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        for (p, n) in [
            (r"C:\a", 3),
            ("C:a", 2),
            (r"\a", 1),
            ("a", 0),
            (r"\\srv\share\a", 12),
            (r"\\?\C:\a", 7),
            (r"\\?\UNC\srv\share\a", 18),
            (r"\\?\unix\a", 9),
        ] {
            assert_eq!(prefix_len(p), n, "{p}");
        }
    }
}
