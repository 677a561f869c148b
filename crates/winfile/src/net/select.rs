//! WSAEventSelect and WSAEnumNetworkEvents: network events recorded per socket and
//! signalled through an event object, from the reactor's epoll.
//!
//! Each selecting socket has two edge-triggered epoll registrations of its own (two
//! duplicate descriptors): one for input (IN, RDHUP) and one for output (OUT), so that a
//! data arrival, which wakes input waiters only, never passes for send-buffer space. Windows' recording rules, and how they are met on Linux:
//! - FD_READ: new data arrived (an edge with bytes queued). Re-enabled when
//!   WSAEnumNetworkEvents reports it (Windows: by the next recv, which winfile cannot
//!   see); reported only while data is still queued.
//! - FD_WRITE: when the socket is first connected or selected while writable, then
//!   after the send buffer was full (the kernel wakes output waiters only after a send
//!   failed with EAGAIN, Winsock's WSAEWOULDBLOCK, or at a state change); never once the
//!   sending side is shut down or the peer has closed.
//! - FD_ACCEPT: a connection is waiting (each new one re-records it).
//! - FD_CONNECT: the connect under way finished (its error code: WSAECONNREFUSED...).
//! - FD_CLOSE: once, when the peer closed or reset and no data is left.
//!
//! # Safety
//! The only `unsafe` is getsockopt(TCP_INFO) into a local byte array (the TCP state).
#![allow(unsafe_code)]

use super::adopt;
use super::reactor::{self, SELECT_BIT};
use crate::error::{wsa_from_errno, Error, Result, Win32Error};
use crate::handle::{self, Extension, File};
use crate::poison::MutexExt;
use crate::sync::Event;
use rustix::event::epoll::{self, EventFlags};
use rustix::fs::OFlags;
use std::collections::HashMap;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

/// FD_* network event bits (WSAEventSelect).
pub const FD_READ: u32 = 1;
/// See [`FD_READ`].
pub const FD_WRITE: u32 = 2;
/// See [`FD_READ`].
pub const FD_OOB: u32 = 4;
/// See [`FD_READ`].
pub const FD_ACCEPT: u32 = 8;
/// See [`FD_READ`].
pub const FD_CONNECT: u32 = 16;
/// See [`FD_READ`].
pub const FD_CLOSE: u32 = 32;

#[derive(Default)]
struct Recorded {
    bits: u32,
    errors: [u32; 10],
}

struct Watch {
    own: OwnedFd,
    own_out: OwnedFd,
    event: Arc<Event>,
    mask: u32,
    state: Mutex<WatchState>,
}

#[derive(Default)]
struct WatchState {
    recorded: Recorded,
    /// A connect may be under way (unconnected, not listening, when selected).
    connect_pending: bool,
    close_done: bool,
    was_connected: bool,
}

static WATCHES: LazyLock<Mutex<HashMap<u64, Arc<Watch>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
/// Marks the token of a watch's output registration.
const OUTPUT: u64 = 1 << 61;

/// The socket handle's selection (ended by CloseHandle or staleness).
#[derive(Default)]
struct Selection(Mutex<Option<u64>>);

impl Extension for Selection {
    fn on_close(&self, _file: &File) {
        if let Some(id) = self.0.locked().take() {
            forget(id);
        }
    }
}

fn forget(id: u64) {
    if let Some(w) = WATCHES.locked().remove(&id) {
        if let Ok(r) = reactor::reactor("WSAEventSelect") {
            let _ = epoll::delete(r.epoll(), &w.own);
            let _ = epoll::delete(r.epoll(), &w.own_out);
        }
    }
}

fn bit_index(bit: u32) -> usize {
    bit.trailing_zeros() as usize
}

