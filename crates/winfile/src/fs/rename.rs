//! `MoveFileExW` and `MoveFileWithProgressW`: rename within a file system,
//! copy-and-delete across them.

use super::linux_path;
use crate::consts::*;
use crate::copy::{copy_path, CopyRequest, ProgressFn};
use crate::error::{not_found_for, Context, Error, PathContext, Result, Win32Error};
use crate::lock::share;
use rustix::fs::{renameat_with, statat, unlinkat, AtFlags, FileType, RenameFlags, Stat, CWD};
use rustix::io::Errno;
use std::path::{Path, PathBuf};

/// `MoveFileExW`—renames or moves a file or directory.
/// - without MOVEFILE_REPLACE_EXISTING an existing destination gives 183;
/// - with it, a file is replaced atomically (never a directory, nor a READONLY file: 5);
/// - across file systems, files are copied then deleted when MOVEFILE_COPY_ALLOWED is
///   given (17 otherwise; directories cannot move across file systems);
/// - MOVEFILE_WRITE_THROUGH flushes the data and the directory before returning;
/// - a name that differs only in case renames the file to the new spelling;
/// - MOVEFILE_CREATE_HARDLINK gives the file the new name as a hard link and keeps the
///   old one (what Windows does with this flag, documented as reserved);
/// - MOVEFILE_FAIL_IF_NOT_TRACKABLE is accepted: it only fails for a link-tracking
///   source, and no Linux file carries an NTFS object id;
/// - MOVEFILE_DELAY_UNTIL_REBOOT is refused with ERROR_NOT_SUPPORTED (50): Linux has no
///   boot-time rename queue, and winfile keeps none (see the README).
///
/// # Linux mechanism
/// renameat2(2) (RENAME_NOREPLACE unless replacing) under share-token probes of source
/// and replaced destination; fsync(2) for write-through; linkat(2) for CREATE_HARDLINK.
pub fn move_file(src: &str, dst: Option<&str>, flags: u32) -> Result<()> {
    move_named(src, dst, flags, None, "MoveFileExW")
}

/// `MoveFileWithProgressW`—[`move_file`], with the progress routine called (as by
/// `CopyFileExW`) while a move across file systems copies the data. A rename calls it
/// never. A canceled or stopped copy leaves the source and no destination (1235).
///
/// # Linux mechanism
/// renameat2(2); across file systems the chunked copy of `copy`, then unlink(2).
pub fn move_file_with_progress(
    src: &str,
    dst: Option<&str>,
    flags: u32,
    routine: Option<&mut ProgressFn<'_>>,
) -> Result<()> {
    move_named(src, dst, flags, routine, "MoveFileWithProgressW")
}

fn move_named(
    src: &str,
    dst: Option<&str>,
    flags: u32,
    routine: Option<&mut ProgressFn<'_>>,
    api: &'static str,
) -> Result<()> {
    if flags & MOVEFILE_DELAY_UNTIL_REBOOT != 0 {
        // Linux has no boot-time rename queue.
        return Err(Error::new(Win32Error::NOT_SUPPORTED, api));
    }
    let Some(dst) = dst else {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, api));
    };
    let from = linux_path(src, api)?;
    if is_drive_or_fs_root(&from) {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    let from_st = statat(CWD, &from, AtFlags::SYMLINK_NOFOLLOW).path_api(&from, api)?;
    let mut to = linux_path(dst, api)?;
    let replace = flags & MOVEFILE_REPLACE_EXISTING != 0;
    if flags & MOVEFILE_CREATE_HARDLINK != 0 {
        return hard_link_move(&from, &from_st, &to, replace, api);
    }
    let mut rename_flags = if replace { RenameFlags::empty() } else { RenameFlags::NOREPLACE };
    match statat(CWD, &to, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(to_st) if same_file(&from_st, &to_st) => {
            // Same file under a name differing in case: rename to the spelling given.
            to = respell(&to, dst);
            rename_flags = RenameFlags::empty();
        }
        Ok(to_st) => check_replace(&from_st, &to_st, replace, api)?,
        Err(Errno::NOENT) => {}
        Err(Errno::NOTDIR) => return Err(Error::new(not_found_for(&to), api)),
        Err(e) => return Err(Error::new(e.into(), api)),
    }
    // The source is opened for DELETE under every handle's share mode (32); a replaced
    // destination must be deletable too (5, as Windows reports a target in use).
    let from_type = FileType::from_raw_mode(from_st.st_mode);
    let _src = match from_type {
        FileType::Symlink => None,
        t => Some(share::check_name_op(&from, t == FileType::Directory, Win32Error::SHARING_VIOLATION).api(api)?),
    };
    let _dst = if replace && rename_flags.is_empty() && to != from {
        Some(share::check_name_op(&to, false, Win32Error::ACCESS_DENIED).api(api)?)
    } else {
        None
    };
    match renameat_with(CWD, &from, CWD, &to, rename_flags) {
        Ok(()) => {}
        Err(Errno::EXIST | Errno::NOTEMPTY) => return Err(Error::new(Win32Error::ALREADY_EXISTS, api)),
        Err(Errno::NOENT) => return Err(Error::new(not_found_for(&to), api)),
        Err(Errno::XDEV) => {
            // The copy opens both files as handles of its own, under their share rules.
            drop((_src, _dst));
            return move_across(&from, &from_st, &to, flags, routine, api);
        }
        Err(Errno::INVAL) => return Err(Error::new(Win32Error::ACCESS_DENIED, api)), // into itself
        Err(e) => return Err(Error::new(e.into(), api)),
    }
    if flags & MOVEFILE_WRITE_THROUGH != 0 {
        sync_parent(&to, api)?;
    }
    Ok(())
}

