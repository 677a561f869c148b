//! `WaitForSingleObject` and `WaitForMultipleObjects`.

use super::hub::{self, WaitSlot, Waitable};
use super::mutex::register_owner;
use super::named::{self, Locked, NamedHandle};
use super::{Event, Mutex, Semaphore, Timer};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::futex::{self, WaitWord};
use crate::handle::{self, Handle, Object};
use std::any::Any;
use std::sync::atomic::Ordering::SeqCst;
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
    if objects.iter().any(|o| named_of(o.as_ref()).is_some()) {
        let named: Vec<Option<&NamedHandle>> = objects.iter().map(|o| named_of(o.as_ref())).collect();
        return wait_mixed(&objects, &named, wait_all, need_input, timeout, api);
    }
    let waitables: Vec<_> = objects.iter().filter_map(|o| o.as_waitable()).collect();
    let tid = thread::current().id();
    let end = timeout.and_then(|t| Instant::now().checked_add(t));
    let mut slots = vec![WaitSlot::default(); waitables.len()];
    // Counted before the first check (see `hub::raise`).
    let _waiting = hub::waiting();
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

/// The named object behind a handle's object, if it is one.
fn named_of(obj: &dyn Object) -> Option<&NamedHandle> {
    let any: &dyn Any = obj;
    if let Some(e) = any.downcast_ref::<Event>() {
        return e.named();
    }
    if let Some(m) = any.downcast_ref::<Mutex>() {
        return m.named();
    }
    if let Some(s) = any.downcast_ref::<Semaphore>() {
        return s.named();
    }
    any.downcast_ref::<Timer>().and_then(Timer::named)
}

const SYNCHRONIZE: u32 = 0x0010_0000;
/// How often a waiter looks whether the process owning a named mutex still lives
/// (nothing wakes a futex when a process dies).
const OWNER_POLL: Duration = Duration::from_millis(20);

/// What one pass over the objects found besides the outcome: when to look again.
#[derive(Default)]
struct Pass {
    deadline: Option<Instant>,
    poll_owner: bool,
}

impl Pass {
    fn due(&mut self, at: Option<Instant>) {
        if let Some(at) = at {
            self.deadline = Some(self.deadline.map_or(at, |d| d.min(at)));
        }
    }
    fn note(&mut self, l: &Locked<'_>, me: &named::Me) {
        self.poll_owner |= l.owned_elsewhere(me);
        self.due(l.deadline_ns().map(futex::ns_instant));
    }
}

