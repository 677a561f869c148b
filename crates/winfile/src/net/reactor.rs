//! The per-process epoll reactor: one thread that waits for socket readiness and runs the
//! socket operations waiting for it (never Python, only non-blocking system calls and
//! the completion that publishes a result).
//!
//! An operation first runs on the caller's thread, unless the reactor already knows the
//! socket is not ready in that direction; if it is not, it waits here, in a per-socket
//! FIFO (reads and writes apart). A handle's socket is registered once, edge-triggered
//! (IN, RDHUP, PRI; OUT from the first write that must wait), at its first operation, and
//! stays registered until its file object goes (no epoll_ctl per operation); the reactor counts the edges it sees, so an operation
//! that failed with EAGAIN while an edge arrived runs again instead of waiting for an
//! edge that already came. A receive on a TCP socket that waited and came back short
//! marks the direction not ready too (the short-read rule, see [`wait`]: the receive
//! queue is empty then; never for datagram or AF_UNIX sockets, nor once an event showed
//! urgent data, the peer's close or an error). Transfers (WSASend/WSARecv, ReadFile/
//! WriteFile on a socket) wait in their queue as they are ([`Op::Transfer`], no box).
//! Each socket's queues and readiness are its own ([`Socket`], with a lock of its own),
//! kept on its file object: an operation finds them there, and whether it may run at once
//! is one load of the direction's state word, no lock ([`Registration::may_try`]); a readiness event
//! finds its socket by token in the registry (numbers, never addresses: an event fetched
//! for a socket whose file object is going finds it alive or not at all), then takes the
//! socket's lock once for its edge counts and the operations it claims, and a claimed
//! direction's run takes it once per operation.
//! AcceptEx's receive-first wait on a connection that is not a
//! handle yet is registered level-triggered for as long as it waits. Cancellation
//! (CancelIo, a closing handle) wakes the thread through an eventfd; the operation then
//! completes with 995. Every 100 ms the thread also sweeps adopted descriptors the
//! caller closed (`adopt::sweep`). WSAEventSelect watches (`select`) are edge-triggered
//! registrations of their own.
//!
//! The reactor thread is not the only one to wait in the epoll set: a thread about to
//! block in GetQueuedCompletionStatus becomes the *leader* ([`lead`]) and waits there
//! instead, completing ready operations on its own thread (no hop to it); the reactor
//! thread stands aside meanwhile, and also while consumers keep coming back with packets
//! (the [`LEASE`]): the sockets that became ready are then completed in one batch by the
//! consumer whose queue runs dry. See docs/completion-path.md, section 6.

use super::{adopt, select};
use crate::engine::OpCtlRef;
use crate::error::{Error, Result, Win32Error};
use crate::handle::{Extension, File};
use crate::overlapped::IoState;
use crate::poison::MutexExt;
use rustix::event::{epoll, eventfd, EventfdFlags, Timespec};
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// What an operation's step achieved.
pub(crate) enum Step {
    /// Completed (its result published).
    Done,
    /// Completed by a receive that got fewer bytes than it asked (and some): on a TCP
    /// socket that emptied the receive queue, so the read direction is marked not ready
    /// as after EAGAIN (see [`wait`], "the short-read rule").
    Drained,
    /// Not ready: run again when the descriptor is.
    Again,
    /// Ready still, but it ran its share (a long transfer): run it again after the other
    /// ready operations, so one socket does not hold the thread that waits in the epoll
    /// set (and every other socket) for the whole of a long transfer.
    Yield,
}

/// One step of an operation: called with the descriptor and whether the operation was
/// cancelled (it must then complete with 995 and return `Done`).
pub(crate) type BoxedOp = Box<dyn FnMut(BorrowedFd<'_>, bool) -> Step + Send>;

/// An operation for the reactor: a transfer (WSASend/WSARecv, ReadFile/WriteFile on a
/// socket — nearly every operation, and held as it is: no allocation whether it
/// completes at once or waits), or any other step (boxed: AcceptEx, ConnectEx,
/// TransmitFile).
pub(crate) enum Op {
    Transfer(super::sendrecv::Transfer),
    Boxed(BoxedOp),
}

impl From<BoxedOp> for Op {
    fn from(f: BoxedOp) -> Op {
        Op::Boxed(f)
    }
}

/// The descriptor an operation waits on, kept open while it waits.
#[derive(Clone)]
pub(crate) enum Source {
    /// A handle's own descriptor.
    File(Arc<File>),
    /// A descriptor of the operation (AcceptEx's new connection).
    Fd(Arc<OwnedFd>),
}

impl Source {
    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Source::File(f) => f.fd(),
            Source::Fd(f) => f.as_fd(),
        }
    }
}

/// A waiting operation: what it runs, its descriptor (kept open while it waits), its
/// cancellation, and whether it met EAGAIN itself (it was not queued on the socket's
/// known state alone: the peer was behind, so the short-read rule applies when it
/// completes, see [`wait`]; a transfer keeps that mark itself). A transfer's descriptor
/// is its completion's handle (the file object its `Done` holds, which is the handle it
/// waits on): no second reference, and a waiter small enough (at most 128 bytes) to move
/// between its queue and the thread that runs it without a call to memcpy.
enum Task {
    Transfer(super::sendrecv::Transfer, OpCtlRef),
    Boxed(BoxedOp, Source, OpCtlRef, bool),
}

struct Waiter {
    task: Task,
}

impl Waiter {
    fn new(op: Op, src: Source, ctl: OpCtlRef) -> Waiter {
        let task = match op {
            // `src` is the transfer's own handle (see `Task`).
            Op::Transfer(t) => Task::Transfer(t, ctl),
            Op::Boxed(f) => Task::Boxed(f, src, ctl, false),
        };
        Waiter { task }
    }

    /// It met EAGAIN itself (see [`Task`]).
    fn tried(&self) -> bool {
        match &self.task {
            Task::Transfer(t, _) => t.tried,
            Task::Boxed(_, _, _, tried) => *tried,
        }
    }

    fn set_tried(&mut self, v: bool) {
        match &mut self.task {
            Task::Transfer(t, _) => t.tried = v,
            Task::Boxed(_, _, _, tried) => *tried = v,
        }
    }

    fn cancelled(&self) -> bool {
        match &self.task {
            Task::Transfer(_, ctl) | Task::Boxed(_, _, ctl, _) => ctl.is_cancelled(),
        }
    }

    /// One step (see [`BoxedOp`]).
    fn step(&mut self, cancelled: bool) -> Step {
        match &mut self.task {
            Task::Transfer(t, _) => t.step(cancelled),
            Task::Boxed(f, src, _, _) => f(src.fd(), cancelled),
        }
    }

    /// Its descriptor (none once a transfer completed).
    fn fd(&self) -> Option<BorrowedFd<'_>> {
        match &self.task {
            Task::Transfer(t, _) => t.file().map(|f| f.fd()),
            Task::Boxed(_, src, _, _) => Some(src.fd()),
        }
    }

    /// Its descriptor, to keep open while a bare descriptor's socket is registered.
    fn source(&self) -> Option<Source> {
        match &self.task {
            Task::Transfer(t, _) => t.file().map(|f| Source::File(f.clone())),
            Task::Boxed(_, src, _, _) => Some(src.clone()),
        }
    }
}

