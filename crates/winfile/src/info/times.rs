//! `SetFileTime`: last access and last write times go to the inode; the creation
//! time, which Linux cannot set, goes to `user.DOSATTRIB`, where queries read it.

use super::attributes::default_stored;
use super::dosattrib::{encode_v5, DosAttrib};
use super::node::{proc_path, xattrs_unsupported, Node};
use super::FileTime;
use crate::error::Win32Error;
use rustix::fs::{AtFlags, FileType, Timespec, Timestamps, CWD, UTIME_OMIT};
use rustix::io::Errno;
use std::os::fd::BorrowedFd;
use std::path::Path;

/// `SetFileTime`—Sets the creation, last access and last write times of the file
/// open as `fd`; `None` leaves a time unchanged.
///
/// A time of 0 or `0xFFFFFFFF_FFFFFFFF` also leaves it unchanged (Windows' second
/// value further suspends automatic updates through the handle, which Linux cannot
/// do). Times keep 100 ns precision; a creation time is read back exactly.
///
/// # Linux mechanism
/// futimens (utimensat on `/proc/self/fd/N` for `O_PATH`) with UTIME_OMIT for the
/// unchanged times; fsetxattr `user.DOSATTRIB` create_time for the creation time.
pub fn set_times(
    fd: BorrowedFd<'_>,
    path: &Path,
    creation: Option<FileTime>,
    last_access: Option<FileTime>,
    last_write: Option<FileTime>,
) -> Result<(), Win32Error> {
    let keep = |t: Option<FileTime>| t.filter(|t| !t.is_unchanged_marker());
    let (creation, last_access, last_write) = (keep(creation), keep(last_access), keep(last_write));
    if last_access.is_some() || last_write.is_some() {
        let times = Timestamps { last_access: timespec(last_access), last_modification: timespec(last_write) };
        match rustix::fs::futimens(fd, &times) {
            Err(Errno::BADF) => rustix::fs::utimensat(CWD, proc_path(fd), &times, AtFlags::empty()),
            other => other,
        }
        .map_err(Win32Error::from)?;
    }
    if let Some(creation) = creation {
        set_creation(Node::Fd(fd), path, creation)?;
    }
    Ok(())
}

/// A `Timespec` for utimensat: the time, or UTIME_OMIT.
fn timespec(t: Option<FileTime>) -> Timespec {
    match t {
        Some(t) => {
            let (secs, nsec) = t.to_unix();
            Timespec { tv_sec: secs, tv_nsec: nsec.into() }
        }
        None => Timespec { tv_sec: 0, tv_nsec: UTIME_OMIT },
    }
}

/// Stores `creation` in `user.DOSATTRIB`, keeping the stored attribute bits; a
/// file without the xattr gets one holding its default bits.
fn set_creation(node: Node<'_>, path: &Path, creation: FileTime) -> Result<(), Win32Error> {
    let st = node.statx().map_err(Win32Error::from)?;
    let kind = FileType::from_raw_mode(u32::from(st.stx_mode));
    let base = match node.dosattrib() {
        Some(Some(d)) => d,
        _ => DosAttrib { attributes: default_stored(kind == FileType::Directory), create_time: None },
    };
    let value = encode_v5(&DosAttrib { create_time: Some(creation), ..base });
    match node.write_xattr(&value) {
        Ok(()) => Ok(()),
        Err(e) if xattrs_unsupported(e) => {
            log::debug!("{}: file system keeps no user xattrs; creation time not stored", path.display());
            Ok(())
        }
        // Links, devices, fifos and sockets take no user xattrs.
        Err(Errno::PERM) if !matches!(kind, FileType::RegularFile | FileType::Directory) => {
            log::debug!("{}: special file keeps no user xattrs; creation time not stored", path.display());
            Ok(())
        }
        Err(e) => Err(Win32Error::from(e)),
    }
}

#[cfg(test)]
#[path = "times_tests.rs"]
mod tests;
