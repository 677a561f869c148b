//! I/O completion ports: `CreateIoCompletionPort`, `GetQueuedCompletionStatus`,
//! `PostQueuedCompletionStatus`.
//!
//! Waiting threads are woken last-in first-out, as Windows does. The concurrency value
//! limits the threads "released" by the port at once; a released thread counts until it
//! calls `GetQueuedCompletionStatus` again or exits (Linux cannot tell when it blocks
//! elsewhere, which Windows would also discount).

use super::request::IoState;
use super::token::Token;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle, Object};
use crate::poison::MutexExt;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

/// One completion packet.
pub struct Packet {
    /// Win32 status of the operation (0 for success).
    pub status: Win32Error,
    /// Bytes transferred (or the posted count).
    pub bytes: usize,
    /// The completion key of the handle (or the posted key).
    pub key: u64,
    /// The poster's token (the OVERLAPPED), if any.
    pub token: Option<Token>,
}

enum Wake {
    Packet(Packet),
    Abandoned,
}

struct Waiter {
    slot: Mutex<Option<Wake>>,
    cv: Condvar,
    /// Waits in the idle poller ([`IdleHooks::wait`]) rather than on `cv` (cleared by a
    /// leader that steps aside while its waiter stays on the stack).
    leader: AtomicBool,
}

impl Waiter {
    fn notify(&self) {
        if self.leader.load(Ordering::SeqCst) {
            if let Some(h) = IDLE.get() {
                (h.notify)();
            }
        }
        self.cv.notify_one();
    }
}

#[derive(Default)]
struct State {
    queue: VecDeque<Packet>,
    waiters: Vec<Arc<Waiter>>,
    active: u32,
    closed: bool,
    /// Packets taken from the queue so far, and the count at which the packets queued
    /// at the last [`look`] are all gone (the lease's bound: see [`Port::post`]).
    pops: u64,
    horizon: u64,
    /// The port is in [`LEASED`] (it held packets back once).
    leased: bool,
}

/// A completion port.
pub struct Port {
    concurrency: u32,
    state: Mutex<State>,
    /// The port itself, weakly (what a released thread remembers it by: `RELEASED`).
    me: Weak<Port>,
}

impl Port {
    /// A new port (0 is not a concurrency: the caller resolves it).
    fn new(concurrency: u32) -> Arc<Port> {
        Arc::new_cyclic(|me| Port { concurrency, state: Mutex::new(State::default()), me: me.clone() })
    }

    /// Hands out queued packets to waiting threads while the concurrency allows, newest
    /// waiter first. Returns the waiters to wake, to be notified once the state lock is
    /// released (so a woken thread does not run straight into it).
    #[must_use]
    fn dispatch(&self, st: &mut State) -> Woken {
        self.dispatch_reserving(st, 0, std::ptr::null())
    }

    /// [`Port::dispatch`], leaving `reserved` packets queued for a thread that takes
    /// them next and counting it as released; stops after handing a packet to `own`
    /// (the posting thread's own waiter, a leader's: it comes back for the rest).
    #[must_use]
    fn dispatch_reserving(&self, st: &mut State, reserved: u32, own: *const Waiter) -> Woken {
        let mut woken = Woken::default();
        while st.active + reserved < self.concurrency && st.queue.len() > reserved as usize {
            let Some(w) = st.waiters.pop() else { break };
            let Some(p) = st.queue.pop_front() else { break };
            st.active += 1;
            st.pops += 1;
            *w.slot.locked() = Some(Wake::Packet(p));
            let mine = std::ptr::eq(Arc::as_ptr(&w), own);
            woken.push(w);
            if mine {
                HERE.with(|h| h.back.set(self));
                break;
            }
        }
        woken
    }

    /// Queues the packet of a completed operation.
    ///
    /// The lease: a packet posted by a thread that will take a packet from this port
    /// next — a consumer it released, back in its caller's code (a WSASend completed in
    /// the call), a zero-timeout GetQueuedCompletionStatus completing what is ready
    /// (`Here::taking`), a leader handed a packet of its own completions, the reactor
    /// thread's look for consumers that keep coming back while one of them is released
    /// ([`for_consumers`]) — stays queued for that thread instead of releasing a waiting
    /// one (which, in Python, would then wait for the GIL the poster holds). Bounded: the
    /// socket reactor's thread looks every millisecond while packets are held back
    /// ([`look`]) and releases waiters for any packet queued before its previous look; a
    /// consumer that falls asleep in a wait function releases them at once
    /// ([`end_lease_here`]), as does one that leaves (its release ends). While the
    /// reactor's thread is not looking that often ([`set_looking`]), or for packets
    /// posted with PostQueuedCompletionStatus, the waiters are released at once, as on
    /// Windows.
    pub fn post(&self, p: Packet) {
        self.post_as(p, true);
    }

