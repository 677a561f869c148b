//! `MoveFileExW`: rename within a file system, copy-and-delete across them.

use super::copy::copy_path;
use super::linux_path;
use crate::consts::*;
use crate::error::{not_found_for, Context, Error, Result, Win32Error};
use crate::lock::share;
use rustix::fs::{renameat_with, statat, unlinkat, AtFlags, FileType, RenameFlags, Stat, CWD};
use rustix::io::Errno;
use std::path::{Path, PathBuf};

const API: &str = "MoveFileExW";

/// `MoveFileExW`—renames or moves a file or directory.
/// - without MOVEFILE_REPLACE_EXISTING an existing destination gives 183;
/// - with it, a file is replaced atomically (never a directory, nor a READONLY file: 5);
/// - across file systems, files are copied then deleted when MOVEFILE_COPY_ALLOWED is
///   given (17 otherwise; directories cannot move across file systems);
/// - MOVEFILE_WRITE_THROUGH flushes the data and the directory before returning;
/// - a name that differs only in case renames the file to the new spelling.
///
/// # Linux mechanism
/// renameat2(2) (RENAME_NOREPLACE unless replacing) under share-token probes of source
/// and replaced destination; fsync(2) for write-through.
pub fn move_file(src: &str, dst: Option<&str>, flags: u32) -> Result<()> {
    if flags & MOVEFILE_DELAY_UNTIL_REBOOT != 0 {
        // Linux has no boot-time rename queue.
        return Err(Error::new(Win32Error::NOT_SUPPORTED, API));
    }
    let Some(dst) = dst else {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    };
    let from = linux_path(src, API)?;
    if is_drive_or_fs_root(&from) {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let from_st = match statat(CWD, &from, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => st,
        Err(Errno::NOENT | Errno::NOTDIR) => return Err(Error::new(not_found_for(&from), API)),
        Err(e) => return Err(Error::new(e.into(), API)),
    };
    let mut to = linux_path(dst, API)?;
    let replace = flags & MOVEFILE_REPLACE_EXISTING != 0;
    let mut rename_flags = if replace { RenameFlags::empty() } else { RenameFlags::NOREPLACE };
    match statat(CWD, &to, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(to_st) if same_file(&from_st, &to_st) => {
            // Same file under a name differing in case: rename to the spelling given.
            to = respell(&to, dst);
            rename_flags = RenameFlags::empty();
        }
        Ok(to_st) => check_replace(&from_st, &to_st, &to, replace)?,
        Err(Errno::NOENT) => {}
        Err(Errno::NOTDIR) => return Err(Error::new(not_found_for(&to), API)),
        Err(e) => return Err(Error::new(e.into(), API)),
    }
    // The source is opened for DELETE under every handle's share mode (32); a replaced
    // destination must be deletable too (5, as Windows reports a target in use).
    let from_type = FileType::from_raw_mode(from_st.st_mode);
    let _src = match from_type {
        FileType::Symlink => None,
        t => Some(share::check_name_op(&from, t == FileType::Directory, Win32Error::SHARING_VIOLATION).api(API)?),
    };
    let _dst = if replace && rename_flags.is_empty() && to != from {
        Some(share::check_name_op(&to, false, Win32Error::ACCESS_DENIED).api(API)?)
    } else {
        None
    };
    match renameat_with(CWD, &from, CWD, &to, rename_flags) {
        Ok(()) => {}
        Err(Errno::EXIST | Errno::NOTEMPTY) => return Err(Error::new(Win32Error::ALREADY_EXISTS, API)),
        Err(Errno::NOENT) => return Err(Error::new(not_found_for(&to), API)),
        Err(Errno::XDEV) => return move_across(&from, &from_st, &to, flags),
        Err(Errno::INVAL) => return Err(Error::new(Win32Error::ACCESS_DENIED, API)), // into itself
        Err(e) => return Err(Error::new(e.into(), API)),
    }
    if flags & MOVEFILE_WRITE_THROUGH != 0 {
        sync_parent(&to)?;
    }
    Ok(())
}

fn same_file(a: &Stat, b: &Stat) -> bool {
    a.st_dev == b.st_dev && a.st_ino == b.st_ino
}

/// `to` with its last component spelled as the caller wrote it.
fn respell(to: &Path, given: &str) -> PathBuf {
    let last = given.rsplit(['\\', '/']).next().unwrap_or(given);
    match to.parent() {
        Some(parent) if !last.is_empty() => parent.join(last),
        _ => to.to_path_buf(),
    }
}

fn check_replace(from: &Stat, to_st: &Stat, to: &Path, replace: bool) -> Result<()> {
    if !replace {
        return Err(Error::new(Win32Error::ALREADY_EXISTS, API));
    }
    let to_dir = FileType::from_raw_mode(to_st.st_mode) == FileType::Directory;
    let from_dir = FileType::from_raw_mode(from.st_mode) == FileType::Directory;
    if to_dir || from_dir {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let attrs = crate::info::query_path(to).api(API)?.attributes;
    if attrs & FILE_ATTRIBUTE_READONLY != 0 {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    Ok(())
}

fn move_across(from: &Path, st: &Stat, to: &Path, flags: u32) -> Result<()> {
    if flags & MOVEFILE_COPY_ALLOWED == 0 {
        return Err(Error::new(Win32Error::NOT_SAME_DEVICE, API));
    }
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => {}
        FileType::Directory => return Err(Error::new(Win32Error::ACCESS_DENIED, API)),
        _ => return Err(Error::new(Win32Error::NOT_SAME_DEVICE, API)),
    }
    let replace = flags & MOVEFILE_REPLACE_EXISTING != 0;
    copy_path(from, to, !replace).api(API)?;
    if flags & MOVEFILE_WRITE_THROUGH != 0 {
        let fd = rustix::fs::open(to, rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC, rustix::fs::Mode::empty()).api(API)?;
        rustix::fs::fsync(&fd).api(API)?;
        sync_parent(to)?;
    }
    unlinkat(CWD, from, AtFlags::empty()).api(API)
}

fn sync_parent(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = rustix::fs::open(parent, rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC, rustix::fs::Mode::empty()).api(API)?;
    rustix::fs::fsync(&dir).api(API)
}

/// A drive's root directory (or `/`) cannot be renamed, as on Windows.
fn is_drive_or_fs_root(path: &Path) -> bool {
    let Ok(real) = std::fs::canonicalize(path) else { return false };
    real.parent().is_none()
        || ('a'..='z').any(|l| crate::path::drive_root(l).is_some_and(|root| root == real))
}