/// One socket's waiting operations, under its [`Socket`]'s lock. A registered handle's
/// socket (a token with [`HANDLE_BIT`]) tracks readiness (in [`Socket::state`]); a bare
/// descriptor's (AcceptEx's connection, or a handle epoll refused) is registered,
/// level-triggered, only while something waits.
#[derive(Default)]
struct Entry {
    read: VecDeque<Waiter>,
    write: VecDeque<Waiter>,
    /// Level-triggered entries: the descriptor (kept open while registered) and what is
    /// registered now.
    src: Option<Source>,
    registered: epoll::EventFlags,
    /// The short-read rule applies: a TCP socket (see [`Socket::new`]) on which no
    /// event has shown urgent data (EPOLLPRI: a receive stops short at the urgent mark,
    /// data left after it), the peer's close or an error (EPOLLRDHUP/HUP/ERR: a receive
    /// returns the last bytes short, and the end of stream or the error stays readable
    /// with no edge to come). Cleared for good by such an event.
    tcp: bool,
    /// A registered handle's socket is registered for OUT too (see
    /// [`Reactor::arm_writes`]).
    writes_armed: bool,
}

impl Entry {
    fn queue(&mut self, write: bool) -> &mut VecDeque<Waiter> {
        if write {
            &mut self.write
        } else {
            &mut self.read
        }
    }
}

/// A direction's state word ([`Socket::state`]): the direction is known not to be ready
/// (an operation met EAGAIN with no edge since, or a TCP receive came back short;
/// registered handles only; unknown counts as ready) ...
const BLOCKED: u64 = 1;
/// ... a thread runs the direction's waiting operations (`run_claimed`): it runs them in
/// order, others leave them to it ...
const BUSY: u64 = 2;
/// ... operations wait in the direction's queue ...
const QUEUED: u64 = 4;
/// ... and, above these bits, the edges seen so far (registered handles only).
const EDGE: u64 = 8;

/// The reactor's state of one socket: a registered handle's (the extension of its file
/// object, for the life of the object, and in the reactor's registry under its token,
/// where the events find it) or a bare descriptor number's (in the registry only).
///
/// Each direction's readiness marks and edge count are one word, changed only under the
/// lock (which also holds the queues), read without it by [`Registration::may_try`]: one load says
/// whether an operation may run its first step now. The word always matches the queue
/// (QUEUED is set with the first operation queued and cleared with the last one taken),
/// so a load sees a state the socket was in at some instant, as a look under the lock
/// would.
struct Socket {
    /// The token its events carry: [`HANDLE_BIT`] and a number the reactor hands out,
    /// or a descriptor number; 0 for a handle's socket epoll refused (it then goes by
    /// its number, as a bare descriptor).
    token: u64,
    /// Read and write words (see [`BLOCKED`]).
    state: [AtomicU64; 2],
    entry: Mutex<Entry>,
}

impl Socket {
    fn new(token: u64, tcp: bool) -> Socket {
        let entry = Entry { tcp, ..Entry::default() };
        Socket { token, state: [AtomicU64::new(0), AtomicU64::new(0)], entry: Mutex::new(entry) }
    }

    /// A registered handle's socket (edge-triggered: edges counted, readiness marked).
    fn edge(&self) -> bool {
        self.token & HANDLE_BIT != 0
    }

    fn word(&self, write: bool) -> &AtomicU64 {
        &self.state[usize::from(write)]
    }

    /// The direction's edge count if an operation may run its first step now (nothing
    /// waits ahead of it, no thread runs the direction, and the socket is not known not
    /// to be ready); `None` if it must queue. One load, no lock.
    fn first_step_now(&self, write: bool) -> Option<u64> {
        let w = self.word(write).load(Ordering::Acquire);
        (w & (BLOCKED | BUSY | QUEUED) == 0).then_some(w / EDGE)
    }

    fn lock(&self) -> Locked<'_> {
        Locked { s: self, e: self.entry.locked() }
    }
}

/// A [`Socket`] locked: its queues, and its state words (changed only here, so each
/// change is a load and a store).
struct Locked<'a> {
    s: &'a Socket,
    e: MutexGuard<'a, Entry>,
}

impl Locked<'_> {
    fn word(&self, write: bool) -> u64 {
        self.s.word(write).load(Ordering::Relaxed)
    }

    fn set_word(&self, write: bool, w: u64) {
        self.s.word(write).store(w, Ordering::Release);
    }

    /// Sets (`on`) or clears `bits` of the direction's word.
    fn mark(&self, write: bool, bits: u64, on: bool) {
        let w = self.word(write);
        self.set_word(write, if on { w | bits } else { w & !bits });
    }

    fn seq(&self, write: bool) -> u64 {
        self.word(write) / EDGE
    }

    /// An edge in the direction: counted; the direction may be ready.
    fn edge_seen(&self, write: bool) {
        let w = self.word(write);
        self.set_word(write, (w + EDGE) & !BLOCKED);
    }

    /// [`Socket::first_step_now`], under the lock.
    fn first_step_now(&self, write: bool) -> Option<u64> {
        self.s.first_step_now(write)
    }

    fn push_back(&mut self, write: bool, waiter: Waiter) {
        self.e.queue(write).push_back(waiter);
        self.mark(write, QUEUED, true);
    }

    fn push_front(&mut self, write: bool, waiter: Waiter) {
        self.e.queue(write).push_front(waiter);
        self.mark(write, QUEUED, true);
    }

    fn pop_front(&mut self, write: bool) -> Option<Waiter> {
        let q = self.e.queue(write);
        let w = q.pop_front();
        if q.is_empty() {
            self.mark(write, QUEUED, false);
        }
        w
    }

    /// Claims the direction's waiting operations for the calling thread, if any wait and
    /// no thread runs them already.
    fn claim(&self, write: bool) -> bool {
        let w = self.word(write);
        if w & BUSY != 0 || w & QUEUED == 0 {
            return false;
        }
        self.set_word(write, w | BUSY);
        true
    }
}

/// A handle's socket as the reactor knows it, for the life of its file object (its
/// extension, made at the socket's first operation): its [`Socket`] — registered
/// (edge-triggered) under a token of its own, or, if epoll refused it, its descriptor
/// number's — and its overlapped state (the port association a completion posts to,
/// the cancellation count of its light operations), so that an operation finds both in
/// one look at the file object. Dropping the file object unregisters it.
pub(crate) struct Registration {
    socket: Arc<Socket>,
    io: Arc<IoState>,
}

impl Registration {
    /// Whether an operation on the socket may run its first step on the caller's thread
    /// before it is begun: nothing waits ahead of it in its direction, no thread runs
    /// the direction, and the socket is not known not to be ready. `Some(edge count)` to
    /// pass to [`Registration::wait_transfer`] as [`Tried::Again`] if the step then meets
    /// EAGAIN (an edge that comes meanwhile makes it run again, as in [`wait`]). One
    /// load, no lock.
    pub(crate) fn may_try(&self, write: bool) -> Option<u64> {
        self.socket.first_step_now(write)
    }

    /// The handle's overlapped state.
    pub(crate) fn io(&self) -> &Arc<IoState> {
        &self.io
    }