fn same_file(a: &Stat, b: &Stat) -> bool {
    a.st_dev == b.st_dev && a.st_ino == b.st_ino
}

/// `to` with its last component spelled as the caller wrote it (after normalisation:
/// `x\..`, `name.` and `name ` are not spellings), when that is the same name in
/// another case.
fn respell(to: &Path, given: &str) -> PathBuf {
    let full = crate::path::full_path_name(given).unwrap_or_else(|_| given.to_string());
    let last = full.rsplit(['\\', '/']).next().unwrap_or(&full);
    let same = to.file_name().and_then(|n| n.to_str()).is_some_and(|n| crate::path::eq_ignore_case(n, last));
    match to.parent() {
        Some(parent) if same && crate::path::is_single_name(last) => parent.join(last),
        _ => to.to_path_buf(),
    }
}

fn check_replace(from: &Stat, to_st: &Stat, replace: bool, api: &'static str) -> Result<()> {
    if !replace {
        return Err(Error::new(Win32Error::ALREADY_EXISTS, api));
    }
    let to_dir = FileType::from_raw_mode(to_st.st_mode) == FileType::Directory;
    let from_dir = FileType::from_raw_mode(from.st_mode) == FileType::Directory;
    if to_dir || from_dir {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    if crate::info::is_readonly_mode(to_st.st_mode) {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    Ok(())
}

fn move_across(
    from: &Path,
    st: &Stat,
    to: &Path,
    flags: u32,
    routine: Option<&mut ProgressFn<'_>>,
    api: &'static str,
) -> Result<()> {
    if flags & MOVEFILE_COPY_ALLOWED == 0 {
        return Err(Error::new(Win32Error::NOT_SAME_DEVICE, api));
    }
    let mut copy_flags = if flags & MOVEFILE_REPLACE_EXISTING != 0 { 0 } else { COPY_FILE_FAIL_IF_EXISTS };
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => {}
        FileType::Symlink => copy_flags |= COPY_FILE_COPY_SYMLINK, // the link moves, not its target
        FileType::Directory => return Err(Error::new(Win32Error::ACCESS_DENIED, api)),
        _ => return Err(Error::new(Win32Error::NOT_SAME_DEVICE, api)),
    }
    match copy_path(from, to, CopyRequest { flags: copy_flags, routine, cancel: None }) {
        Ok(()) => {}
        Err(Win32Error::REQUEST_ABORTED) => {
            // A stopped move is not restartable: the source stays, the partial copy goes.
            let _ = unlinkat(CWD, to, AtFlags::empty());
            return Err(Error::new(Win32Error::REQUEST_ABORTED, api));
        }
        Err(e) => return Err(Error::new(e, api)),
    }
    if flags & MOVEFILE_WRITE_THROUGH != 0 && copy_flags & COPY_FILE_COPY_SYMLINK == 0 {
        let fd =
            rustix::fs::open(to, rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC, rustix::fs::Mode::empty())
                .api(api)?;
        rustix::fs::fsync(&fd).api(api)?;
    }
    if flags & MOVEFILE_WRITE_THROUGH != 0 {
        sync_parent(to, api)?;
    }
    unlinkat(CWD, from, AtFlags::empty()).api(api)
}

/// MOVEFILE_CREATE_HARDLINK: `to` becomes another name of `from`, which stays.
fn hard_link_move(from: &Path, from_st: &Stat, to: &Path, replace: bool, api: &'static str) -> Result<()> {
    if FileType::from_raw_mode(from_st.st_mode) == FileType::Directory {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    match statat(CWD, to, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(to_st) if same_file(from_st, &to_st) => return Ok(()),
        Ok(to_st) => check_replace(from_st, &to_st, replace, api)?,
        Err(Errno::NOENT) => {}
        Err(Errno::NOTDIR) => return Err(Error::new(not_found_for(to), api)),
        Err(e) => return Err(Error::new(e.into(), api)),
    }
    let link_err = |e: Errno| match e {
        Errno::XDEV => Win32Error::NOT_SAME_DEVICE,
        Errno::EXIST => Win32Error::ALREADY_EXISTS,
        Errno::NOENT | Errno::NOTDIR => Win32Error::PATH_NOT_FOUND,
        e => e.into(),
    };
    if !replace {
        return rustix::fs::linkat(CWD, from, CWD, to, AtFlags::empty()).map_err(|e| Error::new(link_err(e), api));
    }
    // Replacing: link under a temporary name beside `to`, then rename over it.
    let _dst = share::check_name_op(to, false, Win32Error::ACCESS_DENIED).api(api)?;
    let tmp = crate::link::temp_name(to);
    rustix::fs::linkat(CWD, from, CWD, &tmp, AtFlags::empty()).map_err(|e| Error::new(link_err(e), api))?;
    if let Err(e) = rustix::fs::rename(&tmp, to) {
        let _ = unlinkat(CWD, &tmp, AtFlags::empty());
        return Err(Error::new(e.into(), api));
    }
    Ok(())
}

fn sync_parent(path: &Path, api: &'static str) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = rustix::fs::open(
        parent,
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .api(api)?;
    rustix::fs::fsync(&dir).api(api)
}

/// A drive's root directory (or `/`) cannot be renamed, as on Windows.
fn is_drive_or_fs_root(path: &Path) -> bool {
    let Ok(real) = std::fs::canonicalize(path) else { return false };
    real.parent().is_none() || ('a'..='z').any(|l| crate::path::drive_root(l).is_some_and(|root| root == real))
}
