//! The hub: one lock and one condition variable for every waitable object's state.

use crate::poison::MutexExt;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, LazyLock, Mutex, MutexGuard, OnceLock};
use std::thread::ThreadId;
use std::time::Instant;

/// What a waiter remembers about one object between checks (e.g. the pulse it saw).
#[derive(Clone, Copy, Debug, Default)]
pub struct WaitSlot {
    /// The object's pulse count when the wait began.
    pub seen_pulse: u64,
}

/// An object the wait functions accept. Every method runs under the hub lock, which
/// the `_hub: &HubGuard` parameter proves.
pub trait Waitable: Send + Sync {
    /// Called when a wait on the object begins.
    fn enter(&self, _hub: &HubGuard<'_>, _slot: &mut WaitSlot) {}
    /// Called when that wait ends, however it ends.
    fn leave(&self, _hub: &HubGuard<'_>) {}
    /// Whether a wait by thread `tid` would be satisfied now.
    fn ready(&self, hub: &HubGuard<'_>, tid: ThreadId, slot: &WaitSlot) -> bool;
    /// Takes the signal (auto-reset, mutex ownership, a semaphore count). Returns true
    /// when the object was an abandoned mutex.
    fn consume(&self, hub: &HubGuard<'_>, tid: ThreadId, slot: &WaitSlot) -> bool;
    /// When the object will become signaled by itself (timers), if ever.
    fn deadline(&self, _hub: &HubGuard<'_>) -> Option<Instant> {
        None
    }
}

/// Proof that the hub lock is held.
pub struct HubGuard<'a>(pub(super) MutexGuard<'a, ()>);

struct Hub {
    lock: Mutex<()>,
    changed: Condvar,
    /// Threads sleeping on `changed` (only changed under `lock`): signals with nobody
    /// asleep skip the wake-up system call (every overlapped completion signals).
    sleepers: AtomicUsize,
}

/// Bumped by every `signal`: a wait that mixes in-process objects with named
/// (cross-process) ones sleeps on this word and the named objects' words at once.
static WORD: AtomicU32 = AtomicU32::new(0);
/// Waits currently sleeping on `WORD` (only then does `signal` make the wake call).
static WORD_SLEEPERS: AtomicUsize = AtomicUsize::new(0);

/// The hub's futex word (see `WORD`) and a guard counting a sleeper on it.
pub(crate) fn word() -> &'static AtomicU32 {
    &WORD
}

/// Registers a mixed wait for the lifetime of the returned guard.
pub(crate) fn word_sleeper() -> WordSleeper {
    WORD_SLEEPERS.fetch_add(1, Ordering::SeqCst);
    falling_asleep();
    WordSleeper(())
}

/// Called when a thread starts sleeping in a wait function (a higher layer's hook: the
/// socket reactor, which then serves readiness at once for the sleeper's sake).
static ON_SLEEP: OnceLock<fn()> = OnceLock::new();

/// Installs the [`ON_SLEEP`] hook (once).
pub(crate) fn set_on_sleep(hook: fn()) {
    let _ = ON_SLEEP.set(hook);
}

fn falling_asleep() {
    if let Some(hook) = ON_SLEEP.get() {
        hook();
    }
}

/// Whether a thread sleeps in a wait function now (on the hub or on its futex word).
pub(crate) fn anyone_asleep() -> bool {
    // SeqCst, as the counts' increments (a full barrier on x86): a hook's caller that
    // published a flag before asking sees a sleeper that read the flag after counting.
    HUB.sleepers.load(Ordering::SeqCst) > 0 || WORD_SLEEPERS.load(Ordering::SeqCst) > 0
}

/// See [`word_sleeper`].
pub(crate) struct WordSleeper(());

impl Drop for WordSleeper {
    fn drop(&mut self) {
        WORD_SLEEPERS.fetch_sub(1, Ordering::SeqCst);
    }
}

static HUB: LazyLock<Hub> =
    LazyLock::new(|| Hub { lock: Mutex::new(()), changed: Condvar::new(), sleepers: AtomicUsize::new(0) });

/// Takes the hub lock.
pub(crate) fn lock() -> HubGuard<'static> {
    HubGuard(HUB.lock.locked())
}

/// Changes signal state under the hub lock and wakes every waiter to re-check.
pub(crate) fn signal<R>(f: impl FnOnce(&HubGuard<'_>) -> R) -> R {
    let guard = lock();
    let r = f(&guard);
    let asleep = HUB.sleepers.load(Ordering::Relaxed) > 0;
    WORD.fetch_add(1, Ordering::SeqCst);
    drop(guard);
    if asleep {
        HUB.changed.notify_all();
    }
    if WORD_SLEEPERS.load(Ordering::SeqCst) > 0 {
        super::futex::wake(&WORD, i32::MAX, true);
    }
    r
}

/// Sleeps until a state change or `until`, releasing the hub lock meanwhile.
pub(crate) fn sleep(guard: HubGuard<'static>, until: Option<Instant>) -> HubGuard<'static> {
    let inner = guard.0;
    HUB.sleepers.fetch_add(1, Ordering::SeqCst);
    falling_asleep();
    let inner = match until {
        None => HUB.changed.wait(inner).unwrap_or_else(std::sync::PoisonError::into_inner),
        Some(t) => {
            let d = t.saturating_duration_since(Instant::now());
            HUB.changed.wait_timeout(inner, d).unwrap_or_else(std::sync::PoisonError::into_inner).0
        }
    };
    HUB.sleepers.fetch_sub(1, Ordering::Relaxed);
    HubGuard(inner)
}

/// State guarded by the hub lock: a `Mutex` that is only ever taken while the hub is
/// held, so it never contends; the `&HubGuard` argument enforces the discipline.
pub(crate) struct HubCell<T>(Mutex<T>);

impl<T> HubCell<T> {
    pub(crate) fn new(v: T) -> Self {
        Self(Mutex::new(v))
    }

    pub(crate) fn with<R>(&self, _hub: &HubGuard<'_>, f: impl FnOnce(&mut T) -> R) -> R {
        let mut g = self.0.locked();
        f(&mut g)
    }
}

/// A word of state guarded by the hub lock, as [`HubCell`], but kept in an atomic rather
/// than behind a mutex of its own: the state every overlapped operation changes twice
/// (the OVERLAPPED's pending status, the file object's signal) costs no lock beyond the
/// hub's. Relaxed accesses suffice: the hub lock, which every access holds (the
/// `&HubGuard` argument), orders them.
pub(crate) struct HubWord(AtomicU64);

impl HubWord {
    pub(crate) const fn new(v: u64) -> Self {
        Self(AtomicU64::new(v))
    }

    pub(crate) fn get(&self, _hub: &HubGuard<'_>) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn set(&self, _hub: &HubGuard<'_>, v: u64) {
        self.0.store(v, Ordering::Relaxed);
    }

    /// Sets the word without the hub lock: only for a change that takes a signal away
    /// (an operation begins: pending, non-signaled), which wakes no one and which a
    /// waiter may see or not at its check, as if the change came just after it. The
    /// next change under the hub lock by the same thread (the operation's completion)
    /// follows it, as any store by one thread follows its earlier ones.
    pub(crate) fn clear_unlocked(&self, v: u64) {
        self.0.store(v, Ordering::Release);
    }
}