    /// [`Port::post`]; `lease`: the packet may stay queued for a poster that comes back.
    fn post_as(&self, p: Packet, lease: bool) {
        let woken = {
            let mut st = self.state.locked();
            if st.closed {
                return;
            }
            st.queue.push_back(p);
            if st.waiters.is_empty() {
                // Nobody to hand it to (the common case of a busy port: its consumers
                // come back and take it).
                return;
            }
            let (taking, own, back, busy) =
                HERE.with(|h| (h.taking.get(), h.waiting.get(), h.back.get(), h.for_consumers.get()));
            // Posted by the poll of a thread that takes a packet from this port right
            // after it (see `dequeue`): the first packet stays queued for it, and the
            // poller counts as released already.
            let polling_here = std::ptr::eq(taking, self);
            let coming_back = polling_here
                || std::ptr::eq(back, self)
                || (busy && st.active > 0)
                || (own.is_null()
                    && RELEASED.with(|r| r.0.borrow().as_ref().is_some_and(|w| std::ptr::eq(w.as_ptr(), self))));
            if lease && (coming_back || !own.is_null()) && self.lease_possible(&mut st) {
                if coming_back {
                    return;
                }
                self.dispatch_reserving(&mut st, 0, own)
            } else {
                self.dispatch_reserving(&mut st, u32::from(polling_here), std::ptr::null())
            }
        };
        wake(woken);
    }

    /// Whether packets may be held back for a poster that comes back (see
    /// [`Port::post`]): the port is in [`LEASED`] (added here, the first time), and the
    /// reactor's thread looks often enough. Under the state lock.
    fn lease_possible(&self, st: &mut State) -> bool {
        #[cfg(test)]
        if let Some(v) = LOOKING_HERE.with(Cell::get) {
            // A unit test's port, looked at by the test alone.
            return v;
        }
        if !st.leased {
            st.leased = true;
            LEASED.locked().push(self.me.clone());
        }
        // After the port is in the list: a look that began before it was added stored
        // `false` before it took the list (see `set_looking`).
        looking()
    }

    fn deactivate(&self) {
        let woken = {
            let mut st = self.state.locked();
            st.active = st.active.saturating_sub(1);
            self.dispatch(&mut st)
        };
        wake(woken);
    }
}

/// The waiters a dispatch handed packets to, notified once the port is unlocked. A post
/// or a consumer's return wakes at most one: that one is kept inline (no allocation per
/// packet).
#[derive(Default)]
struct Woken {
    first: Option<Arc<Waiter>>,
    rest: Vec<Arc<Waiter>>,
}

impl Woken {
    fn push(&mut self, w: Arc<Waiter>) {
        if self.first.is_none() {
            self.first = Some(w);
        } else {
            self.rest.push(w);
        }
    }
}

fn wake(woken: Woken) {
    // (`rest` is filled only after `first`.)
    let Some(first) = woken.first else { return };
    first.notify();
    for w in woken.rest {
        w.notify();
    }
}

impl Object for Port {
    fn on_close(&self) {
        let mut st = self.state.locked();
        st.closed = true;
        st.queue.clear();
        for w in st.waiters.drain(..) {
            *w.slot.locked() = Some(Wake::Abandoned);
            w.notify();
        }
    }
}

/// Another subsystem's readiness waits (the socket reactor's), lent to threads waiting on
/// a port so that a ready socket's operation is completed by the thread that then
/// dequeues its packet, with no hop through the reactor thread.
pub(crate) struct IdleHooks {
    /// Completes the operations ready now, without blocking.
    pub poll: fn(),
    /// Makes the calling thread the one that waits for readiness (the leader); false if
    /// another thread is.
    pub lead: fn() -> bool,
    /// The leader waits up to the duration for readiness (completing what becomes
    /// ready) or for [`IdleHooks::notify`].
    pub wait: fn(Duration),
    /// Wakes the leader from `wait` (a packet was handed to it); no-op on its own thread.
    pub notify: fn(),
    /// The leader stops leading.
    pub resign: fn(),
}

static IDLE: OnceLock<IdleHooks> = OnceLock::new();

/// Counts GetQueuedCompletionStatus calls that returned a packet: a thread that got one
/// runs its caller's code and comes back. While this moves, the socket reactor's thread
/// leaves the epoll set to the consumers (see `net::reactor`), so ready sockets are
/// completed in batches on the consumers' threads instead of one wake-up each.
static CONSUMED: AtomicU64 = AtomicU64::new(0);

/// See [`CONSUMED`].
pub(crate) fn consumer_activity() -> u64 {
    CONSUMED.load(Ordering::Relaxed)
}

/// Installs the [`IdleHooks`] (once; the socket reactor at its start).
pub(crate) fn set_idle_hooks(hooks: IdleHooks) {
    let _ = IDLE.set(hooks);
}

