//! What a pipe handle tells: GetNamedPipeInfo, GetNamedPipeHandleState,
//! SetNamedPipeHandleState, PeekNamedPipe, GetNamedPipeClient/ServerProcessId.

use super::end::{PipeEnd, PIPE_NOWAIT, PIPE_READMODE_MESSAGE};
use super::server::{end_for, PIPE_TYPE_MESSAGE};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::Handle;
use rustix::io::Errno;
use rustix::net::RecvFlags;

/// `PIPE_SERVER_END` (GetNamedPipeInfo's flags).
pub const PIPE_SERVER_END: u32 = 1;

/// `GetNamedPipeInfo`—`(flags, out_buffer_size, in_buffer_size, max_instances)`:
/// PIPE_SERVER_END for a server handle, PIPE_TYPE_MESSAGE for a message pipe; the
/// sizes and limit the first instance was created with (255 = unlimited).
///
/// # Linux mechanism
/// The handle's pipe state (the pipe directory's `meta` file, read at open).
pub fn get_named_pipe_info(h: Handle) -> Result<(u32, u32, u32, u32)> {
    const API: &str = "GetNamedPipeInfo";
    let (_, end) = end_for(h, API)?;
    let mut flags = if end.meta.message { PIPE_TYPE_MESSAGE } else { 0 };
    if end.server {
        flags |= PIPE_SERVER_END;
    }
    let max = if end.meta.max_instances == u32::MAX { 255 } else { end.meta.max_instances };
    Ok((flags, end.meta.out_size, end.meta.in_size, max))
}

/// `GetNamedPipeHandleState`—`(state, current_instances)`: PIPE_NOWAIT and
/// PIPE_READMODE_MESSAGE as set on this handle, and how many instances of the pipe
/// exist now (in every process; 1 for an anonymous pipe).
///
/// # Linux mechanism
/// The handle's mode; the instances counted by probing their lock files.
pub fn get_named_pipe_handle_state(h: Handle) -> Result<(u32, u32)> {
    const API: &str = "GetNamedPipeHandleState";
    let (_, end) = end_for(h, API)?;
    let count = end.dir.as_ref().map_or(1, |dir| dir.count());
    Ok((end.mode(), count.max(1)))
}

/// `SetNamedPipeHandleState`—sets the read mode and wait mode of this handle
/// (PIPE_READMODE_MESSAGE only on a message-type pipe, else ERROR_INVALID_PARAMETER).
///
/// # Linux mechanism
/// The handle's mode word (reads consult it).
pub fn set_named_pipe_handle_state(h: Handle, mode: Option<u32>) -> Result<()> {
    const API: &str = "SetNamedPipeHandleState";
    let (_, end) = end_for(h, API)?;
    if let Some(mode) = mode {
        if mode & !(PIPE_READMODE_MESSAGE | PIPE_NOWAIT) != 0
            || (mode & PIPE_READMODE_MESSAGE != 0 && !end.meta.message)
        {
            return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
        }
        end.set_mode(mode);
    }
    Ok(())
}

