//! Who the caller is (pid, process start time, thread id), whether another process is
//! still alive, and the named mutexes each thread owns (abandoned when it exits).

// Shared memory, futexes and process-shared pthread mutexes have no safe wrapper here:
// every unsafe block states why it is sound.
#![allow(unsafe_code)]

use super::Mapping;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Once};

/// The calling thread, as recorded in shared objects.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Me {
    pub(crate) pid: u32,
    /// The process's start time (clock ticks after boot, /proc/<pid>/stat field 22):
    /// with the pid, names a process even after its pid is reused.
    pub(crate) start: u64,
    pub(crate) tid: u32,
}

static PID: AtomicU32 = AtomicU32::new(0);
static START: AtomicU64 = AtomicU64::new(0);
static ATFORK: Once = Once::new();

thread_local! {
    static TID: Cell<u32> = const { Cell::new(0) };
}

extern "C" fn forked_child() {
    PID.store(0, Relaxed);
    let _ = TID.try_with(|t| t.set(0));
}

extern "C" {
    fn pthread_atfork(
        prepare: Option<extern "C" fn()>,
        parent: Option<extern "C" fn()>,
        child: Option<extern "C" fn()>,
    ) -> libc::c_int;
}

/// The start time and run state of process `pid`, from /proc/<pid>/stat.
fn stat(pid: u32) -> Option<(u64, u8)> {
    let text = std::fs::read(format!("/proc/{pid}/stat")).ok()?;
    let close = text.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(&text[close + 1..]).ok()?;
    let mut fields = rest.split_ascii_whitespace();
    let state = fields.next()?.bytes().next()?;
    // Field 3 is the state; field 22 the start time: 19 further on.
    let start = fields.nth(18)?.parse().ok()?;
    Some((start, state))
}

/// The calling thread (cached; a forked child looks itself up again).
pub(crate) fn me() -> Me {
    let mut pid = PID.load(Relaxed);
    if pid == 0 {
        ATFORK.call_once(|| {
            // SAFETY: registers a handler that only stores to atomics and a
            // thread-local cell.
            unsafe { pthread_atfork(None, None, Some(forked_child)) };
        });
        pid = std::process::id();
        START.store(stat(pid).map_or(0, |s| s.0), Relaxed);
        PID.store(pid, Relaxed);
    }
    let tid = TID.with(|t| {
        if t.get() == 0 {
            // SAFETY: gettid has no arguments and cannot fail.
            t.set(unsafe { libc::syscall(libc::SYS_gettid) } as u32);
        }
        t.get()
    });
    Me { pid, start: START.load(Relaxed), tid }
}

/// True if process `pid` started at `start` still runs (a zombie does not).
pub(crate) fn alive(pid: u32, start: u64) -> bool {
    if pid == 0 {
        return false;
    }
    let me = me();
    if pid == me.pid {
        return start == me.start;
    }
    match stat(pid) {
        Some((s, state)) => s == start && state != b'Z' && state != b'X',
        // Without /proc (start times unknown, recorded as 0): whether the pid exists.
        None if start == 0 => {
            // SAFETY: signal 0 only checks that the process exists and may be signaled.
            let rc = unsafe { libc::kill(pid as libc::pid_t, 0) };
            rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
        }
        None => false,
    }
}

/// Named mutexes the current thread owns; at thread exit they become abandoned.
struct Owned(RefCell<Vec<Arc<Mapping>>>);

impl Drop for Owned {
    fn drop(&mut self) {
        abandon_owned_at_exit(&std::mem::take(&mut *self.0.borrow_mut()));
    }
}

thread_local! {
    static OWNED: Owned = const { Owned(RefCell::new(Vec::new())) };
}

/// Abandons every mutex in `list` the calling thread still owns.
pub(crate) fn abandon_owned_at_exit(list: &[Arc<Mapping>]) {
    let me = me();
    for m in list {
        m.lock().abandon_if_owner(&me);
    }
}

/// Records that the calling thread took ownership of the mutex in `m`.
pub(crate) fn note_owned(m: &Arc<Mapping>) {
    let _ = OWNED.try_with(|o| {
        let Ok(mut list) = o.0.try_borrow_mut() else { return };
        if list.iter().any(|x| Arc::ptr_eq(x, m)) {
            return;
        }
        // Mutexes no longer owned by this thread leave the list as it grows.
        if list.len() >= 16 {
            let me = me();
            list.retain(|x| {
                let s = x.shared();
                s.owner_pid.load(Relaxed) == me.pid && s.owner_tid.load(Relaxed) == me.tid
            });
        }
        list.push(m.clone());
    });
}
