//! The completion engine: performs overlapped transfers off the caller's thread.
//!
//! The seam every backend implements: `submit(Job)` performs the transfer into or out of
//! the job's lent memory, then calls `job.done` exactly once; `wake_cancelled()` lets
//! operations whose control block was cancelled end promptly. One engine per process,
//! chosen at first use: io_uring where the kernel allows it (probed by creating a ring
//! and running a NOP), else a thread pool; `WINFILE_ENGINE=uring|pool` forces the choice
//! (a forced io_uring that the kernel refuses falls back to the pool; `fallback_reason`
//! says why).
//!
//! Containment: an engine thread runs no caller code but `done`, which only publishes a
//! result (OVERLAPPED, event, port). A panic while finishing one operation is caught at
//! the seam and completes that operation with ERROR_INTERNAL_ERROR; the engine goes on.
//! An io_uring engine whose loop itself fails is retired: its in-flight memory is leaked
//! (the kernel may still write it), its operations complete with ERROR_OPERATION_ABORTED,
//! and later submissions go to a thread pool.

mod memory;
mod pool;
mod uring;

pub use memory::{CallMemory, IoMemory, Lent};

use crate::error::{Error, Result, Win32Error};
use crate::handle::File;
use crate::poison::MutexExt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, ThreadId};

/// An operation's cancellation, as the code performing it holds it.
pub(crate) type OpCtlRef = Ctl;

/// An operation's cancellation: a control block of its own on its handle's in-flight
/// list, or (the socket operations of `net`, begun by `overlapped::begin_with`) none:
/// the cancellation is read from the handle's overlapped state ([`LightCtl`]), with no
/// allocation and no list entry per operation.
#[derive(Clone)]
pub(crate) enum Ctl {
    Block(Arc<OpCtl>),
    Light(crate::overlapped::LightCtl),
}

impl Ctl {
    /// Whether CancelIo (by the issuing thread) or the handle's close cancelled it.
    pub(crate) fn is_cancelled(&self) -> bool {
        match self {
            Ctl::Block(c) => c.is_cancelled(),
            Ctl::Light(c) => c.is_cancelled(),
        }
    }

    /// How to stop an operation that is not the engine's (see [`OpCtl::set_canceller`]).
    /// Only operations with a control block take one: a light operation waits in the
    /// socket reactor, which the cancel waker wakes.
    pub(crate) fn set_canceller(&self, stop: Box<dyn FnOnce() + Send>) {
        debug_assert!(matches!(self, Ctl::Block(_)), "a light operation takes no canceller");
        if let Ctl::Block(c) = self {
            c.set_canceller(stop);
        }
    }

    /// Makes a cancellation run `wake` (see [`OpCtl::set_waker`]). A light operation's
    /// cancellation runs it anyway once it is installed ([`run_cancel_waker`]): this
    /// installs it (a cancellation that came before it was installed finds the operation
    /// queued in the reactor, which wakes itself then, or still running, when its
    /// completion reads the cancellation).
    pub(crate) fn set_waker(&self, wake: fn()) {
        match self {
            Ctl::Block(c) => c.set_waker(wake),
            Ctl::Light(_) => {
                WAKER.get_or_init(|| wake);
            }
        }
    }
}

/// Runs the process's cancel waker, if one is installed (a light operation was
/// cancelled: see [`Ctl::Light`]).
pub(crate) fn run_cancel_waker() {
    if let Some(wake) = WAKER.get() {
        wake();
    }
}

/// Control block of one operation in flight: its cancellation.
pub(crate) struct OpCtl {
    cancelled: AtomicBool,
    issuer: ThreadId,
    /// For operations not run by the engine (directory changes): how to stop them.
    canceller: Mutex<Option<Box<dyn FnOnce() + Send>>>,
    /// Whether a cancellation runs the process's cancel waker ([`OpCtl::set_waker`]).
    wake: AtomicBool,
}

/// The cancel waker of [`OpCtl::set_waker`]: one per process (the socket reactor's
/// wake-up), installed by its first use.
static WAKER: OnceLock<fn()> = OnceLock::new();

thread_local! {
    /// The calling thread's id, kept: `thread::current()` clones (and drops) the thread's
    /// handle, and every overlapped operation asks for its issuer.
    static CURRENT_ID: ThreadId = thread::current().id();
}