    /// [`wait`] for a transfer on this handle's socket (the handle its completion holds),
    /// whose first step the caller ran itself ([`Registration::may_try`]): `tried` says
    /// how that went.
    pub(crate) fn wait_transfer(
        &self,
        r: &'static Reactor,
        write: bool,
        ctl: OpCtlRef,
        t: super::sendrecv::Transfer,
        tried: Tried,
    ) {
        ctl.set_waker(wake_reactor);
        wait_on(r, &self.socket, write, Waiter { task: Task::Transfer(t, ctl) }, tried);
    }
}

impl Extension for Registration {
    fn on_drop(&self, file: &File) {
        let Some(Ok(r)) = REACTOR.get() else { return };
        if !self.socket.edge() {
            return; // epoll refused it: its number's socket stays in the registry
        }
        // The descriptor is still open here: it leaves the epoll set with it.
        let _ = epoll::delete(&r.epoll, file.fd());
        // It leaves the registry on the reactor's next turn (a file object may be dropped
        // where the registry is locked: this hook never locks it). An event fetched for it
        // meanwhile finds it there, alive, with nothing waiting.
        r.gone.locked().push(self.socket.token);
        r.any_gone.store(true, Ordering::Release);
    }
}

/// Token of the wake-up eventfd; select watches use tokens with [`SELECT_BIT`].
const WAKE: u64 = u64::MAX;
/// Token of the leader's wake-up eventfd.
const LEADER_WAKE: u64 = u64::MAX - 1;
/// How often the reactor thread looks again while leaders take turns in its place ...
const LEADER_CHECK: Duration = Duration::from_millis(1);
/// ... until one has led this many looks in a row (an idle process): then it sleeps
/// until that leader resigns (or the sweep is due).
const DEEP_AFTER: u32 = 5;
/// How long the reactor thread leaves the epoll set to completion-port consumers after
/// one came back with a packet: a consumer busy in its caller's code finds the sockets
/// that became ready meanwhile in one epoll_wait when its queue runs dry (batched, on its
/// own thread), instead of the reactor thread waking for each. At most this late, the
/// reactor thread looks itself if no consumer did; a thread that falls asleep in a wait
/// function (an event, GetOverlappedResult) ends the lease at once.
const LEASE: Duration = Duration::from_millis(1);
/// Marks a select watch's token.
pub(super) const SELECT_BIT: u64 = 1 << 62;
/// What a registered handle's socket is registered for, edge-triggered (PRI: urgent data
/// turns the short-read rule off for the socket, see `Entry::tcp`) ...
const HANDLE_EVENTS: epoll::EventFlags =
    epoll::EventFlags::IN.union(epoll::EventFlags::RDHUP).union(epoll::EventFlags::PRI).union(epoll::EventFlags::ET);
/// ... and, once a write met EAGAIN (see [`Reactor::arm_writes`]), OUT.
const HANDLE_WRITES: epoll::EventFlags = HANDLE_EVENTS.union(epoll::EventFlags::OUT);
/// Marks a registered handle's token (the others are descriptor numbers).
const HANDLE_BIT: u64 = 1 << 61;
/// How often adopted descriptors are checked for having been closed by the caller.
const SWEEP: Duration = Duration::from_millis(100);

pub(super) struct Reactor {
    epoll: OwnedFd,
    wake: OwnedFd,
    /// A thread waiting in GetQueuedCompletionStatus waits in `epoll` instead of the
    /// reactor thread (see [`lead`]); this eventfd wakes it when a packet is handed to it.
    leader_wake: OwnedFd,
    leader: AtomicBool,
    leader_woken: AtomicBool,
    /// Counts leaders' turns (the reactor thread sees whether leadership changed hands).
    turns: AtomicU64,
    /// The reactor thread sleeps until the leader resigns (which unparks it).
    deep: AtomicBool,
    /// The reactor thread stands aside for completion-port consumers that are busy in
    /// their callers' code ([`LEASE`]); a thread falling asleep in a wait function
    /// unparks it (`on_sleep`).
    aside: AtomicBool,
    /// Counts epoll_waits by threads other than the reactor's (leaders, zero-timeout
    /// GetQueuedCompletionStatus).
    polls: AtomicU64,
    thread: OnceLock<std::thread::Thread>,
    /// A cancellation wake-up is to be handled (by whichever thread waits).
    cancel_pending: AtomicBool,
    /// The registry: every socket by the token its events carry.
    entries: Mutex<Entries>,
    /// The next registered handle's token.
    next: AtomicU64,
    /// Tokens of registered file objects that went (they leave the registry).
    gone: Mutex<Vec<u64>>,
    any_gone: AtomicBool,
    /// Directions (token, write) whose first operation yielded ([`Step::Yield`]): run
    /// again by whichever thread polls next, which does not sleep while any is here.
    yielded: Mutex<Vec<(u64, bool)>>,
    any_yielded: AtomicBool,
}

/// The reactor's sockets by token (the registry). Tokens are numbers the reactor hands
/// out (or descriptor numbers), never chosen by a caller: SipHash's flood resistance
/// buys nothing. An event looks its socket up here; an operation finds a registered
/// handle's socket on its file object instead.
type Entries = HashMap<u64, Arc<Socket>, BuildHasherDefault<TokenHasher>>;

/// Fibonacci hashing of a token (see [`Entries`]): every bit of a token varies.
type TokenHasher = crate::handle::FibHasher<0>;

static REACTOR: OnceLock<std::result::Result<Reactor, Win32Error>> = OnceLock::new();

