//! `WaitForSingleObject` and `WaitForMultipleObjects`.

use super::hub::{self, WaitSlot};
use super::mutex::register_owner;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Handle, Object};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Windows' limit on the number of handles in one wait.
pub const MAXIMUM_WAIT_OBJECTS: usize = 64;

/// How a wait ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WaitOutcome {
    /// Object `i` was signaled (wait-all: all of them; `i` is 0).
    Object(usize),
    /// Object `i` was a mutex abandoned by a thread that exited while owning it.
    Abandoned(usize),
    /// The timeout elapsed.
    Timeout,
}

impl WaitOutcome {
    /// The DWORD Windows returns: WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i, WAIT_TIMEOUT.
    pub fn code(self) -> u32 {
        match self {
            WaitOutcome::Object(i) => i as u32,
            WaitOutcome::Abandoned(i) => 0x80 + i as u32,
            WaitOutcome::Timeout => 258,
        }
    }
}

/// `WaitForSingleObject`—waits until the object is signaled or `timeout` elapses
/// (`None` = INFINITE).
///
/// # Linux mechanism
/// Condition-variable wait on the hub; timers bound the sleep.
pub fn wait_for_single(h: Handle, timeout: Option<Duration>) -> Result<WaitOutcome> {
    wait_for_multiple(&[h], false, timeout).map_err(|e| Error::new(e.code(), "WaitForSingleObject"))
}

/// `WaitForMultipleObjects`—waits for any (or, with `wait_all`, every) object.
/// Wait-all acquires every object atomically or none. A wait stopped by the caller's
/// interrupt check (`crate::interrupt`) fails with ERROR_OPERATION_ABORTED.
///
/// # Linux mechanism
/// Condition-variable wait on the hub; all state checked and consumed under one lock.
pub fn wait_for_multiple(handles: &[Handle], wait_all: bool, timeout: Option<Duration>) -> Result<WaitOutcome> {
    const API: &str = "WaitForMultipleObjects";
    if handles.is_empty() || handles.len() > MAXIMUM_WAIT_OBJECTS {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    wait_objects(handles, wait_all, false, timeout, API)
}

/// `MsgWaitForMultipleObjectsEx` flag: wait for every object and for input.
pub const MWMO_WAITALL: u32 = 0x1;

/// `MsgWaitForMultipleObjects(Ex)`—waits for the objects (any, or with `MWMO_WAITALL`
/// every one of them *and* input) or for input in the calling thread's window message
/// queue. No Linux thread has a window message queue (winfile has no windowing), so
/// the input condition never holds: the wait-any form behaves as
/// `WaitForMultipleObjects` (zero handles allowed: only the timeout ends it), the
/// wait-all form can only time out, and `WAIT_OBJECT_0 + handles.len()` (input
/// available) is never returned. At most MAXIMUM_WAIT_OBJECTS - 1 handles
/// (ERROR_INVALID_PARAMETER beyond). The wake mask and MWMO_ALERTABLE /
/// MWMO_INPUTAVAILABLE select input kinds and APCs, neither of which exists here.
///
/// # Linux mechanism
/// The same condition-variable wait on the hub as `WaitForMultipleObjects`.
pub fn msg_wait_for_multiple(handles: &[Handle], flags: u32, timeout: Option<Duration>) -> Result<WaitOutcome> {
    const API: &str = "MsgWaitForMultipleObjectsEx";
    if handles.len() > MAXIMUM_WAIT_OBJECTS - 1 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    wait_objects(handles, flags & MWMO_WAITALL != 0, true, timeout, API)
}

/// The wait behind both: with `need_input`, a wait-all also needs input, which never
/// comes, so it only ends by its timeout (or the interrupt check).
fn wait_objects(
    handles: &[Handle],
    wait_all: bool,
    need_input: bool,
    timeout: Option<Duration>,
    api: &'static str,
) -> Result<WaitOutcome> {
    let objects: Vec<Arc<dyn Object>> =
        handles.iter().map(|h| handle::get_any(*h)).collect::<std::result::Result<_, _>>().api(api)?;
    if objects.iter().any(|o| o.as_waitable().is_none()) {
        return Err(Error::new(Win32Error::INVALID_HANDLE, api));
    }
    if wait_all {
        for (i, a) in objects.iter().enumerate() {
            if objects[..i].iter().any(|b| Arc::ptr_eq(a, b)) {
                return Err(Error::new(Win32Error::INVALID_PARAMETER, api));
            }
        }
    }
    let waitables: Vec<_> = objects.iter().filter_map(|o| o.as_waitable()).collect();
    let tid = thread::current().id();
    let end = timeout.and_then(|t| Instant::now().checked_add(t));
    let mut slots = vec![WaitSlot::default(); waitables.len()];
    let mut g = hub::lock();
    for (w, slot) in waitables.iter().zip(slots.iter_mut()) {
        w.enter(&g, slot);
    }
    let mut check_at = crate::interrupt::next_check(None);
    let outcome = loop {
        if wait_all {
            if !need_input && waitables.iter().zip(&slots).all(|(w, s)| w.ready(&g, tid, s)) {
                let mut abandoned = None;
                for (i, (w, s)) in waitables.iter().zip(&slots).enumerate() {
                    if w.consume(&g, tid, s) && abandoned.is_none() {
                        abandoned = Some(i);
                    }
                }
                break Some(abandoned.map_or(WaitOutcome::Object(0), WaitOutcome::Abandoned));
            }
        } else if let Some(i) = waitables.iter().zip(&slots).position(|(w, s)| w.ready(&g, tid, s)) {
            let abandoned = waitables[i].consume(&g, tid, &slots[i]);
            break Some(if abandoned { WaitOutcome::Abandoned(i) } else { WaitOutcome::Object(i) });
        }
        let now = Instant::now();
        if end.is_some_and(|e| now >= e) {
            break Some(WaitOutcome::Timeout);
        }
        if now >= check_at {
            // The caller's interrupt check runs without the hub lock (it may take the
            // caller's own locks).
            drop(g);
            let stop = crate::interrupt::requested();
            g = hub::lock();
            if stop {
                break None;
            }
            check_at = crate::interrupt::next_check(None);
            continue;
        }
        let wake = waitables.iter().filter_map(|w| w.deadline(&g)).chain(end).chain(Some(check_at)).min();
        g = hub::sleep(g, wake);
    };
    for w in &waitables {
        w.leave(&g);
    }
    drop(g);
    let Some(outcome) = outcome else {
        return Err(Error::new(Win32Error::OPERATION_ABORTED, api));
    };
    match outcome {
        WaitOutcome::Timeout => {}
        WaitOutcome::Object(i) | WaitOutcome::Abandoned(i) if !wait_all => register_owner(&objects[i]),
        _ => objects.iter().for_each(register_owner),
    }
    Ok(outcome)
}
