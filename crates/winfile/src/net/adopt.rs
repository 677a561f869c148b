//! Socket handle adoption: how a Linux socket descriptor becomes a winfile handle.
//!
//! **Values never collide.** winfile handle values start at 2^32 (see `handle::table`),
//! and Linux descriptor numbers are below 2^31, so a value is one or the other by its
//! range alone: a stale winfile handle is never taken for a descriptor, nor the reverse.
//!
//! **Adoption.** Where a HANDLE or SOCKET is taken, a value in the descriptor range that
//! names a socket of this process (a `socket.socket`'s `fileno()`) is *adopted*: winfile
//! makes a handle over its own duplicate of the descriptor (an overlapped handle, kind
//! FILE_TYPE_PIPE as Windows reports for sockets) and ties it to the number, as
//! `_get_osfhandle` does. The same number gives the same handle while it refers to the
//! same socket; once the caller closes (or reuses) the number, the handle is stale: its
//! next use, or the reactor's sweep (every 100 ms), closes it, which completes its
//! pending I/O with ERROR_OPERATION_ABORTED (995) and lets go of the duplicate.
//!
//! **CloseHandle** on an adopted socket ends winfile's adoption only (its duplicate, its
//! port association, its pending I/O: 995); the caller's descriptor stays open, since
//! the Python socket object owns it and closes it itself.
//!
//! # Safety
//! The only `unsafe` borrows a descriptor number of the caller for fstat/dup; a closed
//! number yields EBADF.
#![allow(unsafe_code)]

use crate::consts::{FILE_FLAG_OVERLAPPED, FILE_GENERIC_READ, FILE_GENERIC_WRITE};
use crate::error::{Error, Result, Win32Error};
use crate::handle::{self, Fd, File, FileKind, Handle, PathStyle};
use crate::poison::MutexExt;
use rustix::fs::{fstat, FileType};
use std::collections::HashMap;
use std::os::fd::{BorrowedFd, RawFd};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

/// descriptor number → the handle adopting it.
static BY_FD: LazyLock<Mutex<HashMap<RawFd, Handle>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// The descriptor number a raw value names, if it is in the descriptor range (winfile
/// handles are ≥ 2^32; 0 is the NULL handle).
fn descriptor(raw: u64) -> Option<RawFd> {
    i32::try_from(raw).ok().filter(|&fd| fd > 0)
}

/// The handle for `raw` if it is a socket descriptor of this process, adopting it at the
/// first use; `None` for any other value (winfile handles, other descriptors, closed
/// numbers), which the caller then treats as a handle value.
///
/// # Linux mechanism
/// fstat(2) S_ISSOCK, F_DUPFD_CLOEXEC; on each later use the tie of `osf`: one
/// getsockopt(2) SO_COOKIE compared with the adopted socket's (kcmp(2) on kernels
/// whose cookies are not system-wide).
pub fn resolve(raw: u64) -> Option<Handle> {
    resolve_file(raw).map(|(h, _)| h)
}

/// [`resolve`], with the adopted socket's object (one lookup).
pub(crate) fn resolve_file(raw: u64) -> Option<(Handle, Arc<File>)> {
    let fd = descriptor(raw)?;
    // The common case, a number still naming the socket adopted for it: the tie is
    // checked (a system call) outside the map's lock, which every socket call takes.
    let known = BY_FD.locked().get(&fd).copied();
    if let Some(h) = known {
        if let Ok(file) = handle::get::<File>(h) {
            return Some((h, file));
        }
    }
    let mut map = BY_FD.locked();
    match map.get(&fd).copied() {
        // Another thread adopted the number meanwhile.
        Some(h) if Some(h) != known => {
            if let Ok(file) = handle::get::<File>(h) {
                return Some((h, file));
            }
            map.remove(&fd);
        }
        // Stale: the lookup above closed it; a new adoption is made below.
        Some(_) => {
            map.remove(&fd);
        }
        None => {}
    }
    // SAFETY: borrowed only to duplicate it; a closed number yields EBADF.
    let own = rustix::io::fcntl_dupfd_cloexec(unsafe { BorrowedFd::borrow_raw(fd) }, 0).ok()?;
    let st = fstat(&own).ok()?;
    if FileType::from_raw_mode(st.st_mode) != FileType::Socket {
        return None;
    }
    let path = PathBuf::from(format!("socket:[{}]", st.st_ino));
    let access = FILE_GENERIC_READ | FILE_GENERIC_WRITE;
    let file =
        Arc::new(File::new(Fd::new(own), access, 7, FILE_FLAG_OVERLAPPED, path, PathStyle::Unix, FileKind::Pipe));
    file.tie_crt(fd);
    // ReadFile/WriteFile with an OVERLAPPED wait for readiness in the reactor.
    file.ext_or_insert_with(|| crate::engine::PerformerSlot(Arc::new(super::sendrecv::ReactorJobs)));
    let h = handle::insert(file.clone());
    map.insert(fd, h);
    Some((h, file))
}

