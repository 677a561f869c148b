//! Windows byte-range locks of one handle, mirrored into OFD locks.
//!
//! The list of the handle's own locks decides the same-handle rules (exclusive against
//! any own overlap, shared stacking, exact-range unlock, exclusive removed first,
//! zero-length locks). The kernel holds their union on the handle's lock descriptor: a
//! byte is write-locked when an exclusive lock covers it, read-locked when only shared
//! ones do. Other handles and processes get their conflicts from the kernel.

use super::ofd::{self, Kind};
use super::share::BASE;
use super::word;
use crate::error::Win32Error;
use crate::handle::{io_bits, File};
use crate::poison::MutexExt;
use rustix::fs::OFlags;
use rustix::io::Errno;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::{Arc, Mutex};

/// One Windows lock: `[start, start + len)` in 64-bit unsigned space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Lock {
    start: u64,
    len: u64,
    exclusive: bool,
}

impl Lock {
    fn end(&self) -> u128 {
        self.start as u128 + self.len as u128
    }

    /// Windows' overlap test: a zero-length lock at p meets ranges with s <= p < e;
    /// two zero-length locks never meet.
    fn meets(&self, start: u64, len: u64) -> bool {
        let (s, e) = (start as u128, start as u128 + len as u128);
        match (self.len, len) {
            (0, 0) => false,
            (0, _) => s <= self.start as u128 && (self.start as u128) < e,
            (_, 0) => self.start as u128 <= s && s < self.end(),
            _ => (self.start as u128) < e && s < self.end(),
        }
    }

    /// The part Linux can hold: clipped below the share-token area.
    fn kernel(&self) -> Option<(u64, u64)> {
        let end = self.end().min(BASE as u128) as u64;
        (self.len > 0 && self.start < end).then(|| (self.start, end - self.start))
    }
}

/// How the lock descriptor was opened, which limits the kinds it can carry.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    ReadWrite,
    ReadOnly,
    WriteOnly,
}

/// The byte-range locks of one handle.
#[derive(Default)]
pub(crate) struct Locks {
    list: Vec<Lock>,
    /// A separate read-write descriptor, when the handle's own cannot carry both kinds.
    own: Option<(Arc<OwnedFd>, Mode)>,
    /// The mode of the handle's own descriptor, once looked up.
    main_mode: Option<Mode>,
    /// The inode's lock-presence word, once looked up (`super::word`).
    slot: Option<Option<usize>>,
    /// This handle's count on that word: held while the kernel may hold one of its
    /// ranges, or a lock request is on its way there.
    presence: Option<word::Presence>,
    /// Lock requests between their count and their result.
    in_flight: usize,
}

/// Whether a lock request may wait.
pub(crate) enum Wait {
    /// LOCKFILE_FAIL_IMMEDIATELY: conflicts fail with ERROR_LOCK_VIOLATION.
    No,
    /// Waits; the caller's interrupt check (`crate::interrupt`) is asked after each
    /// signal or timeout and ends the wait with ERROR_OPERATION_ABORTED.
    Yes,
}

fn mode_of(fd: BorrowedFd<'_>) -> Mode {
    match rustix::fs::fcntl_getfl(fd).map(|f| f & OFlags::RWMODE) {
        Ok(m) if m == OFlags::RDWR => Mode::ReadWrite,
        Ok(m) if m == OFlags::WRONLY => Mode::WriteOnly,
        _ => Mode::ReadOnly,
    }
}

fn adapt(kind: Kind, mode: Mode) -> Kind {
    match (kind, mode) {
        (Kind::Write, Mode::ReadOnly) => Kind::Read,
        (Kind::Read, Mode::WriteOnly) => Kind::Write,
        (k, _) => k,
    }
}

impl Locks {
    /// Drops every lock (CloseHandle): the kernel ones on the handle's descriptors too.
    pub(crate) fn clear(&mut self, main: BorrowedFd<'_>) {
        if self.list.is_empty() {
            return;
        }
        self.list.clear();
        // Unlocked explicitly, also on a separate descriptor (a forked child may still
        // hold a copy of it), before the lock-presence count goes.
        let fd = self.own.as_ref().map_or(main, |(f, _)| f.as_fd());
        if let Err(e) = ofd::set(fd, Kind::Unlock, 0, BASE) {
            log::debug!("could not drop byte-range locks: {e}");
        }
        self.own = None;
        self.settle();
    }

