//! One end of a pipe: its connection state, read mode, the rest of a message read in
//! part, and the transfers (message framing) behind ReadFile/WriteFile on it.
//!
//! Framing: a message-type pipe's channel is SOCK_SEQPACKET, one record per message,
//! each record the message followed by one trailer byte, so that an empty message is a
//! 1-byte record and never looks like end of file (a 0-byte read). A read first peeks
//! the record's length (MSG_PEEK|MSG_TRUNC, no copy); a message that fits is received
//! straight into the caller's buffer (the trailer is cut by the short receive), a
//! longer one is received whole into the handle's state and handed out piecewise with
//! ERROR_MORE_DATA. Byte-type pipes are SOCK_STREAM: plain sends and receives.

use super::namespace::{Instance, Meta, PipeDir};
use super::pending::{self, Step};
use crate::engine::{Done, Lent, OpCtlRef};
use crate::error::{Error, Result, Win32Error};
use crate::handle::{Extension, File};
use crate::io::Device;
use crate::overlapped::AsyncDevice;
use crate::poison::MutexExt;
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use rustix::net::{RecvFlags, SendFlags, Shutdown};
use std::io::IoSlice;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// `PIPE_READMODE_MESSAGE`.
pub const PIPE_READMODE_MESSAGE: u32 = 2;
/// `PIPE_NOWAIT`.
pub const PIPE_NOWAIT: u32 = 1;

/// The trailer byte of a message's last record.
const LAST: u8 = 0;
/// The trailer byte of a record that more records of the same message follow.
const MORE: u8 = 1;
/// A message longer than this goes as several records of this many bytes (plus the
/// trailer), the last one shorter or equal: one record must fit a socket's send
/// buffer, and this fits the smallest the kernel grants by default.
const FRAG: usize = 64 << 10;

/// Read-side state of a message pipe end.
#[derive(Default)]
struct Rx {
    /// A message received whole, handed out piecewise from `pos`.
    rest: Vec<u8>,
    pos: usize,
    /// The records received so far of a message still arriving.
    partial: Vec<u8>,
}

impl Rx {
    fn left(&self) -> usize {
        self.rest.len() - self.pos
    }

    /// Copies the next piece of `rest` into `buf`: (n, whether some is left).
    fn serve(&mut self, buf: &mut [MaybeUninit<u8>]) -> (usize, bool) {
        let avail = &self.rest[self.pos..];
        let n = avail.len().min(buf.len());
        for (d, s) in buf.iter_mut().zip(&avail[..n]) {
            d.write(*s);
        }
        self.pos += n;
        let more = self.pos < self.rest.len();
        if !more {
            self.rest = Vec::new();
            self.pos = 0;
        }
        (n, more)
    }
}

/// A pipe end's connection.
pub(crate) enum Conn {
    /// A server instance waiting for a client (its listening socket).
    Listening(Arc<OwnedFd>),
    /// Connected to the other end.
    Connected(Arc<OwnedFd>),
    /// A server instance after DisconnectNamedPipe.
    Disconnected,
    /// The handle was closed.
    Closed,
}

/// The pipe state of a pipe handle (an extension of its file object).
pub struct PipeEnd {
    pub(crate) server: bool,
    /// A named pipe (anonymous pipes have no namespace entry).
    pub(crate) named: bool,
    pub(crate) meta: Meta,
    /// PIPE_READMODE_MESSAGE | PIPE_NOWAIT.
    mode: AtomicU32,
    pub(crate) conn: Mutex<Conn>,
    /// The rest of a message read in part (and where it starts), and the fragments
    /// received so far of a long message not yet complete.
    rest: Mutex<Rx>,
    /// Keeps a message's record whole against a concurrent writer on this handle.
    write: Mutex<()>,
    pub(crate) dir: Option<PipeDir>,
    pub(crate) instance: Option<Instance>,
}

impl PipeEnd {
    pub(crate) fn new(
        server: bool,
        meta: Meta,
        mode: u32,
        conn: Conn,
        dir: Option<PipeDir>,
        instance: Option<Instance>,
    ) -> Self {
        PipeEnd {
            server,
            named: dir.is_some(),
            meta,
            mode: AtomicU32::new(mode),
            conn: Mutex::new(conn),
            rest: Mutex::new(Rx::default()),
            write: Mutex::new(()),
            dir,
            instance,
        }
    }

    pub(crate) fn mode(&self) -> u32 {
        self.mode.load(Ordering::Acquire)
    }

    pub(crate) fn set_mode(&self, mode: u32) {
        self.mode.store(mode, Ordering::Release);
    }

