//! TransmitFile: a file's bytes (with optional head and tail buffers) sent on a socket.
//!
//! An overlapped TransmitFile is an ordinary reactor operation on the socket's write
//! queue (as WSASend): each step sends what the socket takes now (the head, then the
//! file range with sendfile(2), then the tail) and returns [`Step::Again`] when the
//! socket is full; the reactor runs the next step at the socket's next writable edge.
//! The first step runs on the caller's thread. No thread per call, no polling.
//!
//! sendfile(2) has no per-call "don't wait" flag (send's MSG_DONTWAIT): it waits when
//! the socket's file description is blocking, and making the description non-blocking
//! would change it under the caller's other threads (their blocking recv would get
//! EAGAIN). So a socket the caller made non-blocking (a Python socket with a timeout,
//! an asyncio one) takes sendfile as it is, and a blocking one takes the file's bytes
//! through a staging buffer: pread(2), then send(2) with MSG_DONTWAIT (measured on
//! loopback, 256 MiB: 1.42× socket.sendfile, as fast as the sendfile path). A step
//! sends at most [`STEP`] bytes, then yields to the other ready sockets.

use super::adopt;
use super::reactor::{self, Source, Step};
use crate::engine::{self, Done, Lent, OpCtlRef};
use crate::error::{socket_status_from_errno, wsa_from_errno, Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle};
use crate::overlapped::{self, Issued, Submit};
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::fs::OFlags;
use rustix::io::Errno;
use rustix::net::SendFlags;
use std::os::fd::BorrowedFd;
use std::sync::Arc;
use std::time::Instant;

/// Shut the sending side down after the transfer (`TF_DISCONNECT`).
pub const TF_DISCONNECT: u32 = 0x01;
/// Windows: the socket may be reused by AcceptEx/ConnectEx afterwards. Linux sockets are
/// not reusable after a connection: the sending side is shut down as for TF_DISCONNECT,
/// and the caller makes a new socket (AcceptEx replaces the accept socket anyway).
pub const TF_REUSE_SOCKET: u32 = 0x02;

/// What one sendfile(2) call is asked for; a step calls it until the range is sent or
/// the socket is full. Measured on loopback (256 MiB hot file, a recv_into reader,
/// median of interleaved rounds against socket.sendfile): 128–512 KiB per call ran at
/// 1.4–1.7× socket.sendfile, 1 MiB at parity, 64 KiB and 64 MiB–1 GiB (the whole
/// remaining range, as socket.sendfile asks) below it. A bounded call lets its last
/// piece go without MSG_MORE (sendfile corks every piece while more of the count
/// remains; probably why) and comes back to check cancellation at least every 256 KiB.
const CALL: usize = 256 << 10;

/// How much one step sends at most before it lets the other ready sockets go first
/// (`Step::Yield`): a fast peer would otherwise keep the polling thread in one transfer
/// for hundreds of MiB, and a WSARecv of another socket waiting 50–100 ms.
const STEP: usize = 1 << 20;

/// What one step achieved.
enum Progress {
    /// Everything sent (and the sending side shut down if asked).
    Done,
    /// The socket is full: run again when it is writable.
    Blocked,
    /// [`STEP`] bytes sent and the socket still takes more: run again after the others.
    Yield,
}

/// Where a transfer is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Head,
    File,
    Tail,
    Finish,
}

/// One TransmitFile: its buffers, the file range and how far it got.
struct Transfer {
    head: Option<Lent>,
    tail: Option<Lent>,
    /// The file (None: head and tail only, as Windows allows a NULL file handle).
    src: Option<Arc<File>>,
    /// The next file offset to send and the end of the range.
    at: u64,
    end: u64,
    stage: Stage,
    /// Bytes of the current buffer (head or tail) sent so far.
    done_in_buf: usize,
    /// Bytes sent in all (head, file, tail): the operation's result.
    total: usize,
    flags: u32,
    /// File bytes read but not sent yet (`staged[sent_of_staged..]`, which start at
    /// `at`): the copy path for a blocking socket (see [`Transfer::step`]).
    staged: Vec<u8>,
    sent_of_staged: usize,
}

