//! Events: `CreateEvent`, `OpenEvent`, `SetEvent`, `ResetEvent`, `PulseEvent`.

use super::hub::{self, HubCell, HubGuard, WaitSlot, Waitable};
use super::names;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Handle, Object};
use std::thread::ThreadId;

struct State {
    signaled: bool,
    /// Waiters currently blocked on this event (for PulseEvent).
    waiters: usize,
    /// Incremented by each PulseEvent that found waiters.
    pulses: u64,
    /// Waiters a pulse may still release (all of them for manual-reset, one for auto).
    pulse_budget: usize,
}

/// An event object.
pub struct Event {
    manual_reset: bool,
    state: HubCell<State>,
}

impl Event {
    /// A new event.
    pub fn new(manual_reset: bool, initial: bool) -> Self {
        Self { manual_reset, state: HubCell::new(State { signaled: initial, waiters: 0, pulses: 0, pulse_budget: 0 }) }
    }

    /// Signals the event (what completion of overlapped I/O does to `hEvent`).
    pub fn set(&self) {
        hub::signal(|g| self.state.with(g, |s| s.signaled = true));
    }

    /// `set` under a hub lock the caller holds (it wakes the waiters).
    pub(crate) fn set_locked(&self, g: &HubGuard<'_>) {
        self.state.with(g, |s| s.signaled = true);
    }

    /// `reset` under a hub lock the caller holds.
    pub(crate) fn reset_locked(&self, g: &HubGuard<'_>) {
        self.state.with(g, |s| s.signaled = false);
    }

    /// Returns the event to non-signaled.
    pub fn reset(&self) {
        hub::signal(|g| self.state.with(g, |s| s.signaled = false));
    }
}

impl Object for Event {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(self)
    }
}

impl Waitable for Event {
    fn enter(&self, g: &HubGuard<'_>, slot: &mut WaitSlot) {
        self.state.with(g, |s| {
            s.waiters += 1;
            slot.seen_pulse = s.pulses;
        });
    }
    fn leave(&self, g: &HubGuard<'_>) {
        self.state.with(g, |s| s.waiters = s.waiters.saturating_sub(1));
    }
    fn ready(&self, g: &HubGuard<'_>, _tid: ThreadId, slot: &WaitSlot) -> bool {
        self.state.with(g, |s| s.signaled || (s.pulses > slot.seen_pulse && s.pulse_budget > 0))
    }
    fn consume(&self, g: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.state.with(g, |s| {
            if s.signaled {
                if !self.manual_reset {
                    s.signaled = false;
                }
            } else {
                s.pulse_budget = s.pulse_budget.saturating_sub(1);
            }
        });
        false
    }
}

fn event(h: Handle, api: &'static str) -> Result<std::sync::Arc<Event>> {
    handle::get::<Event>(h).api(api)
}

/// `CreateEventW`—a new event, or the existing one with that name.
///
/// # Linux mechanism
/// In-process object under the hub lock and condition variable; names are per process.
pub fn create_event(manual_reset: bool, initial: bool, name: Option<&str>) -> Result<Handle> {
    let (ev, _existed) = names::create_or_open(name, || Event::new(manual_reset, initial)).api("CreateEventW")?;
    Ok(handle::insert(ev))
}

/// `OpenEventW`—a new handle to a named event of this process.
///
/// # Linux mechanism
/// Lookup in the process's object namespace.
pub fn open_event(name: &str) -> Result<Handle> {
    match names::find::<Event>(name).api("OpenEventW")? {
        Some(ev) => Ok(handle::insert(ev)),
        None => Err(Error::new(Win32Error::FILE_NOT_FOUND, "OpenEventW")),
    }
}

/// `SetEvent`—signals the event.
///
/// # Linux mechanism
/// State change under the hub lock, then a condition-variable broadcast.
pub fn set_event(h: Handle) -> Result<()> {
    event(h, "SetEvent")?.set();
    Ok(())
}

/// `ResetEvent`—makes the event non-signaled.
///
/// # Linux mechanism
/// State change under the hub lock.
pub fn reset_event(h: Handle) -> Result<()> {
    event(h, "ResetEvent")?.reset();
    Ok(())
}

/// `PulseEvent`—releases the threads waiting now (one for an auto-reset event), then
/// leaves the event non-signaled.
///
/// # Linux mechanism
/// A pulse counter and budget under the hub lock; only waiters present at the pulse see it.
pub fn pulse_event(h: Handle) -> Result<()> {
    let ev = event(h, "PulseEvent")?;
    hub::signal(|g| {
        ev.state.with(g, |s| {
            s.signaled = false;
            if s.waiters > 0 {
                s.pulses += 1;
                s.pulse_budget = if ev.manual_reset { s.waiters } else { 1 };
            }
        });
    });
    Ok(())
}