/// The reactor, started at first use; ERROR_NO_SYSTEM_RESOURCES if it cannot start.
pub(super) fn reactor(api: &'static str) -> Result<&'static Reactor> {
    REACTOR
        .get_or_init(|| {
            let start = || -> std::io::Result<Reactor> {
                let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
                let wake = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
                epoll::add(&epoll, &wake, epoll::EventData::new_u64(WAKE), epoll::EventFlags::IN)?;
                let leader_wake = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
                epoll::add(&epoll, &leader_wake, epoll::EventData::new_u64(LEADER_WAKE), epoll::EventFlags::IN)?;
                Ok(Reactor {
                    epoll,
                    wake,
                    leader_wake,
                    leader: AtomicBool::new(false),
                    leader_woken: AtomicBool::new(false),
                    turns: AtomicU64::new(0),
                    deep: AtomicBool::new(false),
                    aside: AtomicBool::new(false),
                    polls: AtomicU64::new(0),
                    thread: OnceLock::new(),
                    cancel_pending: AtomicBool::new(false),
                    entries: Mutex::new(Entries::default()),
                    next: AtomicU64::new(0),
                    gone: Mutex::new(Vec::new()),
                    any_gone: AtomicBool::new(false),
                    yielded: Mutex::new(Vec::new()),
                    any_yielded: AtomicBool::new(false),
                })
            };
            let r = start().map_err(|e| {
                log::debug!("socket reactor could not start: {e}");
                Win32Error::NO_SYSTEM_RESOURCES
            })?;
            crate::overlapped::set_idle_hooks(crate::overlapped::IdleHooks {
                poll: poll_now,
                lead,
                wait: lead_wait,
                notify: notify_leader,
                resign,
            });
            crate::handle::hub::set_on_sleep(on_sleep);
            std::thread::Builder::new()
                .name("winfile-reactor".into())
                .spawn(|| {
                    // The reactor is stored once this initializer returns.
                    let r = loop {
                        match REACTOR.get() {
                            Some(Ok(r)) => break r,
                            Some(Err(_)) => return,
                            None => std::thread::sleep(Duration::from_millis(1)),
                        }
                    };
                    let _ = r.thread.set(std::thread::current());
                    r.run();
                })
                .map_err(|_| Win32Error::NO_SYSTEM_RESOURCES)?;
            Ok(r)
        })
        .as_ref()
        .map_err(|&code| Error::new(code, api))
}

thread_local! {
    static EVENTS: std::cell::RefCell<Vec<epoll::Event>> = std::cell::RefCell::new(Vec::with_capacity(64));
    /// This thread is the leader.
    static LEADING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// One epoll_wait on the calling thread (up to `timeout`), handling what it returns.
fn poll_on_this_thread(r: &Reactor, timeout: &Timespec) {
    // Only read as "changed since the last look" (by the reactor thread): a plain store
    // does, with no read-modify-write per poll (two pollers storing the same count still
    // change it).
    r.polls.store(r.polls.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    let now = Timespec { tv_sec: 0, tv_nsec: 0 };
    let timeout = if r.any_yielded.load(Ordering::Acquire) { &now } else { timeout };
    EVENTS.with(|events| {
        let Ok(mut events) = events.try_borrow_mut() else { return };
        events.clear();
        if epoll::wait(&r.epoll, rustix::buffer::spare_capacity(&mut *events), Some(timeout)).is_err() {
            return;
        }
        for ev in events.iter() {
            match ev.data.u64() {
                WAKE => r.take_wake(),
                LEADER_WAKE => r.leader_wake_seen(),
                _ => r.event(ev),
            }
        }
    });
    if r.cancel_pending.load(Ordering::Acquire) && r.cancel_pending.swap(false, Ordering::AcqRel) {
        r.reap_cancelled();
    }
    r.run_yielded();
}

/// Runs, on the calling thread, the operations whose sockets are ready now, without
/// blocking: a thread about to wait on a completion port calls it, so the completion it
/// then dequeues was performed on its own thread. Never runs Python.
fn poll_now() {
    let Some(Ok(r)) = REACTOR.get() else { return };
    poll_on_this_thread(r, &Timespec { tv_sec: 0, tv_nsec: 0 });
}

/// A thread about to block in GetQueuedCompletionStatus becomes the leader if none is:
/// it then waits in the reactor's epoll itself ([`lead_wait`]) and completes the
/// operations that become ready, while the reactor thread stands aside (it looks again
/// every millisecond, and takes over once no thread leads). The packets the leader's
/// completions post are dequeued by the leader itself, with no thread hop.
fn lead() -> bool {
    let Some(Ok(r)) = REACTOR.get() else { return false };
    if r.leader.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).is_err() {
        return false;
    }
    r.turns.fetch_add(1, Ordering::Relaxed);
    LEADING.with(|l| l.set(true));
    true
}

/// The leader's wait: epoll_wait up to `nap` on its own thread.
fn lead_wait(nap: Duration) {
    let Some(Ok(r)) = REACTOR.get() else { return };
    let t = Timespec { tv_sec: nap.as_secs() as _, tv_nsec: nap.subsec_nanos() as _ };
    poll_on_this_thread(r, &t);
}

/// Before the reactor thread sleeps longer than a look's interval: says it will not look
/// soon, then looks once more (see `overlapped::set_looking`). Whether it may sleep long
/// (nothing is held back); if not, it says it looks soon again.
fn quiet() -> bool {
    crate::overlapped::set_looking(false);
    if crate::overlapped::look_at_leases() {
        crate::overlapped::set_looking(true);
        return false;
    }
    true
}

/// Wakes the leader (a packet was handed to it by another thread).
fn notify_leader() {
    let Some(Ok(r)) = REACTOR.get() else { return };
    if LEADING.with(|l| l.get()) {
        return; // the leader itself: it looks at its slot next
    }
    if !r.leader_woken.swap(true, Ordering::AcqRel) {
        let _ = rustix::io::write(&r.leader_wake, &1u64.to_ne_bytes());
    }
}

/// The leader stops leading.
fn resign() {
    let Some(Ok(r)) = REACTOR.get() else { return };
    LEADING.with(|l| l.set(false));
    r.take_leader_wake();
    r.leader.store(false, Ordering::SeqCst);
    // The reactor thread sleeps until now (see `run`): it takes over the epoll set.
    if r.deep.swap(false, Ordering::SeqCst) {
        if let Some(t) = r.thread.get() {
            t.unpark();
        }
    }
}

/// A thread falls asleep in a wait function: a reactor thread standing aside for busy
/// consumers ([`LEASE`]) takes the epoll set back now, so what that thread waits for
/// (an operation's event, its OVERLAPPED) completes without the lease's delay.
fn on_sleep() {
    // The packets a completion port held back for this thread (it comes back to take
    // them, see `overlapped::Port::post`) go to waiting threads now.
    crate::overlapped::end_lease_here();
    let Some(Ok(r)) = REACTOR.get() else { return };
    if r.aside.load(Ordering::SeqCst) && r.aside.swap(false, Ordering::SeqCst) {
        if let Some(t) = r.thread.get() {
            t.unpark();
        }
    }
}

/// The socket `src`'s operations wait on: a handle's socket is registered
/// (edge-triggered) at its first operation; a bare descriptor, or a handle epoll
/// refuses, goes by its number.
fn socket_of(r: &Reactor, src: &Source) -> Arc<Socket> {
    match src {
        Source::File(file) => registration(r, file).socket.clone(),
        Source::Fd(_) => by_number(r, src.fd()),
    }
}

/// The handle's registration with the reactor ([`Registration`]), made at its first
/// operation: registered with epoll, edge-triggered, and in the registry, before any
/// operation can find it on the file object (an edge dispatched before it was in the
/// registry went uncounted, but no step had run yet: the first one sees what it stood
/// for).
#[inline]
pub(crate) fn registration<'f>(r: &Reactor, file: &'f File) -> impl std::ops::Deref<Target = Registration> + 'f {
    loop {
        if let Some(reg) = file.ext_ref::<Registration>() {
            return reg;
        }
        register(r, file);
    }
}

/// Makes the handle's registration (see [`registration`]), unless another thread did.
#[cold]
#[inline(never)]
fn register(r: &Reactor, file: &File) {
    // Outside the extensions' insertion lock (the registration is made under it).
    let io = file.ext_or_default::<IoState>();
    file.ext_or_insert_with(|| {
        let token = HANDLE_BIT | r.next.fetch_add(1, Ordering::Relaxed);
        let socket = match epoll::add(&r.epoll, file.fd(), epoll::EventData::new_u64(token), HANDLE_EVENTS) {
            Ok(()) => {
                let s = Arc::new(Socket::new(token, is_tcp(file.fd())));
                r.entries.locked().insert(token, s.clone());
                s
            }
            Err(err) => {
                log::debug!("epoll_ctl on a socket failed: {err}");
                by_number(r, file.fd())
            }
        };
        Registration { socket, io }
    });
}