impl Transfer {
    /// Checks the file and fixes the range: `count` bytes from `offset` (0: to the end
    /// of the file as it is now); a range past the end ends at the end.
    fn new(
        file: Handle,
        offset: Option<u64>,
        count: u32,
        head: Option<Lent>,
        tail: Option<Lent>,
        flags: u32,
        api: &'static str,
    ) -> Result<Transfer> {
        let (src, at, end) = if file.raw() == 0 {
            (None, 0, 0)
        } else {
            let src = handle::get::<File>(file).api(api)?;
            if !src.can_read() {
                return Err(Error::new(Win32Error::ACCESS_DENIED, api));
            }
            let at = match offset {
                Some(at) => at,
                None => rustix::fs::seek(src.fd(), rustix::fs::SeekFrom::Current(0))
                    .map_err(|e| Error::new(e.into(), api))?,
            };
            let size = rustix::fs::fstat(src.fd()).map_err(|e| Error::new(e.into(), api))?.st_size as u64;
            let end = if count == 0 { size } else { at.saturating_add(u64::from(count)).min(size) };
            (Some(src), at, end.max(at))
        };
        Ok(Transfer {
            head,
            tail,
            src,
            at,
            end,
            stage: Stage::Head,
            done_in_buf: 0,
            total: 0,
            flags,
            staged: Vec::new(),
            sent_of_staged: 0,
        })
    }

    /// Sends what the socket takes now, from where the last step stopped: the head,
    /// the file range, the tail, then the shutdown TF_DISCONNECT / TF_REUSE_SOCKET ask
    /// for. Never waits; `Blocked` once the socket is full. Cancellation (`ctl`) is
    /// noticed between system calls.
    fn step(&mut self, sock: &File, ctl: Option<&OpCtlRef>) -> std::result::Result<Progress, Errno> {
        let fd = sock.fd();
        let cancelled = || ctl.is_some_and(|c| c.is_cancelled());
        let start = self.total;
        loop {
            if cancelled() {
                return Err(Errno::CANCELED);
            }
            if self.total - start >= STEP && self.stage != Stage::Finish {
                return Ok(Progress::Yield);
            }
            match self.stage {
                Stage::Head | Stage::Tail => {
                    let buf = if self.stage == Stage::Head { &self.head } else { &self.tail };
                    let rest = buf.as_ref().map_or(&[][..], |b| &b.bytes()[self.done_in_buf..]);
                    if rest.is_empty() {
                        self.done_in_buf = 0;
                        self.stage = if self.stage == Stage::Head { Stage::File } else { Stage::Finish };
                        continue;
                    }
                    // The head goes corked (MSG_MORE) when more follows: it shares
                    // segments with the file's first bytes.
                    let more = self.stage == Stage::Head
                        && (self.at < self.end || self.tail.as_ref().is_some_and(|t| !t.is_empty()));
                    let mut flags = SendFlags::DONTWAIT | SendFlags::NOSIGNAL;
                    if more {
                        flags |= SendFlags::MORE;
                    }
                    match rustix::net::send(fd, rest, flags) {
                        Ok(n) => {
                            self.done_in_buf += n;
                            self.total += n;
                        }
                        Err(Errno::INTR) => {}
                        Err(Errno::AGAIN) => return Ok(Progress::Blocked),
                        Err(e) => return Err(e),
                    }
                }
                Stage::File => {
                    let Some(src) = self.src.clone().filter(|_| self.at < self.end) else {
                        self.stage = Stage::Tail;
                        continue;
                    };
                    // sendfile(2) has no MSG_DONTWAIT: it waits whenever the socket's file
                    // description is blocking. A socket the caller made non-blocking (a
                    // Python socket with a timeout, an asyncio one) takes sendfile as it is;
                    // a blocking one takes the file's bytes through a buffer and
                    // send(MSG_DONTWAIT), so its mode never changes under the caller's other
                    // threads (a blocking recv elsewhere must not see EAGAIN).
                    let zero_copy = self.sent_of_staged == self.staged.len()
                        && rustix::fs::fcntl_getfl(fd)?.contains(OFlags::NONBLOCK);
                    while self.at < self.end {
                        if cancelled() {
                            return Err(Errno::CANCELED);
                        }
                        if self.total - start >= STEP {
                            return Ok(Progress::Yield);
                        }
                        let want = usize::try_from(self.end - self.at).unwrap_or(usize::MAX).min(CALL);
                        let sent = if zero_copy {
                            match rustix::fs::sendfile(fd, src.fd(), Some(&mut self.at), want) {
                                Ok(0) => Ok(None),
                                Ok(n) => Ok(Some(n)),
                                Err(e) => Err(e),
                            }
                        } else {
                            self.send_staged(fd, &src, want)
                        };
                        match sent {
                            // The file is shorter than it was: the range ends here.
                            Ok(None) => self.end = self.at,
                            Ok(Some(n)) => self.total += n,
                            Err(Errno::INTR) => {}
                            Err(Errno::AGAIN) => return Ok(Progress::Blocked),
                            Err(e) => return Err(e),
                        }
                    }
                    self.stage = Stage::Tail;
                }
                Stage::Finish => {
                    if self.flags & (TF_DISCONNECT | TF_REUSE_SOCKET) != 0 {
                        let _ = rustix::net::shutdown(fd, rustix::net::Shutdown::Write);
                    }
                    return Ok(Progress::Done);
                }
            }
        }
    }

