//! ConnectEx: an overlapped connect on a bound socket, then the optional payload.

use super::adopt;
use super::reactor::{self, Source, Step};
use super::sendrecv::transfer_op;
use crate::engine::{self, Lent};
use crate::error::{socket_status_from_errno, wsa_from_errno, Error, Result, Win32Error};
use crate::overlapped::{self, Issued, Submit};
use rustix::fs::OFlags;
use rustix::io::Errno;
use std::net::SocketAddr;
use std::os::fd::BorrowedFd;

/// `ConnectEx(s, name, ol, payload)`—connects `sock` to `to`, then sends `payload` if
/// given; the OVERLAPPED completes with the payload bytes sent. As Windows requires,
/// the socket must be bound first (WSAEINVAL otherwise) and not connected (WSAEISCONN).
/// A refused connection completes with ERROR_CONNECTION_REFUSED (1225).
///
/// # Linux mechanism
/// connect(2) with O_NONBLOCK set for the call only (the socket's own blocking mode is
/// restored at once), completion on epoll writability and SO_ERROR, then send(2).
pub fn connect_ex(sock: u64, to: SocketAddr, payload: Option<Lent>, s: Submit) -> Result<Issued> {
    const API: &str = "ConnectEx";
    let (_, file) = adopt::socket(sock, API)?;
    let bound = rustix::net::getsockname(file.fd()).map_err(|e| Error::new(wsa_from_errno(e), API))?;
    let bound = super::addr::ip_of(Some(bound));
    if bound.is_none_or(|a| a.port() == 0) {
        return Err(Error::new(Win32Error::WSAEINVAL, API));
    }
    if rustix::net::getpeername(file.fd()).ok().flatten().is_some() {
        return Err(Error::new(Win32Error::WSAEISCONN, API));
    }
    let r = reactor::reactor(API)?;
    let flags = rustix::fs::fcntl_getfl(file.fd()).map_err(|e| Error::new(wsa_from_errno(e), API))?;
    let _ = rustix::fs::fcntl_setfl(file.fd(), flags | OFlags::NONBLOCK);
    let started = rustix::net::connect(file.fd(), &to);
    let _ = rustix::fs::fcntl_setfl(file.fd(), flags);
    let immediate = match started {
        Ok(()) => Some(Ok(())),
        Err(Errno::INPROGRESS | Errno::INTR | Errno::AGAIN) => None,
        Err(e @ (Errno::CONNREFUSED | Errno::NETUNREACH | Errno::HOSTUNREACH | Errno::TIMEDOUT)) => Some(Err(e)),
        Err(e) => return Err(Error::new(wsa_from_errno(e), API)),
    };
    let begun = overlapped::begin_with(file.clone(), s, API)?;
    let ctl = begun.ctl.clone();
    let src = Source::File(begun.file.clone());
    let mut slot = Some((payload, begun.done));
    let mut op: reactor::BoxedOp = Box::new(move |fd: BorrowedFd<'_>, cancelled: bool| {
        let Some(_) = slot.as_ref() else { return Step::Done };
        let outcome = if cancelled {
            Err(Errno::CANCELED)
        } else {
            match immediate {
                Some(r) => r,
                None => {
                    if rustix::net::getpeername(fd).ok().flatten().is_some() {
                        Ok(())
                    } else {
                        match rustix::net::sockopt::socket_error(fd) {
                            Ok(Ok(())) => return Step::Again,
                            Ok(Err(e)) | Err(e) => Err(e),
                        }
                    }
                }
            }
        };
        let (payload, done) = slot.take().expect("present");
        match (outcome, payload) {
            (Err(e), payload) => {
                let mem = payload.unwrap_or_else(|| Lent::new(Vec::new()));
                engine::finish(done, mem, |_| (socket_status_from_errno(e), 0));
            }
            (Ok(()), Some(mem)) if !mem.is_empty() => {
                let send = transfer_op(mem, done, true, 0);
                reactor::wait(r, src.clone(), true, ctl.clone(), send);
            }
            (Ok(()), _) => engine::finish(done, Lent::new(Vec::new()), |_| (Win32Error::SUCCESS, 0)),
        }
        Step::Done
    });
    if immediate.is_some() {
        let _ = op(begun.file.fd(), false);
    } else {
        reactor::wait(r, Source::File(begun.file), true, begun.ctl, op);
    }
    Ok(Issued::Pending)
}