/// `PeekNamedPipe`—up to `size` bytes of what the next reads would return, without
/// taking them: `(data, total_available, left_in_message)`. For a message pipe the
/// data comes from the next message only, `left_in_message` is what remains of it
/// after the bytes peeked, and `total_available` counts the rest of a message read in
/// part and the next message (later queued messages are not counted). Never waits.
///
/// # Linux mechanism
/// recv(2) with MSG_PEEK (and MSG_TRUNC for the message's length); FIONREAD for byte
/// pipes.
pub fn peek_named_pipe(h: Handle, size: usize) -> Result<(Vec<u8>, u32, u32)> {
    const API: &str = "PeekNamedPipe";
    let (_, end) = end_for(h, API)?;
    let c = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let rest = end.rest_len();
    if rest > 0 {
        let data = end.peek_rest(size);
        let left = if end.meta.message { rest - data.len() } else { 0 };
        return Ok((data, c(rest), c(left)));
    }
    let sock = end.socket().api(API)?;
    if !end.meta.message {
        let avail = rustix::io::ioctl_fionread(&*sock).unwrap_or(0) as usize;
        let mut buf = vec![0u8; size.min(avail)];
        let n = match rustix::net::recv(&*sock, &mut buf[..], RecvFlags::PEEK | RecvFlags::DONTWAIT) {
            Ok((_, 0)) if size > 0 || avail == 0 => return peek_eof(&end, API),
            Ok((_, n)) => n,
            Err(Errno::AGAIN) => 0,
            Err(e) => return Err(Error::new(e.into(), API)),
        };
        buf.truncate(n);
        return Ok((buf, c(avail), 0));
    }
    let mut buf = vec![0u8; size];
    match rustix::net::recv(&*sock, &mut buf[..], RecvFlags::PEEK | RecvFlags::DONTWAIT | RecvFlags::TRUNC) {
        Ok((_, 0)) => Err(Error::new(Win32Error::BROKEN_PIPE, API)),
        Ok((_, total)) => {
            let len = total - 1;
            buf.truncate(size.min(len));
            let left = len - buf.len();
            Ok((buf, c(len), c(left)))
        }
        Err(Errno::AGAIN) => Ok((Vec::new(), 0, 0)),
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

/// A byte pipe with nothing queued: still open (empty result) or ended (109).
fn peek_eof(end: &PipeEnd, api: &'static str) -> Result<(Vec<u8>, u32, u32)> {
    let sock = end.socket().api(api)?;
    let mut probe = [0u8; 1];
    match rustix::net::recv(&*sock, &mut probe[..], RecvFlags::PEEK | RecvFlags::DONTWAIT) {
        Ok((_, 0)) => Err(Error::new(Win32Error::BROKEN_PIPE, api)),
        _ => Ok((Vec::new(), 0, 0)),
    }
}

/// The process id of the other end (SO_PEERCRED: the process that connected, or the
/// one that listened).
fn peer_pid(end: &PipeEnd, api: &'static str) -> Result<u32> {
    let sock = end.socket().api(api)?;
    let cred = rustix::net::sockopt::socket_peercred(&*sock).api(api)?;
    Ok(cred.pid.as_raw_nonzero().get() as u32)
}

fn own_pid() -> u32 {
    rustix::process::getpid().as_raw_nonzero().get() as u32
}

/// `GetNamedPipeClientProcessId`—the client's process id: the peer's on a server
/// handle (the pipe must be connected), the caller's own on a client handle.
///
/// # Linux mechanism
/// getsockopt(SO_PEERCRED) on the connected socket.
pub fn get_named_pipe_client_process_id(h: Handle) -> Result<u32> {
    const API: &str = "GetNamedPipeClientProcessId";
    let (_, end) = end_for(h, API)?;
    if end.server {
        peer_pid(&end, API)
    } else {
        Ok(own_pid())
    }
}

/// `GetNamedPipeServerProcessId`—the server's process id: the caller's own on a
/// server handle, the peer's on a client handle.
///
/// # Linux mechanism
/// getsockopt(SO_PEERCRED) on the connected socket (the process that listened).
pub fn get_named_pipe_server_process_id(h: Handle) -> Result<u32> {
    const API: &str = "GetNamedPipeServerProcessId";
    let (_, end) = end_for(h, API)?;
    if end.server {
        Ok(own_pid())
    } else {
        peer_pid(&end, API)
    }
}

/// The login session of process `pid`: its audit session id (`/proc/PID/sessionid`,
/// set by pam_loginuid at login; 4294967295 when the process has none, as in many
/// containers).
fn session_of(pid: u32) -> u32 {
    std::fs::read_to_string(format!("/proc/{pid}/sessionid"))
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .unwrap_or(u32::MAX)
}

/// `GetNamedPipeClientSessionId`—the client process's session: Linux's login session
/// (the audit session id), Windows' nearest counterpart of a logon session.
///
/// # Linux mechanism
/// SO_PEERCRED for the client's pid, then `/proc/PID/sessionid`.
pub fn get_named_pipe_client_session_id(h: Handle) -> Result<u32> {
    let pid = get_named_pipe_client_process_id(h).map_err(|e| Error::new(e.code(), "GetNamedPipeClientSessionId"))?;
    Ok(session_of(pid))
}

/// `GetNamedPipeServerSessionId`—the server process's session (see the client form).
///
/// # Linux mechanism
/// SO_PEERCRED for the server's pid, then `/proc/PID/sessionid`.
pub fn get_named_pipe_server_session_id(h: Handle) -> Result<u32> {
    let pid = get_named_pipe_server_process_id(h).map_err(|e| Error::new(e.code(), "GetNamedPipeServerSessionId"))?;
    Ok(session_of(pid))
}