/// Ends a leader's turn however its wait ends.
struct Leading(&'static IdleHooks);

impl Drop for Leading {
    fn drop(&mut self) {
        (self.0.resign)();
    }
}

/// The port a thread was last released by; released threads count against the port's
/// concurrency until they come back or exit.
struct Released(RefCell<Option<Weak<Port>>>);

impl Drop for Released {
    fn drop(&mut self) {
        if let Some(p) = self.0.borrow_mut().take().and_then(|w| w.upgrade()) {
            p.deactivate();
        }
    }
}

thread_local! {
    static RELEASED: Released = const { Released(RefCell::new(None)) };
    /// The waiter this thread used last, reused by its next wait once nobody else holds
    /// it (a poster drops its reference after the notification): no allocation per
    /// wait.
    static SPARE_WAITER: RefCell<Option<Arc<Waiter>>> = const { RefCell::new(None) };
    /// The port this thread dequeued from last by its handle value, with the handle
    /// table's close count then (see `with_port`).
    static LAST_PORT: RefCell<Option<(Handle, u64, Arc<Port>)>> = const { RefCell::new(None) };
    /// What this thread is doing inside its own GetQueuedCompletionStatus, for its posts
    /// (see `Port::post`).
    static HERE: Here = const { Here {
        taking: Cell::new(std::ptr::null()),
        waiting: Cell::new(std::ptr::null()),
        back: Cell::new(std::ptr::null()),
        for_consumers: Cell::new(false),
    } };
}

/// See `HERE`.
struct Here {
    /// The port whose queue this thread fills by a poll inside its own
    /// GetQueuedCompletionStatus, and takes a packet from right after (see `dequeue`).
    taking: Cell<*const Port>,
    /// This thread's waiter while it leads (waits in the reactor's epoll set, completing
    /// what becomes ready).
    waiting: Cell<*const Waiter>,
    /// The port whose packet the leader's own completion handed to it: it returns to
    /// its caller now and comes back for the next ones.
    back: Cell<*const Port>,
    /// The socket reactor's thread completes what is ready on behalf of consumers that
    /// keep coming back (see [`for_consumers`]).
    for_consumers: Cell<bool>,
}

/// Runs `f` (the socket reactor thread's look at the epoll set while completion-port
/// consumers keep coming back but none looked for a while: one of them is busy in its
/// caller's code) with its packets held for the ports' released consumers (see
/// [`Port::post`]): a port with a consumer released keeps them queued for it rather than
/// waking a waiting thread, within the lease's bound.
pub(crate) fn for_consumers(f: impl FnOnce()) {
    HERE.with(|h| h.for_consumers.set(true));
    f();
    HERE.with(|h| h.for_consumers.set(false));
}

/// Ports that held packets back for a poster that comes back (see [`Port::post`]):
/// looked at by the socket reactor's thread ([`look`]).
static LEASED: Mutex<Vec<Weak<Port>>> = Mutex::new(Vec::new());

/// The socket reactor's thread looks at [`LEASED`] about every millisecond (false while
/// it sleeps longer, or before it runs): see [`set_looking`].
static LOOKING: AtomicBool = AtomicBool::new(false);

#[cfg(test)]
thread_local! {
    /// A unit test's own answer to [`Port::lease_possible`] for its thread (the reactor
    /// of another test may run in the same process, and look at the ports it knows).
    static LOOKING_HERE: Cell<Option<bool>> = const { Cell::new(None) };
}

fn looking() -> bool {
    LOOKING.load(Ordering::SeqCst)
}

/// The socket reactor's thread tells whether it will [`look`] within about a
/// millisecond. Before a longer sleep it stores `false`, then looks once more: a post
/// that holds a packet back either finished before that look (which then sees it and
/// keeps the thread's sleep short) or reads `false` and releases a waiter itself.
pub(crate) fn set_looking(soon: bool) {
    static FORK_HANDLER: std::sync::Once = std::sync::Once::new();
    FORK_HANDLER.call_once(forget_looking_in_children);
    LOOKING.store(soon, Ordering::SeqCst);
}

/// A forked child has no reactor thread (only the forking thread goes on): nothing looks
/// at the ports there, so nothing may be held back for a consumer (see [`Port::post`]).
#[allow(unsafe_code)]
fn forget_looking_in_children() {
    extern "C" fn forget() {
        LOOKING.store(false, Ordering::SeqCst);
    }
    // SAFETY: registers a plain function that only stores to an atomic (async-signal
    // safe, as a fork child handler must be).
    unsafe { libc::pthread_atfork(None, None, Some(forget)) };
}

/// The socket reactor thread's look at the ports that hold packets back for a consumer
/// (see [`Port::post`]): releases waiting threads for the packets that were queued at
/// its previous look and are still there (at most about two looks late: the lease's
/// bound). Returns whether packets are still held back (look again soon).
pub(crate) fn look() -> bool {
    let ports: Vec<Arc<Port>> = {
        let mut leased = LEASED.locked();
        leased.retain(|w| w.strong_count() > 0);
        leased.iter().filter_map(Weak::upgrade).collect()
    };
    let mut held = false;
    for port in ports {
        held |= port.look();
    }
    held
}

impl Port {
    /// [`look`] at this port: releases waiters for the packets queued at the previous
    /// look that are still queued. Whether packets are held back still.
    fn look(&self) -> bool {
        let (woken, held) = {
            let mut st = self.state.locked();
            let woken = if st.pops < st.horizon { self.dispatch(&mut st) } else { Woken::default() };
            st.horizon = st.pops + st.queue.len() as u64;
            (woken, !st.queue.is_empty() && !st.waiters.is_empty() && st.active < self.concurrency)
        };
        wake(woken);
        held
    }
}

/// The calling thread falls asleep in a wait function: the packets held back for it
/// (see [`Port::post`]) go to waiting threads now.
pub(crate) fn end_lease_here() {
    let Some(port) = RELEASED.try_with(|r| r.0.borrow().as_ref().and_then(Weak::upgrade)).ok().flatten() else {
        return;
    };
    let woken = port.dispatch(&mut port.state.locked());
    wake(woken);
}

/// A waiter for the calling thread: its last one when no other reference is left, else
/// a new one.
fn waiter_for_this_thread(leader: bool) -> Arc<Waiter> {
    if let Some(mut w) = SPARE_WAITER.with(|s| s.borrow_mut().take()) {
        if let Some(inner) = Arc::get_mut(&mut w) {
            // Unshared: its slot was emptied by the wait that used it.
            *inner.leader.get_mut() = leader;
            if inner.slot.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner).is_none() {
                return w;
            }
        }
    }
    Arc::new(Waiter { slot: Mutex::new(None), cv: Condvar::new(), leader: AtomicBool::new(leader) })
}