/// A bare descriptor's socket, by its number (kept in the registry once made: a
/// number's socket holds nothing while nothing waits, and numbers are few).
fn by_number(r: &Reactor, fd: BorrowedFd<'_>) -> Arc<Socket> {
    let token = fd.as_raw_fd() as u64;
    r.entries.locked().entry(token).or_insert_with(|| Arc::new(Socket::new(token, false))).clone()
}

/// A TCP socket over IPv4 or IPv6 (see [`Entry::tcp`]): getsockopt(2) SO_TYPE,
/// SO_DOMAIN, SO_PROTOCOL, once per registration. A receive that returns fewer bytes
/// than asked drained its receive queue (tcp_recvmsg copies until the queue is empty or
/// the buffer full, stopping early only at the urgent mark). Not AF_UNIX (a message with
/// SCM_RIGHTS or other credentials ends a read early), not datagrams (one datagram per
/// receive).
fn is_tcp(fd: BorrowedFd<'_>) -> bool {
    use rustix::net::{ipproto, sockopt, AddressFamily, SocketType};
    sockopt::socket_type(fd).is_ok_and(|t| t == SocketType::STREAM)
        && sockopt::socket_domain(fd).is_ok_and(|d| d == AddressFamily::INET || d == AddressFamily::INET6)
        && sockopt::socket_protocol(fd).is_ok_and(|p| p == Some(ipproto::TCP))
}

/// Runs `op` now on the caller's thread (unless the socket is known not to be ready);
/// if the descriptor is not ready, queues it (after the operations already waiting in
/// that direction) until it is.
///
/// Readiness of a registered handle's socket (edge-triggered): a direction is marked not
/// ready when an operation met EAGAIN with no edge seen since the attempt began (an edge
/// seen meanwhile may stand for data that came after it: the operation runs again). Any
/// later arrival brings an edge — seen, or still in the epoll set's ready list — which
/// clears the mark.
///
/// The short-read rule: a receive on a TCP socket that came back with fewer bytes than
/// it asked ([`Step::Drained`]) emptied the receive queue (tcp_recvmsg copies until the
/// queue is empty or the buffer full), so the read direction is marked as after EAGAIN
/// (same edge-count condition), and the next receive waits for an edge instead of trying
/// recv(2) first and failing. It is applied only to a receive that itself met EAGAIN and
/// waited ([`Waiter::tried`]: the peer was behind, and the next receive will likely
/// find nothing either); a receive that found its data at once says the peer is ahead,
/// and marking then made nearly every receive of a busy echo server wait for an
/// epoll_wait instead of completing on the caller's thread (measured: +0.3–0.7 µs of
/// server CPU per request, against 0.01–0.15 failed recv(2) per request saved). Where a short
/// read does not mean an empty queue the rule is off: datagram and AF_UNIX sockets (one
/// datagram per receive; a message carrying SCM_RIGHTS or credentials ends a read
/// early), MSG_PEEK and MSG_OOB receives, and a TCP socket once an event showed urgent
/// data (EPOLLPRI: a receive stops short at the urgent mark, data left after it), the
/// peer's close or an error (EPOLLRDHUP, HUP, ERR: the last bytes come back short while
/// the end of stream or the error, already signalled, stays to be read).
pub(crate) fn wait(r: &'static Reactor, src: Source, write: bool, ctl: OpCtlRef, op: impl Into<Op>) {
    let s = socket_of(r, &src);
    // A plain function (the reactor is a static), set without a lock.
    ctl.set_waker(wake_reactor);
    wait_on(r, &s, write, Waiter::new(op.into(), src, ctl), Tried::No);
}

/// What the caller of [`Registration::wait_transfer`] already did with the operation on
/// its own thread.
pub(crate) enum Tried {
    /// Nothing: [`wait`].
    No,
    /// It ran its first step, which met EAGAIN, after [`Registration::may_try`] gave this
    /// edge count.
    Again(u64),
    /// It ran its first step, which yielded (a long send).
    Yielded,
}

/// [`wait`] on the socket `s` (the waiter's), after what the caller did (`tried`).
fn wait_on(r: &'static Reactor, s: &Socket, write: bool, mut waiter: Waiter, tried: Tried) {
    let edge = s.edge();
    let mut tried = tried;
    loop {
        let (step, seq) = match std::mem::replace(&mut tried, Tried::No) {
            Tried::Again(seq) => (Step::Again, seq),
            Tried::Yielded => (Step::Yield, 0),
            Tried::No => {
                // Under the lock: a direction found busy or queued here is seen, as it
                // is left, by the thread that runs it (which then runs this one too).
                let l = s.lock();
                let Some(seq) = l.first_step_now(write) else {
                    r.enqueue(l, write, waiter);
                    return;
                };
                drop(l);
                let cancelled = waiter.cancelled();
                (waiter.step(cancelled), seq)
            }
        };
        let yielded = match step {
            Step::Done | Step::Drained => {
                // Data was there before it was asked for: the peer is ahead, and the next
                // receive will likely find data too (no mark: see above).
                return;
            }
            Step::Again => false,
            Step::Yield => true,
        };
        waiter.set_tried(!yielded);
        let mut l = s.lock();
        // One look at the socket: the edge count, the mark, the queue.
        let mut retry = yielded;
        if edge && !yielded {
            if l.seq(write) != seq {
                // An edge came while the operation ran: it may be ready now.
                continue;
            }
            if !write || waiter.fd().is_some_and(|fd| r.arm_writes(&mut l, fd)) {
                l.mark(write, BLOCKED, true);
            } else {
                retry = true;
            }
        }
        r.enqueue(l, write, waiter);
        if retry {
            // Still ready (or no edge will come: OUT could not be registered): run again
            // by the next thread that polls.
            r.yield_again(s.token, write);
            r.kick();
        }
        return;
    }
}

/// Wakes the reactor (an operation's canceller; see [`wait`]).
fn wake_reactor() {
    if let Some(Ok(r)) = REACTOR.get() {
        r.wake();
    }
}

impl Reactor {
    /// Wakes the reactor thread (a cancellation to notice), or the leader.
    pub(super) fn wake(&self) {
        self.cancel_pending.store(true, Ordering::Release);
        let _ = rustix::io::write(&self.wake, &1u64.to_ne_bytes());
    }

    /// Queues `waiter` behind its direction's other operations (the socket locked by
    /// the caller, released here). A cancellation that came before it was queued woke
    /// the polling thread too early to find it: wake it again.
    fn enqueue(&self, mut l: Locked<'_>, write: bool, waiter: Waiter) {
        let cancelled = waiter.cancelled();
        l.push_back(write, waiter);
        self.resync(&mut l);
        drop(l);
        if cancelled {
            self.wake();
        }
    }

    /// Wakes whichever thread waits in the epoll set (a yielded operation to run), and
    /// the reactor thread if it stands aside.
    fn kick(&self) {
        let _ = rustix::io::write(&self.wake, &1u64.to_ne_bytes());
        if self.aside.swap(false, Ordering::SeqCst) {
            if let Some(t) = self.thread.get() {
                t.unpark();
            }
        }
    }

