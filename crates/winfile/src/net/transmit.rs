//! TransmitFile: a file's bytes (with optional head and tail buffers) sent on a socket.

use super::adopt;
use crate::engine::{self, Lent, OpCtlRef};
use crate::error::{socket_status_from_errno, Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle};
use crate::overlapped::{self, Begun, Issued, Submit};
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use rustix::net::SendFlags;
use std::os::fd::BorrowedFd;
use std::sync::Arc;

/// Shut the sending side down after the transfer (`TF_DISCONNECT`).
pub const TF_DISCONNECT: u32 = 0x01;
/// Windows: the socket may be reused by AcceptEx/ConnectEx afterwards. Linux sockets are
/// not reusable after a connection: the sending side is shut down as for TF_DISCONNECT,
/// and the caller makes a new socket (AcceptEx replaces the accept socket anyway).
pub const TF_REUSE_SOCKET: u32 = 0x02;

/// Bytes one sendfile(2) call may send before cancellation is checked again.
const CHUNK: usize = 64 << 20;

/// `TransmitFile(sock, file, count, per_send, ol, flags, head, tail)`—sends `head`, then
/// `count` bytes of `file` (0: to its end) from the OVERLAPPED's offset, then `tail`;
/// the OVERLAPPED completes with the total sent. `per_send` is a hint Linux does not
/// need (the kernel sizes its sends). TF_DISCONNECT / TF_REUSE_SOCKET shut the sending
/// side down after the data (see [`TF_REUSE_SOCKET`]). The file's own pointer does not
/// move. CancelIo or closing the socket stops the transfer between chunks (995).
///
/// # Linux mechanism
/// sendfile(2) from winfile's descriptor of the file at the OVERLAPPED's offset, in
/// 64 MiB chunks on a worker thread; send(2) for the head and tail.
#[allow(clippy::too_many_arguments)]
pub fn transmit_file(
    sock: u64,
    file: Handle,
    count: u32,
    _per_send: u32,
    head: Option<Lent>,
    tail: Option<Lent>,
    flags: u32,
    s: Submit,
) -> Result<Issued> {
    const API: &str = "TransmitFile";
    let (_, sock_file) = adopt::socket(sock, API)?;
    let src = handle::get::<File>(file).api(API)?;
    if !src.can_read() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let offset = s.ol.offset();
    let (tx, rx) = std::sync::mpsc::channel::<Begun>();
    std::thread::Builder::new()
        .name("winfile-transmit".into())
        .spawn(move || {
            let Ok(b) = rx.recv() else { return };
            let sent = run(&b.file, &src, &b.ctl, offset, count, head.as_ref(), tail.as_ref(), flags);
            drop((head, tail));
            let (status, n) = match sent {
                Ok(n) => (Win32Error::SUCCESS, n),
                Err(e) => (socket_status_from_errno(e), 0),
            };
            engine::finish(b.done, Lent::new(Vec::new()), |_| (status, n));
        })
        .map_err(|_| Error::new(Win32Error::NO_SYSTEM_RESOURCES, API))?;
    let begun = overlapped::begin_with(sock_file, s, API)?;
    let _ = tx.send(begun);
    Ok(Issued::Pending)
}

#[allow(clippy::too_many_arguments)]
fn run(
    sock: &Arc<File>,
    src: &Arc<File>,
    ctl: &OpCtlRef,
    offset: u64,
    count: u32,
    head: Option<&Lent>,
    tail: Option<&Lent>,
    flags: u32,
) -> std::result::Result<usize, Errno> {
    let fd = sock.fd();
    let mut total = 0;
    if let Some(head) = head {
        total += send_all(fd, head.bytes(), ctl)?;
    }
    let size = rustix::fs::fstat(src.fd())?.st_size as u64;
    let end = if count == 0 { size } else { offset.saturating_add(u64::from(count)).min(size) };
    let mut at = offset;
    while at < end {
        if ctl.is_cancelled() {
            return Err(Errno::CANCELED);
        }
        let want = usize::try_from(end - at).unwrap_or(usize::MAX).min(CHUNK);
        match rustix::fs::sendfile(fd, src.fd(), Some(&mut at), want) {
            Ok(0) => break,
            Ok(n) => total += n,
            Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => wait_writable(fd, ctl)?,
            Err(e) => return Err(e),
        }
    }
    if let Some(tail) = tail {
        total += send_all(fd, tail.bytes(), ctl)?;
    }
    if flags & (TF_DISCONNECT | TF_REUSE_SOCKET) != 0 {
        let _ = rustix::net::shutdown(fd, rustix::net::Shutdown::Write);
    }
    Ok(total)
}

fn send_all(fd: BorrowedFd<'_>, data: &[u8], ctl: &OpCtlRef) -> std::result::Result<usize, Errno> {
    let mut sent = 0;
    while sent < data.len() {
        if ctl.is_cancelled() {
            return Err(Errno::CANCELED);
        }
        match rustix::net::send(fd, &data[sent..], SendFlags::NOSIGNAL | SendFlags::DONTWAIT) {
            Ok(n) => sent += n,
            Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => wait_writable(fd, ctl)?,
            Err(e) => return Err(e),
        }
    }
    Ok(sent)
}

/// Waits (in 50 ms slices, noticing cancellation) until the socket takes more data.
fn wait_writable(fd: BorrowedFd<'_>, ctl: &OpCtlRef) -> std::result::Result<(), Errno> {
    let slice = Timespec { tv_sec: 0, tv_nsec: 50_000_000 };
    loop {
        if ctl.is_cancelled() {
            return Err(Errno::CANCELED);
        }
        let mut fds = [PollFd::new(&fd, PollFlags::OUT)];
        match poll(&mut fds, Some(&slice)) {
            Ok(0) | Err(Errno::INTR) => {}
            Ok(_) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
