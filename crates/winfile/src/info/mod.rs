//! File attributes, times and identity: `GetFileAttributes(Ex)`, `SetFileAttributes`,
//! `GetFileTime`/`SetFileTime`, `GetFileInformationByHandle`.
//!
//! DOS attributes and the creation time are kept as Samba keeps them, in the
//! `user.DOSATTRIB` xattr; READONLY is also reflected in the mode's write bits.
//!
//! INTERFACE (owned by the info work; bodies to be written).

use crate::error::Win32Error;
use std::os::fd::BorrowedFd;
use std::path::Path;

/// A Win32 `FILETIME`: 100-nanosecond intervals since 1601-01-01 UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default, Hash)]
pub struct FileTime(pub u64);

/// What Windows knows about a file: the union of WIN32_FILE_ATTRIBUTE_DATA and
/// BY_HANDLE_FILE_INFORMATION.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct FileInfo {
    /// FILE_ATTRIBUTE_* bits.
    pub attributes: u32,
    /// Creation time (DOSATTRIB, else statx btime, else min(ctime, mtime)).
    pub creation: FileTime,
    /// Last access time (atime).
    pub last_access: FileTime,
    /// Last write time (mtime).
    pub last_write: FileTime,
    /// Change time (ctime).
    pub change: FileTime,
    /// File size in bytes (0 for directories).
    pub size: u64,
    /// Bytes allocated on disk.
    pub allocation: u64,
    /// Volume serial number, stable per file system.
    pub volume_serial: u32,
    /// Number of hard links.
    pub links: u32,
    /// File index (the inode number).
    pub index: u64,
    /// Windows CE object-store id: always 0, Linux file systems have no object store.
    pub oid: u32,
}

/// Information about the file open as `fd` (`path` is its name, for name-derived bits).
pub fn query_fd(fd: BorrowedFd<'_>, path: &Path) -> Result<FileInfo, Win32Error> {
    let _ = (fd, path);
    todo!("info::query_fd")
}

/// Information about the file named `path`; a symbolic link is described itself
/// (REPARSE_POINT), not followed.
pub fn query_path(path: &Path) -> Result<FileInfo, Win32Error> {
    let _ = path;
    todo!("info::query_path")
}

/// `SetFileAttributes`—stores the settable bits; READONLY also clears the write bits.
pub fn set_attributes(path: &Path, attributes: u32) -> Result<(), Win32Error> {
    let _ = (path, attributes);
    todo!("info::set_attributes")
}

/// Attributes for a file CreateFile has just created (or overwritten with
/// CREATE_ALWAYS): the given bits plus ARCHIVE.
pub fn init_new_file(fd: BorrowedFd<'_>, path: &Path, attributes: u32) -> Result<(), Win32Error> {
    let _ = (fd, path, attributes);
    todo!("info::init_new_file")
}

/// Sets ARCHIVE after a modification (cheap when already set).
pub fn mark_archive(fd: BorrowedFd<'_>, path: &Path) -> Result<(), Win32Error> {
    let _ = (fd, path);
    todo!("info::mark_archive")
}

/// `SetFileTime`—`None` leaves a time unchanged.
pub fn set_times(
    fd: BorrowedFd<'_>,
    path: &Path,
    creation: Option<FileTime>,
    last_access: Option<FileTime>,
    last_write: Option<FileTime>,
) -> Result<(), Win32Error> {
    let _ = (fd, path, creation, last_access, last_write);
    todo!("info::set_times")
}
