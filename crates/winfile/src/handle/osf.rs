//! CRT descriptor interop: `_get_osfhandle` and `_open_osfhandle`.
//!
//! Ownership rule: every handle owns its descriptor. `_get_osfhandle(fd)` makes a
//! handle over a duplicate of `fd` (the same open file description: same file pointer,
//! same OFD locks) and ties the handle to `fd`; `_open_osfhandle(h)` gives the caller a
//! new descriptor, a duplicate of the handle's, and ties the handle to it. As with the
//! CRT on Windows, where closing the descriptor closes the handle, a tied handle is
//! valid only while its descriptor number still refers to that open file description:
//! the first use after the caller closed the number (or reused it for something else)
//! fails with ERROR_INVALID_HANDLE and closes the handle. All I/O, the completion
//! engine's included, goes through the handle's own duplicate, never through the
//! caller's number, so a closed-and-reused number is never read, written or locked.
//!
//! **The tie check** runs on every lookup of a tied handle (every socket call on a
//! `fileno()` goes through one, unless the socket object that owns the number vouches
//! for it: `net::adopt`'s owner rule). For a socket it compares socket cookies: SO_COOKIE is a
//! 64-bit number the kernel gives each socket once, from one counter for the whole
//! system (early kernels kept one counter per network namespace, so two sockets of a
//! process could share a cookie; by Linux 5.14, which added SO_NETNS_COOKIE, the counter
//! is system-wide, so the cookie is used only where the kernel knows SO_NETNS_COOKIE).
//! A socket has exactly one open file description, and the handle's own duplicate keeps
//! the tied socket alive, so a number that now names another socket (or was closed, or
//! names a non-socket) answers with another cookie (or ENOTSOCK / EBADF): the check is
//! exact, at the price of one getsockopt(2) (~0.2 µs) instead of kcmp(2) (~0.8 µs: its
//! ptrace access check and LSM hooks). Any other descriptor, and any socket whose
//! cookie cannot be read, is compared with kcmp(KCMP_FILE).
//!
//! # Safety
//! The `unsafe` blocks are the kcmp(2) system call (not wrapped by rustix), which
//! compares two descriptor numbers of this process and touches no memory; the
//! getsockopt(2) of SO_NETNS_COOKIE into a local `u64`; and borrowing the caller's
//! descriptor number for the duration of one call (a closed number yields EBADF).
#![allow(unsafe_code)]

use super::file::PathStyle;
use super::file::{File, FileKind};
use super::table::{self, Handle};
use crate::error::Win32Error;
use crate::poison::MutexExt;
use rustix::fs::{fstat, FileType, OFlags};
use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

/// A handle's descriptor, owned by the handle, and the CRT descriptor number it is
/// tied to, if any (-1: none).
pub(crate) struct Fd {
    own: OwnedFd,
    crt: AtomicI32,
    /// The socket cookie of `own` when the tie is checked by cookie (see the module
    /// docs); 0 (never a cookie) when it is checked with kcmp.
    cookie: AtomicU64,
}

impl Fd {
    /// A descriptor winfile opened itself.
    pub(crate) fn new(own: OwnedFd) -> Self {
        Fd { own, crt: AtomicI32::new(-1), cookie: AtomicU64::new(0) }
    }

    pub(crate) fn as_fd(&self) -> BorrowedFd<'_> {
        self.own.as_fd()
    }

    /// Ties the handle to the CRT descriptor `crt` (see the module docs).
    pub(super) fn tie(&self, crt: RawFd) {
        // The cookie first: a reader that sees the number sees how to check it.
        self.cookie.store(unique_cookie(self.own.as_fd()), Ordering::Relaxed);
        self.crt.store(crt, Ordering::Release);
    }

    /// The socket cookie the tie is checked with (0: kcmp), for tests.
    #[cfg(test)]
    pub(super) fn tie_cookie(&self) -> u64 {
        self.cookie.load(Ordering::Relaxed)
    }

    /// Whether the handle is tied to a CRT descriptor that no longer refers to its open
    /// file description (closed, or reused for another file).
    pub(crate) fn is_stale(&self) -> bool {
        let crt = self.crt.load(Ordering::Acquire);
        if crt < 0 {
            return false;
        }
        let cookie = self.cookie.load(Ordering::Relaxed);
        if cookie != 0 {
            if let Some(same) = same_socket(crt, cookie) {
                return !same;
            }
        }
        !same_description(crt, self.own.as_raw_fd())
    }
}

