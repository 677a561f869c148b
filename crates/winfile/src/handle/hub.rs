//! The hub: one lock and one condition variable for every waitable object's state.

use crate::poison::MutexExt;
use std::sync::atomic::{fence, AtomicU32, AtomicU64, AtomicUsize, Ordering};
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
    /// Threads in a wait function that may sleep on `changed`, counted from before
    /// their first check to their return ([`waiting`]): while there are none, [`raise`]
    /// changes state without the lock.
    waiting: AtomicUsize,
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
    // Pairs with `raise`'s fence: either it sees this count, or the checks after this
    // see its changes.
    fence(Ordering::SeqCst);
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

static HUB: LazyLock<Hub> = LazyLock::new(|| Hub {
    lock: Mutex::new(()),
    changed: Condvar::new(),
    sleepers: AtomicUsize::new(0),
    waiting: AtomicUsize::new(0),
});

/// Counts the calling thread as waiting (see `Hub::waiting`) until the value drops:
/// taken before a wait function's first check of the objects it may sleep on the hub
/// for (every caller of [`sleep`]).
pub(crate) fn waiting() -> Waiting {
    HUB.waiting.fetch_add(1, Ordering::SeqCst);
    // Pairs with `raise`'s fence: either it sees this count (and wakes the hub), or
    // the checks after this see its changes.
    fence(Ordering::SeqCst);
    Waiting(())
}

/// See [`waiting`].
pub(crate) struct Waiting(());

impl Drop for Waiting {
    fn drop(&mut self) {
        HUB.waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Raises signals (state changes that may satisfy a wait), as [`signal`] does with
/// `locked`, but without the hub lock while no thread is in a wait function that could
/// sleep on the hub or on its futex word: `quiet` then makes the same changes with
/// plain stores ([`HubWord::publish`]), and no wake-up is needed. Nearly every
/// overlapped completion goes this way (the caller polls its completion port, not an
/// object), saving the process-wide lock, the futex word's increment and their cache
/// line traffic between the threads that complete operations.
///
/// Why no wake-up can be lost: a waiter counts itself (`waiting` / `word_sleeper`,
/// then a SeqCst fence) before its first check; this function makes its changes, then
/// a SeqCst fence, then reads the counts. Either the waiter's check sees the changes,
/// or this function sees the waiter and takes the lock to wake it (the lock waits for
/// a waiter between its check and its sleep). A waiter may see part of the changes
/// (`quiet` stores one word after another): callers only use this for changes whose
/// parts any order of observation allows (an OVERLAPPED's result then its file
/// object's signal, no event), and the waiter is woken to look again.
pub(crate) fn raise(quiet: impl FnOnce(), locked: impl FnOnce(&HubGuard<'_>)) {
    let idle = || HUB.waiting.load(Ordering::Relaxed) == 0 && WORD_SLEEPERS.load(Ordering::Relaxed) == 0;
    if !idle() {
        signal(locked);
        return;
    }
    quiet();
    fence(Ordering::SeqCst);
    if !idle() {
        // A waiter came meanwhile: it may have checked before the changes; wake it.
        signal(|_| ());
    }
}

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
        // Acquire: a word `raise` published without the lock brings the stores made
        // before it (an OVERLAPPED's count before its status).
        self.0.load(Ordering::Acquire)
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

    /// Sets the word without the hub lock, in [`raise`]'s `quiet` changes only (while
    /// no thread waits: see there).
    pub(crate) fn publish(&self, v: u64) {
        self.0.store(v, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// `raise` skips the lock only while nobody waits: a waiter that has checked (and
    /// found nothing) but is not asleep yet when the change comes is still woken. The
    /// waiter sleeps with no timeout, so without the guard it would never wake.
    #[test]
    fn raise_wakes_a_waiter_between_its_check_and_its_sleep() {
        static STATE: HubWord = HubWord::new(0);
        let (checked_tx, checked_rx) = mpsc::channel();
        let (woke_tx, woke_rx) = mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let _waiting = waiting();
            let mut g = lock();
            let mut told = false;
            while STATE.get(&g) == 0 {
                if !told {
                    // Still holding the hub lock: the change comes between this check
                    // and the sleep below.
                    checked_tx.send(()).expect("main thread waits");
                    told = true;
                }
                g = sleep(g, None);
            }
            drop(g);
            woke_tx.send(()).expect("main thread waits");
        });
        checked_rx.recv().expect("waiter checks");
        raise(|| STATE.publish(1), |g| STATE.set(g, 1));
        assert!(woke_rx.recv_timeout(Duration::from_secs(60)).is_ok(), "the waiter was never woken");
        waiter.join().expect("waiter");
    }

    /// With nobody waiting, `raise` makes its changes without the lock, and a wait that
    /// starts afterwards sees them.
    #[test]
    fn raise_with_nobody_waiting_is_seen_by_a_later_check() {
        static STATE: HubWord = HubWord::new(0);
        raise(|| STATE.publish(7), |g| STATE.set(g, 7));
        let _waiting = waiting();
        assert_eq!(STATE.get(&lock()), 7);
    }
}
