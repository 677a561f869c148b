//! Futex words: wake, and wait on several words at once (`futex_waitv`, Linux 5.16),
//! with a fallback for kernels or sandboxes without it.
//!
//! Words in shared file mappings are woken across processes (no `FUTEX_PRIVATE_FLAG`);
//! the hub's word is process-private.

// Shared memory, futexes and process-shared pthread mutexes have no safe wrapper here:
// every unsafe block states why it is sound.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

const FUTEX_WAIT: i32 = 0;
const FUTEX_WAKE: i32 = 1;
const FUTEX_PRIVATE_FLAG: i32 = 128;
const FUTEX2_SIZE_U32: u32 = 0x02;
const FUTEX2_PRIVATE: u32 = 128;

/// One word of a multi-word wait: sleep while `*word == expected`.
#[derive(Clone, Copy)]
pub struct WaitWord<'a> {
    /// The futex word.
    pub word: &'a AtomicU32,
    /// The value seen before the caller checked its condition.
    pub expected: u32,
    /// True for a word only this process maps (the hub's).
    pub private: bool,
}

#[repr(C)]
struct FutexWaitv {
    val: u64,
    uaddr: u64,
    flags: u32,
    reserved: u32,
}

/// Wakes up to `n` waiters on `word` (in every process mapping it unless `private`).
pub fn wake(word: &AtomicU32, n: i32, private: bool) {
    let op = FUTEX_WAKE | if private { FUTEX_PRIVATE_FLAG } else { 0 };
    // SAFETY: FUTEX_WAKE only reads the address as a key; the reference keeps it valid.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), op, n, std::ptr::null::<libc::timespec>(), 0usize, 0u32);
    }
}

/// The current CLOCK_MONOTONIC time in nanoseconds (the clock `Instant` reads, the
/// same in every process of the machine).
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid out-parameter.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec as u64)
}

/// `deadline` as CLOCK_MONOTONIC nanoseconds.
pub fn instant_ns(deadline: Instant) -> u64 {
    let now = Instant::now();
    let mono = monotonic_ns();
    match deadline.checked_duration_since(now) {
        Some(ahead) => mono.saturating_add(u64::try_from(ahead.as_nanos()).unwrap_or(u64::MAX)),
        None => mono.saturating_sub(u64::try_from((now - deadline).as_nanos()).unwrap_or(u64::MAX)),
    }
}

/// A CLOCK_MONOTONIC nanosecond value as an `Instant`.
pub fn ns_instant(ns: u64) -> Instant {
    let now = Instant::now();
    let mono = monotonic_ns();
    if ns >= mono {
        now.checked_add(Duration::from_nanos(ns - mono)).unwrap_or(now + Duration::from_secs(86_400 * 365))
    } else {
        now.checked_sub(Duration::from_nanos(mono - ns)).unwrap_or(now)
    }
}

static NO_WAITV: AtomicBool = AtomicBool::new(false);

/// Sleeps until one of `words` no longer holds its expected value, a wake on one of
/// them, or `deadline`. Returns early (spuriously) at times; callers re-check.
pub fn wait_any(words: &[WaitWord<'_>], deadline: Option<Instant>) {
    if words.is_empty() {
        if let Some(d) = deadline {
            std::thread::sleep(d.saturating_duration_since(Instant::now()));
        }
        return;
    }
    if words.len() == 1 || NO_WAITV.load(Ordering::Relaxed) {
        return wait_one(words, deadline);
    }
    let list: Vec<FutexWaitv> = words
        .iter()
        .map(|w| FutexWaitv {
            val: u64::from(w.expected),
            uaddr: w.word.as_ptr() as u64,
            flags: FUTEX2_SIZE_U32 | if w.private { FUTEX2_PRIVATE } else { 0 },
            reserved: 0,
        })
        .collect();
    let ts = deadline.map(|d| {
        let ns = instant_ns(d);
        libc::timespec { tv_sec: (ns / 1_000_000_000) as libc::time_t, tv_nsec: (ns % 1_000_000_000) as libc::c_long }
    });
    let ts_ptr = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `list` holds valid futex_waitv entries whose addresses are live atomics
    // borrowed for the call; `ts_ptr` is null or points at a timespec on this frame.
    let rc = unsafe {
        libc::syscall(libc::SYS_futex_waitv, list.as_ptr(), list.len() as u32, 0u32, ts_ptr, libc::CLOCK_MONOTONIC)
    };
    if rc < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS) {
        NO_WAITV.store(true, Ordering::Relaxed);
        wait_one(words, deadline);
    }
}

/// Without `futex_waitv`: sleeps on the first word, in slices of at most 2 ms so the
/// others are looked at again soon.
fn wait_one(words: &[WaitWord<'_>], deadline: Option<Instant>) {
    let w = words[0];
    let mut limit = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    if words.len() > 1 {
        limit = Some(limit.map_or(Duration::from_millis(2), |l| l.min(Duration::from_millis(2))));
    }
    if words.iter().any(|w| w.word.load(Ordering::Acquire) != w.expected) {
        return;
    }
    let ts = limit
        .map(|l| libc::timespec { tv_sec: l.as_secs() as libc::time_t, tv_nsec: l.subsec_nanos() as libc::c_long });
    let ts_ptr = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
    let op = FUTEX_WAIT | if w.private { FUTEX_PRIVATE_FLAG } else { 0 };
    // SAFETY: the word is a live atomic; `ts_ptr` is null or a relative timespec here.
    unsafe {
        libc::syscall(libc::SYS_futex, w.word.as_ptr(), op, w.expected, ts_ptr, 0usize, 0u32);
    }
}