    fn yield_again(&self, token: u64, write: bool) {
        self.yielded.locked().push((token, write));
        self.any_yielded.store(true, Ordering::Release);
    }

    /// Runs once more each direction whose first operation yielded since the last pass
    /// (after the events of this poll: every ready socket gets its turn in between).
    fn run_yielded(&self) {
        // A load first: nearly every poll has nothing yielded (no read-modify-write then).
        if !self.any_yielded.load(Ordering::Acquire) || !self.any_yielded.swap(false, Ordering::AcqRel) {
            return;
        }
        let pending = std::mem::take(&mut *self.yielded.locked());
        for (token, write) in pending {
            self.drain(token, write);
        }
    }

    /// Consumes a wake-up (a cancellation's, which set `cancel_pending` before it wrote:
    /// the cancelled operations are reaped next; or a kick's, which reaps nothing).
    fn take_wake(&self) {
        let mut buf = [0u8; 8];
        let _ = rustix::io::read(&self.wake, &mut buf);
    }

    /// The leader's wake-up came out of an epoll_wait: the leader consumes it, and so does
    /// any thread once no thread leads (one left after the leader went). A thread polling
    /// beside the leader (a zero-timeout GetQueuedCompletionStatus, the reactor thread)
    /// leaves it set — it is level-triggered — or the leader would sleep on until its
    /// slice ends.
    fn leader_wake_seen(&self) {
        if LEADING.with(|l| l.get()) || !self.leader.load(Ordering::Acquire) {
            self.take_leader_wake();
        }
    }

    /// Consumes the leader's wake-up, if one was sent.
    fn take_leader_wake(&self) {
        if self.leader_woken.swap(false, Ordering::AcqRel) {
            let mut buf = [0u8; 8];
            let _ = rustix::io::read(&self.leader_wake, &mut buf);
        }
    }

