//! Comm events: SetCommMask, GetCommMask, WaitCommEvent (synchronous and overlapped).
//!
//! A wait sleeps in poll(2) on the tty (EV_RXCHAR), the handle's wake-up eventfd
//! (SetCommMask, a finished write for EV_TXEMPTY, CloseHandle, CancelIo) and, for the
//! modem-line events on drivers that have it, a helper blocked in TIOCMIWAIT that
//! kicks the same eventfd: no polling loop.

use super::port::{port, CommState};
use super::sys::{self, Wake};
use crate::engine::{self, Lent};
use crate::error::{Error, Result, Win32Error};
use crate::handle::{File, Handle};
use crate::overlapped::{Issued, Submit};
use crate::poison::MutexExt;
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// A character was received.
pub const EV_RXCHAR: u32 = 0x1;
/// The event character was received.
pub const EV_RXFLAG: u32 = 0x2;
/// The output queue became empty.
pub const EV_TXEMPTY: u32 = 0x4;
/// CTS changed.
pub const EV_CTS: u32 = 0x8;
/// DSR changed.
pub const EV_DSR: u32 = 0x10;
/// Carrier detect changed.
pub const EV_RLSD: u32 = 0x20;
/// A break was received.
pub const EV_BREAK: u32 = 0x40;
/// A line-status error (frame, overrun, parity).
pub const EV_ERR: u32 = 0x80;
/// The ring indicator.
pub const EV_RING: u32 = 0x100;
/// Every EV_* bit Windows accepts (through EV_EVENT2).
const EV_ALL: u32 = 0x1FFF;
const EV_LINES: u32 = EV_CTS | EV_DSR | EV_RLSD | EV_RING;

/// `SetCommMask`—the events WaitCommEvent waits for; a pending WaitCommEvent completes
/// at once with 0. Bits beyond EV_EVENT2 are ERROR_INVALID_PARAMETER (87).
///
/// # Linux mechanism
/// Kept on the handle; the pending wait is woken through its eventfd.
pub fn set_comm_mask(h: Handle, mask: u32) -> Result<()> {
    const API: &str = "SetCommMask";
    let (file, state) = port(h, API)?;
    if mask & !EV_ALL != 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    *state.counters.locked() = sys::counters(file.fd()).ok();
    state.mask.store(mask, Ordering::Release);
    state.mask_generation.fetch_add(1, Ordering::AcqRel);
    state.kick.kick();
    Ok(())
}

/// `GetCommMask`—the handle's event mask.
///
/// # Linux mechanism
/// Kept on the handle.
pub fn get_comm_mask(h: Handle) -> Result<u32> {
    let (_, state) = port(h, "GetCommMask")?;
    Ok(state.mask.load(Ordering::Acquire))
}

/// The events of `mask` that have happened now.
fn fired(file: &File, state: &CommState, mask: u32) -> u32 {
    let fd = file.fd();
    let mut ev = 0;
    if mask & EV_RXCHAR != 0 && sys::in_queue(fd).unwrap_or(0) > 0 {
        ev |= EV_RXCHAR;
    }
    if mask & EV_TXEMPTY != 0
        && state.tx_pending.load(Ordering::Acquire)
        && sys::out_queue(fd).unwrap_or(0) == 0
        && state.tx_pending.swap(false, Ordering::AcqRel)
    {
        ev |= EV_TXEMPTY;
    }
    if mask & (EV_LINES | EV_BREAK | EV_ERR) != 0 {
        if let Ok(now) = sys::counters(fd) {
            let mut base = state.counters.locked();
            if let Some(b) = *base {
                for (n, old, bit) in [
                    (now.cts, b.cts, EV_CTS),
                    (now.dsr, b.dsr, EV_DSR),
                    (now.dcd, b.dcd, EV_RLSD),
                    (now.rng, b.rng, EV_RING),
                    (now.brk, b.brk, EV_BREAK),
                    (now.frame + now.overrun + now.parity, b.frame + b.overrun + b.parity, EV_ERR),
                ] {
                    if n != old && mask & bit != 0 {
                        ev |= bit;
                    }
                }
            }
            if ev != 0 {
                *base = Some(now);
            }
        }
    }
    ev
}

