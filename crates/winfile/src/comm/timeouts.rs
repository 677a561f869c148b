//! COMMTIMEOUTS and the serial port's ReadFile/WriteFile, synchronous and overlapped.
//!
//! Windows' rules, all in milliseconds (`MAXDWORD` = 0xFFFFFFFF):
//! - interval `MAXDWORD`, both read totals 0: ReadFile returns at once with what is
//!   buffered (possibly nothing);
//! - interval and multiplier `MAXDWORD`, 0 < constant < `MAXDWORD`: returns at once with
//!   what is buffered; with nothing buffered, returns as soon as one byte arrives, or
//!   after `constant` with nothing;
//! - otherwise a total timeout of `multiplier × bytes + constant` (unused when both are
//!   0) and an interval timeout between two bytes, started by the first byte (unused
//!   when 0); the read returns when the buffer is full or either expires, with what it
//!   has — a timeout is not an error;
//! - all zero: wait until the buffer is full;
//! - writes: a total of `multiplier × bytes + constant` (unused when both are 0).

use super::port::{vanished, CommState, OpKind};
use super::sys::Wake;
use crate::engine::{self, Done, Lent, OpCtlRef};
use crate::error::{Error, Result, Win32Error};
use crate::handle::{File, Handle};
use crate::poison::MutexExt;
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `MAXDWORD`.
pub const MAXDWORD: u32 = u32::MAX;

/// COMMTIMEOUTS, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommTimeouts {
    /// ReadIntervalTimeout.
    pub read_interval: u32,
    /// ReadTotalTimeoutMultiplier.
    pub read_multiplier: u32,
    /// ReadTotalTimeoutConstant.
    pub read_constant: u32,
    /// WriteTotalTimeoutMultiplier.
    pub write_multiplier: u32,
    /// WriteTotalTimeoutConstant.
    pub write_constant: u32,
}

/// `GetCommTimeouts`—the handle's COMMTIMEOUTS (all 0 after open).
///
/// # Linux mechanism
/// Kept on the handle; reads and writes wait in poll(2) with these deadlines (the tty
/// itself never waits: O_NONBLOCK).
pub fn get_comm_timeouts(h: Handle) -> Result<CommTimeouts> {
    let (_, state) = super::port::port(h, "GetCommTimeouts")?;
    let t = *state.timeouts.locked();
    Ok(t)
}

/// `SetCommTimeouts`—sets the COMMTIMEOUTS for later transfers. Interval and
/// multiplier `MAXDWORD` with constant `MAXDWORD` is ERROR_INVALID_PARAMETER (87), as
/// Windows' serial driver answers.
///
/// # Linux mechanism
/// Kept on the handle (see [`get_comm_timeouts`]).
pub fn set_comm_timeouts(h: Handle, t: &CommTimeouts) -> Result<()> {
    const API: &str = "SetCommTimeouts";
    let (_, state) = super::port::port(h, API)?;
    if t.read_interval == MAXDWORD && t.read_multiplier == MAXDWORD && t.read_constant == MAXDWORD {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    *state.timeouts.locked() = *t;
    Ok(())
}

/// How a read waits, from the COMMTIMEOUTS and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReadPlan {
    /// Return with what is buffered, never wait.
    pub immediate: bool,
    /// Return as soon as any byte has been read.
    pub first_byte: bool,
    /// The total timeout.
    pub total: Option<Duration>,
    /// The timeout between bytes, once one has arrived.
    pub interval: Option<Duration>,
}

fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

/// Windows' read rules (see the module documentation).
pub(crate) fn read_plan(t: &CommTimeouts, len: usize) -> ReadPlan {
    let (ri, rm, rc) = (t.read_interval, t.read_multiplier, t.read_constant);
    if ri == MAXDWORD && rm == 0 && rc == 0 {
        return ReadPlan { immediate: true, first_byte: true, total: None, interval: None };
    }
    if ri == MAXDWORD && rm == MAXDWORD && rc > 0 && rc < MAXDWORD {
        return ReadPlan { immediate: false, first_byte: true, total: Some(ms(rc.into())), interval: None };
    }
    let total = if rm == 0 && rc == 0 {
        None
    } else {
        Some(ms(u64::from(rm).saturating_mul(len as u64).saturating_add(rc.into())))
    };
    let interval = if ri == 0 { None } else { Some(ms(ri.into())) };
    ReadPlan { immediate: false, first_byte: false, total, interval }
}

/// The write deadline, if any.
pub(crate) fn write_total(t: &CommTimeouts, len: usize) -> Option<Duration> {
    if t.write_multiplier == 0 && t.write_constant == 0 {
        None
    } else {
        Some(ms(u64::from(t.write_multiplier).saturating_mul(len as u64).saturating_add(t.write_constant.into())))
    }
}