    fn message_reads(&self) -> bool {
        self.mode() & PIPE_READMODE_MESSAGE != 0
    }

    /// The connected socket, or the error a transfer gets in the current state.
    pub(crate) fn socket(&self) -> std::result::Result<Arc<OwnedFd>, Win32Error> {
        match &*self.conn.locked() {
            Conn::Connected(s) => Ok(s.clone()),
            Conn::Listening(_) => Err(Win32Error::PIPE_LISTENING),
            Conn::Disconnected => Err(Win32Error::PIPE_NOT_CONNECTED),
            Conn::Closed => Err(Win32Error::INVALID_HANDLE),
        }
    }

    /// Bytes kept from a message read in part.
    pub(crate) fn rest_len(&self) -> usize {
        self.rest.locked().left()
    }

    /// Copies kept bytes (without consuming them) into `out`, for PeekNamedPipe.
    pub(crate) fn peek_rest(&self, max: usize) -> Vec<u8> {
        let r = self.rest.locked();
        let avail = &r.rest[r.pos..];
        avail[..avail.len().min(max)].to_vec()
    }

    pub(crate) fn clear_rest(&self) {
        *self.rest.locked() = Rx::default();
    }

    /// One non-blocking read: `Some((n, more))`, `more` meaning ERROR_MORE_DATA (the
    /// buffer is full and the message goes on); `None` when nothing is there yet.
    pub(crate) fn try_read(
        &self,
        buf: &mut [MaybeUninit<u8>],
    ) -> std::result::Result<Option<(usize, bool)>, Win32Error> {
        let mut rx = self.rest.locked();
        if rx.left() > 0 {
            let (n, more) = rx.serve(buf);
            return Ok(Some((n, more && self.message_reads())));
        }
        let sock = self.socket()?;
        if !self.meta.message {
            if buf.is_empty() {
                return Ok(Some((0, false)));
            }
            return match rustix::net::recv(&*sock, &mut *buf, RecvFlags::DONTWAIT) {
                Ok((_, 0)) => Err(Win32Error::BROKEN_PIPE),
                Ok((_, n)) => Ok(Some((n, false))),
                Err(Errno::AGAIN | Errno::INTR) => Ok(None),
                Err(e) => Err(read_error(e)),
            };
        }
        loop {
            let total = match rustix::net::recv(
                &*sock,
                &mut [0u8; 0][..],
                RecvFlags::DONTWAIT | RecvFlags::PEEK | RecvFlags::TRUNC,
            ) {
                Ok((_, 0)) => return Err(Win32Error::BROKEN_PIPE),
                Ok((_, t)) => t,
                Err(Errno::AGAIN | Errno::INTR) => return Ok(None),
                Err(e) => return Err(read_error(e)),
            };
            let len = total - 1;
            // Only a record of the fragment size may have more after it: its trailer
            // is looked at (a copy, for these records alone).
            let last = total != FRAG + 1 || {
                let mut rec = vec![0u8; total];
                match rustix::net::recv(&*sock, &mut rec[..], RecvFlags::DONTWAIT | RecvFlags::PEEK) {
                    Ok(_) => rec[len] == LAST,
                    Err(Errno::AGAIN | Errno::INTR) => return Ok(None),
                    Err(e) => return Err(read_error(e)),
                }
            };
            if last && rx.partial.is_empty() && len <= buf.len() {
                // The short receive takes the message and cuts the trailer.
                return match rustix::net::recv(&*sock, &mut buf[..len], RecvFlags::DONTWAIT) {
                    Ok(_) => Ok(Some((len, false))),
                    Err(Errno::AGAIN | Errno::INTR) => Ok(None),
                    Err(e) => Err(read_error(e)),
                };
            }
            let mut rec = vec![0u8; total];
            match rustix::net::recv(&*sock, &mut rec[..], RecvFlags::DONTWAIT) {
                Ok(_) => {}
                Err(Errno::AGAIN | Errno::INTR) => return Ok(None),
                Err(e) => return Err(read_error(e)),
            }
            rec.truncate(len);
            let whole = if rx.partial.is_empty() {
                rec
            } else {
                rx.partial.extend_from_slice(&rec);
                if !last {
                    continue;
                }
                std::mem::take(&mut rx.partial)
            };
            if !last {
                rx.partial = whole;
                continue;
            }
            rx.rest = whole;
            rx.pos = 0;
            let (n, more) = rx.serve(buf);
            return Ok(Some((n, more && self.message_reads())));
        }
    }

