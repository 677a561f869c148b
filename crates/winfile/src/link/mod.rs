//! Links: `CreateHardLinkW`, `CreateSymbolicLinkW`, and `FindFirstFileNameW` (every
//! name of a file).
//!
//! | Win32 | Linux mechanism |
//! |---|---|
//! | [`create_hard_link`] | linkat(2) |
//! | [`create_symbolic_link`] | symlinkat(2), the target converted to a Linux path |
//! | [`find_file_names`] | the file's own name; with more links, a walk of its mount for the same (st_dev, st_ino) |

mod names;

pub use names::find_file_names;

use crate::consts::{SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE, SYMBOLIC_LINK_FLAG_DIRECTORY};
use crate::error::{errno_at, Context, Error, Result, Win32Error};
use crate::fs::linux_path;
use crate::path::{self, PathStyle};
use rustix::fs::{statat, AtFlags, FileType, CWD};
use rustix::io::Errno;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// `CreateHardLinkW`—gives the existing file `existing` the new name `new`.
/// - a missing `existing` gives 2 (3 for a missing directory), a directory 5;
/// - an existing `new` gives 183; another file system 17.
///
/// # Linux mechanism
/// linkat(2) (a symbolic link is linked itself, as Windows links a reparse point).
pub fn create_hard_link(new: &str, existing: &str) -> Result<()> {
    const API: &str = "CreateHardLinkW";
    let to = linux_path(new, API)?;
    let from = linux_path(existing, API)?;
    match statat(CWD, &from, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Directory => {
            return Err(Error::new(Win32Error::ACCESS_DENIED, API));
        }
        Ok(_) => {}
        Err(e) => return Err(Error::new(errno_at(e, &from), API)),
    }
    match rustix::fs::linkat(CWD, &from, CWD, &to, AtFlags::empty()) {
        Ok(()) => Ok(()),
        Err(Errno::EXIST) => Err(Error::new(Win32Error::ALREADY_EXISTS, API)),
        Err(Errno::XDEV) => Err(Error::new(Win32Error::NOT_SAME_DEVICE, API)),
        Err(Errno::NOENT | Errno::NOTDIR) => Err(Error::new(Win32Error::PATH_NOT_FOUND, API)),
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

/// `CreateSymbolicLinkW`—creates the link `link` pointing at `target`.
/// - a relative Windows target (`..\x\y`) is written in Linux form (`../x/y`), kept
///   relative; an absolute Windows target (`C:\x`, `\\?\C:\x`, `\x`) becomes the Linux
///   path it names through the drive table; a Linux target is written as given;
/// - SYMBOLIC_LINK_FLAG_DIRECTORY and SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE are
///   accepted (Linux links have no type and need no privilege); other bits give 87;
/// - an existing `link` gives 183, a missing parent directory 3.
///
/// # Linux mechanism
/// symlinkat(2).
pub fn create_symbolic_link(link: &str, target: &str, flags: u32) -> Result<()> {
    const API: &str = "CreateSymbolicLinkW";
    if flags & !(SYMBOLIC_LINK_FLAG_DIRECTORY | SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE) != 0 || target.is_empty()
    {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let at = linux_path(link, API)?;
    let text = link_text(target, &at).api(API)?;
    match rustix::fs::symlinkat(text.as_path(), CWD, &at) {
        Ok(()) => Ok(()),
        Err(Errno::EXIST) => Err(Error::new(Win32Error::ALREADY_EXISTS, API)),
        Err(Errno::NOENT | Errno::NOTDIR) => Err(Error::new(Win32Error::PATH_NOT_FOUND, API)),
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

/// What a symbolic link at `link` to `target` stores on Linux.
fn link_text(target: &str, link: &Path) -> std::result::Result<PathBuf, Win32Error> {
    if path::path_style(target) == PathStyle::Unix {
        return Ok(PathBuf::from(target));
    }
    let relative =
        !target.starts_with(['\\', '/']) && !matches!(target.as_bytes(), [l, b':', ..] if l.is_ascii_alphabetic());
    if relative {
        // Kept relative to the link's directory, as Windows resolves it, and, as there,
        // `..` never climbs above the root of the link's drive (`C:\a\l -> ..\..\x`
        // is `C:\x`): the excess is dropped, so the Linux link cannot leave the drive.
        let mut up = depth_below_drive_root(link.parent().unwrap_or(Path::new("/")));
        let mut parts: Vec<&str> = Vec::new();
        for p in target.split(['\\', '/']).filter(|p| !p.is_empty() && *p != ".") {
            match p {
                ".." if parts.last().is_some_and(|l| *l != "..") => {
                    parts.pop();
                }
                ".." if up > 0 => {
                    parts.push("..");
                    up -= 1;
                }
                ".." => {}
                name => parts.push(name),
            }
        }
        if parts.is_empty() {
            return Ok(PathBuf::from("."));
        }
        return Ok(PathBuf::from(parts.join("/")));
    }
    Ok(path::resolve(target, false)?.linux)
}

/// How many directories `dir` lies below the root of the drive covering it (unbounded
/// when none does, or it cannot be resolved: the kernel's `/` bounds it then).
fn depth_below_drive_root(dir: &Path) -> usize {
    let Ok(real) = std::fs::canonicalize(dir) else { return usize::MAX };
    match path::DosDevices::from_env().locate(&real) {
        Some((_, root)) => real.strip_prefix(&root).map_or(usize::MAX, |r| r.components().count()),
        None => usize::MAX,
    }
}

/// A name beside `path` that nothing uses, for link-then-rename replacements.
pub(crate) fn temp_name(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let mut name = OsString::from(".winfile-");
    name.push(format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    match path.parent() {
        Some(p) => p.join(name),
        None => PathBuf::from(name),
    }
}
