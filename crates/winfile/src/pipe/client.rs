//! The client side: CreateFile of a pipe name, WaitNamedPipe, CallNamedPipe, and
//! TransactNamedPipe (which servers may call too).

use super::end::{finish, Conn, PipeEnd, PIPE_READMODE_MESSAGE};
use super::name;
use super::namespace::{Connect, PipeDir};
use super::pending::{self, Step};
use super::server::{end_for, insert_end, tune};
use crate::consts::FILE_FLAG_OVERLAPPED;
use crate::engine::Lent;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle};
use crate::overlapped::{self, Issued, Submit};
use rustix::event::PollFlags;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `NMPWAIT_WAIT_FOREVER`.
pub const NMPWAIT_WAIT_FOREVER: u32 = 0xFFFF_FFFF;
/// `NMPWAIT_USE_DEFAULT_WAIT`.
pub const NMPWAIT_USE_DEFAULT_WAIT: u32 = 0;
/// The default wait of a pipe whose server gave nDefaultTimeOut 0 (Windows' 50 ms).
const DEFAULT_WAIT_MS: u32 = 50;

/// Whether CreateFile should open `name` as a pipe client.
pub fn is_pipe_name(name: &str) -> bool {
    name::is_pipe_name(name)
}

/// `CreateFileW` of `\\.\pipe\NAME` (or `\\?\pipe\NAME`)—connects to a listening
/// instance and returns the client end, in byte read mode. `access` is the granted
/// access mask (generic rights mapped). ERROR_FILE_NOT_FOUND (2) when no instance
/// exists, ERROR_PIPE_BUSY (231) when none is listening with room, ERROR_BAD_NETPATH
/// (53) for `\\server\pipe\NAME` (no remote pipes), ERROR_INVALID_NAME (123) for an
/// empty or over-long name.
///
/// # Linux mechanism
/// A non-blocking connect(2) to an instance's AF_UNIX socket under the pipe directory's
/// flock; backlog 0 makes a queued client fill the instance.
pub fn open_client(name: &str, access: u32, flags: u32) -> Result<Handle> {
    const API: &str = "CreateFileW";
    let parsed = name::parse(name).api(API)?;
    let Some(dir) = PipeDir::for_name(&parsed, false).api(API)? else {
        return Err(Error::new(Win32Error::FILE_NOT_FOUND, API));
    };
    let (conn, meta) = dir.connect().api(API)?;
    let sock = match conn {
        Connect::Connected(s) => s,
        Connect::Busy => return Err(Error::new(Win32Error::PIPE_BUSY, API)),
        Connect::NoPipe => return Err(Error::new(Win32Error::FILE_NOT_FOUND, API)),
    };
    tune(&sock, &meta);
    let fd = rustix::io::fcntl_dupfd_cloexec(&sock, 0).api(API)?;
    let end = PipeEnd::new(false, meta, 0, Conn::Connected(Arc::new(sock)), Some(dir), None);
    Ok(insert_end(fd, access, flags & FILE_FLAG_OVERLAPPED, end))
}

