//! Named synchronization objects shared by every winfile process of the user: one small
//! shared-memory file per object, no daemon. See `docs/named-objects.md`.
//!
//! - `Local\name` and bare names live in `<runtime>/winfile/objects/` (the per-user
//!   runtime directory, mode 0700: see `path/runtime.rs`); `Global\name` in
//!   `/dev/shm/winfile-global/` (sticky, world-writable; object files mode 0666) so
//!   other users' winfile processes see them where permissions allow.
//! - A file is named by a 128-bit hash of the name (names may hold any character and be
//!   260 UTF-16 units long); the full name is stored inside and compared.
//! - Its state (event, mutex, semaphore or timer fields, a futex word bumped at every
//!   change, the table of holder processes) is changed under a process-shared *robust*
//!   pthread mutex: a holder killed inside it leaves `EOWNERDEAD` to the next locker,
//!   and every update is ordered so that any prefix of it is a valid state.
//! - An object exists while a live process holds a handle: holders are (pid, start time,
//!   count) slots. A file whose holders are all dead or gone is a nonexistent object:
//!   a Create re-initialises it in place, an Open unlinks it (under the namespace's
//!   `flock`, which dies with its holder) and answers ERROR_FILE_NOT_FOUND.
//! - Each process keeps its mappings (also after its last handle closes), so an
//!   uncontended Create/Wait/Release/Close makes no system call.

// Shared memory, futexes and process-shared pthread mutexes have no safe wrapper here:
// every unsafe block states why it is sound.
#![allow(unsafe_code)]

mod dirs;
mod proc;

pub(crate) use proc::{me, note_owned, Me};

use crate::error::Win32Error;
use crate::handle::futex;
use crate::poison::MutexExt;
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Arc, LazyLock, Mutex};

const MAGIC: u32 = 0x4f4e_4657; // "WFNO"
const VERSION: u32 = 2;
const HOLDERS: usize = 256;
/// 260 UTF-16 units are at most 1040 bytes of UTF-8.
const NAME_BYTES: usize = 1040;
/// Windows' MAX_PATH: longer names fail with ERROR_FILENAME_EXCED_RANGE.
pub const MAX_NAME: usize = 260;

/// The object types (a name belongs to one type at a time).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub(crate) enum Kind {
    Event = 1,
    Mutex = 2,
    Semaphore = 3,
    Timer = 4,
}

/// The state a Create gives a fresh object.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Init {
    Event { manual: bool, initial: bool },
    Mutex { owned: bool },
    Semaphore { initial: i32, maximum: i32 },
    Timer { manual: bool },
}

impl Init {
    fn kind(self) -> Kind {
        match self {
            Init::Event { .. } => Kind::Event,
            Init::Mutex { .. } => Kind::Mutex,
            Init::Semaphore { .. } => Kind::Semaphore,
            Init::Timer { .. } => Kind::Timer,
        }
    }
}

#[repr(C)]
struct Holder {
    pid: AtomicU32,
    count: AtomicU32,
    start: AtomicU64,
}

/// The shared page(s) of one object. Every field is changed under `lock` only.
#[repr(C)]
pub(crate) struct Shared {
    magic: AtomicU32,
    version: AtomicU32,
    kind: AtomicU32,
    /// 1 once the file was unlinked (or is about to be): mappings must look again.
    dead: AtomicU32,
    lock: UnsafeCell<libc::pthread_mutex_t>,
    /// The futex word: bumped under `lock` by every state change.
    pub(crate) seq: AtomicU32,
    /// Waits sleeping on `seq` (a state change makes the wake call only when non-zero).
    sleepers: AtomicU32,
    /// Those of them waiting on several objects (then every change wakes all sleepers).
    multi: AtomicU32,
    // Events.
    signaled: AtomicU32,
    manual: AtomicU32,
    waiters: AtomicU32,
    pulse_budget: AtomicU32,
    pulses: AtomicU64,
    // Mutexes: the owner thread as (pid, start time, tid); pid 0 = free.
    owner_pid: AtomicU32,
    owner_tid: AtomicU32,
    owner_start: AtomicU64,
    recursion: AtomicU32,
    abandoned: AtomicU32,
    // Semaphores.
    count: AtomicI32,
    maximum: AtomicI32,
    // Timers: CLOCK_MONOTONIC due time (0 = not armed) and period.
    due_ns: AtomicU64,
    period_ns: AtomicU64,
    name_len: AtomicU32,
    _pad: u32,
    name: [UnsafeCell<u8>; NAME_BYTES],
    holders: [Holder; HOLDERS],
}

const FILE_LEN: usize = std::mem::size_of::<Shared>().next_multiple_of(4096);