/// The calling thread's id (kept: no `thread::current()` per call).
pub(crate) fn current_id() -> ThreadId {
    CURRENT_ID.with(|id| *id)
}

impl OpCtl {
    /// A control block for an operation issued by the calling thread.
    pub(crate) fn new() -> Self {
        OpCtl {
            cancelled: AtomicBool::new(false),
            issuer: current_id(),
            canceller: Mutex::new(None),
            wake: AtomicBool::new(false),
        }
    }

    /// The thread that issued the operation (CancelIo cancels only its own).
    pub(crate) fn issuer(&self) -> ThreadId {
        self.issuer
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// How to stop an operation that is not the engine's.
    pub(crate) fn set_canceller(&self, stop: Box<dyn FnOnce() + Send>) {
        *self.canceller.locked() = Some(stop);
    }

    /// Makes a cancellation run `wake`, the process's one cancel waker (the socket
    /// reactor's wake-up: a plain function that may run more than once, installed by the
    /// first call), without a lock or an allocation, unlike [`OpCtl::set_canceller`]
    /// (every overlapped socket operation sets it). A cancellation that came before
    /// runs it here: either this call sees the cancellation or `cancel` sees the flag
    /// (both sides store, then load, sequentially consistent).
    pub(crate) fn set_waker(&self, wake: fn()) {
        let wake = *WAKER.get_or_init(|| wake);
        self.wake.store(true, Ordering::SeqCst);
        if self.cancelled.load(Ordering::SeqCst) {
            wake();
        }
    }

    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if self.wake.load(Ordering::SeqCst) {
            if let Some(wake) = WAKER.get() {
                wake();
            }
        }
        let stop = self.canceller.locked().take();
        if let Some(stop) = stop {
            stop();
        }
    }
}

/// Publishes an operation's outcome: (status, bytes transferred), through
/// [`Done::call`] (an overlapped request's completion, held by value: no allocation).
pub(crate) use crate::overlapped::Done;

/// One overlapped transfer handed to the engine; checked (access, alignment, locks)
/// before it was queued.
pub(crate) struct Job {
    pub file: Arc<File>,
    /// Write `mem` out (else read into it).
    pub write: bool,
    pub mem: Lent,
    pub offset: u64,
    pub ctl: OpCtlRef,
    pub done: Done,
}

/// The backends.
enum Backend {
    Uring(uring::Uring),
    Pool(pool::Pool),
}

static ENGINE: OnceLock<std::result::Result<Backend, Win32Error>> = OnceLock::new();
/// The pool that replaces a retired io_uring engine.
static FALLBACK: OnceLock<std::result::Result<pool::Pool, Win32Error>> = OnceLock::new();
/// Why the thread pool runs although io_uring was asked for or probed (empty: it was not).
static FALLBACK_REASON: OnceLock<String> = OnceLock::new();

fn engine() -> std::result::Result<&'static Backend, Win32Error> {
    ENGINE
        .get_or_init(|| {
            let forced = std::env::var("WINFILE_ENGINE").unwrap_or_default();
            if forced == "pool" {
                return pool::Pool::start().map(Backend::Pool);
            }
            match uring::Uring::start() {
                Ok(u) => Ok(Backend::Uring(u)),
                Err(why) => {
                    log::debug!("io_uring backend unavailable ({why}); using the thread pool");
                    let _ = FALLBACK_REASON.set(why);
                    pool::Pool::start().map(Backend::Pool)
                }
            }
        })
        .as_ref()
        .map_err(|e| *e)
}

/// The backend in use: "uring" or "pool" (chosen, by probing, at the first call; "pool"
/// also after a retired io_uring engine). "none" when no engine thread could start.
pub fn backend_name() -> &'static str {
    match engine() {
        Ok(Backend::Uring(u)) if !u.retired() => "uring",
        Ok(_) => "pool",
        Err(_) => "none",
    }
}

/// Why io_uring is not in use when it was probed for (the kernel's refusal, e.g.
/// "Operation not permitted (os error 1)" under a seccomp profile); `None` when it runs
/// or the pool was asked for.
pub fn fallback_reason() -> Option<&'static str> {
    FALLBACK_REASON.get().map(String::as_str)
}

