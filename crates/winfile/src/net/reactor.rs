//! The per-process epoll reactor: one thread that waits for socket readiness and runs the
//! socket operations waiting for it (never Python, only non-blocking system calls and
//! the completion that publishes a result).
//!
//! An operation first runs on the caller's thread; if the socket is not ready it waits
//! here, in a per-descriptor FIFO (reads and writes apart), registered level-triggered
//! for as long as something waits. Cancellation (CancelIo, a closing handle) wakes the
//! thread through an eventfd; the operation then completes with 995. Every 100 ms the
//! thread also sweeps adopted descriptors the caller closed (`adopt::sweep`).
//! WSAEventSelect watches (`select`) are edge-triggered registrations of their own.

use super::{adopt, select};
use crate::engine::OpCtlRef;
use crate::error::{Error, Result, Win32Error};
use crate::handle::File;
use crate::poison::MutexExt;
use rustix::event::{epoll, eventfd, EventfdFlags, Timespec};
use std::collections::{HashMap, VecDeque};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// What an operation's step achieved.
pub(crate) enum Step {
    /// Completed (its result published).
    Done,
    /// Not ready: run again when the descriptor is.
    Again,
}

/// One step of an operation: called with the descriptor and whether the operation was
/// cancelled (it must then complete with 995 and return `Done`).
pub(crate) type Op = Box<dyn FnMut(BorrowedFd<'_>, bool) -> Step + Send>;

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
}

impl Waiter {
    fn cancelled(&self) -> bool {
        self.ctl.as_ref().is_some_and(|c| c.is_cancelled())
    }
}

struct Entry {
    src: Source,
    read: VecDeque<Waiter>,
    write: VecDeque<Waiter>,
    registered: epoll::EventFlags,
}

/// Token of the wake-up eventfd; select watches use tokens with [`SELECT_BIT`].
const WAKE: u64 = u64::MAX;
/// Marks a select watch's token.
pub(super) const SELECT_BIT: u64 = 1 << 62;
/// How often adopted descriptors are checked for having been closed by the caller.
const SWEEP: Duration = Duration::from_millis(100);

pub(super) struct Reactor {
    epoll: OwnedFd,
    wake: OwnedFd,
    entries: Mutex<HashMap<RawFd, Entry>>,
}

static REACTOR: OnceLock<std::result::Result<Reactor, Win32Error>> = OnceLock::new();

/// The reactor, started at first use; ERROR_NO_SYSTEM_RESOURCES if it cannot start.
pub(super) fn reactor(api: &'static str) -> Result<&'static Reactor> {
    REACTOR
        .get_or_init(|| {
            let start = || -> std::io::Result<Reactor> {
                let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
                let wake = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
                epoll::add(&epoll, &wake, epoll::EventData::new_u64(WAKE), epoll::EventFlags::IN)?;
                Ok(Reactor { epoll, wake, entries: Mutex::new(HashMap::new()) })
            };
            let r = start().map_err(|e| {
                log::debug!("socket reactor could not start: {e}");
                Win32Error::NO_SYSTEM_RESOURCES
            })?;
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
                    r.run();
                })
                .map_err(|_| Win32Error::NO_SYSTEM_RESOURCES)?;
            Ok(r)
        })
        .as_ref()
        .map_err(|&code| Error::new(code, api))
}

/// Runs `op` now on the caller's thread; if the descriptor is not ready, queues it
/// (after the operations already waiting in that direction) until it is.
pub(crate) fn wait(r: &'static Reactor, src: Source, write: bool, ctl: Option<OpCtlRef>, mut op: Op) {
    let fd = src.fd().as_raw_fd();
    if let Some(ctl) = &ctl {
        ctl.set_canceller(Box::new(move || r.wake()));
    }
    let mut waiter = Waiter { ctl, op: Box::new(|_, _| Step::Done) };
    {
        let mut entries = r.entries.locked();
        let queued = entries.get(&fd).is_some_and(|e| !if write { &e.write } else { &e.read }.is_empty());
        if queued {
            waiter.op = op;
            let e = entries.get_mut(&fd).expect("checked above");
            if write {
                e.write.push_back(waiter)
            } else {
                e.read.push_back(waiter)
            }
            r.resync(&mut entries, fd);
            return;
        }
    }
    let cancelled = waiter.cancelled();
    if let Step::Done = op(src.fd(), cancelled) {
        return;
    }
    waiter.op = op;
    let mut entries = r.entries.locked();
    let e = entries.entry(fd).or_insert_with(|| Entry {
        src,
        read: VecDeque::new(),
        write: VecDeque::new(),
        registered: epoll::EventFlags::empty(),
    });
    let cancelled = waiter.cancelled();
    if write {
        e.write.push_back(waiter)
    } else {
        e.read.push_back(waiter)
    }
    r.resync(&mut entries, fd);
    drop(entries);
    // A cancellation between the try and the queueing woke the reactor too early to
    // find it queued: wake it again.
    if cancelled {
        r.wake();
    }
}