    pub(super) fn epoll(&self) -> BorrowedFd<'_> {
        self.epoll.as_fd()
    }

    /// A registered handle's socket is registered for reads only ([`HANDLE_EVENTS`]) until
    /// a write on it meets EAGAIN: a socket whose sends the kernel always takes at once
    /// (a request/response server's) then never sees the writable edge that follows each
    /// time the peer reads — no event to fetch and handle, and no waiting thread woken
    /// for nothing. The first write that meets EAGAIN registers OUT too, for good, under
    /// the socket's lock, before it is marked not ready: epoll_ctl(EPOLL_CTL_MOD) looks
    /// at the socket's readiness, so a socket that became writable since the write
    /// failed gets its edge then, handled once the lock is released (it finds the write
    /// queued). Whether OUT is registered (it stays unregistered, and the write must be
    /// retried without an edge, only if epoll_ctl failed).
    fn arm_writes(&self, l: &mut Locked<'_>, fd: BorrowedFd<'_>) -> bool {
        if l.e.writes_armed {
            return true;
        }
        match epoll::modify(&self.epoll, fd, epoll::EventData::new_u64(l.s.token), HANDLE_WRITES) {
            Ok(()) => {
                l.e.writes_armed = true;
                true
            }
            Err(err) => {
                log::debug!("epoll_ctl on a socket failed: {err}");
                false
            }
        }
    }

    /// Registers a bare descriptor's socket as its queues need (IN while reads wait, OUT
    /// while writes wait), and forgets its descriptor when nothing waits. Registered
    /// handles' sockets stay as they are.
    #[inline]
    fn resync(&self, l: &mut Locked<'_>) {
        if !l.s.edge() {
            self.resync_level(l);
        }
    }

    /// [`Reactor::resync`] of a bare descriptor's socket.
    #[inline(never)]
    fn resync_level(&self, l: &mut Locked<'_>) {
        use epoll::EventFlags as F;
        let token = l.s.token;
        let e = &mut *l.e;
        let mut want = F::empty();
        if !e.read.is_empty() {
            want |= F::IN | F::RDHUP;
        }
        if !e.write.is_empty() {
            want |= F::OUT;
        }
        if want == e.registered {
            if want.is_empty() {
                e.src = None;
            }
            return;
        }
        if e.src.is_none() {
            e.src = e.read.front().or(e.write.front()).and_then(Waiter::source);
        }
        let Some(src) = e.src.as_ref() else { return };
        let data = epoll::EventData::new_u64(token);
        let r = if e.registered.is_empty() {
            epoll::add(&self.epoll, src.fd(), data, want)
        } else if want.is_empty() {
            epoll::delete(&self.epoll, src.fd())
        } else {
            epoll::modify(&self.epoll, src.fd(), data, want)
        };
        if let Err(err) = r {
            log::debug!("epoll_ctl on a socket failed: {err}");
        }
        e.registered = want;
        if want.is_empty() {
            e.src = None;
        }
    }

    fn run(&self) {
        let mut events: Vec<epoll::Event> = Vec::with_capacity(256);
        let mut swept = Instant::now();
        let tick = Timespec { tv_sec: 0, tv_nsec: 100_000_000 };
        let (mut last_turn, mut same_turn) = (0u64, 0u32);
        let mut consumed = crate::overlapped::consumer_activity();
        let mut polls = self.polls.load(Ordering::Relaxed);
        let one_look = Timespec { tv_sec: 0, tv_nsec: LEASE.as_nanos() as _ };
        // Completion ports may hold packets back for consumers that come back (see
        // `overlapped::Port::post`) while this thread looks at them about every
        // millisecond; before a longer sleep it says so (`quiet`).
        crate::overlapped::set_looking(true);
        loop {
            events.clear();
            // Releases waiting threads for packets held back since the last look.
            let held = crate::overlapped::look_at_leases();
            let now_consumed = crate::overlapped::consumer_activity();
            let consumers_busy = now_consumed != consumed;
            consumed = now_consumed;
            if self.leader.load(Ordering::SeqCst) {
                // A thread waiting on a completion port waits in the epoll set for us. While
                // leaders take turns, look again every millisecond (a resigning leader does
                // not wake this thread); once one leads for long, sleep until it resigns.
                let turn = self.turns.load(Ordering::Relaxed);
                if turn == last_turn {
                    same_turn += 1;
                } else {
                    same_turn = 0;
                    last_turn = turn;
                }
                if same_turn < DEEP_AFTER || held {
                    std::thread::sleep(LEADER_CHECK);
                } else {
                    self.deep.store(true, Ordering::SeqCst);
                    if self.leader.load(Ordering::SeqCst) {
                        if quiet() {
                            std::thread::park_timeout(SWEEP);
                            crate::overlapped::set_looking(true);
                        } else {
                            std::thread::sleep(LEADER_CHECK);
                        }
                    }
                    self.deep.store(false, Ordering::SeqCst);
                }
            } else if consumers_busy
                && !crate::handle::hub::anyone_asleep()
                && !self.any_yielded.load(Ordering::Acquire)
            {
                // Consumers came back with packets since the last look: they will wait in
                // the epoll set themselves once their queues run dry (see `LEASE`). If none
                // looked at it during the last lease, look once without waiting.
                let now_polls = self.polls.load(Ordering::Relaxed);
                if now_polls == polls {
                    // Its packets stay queued for the busy consumer (see
                    // `overlapped::for_consumers`), which comes back for them.
                    crate::overlapped::for_consumers(|| poll_on_this_thread(self, &Timespec { tv_sec: 0, tv_nsec: 0 }));
                }
                polls = self.polls.load(Ordering::Relaxed);
                self.aside.store(true, Ordering::SeqCst);
                if !crate::handle::hub::anyone_asleep() {
                    std::thread::park_timeout(LEASE);
                }
                self.aside.store(false, Ordering::SeqCst);
            } else {
                let now = Timespec { tv_sec: 0, tv_nsec: 0 };
                let mut long = false;
                let wait = if self.any_yielded.load(Ordering::Acquire) {
                    &now
                } else if held || !quiet() {
                    &one_look
                } else {
                    long = true;
                    &tick
                };
                let r = epoll::wait(&self.epoll, rustix::buffer::spare_capacity(&mut events), Some(wait));
                if long {
                    crate::overlapped::set_looking(true);
                }
                if let Err(e) = r {
                    if e != rustix::io::Errno::INTR {
                        log::error!("socket reactor: epoll_wait failed: {e}");
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
            }
            for ev in &events {
                match ev.data.u64() {
                    WAKE => self.take_wake(),
                    LEADER_WAKE => self.leader_wake_seen(),
                    _ => self.event(ev),
                }
            }
            if self.cancel_pending.swap(false, Ordering::AcqRel) {
                self.reap_cancelled();
            }
            self.run_yielded();
            if self.any_gone.swap(false, Ordering::AcqRel) {
                let gone = std::mem::take(&mut *self.gone.locked());
                let mut entries = self.entries.locked();
                for token in gone {
                    // Nothing waits on it: waiters keep their file object.
                    entries.remove(&token);
                }
            }
            if swept.elapsed() >= SWEEP {
                adopt::sweep();
                swept = Instant::now();
            }
        }
    }

    /// Handles one readiness event (not the wake-up's).
    fn event(&self, ev: &epoll::Event) {
        let token = ev.data.u64();
        if token & SELECT_BIT != 0 {
            select::on_event(token & !SELECT_BIT, ev.flags);
        } else {
            self.dispatch(token, ev.flags);
        }
    }

    fn dispatch(&self, token: u64, flags: epoll::EventFlags) {
        use epoll::EventFlags as F;
        let readable = flags.intersects(F::IN | F::PRI | F::ERR | F::HUP | F::RDHUP);
        let writable = flags.intersects(F::OUT | F::ERR | F::HUP);
        // By number, under the registry's lock: a socket whose file object went since
        // the event was fetched is still there (until the reactor's next turn), or gone.
        let Some(s) = self.entries.locked().get(&token).cloned() else { return };
        // One look at the socket: count the edges, and claim the directions that have
        // operations to run (a socket's read edge nearly always shows it writable too).
        let mut l = s.lock();
        if s.edge() {
            if readable {
                l.edge_seen(false);
            }
            if writable {
                l.edge_seen(true);
            }
            if flags.intersects(F::PRI | F::RDHUP | F::HUP | F::ERR) {
                l.e.tcp = false; // the short-read rule is off for good (see `Entry::tcp`)
            }
        }
        let (read, write) = (readable && l.claim(false), writable && l.claim(true));
        // The first claimed direction's run starts with this look at the socket (no
        // second lock to take its first operation).
        match (read, write) {
            (false, false) => self.resync(&mut l),
            (false, true) => self.run_claimed(&s, true, Some(l)),
            (true, write) => {
                self.run_claimed(&s, false, Some(l));
                if write {
                    self.run_claimed(&s, true, None);
                }
            }
        }
    }

    /// The short-read rule (see [`wait`]): a receive that began at read-edge count `seq`
    /// came back short; marks the read direction not ready if the rule applies to the
    /// socket and no edge was seen since. Whether it marked it.
    fn drained(l: &Locked<'_>, seq: u64) -> bool {
        if l.e.tcp && l.seq(false) == seq {
            l.mark(false, BLOCKED, true);
            return true;
        }
        false
    }

    /// Runs the operations waiting on `token` in one direction, in order, until one is
    /// not ready (unless another thread is already at it: it sees the new edge).
    fn drain(&self, token: u64, write: bool) {
        let Some(s) = self.entries.locked().get(&token).cloned() else { return };
        let l = s.lock();
        if l.claim(write) {
            self.run_claimed(&s, write, Some(l));
        }
    }

    /// Runs the operations of a direction this thread claimed ([`Locked::claim`]), in
    /// order, until one is not ready or none is left; then releases the direction. One
    /// lock of the socket per operation run; `held`: the socket as the claim left it
    /// locked (the first operation is taken under that lock).
    fn run_claimed<'s>(&self, s: &'s Socket, write: bool, held: Option<Locked<'s>>) {
        let edge = s.edge();
        let mut held = held;
        loop {
            let (mut waiter, seq) = {
                let mut l = held.take().unwrap_or_else(|| s.lock());
                let seq = l.seq(write);
                let Some(waiter) = l.pop_front(write) else {
                    l.mark(write, BUSY, false);
                    self.resync(&mut l);
                    return;
                };
                (waiter, seq)
            };
            let cancelled = waiter.cancelled();
            let step = waiter.step(cancelled);
            match step {
                Step::Done | Step::Drained => {
                    let tried = waiter.tried();
                    // Dropped with the socket unlocked: it may hold the last reference
                    // to a file object.
                    drop(waiter);
                    let l = s.lock();
                    if matches!(step, Step::Drained) && tried && edge && !write && Self::drained(&l, seq) {
                        // The receives behind it would fail with EAGAIN: they wait for the
                        // next edge.
                        l.mark(false, BUSY, false);
                        return;
                    }
                    held = Some(l);
                }
                Step::Yield => {
                    // It keeps its place; the others' turn first (see `run_yielded`).
                    let mut l = s.lock();
                    l.push_front(write, waiter);
                    l.mark(write, BUSY, false);
                    drop(l);
                    self.yield_again(s.token, write);
                    return;
                }
                Step::Again => {
                    let mut l = s.lock();
                    waiter.set_tried(true);
                    let armed = !edge || !write || waiter.fd().is_some_and(|fd| self.arm_writes(&mut l, fd));
                    l.push_front(write, waiter);
                    if edge && l.seq(write) != seq {
                        // An edge came while it ran: try again.
                        held = Some(l);
                        continue;
                    }
                    // Released, and (a registered handle's) marked not ready, at once.
                    let w = l.word(write) & !BUSY;
                    l.set_word(write, if edge && armed { w | BLOCKED } else { w });
                    drop(l);
                    if !armed {
                        // No edge will come: run again by the next thread that polls.
                        self.yield_again(s.token, write);
                        self.kick();
                    }
                    return;
                }
            }
        }
    }

    /// Completes the cancelled operations (995).
    fn reap_cancelled(&self) {
        let sockets: Vec<Arc<Socket>> = self.entries.locked().values().cloned().collect();
        let mut ended = Vec::new();
        for s in &sockets {
            {
                let mut l = s.lock();
                for write in [false, true] {
                    let q = l.e.queue(write);
                    if q.iter().any(Waiter::cancelled) {
                        let (gone, kept): (VecDeque<_>, VecDeque<_>) = q.drain(..).partition(Waiter::cancelled);
                        *q = kept;
                        let empty = q.is_empty();
                        ended.extend(gone);
                        if empty {
                            l.mark(write, QUEUED, false);
                        }
                    }
                }
            }
            if ended.is_empty() {
                continue;
            }
            for mut w in ended.drain(..) {
                let _ = w.step(true);
                // Dropped here, with the socket unlocked: it may hold the last reference
                // to a file object.
                drop(w);
            }
            self.resync(&mut s.lock());
        }
    }
}