    /// Counts this handle on its inode's lock-presence word before a kernel lock is
    /// requested (the word must be non-zero before the lock can exist).
    fn enter(&mut self, main: BorrowedFd<'_>) {
        self.in_flight += 1;
        if self.presence.is_none() {
            let slot = *self.slot.get_or_insert_with(|| word::slot_of(main));
            self.presence = Some(word::Presence::enter(slot));
        }
    }

    /// Gives the count back once the kernel holds none of this handle's ranges (after
    /// they were released) and no request is on its way.
    fn settle(&mut self) {
        if self.in_flight == 0 && !self.list.iter().any(|l| l.kernel().is_some()) {
            self.presence = None;
        }
    }

    /// Whether the handle holds no locks (I/O checks then need only the kernel).
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The descriptor carrying this handle's kernel locks: `None` for `main` itself
    /// (read-write), else a read-write descriptor of the same inode opened on first use.
    /// Where that is refused, `main` serves with the kinds its mode allows (a documented
    /// limit).
    fn lock_fd(&mut self, main: BorrowedFd<'_>) -> (Option<Arc<OwnedFd>>, Mode) {
        if let Some((fd, mode)) = &self.own {
            return (Some(fd.clone()), *mode);
        }
        let mode = *self.main_mode.get_or_insert_with(|| mode_of(main));
        if mode == Mode::ReadWrite {
            return (None, mode);
        }
        match super::share::reopen(main, OFlags::RDWR) {
            Ok(fd) => {
                let fd = Arc::new(fd);
                self.own = Some((fd.clone(), Mode::ReadWrite));
                (Some(fd), Mode::ReadWrite)
            }
            Err(e) => {
                log::debug!("no read-write lock descriptor ({e}); lock kinds limited");
                (None, mode)
            }
        }
    }

    /// The descriptor to probe conflicts from (own kernel locks are invisible to it).
    pub(crate) fn probe_fd<'a>(&'a self, main: BorrowedFd<'a>) -> BorrowedFd<'a> {
        self.own.as_ref().map_or(main, |(f, _)| f.as_fd())
    }

    /// Whether one of the handle's own shared locks covers part of `[start, start+len)`
    /// (nobody, the owner included, writes there).
    pub(crate) fn own_shared_meets(&self, start: u64, len: u64) -> bool {
        self.list.iter().any(|l| !l.exclusive && l.len > 0 && l.meets(start, len))
    }