/// One mapped object file (one per object and process; handles share it).
pub(crate) struct Mapping {
    ptr: NonNull<Shared>,
    /// (device, inode): the order in which wait-all locks several objects.
    pub(crate) id: (u64, u64),
    /// Holder slot of this process, plus one (0 = not looked up).
    slot: AtomicUsize,
}

// SAFETY: the mapping is shared memory accessed only through atomics and the
// process-shared pthread mutex; the pointer stays valid until `Drop` unmaps it.
unsafe impl Send for Mapping {}
// SAFETY: as above.
unsafe impl Sync for Mapping {}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from mmap of FILE_LEN bytes; nothing references it after
        // the last Arc (guards borrow the Mapping).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), FILE_LEN) };
    }
}

impl Mapping {
    pub(crate) fn shared(&self) -> &Shared {
        // SAFETY: valid for the Mapping's life (see the Send/Sync note).
        unsafe { self.ptr.as_ref() }
    }

    /// Takes the object's lock. A holder that died inside leaves `EOWNERDEAD`: the lock
    /// is made consistent and the guard wakes every waiter when released, in case the
    /// dead holder changed state without bumping the word.
    pub(crate) fn lock(&self) -> Locked<'_> {
        let s = self.shared();
        // SAFETY: the mutex was initialised process-shared and robust before `magic`
        // was published; the mapping is live.
        let rc = unsafe { libc::pthread_mutex_lock(s.lock.get()) };
        let mut changed = false;
        if rc == libc::EOWNERDEAD {
            // SAFETY: we hold the lock (EOWNERDEAD means it was acquired).
            unsafe { libc::pthread_mutex_consistent(s.lock.get()) };
            changed = true;
        }
        Locked { m: self, changed, all: changed }
    }

    /// True for a mutex.
    pub(crate) fn is_mutex(&self) -> bool {
        self.shared().kind.load(Relaxed) == Kind::Mutex as u32
    }

    fn read_name(&self) -> Vec<u8> {
        let s = self.shared();
        let n = (s.name_len.load(Acquire) as usize).min(NAME_BYTES);
        // SAFETY: bytes of the mapping; written only before `magic` is published.
        (0..n).map(|i| unsafe { *s.name[i].get() }).collect()
    }
}

/// The object's lock, held. State changes call [`Locked::changed`]; the release bumps
/// the futex word (under the lock) and wakes sleepers (after it).
pub(crate) struct Locked<'a> {
    m: &'a Mapping,
    changed: bool,
    /// Every sleeper must look (not just one).
    all: bool,
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let s = self.m.shared();
        if self.changed {
            s.seq.fetch_add(1, SeqCst);
        }
        // SAFETY: this guard holds the lock.
        unsafe { libc::pthread_mutex_unlock(s.lock.get()) };
        if self.changed && s.sleepers.load(SeqCst) > 0 {
            // One new signal (an auto-reset event set, one count, a mutex freed) is
            // for one waiter: when every sleeper waits on this object alone, waking
            // one suffices (it takes the signal, or somebody already did).
            let n = if self.all || s.multi.load(SeqCst) > 0 { i32::MAX } else { 1 };
            futex::wake(&s.seq, n, false);
        }
    }
}

/// Whether attaching found the object.
enum Attach {
    /// A handle was added; `true` if the object existed.
    Attached(bool),
    /// No live process holds it: it does not exist.
    Gone,
}