/// The adopted socket named by `raw` (a descriptor number); WSAENOTSOCK for anything
/// else, a closed socket (-1) or a winfile handle included, as Winsock answers.
pub(crate) fn socket(raw: u64, api: &'static str) -> Result<(Handle, Arc<File>)> {
    resolve_file(raw).ok_or(Error::new(Win32Error::WSAENOTSOCK, api))
}

/// Closes the adoptions whose descriptor the caller closed or reused since their last
/// use (run by the reactor every 100 ms): their I/O completes with 995 and winfile's
/// duplicate goes, so the peer sees the close.
pub(crate) fn sweep() {
    let tied: Vec<(RawFd, Handle)> = BY_FD.locked().iter().map(|(&fd, &h)| (fd, h)).collect();
    for (fd, h) in tied {
        // The lookup closes a stale handle.
        if handle::get::<File>(h).is_err() {
            BY_FD.locked().retain(|&f, &mut g| !(f == fd && g == h));
        }
    }
}

/// How many descriptors are adopted (tests: nothing leaks).
pub fn adopted_count() -> usize {
    BY_FD.locked().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlapped::{Lent, Overlapped, Submit};
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

    /// Makes descriptor number `number` refer to what `to` refers to (the caller's
    /// close-and-reuse, in one step) without letting go of `number` afterwards.
    fn reuse(number: RawFd, to: BorrowedFd<'_>) {
        // SAFETY: `number` is open in the test and stays owned by its socket object.
        let mut n = std::mem::ManuallyDrop::new(unsafe { OwnedFd::from_raw_fd(number) });
        rustix::io::dup2(to, &mut n).unwrap();
    }

    #[test]
    fn a_reused_number_is_never_the_old_socket() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (peer_a, _) = lst.accept().unwrap();
        let b = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (peer_b, _) = lst.accept().unwrap();
        let n = a.as_raw_fd();
        let (h1, _) = socket(n as u64, "test").unwrap();
        assert_eq!(resolve(n as u64), Some(h1), "still the same socket: the same handle");
        // A receive pending on the old socket when its number is reused.
        let ol = Arc::new(Overlapped::new());
        let submit = Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None };
        super::super::wsa_recv(n as u64, Lent::new(vec![0u8; 4]), 0, submit).unwrap();
        reuse(n, b.as_fd());
        let (h2, file) = socket(n as u64, "test").unwrap();
        assert_ne!(h2, h1, "another socket behind the number: another adoption");
        assert!(handle::get::<File>(h1).is_err(), "the old adoption is closed");
        assert_eq!(ol.wait().unwrap().0, Win32Error::OPERATION_ABORTED, "its pending I/O ends with 995");
        // The new adoption is the new socket: what it sends reaches b's peer.
        rustix::net::send(file.fd(), b"new", rustix::net::SendFlags::empty()).unwrap();
        let mut got = [0u8; 3];
        std::io::Read::read_exact(&mut &peer_b, &mut got).unwrap();
        assert_eq!(&got, b"new");
        drop(peer_a);
        // A number that now names a file, or nothing, is not a socket at all.
        let devnull = std::fs::File::open("/dev/null").unwrap();
        reuse(n, devnull.as_fd());
        assert_eq!(resolve(n as u64), None);
        assert!(handle::get::<File>(h2).is_err());
        drop(a); // closes number n (now /dev/null's)
    }

    #[test]
    fn sockets_are_tied_by_cookie_where_cookies_are_system_wide() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let (_, file) = socket(lst.as_raw_fd() as u64, "test").unwrap();
        let cookie = file.tie_cookie();
        let netns_known = {
            let mut v = 0u64;
            let mut len = 8 as libc::socklen_t;
            // SAFETY: at most 8 bytes into a local u64.
            unsafe { libc::getsockopt(lst.as_raw_fd(), libc::SOL_SOCKET, 71, (&raw mut v).cast(), &mut len) == 0 }
        };
        if netns_known {
            assert_eq!(cookie, rustix::net::sockopt::socket_cookie(&lst).unwrap());
        } else {
            assert_eq!(cookie, 0, "kcmp where the kernel's cookies may repeat");
        }
    }
}