/// Keeps `w` for the calling thread's next wait ([`waiter_for_this_thread`]).
fn keep_waiter(w: Arc<Waiter>) {
    SPARE_WAITER.with(|s| *s.borrow_mut() = Some(w));
}

/// `CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, n)`—a new port; 0 means as
/// many concurrent threads as processors.
///
/// # Linux mechanism
/// In-process packet queue with LIFO hand-off to waiting threads.
pub fn create_io_completion_port(concurrency: u32) -> Handle {
    let concurrency = if concurrency == 0 {
        std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
    } else {
        concurrency
    };
    handle::insert(Port::new(concurrency))
}

/// `CreateIoCompletionPort(file, port, key, 0)`—completions of the file's overlapped
/// I/O go to `port` with `key`. A handle can be associated once (87 after, also once
/// that port is closed: as on Windows, the association lasts as long as the file object).
///
/// # Linux mechanism
/// Association recorded on the file handle (a write-once cell, read with no lock by each
/// completion, which posts to the port).
pub fn associate(file: Handle, port: Handle, key: u64) -> Result<()> {
    const API: &str = "CreateIoCompletionPort";
    let port = handle::get::<Port>(port).api(API)?;
    let file = handle::get::<File>(file).api(API)?;
    let state = file.ext_ref_or_default::<IoState>();
    state.port.set((port, key)).map_err(|_| Error::new(Win32Error::INVALID_PARAMETER, API))
}

/// `CreateIoCompletionPort(file, existing, key, n)` in all its forms: `file`
/// INVALID_HANDLE_VALUE makes a new port (`existing` must be NULL: 87); `existing` NULL
/// makes a new port and associates `file` with it; otherwise associates `file` with
/// `existing`. Returns the new port, or `None` when `existing` was used.
///
/// # Linux mechanism
/// See [`create_io_completion_port`] and [`associate`].
pub fn create_or_associate(file: Handle, existing: Handle, key: u64, concurrency: u32) -> Result<Option<Handle>> {
    const API: &str = "CreateIoCompletionPort";
    if file == Handle::INVALID {
        if existing.raw() != 0 {
            return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
        }
        return Ok(Some(create_io_completion_port(concurrency)));
    }
    if existing.raw() != 0 {
        return associate(file, existing, key).map(|()| None);
    }
    let port = create_io_completion_port(concurrency);
    if let Err(e) = associate(file, port, key) {
        let _ = handle::close(port);
        return Err(e);
    }
    Ok(Some(port))
}

/// `PostQueuedCompletionStatus`—queues a packet of the caller's own.
///
/// # Linux mechanism
/// Push onto the port's queue, handing it straight to the newest waiter if any.
pub fn post_queued_completion_status(port: Handle, bytes: usize, key: u64, token: Option<Token>) -> Result<()> {
    let port = handle::get::<Port>(port).api("PostQueuedCompletionStatus")?;
    // An explicit hand-off: released to a waiting thread at once (no lease).
    port.post_as(Packet { status: Win32Error::SUCCESS, bytes, key, token }, false);
    Ok(())
}

/// `GetQueuedCompletionStatus`—the next packet, waiting up to `timeout` (`None` =
/// INFINITE). Fails with WAIT_TIMEOUT (258), ERROR_ABANDONED_WAIT_0 (735) when the port
/// closes during the wait, or ERROR_INVALID_HANDLE.
///
/// # Linux mechanism
/// Per-waiter condition variable; waiters stacked for LIFO wake-up.
///
/// A wait stopped by the caller's interrupt check (`crate::interrupt`, asked every
/// slice; the waiter keeps its place on the LIFO stack between checks) fails with
/// ERROR_OPERATION_ABORTED.
pub fn get_queued_completion_status(
    port: Handle,
    timeout: Option<Duration>,
) -> std::result::Result<Packet, Win32Error> {
    handle::get::<Port>(port)?.dequeue(timeout)
}

