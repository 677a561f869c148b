//! `GetFileAttributesEx` / `GetFileInformationByHandle`: one statx, one xattr read
//! and one statfs describe a file the way Windows does.

use super::attributes::{derive, path_error};
use super::node::Node;
use super::FileTime;
use crate::error::Win32Error;
use rustix::fs::{FileType, Statx, StatxFlags, StatxTimestamp};
use std::os::fd::BorrowedFd;
use std::path::Path;

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

/// `GetFileInformationByHandle`—Attributes, times, size and identity of the file
/// open as `fd` (`path` is its name, for the dot-file HIDDEN bit and a link's target).
///
/// # Linux mechanism
/// statx(AT_EMPTY_PATH) + fgetxattr `user.DOSATTRIB` + fstatfs f_fsid.
pub fn query_fd(fd: BorrowedFd<'_>, path: &Path) -> Result<FileInfo, Win32Error> {
    let node = Node::Fd(fd);
    let st = node.statx().map_err(Win32Error::from)?;
    let serial = fold_fsid(rustix::fs::fstatvfs(fd).map(|v| v.f_fsid).ok(), &st);
    Ok(build(node, &st, path, serial))
}

/// `GetFileAttributesEx`—Attributes, times and size of the file named `path`; a
/// symbolic link is described itself (REPARSE_POINT), not followed.
///
/// # Linux mechanism
/// statx(AT_SYMLINK_NOFOLLOW) + lgetxattr `user.DOSATTRIB` + statfs f_fsid.
pub fn query_path(path: &Path) -> Result<FileInfo, Win32Error> {
    let node = Node::Link(path);
    let st = node.statx().map_err(|e| path_error(path, e))?;
    // A link lives on its directory's file system, which statfs(path) would not see.
    let fs_path = if is_symlink(&st) {
        path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
    } else {
        path
    };
    let serial = fold_fsid(rustix::fs::statvfs(fs_path).map(|v| v.f_fsid).ok(), &st);
    Ok(build(node, &st, path, serial))
}

/// `FindFirstFile`/`FindNextFile`'s view of one directory entry: what
/// [`query_path`] reports for `path`, found through the open directory `dir` by its
/// `name` (no volume serial: the caller does not need it).
///
/// # Linux mechanism
/// statx(dirfd, name, AT_SYMLINK_NOFOLLOW) + lgetxattr `user.DOSATTRIB` on `path`.
pub fn query_at(dir: BorrowedFd<'_>, name: &Path, path: &Path) -> Result<FileInfo, Win32Error> {
    query_at_mode(dir, name, path).map(|(info, _)| info)
}

/// [`query_at`], also giving the entry's `st_mode` (listings look at the
/// delete-pending hint in it, see `lock::share`).
pub(crate) fn query_at_mode(dir: BorrowedFd<'_>, name: &Path, path: &Path) -> Result<(FileInfo, u32), Win32Error> {
    let node = Node::At(dir, name, path);
    let st = node.statx().map_err(|e| path_error(path, e))?;
    Ok((build(node, &st, path, 0), u32::from(st.stx_mode)))
}

/// The volume serial number of the file system holding `fd`: its f_fsid folded to
/// 32 bits, or its device number when the file system reports no fsid.
///
/// # Linux mechanism
/// fstatfs f_fsid (two 32-bit words xor-ed), else statx dev major/minor.
pub fn volume_serial(fd: BorrowedFd<'_>) -> Result<u32, Win32Error> {
    let st = Node::Fd(fd).statx().map_err(Win32Error::from)?;
    Ok(fold_fsid(rustix::fs::fstatvfs(fd).map(|v| v.f_fsid).ok(), &st))
}

fn fold_fsid(fsid: Option<u64>, st: &Statx) -> u32 {
    let folded = fsid.map_or(0, |f| (f as u32) ^ ((f >> 32) as u32));
    if folded != 0 {
        folded
    } else {
        // The kernel's own dev_t packing: major in the high 12 bits, minor below.
        (st.stx_dev_major << 20) ^ st.stx_dev_minor
    }
}

fn is_symlink(st: &Statx) -> bool {
    FileType::from_raw_mode(u32::from(st.stx_mode)) == FileType::Symlink
}

fn time(t: &StatxTimestamp) -> FileTime {
    FileTime::from_unix(t.tv_sec, t.tv_nsec)
}

/// Assembles the `FileInfo` of `node` from its statx and its `user.DOSATTRIB`.
fn build(node: Node<'_>, st: &Statx, path: &Path, volume_serial: u32) -> FileInfo {
    let mode = u32::from(st.stx_mode);
    let kind = FileType::from_raw_mode(mode);
    let stored = node.dosattrib().flatten();
    let link_to_dir = kind == FileType::Symlink
        && rustix::fs::stat(path).is_ok_and(|t| FileType::from_raw_mode(t.st_mode) == FileType::Directory);
    let attributes = derive(mode, st.stx_attributes, stored.map(|d| d.attributes), path, link_to_dir);
    let (ctime, mtime) = (time(&st.stx_ctime), time(&st.stx_mtime));
    let creation = match stored.and_then(|d| d.create_time) {
        Some(t) => t,
        None if st.stx_mask & StatxFlags::BTIME.bits() != 0 => time(&st.stx_btime),
        None => ctime.min(mtime),
    };
    let no_data = matches!(kind, FileType::Directory | FileType::Symlink);
    FileInfo {
        attributes,
        creation,
        last_access: time(&st.stx_atime),
        last_write: mtime,
        change: ctime,
        size: if no_data { 0 } else { st.stx_size },
        allocation: st.stx_blocks.saturating_mul(512),
        volume_serial,
        links: st.stx_nlink,
        index: st.stx_ino,
        oid: 0,
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