    /// The kind the kernel must hold on each piece of `[a, b)`, from the list.
    fn segments(&self, a: u64, b: u64) -> Vec<(u64, u64, Option<Kind>)> {
        let mut cuts = vec![a, b];
        for l in &self.list {
            if let Some((s, n)) = l.kernel() {
                for p in [s, s + n] {
                    if p > a && p < b {
                        cuts.push(p);
                    }
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        cuts.windows(2)
            .map(|w| {
                let mut kind = None;
                for l in &self.list {
                    if let Some((s, n)) = l.kernel() {
                        if s <= w[0] && w[0] < s + n {
                            if l.exclusive {
                                kind = Some(Kind::Write);
                            } else if kind.is_none() {
                                kind = Some(Kind::Read);
                            }
                        }
                    }
                }
                (w[0], w[1] - w[0], kind)
            })
            .collect()
    }

    /// `LockFileEx` on this handle (`file`, whose descriptor is `main`). `start`/`len`
    /// are Windows' 64-bit values. The handle's lock list is not held while waiting; the
    /// handle's I/O word says it holds locks from when its list does.
    pub(crate) fn lock(
        this: &Mutex<Locks>,
        main: BorrowedFd<'_>,
        start: u64,
        len: u64,
        exclusive: bool,
        wait: Wait,
        file: &File,
    ) -> Result<(), Win32Error> {
        if start as u128 + len as u128 > 1u128 << 64 {
            return Err(Win32Error::INVALID_LOCK_RANGE);
        }
        let new = Lock { start, len, exclusive };
        let guard = || this.locked();
        let (plan, lock_fd, mode) = loop {
            let mut me = guard();
            if exclusive && me.list.iter().any(|l| l.meets(start, len)) {
                drop(me);
                match wait {
                    Wait::No => return Err(Win32Error::LOCK_VIOLATION),
                    Wait::Yes => {
                        // Only another thread unlocking this very handle can end it.
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        if crate::interrupt::requested() {
                            return Err(Win32Error::OPERATION_ABORTED);
                        }
                        continue;
                    }
                }
            }
            let Some((ks, kn)) = new.kernel() else {
                me.list.push(new);
                file.io_word_set(io_bits::OWN_LOCKS);
                return Ok(());
            };
            me.list.push(new);
            let plan = me.segments(ks, ks + kn);
            me.list.pop();
            let (fd, mode) = me.lock_fd(main);
            me.enter(main);
            break (plan, fd, mode);
        };
        let fd = lock_fd.as_ref().map_or(main, |f| f.as_fd());
        let mut done = 0;
        let mut failed = None;
        for (s, n, kind) in &plan {
            let kind = adapt(kind.unwrap_or(Kind::Read), mode);
            let r = match wait {
                Wait::No => ofd::set(fd, kind, *s, *n),
                Wait::Yes => wait_for(fd, kind, *s, *n),
            };
            if let Err(e) = r {
                failed = Some(e);
                break;
            }
            done += 1;
        }
        let mut me = guard();
        me.in_flight -= 1;
        match failed {
            None => {
                me.list.push(new);
                file.io_word_set(io_bits::OWN_LOCKS);
                Ok(())
            }
            Some(Errno::NOLCK | Errno::OPNOTSUPP | Errno::NOSYS) => {
                // No kernel locks here: the handle's own rules still hold.
                me.list.push(new);
                file.io_word_set(io_bits::OWN_LOCKS);
                Ok(())
            }
            Some(e) => {
                let redo: Vec<_> = plan[..done].iter().map(|(s, n, _)| (*s, *n)).collect();
                me.restore(main, &redo);
                me.settle();
                Err(match e {
                    Errno::AGAIN | Errno::ACCESS => Win32Error::LOCK_VIOLATION,
                    Errno::INTR => Win32Error::OPERATION_ABORTED,
                    e => e.into(),
                })
            }
        }
    }

    /// Sets the kernel state of the given pieces to what the list says.
    fn restore(&mut self, main: BorrowedFd<'_>, pieces: &[(u64, u64)]) {
        let mut plan = Vec::new();
        for (s, n) in pieces {
            plan.extend(self.segments(*s, s + n));
        }
        let (own, mode) = self.lock_fd(main);
        let fd = own.as_ref().map_or(main, |f| f.as_fd());
        for (s, n, kind) in plan {
            let kind = kind.map_or(Kind::Unlock, |k| adapt(k, mode));
            if let Err(e) = ofd::set(fd, kind, s, n) {
                log::debug!("lock mirror update failed: {e}");
            }
        }
    }

    /// `UnlockFileEx` on this handle: removes one lock with exactly this range, the
    /// exclusive one first; ERROR_NOT_LOCKED when there is none.
    pub(crate) fn unlock(&mut self, main: BorrowedFd<'_>, start: u64, len: u64) -> Result<(), Win32Error> {
        let exact = |l: &Lock| l.start == start && l.len == len;
        let pos = self
            .list
            .iter()
            .position(|l| exact(l) && l.exclusive)
            .or_else(|| self.list.iter().position(exact))
            .ok_or(Win32Error::NOT_LOCKED)?;
        let gone = self.list.remove(pos);
        if let Some(piece) = gone.kernel() {
            self.restore(main, &[piece]);
            self.settle();
        }
        Ok(())
    }
}

/// Waits for a lock in F_OFD_SETLKW; a signal interrupts the wait, and the caller is
/// asked whether to give up (Ctrl-C) or wait again.
fn wait_for(fd: BorrowedFd<'_>, kind: Kind, s: u64, n: u64) -> Result<(), Errno> {
    loop {
        match ofd::set_wait(fd, kind, s, n) {
            Err(Errno::INTR) => {
                if crate::interrupt::requested() {
                    return Err(Errno::INTR);
                }
            }
            other => return other,
        }
    }
}