/// `WSAEventSelect(sock, event, mask)`—records the FD_* events of `mask` for `sock` and
/// sets `event` when one is recorded; makes the socket non-blocking, as Windows does
/// (it stays so after the selection ends). A mask of 0 ends the selection.
///
/// # Linux mechanism
/// O_NONBLOCK on the socket, an edge-triggered epoll registration in the reactor.
pub fn wsa_event_select(sock: u64, event: crate::Handle, mask: u32) -> Result<()> {
    const API: &str = "WSAEventSelect";
    let (_, file) = adopt::socket(sock, API)?;
    let ev = if mask != 0 {
        Some(handle::get::<Event>(event).map_err(|_| Error::new(Win32Error::WSAEINVAL, API))?)
    } else {
        None
    };
    let r = reactor::reactor(API)?;
    let fl = rustix::fs::fcntl_getfl(file.fd()).map_err(|e| Error::new(wsa_from_errno(e), API))?;
    rustix::fs::fcntl_setfl(file.fd(), fl | OFlags::NONBLOCK).map_err(|e| Error::new(wsa_from_errno(e), API))?;
    let sel = file.ext_or_default::<Selection>();
    let mut slot = sel.0.locked();
    if let Some(old) = slot.take() {
        forget(old);
    }
    let Some(ev) = ev else { return Ok(()) };
    let own = rustix::io::fcntl_dupfd_cloexec(file.fd(), 0).map_err(|e| Error::new(wsa_from_errno(e), API))?;
    let own_out = rustix::io::fcntl_dupfd_cloexec(file.fd(), 0).map_err(|e| Error::new(wsa_from_errno(e), API))?;
    let connected = rustix::net::getpeername(&own).ok().flatten().is_some();
    let listening = rustix::net::sockopt::socket_acceptconn(&own).unwrap_or(false);
    let state =
        WatchState { connect_pending: !connected && !listening, was_connected: connected, ..WatchState::default() };
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let w = Arc::new(Watch { own, own_out, event: ev, mask, state: Mutex::new(state) });
    WATCHES.locked().insert(id, w.clone());
    let input = EventFlags::IN | EventFlags::RDHUP | EventFlags::ET;
    let output = EventFlags::OUT | EventFlags::ET;
    let added = epoll::add(r.epoll(), &w.own, epoll::EventData::new_u64(SELECT_BIT | id), input)
        .and_then(|()| epoll::add(r.epoll(), &w.own_out, epoll::EventData::new_u64(SELECT_BIT | OUTPUT | id), output));
    if let Err(e) = added {
        // Nothing selected: the watch and any registration made go again.
        forget(id);
        return Err(Error::new(wsa_from_errno(e), API));
    }
    *slot = Some(id);
    Ok(())
}

const TCP_ESTABLISHED: u8 = 1;
const TCP_CLOSE_WAIT: u8 = 8;

