//! Waitable timers: `CreateWaitableTimer`, `OpenWaitableTimer`, `SetWaitableTimer`,
//! `CancelWaitableTimer`.
//!
//! No timer thread: a timer's due time is checked by whoever looks at it (waiters sleep
//! until the earliest due time among the objects they wait on).

use super::hub::{self, HubCell, HubGuard, WaitSlot, Waitable};
use super::names;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Handle, Object};
use crate::info::FileTime;
use std::thread::ThreadId;
use std::time::{Duration, Instant, SystemTime};

#[derive(Default)]
struct State {
    signaled: bool,
    due: Option<Instant>,
    period: Option<Duration>,
}

impl State {
    /// Applies an elapsed due time: signaled, and the next period scheduled.
    fn refresh(&mut self, now: Instant) {
        if let Some(due) = self.due.filter(|d| *d <= now) {
            self.signaled = true;
            self.due = self.period.map(|p| {
                let mut next = due + p;
                while next <= now {
                    next += p;
                }
                next
            });
        }
    }
}

/// A waitable timer (manual-reset or synchronization).
pub struct Timer {
    manual_reset: bool,
    state: HubCell<State>,
}

impl Object for Timer {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(self)
    }
}

impl Waitable for Timer {
    fn ready(&self, g: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.state.with(g, |s| {
            s.refresh(Instant::now());
            s.signaled
        })
    }
    fn consume(&self, g: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        if !self.manual_reset {
            self.state.with(g, |s| s.signaled = false);
        }
        false
    }
    fn deadline(&self, g: &HubGuard<'_>) -> Option<Instant> {
        self.state.with(g, |s| s.due)
    }
}

/// `CreateWaitableTimerW`—a new timer, or the existing one with that name.
///
/// # Linux mechanism
/// In-process object; due times are CLOCK_MONOTONIC instants checked by waiters.
pub fn create_waitable_timer(manual_reset: bool, name: Option<&str>) -> Result<Handle> {
    let (t, _) = names::create_or_open(name, || Timer { manual_reset, state: HubCell::new(State::default()) })
        .api("CreateWaitableTimerW")?;
    Ok(handle::insert(t))
}

/// `OpenWaitableTimerW`—a new handle to a named timer of this process.
///
/// # Linux mechanism
/// Lookup in the process's object namespace.
pub fn open_waitable_timer(name: &str) -> Result<Handle> {
    match names::find::<Timer>(name).api("OpenWaitableTimerW")? {
        Some(t) => Ok(handle::insert(t)),
        None => Err(Error::new(Win32Error::FILE_NOT_FOUND, "OpenWaitableTimerW")),
    }
}

/// When a due time in Windows form fires: negative = relative in 100 ns units, else
/// an absolute UTC FILETIME.
fn due_instant(due: i64) -> Instant {
    let now = Instant::now();
    if due < 0 {
        return now + Duration::from_nanos(due.unsigned_abs().saturating_mul(100));
    }
    let (secs, nsec) = FileTime(due as u64).to_unix();
    let target = if secs >= 0 {
        SystemTime::UNIX_EPOCH + Duration::new(secs.unsigned_abs(), nsec)
    } else {
        SystemTime::UNIX_EPOCH
    };
    match target.duration_since(SystemTime::now()) {
        Ok(ahead) => now + ahead,
        Err(_) => now,
    }
}

/// `SetWaitableTimer`—arms the timer: it becomes non-signaled, then signaled at `due`
/// and every `period_ms` after (0 = once).
///
/// # Linux mechanism
/// Monotonic deadlines under the hub lock; waiters sleep until the earliest one.
pub fn set_waitable_timer(h: Handle, due: i64, period_ms: i32) -> Result<()> {
    const API: &str = "SetWaitableTimer";
    let t = handle::get::<Timer>(h).api(API)?;
    if period_ms < 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let when = due_instant(due);
    let period = (period_ms > 0).then(|| Duration::from_millis(period_ms.unsigned_abs().into()));
    hub::signal(|g| {
        t.state.with(g, |s| {
            s.signaled = false;
            s.due = Some(when);
            s.period = period;
        });
    });
    Ok(())
}

/// `CancelWaitableTimer`—disarms the timer without changing its signaled state.
///
/// # Linux mechanism
/// State change under the hub lock.
pub fn cancel_waitable_timer(h: Handle) -> Result<()> {
    let t = handle::get::<Timer>(h).api("CancelWaitableTimer")?;
    hub::signal(|g| t.state.with(g, |s| s.due = None));
    Ok(())
}