/// Whether an engine is running (checked before an operation is begun, so a failure to
/// start one is an error of the call, not a request left pending).
pub(crate) fn ready(api: &'static str) -> Result<()> {
    engine().map(|_| ()).map_err(|code| Error::new(code, api))
}

fn fallback() -> std::result::Result<&'static pool::Pool, Win32Error> {
    FALLBACK.get_or_init(pool::Pool::start).as_ref().map_err(|e| *e)
}

/// Performs the jobs of a kind of handle whose transfers wait somewhere other than the
/// engine's backends (a socket waits for readiness in the net reactor). Set by the module
/// that makes such handles, as a [`PerformerSlot`] extension; the engine never imports it.
pub(crate) trait Performer: Send + Sync + 'static {
    /// Takes `job`; its `done` is called exactly once, now or later.
    fn perform(&self, job: Job);
}

/// The performer of a handle's jobs (see [`Performer`]).
pub(crate) struct PerformerSlot(pub std::sync::Arc<dyn Performer>);

impl crate::handle::Extension for PerformerSlot {}

/// Hands a checked job to the engine; `done` is called exactly once, here (if no engine
/// can take it) or later.
pub(crate) fn submit(job: Job) {
    // Handles with a performer of their own (sockets: the net reactor waits for
    // readiness on both backends, not a worker) take their jobs there.
    if let Some(p) = job.file.with_ext::<PerformerSlot, _>(|s| s.map(|s| s.0.clone())) {
        return p.perform(job);
    }
    if crate::io::device::device_of(&job.file).is_some() {
        // Devices (mailslots) transfer through their own hook, on the pool's threads.
        return resubmit(job);
    }
    match engine() {
        Ok(Backend::Uring(u)) => {
            if let Err(job) = u.submit(job) {
                resubmit(job);
            }
        }
        Ok(Backend::Pool(p)) => p.submit(job),
        Err(code) => job.done.call(code, 0),
    }
}

/// A job the retired io_uring engine had not started: to the thread pool.
fn resubmit(job: Job) {
    match fallback() {
        Ok(p) => p.submit(job),
        Err(code) => job.done.call(code, 0),
    }
}

pub(crate) fn wake_cancelled() {
    match ENGINE.get() {
        Some(Ok(Backend::Uring(u))) => u.wake_cancelled(),
        Some(Ok(Backend::Pool(p))) => p.wake_cancelled(),
        _ => {}
    }
    if let Some(Ok(p)) = FALLBACK.get() {
        p.wake_cancelled();
    }
}

/// Finishing operations to fail on purpose (`inject_finish_panic`).
static INJECTED_PANICS: AtomicU32 = AtomicU32::new(0);

/// Test hook: the next `n` operations to finish panic inside the engine while being
/// finished, as a bug there would. Each must still complete (ERROR_INTERNAL_ERROR) and
/// the engine must go on serving later operations.
#[doc(hidden)]
pub fn inject_finish_panic(n: u32) {
    INJECTED_PANICS.store(n, Ordering::SeqCst);
}

fn injected_panic() {
    let armed = INJECTED_PANICS.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    if armed {
        panic!("winfile: injected completion panic (test hook)");
    }
}

/// Finishes an operation on an engine thread: `finish` does the backend's last steps
/// with the lent memory (the transfer itself on the pool, copying out of a bounce
/// buffer on io_uring) and gives the outcome; the memory then goes back to its lender,
/// and only then does `done` publish the outcome, so that a caller woken by it finds
/// its buffer released. A panic in either step is contained here: the operation
/// completes with ERROR_INTERNAL_ERROR (if `done` had not run) and the thread goes on.
pub(crate) fn finish(done: Done, mut mem: Lent, finish: impl FnOnce(&mut Lent) -> (Win32Error, usize)) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        injected_panic();
        let (status, n) = finish(&mut mem);
        mem.ended(status, n);
        (status, n)
    }));
    drop(mem);
    let (status, n) = outcome.unwrap_or_else(|_| {
        log::error!("winfile: a panic while finishing an overlapped operation was contained");
        (Win32Error::INTERNAL_ERROR, 0)
    });
    if catch_unwind(AssertUnwindSafe(|| done.call(status, n))).is_err() {
        log::error!("winfile: a panic while publishing an overlapped result was contained");
    }
}