    /// The copy path of the file stage: refills the staging buffer from the file at `at`
    /// (up to `want` bytes) once it is all sent, then sends what is staged without
    /// waiting. `None` at the file's end (it is shorter than it was); the bytes sent
    /// otherwise (`at` moves past them).
    fn send_staged(
        &mut self,
        fd: BorrowedFd<'_>,
        src: &File,
        want: usize,
    ) -> std::result::Result<Option<usize>, Errno> {
        if self.sent_of_staged == self.staged.len() {
            self.staged.resize(want, 0);
            let n = rustix::io::pread(src.fd(), &mut self.staged[..], self.at)?;
            self.staged.truncate(n);
            self.sent_of_staged = 0;
            if n == 0 {
                return Ok(None);
            }
        }
        let n = rustix::net::send(fd, &self.staged[self.sent_of_staged..], SendFlags::DONTWAIT | SendFlags::NOSIGNAL)?;
        self.sent_of_staged += n;
        self.at += n as u64;
        Ok(Some(n))
    }
}

/// `TransmitFile(sock, file, count, per_send, ol, flags, head, tail)`—sends `head`, then
/// `count` bytes of `file` (0: to its end) from the OVERLAPPED's offset, then `tail`;
/// the OVERLAPPED completes with the total sent. `file` may be the NULL handle (head and
/// tail only). `per_send` is a hint Linux does not need (the kernel sizes its sends).
/// TF_DISCONNECT / TF_REUSE_SOCKET shut the sending side down after the data (see
/// [`TF_REUSE_SOCKET`]). The file's own pointer does not move. CancelIo or closing the
/// socket ends the transfer with ERROR_OPERATION_ABORTED (995); a connection reset
/// by the peer with ERROR_NETNAME_DELETED (64), as Windows reports it.
///
/// # Linux mechanism
/// A reactor operation on the socket's write queue: send(2) with MSG_DONTWAIT for the
/// head and tail; the file from winfile's descriptor at the OVERLAPPED's offset with
/// sendfile(2) (a non-blocking socket) or pread(2) + send(2) with MSG_DONTWAIT (a
/// blocking one); run first on the caller's thread, then at each epoll writable edge.
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
    let t = Transfer::new(file, Some(s.ol.offset()), count, head, tail, flags, API)?;
    let r = reactor::reactor(API)?;
    let begun = overlapped::begin_with(sock_file, s, API)?;
    let op = transmit_op(t, begun.file.clone(), begun.done, begun.ctl.clone());
    reactor::wait(r, Source::File(begun.file), true, begun.ctl, op);
    Ok(Issued::Pending)
}

