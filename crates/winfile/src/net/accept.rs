//! AcceptEx, GetAcceptExSockaddrs and CalculateSocketEndPointSize.
//!
//! AcceptEx is receive-first, as Windows: the operation accepts a connection, then (if
//! the buffer has room beyond the two endpoint areas) waits for the first bytes, stores
//! them at the start of the buffer and the local and remote addresses after them, and
//! completes with the count of data bytes only; a buffer of exactly the endpoint size
//! completes at once on accepting. The caller's accept socket then *is* the connection:
//! its descriptor number is made to refer to the accepted socket (dup3(2) over it), so
//! the Python socket object reads and writes the connection, and a completion port the
//! accept socket was associated with stays associated. The completion goes to the
//! listening socket's OVERLAPPED, event and port, as on Windows.
//!
//! # Safety
//! The only `unsafe` names the caller's accept descriptor number as an `OwnedFd` that
//! is never dropped (`ManuallyDrop`), so dup3(2) can replace what it refers to.
#![allow(unsafe_code)]

use super::addr::{self, Endpoint};
use super::adopt;
use super::reactor::{self, Source, Step};
use crate::engine::{self, Done, Lent, OpCtlRef};
use crate::error::{socket_status_from_errno, wsa_from_errno, Error, Result, Win32Error};
use crate::handle::{File, Object};
use crate::overlapped::{self, Issued, Submit};
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use rustix::net::{RecvFlags, SocketFlags};
use std::mem::ManuallyDrop;
use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;

/// `CalculateSocketEndPointSize`—the room AcceptEx needs for the two endpoints:
/// `(iMaxSockAddr + 16) * 2` (64 for IPv4, 88 for IPv6).
///
/// # Linux mechanism
/// getsockname(2) for the family; Windows' `iMaxSockAddr` values.
pub fn calculate_socket_end_point_size(sock: u64) -> Result<usize> {
    const API: &str = "getsockopt";
    let (_, file) = adopt::socket(sock, API)?;
    Ok(addr::endpoint_size(addr::family_of(file.fd(), API)?) * 2)
}

/// `GetAcceptExSockaddrs`—(family, local, remote) from the buffer AcceptEx filled for
/// `sock` (the accept socket); WSAEINVAL if the buffer is smaller than the endpoint
/// areas.
///
/// # Linux mechanism
/// Parses the endpoint areas AcceptEx wrote after the data (getsockname/getpeername at
/// accept time).
pub fn get_accept_ex_sockaddrs(sock: u64, buf: &[u8]) -> Result<(u16, Endpoint, Endpoint)> {
    const API: &str = "GetAcceptExSockaddrs";
    let (_, file) = adopt::socket(sock, API)?;
    let family = addr::family_of(file.fd(), API)?;
    let one = addr::endpoint_size(family);
    let Some(start) = buf.len().checked_sub(2 * one) else { return Err(Error::new(Win32Error::WSAEINVAL, API)) };
    let local = addr::decode(&buf[start..start + one]);
    let remote = addr::decode(&buf[start + one..]);
    Ok((family, local, remote))
}

/// `AcceptEx(listener, accept_socket, buffer, ol)`—see the module docs. The call fails
/// at once (nothing begun) for a listener that is not listening (WSAEINVAL), a value
/// that is not a socket (WSAENOTSOCK) or a buffer smaller than the endpoint areas
/// (WSAEINVAL); otherwise it is pending.
///
/// # Linux mechanism
/// accept4(2) on epoll readiness (reactor), recv(2) of the first data, getsockname /
/// getpeername into the buffer, dup3(2) onto the accept socket's number.
pub fn accept_ex(listener: u64, accept: u64, mem: Lent, s: Submit) -> Result<Issued> {
    const API: &str = "AcceptEx";
    let (_, lfile) = adopt::socket(listener, API)?;
    let (_, afile) = adopt::socket(accept, API)?;
    if !rustix::net::sockopt::socket_acceptconn(lfile.fd()).unwrap_or(false) {
        return Err(Error::new(Win32Error::WSAEINVAL, API));
    }
    if !mem.writable() {
        return Err(Error::new(Win32Error::WSAEFAULT, API));
    }
    let family = addr::family_of(lfile.fd(), API)?;
    let areas = 2 * addr::endpoint_size(family);
    let Some(data_len) = mem.len().checked_sub(areas) else { return Err(Error::new(Win32Error::WSAEINVAL, API)) };
    let r = reactor::reactor(API)?;
    let begun = overlapped::begin_with(lfile.clone(), s, API)?;
    let target = AcceptTarget { fd: accept as RawFd, file: afile };
    let ctl = begun.ctl.clone();
    let mut slot = Some((mem, begun.done, target));
    let op: reactor::BoxedOp = Box::new(move |fd: BorrowedFd<'_>, cancelled: bool| {
        let Some(_) = slot.as_ref() else { return Step::Done };
        if cancelled {
            let (mem, done, _) = slot.take().expect("present");
            engine::finish(done, mem, |_| (Win32Error::OPERATION_ABORTED, 0));
            return Step::Done;
        }
        match try_accept(fd) {
            Ok(None) => Step::Again,
            Err(e) => {
                let (mem, done, _) = slot.take().expect("present");
                engine::finish(done, mem, |_| (socket_status_from_errno(e), 0));
                Step::Done
            }
            Ok(Some(conn)) => {
                let (mem, done, target) = slot.take().expect("present");
                let conn = Arc::new(conn);
                if data_len == 0 {
                    complete(mem, done, target, &conn, 0);
                } else {
                    receive_first(r, conn, mem, done, target, data_len, ctl.clone());
                }
                Step::Done
            }
        }
    });
    reactor::wait(r, Source::File(begun.file), false, begun.ctl, op);
    Ok(Issued::Pending)
}