/// What stopped a wait.
enum Woke {
    Ready,
    Timeout,
    Aborted,
    HungUp,
}

/// Waits until the tty is ready for `dir`, `deadline` passes, `wake` is signaled, or
/// (for a synchronous caller) the interrupt check asks to stop.
fn wait_fd(file: &File, dir: PollFlags, deadline: Option<Instant>, wake: &Wake, sync: bool) -> Woke {
    loop {
        if wake.is_set() {
            return Woke::Aborted;
        }
        let now = Instant::now();
        let mut until = deadline;
        if sync {
            until = Some(crate::interrupt::next_check(deadline));
        }
        let timeout = until.map(|u| {
            let d = u.saturating_duration_since(now);
            Timespec { tv_sec: d.as_secs() as i64, tv_nsec: i64::from(d.subsec_nanos()) }
        });
        let fd = file.fd();
        let wfd = wake.fd();
        let mut fds = [PollFd::new(&fd, dir), PollFd::new(&wfd, PollFlags::IN)];
        match poll(&mut fds, timeout.as_ref()) {
            Ok(_) | Err(Errno::INTR) => {}
            Err(_) => return Woke::HungUp,
        }
        let (tty, woken) = (fds[0].revents(), fds[1].revents());
        if !woken.is_empty() {
            wake.drain();
            if wake.is_set() {
                return Woke::Aborted;
            }
        }
        if tty.intersects(dir) {
            return Woke::Ready;
        }
        if tty.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
            return Woke::HungUp;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Woke::Timeout;
        }
        if sync && crate::interrupt::requested() {
            return Woke::Aborted;
        }
    }
}

/// One serial ReadFile: fills `buf` under the handle's COMMTIMEOUTS. Returns the bytes
/// read (fewer on a timeout); 995 when aborted (PurgeComm, CancelIo, CloseHandle, the
/// interrupt check); 5 when the tty went away with nothing read.
pub(crate) fn timed_read(
    file: &File,
    state: &CommState,
    buf: &mut [u8],
    wake: &Wake,
    sync: bool,
) -> std::result::Result<usize, Win32Error> {
    let _order = state.read_order.locked();
    if wake.is_set() {
        return Err(Win32Error::OPERATION_ABORTED);
    }
    if buf.is_empty() {
        return Ok(0);
    }
    let plan = read_plan(&state.timeouts.locked(), buf.len());
    let start = Instant::now();
    let total = plan.total.map(|d| start + d);
    let mut done = 0;
    let mut last: Option<Instant> = None;
    loop {
        match rustix::io::read(file.fd(), &mut buf[done..]) {
            // A non-blocking tty read gives 0 only when hung up (EAGAIN when empty).
            Ok(0) => return if done > 0 { Ok(done) } else { Err(Win32Error::ACCESS_DENIED) },
            Ok(n) => {
                done += n;
                last = Some(Instant::now());
                if done == buf.len() || plan.first_byte {
                    return Ok(done);
                }
                continue;
            }
            Err(Errno::AGAIN) => {}
            Err(Errno::INTR) => continue,
            Err(e) => return if done > 0 { Ok(done) } else { Err(vanished(e, true)) },
        }
        if plan.immediate {
            return Ok(done);
        }
        let mut deadline = total;
        if let (Some(iv), Some(l)) = (plan.interval, last) {
            let d = l + iv;
            deadline = Some(deadline.map_or(d, |t| t.min(d)));
        }
        match wait_fd(file, PollFlags::IN, deadline, wake, sync) {
            Woke::Ready => {}
            Woke::Timeout => return Ok(done),
            Woke::Aborted => return Err(Win32Error::OPERATION_ABORTED),
            Woke::HungUp => {
                return if done > 0 { Ok(done) } else { Err(Win32Error::ACCESS_DENIED) };
            }
        }
    }
}

/// One serial WriteFile under the write timeouts; EV_TXEMPTY becomes possible after it.
pub(crate) fn timed_write(
    file: &File,
    state: &CommState,
    data: &[u8],
    wake: &Wake,
    sync: bool,
) -> std::result::Result<usize, Win32Error> {
    let _order = state.write_order.locked();
    if wake.is_set() {
        return Err(Win32Error::OPERATION_ABORTED);
    }
    let deadline = write_total(&state.timeouts.locked(), data.len()).map(|d| Instant::now() + d);
    let mut done = 0;
    let result = loop {
        if done == data.len() {
            break Ok(done);
        }
        match rustix::io::write(file.fd(), &data[done..]) {
            Ok(0) => {} // output stopped (XOFF): wait for room
            // A short write means the tty's buffer is full: wait for room rather than
            // try again at once (that write would only fail with EAGAIN).
            Ok(n) if done + n < data.len() => done += n,
            Ok(n) => {
                done += n;
                continue;
            }
            Err(Errno::AGAIN) => {}
            Err(Errno::INTR) => continue,
            Err(e) => break if done > 0 { Ok(done) } else { Err(vanished(e, true)) },
        }
        match wait_fd(file, PollFlags::OUT, deadline, wake, sync) {
            Woke::Ready => {}
            Woke::Timeout => break Ok(done),
            Woke::Aborted => break Err(Win32Error::OPERATION_ABORTED),
            Woke::HungUp => break if done > 0 { Ok(done) } else { Err(Win32Error::ACCESS_DENIED) },
        }
    };
    if done > 0 {
        state.tx_pending.store(true, Ordering::Release);
        if state.waiting.load(Ordering::Acquire) {
            state.kick.kick(); // a WaitCommEvent may be waiting for EV_TXEMPTY
        }
    }
    result
}