/// `WaitNamedPipeW`—waits until an instance of the pipe is listening. `timeout` in ms,
/// NMPWAIT_USE_DEFAULT_WAIT (the server's nDefaultTimeOut) or NMPWAIT_WAIT_FOREVER.
/// ERROR_FILE_NOT_FOUND (2) when the pipe has no instance, ERROR_SEM_TIMEOUT (121)
/// when the time ran out, ERROR_BAD_NETPATH (53) for a remote name.
///
/// # Linux mechanism
/// Looks for an instance's socket name under the pipe directory's flock, every 5 ms.
pub fn wait_named_pipe(name: &str, timeout: u32) -> Result<()> {
    const API: &str = "WaitNamedPipeW";
    let parsed = name::parse(name).api(API)?;
    let start = Instant::now();
    loop {
        let Some(dir) = PipeDir::for_name(&parsed, false).api(API)? else {
            return Err(Error::new(Win32Error::FILE_NOT_FOUND, API));
        };
        let Some((listening, meta)) = dir.listening() else {
            return Err(Error::new(Win32Error::FILE_NOT_FOUND, API));
        };
        if listening {
            return Ok(());
        }
        let ms = match timeout {
            NMPWAIT_USE_DEFAULT_WAIT if meta.timeout == 0 => Some(DEFAULT_WAIT_MS),
            NMPWAIT_USE_DEFAULT_WAIT => Some(meta.timeout),
            NMPWAIT_WAIT_FOREVER => None,
            t => Some(t),
        };
        if ms.is_some_and(|ms| start.elapsed() >= Duration::from_millis(u64::from(ms))) {
            return Err(Error::new(Win32Error::SEM_TIMEOUT, API));
        }
        if crate::interrupt::requested() {
            return Err(Error::new(Win32Error::OPERATION_ABORTED, API));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// TransactNamedPipe's precondition: a message-type pipe in message read mode (else
/// ERROR_BAD_PIPE, 230) with nothing left unread (else ERROR_PIPE_BUSY, 231).
fn transact_end(h: Handle, api: &'static str) -> Result<(Arc<File>, Arc<PipeEnd>)> {
    let (file, end) = end_for(h, api)?;
    if !file.can_read() || !file.can_write() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    if !end.meta.message || end.mode() & PIPE_READMODE_MESSAGE == 0 {
        return Err(Error::new(Win32Error::BAD_PIPE, api));
    }
    end.socket().api(api)?;
    if end.rest_len() > 0 {
        return Err(Error::new(Win32Error::PIPE_BUSY, api));
    }
    Ok((file, end))
}

/// `TransactNamedPipe` without an OVERLAPPED—writes one message and reads the reply
/// into `out`: `(n, more)`, `more` meaning ERROR_MORE_DATA (the rest stays for
/// ReadFile).
///
/// # Linux mechanism
/// One sendmsg(2) record, then the message read of ReadFile (peek, then recv(2)).
pub fn transact_named_pipe(h: Handle, data: &[u8], out: &mut [MaybeUninit<u8>]) -> Result<(usize, bool)> {
    const API: &str = "TransactNamedPipe";
    let (_, end) = transact_end(h, API)?;
    end.write_blocking(data, API)?;
    end.read_blocking(out, API)
}

/// [`transact_named_pipe`] into an initialised buffer (a caller's buffer object).
///
/// # Linux mechanism
/// As [`transact_named_pipe`].
pub fn transact_named_pipe_into(h: Handle, data: &[u8], out: &mut [u8]) -> Result<(usize, bool)> {
    transact_named_pipe(h, data, crate::io::as_uninit(out))
}

/// `TransactNamedPipe` with an OVERLAPPED: on an overlapped handle the write and the
/// read of the reply (into `mem`) complete the OVERLAPPED together
/// ([`Issued::Pending`]); on a synchronous handle, now.
///
/// # Linux mechanism
/// The pipe poller runs the write, then the read, as the socket becomes ready.
pub fn transact_named_pipe_overlapped(h: Handle, data: Vec<u8>, mut mem: Lent, s: Submit) -> Result<Issued> {
    const API: &str = "TransactNamedPipe";
    let (file, end) = transact_end(h, API)?;
    if !mem.writable() {
        return Err(Error::new(Win32Error::NOACCESS, API));
    }
    if file.flags() & FILE_FLAG_OVERLAPPED == 0 {
        end.write_blocking(&data, API)?;
        let buf = crate::io::as_uninit(mem.bytes_mut().unwrap_or_default());
        let (n, more) = end.read_blocking(buf, API)?;
        let status = if more { Win32Error::MORE_DATA } else { Win32Error::SUCCESS };
        overlapped::complete_now_with(&s.ol, s.event, status, n);
        if more {
            return Err(Error::new(Win32Error::MORE_DATA, API));
        }
        return Ok(Issued::Completed(n));
    }
    pending::ready().api(API)?;
    let sock = end.socket().api(API)?;
    let overlapped::Begun { ctl, done, .. } = overlapped::begin_op(h, s, API)?;
    let mut done = Some(done);
    let mut mem = Some(mem);
    let mut written = false;
    let mut sent = 0usize;
    let attempt = move |cancelled: bool| -> Step {
        if cancelled {
            return finish(done.take(), mem.take(), Win32Error::OPERATION_ABORTED, 0);
        }
        while sent < data.len() || (data.is_empty() && !written) {
            match end.try_write(&data[sent..]) {
                Ok(Some(n)) => {
                    sent += n;
                    written = true;
                }
                Ok(None) => return Step::Wait(PollFlags::OUT),
                Err(e) => return finish(done.take(), mem.take(), e, 0),
            }
        }
        let Some(m) = mem.as_mut() else { return Step::Finished };
        let buf = crate::io::as_uninit(m.bytes_mut().unwrap_or_default());
        match end.try_read(buf) {
            Ok(Some((n, more))) => {
                let status = if more { Win32Error::MORE_DATA } else { Win32Error::SUCCESS };
                finish(done.take(), mem.take(), status, n)
            }
            Ok(None) => Step::Wait(PollFlags::IN),
            Err(e) => finish(done.take(), mem.take(), e, 0),
        }
    };
    pending::register(sock, PollFlags::OUT, ctl, Box::new(attempt));
    Ok(Issued::Pending)
}

/// `CallNamedPipeW`—connects (waiting up to `timeout` ms for a free instance, as
/// WaitNamedPipe), sets message read mode, writes `data`, reads one reply message into
/// `out`, and closes: `(n, more)`.
///
/// # Linux mechanism
/// The client open, TransactNamedPipe and CloseHandle above.
pub fn call_named_pipe(name: &str, data: &[u8], out: &mut [MaybeUninit<u8>], timeout: u32) -> Result<(usize, bool)> {
    const API: &str = "CallNamedPipeW";
    const RW: u32 = crate::consts::FILE_READ_DATA
        | crate::consts::FILE_WRITE_DATA
        | crate::consts::FILE_READ_ATTRIBUTES
        | crate::consts::FILE_WRITE_ATTRIBUTES;
    let start = Instant::now();
    let h = loop {
        match open_client(name, RW, 0) {
            Ok(h) => break h,
            Err(e) if e.code() == Win32Error::PIPE_BUSY => {
                wait_named_pipe(name, timeout).map_err(|e| Error::new(e.code(), API))?;
                // A listening instance may still have a client queued that its server
                // has not taken yet: try again shortly, within the caller's time.
                let explicit = timeout != NMPWAIT_USE_DEFAULT_WAIT && timeout != NMPWAIT_WAIT_FOREVER;
                if explicit && start.elapsed() >= Duration::from_millis(u64::from(timeout)) {
                    return Err(Error::new(Win32Error::SEM_TIMEOUT, API));
                }
                if crate::interrupt::requested() {
                    return Err(Error::new(Win32Error::OPERATION_ABORTED, API));
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(Error::new(e.code(), API)),
        }
    };
    let r = (|| {
        super::info::set_named_pipe_handle_state(h, Some(PIPE_READMODE_MESSAGE))?;
        transact_named_pipe(h, data, out)
    })();
    let _ = handle::close(h);
    r.map_err(|e| Error::new(e.code(), API))
}