impl<'a> Locked<'a> {
    fn s(&self) -> &'a Shared {
        self.m.shared()
    }

    /// The state changed so that any waiter may now be satisfied: all must look.
    pub(crate) fn changed(&mut self) {
        self.changed = true;
        self.all = true;
    }

    /// The state changed so that one waiter may now be satisfied.
    fn one(&mut self) {
        self.changed = true;
    }

    pub(crate) fn kind(&self) -> u32 {
        self.s().kind.load(Relaxed)
    }

    /// This process's holder slot (looked up or claimed).
    fn my_slot(&self, me: &Me, claim: bool) -> Option<&Holder> {
        let s = self.s();
        let cached = self.m.slot.load(Relaxed);
        if cached > 0 {
            let h = &s.holders[cached - 1];
            if h.pid.load(Relaxed) == me.pid && h.start.load(Relaxed) == me.start {
                return Some(h);
            }
        }
        let pos = s.holders.iter().position(|h| {
            h.count.load(Relaxed) > 0 && h.pid.load(Relaxed) == me.pid && h.start.load(Relaxed) == me.start
        });
        let pos = match pos {
            Some(p) => p,
            None if claim => {
                let free = |s: &Shared| s.holders.iter().position(|h| h.count.load(Relaxed) == 0);
                let p = match free(s) {
                    Some(p) => p,
                    None => {
                        self.reap(me);
                        free(s)?
                    }
                };
                let h = &s.holders[p];
                // Count last: a slot is in use only once its count is non-zero.
                h.pid.store(me.pid, Relaxed);
                h.start.store(me.start, Relaxed);
                p
            }
            None => return None,
        };
        self.m.slot.store(pos + 1, Relaxed);
        Some(&s.holders[pos])
    }

    /// Clears the slots of dead processes; true if another live process holds a handle.
    fn reap(&self, me: &Me) -> bool {
        let mut others = false;
        for h in &self.s().holders {
            if h.count.load(Relaxed) == 0 {
                continue;
            }
            let (pid, start) = (h.pid.load(Relaxed), h.start.load(Relaxed));
            if pid == me.pid && start == me.start {
                continue;
            }
            if proc::alive(pid, start) {
                others = true;
            } else {
                h.count.store(0, Relaxed);
            }
        }
        others
    }

    /// Adds a handle of this process, creating the object from `init` if nobody holds it.
    fn attach(&mut self, me: &Me, kind: Kind, init: Option<Init>) -> Result<Attach, Win32Error> {
        if self.s().dead.load(Acquire) != 0 {
            return Ok(Attach::Gone);
        }
        let mine = self.my_slot(me, false).map_or(0, |h| h.count.load(Relaxed));
        let exists = mine > 0 || self.reap(me);
        if exists && self.kind() != kind as u32 {
            return Err(Win32Error::INVALID_HANDLE);
        }
        if !exists {
            let Some(init) = init else { return Ok(Attach::Gone) };
            self.reset(me, init);
        }
        let slot = self.my_slot(me, true).ok_or(Win32Error::NOT_ENOUGH_MEMORY)?;
        slot.count.fetch_add(1, Relaxed);
        Ok(Attach::Attached(exists))
    }

    /// A fresh object of `init`'s type (the lock itself is kept: others may be
    /// waiting for it).
    fn reset(&mut self, me: &Me, init: Init) {
        let s = self.s();
        s.kind.store(init.kind() as u32, Relaxed);
        for f in [&s.signaled, &s.manual, &s.waiters, &s.pulse_budget, &s.recursion, &s.abandoned, &s.owner_pid] {
            f.store(0, Relaxed);
        }
        s.pulses.store(0, Relaxed);
        s.due_ns.store(0, Relaxed);
        s.period_ns.store(0, Relaxed);
        s.count.store(0, Relaxed);
        s.maximum.store(0, Relaxed);
        match init {
            Init::Event { manual, initial } => {
                s.manual.store(manual.into(), Relaxed);
                s.signaled.store(initial.into(), Relaxed);
            }
            Init::Mutex { owned } => {
                if owned {
                    self.take_mutex(me);
                }
            }
            Init::Semaphore { initial, maximum } => {
                s.maximum.store(maximum, Relaxed);
                s.count.store(initial, Relaxed);
            }
            Init::Timer { manual } => s.manual.store(manual.into(), Relaxed),
        }
        self.changed();
    }

    /// Drops one handle of this process.
    fn detach(&mut self, me: &Me) {
        if let Some(h) = self.my_slot(me, false) {
            let c = h.count.load(Relaxed);
            h.count.store(c.saturating_sub(1), Relaxed);
        }
    }

    // ---- events --------------------------------------------------------------------

    /// SetEvent / ResetEvent (a reset satisfies nobody: no wake-up).
    pub(crate) fn event_set(&mut self, on: bool) {
        let s = self.s();
        s.signaled.store(on.into(), Relaxed);
        match (on, s.manual.load(Relaxed) != 0) {
            (false, _) => {}
            (true, true) => self.changed(),
            (true, false) => self.one(),
        }
    }

    pub(crate) fn event_pulse(&mut self) {
        let s = self.s();
        s.signaled.store(0, Relaxed);
        let waiters = s.waiters.load(Relaxed);
        if waiters > 0 {
            s.pulse_budget.store(if s.manual.load(Relaxed) != 0 { waiters } else { 1 }, Relaxed);
            s.pulses.fetch_add(1, Relaxed);
        }
        self.changed();
    }

    /// A wait on the object begins: events count their waiters (for PulseEvent).
    pub(crate) fn enter(&mut self) -> u64 {
        let s = self.s();
        if self.kind() == Kind::Event as u32 {
            s.waiters.fetch_add(1, Relaxed);
        }
        s.pulses.load(Relaxed)
    }

    pub(crate) fn leave(&mut self) {
        let s = self.s();
        if self.kind() == Kind::Event as u32 {
            let w = s.waiters.load(Relaxed);
            s.waiters.store(w.saturating_sub(1), Relaxed);
        }
    }

    // ---- mutexes -------------------------------------------------------------------

    fn owned_by(&self, me: &Me) -> bool {
        let s = self.s();
        s.owner_pid.load(Relaxed) == me.pid
            && s.owner_start.load(Relaxed) == me.start
            && s.owner_tid.load(Relaxed) == me.tid
    }

    /// Makes the calling thread the owner (or one level deeper); true if it was
    /// abandoned. The owner pid is written last and cleared first, so a process killed
    /// half-way leaves either the old owner or an abandoned, free mutex.
    fn take_mutex(&mut self, me: &Me) -> bool {
        let s = self.s();
        if self.owned_by(me) {
            let r = s.recursion.load(Relaxed);
            s.recursion.store(r.saturating_add(1), Relaxed);
            return false;
        }
        let abandoned = s.owner_pid.load(Relaxed) != 0 || s.abandoned.load(Relaxed) != 0;
        s.owner_pid.store(0, Relaxed);
        s.abandoned.store(abandoned.into(), Relaxed);
        s.owner_start.store(me.start, Relaxed);
        s.owner_tid.store(me.tid, Relaxed);
        s.recursion.store(1, Relaxed);
        s.abandoned.store(0, Relaxed);
        s.owner_pid.store(me.pid, Relaxed);
        abandoned
    }

    /// `ReleaseMutex`: ERROR_NOT_OWNER unless the calling thread owns it.
    pub(crate) fn mutex_release(&mut self, me: &Me) -> Result<(), Win32Error> {
        if !self.owned_by(me) {
            return Err(Win32Error::NOT_OWNER);
        }
        let s = self.s();
        let r = s.recursion.load(Relaxed).saturating_sub(1);
        if r == 0 {
            s.owner_pid.store(0, Relaxed);
            self.one();
        }
        s.recursion.store(r, Relaxed);
        Ok(())
    }

    /// The owning thread is exiting: the mutex becomes abandoned.
    pub(crate) fn abandon_if_owner(&mut self, me: &Me) {
        if self.owned_by(me) {
            let s = self.s();
            s.abandoned.store(1, Relaxed);
            s.owner_pid.store(0, Relaxed);
            s.recursion.store(0, Relaxed);
            self.one();
        }
    }

    /// True when the mutex is owned by a thread of another process (whose death the
    /// waiter must look for: nothing wakes it when a process dies).
    pub(crate) fn owned_elsewhere(&self, me: &Me) -> bool {
        let s = self.s();
        self.kind() == Kind::Mutex as u32 && s.owner_pid.load(Relaxed) != 0 && s.owner_pid.load(Relaxed) != me.pid
    }

    // ---- semaphores ----------------------------------------------------------------

    pub(crate) fn semaphore_release(&mut self, n: i32) -> Result<i32, Win32Error> {
        let s = self.s();
        let previous = s.count.load(Relaxed);
        match previous.checked_add(n) {
            Some(v) if v <= s.maximum.load(Relaxed) => {
                s.count.store(v, Relaxed);
                if n == 1 {
                    self.one();
                } else {
                    self.changed();
                }
                Ok(previous)
            }
            _ => Err(Win32Error::TOO_MANY_POSTS),
        }
    }

    // ---- timers --------------------------------------------------------------------

    pub(crate) fn timer_set(&mut self, due_ns: u64, period_ns: u64) {
        let s = self.s();
        s.signaled.store(0, Relaxed);
        s.period_ns.store(period_ns, Relaxed);
        s.due_ns.store(due_ns.max(1), Relaxed);
        self.changed();
    }

    pub(crate) fn timer_cancel(&mut self) {
        self.s().due_ns.store(0, Relaxed);
        self.changed();
    }

    /// Applies an elapsed due time: signaled, next period scheduled.
    fn timer_refresh(&mut self) {
        let s = self.s();
        let due = s.due_ns.load(Relaxed);
        if due == 0 {
            return;
        }
        let now = futex::monotonic_ns();
        if due > now {
            return;
        }
        let period = s.period_ns.load(Relaxed);
        let next = match (now - due).checked_div(period) {
            Some(n) => due.saturating_add((n + 1).saturating_mul(period)),
            None => 0,
        };
        s.signaled.store(1, Relaxed);
        s.due_ns.store(next, Relaxed);
        self.changed();
    }

    /// When a timer becomes signaled by itself (CLOCK_MONOTONIC ns).
    pub(crate) fn deadline_ns(&self) -> Option<u64> {
        let due = self.s().due_ns.load(Relaxed);
        (self.kind() == Kind::Timer as u32 && due != 0).then_some(due)
    }

    // ---- waits ---------------------------------------------------------------------

    /// Whether a wait by the calling thread (which began at pulse `seen`) is satisfied.
    pub(crate) fn ready(&mut self, me: &Me, seen: u64) -> bool {
        let s = self.s();
        match self.kind() {
            k if k == Kind::Event as u32 => {
                s.signaled.load(Relaxed) != 0 || (s.pulses.load(Relaxed) > seen && s.pulse_budget.load(Relaxed) > 0)
            }
            k if k == Kind::Mutex as u32 => {
                let pid = s.owner_pid.load(Relaxed);
                pid == 0 || self.owned_by(me) || (pid != me.pid && !proc::alive(pid, s.owner_start.load(Relaxed)))
            }
            k if k == Kind::Semaphore as u32 => s.count.load(Relaxed) > 0,
            k if k == Kind::Timer as u32 => {
                self.timer_refresh();
                s.signaled.load(Relaxed) != 0
            }
            _ => false,
        }
    }

    /// Takes the signal of a ready object; true if it was an abandoned mutex. Taking
    /// makes nothing more ready, so it wakes nobody and leaves the word as it is.
    pub(crate) fn consume(&mut self, me: &Me) -> bool {
        let s = self.s();
        match self.kind() {
            k if k == Kind::Event as u32 => {
                if s.signaled.load(Relaxed) != 0 {
                    if s.manual.load(Relaxed) == 0 {
                        s.signaled.store(0, Relaxed);
                    }
                } else {
                    let b = s.pulse_budget.load(Relaxed);
                    s.pulse_budget.store(b.saturating_sub(1), Relaxed);
                }
                false
            }
            k if k == Kind::Mutex as u32 => self.take_mutex(me),
            k if k == Kind::Semaphore as u32 => {
                s.count.fetch_sub(1, Relaxed);
                false
            }
            _ => {
                if s.manual.load(Relaxed) == 0 {
                    s.signaled.store(0, Relaxed);
                }
                false
            }
        }
    }
}

