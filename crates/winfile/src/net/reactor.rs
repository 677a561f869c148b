//! The per-process epoll reactor: one thread that waits for socket readiness and runs the
//! socket operations waiting for it (never Python, only non-blocking system calls and
//! the completion that publishes a result).
//!
//! An operation first runs on the caller's thread, unless the reactor already knows the
//! socket is not ready in that direction; if it is not, it waits here, in a per-socket
//! FIFO (reads and writes apart). A handle's socket is registered once, edge-triggered
//! (IN, OUT, RDHUP, PRI), at its first wait, and stays registered until its file object goes
//! (no epoll_ctl per operation); the reactor counts the edges it sees, so an operation
//! that failed with EAGAIN while an edge arrived runs again instead of waiting for an
//! edge that already came. A receive on a TCP socket that waited and came back short
//! marks the direction not ready too (the short-read rule, see [`wait`]: the receive
//! queue is empty then; never for datagram or AF_UNIX sockets, nor once an event showed
//! urgent data, the peer's close or an error). Transfers (WSASend/WSARecv, ReadFile/
//! WriteFile on a socket) wait in their queue as they are ([`Op::Transfer`], no box);
//! a readiness event takes the entries lock once for its edge counts and the operations
//! it claims, and a claimed direction's run takes it once per operation.
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

impl Op {
    /// One step (see [`BoxedOp`]).
    fn step(&mut self, fd: BorrowedFd<'_>, cancelled: bool) -> Step {
        match self {
            Op::Transfer(t) => t.step(fd, cancelled),
            Op::Boxed(f) => f(fd, cancelled),
        }
    }
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

struct Waiter {
    ctl: Option<OpCtlRef>,
    op: Op,
    /// The descriptor, kept open while the operation waits.
    src: Source,
    /// It met EAGAIN itself (it was not queued on the socket's known state alone): the
    /// peer was behind, so the short-read rule applies when it completes (see [`wait`]).
    tried: bool,
}

impl Waiter {
    fn cancelled(&self) -> bool {
        self.ctl.as_ref().is_some_and(|c| c.is_cancelled())
    }
}

/// One socket's waiting operations. Entries of registered handles (tokens with
/// [`HANDLE_BIT`]) live as long as the handle's file object and track readiness; the
/// others (a bare descriptor's) are registered only while something waits.
#[derive(Default)]
struct Entry {
    read: VecDeque<Waiter>,
    write: VecDeque<Waiter>,
    /// Level-triggered entries: the descriptor (kept open while registered) and what is
    /// registered now.
    src: Option<Source>,
    registered: epoll::EventFlags,
    /// Edge-triggered entries: read and write edges seen so far ...
    rseq: u64,
    wseq: u64,
    /// ... and whether the direction may be ready (false once an operation met EAGAIN
    /// with no edge since, or a receive on a TCP socket came back short). Unknown counts
    /// as ready.
    rblocked: bool,
    wblocked: bool,
    /// The short-read rule applies: a TCP socket (see [`Registration::tcp`]) on which no
    /// event has shown urgent data (EPOLLPRI: a receive stops short at the urgent mark,
    /// data left after it), the peer's close or an error (EPOLLRDHUP/HUP/ERR: a receive
    /// returns the last bytes short, and the end of stream or the error stays readable
    /// with no edge to come). Cleared for good by such an event.
    tcp: bool,
    /// A thread is running the direction's waiting operations (`drain`): it runs them
    /// in order; others leave them to it.
    rbusy: bool,
    wbusy: bool,
}

impl Entry {
    fn queue(&mut self, write: bool) -> &mut VecDeque<Waiter> {
        if write {
            &mut self.write
        } else {
            &mut self.read
        }
    }

    fn seq(&self, write: bool) -> u64 {
        if write {
            self.wseq
        } else {
            self.rseq
        }
    }

    fn blocked(&mut self, write: bool) -> &mut bool {
        if write {
            &mut self.wblocked
        } else {
            &mut self.rblocked
        }
    }

