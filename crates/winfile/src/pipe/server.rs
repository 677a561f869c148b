//! The server side: CreateNamedPipe, ConnectNamedPipe (blocking and overlapped),
//! DisconnectNamedPipe.

use super::end::{Conn, PipeDevice, PipeEnd, PIPE_NOWAIT, PIPE_READMODE_MESSAGE};
use super::name::{self, PipeName};
use super::namespace::{new_socket, Meta, PipeDir};
use super::pending::{self, Step};
use crate::consts::{
    FILE_FLAG_OVERLAPPED, FILE_READ_ATTRIBUTES, FILE_READ_DATA, FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA,
};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Fd, File, FileKind, Handle, PathStyle};
use crate::io::DeviceSlot;
use crate::overlapped::{self, AsyncSlot, Submit};
use crate::poison::MutexExt;
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use std::os::fd::OwnedFd;
use std::sync::Arc;

/// `PIPE_ACCESS_INBOUND`.
pub const PIPE_ACCESS_INBOUND: u32 = 1;
/// `PIPE_ACCESS_OUTBOUND`.
pub const PIPE_ACCESS_OUTBOUND: u32 = 2;
/// `PIPE_TYPE_MESSAGE`.
pub const PIPE_TYPE_MESSAGE: u32 = 4;
/// `PIPE_REJECT_REMOTE_CLIENTS`.
pub const PIPE_REJECT_REMOTE_CLIENTS: u32 = 8;
/// `PIPE_UNLIMITED_INSTANCES`.
pub const PIPE_UNLIMITED_INSTANCES: u32 = 255;
/// `FILE_FLAG_FIRST_PIPE_INSTANCE`.
pub const FILE_FLAG_FIRST_PIPE_INSTANCE: u32 = 0x0008_0000;

/// Open-mode bits CreateNamedPipe accepts (access, flags, WRITE_DAC, WRITE_OWNER,
/// ACCESS_SYSTEM_SECURITY).
const OPEN_MODE_BITS: u32 =
    3 | FILE_FLAG_FIRST_PIPE_INSTANCE | 0x8000_0000 | FILE_FLAG_OVERLAPPED | 0x0004_0000 | 0x0008_0000 | 0x0100_0000;

/// The send buffer asked for message pipes (the kernel grants at most twice
/// `net.core.wmem_max`): room for several 64 KiB records of a long message in flight.
const MESSAGE_SNDBUF: usize = 8 << 20;

/// Socket settings of a connected channel.
pub(crate) fn tune(fd: &OwnedFd, meta: &Meta) {
    super::end::blocking_reads(fd);
    if meta.message {
        let _ = rustix::net::sockopt::set_socket_send_buffer_size(fd, MESSAGE_SNDBUF);
    }
}

/// The rights a pipe handle grants for a PIPE_ACCESS_* mode.
fn access_for(open_mode: u32) -> u32 {
    let mut a = FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | 0x0010_0000; // SYNCHRONIZE
    if open_mode & PIPE_ACCESS_INBOUND != 0 {
        a |= FILE_READ_DATA;
    }
    if open_mode & PIPE_ACCESS_OUTBOUND != 0 {
        a |= FILE_WRITE_DATA;
    }
    a
}

/// Wraps a pipe end into a file object with its device hooks and returns its handle.
pub(crate) fn insert_end(fd: OwnedFd, access: u32, flags: u32, end: PipeEnd) -> Handle {
    let file = File::new(Fd::new(fd), access, 0, flags, "pipe".into(), PathStyle::Windows, FileKind::Pipe);
    file.ext_or_insert_with(|| end);
    file.ext_or_insert_with(|| DeviceSlot(Arc::new(PipeDevice)));
    file.ext_or_insert_with(|| AsyncSlot(Arc::new(PipeDevice)));
    handle::insert(Arc::new(file))
}

