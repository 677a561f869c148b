//! WSASend / WSARecv, and ReadFile/WriteFile on a socket handle: overlapped transfers
//! performed by the reactor (send/recv with MSG_DONTWAIT on the caller's thread first,
//! then on readiness), and the synchronous forms.

use super::adopt;
use super::reactor::{self, Source, Step, Tried};
use crate::engine::{self, CallMemory, Done, Job, Lent};
use crate::error::{socket_status_from_errno, wsa_from_errno, Error, Result, Win32Error};
use crate::overlapped::{self, Issued, Submit};
use rustix::io::Errno;
use rustix::net::{RecvFlags, SendFlags};
use std::os::fd::BorrowedFd;

/// How much a send step passes to the kernel before it yields to the other ready
/// sockets (as TransmitFile's steps).
const STEP: usize = 1 << 20;

/// `MSG_OOB`, `MSG_PEEK` and `MSG_DONTROUTE` as Winsock spells them (the same values as
/// Linux).
const MSG_OOB: u32 = 0x1;
const MSG_PEEK: u32 = 0x2;
const MSG_DONTROUTE: u32 = 0x4;

/// WSASend's flags: MSG_OOB and MSG_DONTROUTE, as send(2) takes them; never SIGPIPE.
fn send_flags(flags: u32) -> SendFlags {
    let mut f = SendFlags::NOSIGNAL;
    if flags & MSG_OOB != 0 {
        f |= SendFlags::OOB;
    }
    if flags & MSG_DONTROUTE != 0 {
        f |= SendFlags::DONTROUTE;
    }
    f
}

fn recv_flags(flags: u32) -> RecvFlags {
    let mut f = RecvFlags::DONTWAIT;
    if flags & MSG_PEEK != 0 {
        f |= RecvFlags::PEEK;
    }
    if flags & MSG_OOB != 0 {
        f |= RecvFlags::OOB;
    }
    f
}

/// The reactor's form of an engine job on a socket handle (ReadFile/WriteFile with an
/// OVERLAPPED, WSASend/WSARecv): the engine hands socket jobs here on both backends.
pub(crate) struct ReactorJobs;

impl crate::engine::Performer for ReactorJobs {
    fn perform(&self, job: Job) {
        submit_job(job);
    }
}

fn submit_job(job: Job) {
    let Job { file, write, mem, ctl, done, .. } = job;
    let r = match reactor::reactor("ReadFile") {
        Ok(r) => r,
        Err(e) => return engine::finish(done, mem, |_| (e.code(), 0)),
    };
    let op = transfer_op(mem, done, write, 0);
    reactor::wait(r, Source::File(file), write, ctl, op);
}

/// One transfer as a reactor operation: a send goes on until all of `mem` is sent, a
/// receive ends with the first bytes (0 at an orderly close, a success as Winsock).
pub(super) fn transfer_op(mem: Lent, done: Done, write: bool, flags: u32) -> reactor::Op {
    reactor::Op::Transfer(Transfer { slot: Some((mem, done)), sent: 0, write, flags, tried: false })
}

/// A WSASend/WSARecv (or ReadFile/WriteFile on a socket) waiting in the reactor: held
/// in its queue as it is (one of [`reactor::Op`]'s kinds), so an operation allocates
/// nothing of the reactor's whether it completes at once or waits.
pub(crate) struct Transfer {
    /// The buffer and the completion, until it completes.
    slot: Option<(Lent, Done)>,
    /// Bytes sent so far (a send).
    sent: usize,
    write: bool,
    /// WSASend/WSARecv's flags.
    flags: u32,
    /// The reactor's mark: it met EAGAIN itself (see `reactor::Task`).
    pub(super) tried: bool,
}