impl Mapping {
    /// Counts a sleeping waiter (`multi`: one waiting on several objects) while the
    /// guard lives.
    pub(crate) fn sleeper(&self, multi: bool) -> Sleeper<'_> {
        let s = self.shared();
        if multi {
            s.multi.fetch_add(1, SeqCst);
        }
        s.sleepers.fetch_add(1, SeqCst);
        Sleeper(self, multi)
    }
}

/// See [`Mapping::sleeper`].
pub(crate) struct Sleeper<'a>(&'a Mapping, bool);

impl Drop for Sleeper<'_> {
    fn drop(&mut self) {
        let s = self.0.shared();
        s.sleepers.fetch_sub(1, SeqCst);
        if self.1 {
            s.multi.fetch_sub(1, SeqCst);
        }
    }
}

/// One handle to a named object: the mapping and the access the handle was given.
/// Dropping the last reference to it (CloseHandle) removes the handle from the
/// object's holder table.
pub(crate) struct NamedHandle {
    pub(crate) map: Arc<Mapping>,
    pub(crate) access: u32,
    /// The process whose holder slot counts this handle: a child made by `fork` that
    /// uses an inherited handle counts it as its own at first use.
    pid: AtomicU32,
}

impl Drop for NamedHandle {
    fn drop(&mut self) {
        let me = me();
        if me.pid == self.pid.load(Relaxed) {
            self.map.lock().detach(&me);
        }
    }
}