impl Reactor {
    /// Wakes the reactor thread (a cancellation to notice).
    pub(super) fn wake(&self) {
        let _ = rustix::io::write(&self.wake, &1u64.to_ne_bytes());
    }

    pub(super) fn epoll(&self) -> BorrowedFd<'_> {
        self.epoll.as_fd()
    }

    /// Registers `fd` as its queues need (IN while reads wait, OUT while writes wait),
    /// and forgets it when nothing waits.
    fn resync(&self, entries: &mut HashMap<RawFd, Entry>, fd: RawFd) {
        use epoll::EventFlags as F;
        let Some(e) = entries.get_mut(&fd) else { return };
        let mut want = F::empty();
        if !e.read.is_empty() {
            want |= F::IN | F::RDHUP;
        }
        if !e.write.is_empty() {
            want |= F::OUT;
        }
        if want == e.registered {
            if want.is_empty() {
                entries.remove(&fd);
            }
            return;
        }
        let data = epoll::EventData::new_u64(fd as u64);
        let r = if e.registered.is_empty() {
            epoll::add(&self.epoll, e.src.fd(), data, want)
        } else if want.is_empty() {
            epoll::delete(&self.epoll, e.src.fd())
        } else {
            epoll::modify(&self.epoll, e.src.fd(), data, want)
        };
        if let Err(err) = r {
            log::debug!("epoll_ctl on a socket failed: {err}");
        }
        e.registered = want;
        if want.is_empty() {
            entries.remove(&fd);
        }
    }

    fn run(&self) {
        let mut events: Vec<epoll::Event> = Vec::with_capacity(256);
        let mut swept = Instant::now();
        let tick = Timespec { tv_sec: 0, tv_nsec: 100_000_000 };
        loop {
            events.clear();
            if let Err(e) = epoll::wait(&self.epoll, rustix::buffer::spare_capacity(&mut events), Some(&tick)) {
                if e != rustix::io::Errno::INTR {
                    log::error!("socket reactor: epoll_wait failed: {e}");
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            for ev in &events {
                let token = ev.data.u64();
                let flags = ev.flags;
                if token == WAKE {
                    let mut buf = [0u8; 8];
                    let _ = rustix::io::read(&self.wake, &mut buf);
                } else if token & SELECT_BIT != 0 {
                    select::on_event(token & !SELECT_BIT, flags);
                } else {
                    self.dispatch(token as RawFd, flags);
                }
            }
            self.reap_cancelled();
            if swept.elapsed() >= SWEEP {
                adopt::sweep();
                swept = Instant::now();
            }
        }
    }

    fn dispatch(&self, fd: RawFd, flags: epoll::EventFlags) {
        use epoll::EventFlags as F;
        if flags.intersects(F::IN | F::ERR | F::HUP | F::RDHUP) {
            self.drain(fd, false);
        }
        if flags.intersects(F::OUT | F::ERR | F::HUP) {
            self.drain(fd, true);
        }
        let mut entries = self.entries.locked();
        self.resync(&mut entries, fd);
    }

    /// Runs the operations waiting on `fd` in one direction, in order, until one is not
    /// ready.
    fn drain(&self, fd: RawFd, write: bool) {
        loop {
            let (src, mut waiter) = {
                let mut entries = self.entries.locked();
                let Some(e) = entries.get_mut(&fd) else { return };
                let q = if write { &mut e.write } else { &mut e.read };
                let Some(w) = q.pop_front() else { return };
                (e.src.clone(), w)
            };
            let cancelled = waiter.cancelled();
            if let Step::Again = (waiter.op)(src.fd(), cancelled) {
                let mut entries = self.entries.locked();
                if let Some(e) = entries.get_mut(&fd) {
                    if write {
                        e.write.push_front(waiter)
                    } else {
                        e.read.push_front(waiter)
                    }
                } else {
                    // Forgotten meanwhile (cannot happen while it waited): end it.
                    drop(entries);
                    let _ = (waiter.op)(src.fd(), true);
                }
                return;
            }
        }
    }

    /// Completes the cancelled operations (995).
    fn reap_cancelled(&self) {
        let mut ended = Vec::new();
        {
            let mut entries = self.entries.locked();
            for (&fd, e) in entries.iter_mut() {
                for q in [&mut e.read, &mut e.write] {
                    if q.iter().any(Waiter::cancelled) {
                        let (gone, kept): (VecDeque<_>, VecDeque<_>) = q.drain(..).partition(Waiter::cancelled);
                        *q = kept;
                        ended.extend(gone.into_iter().map(|w| (fd, e.src.clone(), w)));
                    }
                }
            }
        }
        if ended.is_empty() {
            return;
        }
        let mut fds = Vec::new();
        for (fd, src, mut w) in ended {
            let _ = (w.op)(src.fd(), true);
            fds.push(fd);
        }
        let mut entries = self.entries.locked();
        for fd in fds {
            self.resync(&mut entries, fd);
        }
    }
}