/// Whether the reactor holds `file`'s socket not ready to read (tests of the short-read
/// rule); None if it never waited.
#[cfg(test)]
pub(super) fn read_blocked(file: &File) -> Option<bool> {
    let reg = file.ext_ref::<Registration>()?;
    reg.socket.edge().then(|| reg.socket.word(false).load(Ordering::Acquire) & BLOCKED != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{adopt, wsa_recv};
    use crate::overlapped::{Lent, Overlapped, Submit};
    use crate::Handle;
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    fn submit(ol: &Arc<Overlapped>) -> Submit {
        Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None }
    }

    fn tcp_pair() -> (TcpStream, TcpStream) {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let cli = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (srv, _) = lst.accept().unwrap();
        (cli, srv)
    }

    /// The direction's state word as `may_try` reads it.
    fn word(file: &File, write: bool) -> u64 {
        let r = reactor("test").unwrap();
        registration(r, file).socket.word(write).load(Ordering::Acquire)
    }

    /// Polls `cond` until it holds (the thread that completes an operation updates the
    /// word after publishing it); fails after 10 s.
    fn eventually(what: &str, cond: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !cond() {
            assert!(Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// The word `may_try` reads without a lock follows the queue: QUEUED while receives
    /// wait (the write direction stays free), and neither QUEUED nor BUSY once they
    /// completed.
    #[test]
    fn the_state_word_follows_the_queue() {
        let (mut cli, srv) = tcp_pair();
        let sock = srv.as_raw_fd() as u64;
        let (_, file) = adopt::socket(sock, "test").unwrap();
        let r = reactor("test").unwrap();
        assert_eq!(registration(r, &file).may_try(false), Some(0), "a new socket may try at once");
        let ols: Vec<_> = (0..2)
            .map(|_| {
                let ol = Arc::new(Overlapped::new());
                wsa_recv(sock, Lent::new(vec![0u8; 1]), 0, submit(&ol)).unwrap();
                ol
            })
            .collect();
        assert_ne!(word(&file, false) & QUEUED, 0, "receives wait");
        assert_eq!(registration(r, &file).may_try(false), None, "a receive queues behind them");
        assert!(registration(r, &file).may_try(true).is_some(), "sends are not held up");
        cli.write_all(b"ab").unwrap();
        for ol in &ols {
            assert_eq!(ol.wait().unwrap().1, 1);
        }
        eventually("the read direction is free again", || word(&file, false) & (QUEUED | BUSY) == 0);
    }

    /// A waiter moves (into its queue, out to the thread that runs it) as plain loads and
    /// stores: at most 128 bytes, no call to memcpy (see `Task`).
    #[test]
    fn a_waiter_fits_in_128_bytes() {
        assert!(std::mem::size_of::<Waiter>() <= 128, "{}", std::mem::size_of::<Waiter>());
    }

    /// A cancelled receive leaves the queue, and the word says so (or every later
    /// receive would queue behind nothing until the next edge).
    #[test]
    fn a_cancelled_receive_leaves_the_direction_free() {
        let (_cli, srv) = tcp_pair();
        let sock = srv.as_raw_fd() as u64;
        let (h, file) = adopt::socket(sock, "test").unwrap();
        let ol = Arc::new(Overlapped::new());
        wsa_recv(sock, Lent::new(vec![0u8; 4]), 0, submit(&ol)).unwrap();
        assert_ne!(word(&file, false) & QUEUED, 0);
        crate::overlapped::cancel_io(h).unwrap();
        assert_eq!(ol.wait().unwrap().0, Win32Error::OPERATION_ABORTED);
        eventually("the read direction is free again", || word(&file, false) & (QUEUED | BUSY) == 0);
    }

    /// An event fetched for a socket whose file object went finds it in the registry
    /// (alive, nothing waiting) until the reactor's next turn, then not at all.
    #[test]
    fn an_event_for_a_socket_that_went_is_harmless() {
        let (_cli, srv) = tcp_pair();
        let sock = srv.as_raw_fd() as u64;
        let r = reactor("test").unwrap();
        let (h, file) = adopt::socket(sock, "test").unwrap();
        let token = registration(r, &file).socket.token;
        assert!(r.entries.locked().contains_key(&token));
        crate::handle::close(h).unwrap();
        drop(file);
        drop(srv);
        use epoll::EventFlags as F;
        r.dispatch(token, F::IN | F::OUT | F::RDHUP);
        eventually("it leaves the registry", || !r.entries.locked().contains_key(&token));
        r.dispatch(token, F::IN | F::OUT);
    }
}

#[cfg(test)]
mod write_tests {
    use super::*;
    use crate::net::{adopt, wsa_send};
    use crate::overlapped::{Lent, Overlapped, Submit};
    use crate::Handle;
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};

    /// A socket whose sends the kernel takes at once is not registered for writable
    /// edges; the first send that must wait registers it, and completes (whole) once the
    /// peer reads, as does a send queued behind it.
    #[test]
    fn a_send_that_waits_registers_writes_and_completes_when_the_peer_reads() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let cli = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (mut srv, _) = lst.accept().unwrap();
        let sock = cli.as_raw_fd() as u64;
        let (_, file) = adopt::socket(sock, "test").unwrap();
        let r = reactor("test").unwrap();
        let armed = || registration(r, &file).socket.entry.locked().writes_armed;
        let submit = |ol: &Arc<Overlapped>| Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None };
        let ol = Arc::new(Overlapped::new());
        wsa_send(sock, Lent::new(vec![1u8; 100]), 0, submit(&ol)).unwrap();
        assert_eq!(ol.wait().unwrap().1, 100);
        assert!(!armed(), "a send taken at once registers nothing");
        // More than the socket buffers hold: it waits for the peer.
        let big = 64 << 20;
        let ols: Vec<_> = [big, 10]
            .into_iter()
            .map(|n| {
                let ol = Arc::new(Overlapped::new());
                wsa_send(sock, Lent::new(vec![2u8; n]), 0, submit(&ol)).unwrap();
                ol
            })
            .collect();
        assert!(ols[0].result().is_none(), "the big send waits");
        // (Its first steps may yield to other sockets before it meets EAGAIN.)
        let deadline = Instant::now() + Duration::from_secs(10);
        while !armed() {
            assert!(Instant::now() < deadline, "a send that met EAGAIN registered writable edges");
            std::thread::sleep(Duration::from_millis(1));
        }
        let mut buf = vec![0u8; 1 << 20];
        let mut got = 0;
        while got < 100 + big + 10 {
            got += srv.read(&mut buf).unwrap();
        }
        assert_eq!(ols[0].wait().unwrap().1, big);
        assert_eq!(ols[1].wait().unwrap().1, 10);
    }
}