/// Runs `f` on the completion port behind `port` (ERROR_INVALID_HANDLE if it is none):
/// the Python bindings' first, non-waiting [`Port::dequeue`]. The port a thread used
/// last is kept by the thread (`LAST_PORT`) and used again with no handle look-up
/// while no handle has been closed since (`handle::closes`: values are never reused,
/// so the value still names that port); otherwise it is looked up and kept.
///
/// # Linux mechanism
/// A per-thread cache validated by the handle table's close count; the table.
#[inline]
pub fn with_port<R>(port: Handle, f: impl FnOnce(&Arc<Port>) -> R) -> std::result::Result<R, Win32Error> {
    let closes = handle::closes();
    let mut f = Some(f);
    let kept = LAST_PORT
        .try_with(|last| {
            let last = last.borrow();
            match &*last {
                Some((h, n, p)) if *h == port && *n == closes => f.take().map(|f| f(p)),
                _ => None,
            }
        })
        .ok()
        .flatten();
    if let Some(r) = kept {
        return Ok(r);
    }
    let p = handle::get::<Port>(port)?;
    let f = f.ok_or(Win32Error::INVALID_HANDLE)?;
    let r = f(&p);
    // Kept after `f` (which may run a poll that completes other operations: nothing of
    // it reaches this cell).
    let _ = LAST_PORT.try_with(|last| *last.borrow_mut() = Some((port, closes, p)));
    Ok(r)
}

impl Port {
    /// [`get_queued_completion_status`] on this port.
    ///
    /// # Linux mechanism
    /// As [`get_queued_completion_status`].
    pub fn dequeue(&self, timeout: Option<Duration>) -> std::result::Result<Packet, Win32Error> {
        dequeue(self, timeout)
    }
}

/// The calling thread's record of the port that released it (`RELEASED`), as a
/// dequeue finds and leaves it. A thread that comes back to the port that released it
/// and gets a packet at once (a busy consumer) leaves the record as it was: one look
/// at the thread-local, no write, no reference count traffic.
struct Record<'a> {
    port: &'a Port,
    /// The record names `port` (the thread came back to it, or got a packet from it).
    held: bool,
}

impl<'a> Record<'a> {
    /// Coming back to a port ends this thread's previous release: another port's at
    /// once, this one's under its lock (`dequeue`). Returns whether it is this one's.
    fn enter(port: &'a Port) -> (Self, bool) {
        let other = RELEASED.with(|r| {
            let mut r = r.0.borrow_mut();
            match &*r {
                // The same port, told by address (the weak reference keeps its
                // allocation, so no other port can have it).
                Some(prev) if std::ptr::eq(prev.as_ptr(), port) => None,
                _ => Some(r.take()),
            }
        });
        match other {
            None => (Record { port, held: true }, true),
            Some(prev) => {
                if let Some(prev) = prev.and_then(|w| w.upgrade()) {
                    prev.deactivate();
                }
                (Record { port, held: false }, false)
            }
        }
    }

