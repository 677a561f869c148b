//! Events: `CreateEvent`, `OpenEvent`, `SetEvent`, `ResetEvent`, `PulseEvent`.

use super::hub::{self, HubCell, HubGuard, WaitSlot, Waitable};
use super::named::{self, Init, Kind, NamedHandle};
use crate::error::{set_last_error, Context, Result, Win32Error};
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

/// An event object: in-process (unnamed), or one handle to a named event shared by
/// every winfile process of the user (`named`).
pub struct Event {
    manual_reset: bool,
    state: HubCell<State>,
    named: Option<NamedHandle>,
}

impl Event {
    /// A new event.
    pub fn new(manual_reset: bool, initial: bool) -> Self {
        Self {
            manual_reset,
            state: HubCell::new(State { signaled: initial, waiters: 0, pulses: 0, pulse_budget: 0 }),
            named: None,
        }
    }

    fn shared(named: NamedHandle) -> Self {
        let mut ev = Self::new(false, false);
        ev.named = Some(named);
        ev
    }

    /// The named object behind this handle, if any.
    pub(crate) fn named(&self) -> Option<&NamedHandle> {
        self.named.as_ref()
    }

    /// Signals the event (what completion of overlapped I/O does to `hEvent`).
    pub fn set(&self) {
        match &self.named {
            Some(n) => n.lock().event_set(true),
            None => hub::signal(|g| self.state.with(g, |s| s.signaled = true)),
        }
    }

    /// `set` under a hub lock the caller holds (it wakes the waiters).
    pub(crate) fn set_locked(&self, g: &HubGuard<'_>) {
        match &self.named {
            Some(n) => n.lock().event_set(true),
            None => self.state.with(g, |s| s.signaled = true),
        }
    }

    /// `reset` under a hub lock the caller holds.
    pub(crate) fn reset_locked(&self, g: &HubGuard<'_>) {
        match &self.named {
            Some(n) => n.lock().event_set(false),
            None => self.state.with(g, |s| s.signaled = false),
        }
    }

    /// Returns the event to non-signaled.
    pub fn reset(&self) {
        match &self.named {
            Some(n) => n.lock().event_set(false),
            None => hub::signal(|g| self.state.with(g, |s| s.signaled = false)),
        }
    }

    /// ERROR_ACCESS_DENIED unless the handle may change the state (EVENT_MODIFY_STATE).
    fn may_modify(&self) -> std::result::Result<(), Win32Error> {
        self.named.as_ref().map_or(Ok(()), |n| n.require(EVENT_MODIFY_STATE))
    }
}

const EVENT_MODIFY_STATE: u32 = 0x2;

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
        // (Named events are waited on by `wait::wait_mixed`, never here.)
        self.named.is_none() && self.state.with(g, |s| s.signaled || (s.pulses > slot.seen_pulse && s.pulse_budget > 0))
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

/// `CreateEventW`—a new event, or the existing one with that name (then
/// GetLastError is ERROR_ALREADY_EXISTS; 0 otherwise). A name of another type's
/// object fails with ERROR_INVALID_HANDLE, one longer than MAX_PATH with 206.
///
/// # Linux mechanism
/// Unnamed: an in-process object under the hub lock. Named: a shared-memory object file
/// in the user's runtime directory (`sync::named`), state under a robust process-shared
/// mutex, waiters on its futex word.
pub fn create_event(manual_reset: bool, initial: bool, name: Option<&str>) -> Result<Handle> {
    const API: &str = "CreateEventW";
    let h = match name.filter(|n| !n.is_empty()) {
        None => {
            set_last_error(Win32Error::SUCCESS);
            return Ok(handle::insert(std::sync::Arc::new(Event::new(manual_reset, initial))));
        }
        Some(name) => {
            let init = Init::Event { manual: manual_reset, initial };
            let (n, _) = named::create(name, init, named::ALL_ACCESS).api(API)?;
            handle::insert(std::sync::Arc::new(Event::shared(n)))
        }
    };
    Ok(h)
}

/// `OpenEventW`—a new handle with `access` to the named event (ERROR_FILE_NOT_FOUND if
/// no process holds one by that name, ERROR_INVALID_PARAMETER for an access mask with
/// rights events do not have).
///
/// # Linux mechanism
/// The object file in the namespace directory, mapped and attached (`sync::named`).
pub fn open_event(access: u32, name: &str) -> Result<Handle> {
    const API: &str = "OpenEventW";
    let n = named::open(name, Kind::Event, access).api(API)?;
    Ok(handle::insert(std::sync::Arc::new(Event::shared(n))))
}

/// `SetEvent`—signals the event.
///
/// # Linux mechanism
/// State change under the hub lock, then a condition-variable broadcast; for a named
/// event under its shared lock, then a futex wake of its word.
pub fn set_event(h: Handle) -> Result<()> {
    let ev = event(h, "SetEvent")?;
    ev.may_modify().api("SetEvent")?;
    ev.set();
    Ok(())
}

/// `ResetEvent`—makes the event non-signaled.
///
/// # Linux mechanism
/// State change under the hub lock (named: under the object's shared lock).
pub fn reset_event(h: Handle) -> Result<()> {
    let ev = event(h, "ResetEvent")?;
    ev.may_modify().api("ResetEvent")?;
    ev.reset();
    Ok(())
}

/// `PulseEvent`—releases the threads waiting now (one for an auto-reset event), then
/// leaves the event non-signaled.
///
/// # Linux mechanism
/// A pulse counter and budget under the hub lock (named: in the shared object, across
/// processes); only waiters present at the pulse see it.
pub fn pulse_event(h: Handle) -> Result<()> {
    let ev = event(h, "PulseEvent")?;
    ev.may_modify().api("PulseEvent")?;
    if let Some(n) = &ev.named {
        n.lock().event_pulse();
        return Ok(());
    }
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