/// A wait on at least one named (cross-process) object, possibly mixed with in-process
/// ones. Each pass reads the futex words (the hub's and each named object's), then
/// checks and consumes under the locks (the hub lock first, then the named objects'
/// in (device, inode) order, the one order every process uses); if nothing was
/// satisfied it sleeps in `futex_waitv` on all the words, so a change to any object,
/// in any process, ends the sleep. Wait-all takes every lock before checking, so it
/// consumes all objects or none, atomically for every process.
fn wait_mixed(
    objects: &[Arc<dyn Object>],
    named: &[Option<&NamedHandle>],
    wait_all: bool,
    need_input: bool,
    timeout: Option<Duration>,
    api: &'static str,
) -> Result<WaitOutcome> {
    for n in named.iter().flatten() {
        n.require(SYNCHRONIZE).api(api)?;
    }
    if wait_all {
        let maps: Vec<_> = named.iter().flatten().map(|n| &n.map).collect();
        for (i, a) in maps.iter().enumerate() {
            if maps[..i].iter().any(|b| Arc::ptr_eq(a, b)) {
                return Err(Error::new(Win32Error::INVALID_PARAMETER, api));
            }
        }
    }
    let me = named::me();
    let tid = thread::current().id();
    let end = timeout.and_then(|t| Instant::now().checked_add(t));
    let locals: Vec<(usize, &dyn Waitable)> = objects
        .iter()
        .enumerate()
        .filter(|(i, _)| named[*i].is_none())
        .filter_map(|(i, o)| o.as_waitable().map(|w| (i, w)))
        .collect();
    // One object that is ready now: no registration at all (the common uncontended case).
    if let [Some(n)] = named {
        if !need_input {
            let mut l = n.lock();
            if l.ready(&me, u64::MAX) {
                let abandoned = l.consume(&me);
                drop(l);
                note_if_mutex(n);
                return Ok(if abandoned { WaitOutcome::Abandoned(0) } else { WaitOutcome::Object(0) });
            }
        }
    }
    let mut slots = vec![WaitSlot::default(); objects.len()];
    let mut seen = vec![0u64; objects.len()];
    if !locals.is_empty() {
        let g = hub::lock();
        for (i, w) in &locals {
            w.enter(&g, &mut slots[*i]);
        }
    }
    for (i, n) in named.iter().enumerate() {
        if let Some(n) = n {
            seen[i] = n.lock().enter();
        }
    }
    let _hub_sleeper = (!locals.is_empty()).then(hub::word_sleeper);

    let mut order: Vec<usize> = (0..objects.len()).filter(|i| named[*i].is_some()).collect();
    order.sort_by_key(|i| named[*i].map(|n| n.map.id));
    let mut check_at = crate::interrupt::next_check(None);
    let outcome = loop {
        // Counted as sleepers before the words are read (so a change after the read
        // makes the wake call), and no longer once something was taken (so taking it
        // makes none for us).
        let multi = objects.len() > 1;
        let mut sleepers: Vec<_> = named.iter().flatten().map(|n| n.map.sleeper(multi)).collect();
        let hub_seq = hub::word().load(SeqCst);
        let seqs: Vec<u32> = named.iter().map(|n| n.map_or(0, |n| n.map.shared().seq.load(SeqCst))).collect();
        let mut pass = Pass::default();
        let got = {
            let g = (!locals.is_empty()).then(hub::lock);
            for (_, w) in &locals {
                if let Some(g) = &g {
                    pass.due(w.deadline(g));
                }
            }
            if wait_all {
                let mut locks: Vec<(usize, Locked<'_>)> =
                    order.iter().map(|&i| (i, named[i].map(|n| n.lock()).expect("named"))).collect();
                let mut all = !need_input;
                for (i, l) in &mut locks {
                    all &= l.ready(&me, seen[*i]);
                    pass.note(l, &me);
                }
                if all {
                    if let Some(g) = &g {
                        all = locals.iter().all(|(i, w)| w.ready(g, tid, &slots[*i]));
                    }
                }
                if all {
                    sleepers.clear();
                    let mut abandoned: Option<usize> = None;
                    for (i, l) in &mut locks {
                        if l.consume(&me) {
                            abandoned = Some(abandoned.map_or(*i, |a| a.min(*i)));
                        }
                    }
                    if let Some(g) = &g {
                        for (i, w) in &locals {
                            if w.consume(g, tid, &slots[*i]) {
                                abandoned = Some(abandoned.map_or(*i, |a| a.min(*i)));
                            }
                        }
                    }
                    Some(abandoned.map_or(WaitOutcome::Object(0), WaitOutcome::Abandoned))
                } else {
                    None
                }
            } else {
                let mut found = None;
                for i in 0..objects.len() {
                    if let Some(n) = named[i] {
                        let mut l = n.lock();
                        if l.ready(&me, seen[i]) {
                            sleepers.clear();
                            let abandoned = l.consume(&me);
                            found = Some(if abandoned { WaitOutcome::Abandoned(i) } else { WaitOutcome::Object(i) });
                            break;
                        }
                        pass.note(&l, &me);
                    } else if let (Some(g), Some(w)) = (&g, objects[i].as_waitable()) {
                        if w.ready(g, tid, &slots[i]) {
                            let abandoned = w.consume(g, tid, &slots[i]);
                            found = Some(if abandoned { WaitOutcome::Abandoned(i) } else { WaitOutcome::Object(i) });
                            break;
                        }
                    }
                }
                found
            }
        };
        if got.is_some() {
            break got;
        }
        let now = Instant::now();
        if end.is_some_and(|e| now >= e) {
            break Some(WaitOutcome::Timeout);
        }
        if now >= check_at {
            if crate::interrupt::requested() {
                break None;
            }
            check_at = crate::interrupt::next_check(None);
            continue;
        }
        pass.due(end);
        pass.due(Some(check_at));
        if pass.poll_owner {
            pass.due(Some(now + OWNER_POLL));
        }
        let mut words: Vec<WaitWord<'_>> = Vec::with_capacity(seqs.len() + 1);
        if !locals.is_empty() {
            words.push(WaitWord { word: hub::word(), expected: hub_seq, private: true });
        }
        for (n, seq) in named.iter().zip(&seqs) {
            if let Some(n) = n {
                words.push(WaitWord { word: &n.map.shared().seq, expected: *seq, private: false });
            }
        }
        futex::wait_any(&words, pass.deadline);
        drop(sleepers);
    };
    for n in named.iter().flatten() {
        n.lock().leave();
    }
    if !locals.is_empty() {
        let g = hub::lock();
        for (_, w) in &locals {
            w.leave(&g);
        }
    }
    let Some(outcome) = outcome else {
        return Err(Error::new(Win32Error::OPERATION_ABORTED, api));
    };
    let register = |i: usize| match named[i] {
        Some(n) => note_if_mutex(n),
        None => register_owner(&objects[i]),
    };
    match outcome {
        WaitOutcome::Timeout => {}
        WaitOutcome::Object(i) | WaitOutcome::Abandoned(i) if !wait_all => register(i),
        _ => (0..objects.len()).for_each(register),
    }
    Ok(outcome)
}

/// After a wait took a named mutex: its thread's exit must abandon it.
fn note_if_mutex(n: &NamedHandle) {
    if n.map.is_mutex() {
        named::note_owned(&n.map);
    }
}

/// `SignalObjectAndWait`—signals one object (SetEvent, ReleaseMutex or
/// ReleaseSemaphore by one, by its type; ERROR_INVALID_HANDLE for other objects) and
/// waits for another.
///
/// # Linux mechanism
/// The signal, then the wait of `WaitForSingleObject` (the two steps are not one atomic
/// operation: a waiter woken by the signal may run before this wait begins).
pub fn signal_object_and_wait(signal: Handle, wait: Handle, timeout: Option<Duration>) -> Result<WaitOutcome> {
    const API: &str = "SignalObjectAndWait";
    let obj = handle::get_any(signal).api(API)?;
    handle::get_any(wait).api(API)?;
    let any: Arc<dyn Any + Send + Sync> = obj;
    if any.is::<Event>() {
        super::set_event(signal).map_err(|e| Error::new(e.code(), API))?;
    } else if any.is::<Mutex>() {
        super::release_mutex(signal).map_err(|e| Error::new(e.code(), API))?;
    } else if any.is::<Semaphore>() {
        super::release_semaphore(signal, 1).map_err(|e| Error::new(e.code(), API))?;
    } else {
        return Err(Error::new(Win32Error::INVALID_HANDLE, API));
    }
    wait_for_multiple(&[wait], false, timeout).map_err(|e| Error::new(e.code(), API))
}
