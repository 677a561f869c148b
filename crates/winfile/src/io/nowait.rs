//! A read that never waits: `preadv2(RWF_NOWAIT)` at the file position, which copies
//! what the page cache holds and fails with EAGAIN instead of going to the device. The
//! bindings try it with the GIL held and release the GIL only when it would block, the
//! way a cached read costs no thread switch.
//!
//! # Safety
//! The only unsafe code is the raw `preadv2` system call (through `syscall(2)`: the
//! glibc wrapper is newer than the oldest glibc the wheel supports). It is given one
//! iovec describing `buf`, which the caller lends mutably for the whole call; the kernel
//! writes at most `buf.len()` bytes there and keeps no pointer after returning.
#![allow(unsafe_code)]

use rustix::io::Errno;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once the kernel or a file system has refused RWF_NOWAIT: later reads block at once.
static UNSUPPORTED: AtomicBool = AtomicBool::new(false);

/// Reads into `buf` at the file position (which it advances) without waiting for I/O:
/// `Ok(Some(n))` the bytes the page cache had, `Ok(None)` when the read would have
/// waited (nothing was read) or non-waiting reads are not supported here.
#[inline]
pub(super) fn read(fd: BorrowedFd<'_>, buf: &mut [MaybeUninit<u8>]) -> Result<Option<usize>, Errno> {
    if UNSUPPORTED.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
    loop {
        // SAFETY: see the module docs: `iov` describes `buf`, borrowed mutably for the
        // call; offset -1 (low word; the high word is ignored on 64-bit) means the file
        // position.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_preadv2,
                fd.as_raw_fd() as libc::c_long,
                &iov as *const libc::iovec,
                1 as libc::c_long,
                -1 as libc::c_long,
                0 as libc::c_long,
                libc::RWF_NOWAIT as libc::c_long,
            )
        };
        if rc >= 0 {
            return Ok(Some(rc as usize));
        }
        let e = Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
        match e {
            Errno::INTR => continue,
            Errno::AGAIN => return Ok(None),
            Errno::OPNOTSUPP | Errno::NOSYS | Errno::INVAL => {
                UNSUPPORTED.store(true, Ordering::Relaxed);
                return Ok(None);
            }
            e => return Err(e),
        }
    }
}