impl NamedHandle {
    fn new(map: Arc<Mapping>, access: u32, pid: u32) -> Self {
        Self { map, access, pid: AtomicU32::new(pid) }
    }

    /// The object's lock, after counting the handle for this process if it was
    /// inherited through `fork`.
    pub(crate) fn lock(&self) -> Locked<'_> {
        let g = self.map.lock();
        let me = me();
        if self.pid.load(Relaxed) != me.pid {
            if let Some(slot) = g.my_slot(&me, true) {
                slot.count.fetch_add(1, Relaxed);
                self.pid.store(me.pid, Relaxed);
            }
        }
        g
    }

    /// ERROR_ACCESS_DENIED unless the handle was given `right`.
    pub(crate) fn require(&self, right: u32) -> Result<(), Win32Error> {
        if self.access & right == right {
            Ok(())
        } else {
            Err(Win32Error::ACCESS_DENIED)
        }
    }
}

/// A parsed object name: its namespace and the name within it.
struct Name {
    global: bool,
    name: String,
}

/// Windows' namespace rules: `Global\` selects the machine-wide namespace, `Local\` and
/// bare names the (per-user) session one; the rest of the name is case-sensitive.
fn parse(name: &str) -> Result<Name, Win32Error> {
    if name.encode_utf16().count() > MAX_NAME {
        return Err(Win32Error::FILENAME_EXCED_RANGE);
    }
    let (global, rest) = match name.strip_prefix("Global\\") {
        Some(r) => (true, r),
        None => (false, name.strip_prefix("Local\\").unwrap_or(name)),
    };
    Ok(Name { global, name: rest.to_owned() })
}