/// A helper blocked in TIOCMIWAIT for the lines of `mask`, kicking the handle's wake-up
/// when one changes (drivers without it — pseudo-terminals — return at once and no
/// helper stays). It holds its own descriptor, so it never outlives a line change or
/// the device's hangup by more than that.
fn line_helper(file: &Arc<File>, state: &Arc<CommState>, mask: u32) {
    if mask & EV_LINES == 0 || sys::counters(file.fd()).is_err() {
        return;
    }
    let mut bits = 0;
    for (ev, tiocm) in
        [(EV_CTS, libc::TIOCM_CTS), (EV_DSR, libc::TIOCM_DSR), (EV_RLSD, libc::TIOCM_CAR), (EV_RING, libc::TIOCM_RNG)]
    {
        if mask & ev != 0 {
            bits |= tiocm as u32;
        }
    }
    // One helper at a time: a helper still blocked from an earlier wait serves this one.
    if state.line_helper.swap(true, Ordering::AcqRel) {
        return;
    }
    let running = state.line_helper.clone();
    let Ok(fd) = file.fd().try_clone_to_owned() else {
        running.store(false, Ordering::Release);
        return;
    };
    let state = state.clone();
    let spawned = std::thread::Builder::new().name("winfile-comm-lines".into()).spawn(move || {
        use std::os::fd::AsFd;
        let _ = sys::wait_modem_change(fd.as_fd(), bits);
        state.line_helper.store(false, Ordering::Release);
        state.kick.kick();
    });
    if spawned.is_err() {
        running.store(false, Ordering::Release);
    }
}

/// Waits for an event of the handle's mask: the events (non-zero), 0 when SetCommMask
/// changed the mask, 995 when aborted, 5 when the tty went away.
/// `generation` and `mask` are the ones in force when the call was made.
fn wait_events(
    file: &Arc<File>,
    state: &Arc<CommState>,
    wake: &Wake,
    sync: bool,
    (generation, mask): (u64, u32),
) -> std::result::Result<u32, Win32Error> {
    line_helper(file, state, mask);
    loop {
        // Cancelled, or the handle closed (the state's kick is signaled for good).
        if wake.is_set() || state.kick.is_set() {
            return Err(Win32Error::OPERATION_ABORTED);
        }
        if state.mask_generation.load(Ordering::Acquire) != generation {
            return Ok(0);
        }
        let ev = fired(file, state, mask);
        if ev != 0 {
            return Ok(ev);
        }
        if super::port::hung_up(file) {
            return Err(Win32Error::ACCESS_DENIED);
        }
        let until = if sync { Some(crate::interrupt::next_check(None)) } else { None };
        let timeout = until.map(|u| {
            let d = u.saturating_duration_since(Instant::now());
            Timespec { tv_sec: d.as_secs() as i64, tv_nsec: i64::from(d.subsec_nanos()) }
        });
        let tty_events = if mask & (EV_RXCHAR | EV_RXFLAG) != 0 { PollFlags::IN } else { PollFlags::empty() };
        let (fd, wfd, kfd) = (file.fd(), wake.fd(), state.kick.fd());
        let mut fds =
            [PollFd::new(&fd, tty_events), PollFd::new(&wfd, PollFlags::IN), PollFd::new(&kfd, PollFlags::IN)];
        let _ = poll(&mut fds, timeout.as_ref());
        if !fds[1].revents().is_empty() {
            wake.drain();
        }
        if !fds[2].revents().is_empty() {
            state.kick.drain();
        }
        if sync && crate::interrupt::requested() {
            return Err(Win32Error::OPERATION_ABORTED);
        }
    }
}

/// Claims the handle's one WaitCommEvent slot; a second wait, or a mask of 0, is
/// ERROR_INVALID_PARAMETER (87). Gives the mask (and its generation) the wait is for.
fn claim(state: &CommState, api: &'static str) -> Result<(u64, u32)> {
    let generation = state.mask_generation.load(Ordering::Acquire);
    let mask = state.mask.load(Ordering::Acquire);
    if mask == 0 || state.waiting.swap(true, Ordering::AcqRel) {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, api));
    }
    Ok((generation, mask))
}