/// The caller's accept socket: its descriptor number and winfile's adoption of it.
struct AcceptTarget {
    fd: RawFd,
    file: Arc<File>,
}

/// accept4(2) if a connection is waiting (checked with poll first: the listener may
/// be a blocking socket, and the reactor must never block).
fn try_accept(fd: BorrowedFd<'_>) -> std::result::Result<Option<OwnedFd>, Errno> {
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    let zero = Timespec { tv_sec: 0, tv_nsec: 0 };
    match poll(&mut fds, Some(&zero)) {
        Ok(0) | Err(Errno::INTR) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(e),
    }
    if fds[0].revents().intersects(PollFlags::ERR | PollFlags::NVAL) && !fds[0].revents().contains(PollFlags::IN) {
        return Err(Errno::INVAL);
    }
    match rustix::net::accept_with(fd, SocketFlags::CLOEXEC) {
        Ok(conn) => Ok(Some(conn)),
        Err(Errno::AGAIN | Errno::INTR | Errno::CONNABORTED) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Waits for the new connection's first bytes, then completes.
fn receive_first(
    r: &'static reactor::Reactor,
    conn: Arc<OwnedFd>,
    mem: Lent,
    done: Done,
    target: AcceptTarget,
    data_len: usize,
    ctl: OpCtlRef,
) {
    let mut slot = Some((mem, done, target));
    let held = conn.clone();
    let op: reactor::BoxedOp = Box::new(move |fd: BorrowedFd<'_>, cancelled: bool| {
        let Some((mem, _, _)) = slot.as_mut() else { return Step::Done };
        let got = if cancelled {
            Err(Errno::CANCELED)
        } else {
            let buf = mem.bytes_mut().unwrap_or_default();
            match rustix::net::recv(fd, &mut buf[..data_len], RecvFlags::DONTWAIT) {
                Ok((_, n)) => Ok(n.min(data_len)),
                Err(Errno::AGAIN | Errno::INTR) => return Step::Again,
                Err(e) => Err(e),
            }
        };
        let (mem, done, target) = slot.take().expect("present");
        match got {
            Ok(n) => complete(mem, done, target, &held, n),
            Err(e) => engine::finish(done, mem, |_| (socket_status_from_errno(e), 0)),
        }
        Step::Done
    });
    reactor::wait(r, Source::Fd(conn), false, ctl, op);
}

/// Stores the addresses after `n` data bytes, makes the accept socket the connection,
/// and completes with `n`.
fn complete(mut mem: Lent, done: Done, target: AcceptTarget, conn: &Arc<OwnedFd>, n: usize) {
    let local = addr::ip_of(rustix::net::getsockname(conn.as_fd()).ok());
    let remote = addr::ip_of(rustix::net::getpeername(conn.as_fd()).ok().flatten());
    let status = match install(&target, conn) {
        Ok(()) => {
            if let Some(buf) = mem.bytes_mut() {
                let family = if local.is_some_and(|a| a.is_ipv6()) { addr::AF_INET6_WIN } else { addr::AF_INET };
                let one = addr::endpoint_size(family);
                if let Some(start) = buf.len().checked_sub(2 * one) {
                    let (l, rest) = buf[start..].split_at_mut(one);
                    addr::encode(l, local);
                    addr::encode(rest, remote);
                }
            }
            Win32Error::SUCCESS
        }
        Err(code) => code,
    };
    engine::finish(done, mem, |_| (status, if status == Win32Error::SUCCESS { n } else { 0 }));
}

/// Makes the caller's accept descriptor number refer to the accepted connection, and
/// carries the accept socket's completion port association over to it.
fn install(target: &AcceptTarget, conn: &Arc<OwnedFd>) -> std::result::Result<(), Win32Error> {
    // The number must still be the accept socket the caller gave.
    if target.file.is_stale() {
        return Err(Win32Error::WSAENOTSOCK);
    }
    let assoc = overlapped::association_of(&target.file);
    // SAFETY: the number is the caller's open accept socket (checked just above); it is
    // never dropped here (ManuallyDrop), only made to refer to the connection.
    let mut number = ManuallyDrop::new(unsafe { OwnedFd::from_raw_fd(target.fd) });
    rustix::io::dup3(conn.as_fd(), &mut number, rustix::io::DupFlags::CLOEXEC).map_err(wsa_from_errno)?;
    // The old adoption is stale now; adopt the connection under the same number.
    if let Some(h) = adopt::resolve(target.fd as u64) {
        if let (Ok(new), Some(assoc)) = (crate::handle::get::<File>(h), assoc) {
            overlapped::restore_association(&new, assoc);
        }
    }
    Ok(())
}