    /// The thread got a packet: it counts as released by the port (until it comes back).
    fn released(self) {
        if !self.held {
            let me = self.port.me.clone();
            RELEASED.with(|r| *r.0.borrow_mut() = Some(me));
        }
        // Only whether it moves matters (the reactor's lease, `consumer_activity`): a
        // plain load and store, not a locked increment, on a line the reactor reads.
        CONSUMED.store(CONSUMED.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    }

    /// The thread leaves without a packet: it is not released.
    fn not_released(self) {
        if self.held {
            RELEASED.with(|r| r.0.borrow_mut().take());
        }
    }
}

fn dequeue(port: &Port, timeout: Option<Duration>) -> std::result::Result<Packet, Win32Error> {
    const INTERRUPT_CHECK: Duration = crate::interrupt::SLICE;
    let (record, mut back) = Record::enter(port);
    let zero = timeout.is_some_and(|t| t.is_zero());
    let mut polled = false;
    let waiter = loop {
        let mut st = port.state.locked();
        if back {
            st.active = st.active.saturating_sub(1);
            back = false;
        }
        if st.closed {
            drop(st);
            record.not_released();
            return Err(Win32Error::ABANDONED_WAIT_0);
        }
        if st.active < port.concurrency {
            if let Some(p) = st.queue.pop_front() {
                st.active += 1;
                st.pops += 1;
                drop(st);
                record.released();
                return Ok(p);
            }
            // Nothing queued and the caller will not wait: complete what is ready now on
            // this thread (the socket reactor's ready operations). A caller that waits
            // does so in the reactor's epoll if it leads, which completes them too. The
            // first packet the poll posts here is kept for this thread (`Here::taking`),
            // and the others too while the reactor's thread looks (the lease, see
            // `Port::post`): handing one to a sleeping waiter would cost a wake-up (and,
            // in Python, a GIL hand-off) while this thread, running, takes it at once
            // below and comes back for the next.
            if let (true, false, Some(h)) = (zero, polled, IDLE.get()) {
                polled = true;
                drop(st);
                HERE.with(|t| t.taking.set(port));
                (h.poll)();
                HERE.with(|t| t.taking.set(std::ptr::null()));
                continue;
            }
        }
        if zero {
            drop(st);
            record.not_released();
            return Err(Win32Error::WAIT_TIMEOUT);
        }
        // Lead (wait in the reactor's epoll) if no thread does and no consumer of this
        // port is released: a consumer back in its caller's code completes what became
        // ready meanwhile itself when it comes back (its poll above, or its own turn as
        // the leader), in one batch, where a leader would wake for each socket and hand
        // each packet over (in Python, to a thread that then waits for the GIL).
        let leading = IDLE.get().filter(|h| st.active == 0 && (h.lead)()).map(Leading);
        let w = waiter_for_this_thread(leading.is_some());
        st.waiters.push(w.clone());
        break (w, leading);
    };
    let (waiter, mut leading) = waiter;
    let end = timeout.and_then(|t| Instant::now().checked_add(t));
    // The waiter is kept for the next wait however this one ends (it is off the port's
    // stack by then: handed a packet, abandoned, or removed below).
    let released = |record: Record<'_>, wake: Wake, waiter: Arc<Waiter>| {
        keep_waiter(waiter);
        match wake {
            Wake::Packet(p) => {
                record.released();
                Ok(p)
            }
            Wake::Abandoned => {
                record.not_released();
                Err(Win32Error::ABANDONED_WAIT_0)
            }
        }
    };
    loop {
        {
            let slot = waiter.slot.locked();
            let now = Instant::now();
            let nap = end.map_or(INTERRUPT_CHECK, |e| e.saturating_duration_since(now).min(INTERRUPT_CHECK));
            let mut slot = match &leading {
                Some(Leading(h)) if slot.is_none() && !nap.is_zero() => {
                    // A packet handed over from now on notifies the leader's wait.
                    drop(slot);
                    HERE.with(|t| t.waiting.set(Arc::as_ptr(&waiter)));
                    (h.wait)(nap);
                    HERE.with(|t| {
                        t.waiting.set(std::ptr::null());
                        t.back.set(std::ptr::null());
                    });
                    waiter.slot.locked()
                }
                _ if slot.is_none() && !nap.is_zero() => {
                    waiter.cv.wait_timeout(slot, nap).unwrap_or_else(std::sync::PoisonError::into_inner).0
                }
                _ => slot,
            };

            if let Some(wake) = slot.take() {
                drop(slot);
                drop(leading);
                return released(record, wake, waiter);
            }
        }
        if leading.is_some() && port.state.locked().active > 0 {
            // A consumer of this port was released meanwhile (by another thread's post):
            // it completes what becomes ready when it comes back. Step aside to the
            // condition variable, keeping this waiter's place on the stack (a packet
            // handed over after this is notified there; one handed over before is in
            // the slot, looked at under its lock before the wait).
            waiter.leader.store(false, Ordering::SeqCst);
            leading = None;
        }
        // The slot lock is not held here: `interrupted` may take the caller's own locks
        // (the GIL), which a poster may hold while handing us a packet.
        let gave_up = if end.is_some_and(|e| Instant::now() >= e) {
            Some(Win32Error::WAIT_TIMEOUT)
        } else if crate::interrupt::requested() {
            Some(Win32Error::OPERATION_ABORTED)
        } else {
            None
        };
        if let Some(code) = gave_up {
            // Leave the stack; a packet handed over meanwhile is still ours.
            port.state.locked().waiters.retain(|w| !Arc::ptr_eq(w, &waiter));
            let wake = waiter.slot.locked().take();
            if let Some(wake) = wake {
                return released(record, wake, waiter);
            }
            keep_waiter(waiter);
            record.not_released();
            return Err(code);
        }
    }
}

/// A handle's completion port association: the port's object (kept by the file object,
/// as on Windows; a closed port drops what is posted to it) and the key.
pub(crate) type Association = (Arc<Port>, u64);

/// The completion port association of `file`, if any (AcceptEx: the accept socket's,
/// taken before the connection replaces it).
pub(crate) fn association_of(file: &File) -> Option<Association> {
    file.ext_ref::<IoState>().and_then(|s| s.port.get().cloned())
}