    /// One non-blocking write of `data`: the bytes written, `None` when nothing could
    /// be written yet. A message goes one record at a time (the whole message, or a
    /// fragment of a long one); the caller goes on with the rest.
    pub(crate) fn try_write(&self, data: &[u8]) -> std::result::Result<Option<usize>, Win32Error> {
        let sock = self.socket()?;
        let flags = SendFlags::DONTWAIT | SendFlags::NOSIGNAL;
        let r = if self.meta.message {
            // `data` is what is left of a message: the last record, or the next
            // fragment of a long one.
            let (piece, trailer) = if data.len() <= FRAG { (data, [LAST]) } else { (&data[..FRAG], [MORE]) };
            let iov = [IoSlice::new(piece), IoSlice::new(&trailer)];
            rustix::net::sendmsg(&*sock, &iov, &mut Default::default(), flags).map(|_| piece.len())
        } else if data.is_empty() {
            Ok(0)
        } else {
            rustix::net::send(&*sock, data, flags)
        };
        match r {
            Ok(n) => Ok(Some(n)),
            Err(Errno::AGAIN | Errno::INTR) => Ok(None),
            Err(e) => Err(write_error(e)),
        }
    }

    /// Waits (in interruptible slices) until the connection is ready for `flags`.
    fn wait_ready(&self, flags: PollFlags, api: &'static str) -> Result<()> {
        let sock = self.socket().map_err(|e| Error::new(e, api))?;
        let slice = Timespec { tv_sec: 0, tv_nsec: 100_000_000 };
        loop {
            let mut fds = [PollFd::new(&*sock, flags)];
            match poll(&mut fds, Some(&slice)) {
                Ok(0) | Err(Errno::INTR) => {}
                Ok(_) => return Ok(()),
                Err(e) => return Err(Error::new(e.into(), api)),
            }
            if crate::interrupt::requested() {
                return Err(Error::new(Win32Error::OPERATION_ABORTED, api));
            }
            if !matches!(&*self.conn.locked(), Conn::Connected(s) if Arc::ptr_eq(s, &sock)) {
                return Ok(()); // disconnected meanwhile: the next attempt reports it
            }
        }
    }

    /// Waits until the connection has something to read (a record, end of file, an
    /// error) with a blocking recv(2) (MSG_PEEK, one byte) on the caller's thread: the
    /// writer's send wakes this thread directly, as a plain blocking socket read is
    /// woken. A wait in poll(2) instead costs a second, slower wake-up path: measured
    /// on an idle 2-CPU machine, a 4 KiB message round trip took ~64 µs with poll
    /// against ~11 µs with the blocking receive (docs/pipes.md, "Cost").
    ///
    /// The socket is blocking with SO_RCVTIMEO = [`crate::interrupt::SLICE`]
    /// ([`blocking_reads`]), so each wait ends within a slice to check for Ctrl-C and
    /// for a disconnect by another thread; should the descriptor be non-blocking again
    /// (a program's fcntl), the receive answers EAGAIN at once and the poll(2) slice
    /// does the waiting instead, so the loop never spins.
    fn wait_readable(&self, api: &'static str) -> Result<()> {
        let sock = self.socket().map_err(|e| Error::new(e, api))?;
        let mut probe = [0u8; 1];
        loop {
            match rustix::net::recv(&*sock, &mut probe[..], RecvFlags::PEEK) {
                Ok(_) => return Ok(()),
                Err(Errno::AGAIN | Errno::INTR) => {}
                Err(_) => return Ok(()), // the attempt reports it
            }
            if crate::interrupt::requested() {
                return Err(Error::new(Win32Error::OPERATION_ABORTED, api));
            }
            if !matches!(&*self.conn.locked(), Conn::Connected(s) if Arc::ptr_eq(s, &sock)) {
                return Ok(()); // disconnected meanwhile: the next attempt reports it
            }
            if let Ok(mode) = rustix::fs::fcntl_getfl(&*sock) {
                if mode.contains(rustix::fs::OFlags::NONBLOCK) {
                    return self.wait_ready(PollFlags::IN, api);
                }
            }
        }
    }

    /// A blocking read (ReadFile on the pipe): `(n, more)`. With nothing kept from a
    /// message read in part, the wait comes first (it returns at once when data is
    /// there), so a read costs the wait and the receive: one kernel wait, on the
    /// caller's thread.
    pub(crate) fn read_blocking(&self, buf: &mut [MaybeUninit<u8>], api: &'static str) -> Result<(usize, bool)> {
        let nowait = self.mode() & PIPE_NOWAIT != 0;
        if !nowait && !buf.is_empty() && self.rest_len() == 0 {
            self.wait_readable(api)?;
        }
        loop {
            match self.try_read(buf) {
                Ok(Some(r)) => return Ok(r),
                Ok(None) if nowait => return Err(Error::new(Win32Error::NO_DATA, api)),
                Ok(None) => self.wait_readable(api)?,
                Err(e) => return Err(Error::new(e, api)),
            }
        }
    }