/// The file name of an object: a 128-bit FNV-1a hash of its name, in hex.
fn file_name(name: &str) -> String {
    let h = |basis: u64| name.bytes().fold(basis, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    format!("{:016x}{:016x}", h(0xcbf2_9ce4_8422_2325), h(0x6c62_272e_07bb_0142))
}

/// This process's mappings by (global, name).
type Cache = HashMap<(bool, String), Arc<Mapping>>;
static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Opens (`init` None) or creates the object named `name` of type `kind` and adds a
/// handle of this process to it. Returns the handle's state and whether it existed.
pub(crate) fn attach(
    name: &str,
    kind: Kind,
    init: Option<Init>,
    access: u32,
) -> Result<(NamedHandle, bool), Win32Error> {
    let parsed = parse(name)?;
    let me = me();
    let key = (parsed.global, parsed.name);
    let cached = CACHE.locked().get(&key).cloned();
    if let Some(m) = cached {
        let r = m.lock().attach(&me, kind, init)?;
        if let Attach::Attached(existed) = r {
            return Ok((NamedHandle::new(m, access, me.pid), existed));
        }
    }
    let (m, existed) = attach_slow(&key.1, key.0, kind, init, &me)?;
    let m = {
        let mut cache = CACHE.locked();
        if cache.len() >= 256 {
            cache.retain(|_, v| Arc::strong_count(v) > 1);
        }
        cache.insert(key, m.clone());
        m
    };
    Ok((NamedHandle::new(m, access, me.pid), existed))
}

/// Create*: the named object (made from `init` if nobody holds it) with a handle of
/// `access`; the thread's last error becomes ERROR_ALREADY_EXISTS if it existed, else 0.
/// Returns the handle and whether the object existed.
pub(crate) fn create(name: &str, init: Init, access: u32) -> Result<(NamedHandle, bool), Win32Error> {
    let (n, existed) = attach(name, init.kind(), Some(init), access)?;
    crate::error::set_last_error(if existed { Win32Error::ALREADY_EXISTS } else { Win32Error::SUCCESS });
    Ok((n, existed))
}

/// Open*: a handle with `access` (checked and mapped for `kind`) to an existing object.
pub(crate) fn open(name: &str, kind: Kind, access: u32) -> Result<NamedHandle, Win32Error> {
    let access = map_access(kind, access)?;
    Ok(attach(name, kind, None, access)?.0)
}

/// The path through the file system, under the namespace's `flock`.
fn attach_slow(
    name: &str,
    global: bool,
    kind: Kind,
    init: Option<Init>,
    me: &Me,
) -> Result<(Arc<Mapping>, bool), Win32Error> {
    let Some(dir) = dirs::namespace(global, init.is_some())? else {
        return Err(Win32Error::FILE_NOT_FOUND);
    };
    let _ns = dirs::NsLock::take(&dir, global)?;
    let path = dir.join(file_name(name));
    loop {
        match open_file(&path, false, global) {
            Ok(fd) => {
                let Some(m) = map_object(&fd)? else {
                    unlink(&path)?;
                    continue;
                };
                if m.read_name() != name.as_bytes() {
                    // Two names with one 128-bit hash.
                    return Err(Win32Error::INVALID_HANDLE);
                }
                let m = Arc::new(m);
                let mut g = m.lock();
                match g.attach(me, kind, init)? {
                    Attach::Attached(existed) => {
                        drop(g);
                        return Ok((m, existed));
                    }
                    Attach::Gone => {
                        g.s().dead.store(1, Release);
                        g.changed();
                        drop(g);
                        unlink(&path)?;
                        if init.is_none() {
                            return Err(Win32Error::FILE_NOT_FOUND);
                        }
                    }
                }
            }
            Err(Win32Error::FILE_NOT_FOUND) => {
                let Some(init) = init else { return Err(Win32Error::FILE_NOT_FOUND) };
                sweep(&dir, me);
                return create_file(&path, name, global, init, me).map(|m| (m, false));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Removes a stale object file. In the sticky global directory only its creator (or
/// the directory's owner) may: anyone else gets ERROR_ACCESS_DENIED for that name
/// until its creator's next use reclaims it.
fn unlink(path: &Path) -> Result<(), Win32Error> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) => Err(Win32Error::ACCESS_DENIED),
    }
}

/// How often one process sweeps one namespace directory.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
static SWEPT: LazyLock<Mutex<HashMap<std::path::PathBuf, std::time::Instant>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Reclaims the files of objects nobody holds any more (names never used again after
/// their holders died or closed them), at most every SWEEP_EVERY per directory and
/// process, before a new file is created there. Runs under the namespace lock, so no
/// file is being created meanwhile; a file still mapped by some process is marked
/// `dead` under its lock first, as an Open does.
fn sweep(dir: &Path, me: &Me) {
    {
        let mut swept = SWEPT.locked();
        let now = std::time::Instant::now();
        if swept.get(dir).is_some_and(|t| now.duration_since(*t) < SWEEP_EVERY) {
            return;
        }
        swept.insert(dir.to_path_buf(), now);
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.len() != 32 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let path = dir.join(name);
        let Ok(fd) = open_file(&path, false, false) else { continue };
        let Ok(Some(m)) = map_object(&fd) else {
            let _ = unlink(&path);
            continue;
        };
        let mut g = m.lock();
        let mine = g.my_slot(me, false).is_some_and(|h| h.count.load(Relaxed) > 0);
        if g.s().dead.load(Acquire) == 0 && !mine && !g.reap(me) {
            g.s().dead.store(1, Release);
            g.changed();
            drop(g);
            let _ = unlink(&path);
        }
    }
}

fn open_file(path: &Path, create: bool, global: bool) -> Result<OwnedFd, Win32Error> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    if create {
        o.create_new(true).mode(if global { 0o666 } else { 0o600 });
    }
    o.open(path).map(OwnedFd::from).map_err(|e| crate::error::from_io(&e))
}

/// Maps an existing object file; `None` if it is not a whole, published object of this
/// version (short, or half made by a process that died while creating it).
fn map_object(fd: &OwnedFd) -> Result<Option<Mapping>, Win32Error> {
    let m = map_file(fd)?;
    Ok(m.filter(|m| m.shared().magic.load(Acquire) == MAGIC && m.shared().version.load(Relaxed) == VERSION))
}

/// Maps an object file; `None` if it is shorter than an object.
fn map_file(fd: &OwnedFd) -> Result<Option<Mapping>, Win32Error> {
    let st = rustix::fs::fstat(fd).map_err(crate::error::from_errno)?;
    if (st.st_size as u64) < FILE_LEN as u64 {
        return Ok(None);
    }
    // SAFETY: a fresh shared mapping of a file at least FILE_LEN long; the kernel picks
    // the address.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            FILE_LEN,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd.as_raw_fd(),
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(Win32Error::NOT_ENOUGH_MEMORY);
    }
    let ptr = NonNull::new(p.cast::<Shared>()).ok_or(Win32Error::NOT_ENOUGH_MEMORY)?;
    Ok(Some(Mapping { ptr, id: (st.st_dev as u64, st.st_ino as u64), slot: AtomicUsize::new(0) }))
}

/// Creates and initialises a new object file (under the namespace lock); `magic` is
/// published last, so a file of a process killed half-way is recognised and replaced.
fn create_file(path: &Path, name: &str, global: bool, init: Init, me: &Me) -> Result<Arc<Mapping>, Win32Error> {
    let fd = open_file(path, true, global)?;
    if global {
        let _ = rustix::fs::fchmod(&fd, rustix::fs::Mode::from_raw_mode(0o666));
    }
    rustix::fs::ftruncate(&fd, FILE_LEN as u64).map_err(crate::error::from_errno)?;
    let m = map_file(&fd)?.ok_or(Win32Error::NOT_ENOUGH_MEMORY)?;
    let s = m.shared();
    // SAFETY: the fresh file is zero-filled and no other process maps it yet (it is
    // only found under the namespace lock we hold, and without `magic` it is replaced,
    // never used); the attribute object lives on this frame.
    unsafe {
        let mut attr: libc::pthread_mutexattr_t = std::mem::zeroed();
        libc::pthread_mutexattr_init(&mut attr);
        libc::pthread_mutexattr_setpshared(&mut attr, libc::PTHREAD_PROCESS_SHARED);
        libc::pthread_mutexattr_setrobust(&mut attr, 1); // PTHREAD_MUTEX_ROBUST
        libc::pthread_mutex_init(s.lock.get(), &attr);
        libc::pthread_mutexattr_destroy(&mut attr);
        for (i, b) in name.bytes().take(NAME_BYTES).enumerate() {
            *s.name[i].get() = b;
        }
    }
    s.name_len.store(name.len().min(NAME_BYTES) as u32, Relaxed);
    s.version.store(VERSION, Relaxed);
    let m = Arc::new(m);
    {
        let mut g = m.lock();
        g.reset(me, init);
        let slot = g.my_slot(me, true).ok_or(Win32Error::NOT_ENOUGH_MEMORY)?;
        slot.count.store(1, Relaxed);
    }
    m.shared().magic.store(MAGIC, Release);
    Ok(m)
}

/// Validates a desired-access mask for `kind` (ERROR_INVALID_PARAMETER for bits no
/// object of that type has) and maps generic rights to specific ones.
pub(crate) fn map_access(kind: Kind, access: u32) -> Result<u32, Win32Error> {
    const SYNCHRONIZE: u32 = 0x0010_0000;
    const STANDARD_ALL: u32 = 0x001f_0000;
    const GENERIC_READ: u32 = 0x8000_0000;
    const GENERIC_WRITE: u32 = 0x4000_0000;
    const GENERIC_EXECUTE: u32 = 0x2000_0000;
    const GENERIC_ALL: u32 = 0x1000_0000;
    const MAXIMUM_ALLOWED: u32 = 0x0200_0000;
    const ACCESS_SYSTEM_SECURITY: u32 = 0x0100_0000;
    let (query, modify) = match kind {
        Kind::Mutex => (0x1, 0x1),
        _ => (0x1, 0x2),
    };
    let all = STANDARD_ALL | query | modify;
    let generic = GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL;
    if access & !(all | generic | MAXIMUM_ALLOWED | ACCESS_SYSTEM_SECURITY) != 0 {
        return Err(Win32Error::INVALID_PARAMETER);
    }
    let mut out = access & all;
    if access & (GENERIC_ALL | MAXIMUM_ALLOWED) != 0 {
        out |= all;
    }
    if access & GENERIC_READ != 0 {
        out |= 0x0002_0000 | query;
    }
    if access & GENERIC_WRITE != 0 {
        out |= 0x0002_0000 | modify;
    }
    if access & GENERIC_EXECUTE != 0 {
        out |= 0x0002_0000 | SYNCHRONIZE;
    }
    Ok(out)
}

/// Every right of the type (what Create gives).
pub(crate) const ALL_ACCESS: u32 = 0x001f_0003;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_prefixes_and_lengths() {
        let n = parse("Global\\a").unwrap();
        assert!(n.global && n.name == "a");
        let n = parse("Local\\a").unwrap();
        assert!(!n.global && n.name == "a");
        let n = parse("a\\b").unwrap();
        assert!(!n.global && n.name == "a\\b");
        // The prefixes are exact (names are case-sensitive).
        assert!(!parse("global\\a").unwrap().global);
        assert!(parse(&"x".repeat(MAX_NAME)).is_ok());
        assert_eq!(parse(&"x".repeat(MAX_NAME + 1)).err(), Some(Win32Error::FILENAME_EXCED_RANGE));
        // UTF-16 units, not bytes: 260 characters of 3 UTF-8 bytes each are fine.
        assert!(parse(&"é".repeat(MAX_NAME)).is_ok());
    }

    #[test]
    fn file_names_are_fixed_length_hex_and_case_sensitive() {
        let a = file_name("Name");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, file_name("name"));
        assert_eq!(a, file_name("Name"));
    }

    #[test]
    fn access_masks() {
        assert_eq!(map_access(Kind::Event, 0x0010_0000), Ok(0x0010_0000));
        assert_eq!(map_access(Kind::Event, 0x4), Err(Win32Error::INVALID_PARAMETER));
        assert_eq!(map_access(Kind::Mutex, 0x2), Err(Win32Error::INVALID_PARAMETER));
        assert_eq!(map_access(Kind::Timer, 0x0040_0000), Err(Win32Error::INVALID_PARAMETER));
        assert_eq!(map_access(Kind::Semaphore, 0x1000_0000), Ok(ALL_ACCESS));
        let rw = map_access(Kind::Event, 0x8000_0000 | 0x4000_0000 | 0x2000_0000).unwrap();
        assert_eq!(rw & 0x0010_0003, 0x0010_0003);
        assert_eq!(map_access(Kind::Event, 0), Ok(0));
    }

    #[test]
    fn layout_fits_the_file() {
        assert!(std::mem::size_of::<Shared>() <= FILE_LEN);
        assert_eq!(FILE_LEN % 4096, 0);
    }
}