/// Gives `file` the association `assoc` (AcceptEx: the connected socket keeps the port
/// the caller associated the accept socket with), unless it has one already.
pub(crate) fn restore_association(file: &File, assoc: Association) {
    let _ = file.ext_ref_or_default::<IoState>().port.set(assoc);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(key: u64) -> Packet {
        Packet { status: Win32Error::SUCCESS, bytes: 0, key, token: None }
    }

    /// A thread released by a packet counts against the concurrency until it comes back;
    /// coming back and getting another packet at once keeps it counted once; coming back
    /// and leaving without one (a timeout) ends its release — and only once: its exit
    /// later must not end another thread's.
    #[test]
    fn a_thread_counts_once_while_released_and_not_after_it_leaves_empty_handed() {
        let port = Port::new(2);
        let zero = Some(Duration::ZERO);
        let take = |port: &Arc<Port>| {
            let port = port.clone();
            std::thread::spawn(move || port.dequeue(zero).map(|p| p.key)).join().unwrap()
        };
        port.post(packet(1));
        port.post(packet(2));
        let (a, a_exit) = (port.clone(), std::sync::mpsc::channel::<()>());
        let (a_done, a_left) = std::sync::mpsc::channel::<()>();
        let a = std::thread::spawn(move || {
            assert_eq!(a.dequeue(zero).map(|p| p.key), Ok(1));
            // Back to the same port: its release ends and a new one begins.
            assert_eq!(a.dequeue(zero).map(|p| p.key), Ok(2));
            assert_eq!(a.state.locked().active, 1);
            // Back, nothing queued: no longer released.
            assert_eq!(a.dequeue(zero).map(|p| p.key), Err(Win32Error::WAIT_TIMEOUT));
            assert_eq!(a.state.locked().active, 0);
            a_done.send(()).unwrap();
            let _ = a_exit.1.recv();
            // This thread exits here: it is not released, so its exit changes nothing.
        });
        a_left.recv().unwrap();
        // Another thread released (it exits at once: that ends its release too).
        let (b, b_exit) = (port.clone(), std::sync::mpsc::channel::<()>());
        port.post(packet(3));
        let b = std::thread::spawn(move || {
            assert_eq!(b.dequeue(zero).map(|p| p.key), Ok(3));
            let _ = b_exit.1.recv();
        });
        while port.state.locked().active == 0 {
            std::thread::yield_now();
        }
        drop(a_exit.0);
        a.join().unwrap();
        assert_eq!(port.state.locked().active, 1, "a thread that left empty-handed ended another's release");
        // Concurrency 2, one thread released: one more gets a packet, not two.
        port.post(packet(4));
        port.post(packet(5));
        let c = port.clone();
        let (c_exit_tx, c_exit_rx) = std::sync::mpsc::channel::<()>();
        let (c_got_tx, c_got_rx) = std::sync::mpsc::channel();
        let c = std::thread::spawn(move || {
            c_got_tx.send(c.dequeue(zero).map(|p| p.key)).unwrap();
            let _ = c_exit_rx.recv();
        });
        assert_eq!(c_got_rx.recv().unwrap(), Ok(4));
        assert_eq!(take(&port), Err(Win32Error::WAIT_TIMEOUT));
        drop((b_exit.0, c_exit_tx));
        b.join().unwrap();
        c.join().unwrap();
        assert_eq!(port.state.locked().active, 0);
        assert_eq!(port.dequeue(zero).map(|p| p.key), Ok(5));
    }

    /// A packet posted to a closed port, and the packets a closing port held, are dropped
    /// with their tokens (the token's release runs once each).
    #[test]
    #[allow(unsafe_code)] // a foreign token kind that counts its releases
    fn packets_of_a_closed_port_release_their_tokens() {
        use std::sync::atomic::AtomicUsize;
        static RELEASED_TOKENS: AtomicUsize = AtomicUsize::new(0);
        unsafe fn count(_: std::ptr::NonNull<()>) {
            RELEASED_TOKENS.fetch_add(1, Ordering::SeqCst);
        }
        static KIND: crate::overlapped::TokenKind = crate::overlapped::TokenKind::foreign(count);
        let token = || {
            // SAFETY: a dangling pointer that `count` never dereferences.
            Some(unsafe { Token::from_raw(std::ptr::NonNull::dangling(), &KIND) })
        };
        let port = Port::new(1);
        port.post(Packet { token: token(), ..packet(1) });
        port.post(Packet { token: token(), ..packet(2) });
        // Taken back: not released.
        let p = port.dequeue(Some(Duration::ZERO)).unwrap();
        assert!(p.token.unwrap().into_raw(&KIND).is_ok());
        assert_eq!(RELEASED_TOKENS.load(Ordering::SeqCst), 0);
        port.on_close();
        assert_eq!(RELEASED_TOKENS.load(Ordering::SeqCst), 1, "the queued packet's token");
        port.post(Packet { token: token(), ..packet(3) });
        assert_eq!(RELEASED_TOKENS.load(Ordering::SeqCst), 2, "a packet posted after the close");
    }

    /// A poll inside a zero-timeout GetQueuedCompletionStatus (`Here::taking`) keeps one
    /// packet it posts for the polling thread (which counts as released), and still
    /// releases a waiting thread for the next one at once; the packets go out in order.
    #[test]
    fn a_poller_keeps_one_packet_and_releases_one_waiter_for_the_next() {
        let port = Port::new(2);
        let (tx, rx) = std::sync::mpsc::channel();
        // A released thread that exits stops counting (its packet's release ends): the
        // threads stay until the end.
        let end = Arc::new(std::sync::Barrier::new(3));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (waiting, tx, end) = (port.clone(), tx.clone(), end.clone());
                std::thread::spawn(move || {
                    let _ = tx.send(waiting.dequeue(Some(Duration::from_secs(30))).map(|p| p.key));
                    end.wait();
                })
            })
            .collect();
        while port.state.locked().waiters.len() < 2 {
            std::thread::yield_now();
        }
        // Without the lease (its own test below).
        LOOKING_HERE.with(|l| l.set(Some(false)));
        HERE.with(|t| t.taking.set(Arc::as_ptr(&port)));
        port.post(packet(1));
        port.post(packet(2));
        HERE.with(|t| t.taking.set(std::ptr::null()));
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Ok(1)), "no waiter was released");
        // Without the reservation the second waiter would have taken it.
        assert_eq!(port.dequeue(Some(Duration::ZERO)).map(|p| p.key), Ok(2));
        assert!(rx.try_recv().is_err());
        port.on_close();
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Err(Win32Error::ABANDONED_WAIT_0)));
        end.wait();
        for t in threads {
            t.join().unwrap();
        }
    }

    /// The lease (`Port::post`): a packet of a completed operation posted by a thread the
    /// port released (a WSASend completed in the call) stays queued for it while another
    /// thread waits, and is taken by it when it comes back; one it does not come back for
    /// goes to the waiting thread at the second look (the bound); a packet posted with
    /// PostQueuedCompletionStatus goes to the waiter at once.
    #[test]
    fn a_released_consumer_keeps_its_packets_until_it_comes_back_or_the_second_look() {
        LOOKING_HERE.with(|l| l.set(Some(true)));
        let port = Port::new(2);
        let zero = Some(Duration::ZERO);
        // This thread is released by the port.
        port.post(packet(1));
        assert_eq!(port.dequeue(zero).map(|p| p.key), Ok(1));
        let (tx, rx) = std::sync::mpsc::channel();
        let end = Arc::new(std::sync::Barrier::new(2));
        let waiting = {
            let (port, end) = (port.clone(), end.clone());
            std::thread::spawn(move || {
                for _ in 0..2 {
                    let got = port.dequeue(Some(Duration::from_secs(30))).map(|p| p.key);
                    let _ = tx.send(got);
                }
                end.wait();
            })
        };
        let waiters = |port: &Arc<Port>| port.state.locked().waiters.len();
        while waiters(&port) < 1 {
            std::thread::yield_now();
        }
        // Held for this thread, which comes back and takes it.
        port.post(packet(2));
        assert_eq!((waiters(&port), port.state.locked().queue.len()), (1, 1), "the packet went to the waiter");
        assert!(port.look(), "a held packet: look again soon");
        assert_eq!(port.dequeue(zero).map(|p| p.key), Ok(2));
        assert!(!port.look());
        // Held, and this thread does not come back: the first look leaves it queued, the
        // second releases the waiter for it.
        port.post(packet(3));
        assert!(port.look());
        assert_eq!(waiters(&port), 1);
        port.look();
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Ok(3)), "the bound: no waiter was released");
        // An explicit post is handed over at once.
        while waiters(&port) < 1 {
            std::thread::yield_now();
        }
        post_to(&port, packet(4));
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Ok(4)));
        end.wait();
        waiting.join().unwrap();
        LOOKING_HERE.with(|l| l.set(None));
    }

    /// The reactor thread's look on behalf of consumers that keep coming back
    /// (`for_consumers`): its packets stay queued while a consumer of the port is
    /// released (it comes back for them; the looks bound the wait), and go to a waiting
    /// thread at once while none is.
    #[test]
    fn packets_completed_for_busy_consumers_wait_for_a_released_one_only() {
        LOOKING_HERE.with(|l| l.set(Some(true)));
        let port = Port::new(2);
        let (waiting, rx) = one_waiting_thread(&port);
        // None released: at once.
        for_consumers(|| port.post(packet(1)));
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Ok(1)));
        waiting.join().unwrap();
        // One released (the thread above, gone: this one now) and one waiting: held.
        port.post(packet(2));
        assert_eq!(port.dequeue(Some(Duration::ZERO)).map(|p| p.key), Ok(2));
        let (waiting, rx) = one_waiting_thread(&port);
        std::thread::spawn({
            let port = port.clone();
            move || {
                LOOKING_HERE.with(|l| l.set(Some(true)));
                for_consumers(|| port.post(packet(3)));
            }
        })
        .join()
        .unwrap();
        assert_eq!(port.state.locked().queue.len(), 1, "handed to the waiter while a consumer was released");
        port.look();
        port.look();
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Ok(3)), "the bound: no waiter was released");
        waiting.join().unwrap();
        LOOKING_HERE.with(|l| l.set(None));
    }

    fn post_to(port: &Port, p: Packet) {
        port.post_as(p, false);
    }

    /// A thread waiting on `port` (on its stack when this returns) for one packet, whose
    /// key (or error) it sends.
    fn one_waiting_thread(
        port: &Arc<Port>,
    ) -> (std::thread::JoinHandle<()>, std::sync::mpsc::Receiver<std::result::Result<u64, Win32Error>>) {
        let (tx, rx) = std::sync::mpsc::channel();
        let waiting = {
            let port = port.clone();
            std::thread::spawn(move || {
                let got = port.dequeue(Some(Duration::from_secs(30))).map(|p| p.key);
                let _ = tx.send(got);
            })
        };
        while port.state.locked().waiters.is_empty() {
            std::thread::yield_now();
        }
        (waiting, rx)
    }
}