/// `SO_NETNS_COOKIE` (Linux 5.14), which libc does not export for Linux.
#[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
const SO_NETNS_COOKIE: libc::c_int = 80;
#[cfg(not(any(target_arch = "sparc", target_arch = "sparc64")))]
const SO_NETNS_COOKIE: libc::c_int = 71;

/// The cookie of socket `fd` if the kernel's socket cookies are unique system-wide
/// (it knows SO_NETNS_COOKIE: see the module docs) and the socket answers SO_COOKIE; 0
/// otherwise (not a socket, an older kernel, a protocol that keeps SO_COOKIE to itself).
fn unique_cookie(fd: BorrowedFd<'_>) -> u64 {
    let mut netns = 0u64;
    let mut len = std::mem::size_of::<u64>() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` (8) bytes into `netns`, a local u64.
    let r = unsafe {
        libc::getsockopt(fd.as_raw_fd(), libc::SOL_SOCKET, SO_NETNS_COOKIE, (&raw mut netns).cast(), &mut len)
    };
    if r != 0 {
        return 0;
    }
    rustix::net::sockopt::socket_cookie(fd).unwrap_or(0)
}

/// Whether descriptor number `crt` is the socket whose cookie is `cookie`; `None` when
/// the cookie cannot tell (an error other than "closed" or "not a socket").
fn same_socket(crt: RawFd, cookie: u64) -> Option<bool> {
    // SAFETY: borrowed for this one call; a closed number yields EBADF.
    match rustix::net::sockopt::socket_cookie(unsafe { BorrowedFd::borrow_raw(crt) }) {
        Ok(c) => Some(c == cookie),
        Err(rustix::io::Errno::BADF | rustix::io::Errno::NOTSOCK) => Some(false),
        Err(_) => None,
    }
}

/// Whether descriptor numbers `a` and `b` of this process refer to the same open file
/// description: kcmp(KCMP_FILE), else (kernels without kcmp) the same file with the
/// same status flags.
fn same_description(a: RawFd, b: RawFd) -> bool {
    const KCMP_FILE: libc::c_long = 0;
    let pid = libc::c_long::from(own_pid());
    // SAFETY: kcmp reads no memory of ours; it only compares two descriptor numbers.
    let r = unsafe { libc::syscall(libc::SYS_kcmp, pid, pid, KCMP_FILE, libc::c_long::from(a), libc::c_long::from(b)) };
    if r >= 0 {
        return r == 0;
    }
    let errno = std::io::Error::last_os_error().raw_os_error();
    if errno == Some(libc::EBADF) {
        return false;
    }
    // SAFETY: borrowed only for these two calls; a closed number yields EBADF.
    let (fa, fb) = unsafe { (BorrowedFd::borrow_raw(a), BorrowedFd::borrow_raw(b)) };
    match (fstat(fa), fstat(fb), rustix::fs::fcntl_getfl(fa), rustix::fs::fcntl_getfl(fb)) {
        (Ok(x), Ok(y), Ok(fx), Ok(fy)) => x.st_dev == y.st_dev && x.st_ino == y.st_ino && fx == fy,
        _ => false,
    }
}

/// This process's id, asked of the kernel once (every tie checked with kcmp(2) needs
/// it): a fork handler forgets it in the child.
fn own_pid() -> i32 {
    static PID: AtomicI32 = AtomicI32::new(0);
    static FORK_HANDLER: std::sync::Once = std::sync::Once::new();
    extern "C" fn forget() {
        PID.store(0, Ordering::Relaxed);
    }
    let pid = PID.load(Ordering::Relaxed);
    if pid != 0 {
        return pid;
    }
    FORK_HANDLER.call_once(|| {
        // SAFETY: registers a plain function that only stores to an atomic (async-signal-safe).
        unsafe { libc::pthread_atfork(None, None, Some(forget)) };
    });
    let pid = rustix::process::getpid().as_raw_nonzero().get();
    PID.store(pid, Ordering::Relaxed);
    pid
}

/// fd → handle for descriptors already given a handle.
static BY_FD: LazyLock<Mutex<HashMap<RawFd, Handle>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn by_fd() -> std::sync::MutexGuard<'static, HashMap<RawFd, Handle>> {
    BY_FD.locked()
}

fn kind_of(fd: BorrowedFd<'_>) -> Result<FileKind, rustix::io::Errno> {
    Ok(match FileType::from_raw_mode(fstat(fd)?.st_mode) {
        FileType::Directory => FileKind::Directory,
        FileType::CharacterDevice => FileKind::Char,
        FileType::Fifo | FileType::Socket => FileKind::Pipe,
        _ => FileKind::Disk,
    })
}

/// `_get_osfhandle`—the handle for a C runtime descriptor. The same open descriptor
/// always gives the same handle. Errors are errnos (the CRT raises OSError, not a
/// Win32 error).
///
/// # Linux mechanism
/// F_DUPFD_CLOEXEC of the descriptor, owned by the handle and checked against the
/// caller's number on each use (SO_COOKIE for sockets, else kcmp(2): the module docs).
pub fn get_osfhandle(raw: RawFd) -> Result<Handle, rustix::io::Errno> {
    if raw < 0 {
        return Err(rustix::io::Errno::BADF);
    }
    let mut map = by_fd();
    if let Some(&h) = map.get(&raw) {
        // A stale handle is closed by the lookup, and a new one made below.
        if table::get::<File>(h).is_ok() {
            return Ok(h);
        }
    }
    // SAFETY: borrowed only to duplicate it; a closed number yields EBADF.
    let own = rustix::io::fcntl_dupfd_cloexec(unsafe { BorrowedFd::borrow_raw(raw) }, 0)?;
    let kind = kind_of(own.as_fd())?;
    let mode = rustix::fs::fcntl_getfl(&own)?;
    let access = match mode & OFlags::RWMODE {
        m if m == OFlags::RDONLY => crate::consts::FILE_GENERIC_READ,
        m if m == OFlags::WRONLY => crate::consts::FILE_GENERIC_WRITE,
        _ => crate::consts::FILE_GENERIC_READ | crate::consts::FILE_GENERIC_WRITE,
    };
    let path = std::fs::read_link(format!("/proc/self/fd/{raw}")).unwrap_or_default();
    let fd = Fd::new(own);
    fd.tie(raw);
    let h = table::insert(Arc::new(File::new(fd, access, 7, 0, path, PathStyle::Unix, kind)));
    map.insert(raw, h);
    Ok(h)
}

/// Closes the handles whose CRT descriptor was closed (or reused) since their last use;
/// true if there was one. A sharing conflict calls it before giving up: the descriptor
/// closed the handle, as the CRT's `_close` does on Windows, and with it its share
/// rights (this process only: another process's descriptors are its own).
pub fn close_stale() -> bool {
    let tied: Vec<(RawFd, Handle)> = by_fd().iter().map(|(&fd, &h)| (fd, h)).collect();
    let mut closed = false;
    for (fd, h) in tied {
        // The lookup closes a stale handle.
        if table::get::<File>(h).is_err() {
            by_fd().retain(|&f, &mut g| !(f == fd && g == h));
            closed = true;
        }
    }
    closed
}

/// `_open_osfhandle`—a C runtime descriptor for a file handle. As on Windows the
/// descriptor then owns the handle: `_get_osfhandle` of it returns the same handle, and
/// once the descriptor is closed the handle is invalid.
///
/// # Linux mechanism
/// F_DUPFD_CLOEXEC of the handle's descriptor, handed to the caller.
pub fn open_osfhandle(h: Handle, _flags: i32) -> Result<RawFd, Win32Error> {
    let file = table::get::<File>(h)?;
    let dup = rustix::io::fcntl_dupfd_cloexec(file.fd(), 0).map_err(Win32Error::from)?;
    let raw = dup.into_raw_fd();
    file.tie_crt(raw);
    by_fd().insert(raw, h);
    Ok(raw)
}