/// The TCP state of a socket (`tcpi_state`), `None` for other protocols. A socket whose
/// sending side is shut down (FIN_WAIT, CLOSING, LAST_ACK...) gets no FD_WRITE.
fn tcp_state(fd: std::os::fd::BorrowedFd<'_>) -> Option<u8> {
    use std::os::fd::AsRawFd;
    let mut info = [0u8; 8];
    let mut len = info.len() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` bytes into `info`, a local array, and
    // updates `len`; the descriptor is borrowed for the call.
    let r = unsafe {
        libc::getsockopt(fd.as_raw_fd(), libc::IPPROTO_TCP, libc::TCP_INFO, info.as_mut_ptr().cast(), &mut len)
    };
    (r == 0 && len >= 1).then_some(info[0])
}

/// Whether the peer closed or reset the connection (POLLRDHUP or POLLERR now).
fn peer_gone(fd: std::os::fd::BorrowedFd<'_>) -> bool {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let mut fds = [PollFd::new(&fd, PollFlags::RDHUP)];
    let zero = Timespec { tv_sec: 0, tv_nsec: 0 };
    poll(&mut fds, Some(&zero)).is_ok() && fds[0].revents().intersects(PollFlags::RDHUP | PollFlags::ERR)
}

/// Called by the reactor for an edge on watch `id`.
pub(super) fn on_event(token: u64, flags: EventFlags) {
    let output = token & OUTPUT != 0;
    let id = token & !OUTPUT;
    let Some(w) = WATCHES.locked().get(&id).cloned() else { return };
    let fd = w.own.as_fd();
    let mut st = w.state.locked();
    let mut new = 0u32;
    let mut record = |st: &mut WatchState, bit: u32, err: u32| {
        if w.mask & bit != 0 && st.recorded.bits & bit == 0 {
            st.recorded.bits |= bit;
            st.recorded.errors[bit_index(bit)] = err;
            new |= bit;
        }
    };
    if rustix::net::sockopt::socket_acceptconn(fd).unwrap_or(false) {
        if !output && flags.contains(EventFlags::IN) {
            record(&mut st, FD_ACCEPT, 0);
        }
    } else {
        let connected = rustix::net::getpeername(fd).ok().flatten().is_some();
        if st.connect_pending {
            match rustix::net::sockopt::socket_error(fd) {
                Ok(Err(e)) => {
                    st.connect_pending = false;
                    record(&mut st, FD_CONNECT, wsa_from_errno(e).0);
                }
                _ if connected => {
                    st.connect_pending = false;
                    record(&mut st, FD_CONNECT, 0);
                }
                _ => {}
            }
        }
        st.was_connected |= connected;
        // Queued bytes matter to the input edge only (FD_READ, FD_CLOSE).
        let queued = if output { 0 } else { rustix::io::ioctl_fionread(fd).unwrap_or(0) };
        if st.was_connected {
            if !output && flags.contains(EventFlags::IN) && queued > 0 {
                record(&mut st, FD_READ, 0);
            }
            let can_send = tcp_state(fd).is_none_or(|t| t == TCP_ESTABLISHED || t == TCP_CLOSE_WAIT);
            if output && flags.contains(EventFlags::OUT) && connected && can_send && !peer_gone(fd) {
                record(&mut st, FD_WRITE, 0);
            }
            // HUP alone is also what an unconnected socket reports: the peer's close or
            // reset is RDHUP (or ERR), checked again now, the edge's flags being older.
            if !output
                && flags.intersects(EventFlags::RDHUP | EventFlags::ERR)
                && queued == 0
                && !st.close_done
                && peer_gone(fd)
            {
                let err = match rustix::net::sockopt::socket_error(fd) {
                    Ok(Err(e)) => wsa_from_errno(e).0,
                    _ if flags.contains(EventFlags::ERR) => Win32Error::WSAECONNRESET.0,
                    _ => 0,
                };
                st.close_done = true;
                record(&mut st, FD_CLOSE, err);
            }
        }
    }
    drop(st);
    if new != 0 {
        w.event.set();
    }
}

/// `WSAEnumNetworkEvents(sock[, event])`—the FD_* events recorded since the last call,
/// each with its error code (0 or a WSA code), then cleared; `event`, if given, is
/// reset. WSAENOTSOCK for a value that is not a socket, or an `event` that is not an
/// event (as Windows answers).
///
/// # Linux mechanism
/// The records kept by the reactor's epoll edges (see the module docs); FD_READ is
/// checked against FIONREAD.
pub fn wsa_enum_network_events(sock: u64, event: Option<crate::Handle>) -> Result<Vec<(u32, u32)>> {
    const API: &str = "WSAEnumNetworkEvents";
    let (_, file) = adopt::socket(sock, API)?;
    let ev = match event {
        Some(h) if h.raw() != 0 => Some(handle::get::<Event>(h).map_err(|_| Error::new(Win32Error::WSAENOTSOCK, API))?),
        _ => None,
    };
    let id = file.ext::<Selection>().and_then(|s| *s.0.locked());
    let mut out = Vec::new();
    if let Some(w) = id.and_then(|id| WATCHES.locked().get(&id).cloned()) {
        let mut st = w.state.locked();
        let rec = std::mem::take(&mut st.recorded);
        let queued = rustix::io::ioctl_fionread(&w.own).unwrap_or(0);
        for bit in [FD_READ, FD_WRITE, FD_OOB, FD_ACCEPT, FD_CONNECT, FD_CLOSE] {
            if rec.bits & bit == 0 || (bit == FD_READ && queued == 0) {
                continue;
            }
            out.push((bit, rec.errors[bit_index(bit)]));
        }
    }
    if let Some(ev) = ev {
        ev.reset();
    }
    Ok(out)
}