/// What one step of a transfer came to.
enum Outcome {
    /// It ended: status, bytes, and whether a receive came back short (see
    /// [`Transfer::step`]).
    Ended(Win32Error, usize, bool),
    /// It failed with nothing transferred: the call's own error if this was its first
    /// step (`wsa_from_errno`), else the operation's status (`socket_status_from_errno`).
    Failed(Errno),
    /// The socket is not ready (EAGAIN); a send keeps what it sent so far.
    Again,
    /// A long send ran its share ([`STEP`]); the rest goes after the other ready sockets.
    Yield,
}

/// One step of a send on `fd` (send with MSG_DONTWAIT): goes on until all of `data` past
/// `sent` is in the socket, up to [`STEP`] bytes a step.
#[inline(always)]
fn send_step(fd: BorrowedFd<'_>, data: &[u8], flags: u32, sent: &mut usize) -> Outcome {
    let step_start = *sent;
    loop {
        let rest = &data[*sent..];
        if rest.is_empty() {
            return Outcome::Ended(Win32Error::SUCCESS, *sent, false);
        }
        if *sent - step_start >= STEP {
            return Outcome::Yield;
        }
        match rustix::net::send(fd, rest, SendFlags::DONTWAIT | send_flags(flags)) {
            Ok(n) => *sent += n,
            Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => return Outcome::Again,
            Err(e) if *sent > 0 && e != Errno::BADF => return Outcome::Ended(Win32Error::SUCCESS, *sent, false),
            Err(e) => return Outcome::Failed(e),
        }
    }
}

/// One step of a receive on `fd` (recv with MSG_DONTWAIT, once).
#[inline(always)]
fn receive(fd: BorrowedFd<'_>, buf: &mut [u8], flags: u32) -> Outcome {
    loop {
        match rustix::net::recv(fd, &mut *buf, recv_flags(flags)) {
            Ok((_, n)) => {
                let n = n.min(buf.len());
                let short = n > 0 && n < buf.len() && flags & (MSG_PEEK | MSG_OOB) == 0;
                return Outcome::Ended(Win32Error::SUCCESS, n, short);
            }
            Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => return Outcome::Again,
            Err(e) => return Outcome::Failed(e),
        }
    }
}

impl Transfer {
    /// The handle it waits on (its completion's), until it completes.
    pub(super) fn file(&self) -> Option<&std::sync::Arc<crate::handle::File>> {
        self.slot.as_ref().map(|(_, done)| done.file())
    }

    /// One step: send what the socket takes (up to [`STEP`] bytes), or receive once.
    ///
    /// A receive that got fewer bytes than its buffer holds (but some) returns
    /// [`Step::Drained`] unless it peeked or asked for out-of-band data: the reactor then
    /// marks a TCP socket's read direction not ready, as after EAGAIN (see
    /// `reactor::wait`), so the next receive waits for an edge instead of failing first.
    /// Runs on the descriptor of its completion's handle (the handle it waits on).
    pub(super) fn step(&mut self, cancelled: bool) -> Step {
        let Some((mem, done)) = self.slot.as_mut() else { return Step::Done };
        let fd = done.file().fd();
        let outcome = if cancelled {
            Outcome::Ended(Win32Error::OPERATION_ABORTED, 0, false)
        } else if self.write {
            send_step(fd, mem.bytes(), self.flags, &mut self.sent)
        } else {
            receive(fd, mem.bytes_mut().unwrap_or_default(), self.flags)
        };
        let (status, n, short) = match outcome {
            Outcome::Again => return Step::Again,
            Outcome::Yield => return Step::Yield,
            Outcome::Failed(e) => (socket_status_from_errno(e), 0, false),
            Outcome::Ended(status, n, short) => (status, n, short),
        };
        let (mem, done) = self.slot.take().expect("present above");
        engine::finish(done, mem, |_| (status, n));
        if short {
            Step::Drained
        } else {
            Step::Done
        }
    }
}

