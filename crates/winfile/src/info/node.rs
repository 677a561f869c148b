//! The file an info call works on—an open descriptor or a path—and the few system
//! calls run on it: statx, the `user.DOSATTRIB` xattr, chmod.
//!
//! An `O_PATH` descriptor cannot be used with fgetxattr, fsetxattr, fchmod or
//! futimens (EBADF); those calls then go through the descriptor's
//! `/proc/self/fd/N` link, which the kernel resolves to the open file itself.

use super::dosattrib::{self, DosAttrib, XATTR_NAME};
use rustix::fs::{AtFlags, Mode, Statx, StatxFlags, XattrFlags, CWD};
use rustix::io::Errno;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::{Path, PathBuf};

/// statx mask of every info query: the basic stats and the birth time.
pub(super) const STATX_MASK: StatxFlags = StatxFlags::BASIC_STATS.union(StatxFlags::BTIME);

/// Mode bits: the three write bits, and the permission part of a mode.
pub(super) const WRITE_BITS: u32 = 0o222;
const PERMISSION_BITS: u32 = 0o7777;

/// Read buffer for `user.DOSATTRIB`: every layout fits (the longest, version 2,
/// ends in a name of at most 255 UTF-8 characters).
const XATTR_BUF_LEN: usize = 2048;

/// Where an info call acts.
#[derive(Clone, Copy, Debug)]
pub(super) enum Node<'a> {
    /// An open descriptor (possibly `O_PATH`).
    Fd(BorrowedFd<'a>),
    /// A path, symbolic links followed.
    Path(&'a Path),
    /// A path, a final symbolic link not followed.
    Link(&'a Path),
    /// An entry of an open directory (a final symbolic link not followed): statx goes
    /// through the directory descriptor, xattrs through the full path.
    At(BorrowedFd<'a>, &'a Path, &'a Path),
}

/// The `/proc/self/fd/N` name of an open descriptor.
pub(super) fn proc_path(fd: BorrowedFd<'_>) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

/// True for the errors that mean "this file system keeps no user xattrs"
/// (ENOTSUP, which Linux spells the same as EOPNOTSUPP).
pub(super) fn xattrs_unsupported(e: Errno) -> bool {
    e == Errno::OPNOTSUPP || e == Errno::NOTSUP
}

impl Node<'_> {
    /// `statx` of the node (basic stats and btime).
    pub(super) fn statx(self) -> Result<Statx, Errno> {
        match self {
            Node::Fd(fd) => rustix::fs::statx(fd, "", AtFlags::EMPTY_PATH, STATX_MASK),
            Node::Path(p) => rustix::fs::statx(CWD, p, AtFlags::empty(), STATX_MASK),
            Node::Link(p) => rustix::fs::statx(CWD, p, AtFlags::SYMLINK_NOFOLLOW, STATX_MASK),
            Node::At(dir, name, _) => rustix::fs::statx(dir, name, AtFlags::SYMLINK_NOFOLLOW, STATX_MASK),
        }
    }

    /// The raw `user.DOSATTRIB` value; `Ok(None)` when there is none or the file
    /// system keeps no user xattrs.
    pub(super) fn read_xattr(self) -> Result<Option<Vec<u8>>, Errno> {
        let mut buf = [0u8; XATTR_BUF_LEN];
        let got = match self {
            Node::Fd(fd) => match rustix::fs::fgetxattr(fd, XATTR_NAME, &mut buf) {
                Err(Errno::BADF) => rustix::fs::getxattr(proc_path(fd), XATTR_NAME, &mut buf),
                other => other,
            },
            Node::Path(p) => rustix::fs::getxattr(p, XATTR_NAME, &mut buf),
            Node::Link(p) | Node::At(_, _, p) => rustix::fs::lgetxattr(p, XATTR_NAME, &mut buf),
        };
        match got {
            Ok(len) => Ok(Some(buf.get(..len).unwrap_or(&buf[..]).to_vec())),
            Err(Errno::NODATA) => Ok(None),
            // Larger than any layout winfile reads: present, but not ours to decode.
            Err(Errno::RANGE) => Ok(Some(Vec::new())),
            Err(e) if xattrs_unsupported(e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The decoded `user.DOSATTRIB`: `None` when absent; `Some(None)` when present
    /// but undecodable. Read failures count as absent (logged at debug): a query
    /// must not fail because the xattr cannot be read.
    pub(super) fn dosattrib(self) -> Option<Option<DosAttrib>> {
        match self.read_xattr() {
            Ok(blob) => blob.map(|b| dosattrib::decode(&b)),
            Err(e) => {
                log::debug!("reading {XATTR_NAME} failed ({e:?}); deriving attributes from the inode");
                None
            }
        }
    }

    /// Stores `value` as `user.DOSATTRIB`. A file without write permission refuses
    /// user xattrs even to its owner (EACCES), while Windows lets attributes and
    /// times change on a READONLY file: the owner's write bit is then added for
    /// the write and taken away again.
    pub(super) fn write_xattr(self, value: &[u8]) -> Result<(), Errno> {
        match self.set_xattr(value) {
            Err(Errno::ACCESS) => {
                let mode = u32::from(self.statx()?.stx_mode) & PERMISSION_BITS;
                if mode & 0o200 != 0 {
                    return Err(Errno::ACCESS);
                }
                self.chmod(mode | 0o200)?;
                let result = self.set_xattr(value);
                self.chmod(mode)?;
                result
            }
            other => other,
        }
    }

    fn set_xattr(self, value: &[u8]) -> Result<(), Errno> {
        let flags = XattrFlags::empty();
        match self {
            Node::Fd(fd) => match rustix::fs::fsetxattr(fd, XATTR_NAME, value, flags) {
                Err(Errno::BADF) => rustix::fs::setxattr(proc_path(fd), XATTR_NAME, value, flags),
                other => other,
            },
            Node::Path(p) => rustix::fs::setxattr(p, XATTR_NAME, value, flags),
            Node::Link(p) | Node::At(_, _, p) => rustix::fs::lsetxattr(p, XATTR_NAME, value, flags),
        }
    }

    /// Sets the permission bits (`mode & 0o7777`).
    pub(super) fn chmod(self, mode: u32) -> Result<(), Errno> {
        let mode = Mode::from_raw_mode(mode & PERMISSION_BITS);
        match self {
            Node::Fd(fd) => match rustix::fs::fchmod(fd, mode) {
                Err(Errno::BADF) => rustix::fs::chmod(proc_path(fd), mode),
                other => other,
            },
            Node::Path(p) => rustix::fs::chmod(p, mode),
            // Linux cannot change a symbolic link's mode.
            Node::Link(p) | Node::At(_, _, p) => rustix::fs::chmodat(CWD, p, mode, AtFlags::SYMLINK_NOFOLLOW),
        }
    }
}