/// The serial port's transfer hooks (`io::Device`, `overlapped::AsyncDevice`).
pub(crate) struct SerialIo;

impl SerialIo {
    fn state(file: &File, api: &'static str) -> Result<Arc<CommState>> {
        file.ext::<CommState>().ok_or(Error::new(Win32Error::INVALID_FUNCTION, api))
    }
}

impl crate::io::Device for SerialIo {
    fn read(&self, file: &File, buf: &mut [std::mem::MaybeUninit<u8>]) -> Result<usize> {
        const API: &str = "ReadFile";
        let buf = crate::io::device::zeroed(buf);
        let state = Self::state(file, API)?;
        let wake = state.register(OpKind::Read)?;
        let r = timed_read(file, &state, buf, &wake, true);
        state.release(wake);
        r.map_err(|c| Error::new(c, API))
    }

    fn write(&self, file: &File, data: &[u8]) -> Result<usize> {
        const API: &str = "WriteFile";
        let state = Self::state(file, API)?;
        let wake = state.register(OpKind::Write)?;
        let r = timed_write(file, &state, data, &wake, true);
        state.release(wake);
        r.map_err(|c| Error::new(c, API))
    }
}

impl crate::overlapped::AsyncDevice for SerialIo {
    fn start(&self, file: Arc<File>, write: bool, mem: Lent, ctl: OpCtlRef, done: Done) {
        let api = if write { "WriteFile" } else { "ReadFile" };
        let registered = Self::state(&file, api)
            .and_then(|s| s.register(if write { OpKind::Write } else { OpKind::Read }).map(|w| (s, w)));
        let (state, wake) = match registered {
            Ok(x) => x,
            Err(e) => return engine::finish(done, mem, |_| (e.code(), 0)),
        };
        let w = wake.clone();
        ctl.set_canceller(Box::new(move || w.signal()));
        if ctl.is_cancelled() {
            wake.signal();
        }
        // One thread per pending transfer: it sleeps in poll(2) on the tty and the
        // operation's wake-up, so a pending read costs no CPU until data or a deadline.
        let job = Arc::new(std::sync::Mutex::new(Some((file, state, wake, mem, done))));
        let mine = job.clone();
        let spawned = std::thread::Builder::new().name("winfile-comm-io".into()).spawn(move || {
            let Some((file, state, wake, mem, done)) = mine.locked().take() else { return };
            engine::finish(done, mem, |mem| {
                let r = if write {
                    timed_write(&file, &state, mem.bytes(), &wake, false)
                } else {
                    let buf = mem.bytes_mut().unwrap_or_default();
                    timed_read(&file, &state, buf, &wake, false)
                };
                match r {
                    Ok(n) => (Win32Error::SUCCESS, n),
                    Err(c) => (c, 0),
                }
            });
        });
        if spawned.is_err() {
            // No thread: the operation completes at once with the resource error.
            if let Some((_, _, _, mem, done)) = job.locked().take() {
                engine::finish(done, mem, |_| (Win32Error::NO_SYSTEM_RESOURCES, 0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ri: u32, rm: u32, rc: u32) -> CommTimeouts {
        CommTimeouts { read_interval: ri, read_multiplier: rm, read_constant: rc, ..Default::default() }
    }

    #[test]
    fn plans() {
        assert!(read_plan(&t(MAXDWORD, 0, 0), 10).immediate);
        let p = read_plan(&t(MAXDWORD, MAXDWORD, 500), 10);
        assert!(p.first_byte && !p.immediate && p.total == Some(ms(500)));
        let p = read_plan(&t(0, 0, 0), 10);
        assert_eq!(p, ReadPlan { immediate: false, first_byte: false, total: None, interval: None });
        let p = read_plan(&t(20, 10, 100), 10);
        assert_eq!(p.total, Some(ms(200)));
        assert_eq!(p.interval, Some(ms(20)));
        assert_eq!(
            write_total(&CommTimeouts { write_multiplier: 2, write_constant: 5, ..Default::default() }, 10),
            Some(ms(25))
        );
        assert_eq!(write_total(&CommTimeouts::default(), 10), None);
    }
}