/// `WaitCommEvent` without an OVERLAPPED: blocks until an event of the mask happens
/// and returns it (0 when SetCommMask changed the mask meanwhile).
///
/// # Linux mechanism
/// poll(2) on the tty (EV_RXCHAR: TIOCINQ > 0) and the handle's eventfd (EV_TXEMPTY
/// after a write, once TIOCOUTQ is 0; SetCommMask; CloseHandle); TIOCMIWAIT on a helper
/// thread and TIOCGICOUNT differences for EV_CTS/DSR/RLSD/RING/BREAK/ERR where the
/// driver has them (not pseudo-terminals).
pub fn wait_comm_event(h: Handle) -> Result<u32> {
    const API: &str = "WaitCommEvent";
    let (file, state) = port(h, API)?;
    let armed = claim(&state, API)?;
    // The wait is not a read (PurgeComm does not end it): a wake-up of its own, which
    // nothing signals; CloseHandle reaches it through the state's kick.
    let r = match Wake::new() {
        Ok(wake) => wait_events(&file, &state, &wake, true, armed).map_err(|c| Error::new(c, API)),
        Err(_) => Err(Error::new(Win32Error::NO_SYSTEM_RESOURCES, API)),
    };
    state.waiting.store(false, Ordering::Release);
    r
}

/// `WaitCommEvent` with an OVERLAPPED (a handle opened with FILE_FLAG_OVERLAPPED):
/// pending at once; when an event happens the mask is stored in the OVERLAPPED's
/// `dword`, then it completes (event, port) like a read. CancelIo and CloseHandle end
/// it with 995; SetCommMask with mask 0. On a synchronous handle the wait happens now.
///
/// # Linux mechanism
/// As [`wait_comm_event`], on a thread of its own that sleeps in poll(2).
pub fn wait_comm_event_overlapped(h: Handle, s: Submit) -> Result<Issued> {
    const API: &str = "WaitCommEvent";
    let (file, state) = port(h, API)?;
    if file.flags() & crate::consts::FILE_FLAG_OVERLAPPED == 0 {
        let ol = s.ol.clone();
        let ev = wait_comm_event(h)?;
        ol.set_dword(ev);
        crate::overlapped::complete_now(&ol, s.event, 0);
        return Ok(Issued::Completed(0));
    }
    let armed = claim(&state, API)?;
    let wake = match Wake::new() {
        Ok(w) => Arc::new(w),
        Err(_) => {
            state.waiting.store(false, Ordering::Release);
            return Err(Error::new(Win32Error::NO_SYSTEM_RESOURCES, API));
        }
    };
    let ol = s.ol.clone();
    let crate::overlapped::Begun { file, ctl, done } = match crate::overlapped::begin_op(h, s, API) {
        Ok(x) => x,
        Err(e) => {
            state.waiting.store(false, Ordering::Release);
            return Err(e);
        }
    };
    let w = wake.clone();
    ctl.set_canceller(Box::new(move || w.signal()));
    if ctl.is_cancelled() {
        wake.signal();
    }
    // CloseHandle wakes it through the state's kick + the ctl's canceller.
    let job = Arc::new(std::sync::Mutex::new(Some(done)));
    let mine = job.clone();
    let st = state.clone();
    let spawned = std::thread::Builder::new().name("winfile-comm-wait".into()).spawn(move || {
        let r = wait_events(&file, &st, &wake, false, armed);
        st.waiting.store(false, Ordering::Release);
        let Some(done) = mine.locked().take() else { return };
        let (status, ev) = match r {
            Ok(ev) => (Win32Error::SUCCESS, ev),
            Err(c) => (c, 0),
        };
        ol.set_dword(ev);
        engine::finish(done, Lent::delivering(0, |_| {}), |_| (status, 0));
    });
    if spawned.is_err() {
        state.waiting.store(false, Ordering::Release);
        if let Some(done) = job.locked().take() {
            engine::finish(done, Lent::delivering(0, |_| {}), |_| (Win32Error::NO_SYSTEM_RESOURCES, 0));
        }
    }
    Ok(Issued::Pending)
}
