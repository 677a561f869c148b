//! Waitable timers: `CreateWaitableTimer`, `OpenWaitableTimer`, `SetWaitableTimer`,
//! `CancelWaitableTimer`.
//!
//! No timer thread: a timer's due time is checked by whoever looks at it (waiters sleep
//! until the earliest due time among the objects they wait on).

use super::hub::{self, HubCell, HubGuard, WaitSlot, Waitable};
use super::named::{self, Init, Kind, NamedHandle};
use crate::error::{set_last_error, Context, Error, Result, Win32Error};
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
    named: Option<NamedHandle>,
}

impl Timer {
    /// The named object behind this handle, if any.
    pub(crate) fn named(&self) -> Option<&NamedHandle> {
        self.named.as_ref()
    }
}

/// `CreateWaitableTimerEx` flag: a manual-reset (notification) timer.
pub const CREATE_WAITABLE_TIMER_MANUAL_RESET: u32 = 0x1;
/// `CreateWaitableTimerEx` flag: a high-resolution timer (every winfile timer keeps
/// nanosecond due times on CLOCK_MONOTONIC, so it changes nothing).
pub const CREATE_WAITABLE_TIMER_HIGH_RESOLUTION: u32 = 0x2;

impl Object for Timer {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(self)
    }
}

impl Waitable for Timer {
    fn ready(&self, g: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.named.is_none()
            && self.state.with(g, |s| {
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

/// `CreateWaitableTimerW`—a new timer, or the existing one with that name
/// (GetLastError ERROR_ALREADY_EXISTS; 0 otherwise).
///
/// # Linux mechanism
/// Unnamed: in-process object; due times are CLOCK_MONOTONIC instants checked by
/// waiters. Named: the same in a shared-memory object (`sync::named`), the clock being
/// common to every process of the machine.
pub fn create_waitable_timer(manual_reset: bool, name: Option<&str>) -> Result<Handle> {
    create_timer(manual_reset, name, named::ALL_ACCESS, "CreateWaitableTimerW")
}

/// `CreateWaitableTimerExW`—as `CreateWaitableTimerW` with `flags`
/// (CREATE_WAITABLE_TIMER_MANUAL_RESET, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION; others
/// are ERROR_INVALID_PARAMETER) and the access the handle gets.
///
/// # Linux mechanism
/// As `create_waitable_timer`; the access mask is checked and kept on a named handle.
pub fn create_waitable_timer_ex(name: Option<&str>, flags: u32, access: u32) -> Result<Handle> {
    const API: &str = "CreateWaitableTimerExW";
    if flags & !(CREATE_WAITABLE_TIMER_MANUAL_RESET | CREATE_WAITABLE_TIMER_HIGH_RESOLUTION) != 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let access = named::map_access(Kind::Timer, access).api(API)?;
    create_timer(flags & CREATE_WAITABLE_TIMER_MANUAL_RESET != 0, name, access, API)
}

fn create_timer(manual_reset: bool, name: Option<&str>, access: u32, api: &'static str) -> Result<Handle> {
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        set_last_error(Win32Error::SUCCESS);
        let t = Timer { manual_reset, state: HubCell::new(State::default()), named: None };
        return Ok(handle::insert(std::sync::Arc::new(t)));
    };
    let (n, _) = named::create(name, Init::Timer { manual: manual_reset }, access).api(api)?;
    let t = Timer { manual_reset, state: HubCell::new(State::default()), named: Some(n) };
    Ok(handle::insert(std::sync::Arc::new(t)))
}

/// `OpenWaitableTimerW`—a new handle with `access` to the named timer.
///
/// # Linux mechanism
/// The object file in the namespace directory, mapped and attached (`sync::named`).
pub fn open_waitable_timer(access: u32, name: &str) -> Result<Handle> {
    const API: &str = "OpenWaitableTimerW";
    let n = named::open(name, Kind::Timer, access).api(API)?;
    let t = Timer { manual_reset: false, state: HubCell::new(State::default()), named: Some(n) };
    Ok(handle::insert(std::sync::Arc::new(t)))
}

const TIMER_MODIFY_STATE: u32 = 0x2;

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
    if let Some(n) = &t.named {
        n.require(TIMER_MODIFY_STATE).api(API)?;
        let period_ns = period.map_or(0, |p| u64::try_from(p.as_nanos()).unwrap_or(u64::MAX));
        n.lock().timer_set(crate::handle::futex::instant_ns(when), period_ns);
        return Ok(());
    }
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
    if let Some(n) = &t.named {
        n.require(TIMER_MODIFY_STATE).api("CancelWaitableTimer")?;
        n.lock().timer_cancel();
        return Ok(());
    }
    hub::signal(|g| t.state.with(g, |s| s.due = None));
    Ok(())
}