/// The transfer as a reactor operation: a step per writable edge until it is done.
fn transmit_op(t: Transfer, sock: Arc<File>, done: Done, ctl: OpCtlRef) -> reactor::BoxedOp {
    let mut slot = Some((t, done));
    // The reactor passes the descriptor of `sock` (the Source it waits on).
    Box::new(move |_: BorrowedFd<'_>, cancelled: bool| {
        let Some((t, _)) = slot.as_mut() else { return Step::Done };
        let outcome = if cancelled { Err(Errno::CANCELED) } else { t.step(&sock, Some(&ctl)) };
        let (status, n) = match outcome {
            Ok(Progress::Blocked) => return Step::Again,
            Ok(Progress::Yield) => return Step::Yield,
            Ok(Progress::Done) => (Win32Error::SUCCESS, t.total),
            Err(e) => (socket_status_from_errno(e), 0),
        };
        let (t, done) = slot.take().expect("present above");
        // The head and tail go back to their owner before the result is published.
        drop(t);
        engine::finish(done, Lent::new(Vec::new()), |_| (status, n));
        Step::Done
    })
}

/// `TransmitFile` without an OVERLAPPED: sends `head`, `count` bytes of `file` (0: to
/// its end) from the file's current position, then `tail`, and returns the total sent
/// once all of it is in the socket. As Windows reads the file through its pointer, the
/// pointer moves past the bytes sent. Blocks (the caller's interrupt check, Ctrl-C in
/// Python, stops the wait: ERROR_OPERATION_ABORTED). Errors are WSA codes
/// (WSAECONNRESET, WSAENOTSOCK, ...).
///
/// # Linux mechanism
/// The same non-blocking steps as the overlapped form, on the calling thread, waiting
/// in poll(2) (in slices of `interrupt::SLICE`) while the socket is full; lseek(2) for
/// the file pointer.
#[allow(clippy::too_many_arguments)]
pub fn transmit_file_sync(
    sock: u64,
    file: Handle,
    count: u32,
    _per_send: u32,
    head: Option<Lent>,
    tail: Option<Lent>,
    flags: u32,
) -> Result<usize> {
    const API: &str = "TransmitFile";
    let (_, sock_file) = adopt::socket(sock, API)?;
    let mut t = Transfer::new(file, None, count, head, tail, flags, API)?;
    let fd = sock_file.fd();
    let outcome = loop {
        match t.step(&sock_file, None) {
            Ok(Progress::Done) => break Ok(t.total),
            Ok(Progress::Yield) => {
                if crate::interrupt::requested() {
                    break Err(Errno::CANCELED);
                }
            }
            Ok(Progress::Blocked) => {
                if let Err(e) = wait_writable(fd) {
                    break Err(e);
                }
            }
            Err(e) => break Err(e),
        }
    };
    if let Some(src) = &t.src {
        let _ = rustix::fs::seek(src.fd(), rustix::fs::SeekFrom::Start(t.at));
    }
    outcome.map_err(|e| match e {
        Errno::CANCELED => Error::new(Win32Error::OPERATION_ABORTED, API),
        e => Error::new(wsa_from_errno(e), API),
    })
}

