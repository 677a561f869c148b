//! Resolution of a caller's path to the Linux path handed to the kernel.
//!
//! Windows-style paths are parsed, normalised, mapped through the drive table and
//! matched case-insensitively; Unix-style paths pass through untouched.

use super::casefold;
use super::device::{self, dos_device_name};
use super::namespace::{CwdLocation, Namespace};
use super::normalize::{normalize_win, normalized};
use super::parse::{self, PathType, Root, WinPath};
use super::types::{PathStyle, Resolved};
use crate::error::Win32Error;
use std::path::PathBuf;

/// The device a legacy name (`c:\dir\nul.txt`) stands for: the last component of a
/// drive, rooted or relative path, unless a separator follows it.
pub fn legacy_device(p: &WinPath) -> Option<&str> {
    let plain =
        matches!(p.kind, PathType::DriveAbsolute | PathType::DriveRelative | PathType::Rooted | PathType::Relative);
    let last = p.parts.last()?;
    (plain && !p.trailing_sep && last != "." && last != ".." && dos_device_name(last).is_some())
        .then_some(last.as_str())
}

impl Namespace {
    /// Resolves a caller's path in this namespace; see [`super::resolve`].
    pub fn resolve(&self, path: &str, exact: bool) -> Result<Resolved, Win32Error> {
        if path.is_empty() {
            return Err(Win32Error::PATH_NOT_FOUND);
        }
        if path.contains('\0') {
            return Err(Win32Error::INVALID_NAME);
        }
        match parse::path_style(path) {
            PathStyle::Unix => match device::reserved(path) {
                Some(_) => self.device(path, &[]),
                None => Ok(Resolved {
                    linux: PathBuf::from(super::escape::to_os(path).into_owned()),
                    style: PathStyle::Unix,
                    device: None,
                }),
            },
            PathStyle::Windows => self.resolve_windows(path, exact),
        }
    }

    fn device(&self, name: &str, rest: &[String]) -> Result<Resolved, Win32Error> {
        let (dev, linux) = device::lookup(&self.tables, name, rest)?;
        Ok(Resolved { linux, style: PathStyle::Windows, device: Some(dev) })
    }

    fn resolve_windows(&self, path: &str, exact: bool) -> Result<Resolved, Win32Error> {
        let p = parse::parse(path)?;
        if let Some(last) = legacy_device(&p) {
            return self.device(device::device_stem(last), &[]);
        }
        parse::validate(&p)?;
        let verbatim = p.kind == PathType::Verbatim;
        let fix = |raw: &[String]| {
            if verbatim {
                raw.to_vec()
            } else {
                normalized(raw, p.trailing_sep)
            }
        };
        let (base, parts) = match &p.root {
            Root::Device(name) if name.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("Volume{")) => {
                // `\\?\Volume{GUID}\...`: the root of that file system's mount. The name
                // must be exactly `Volume{GUID}` (`\\?\Volume{GUID}/..` is no volume).
                let id = crate::mountinfo::parse_volume_path(&format!(r"\\?\{name}\"))
                    .filter(|(_, rest)| *rest == "\\")
                    .map(|(id, _)| id)
                    .ok_or(Win32Error::INVALID_NAME)?;
                let root = crate::mountinfo::volume_root_dir(&id).ok_or(Win32Error::FILE_NOT_FOUND)?;
                (root, fix(&p.parts))
            }
            Root::Device(name) => return self.device(name, &fix(&p.parts)),
            Root::Unix => {
                let linux = casefold::join(&PathBuf::from("/"), &p.parts, p.trailing_sep);
                return Ok(Resolved { linux, style: PathStyle::Windows, device: None });
            }
            Root::Drive(letter) => (self.drive_root(*letter)?, fix(&p.parts)),
            Root::Unc { server, share } => {
                if server.is_empty() || share.is_empty() {
                    return Err(Win32Error::BAD_PATHNAME);
                }
                parse::check_unc_root(server, share)?;
                let unc = self.tables.unc_root().ok_or(Win32Error::BAD_NETPATH)?;
                let mut stack = vec![server.clone(), share.clone()];
                if verbatim {
                    stack.extend(p.parts.iter().cloned());
                } else {
                    normalize_win(&mut stack, 2, &p.parts, p.trailing_sep);
                }
                (unc, stack)
            }
            Root::DriveRelative(letter) => {
                let here = self.cwd_location()?;
                if here.letter.is_some_and(|l| l.eq_ignore_ascii_case(letter)) {
                    Self::relative_to_cwd(&here, &p)
                } else {
                    (self.drive_root(*letter)?, fix(&p.parts))
                }
            }
            Root::Rooted => (self.cwd_location()?.root, fix(&p.parts)),
            Root::Relative => {
                let here = self.cwd_location()?;
                Self::relative_to_cwd(&here, &p)
            }
        };
        let linux = if exact {
            casefold::join(&base, &parts, p.trailing_sep)
        } else {
            casefold::walk(&base, &parts, p.trailing_sep)
        };
        Ok(Resolved { linux, style: PathStyle::Windows, device: None })
    }

    /// Base and components for a path relative to the current directory: `..` may climb
    /// up to the root of the current directory's drive. (If the current directory has a
    /// non-UTF-8 name, `..` stops at the current directory itself.)
    fn relative_to_cwd(here: &CwdLocation, p: &WinPath) -> (PathBuf, Vec<String>) {
        match here.rest_utf8() {
            Some(mut stack) => {
                normalize_win(&mut stack, 0, &p.parts, p.trailing_sep);
                (here.root.clone(), stack)
            }
            None => (here.linux(), normalized(&p.parts, p.trailing_sep)),
        }
    }
}

/// `CreateFile`'s name lookup—the Linux path for a caller's path, case-insensitive for
/// Windows-style names unless `exact` (`FILE_FLAG_POSIX_SEMANTICS`) is set.
///
/// A missing component is not an error: the first one without any match keeps its
/// spelling, as do the ones after it, and the caller's `open` then fails with
/// `ENOENT`/`ENOTDIR` (→ 2 or 3). Errors: empty → 3; bad characters → 123; unknown
/// drive → 3; UNC without a `unc` table entry → 53; unknown `\\.\X` → 2.
///
/// # Linux mechanism
/// `lstat` of the exact path, then per component; `readdir` only for a missing one.
pub fn resolve(path: &str, exact: bool) -> Result<Resolved, Win32Error> {
    // A plain Unix path needs no drive table: skip reading the environment for one.
    if !path.is_empty()
        && !path.contains('\0')
        && parse::path_style(path) == PathStyle::Unix
        && device::reserved(path).is_none()
    {
        return Ok(Resolved {
            linux: PathBuf::from(super::escape::to_os(path).into_owned()),
            style: PathStyle::Unix,
            device: None,
        });
    }
    Namespace::from_env().resolve(path, exact)
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