    /// A blocking write (WriteFile on the pipe); in PIPE_NOWAIT mode, what fits.
    pub(crate) fn write_blocking(&self, data: &[u8], api: &'static str) -> Result<usize> {
        // A long message's records go out together, whatever other threads write.
        let _whole = self.meta.message.then(|| self.write.locked());
        let mut done = 0;
        loop {
            match self.try_write(&data[done..]) {
                Ok(Some(n)) => {
                    done += n;
                    if done == data.len() {
                        return Ok(done);
                    }
                }
                // Without waiting: nothing, or (once a message has begun) all of it.
                Ok(None) if self.mode() & PIPE_NOWAIT != 0 && (done == 0 || !self.meta.message) => return Ok(done),
                Ok(None) => {}
                Err(e) if done > 0 => {
                    log::debug!("pipe write ended early: {e:?}");
                    return Ok(done);
                }
                Err(e) => return Err(Error::new(e, api)),
            }
            self.wait_ready(PollFlags::OUT, api)?;
        }
    }

    /// FlushFileBuffers: waits until the other end has read everything this end wrote
    /// (interruptible; an other end that closed has nothing left to read).
    pub(crate) fn flush(&self, api: &'static str) -> Result<()> {
        let sock = self.socket().map_err(|e| Error::new(e, api))?;
        let mut nap = std::time::Duration::from_micros(50);
        while unread_by_peer(&sock) > 0 {
            if crate::interrupt::requested() {
                return Err(Error::new(Win32Error::OPERATION_ABORTED, api));
            }
            std::thread::sleep(nap);
            nap = (nap * 2).min(std::time::Duration::from_millis(10));
        }
        Ok(())
    }

    /// Ends the connection (DisconnectNamedPipe, CloseHandle): the other end sees end
    /// of file at once, whoever else holds the socket.
    pub(crate) fn hang_up(&self, next: Conn) {
        let old = std::mem::replace(&mut *self.conn.locked(), next);
        if let Conn::Connected(s) = old {
            let _ = rustix::net::shutdown(&*s, Shutdown::Both);
        }
        self.clear_rest();
    }
}

/// Makes a connected pipe socket's blocking reads wait in the kernel, in slices: the
/// descriptor blocking (every other transfer passes MSG_DONTWAIT) and SO_RCVTIMEO one
/// [`crate::interrupt::SLICE`], so [`PipeEnd::read_blocking`] waits in recv(2) itself
/// and still looks for Ctrl-C and a disconnect between slices. Best effort: a socket
/// left non-blocking waits in poll(2) slices instead.
pub(crate) fn blocking_reads(sock: &OwnedFd) {
    use rustix::net::sockopt::{set_socket_timeout, Timeout};
    let _ = set_socket_timeout(sock, Timeout::Recv, Some(crate::interrupt::SLICE));
    if let Ok(mode) = rustix::fs::fcntl_getfl(sock) {
        let _ = rustix::fs::fcntl_setfl(sock, mode - rustix::fs::OFlags::NONBLOCK);
    }
}

/// What the other end has not yet read of what `sock` sent (SIOCOUTQ: for AF_UNIX, the
/// memory of the sent buffers, freed as the receiver consumes them); 0 on error.
#[allow(unsafe_code)]
fn unread_by_peer(sock: &OwnedFd) -> i32 {
    const SIOCOUTQ: rustix::ioctl::Opcode = 0x5411;
    // SAFETY: SIOCOUTQ on a socket writes one C int, which the Getter provides.
    unsafe { rustix::ioctl::ioctl(sock, rustix::ioctl::Getter::<SIOCOUTQ, libc::c_int>::new()) }.unwrap_or(0)
}

/// ReadFile's code for a failed receive.
fn read_error(e: Errno) -> Win32Error {
    match e {
        Errno::CONNRESET | Errno::PIPE => Win32Error::BROKEN_PIPE,
        Errno::NOTCONN => Win32Error::PIPE_NOT_CONNECTED,
        e => e.into(),
    }
}

/// WriteFile's code for a failed send: the other end closed is ERROR_NO_DATA, as
/// Windows reports a write to a pipe being closed.
fn write_error(e: Errno) -> Win32Error {
    match e {
        Errno::PIPE | Errno::CONNRESET => Win32Error::NO_DATA,
        Errno::NOTCONN => Win32Error::PIPE_NOT_CONNECTED,
        Errno::MSGSIZE => Win32Error::NOT_ENOUGH_MEMORY,
        e => e.into(),
    }
}