/// Waits until the socket takes more data; ECANCELED when the caller's interrupt check
/// asks to stop (looked at when a slice passes or a signal interrupts the wait).
fn wait_writable(fd: BorrowedFd<'_>) -> std::result::Result<(), Errno> {
    let slice = crate::interrupt::SLICE;
    let ts = Timespec { tv_sec: slice.as_secs() as _, tv_nsec: slice.subsec_nanos() as _ };
    let mut checked = Instant::now();
    loop {
        let mut fds = [PollFd::new(&fd, PollFlags::OUT)];
        let r = poll(&mut fds, Some(&ts));
        let due = checked.elapsed() >= slice;
        if matches!(r, Ok(0) | Err(Errno::INTR)) || due {
            if crate::interrupt::requested() {
                return Err(Errno::CANCELED);
            }
            checked = Instant::now();
        }
        match r {
            Ok(0) | Err(Errno::INTR) => {}
            Ok(_) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consts::{GENERIC_READ, OPEN_EXISTING};
    use crate::open::{create_file, CreateParams};
    use crate::overlapped::Overlapped;
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::{AsFd, AsRawFd};

    fn submit(ol: &Arc<Overlapped>) -> Submit {
        Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None }
    }

    fn payload(name: &str, data: &[u8]) -> (std::path::PathBuf, Handle) {
        let path = std::env::temp_dir().join(format!("winfile-transmit-{}-{name}", std::process::id()));
        std::fs::write(&path, data).unwrap();
        let params = CreateParams {
            access: GENERIC_READ,
            share: 7,
            disposition: OPEN_EXISTING,
            flags_and_attributes: 0,
            inherit: false,
        };
        let h = create_file(path.to_str().unwrap(), &params).unwrap();
        (path, h)
    }

    fn pair(small: bool) -> (TcpStream, TcpStream) {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        if small {
            rustix::net::sockopt::set_socket_recv_buffer_size(lst.as_fd(), 4096).unwrap();
        }
        let a = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        if small {
            rustix::net::sockopt::set_socket_send_buffer_size(a.as_fd(), 4096).unwrap();
        }
        let (b, _) = lst.accept().unwrap();
        (a, b)
    }

    #[test]
    fn head_file_range_tail_then_disconnect() {
        let data: Vec<u8> = (0..(1u32 << 20) + 77).map(|i| (i * 7 + i / 251) as u8).collect();
        let (path, h) = payload("range", &data);
        let (a, mut b) = pair(false);
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            b.read_to_end(&mut got).unwrap();
            got
        });
        let ol = Arc::new(Overlapped::new());
        ol.set_offset(5);
        let (head, tail) = (Lent::new(b"head".to_vec()), Lent::new(b"tail".to_vec()));
        let issued =
            transmit_file(a.as_raw_fd() as u64, h, 0, 0, Some(head), Some(tail), TF_DISCONNECT, submit(&ol)).unwrap();
        assert!(matches!(issued, Issued::Pending));
        let (status, n) = ol.wait().unwrap();
        assert_eq!(status, Win32Error::SUCCESS);
        let mut expected = b"head".to_vec();
        expected.extend_from_slice(&data[5..]);
        expected.extend_from_slice(b"tail");
        assert_eq!(n, expected.len());
        assert_eq!(reader.join().unwrap(), expected);
        crate::handle::close(h).unwrap();
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn closing_the_socket_handle_aborts_a_stalled_transfer_and_restores_blocking() {
        let data = vec![0x5au8; 4 << 20];
        let (path, h) = payload("stall", &data);
        let (a, _b) = pair(true); // small buffers, and nobody reads
        let ol = Arc::new(Overlapped::new());
        transmit_file(a.as_raw_fd() as u64, h, 0, 0, None, None, 0, submit(&ol)).unwrap();
        assert!(ol.result().is_none(), "4 MiB cannot fit in the buffers");
        let flags = rustix::fs::fcntl_getfl(a.as_fd()).unwrap();
        assert!(!flags.contains(OFlags::NONBLOCK), "the caller's blocking mode is back between steps");
        let sock = adopt::resolve(a.as_raw_fd() as u64).unwrap();
        crate::handle::close(sock).unwrap();
        let (status, n) = ol.wait().unwrap();
        assert_eq!((status, n), (Win32Error::OPERATION_ABORTED, 0));
        crate::handle::close(h).unwrap();
        let _ = std::fs::remove_file(path);
    }
}
