//! `ReplaceFileW`: the replacement takes the replaced file's name, attributes and
//! creation time in one atomic rename; the old file optionally stays as the backup.

use crate::consts::*;
use crate::error::{errno_at, Context, Error, Result, Win32Error};
use crate::fs::linux_path;
use crate::info;
use crate::lock::share;
use rustix::fs::{
    fchmod, fchown, fsync, open, renameat, statat, unlinkat, AtFlags, FileType, Gid, Mode, OFlags, Stat, Uid, CWD,
};
use rustix::io::Errno;
use std::os::fd::AsFd;
use std::path::Path;

const API: &str = "ReplaceFileW";

/// `ReplaceFileW`—replaces the file `replaced` by the file `replacement` (first
/// argument: the file replaced, as documented), keeping `replaced`'s attributes,
/// creation time, mode and (where allowed) owner; the replacement keeps its data and
/// last write time. With `backup`, the old file stays under that name.
///
/// Steps and their errors (nothing changes when one fails):
/// - a missing `replaced` or `replacement` gives 2 (3 for a missing directory), a
///   directory 5, a READONLY `replaced` 5;
/// - `replaced` held open by a handle that does not share delete, or the backup name
///   cannot be made: ERROR_UNABLE_TO_REMOVE_REPLACED (1175);
/// - `replacement` held without delete sharing, on another file system, or the rename
///   failing: ERROR_UNABLE_TO_MOVE_REPLACEMENT (1176);
/// - merging the metadata fails: that error, unless REPLACEFILE_IGNORE_MERGE_ERRORS.
///
/// Windows' ERROR_UNABLE_TO_MOVE_REPLACEMENT_2 (1177: the replaced file already moved to
/// the backup name) cannot happen: the backup is a second link, and the replaced name
/// is never without a file. REPLACEFILE_WRITE_THROUGH flushes the file and directories.
///
/// # Linux mechanism
/// linkat(2) + rename(2) for the backup, metadata copied onto the replacement, then one
/// rename(2) over the replaced name; fsync(2) for write-through.
pub fn replace_file(replaced: &str, replacement: &str, backup: Option<&str>, flags: u32) -> Result<()> {
    let target = linux_path(replaced, API)?;
    let source = linux_path(replacement, API)?;
    let backup = backup.map(|b| linux_path(b, API)).transpose()?;
    let target_st = lstat_file(&target)?;
    let source_st = lstat_file(&source)?;
    let target_info = info::query_path(&target).api(API)?;
    if target_info.attributes & FILE_ATTRIBUTE_READONLY != 0 {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let map = |e: Win32Error, to: Win32Error| if e == Win32Error::SHARING_VIOLATION { to } else { e };
    let _g1 = share::check_name_op(&target, false, Win32Error::SHARING_VIOLATION)
        .map_err(|e| Error::new(map(e, Win32Error::UNABLE_TO_REMOVE_REPLACED), API))?;
    let _g2 = share::check_name_op(&source, false, Win32Error::SHARING_VIOLATION)
        .map_err(|e| Error::new(map(e, Win32Error::UNABLE_TO_MOVE_REPLACEMENT), API))?;
    if target_st.st_dev != source_st.st_dev {
        return Err(Error::new(Win32Error::UNABLE_TO_MOVE_REPLACEMENT, API));
    }
    if let Err(e) = merge(&source, &source_st, &target_st, &target_info) {
        if flags & REPLACEFILE_IGNORE_MERGE_ERRORS == 0 {
            return Err(Error::new(e, API));
        }
    }
    if let Some(b) = &backup {
        make_backup(&target, b).map_err(|_| Error::new(Win32Error::UNABLE_TO_REMOVE_REPLACED, API))?;
    }
    renameat(CWD, &source, CWD, &target).map_err(|_| Error::new(Win32Error::UNABLE_TO_MOVE_REPLACEMENT, API))?;
    if flags & REPLACEFILE_WRITE_THROUGH != 0 {
        let fd = open(&target, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).api(API)?;
        fsync(&fd).api(API)?;
        sync_dir(&target)?;
        if let Some(b) = &backup {
            sync_dir(b)?;
        }
    }
    Ok(())
}

/// lstat for ReplaceFile's two names: 2/3 when missing, 5 for a directory.
fn lstat_file(p: &Path) -> Result<Stat> {
    match statat(CWD, p, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Directory => {
            Err(Error::new(Win32Error::ACCESS_DENIED, API))
        }
        Ok(st) => Ok(st),
        Err(e) => Err(Error::new(errno_at(e, p), API)),
    }
}

/// The replaced file's creation time, owner, mode and attributes onto the replacement.
fn merge(
    source: &Path,
    source_st: &Stat,
    target_st: &Stat,
    target: &info::FileInfo,
) -> std::result::Result<(), Win32Error> {
    if FileType::from_raw_mode(source_st.st_mode) == FileType::Symlink {
        return Ok(()); // a link keeps no attributes of its own
    }
    // Write bits first: a READONLY replacement must take the xattr writes.
    let fd = open(source, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    fchmod(&fd, Mode::from_bits_truncate((target_st.st_mode & 0o7777) | 0o200))?;
    info::set_times(fd.as_fd(), source, Some(target.creation), None, None)?;
    if (source_st.st_uid, source_st.st_gid) != (target_st.st_uid, target_st.st_gid) {
        // Only root may give a file away; the owner stays otherwise (as an ACL error
        // Windows' REPLACEFILE_IGNORE_ACL_ERRORS would skip).
        let uid = Uid::from_raw(target_st.st_uid);
        let gid = Gid::from_raw(target_st.st_gid);
        if let Err(e) = fchown(&fd, Some(uid), Some(gid)) {
            log::debug!("{}: owner kept ({e})", source.display());
        }
    }
    fchmod(&fd, Mode::from_bits_truncate(target_st.st_mode & 0o7777))?;
    info::set_attributes(source, target.attributes & info::SETTABLE_ATTRIBUTES)?;
    Ok(())
}

/// `backup` becomes another name of the replaced file (a copy across file systems),
/// replacing whatever had that name.
fn make_backup(target: &Path, backup: &Path) -> std::result::Result<(), Win32Error> {
    if let Ok(st) = statat(CWD, backup, AtFlags::SYMLINK_NOFOLLOW) {
        if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
            return Err(Win32Error::ACCESS_DENIED);
        }
    }
    let tmp = crate::link::temp_name(backup);
    match rustix::fs::linkat(CWD, target, CWD, &tmp, AtFlags::empty()) {
        Ok(()) => {}
        Err(Errno::XDEV | Errno::PERM | Errno::MLINK) => {
            let req = super::CopyRequest {
                flags: COPY_FILE_FAIL_IF_EXISTS | COPY_FILE_COPY_SYMLINK,
                routine: None,
                cancel: None,
            };
            super::copy_path(target, &tmp, req)?;
        }
        Err(e) => return Err(e.into()),
    }
    if let Err(e) = renameat(CWD, &tmp, CWD, backup) {
        let _ = unlinkat(CWD, &tmp, AtFlags::empty());
        return Err(e.into());
    }
    Ok(())
}

fn sync_dir(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = open(parent, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()).api(API)?;
    fsync(&dir).api(API)
}