/// `WSARecv` with an OVERLAPPED: receives into `mem` (the caller's writable buffer,
/// written in place); `flags` MSG_PEEK / MSG_OOB. The result comes through the
/// OVERLAPPED, its event and the socket's port, as for files, whether the receive
/// completed in the call ([`Issued::Completed`] with the count: Windows' return 0, all
/// of that published before returning) or waits ([`Issued::Pending`]: WSA_IO_PENDING).
/// Failures of the call itself are WSA codes (WSAENOTSOCK, ...), and so is an error
/// the receive meets in the call (WSAECONNRESET, ...): as on Windows, such a call
/// publishes nothing (no result in the OVERLAPPED, no event, no packet).
///
/// # Linux mechanism
/// recv(2) with MSG_DONTWAIT on the caller's thread, then on epoll readiness in the
/// reactor thread.
pub fn wsa_recv<'a>(sock: impl Into<adopt::Sock<'a>>, mem: Lent, flags: u32, s: Submit) -> Result<Issued> {
    transfer(sock.into(), &mut Lending(Some(mem)), flags, s, false, "WSARecv")
}

/// `WSASend` with an OVERLAPPED: sends all of `mem` (completing once it is all in the
/// socket's buffer, as Winsock). See [`wsa_recv`].
///
/// # Linux mechanism
/// send(2) with MSG_DONTWAIT | MSG_NOSIGNAL, continued on epoll readiness.
pub fn wsa_send<'a>(sock: impl Into<adopt::Sock<'a>>, mem: Lent, flags: u32, s: Submit) -> Result<Issued> {
    transfer(sock.into(), &mut Lending(Some(mem)), flags, s, true, "WSASend")
}

/// [`wsa_recv`] into memory used in place while the call runs, lent only if the
/// receive must wait ([`CallMemory`]).
///
/// # Linux mechanism
/// As [`wsa_recv`].
pub fn wsa_recv_in_place<'a>(
    sock: impl Into<adopt::Sock<'a>>,
    mem: &mut dyn CallMemory,
    flags: u32,
    s: Submit,
) -> Result<Issued> {
    transfer(sock.into(), mem, flags, s, false, "WSARecv")
}

/// [`wsa_send`] from memory used in place while the call runs, lent only if the send
/// must wait ([`CallMemory`]).
///
/// # Linux mechanism
/// As [`wsa_send`].
pub fn wsa_send_in_place<'a>(
    sock: impl Into<adopt::Sock<'a>>,
    mem: &mut dyn CallMemory,
    flags: u32,
    s: Submit,
) -> Result<Issued> {
    transfer(sock.into(), mem, flags, s, true, "WSASend")
}

/// Memory lent from the start, as [`CallMemory`]: lent as it is, or given back (told the
/// count) when the operation ends in the call, as `engine::finish` gives memory back.
struct Lending(Option<Lent>);

impl CallMemory for Lending {
    fn bytes(&self) -> &[u8] {
        self.0.as_ref().map_or(&[], Lent::bytes)
    }
    fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        self.0.as_mut().and_then(Lent::bytes_mut)
    }
    fn lend(&mut self) -> Result<Lent> {
        // Lent once, and only if the operation did not end in the call.
        self.0.take().ok_or_else(|| Error::new(Win32Error::INTERNAL_ERROR, "lend"))
    }
    fn ended(&mut self, status: Win32Error, n: usize) {
        if let Some(mut mem) = self.0.take() {
            mem.ended(status, n);
        }
    }
}

