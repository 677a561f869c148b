//! Open-file-description (OFD) byte-range locks: the three `fcntl` commands rustix does
//! not wrap with byte ranges (`F_OFD_SETLK`, `F_OFD_SETLKW`, `F_OFD_GETLK`).
//!
//! # Safety
//! The only unsafe code is the `fcntl` call itself. Each call passes a descriptor that is
//! borrowed for the duration of the call (so it is open) and a pointer to a `flock`
//! structure owned by the calling frame, which the kernel reads and, for `F_OFD_GETLK`,
//! writes back; nothing is retained after the call returns.
#![allow(unsafe_code)]

use rustix::io::Errno;
use std::os::fd::{AsRawFd, BorrowedFd};

/// Lock kinds, as `l_type` values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// A shared (read) lock.
    Read,
    /// An exclusive (write) lock.
    Write,
    /// No lock: releases the range.
    Unlock,
}

impl Kind {
    fn raw(self) -> libc::c_short {
        (match self {
            Kind::Read => libc::F_RDLCK,
            Kind::Write => libc::F_WRLCK,
            Kind::Unlock => libc::F_UNLCK,
        }) as libc::c_short
    }
}

fn request(kind: Kind, start: u64, len: u64) -> libc::flock {
    // SAFETY: `flock` is a plain C struct for which all-zero bytes are a valid value.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = kind.raw();
    fl.l_whence = libc::SEEK_SET as libc::c_short;
    fl.l_start = start.min(i64::MAX as u64) as libc::off_t;
    fl.l_len = len.min(i64::MAX as u64) as libc::off_t;
    fl.l_pid = 0; // required for OFD commands
    fl
}

fn fcntl(fd: BorrowedFd<'_>, cmd: libc::c_int, fl: &mut libc::flock) -> Result<(), Errno> {
    // SAFETY: `fd` is open for the whole call (it is borrowed) and `fl` points to a live,
    // properly aligned `flock` owned by the caller; the kernel does not keep the pointer.
    let rc = unsafe { libc::fcntl(fd.as_raw_fd(), cmd, fl as *mut libc::flock) };
    if rc == -1 {
        Err(Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)))
    } else {
        Ok(())
    }
}

/// Sets `kind` on `[start, start+len)` for the open file description of `fd`, failing
/// with EAGAIN/EACCES on conflict. `len` 0 would mean "to the end": callers never pass it.
pub(crate) fn set(fd: BorrowedFd<'_>, kind: Kind, start: u64, len: u64) -> Result<(), Errno> {
    debug_assert!(len > 0);
    fcntl(fd, libc::F_OFD_SETLK, &mut request(kind, start, len))
}

/// Like [`set`], but waits for conflicting locks to go. EINTR when a signal arrives.
pub(crate) fn set_wait(fd: BorrowedFd<'_>, kind: Kind, start: u64, len: u64) -> Result<(), Errno> {
    debug_assert!(len > 0);
    fcntl(fd, libc::F_OFD_SETLKW, &mut request(kind, start, len))
}

/// Whether another open file description holds a lock on `[start, start+len)` that
/// conflicts with `kind` (Read: someone holds a write lock; Write: any lock).
pub(crate) fn conflicts(fd: BorrowedFd<'_>, kind: Kind, start: u64, len: u64) -> Result<bool, Errno> {
    debug_assert!(len > 0);
    let mut fl = request(kind, start, len);
    fcntl(fd, libc::F_OFD_GETLK, &mut fl)?;
    Ok(fl.l_type != libc::F_UNLCK as libc::c_short)
}