/// `CreateNamedPipeW`—creates an instance of a named pipe (the first one fixes the
/// pipe's type, instance limit, buffer sizes and default timeout) and returns its
/// server handle, listening at once.
///
/// # Linux mechanism
/// An AF_UNIX listening socket (SOCK_SEQPACKET for PIPE_TYPE_MESSAGE, SOCK_STREAM for
/// bytes, backlog 0) in the per-user pipe directory under the runtime base (mode
/// 0700); the instance lives while its `flock`ed lock file does (see `namespace`).
#[allow(clippy::too_many_arguments)]
pub fn create_named_pipe(
    name: &str,
    open_mode: u32,
    pipe_mode: u32,
    max_instances: u32,
    out_size: u32,
    in_size: u32,
    timeout: u32,
) -> Result<Handle> {
    const API: &str = "CreateNamedPipeW";
    let key = match name::parse(name).api(API)? {
        PipeName::Local(k) => k,
        PipeName::Remote => return Err(Error::new(Win32Error::INVALID_NAME, API)),
    };
    let message = pipe_mode & PIPE_TYPE_MESSAGE != 0;
    let bad_mode =
        pipe_mode & !(PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_NOWAIT | PIPE_REJECT_REMOTE_CLIENTS) != 0;
    if open_mode & 3 == 0
        || open_mode & !OPEN_MODE_BITS != 0
        || bad_mode
        || (pipe_mode & PIPE_READMODE_MESSAGE != 0 && !message)
        || max_instances == 0
        || max_instances > PIPE_UNLIMITED_INSTANCES
    {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let limit = if max_instances == PIPE_UNLIMITED_INSTANCES { u32::MAX } else { max_instances };
    let want = Meta { message, max_instances: limit, out_size, in_size, timeout };
    let first_only = open_mode & FILE_FLAG_FIRST_PIPE_INSTANCE != 0;
    let (dir, (instance, listener, meta)) = loop {
        let dir = PipeDir::open(&key, true).api(API)?.ok_or(Error::new(Win32Error::ACCESS_DENIED, API))?;
        if let Some(created) = dir.create_instance(want, first_only).api(API)? {
            break (dir, created);
        }
    };
    let placeholder = match new_socket(message) {
        Ok(s) => s,
        Err(e) => {
            dir.remove(&instance.id);
            return Err(Error::new(e.into(), API));
        }
    };
    let mode = pipe_mode & (PIPE_READMODE_MESSAGE | PIPE_NOWAIT);
    let end = PipeEnd::new(true, meta, mode, Conn::Listening(Arc::new(listener)), Some(dir), Some(instance));
    Ok(insert_end(placeholder, access_for(open_mode), open_mode & FILE_FLAG_OVERLAPPED, end))
}

/// The server end behind `h` (ERROR_INVALID_HANDLE for anything else; a client end
/// is ERROR_INVALID_FUNCTION for the server calls).
pub(crate) fn end_for(h: Handle, api: &'static str) -> Result<(Arc<File>, Arc<PipeEnd>)> {
    let file = handle::get::<File>(h).api(api)?;
    let end = file.ext::<PipeEnd>().ok_or(Error::new(Win32Error::INVALID_HANDLE, api))?;
    Ok((file, end))
}

fn server_for(h: Handle, api: &'static str) -> Result<(Arc<File>, Arc<PipeEnd>)> {
    let (file, end) = end_for(h, api)?;
    if !end.server || !end.named {
        return Err(Error::new(Win32Error::INVALID_FUNCTION, api));
    }
    Ok((file, end))
}

/// What ConnectNamedPipe finds before waiting.
enum Start {
    /// Already connected, or a client came first: ERROR_PIPE_CONNECTED (or 232 when
    /// that client has gone again).
    Now(Win32Error),
    /// Wait on this listener.
    Wait(Arc<OwnedFd>),
}

/// Takes a queued client of the instance, if any, making the instance connected.
fn take_client(end: &PipeEnd, listener: &Arc<OwnedFd>) -> std::result::Result<bool, Win32Error> {
    let (Some(dir), Some(inst)) = (&end.dir, &end.instance) else { return Err(Win32Error::INVALID_HANDLE) };
    let Some(conn) = dir.accept(&inst.id, listener)? else { return Ok(false) };
    tune(&conn, &end.meta);
    *end.conn.locked() = Conn::Connected(Arc::new(conn));
    Ok(true)
}

fn start(end: &PipeEnd) -> std::result::Result<Start, Win32Error> {
    let listener = {
        let conn = end.conn.locked();
        match &*conn {
            Conn::Connected(_) => return Ok(Start::Now(Win32Error::PIPE_CONNECTED)),
            Conn::Listening(l) => Some(l.clone()),
            Conn::Disconnected => None,
            Conn::Closed => return Err(Win32Error::INVALID_HANDLE),
        }
    };
    let listener = match listener {
        Some(l) => l,
        None => {
            let (Some(dir), Some(inst)) = (&end.dir, &end.instance) else { return Err(Win32Error::INVALID_HANDLE) };
            let l = Arc::new(dir.relisten(&inst.id, end.meta.message)?);
            *end.conn.locked() = Conn::Listening(l.clone());
            l
        }
    };
    if take_client(end, &listener)? {
        // The client came before this call. If it has already gone again, Windows
        // reports ERROR_NO_DATA.
        let gone = end.socket().ok().is_some_and(|s| {
            let mut fds = [PollFd::new(&*s, PollFlags::IN | PollFlags::RDHUP)];
            let hup = poll(&mut fds, Some(&Timespec { tv_sec: 0, tv_nsec: 0 })).is_ok()
                && fds[0].revents().intersects(PollFlags::HUP | PollFlags::RDHUP);
            hup && rustix::io::ioctl_fionread(&*s).unwrap_or(0) == 0
        });
        return Ok(Start::Now(if gone { Win32Error::NO_DATA } else { Win32Error::PIPE_CONNECTED }));
    }
    Ok(Start::Wait(listener))
}

/// Blocks until a client connects to the listening instance (interruptible slices).
fn wait_client(end: &PipeEnd, listener: &Arc<OwnedFd>, api: &'static str) -> Result<()> {
    let slice = Timespec { tv_sec: 0, tv_nsec: 100_000_000 };
    loop {
        let mut fds = [PollFd::new(&**listener, PollFlags::IN)];
        match poll(&mut fds, Some(&slice)) {
            Ok(0) | Err(Errno::INTR) => {}
            Ok(_) => {
                if take_client(end, listener).api(api)? {
                    return Ok(());
                }
            }
            Err(e) => return Err(Error::new(e.into(), api)),
        }
        if crate::interrupt::requested() {
            return Err(Error::new(Win32Error::OPERATION_ABORTED, api));
        }
        if !matches!(&*end.conn.locked(), Conn::Listening(l) if Arc::ptr_eq(l, listener)) {
            return Err(Error::new(Win32Error::PIPE_NOT_CONNECTED, api));
        }
    }
}

/// `ConnectNamedPipe` without an OVERLAPPED—waits for a client. Returns 0, or
/// ERROR_PIPE_CONNECTED (535) when a client connected before the call (as pywin32
/// returns it rather than raising); ERROR_NO_DATA (232) when that client has already
/// closed its end.
///
/// # Linux mechanism
/// poll(2) on the instance's listening socket, then accept4(2) under the pipe
/// directory's flock, which also removes the socket's name (the instance is busy).
pub fn connect_named_pipe(h: Handle) -> Result<Win32Error> {
    const API: &str = "ConnectNamedPipe";
    let (_, end) = server_for(h, API)?;
    match start(&end).api(API)? {
        Start::Now(Win32Error::NO_DATA) => Err(Error::new(Win32Error::NO_DATA, API)),
        Start::Now(code) => Ok(code),
        Start::Wait(listener) => wait_client(&end, &listener, API).map(|()| Win32Error::SUCCESS),
    }
}

/// `ConnectNamedPipe` with an OVERLAPPED. On an overlapped handle: ERROR_IO_PENDING
/// (997), and the OVERLAPPED completes (event, completion port) when a client comes;
/// ERROR_PIPE_CONNECTED (535) at once, with nothing queued, when one came before. On
/// a synchronous handle it waits, then completes the OVERLAPPED.
///
/// # Linux mechanism
/// The pipe poller (one thread, poll(2)) waits on the listening socket, then accepts
/// as the blocking form does; the result is published like any overlapped operation.
pub fn connect_named_pipe_overlapped(h: Handle, s: Submit) -> Result<Win32Error> {
    const API: &str = "ConnectNamedPipe";
    let (file, end) = server_for(h, API)?;
    let listener = match start(&end).api(API)? {
        Start::Now(Win32Error::NO_DATA) => return Err(Error::new(Win32Error::NO_DATA, API)),
        Start::Now(code) => return Ok(code),
        Start::Wait(l) => l,
    };
    if file.flags() & FILE_FLAG_OVERLAPPED == 0 {
        wait_client(&end, &listener, API)?;
        overlapped::complete_now(&s.ol, s.event, 0);
        return Ok(Win32Error::SUCCESS);
    }
    pending::ready().api(API)?;
    let overlapped::Begun { ctl, done, .. } = overlapped::begin_op(h, s, API)?;
    let mut done = Some(done);
    let l2 = listener.clone();
    let attempt = move |cancelled: bool| -> Step {
        let status = if cancelled {
            Win32Error::OPERATION_ABORTED
        } else {
            match take_client(&end, &l2) {
                Ok(true) => Win32Error::SUCCESS,
                Ok(false) => return Step::Wait(PollFlags::IN),
                Err(e) => e,
            }
        };
        if let Some(done) = done.take() {
            done.call(status, 0);
        }
        Step::Finished
    };
    pending::register(listener, PollFlags::IN, ctl, Box::new(attempt));
    Ok(Win32Error::IO_PENDING)
}

/// `DisconnectNamedPipe`—ends the instance's connection: the client's next read sees
/// the pipe ended (109), unread data is discarded, and the instance stays disconnected
/// until the next ConnectNamedPipe.
///
/// # Linux mechanism
/// shutdown(2) of the connected socket (the client sees end of file whoever holds it).
pub fn disconnect_named_pipe(h: Handle) -> Result<()> {
    const API: &str = "DisconnectNamedPipe";
    let (_, end) = server_for(h, API)?;
    let listening = match &*end.conn.locked() {
        Conn::Listening(l) => Some(l.clone()),
        Conn::Closed => return Err(Error::new(Win32Error::INVALID_HANDLE, API)),
        _ => None,
    };
    match listening {
        // A client queued on a listening instance is turned away.
        Some(l) => {
            if take_client(&end, &l).api(API)? {
                end.hang_up(Conn::Disconnected);
            }
        }
        None => end.hang_up(Conn::Disconnected),
    }
    Ok(())
}