impl Extension for PipeEnd {
    /// After the I/O in flight was aborted.
    fn close_order(&self) -> u8 {
        2
    }

    fn on_close(&self, _file: &File) {
        self.hang_up(Conn::Closed);
        if let (Some(dir), Some(inst)) = (&self.dir, &self.instance) {
            dir.remove(&inst.id);
        }
    }
}

/// The pipe end of a file object, as the device hooks see it.
pub(crate) struct PipeDevice;

fn end_of(file: &File, api: &'static str) -> Result<Arc<PipeEnd>> {
    file.ext::<PipeEnd>().ok_or_else(|| Error::new(Win32Error::INVALID_HANDLE, api))
}

impl Device for PipeDevice {
    fn read(&self, file: &File, buf: &mut [MaybeUninit<u8>]) -> Result<usize> {
        const API: &str = "ReadFile";
        let end = end_of(file, API)?;
        match end.read_blocking(buf, API)? {
            (_, true) => Err(Error::new(Win32Error::MORE_DATA, API)),
            (n, false) => Ok(n),
        }
    }

    fn write(&self, file: &File, data: &[u8]) -> Result<usize> {
        const API: &str = "WriteFile";
        end_of(file, API)?.write_blocking(data, API)
    }

    /// Waits, as Windows does, until the other end has read all the data written.
    fn flush(&self, file: &File) -> Result<()> {
        const API: &str = "FlushFileBuffers";
        end_of(file, API)?.flush(API)
    }
}

/// Finishes a pending transfer: the memory goes back, then the outcome is published.
/// The attempt is then over ([`Step::Finished`]).
pub(super) fn finish(done: Option<Done>, mem: Option<Lent>, status: Win32Error, n: usize) -> Step {
    match (done, mem) {
        (Some(done), Some(mem)) => crate::engine::finish(done, mem, |_| (status, n)),
        (Some(done), None) => done.call(status, n),
        _ => {}
    }
    Step::Finished
}

impl AsyncDevice for PipeDevice {
    fn check(&self, file: &File, _write: bool) -> std::result::Result<(), Win32Error> {
        let end = file.ext::<PipeEnd>().ok_or(Win32Error::INVALID_HANDLE)?;
        end.socket().map(|_| ())
    }

    fn start(&self, file: Arc<File>, write: bool, mem: Lent, ctl: OpCtlRef, done: Done) {
        let Some(end) = file.ext::<PipeEnd>() else {
            finish(Some(done), Some(mem), Win32Error::INVALID_HANDLE, 0);
            return;
        };
        let mut done = Some(done);
        let mut mem = Some(mem);
        let mut progress = 0usize;
        let flags = if write { PollFlags::OUT } else { PollFlags::IN };
        let e2 = end.clone();
        let mut attempt = move |cancelled: bool| -> Step {
            if cancelled {
                return finish(done.take(), mem.take(), Win32Error::OPERATION_ABORTED, 0);
            }
            let Some(m) = mem.as_mut() else { return Step::Finished };
            let r = if write {
                match e2.try_write(&m.bytes()[progress..]) {
                    Ok(Some(n)) => {
                        progress += n;
                        if progress == m.len() {
                            Ok(Some((progress, false)))
                        } else {
                            Ok(None)
                        }
                    }
                    Ok(None) => Ok(None),
                    Err(e) if progress > 0 => {
                        log::debug!("pipe write ended early: {e:?}");
                        Ok(Some((progress, false)))
                    }
                    Err(e) => Err(e),
                }
            } else {
                let buf = crate::io::as_uninit(m.bytes_mut().unwrap_or_default());
                e2.try_read(buf)
            };
            match r {
                Ok(Some((n, more))) => {
                    let status = if more { Win32Error::MORE_DATA } else { Win32Error::SUCCESS };
                    finish(done.take(), mem.take(), status, n)
                }
                Ok(None) => Step::Wait(flags),
                Err(e) => finish(done.take(), mem.take(), e, 0),
            }
        };
        if let Step::Finished = attempt(false) {
            return;
        }
        loop {
            match end.socket() {
                Ok(sock) => return pending::register(sock, flags, ctl, Box::new(attempt)),
                // Disconnected since the check: the next attempt ends the operation
                // with the state's error.
                Err(_) => {
                    if let Step::Finished = attempt(false) {
                        return;
                    }
                }
            }
        }
    }
}