    fn busy(&mut self, write: bool) -> &mut bool {
        if write {
            &mut self.wbusy
        } else {
            &mut self.rbusy
        }
    }

    /// Claims the direction's waiting operations for the calling thread, if any wait and
    /// no thread runs them already.
    fn claim(&mut self, write: bool) -> bool {
        if *self.busy(write) || self.queue(write).is_empty() {
            return false;
        }
        *self.busy(write) = true;
        true
    }
}

/// A handle's socket registered with the reactor (edge-triggered, for the life of its
/// file object): the token its events carry. Dropping the file object unregisters it.
struct Registration {
    token: u64,
    /// A TCP socket (SOCK_STREAM, IPPROTO_TCP, over AF_INET or AF_INET6), read once at
    /// registration: a receive that returns fewer bytes than asked drained its receive
    /// queue (tcp_recvmsg copies until the queue is empty or the buffer full, stopping
    /// early only at the urgent mark). Not AF_UNIX (a message with SCM_RIGHTS or other
    /// credentials ends a read early), not datagrams (one datagram per receive).
    tcp: bool,
}

impl Extension for Registration {
    fn on_drop(&self, file: &File) {
        let Some(Ok(r)) = REACTOR.get() else { return };
        if self.token == 0 {
            return; // never registered
        }
        // The descriptor is still open here: it leaves the epoll set with it.
        let _ = epoll::delete(&r.epoll, file.fd());
        // The entry goes on the reactor's next turn (a file object may be dropped where
        // the entries are locked: this hook never locks them).
        r.gone.locked().push(self.token);
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
    entries: Mutex<Entries>,
    /// The next registered handle's token.
    next: AtomicU64,
    /// Tokens of registered file objects that went (their entries are removed).
    gone: Mutex<Vec<u64>>,
    any_gone: AtomicBool,
    /// Directions (token, write) whose first operation yielded ([`Step::Yield`]): run
    /// again by whichever thread polls next, which does not sleep while any is here.
    yielded: Mutex<Vec<(u64, bool)>>,
    any_yielded: AtomicBool,
}

/// The reactor's entries by token. Tokens are numbers the reactor hands out (or
/// descriptor numbers), never chosen by a caller: SipHash's flood resistance buys
/// nothing, and every socket operation looks its entry up once or more.
type Entries = HashMap<u64, Entry, BuildHasherDefault<TokenHasher>>;

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

/// The token `src`'s events carry, and whether the short-read rule may apply (a TCP
/// socket's registration): a handle's socket is registered (edge-triggered) at its first
/// wait; a bare descriptor, or a handle epoll refuses, goes by its number.
fn token_of(r: &Reactor, src: &Source) -> (u64, bool) {
    match src {
        Source::File(file) => token_of_file(r, file),
        Source::Fd(_) => (src.fd().as_raw_fd() as u64, false),
    }
}

/// [`token_of`] a handle's socket.
fn token_of_file(r: &Reactor, file: &File) -> (u64, bool) {
    if let Some(found) = file.with_ext::<Registration, _>(|reg| reg.map(|reg| (reg.token, reg.tcp))) {
        return found;
    }
    let reg = file.ext_or_insert_with(|| {
        let token = HANDLE_BIT | r.next.fetch_add(1, Ordering::Relaxed);
        use epoll::EventFlags as F;
        // PRI: urgent data turns the short-read rule off for the socket (`Entry::tcp`).
        let flags = F::IN | F::OUT | F::RDHUP | F::PRI | F::ET;
        match epoll::add(&r.epoll, file.fd(), epoll::EventData::new_u64(token), flags) {
            Ok(()) => Registration { token, tcp: is_tcp(file.fd()) },
            Err(err) => {
                log::debug!("epoll_ctl on a socket failed: {err}");
                Registration { token: 0, tcp: false }
            }
        }
    });
    if reg.token == 0 {
        (file.fd().as_raw_fd() as u64, false)
    } else {
        (reg.token, reg.tcp)
    }
}

/// A TCP socket over IPv4 or IPv6 (see [`Registration::tcp`]): getsockopt(2) SO_TYPE,
/// SO_DOMAIN, SO_PROTOCOL, once per registration.
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
pub(crate) fn wait(r: &'static Reactor, src: Source, write: bool, ctl: Option<OpCtlRef>, op: impl Into<Op>) {
    wait_after(r, src, write, ctl, op, Tried::No);
}

/// What the caller of [`wait_after`] already did with the operation on its own thread.
pub(crate) enum Tried {
    /// Nothing: [`wait`].
    No,
    /// It ran its first step, which met EAGAIN, after [`may_try`] gave this edge count.
    Again(u64),
    /// It ran its first step, which yielded (a long send).
    Yielded,
}

/// Whether an operation on the handle's socket `file` may run its first step on the
/// caller's thread before it is begun: nothing waits ahead of it in its direction and
/// the socket is not known not to be ready. `Some(edge count)` to pass to
/// [`wait_after`] as [`Tried::Again`] if the step then meets EAGAIN (an edge that comes
/// meanwhile makes it run again, as in [`wait`]).
pub(crate) fn may_try(r: &'static Reactor, file: &File, write: bool) -> Option<u64> {
    let (token, tcp) = token_of_file(r, file);
    first_step_now(&mut r.entries.locked(), token, tcp, write)
}

/// The direction's edge count if an operation on `token` may run its first step now
/// (nothing waits ahead of it, no thread runs the direction, and a registered handle's
/// socket is not known not to be ready); `None` if it must queue. Creates the entry.
fn first_step_now(entries: &mut Entries, token: u64, tcp: bool, write: bool) -> Option<u64> {
    let e = entries.entry(token).or_insert_with(|| Entry { tcp, ..Entry::default() });
    let known_blocked = token & HANDLE_BIT != 0 && *e.blocked(write);
    if known_blocked || *e.busy(write) || !e.queue(write).is_empty() {
        return None;
    }
    Some(e.seq(write))
}

/// [`wait`] for an operation whose first step the caller ran itself ([`may_try`]).
pub(crate) fn wait_after(
    r: &'static Reactor,
    src: Source,
    write: bool,
    ctl: Option<OpCtlRef>,
    op: impl Into<Op>,
    tried: Tried,
) {
    let (token, tcp) = token_of(r, &src);
    let edge = token & HANDLE_BIT != 0;
    if let Some(ctl) = &ctl {
        // A plain function (the reactor is a static), set without a lock: every
        // overlapped socket operation sets one.
        ctl.set_waker(wake_reactor);
    }
    let mut waiter = Waiter { ctl, op: op.into(), src, tried: false };
    let mut tried = tried;
    loop {
        let (step, seq) = match std::mem::replace(&mut tried, Tried::No) {
            Tried::Again(seq) => (Step::Again, seq),
            Tried::Yielded => (Step::Yield, 0),
            Tried::No => {
                let mut entries = r.entries.locked();
                let Some(seq) = first_step_now(&mut entries, token, tcp, write) else {
                    r.enqueue(entries, token, write, waiter);
                    return;
                };
                drop(entries);
                let cancelled = waiter.cancelled();
                (waiter.op.step(waiter.src.fd(), cancelled), seq)
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
        waiter.tried = !yielded;
        let mut entries = r.entries.locked();
        // One look at the entry: the edge count, the mark, the queue.
        let e = entries.entry(token).or_default();
        if edge && !yielded {
            if e.seq(write) != seq {
                // An edge came while the operation ran: it may be ready now.
                continue;
            }
            *e.blocked(write) = true;
        }
        let cancelled = waiter.cancelled();
        e.queue(write).push_back(waiter);
        r.resync(&mut entries, token);
        drop(entries);
        if cancelled {
            // As in `enqueue`.
            r.wake();
        }
        if yielded {
            // Still ready: run again by the next thread that polls.
            r.yield_again(token, write);
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

    /// Queues `waiter` behind its direction's other operations (the entries locked by
    /// the caller, released here). A cancellation that came before it was queued woke
    /// the polling thread too early to find it: wake it again.
    fn enqueue(&self, mut entries: MutexGuard<'_, Entries>, token: u64, write: bool, waiter: Waiter) {
        let cancelled = waiter.cancelled();
        entries.entry(token).or_default().queue(write).push_back(waiter);
        self.resync(&mut entries, token);
        drop(entries);
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

    /// Consumes the cancellation wake-up (the cancelled operations are reaped next).
    fn take_wake(&self) {
        let mut buf = [0u8; 8];
        let _ = rustix::io::read(&self.wake, &mut buf);
        self.cancel_pending.store(true, Ordering::Release);
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

    /// Registers a level-triggered entry's descriptor as its queues need (IN while reads
    /// wait, OUT while writes wait), and forgets it when nothing waits. Registered
    /// handles' entries stay as they are.
    fn resync(&self, entries: &mut Entries, token: u64) {
        use epoll::EventFlags as F;
        if token & HANDLE_BIT != 0 {
            return;
        }
        let Some(e) = entries.get_mut(&token) else { return };
        let mut want = F::empty();
        if !e.read.is_empty() {
            want |= F::IN | F::RDHUP;
        }
        if !e.write.is_empty() {
            want |= F::OUT;
        }
        if want == e.registered {
            if want.is_empty() {
                entries.remove(&token);
            }
            return;
        }
        if e.src.is_none() {
            e.src = e.read.front().or(e.write.front()).map(|w| w.src.clone());
        }
        let Some(src) = e.src.as_ref() else {
            entries.remove(&token);
            return;
        };
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
            entries.remove(&token);
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
        // One look at the entry: count the edges, and claim the directions that have
        // operations to run (a socket's read edge nearly always shows it writable too).
        let mut entries = self.entries.locked();
        let Some(e) = entries.get_mut(&token) else { return };
        if token & HANDLE_BIT != 0 {
            if readable {
                e.rseq += 1;
                e.rblocked = false;
            }
            if writable {
                e.wseq += 1;
                e.wblocked = false;
            }
            if flags.intersects(F::PRI | F::RDHUP | F::HUP | F::ERR) {
                e.tcp = false; // the short-read rule is off for good (see `Entry::tcp`)
            }
        }
        let (read, write) = (readable && e.claim(false), writable && e.claim(true));
        // The first claimed direction's run starts with this look at the entries (no
        // second lock to take its first operation).
        match (read, write) {
            (false, false) => self.resync(&mut entries, token),
            (false, true) => self.run_claimed(token, true, Some(entries)),
            (true, write) => {
                self.run_claimed(token, false, Some(entries));
                if write {
                    self.run_claimed(token, true, None);
                }
            }
        }
    }

    /// The short-read rule (see [`wait`]): a receive that began at read-edge count `seq`
    /// came back short; marks the read direction not ready if the rule applies to the
    /// socket and no edge was seen since. Whether it marked it.
    fn drained(&self, entries: &mut Entries, token: u64, seq: u64) -> bool {
        let Some(e) = entries.get_mut(&token) else { return false };
        if e.tcp && e.rseq == seq {
            e.rblocked = true;
            return true;
        }
        false
    }

    /// Runs the operations waiting on `token` in one direction, in order, until one is
    /// not ready (unless another thread is already at it: it sees the new edge).
    fn drain(&self, token: u64, write: bool) {
        let mut entries = self.entries.locked();
        let Some(e) = entries.get_mut(&token) else { return };
        if e.claim(write) {
            self.run_claimed(token, write, Some(entries));
        }
    }

    /// Runs the operations of a direction this thread claimed ([`Entry::claim`]), in
    /// order, until one is not ready or none is left; then releases the direction. One
    /// lock of the entries per operation run; `held`: the entries as the claim left them
    /// locked (the first operation is taken under that lock).
    fn run_claimed(&self, token: u64, write: bool, held: Option<MutexGuard<'_, Entries>>) {
        let edge = token & HANDLE_BIT != 0;
        let mut held = held;
        loop {
            let (mut waiter, seq) = {
                let mut entries = held.take().unwrap_or_else(|| self.entries.locked());
                let Some(e) = entries.get_mut(&token) else { return };
                let seq = e.seq(write);
                let Some(waiter) = e.queue(write).pop_front() else {
                    *e.busy(write) = false;
                    self.resync(&mut entries, token);
                    return;
                };
                drop(entries);
                (waiter, seq)
            };
            let cancelled = waiter.cancelled();
            let step = waiter.op.step(waiter.src.fd(), cancelled);
            match step {
                Step::Done | Step::Drained => {
                    let tried = waiter.tried;
                    // Dropped with the entries unlocked: it may hold the last reference
                    // to a file object.
                    drop(waiter);
                    let mut entries = self.entries.locked();
                    if matches!(step, Step::Drained)
                        && tried
                        && edge
                        && !write
                        && self.drained(&mut entries, token, seq)
                    {
                        // The receives behind it would fail with EAGAIN: they wait for the
                        // next edge.
                        if let Some(e) = entries.get_mut(&token) {
                            e.rbusy = false;
                        }
                        return;
                    }
                    held = Some(entries);
                }
                Step::Yield => {
                    // It keeps its place; the others' turn first (see `run_yielded`).
                    let mut entries = self.entries.locked();
                    if let Some(e) = entries.get_mut(&token) {
                        e.queue(write).push_front(waiter);
                        *e.busy(write) = false;
                        drop(entries);
                        self.yield_again(token, write);
                    } else {
                        drop(entries);
                        let _ = waiter.op.step(waiter.src.fd(), true);
                    }
                    return;
                }
                Step::Again => {
                    let mut entries = self.entries.locked();
                    let Some(e) = entries.get_mut(&token) else {
                        // Forgotten meanwhile (cannot happen while it waited): end it.
                        drop(entries);
                        let _ = waiter.op.step(waiter.src.fd(), true);
                        return;
                    };
                    waiter.tried = true;
                    e.queue(write).push_front(waiter);
                    if edge && e.seq(write) != seq {
                        // An edge came while it ran: try again.
                        held = Some(entries);
                        continue;
                    }
                    if edge {
                        *e.blocked(write) = true;
                    }
                    *e.busy(write) = false;
                    return;
                }
            }
        }
    }

    /// Completes the cancelled operations (995).
    fn reap_cancelled(&self) {
        let mut ended = Vec::new();
        {
            let mut entries = self.entries.locked();
            for (&token, e) in entries.iter_mut() {
                for q in [&mut e.read, &mut e.write] {
                    if q.iter().any(Waiter::cancelled) {
                        let (gone, kept): (VecDeque<_>, VecDeque<_>) = q.drain(..).partition(Waiter::cancelled);
                        *q = kept;
                        ended.extend(gone.into_iter().map(|w| (token, w)));
                    }
                }
            }
        }
        if ended.is_empty() {
            return;
        }
        let mut tokens = Vec::new();
        for (token, mut w) in ended.drain(..) {
            let _ = w.op.step(w.src.fd(), true);
            tokens.push(token);
            // Dropped here, with the entries unlocked: it may hold the last reference
            // to a file object.
            drop(w);
        }
        let mut entries = self.entries.locked();
        for token in tokens {
            self.resync(&mut entries, token);
        }
    }
}

/// Whether the reactor holds `file`'s socket not ready to read (tests of the short-read
/// rule); None if it never waited.
#[cfg(test)]
pub(super) fn read_blocked(file: &File) -> Option<bool> {
    let r = REACTOR.get()?.as_ref().ok()?;
    let token = file.ext::<Registration>()?.token;
    r.entries.locked().get(&token).map(|e| e.rblocked)
}