/// A transfer's first step runs on the caller's thread before the operation is begun
/// (when nothing waits ahead of it and the socket is not known not to be ready:
/// `Registration::may_try`), on the caller's memory in place: if it ends there (a send the
/// socket takes whole, a receive that finds data, an error), the operation completes
/// without ever being in flight or its memory lent (`Prepared::complete`); otherwise the
/// memory is lent, and the operation begun and handed to the reactor with its first step
/// counted (`Registration::wait_transfer`).
fn transfer(
    sock: adopt::Sock<'_>,
    mem: &mut dyn CallMemory,
    flags: u32,
    s: Submit,
    write: bool,
    api: &'static str,
) -> Result<Issued> {
    let (_, file) = adopt::socket(sock, api)?;
    if !write && mem.bytes_mut().is_none() {
        return Err(Error::new(Win32Error::WSAEFAULT, api));
    }
    let r = reactor::reactor(api)?;
    let prepared = overlapped::prepare(s, api)?;
    // The socket's readiness and its overlapped state, in one look at the file object.
    let reg = reactor::registration(r, &file);
    let mut sent = 0;
    let tried = match reg.may_try(write) {
        None => Tried::No,
        Some(seq) => {
            let fd = file.fd();
            let outcome = if write {
                send_step(fd, mem.bytes(), flags, &mut sent)
            } else {
                receive(fd, mem.bytes_mut().unwrap_or_default(), flags)
            };
            match outcome {
                Outcome::Ended(status, n, _) => {
                    // The memory goes back first, as `engine::finish` gives it back.
                    mem.ended(status, n);
                    prepared.complete(&file, reg.io(), status, n);
                    return Ok(Issued::Completed(n));
                }
                // Windows: a call that fails other than pending started nothing, and
                // nothing of it is published (no result, event or packet).
                Outcome::Failed(e) => {
                    mem.ended(socket_status_from_errno(e), 0);
                    return Err(Error::new(wsa_from_errno(e), api));
                }
                Outcome::Again => Tried::Again(seq),
                Outcome::Yield => Tried::Yielded,
            }
        }
    };
    let lent = mem.lend().map_err(|e| Error::new(e.code(), api))?;
    let (ctl, done) = prepared.begin_light(file.clone(), reg.io().clone());
    let t = Transfer { slot: Some((lent, done)), sent, write, flags, tried: false };
    reg.wait_transfer(r, write, ctl, t, tried);
    Ok(Issued::Pending)
}

/// `WSARecv` / `recv` without an OVERLAPPED: blocks until data (or the close) arrives;
/// the bytes received (0 at an orderly close).
///
/// # Linux mechanism
/// recv(2) on winfile's duplicate of the socket (blocking unless the socket was made
/// non-blocking: then WSAEWOULDBLOCK).
pub fn recv_sync(sock: u64, buf: &mut [u8], flags: u32) -> Result<usize> {
    const API: &str = "WSARecv";
    let (_, file) = adopt::socket(sock, API)?;
    let f = recv_flags(flags) - RecvFlags::DONTWAIT;
    loop {
        match rustix::net::recv(file.fd(), &mut *buf, f) {
            Ok((_, n)) => return Ok(n.min(buf.len())),
            Err(Errno::INTR) if !crate::interrupt::requested() => {}
            Err(e) => return Err(Error::new(wsa_from_errno(e), API)),
        }
    }
}

/// `WSASend` without an OVERLAPPED: sends all of `data` (a blocking send); `flags`
/// MSG_OOB / MSG_DONTROUTE.
///
/// # Linux mechanism
/// send(2) with MSG_NOSIGNAL until all is sent.
pub fn send_sync(sock: u64, data: &[u8], flags: u32) -> Result<usize> {
    const API: &str = "WSASend";
    let (_, file) = adopt::socket(sock, API)?;
    let mut sent = 0;
    while sent < data.len() {
        match rustix::net::send(file.fd(), &data[sent..], send_flags(flags)) {
            Ok(n) => sent += n,
            Err(Errno::INTR) if !crate::interrupt::requested() => {}
            Err(Errno::AGAIN) if sent > 0 => {
                let fd = file.fd();
                let mut fds = [rustix::event::PollFd::new(&fd, rustix::event::PollFlags::OUT)];
                let _ = rustix::event::poll(&mut fds, None);
            }
            Err(e) => return Err(Error::new(wsa_from_errno(e), API)),
        }
    }
    Ok(sent)
}
