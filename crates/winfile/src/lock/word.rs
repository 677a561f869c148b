//! Lock-presence words: whether any winfile handle on this machine may hold a byte-range
//! lock on an inode, known with one atomic load instead of an `F_OFD_GETLK` per I/O.
//!
//! # Linux mechanism
//! One System V shared memory segment per IPC namespace (key [`KEY`], mode 0666, fixed
//! size): a header and [`SLOTS`] 32-bit words. An inode's word is the one its
//! `(st_dev, st_ino)` hashes to; it counts the handles, in every process, that hold (or
//! are about to take) a kernel byte-range lock on an inode hashing there. A handle adds
//! one *before* its first `F_OFD_SETLK(W)` and takes it away *after* its last range is
//! released, so the word is non-zero whenever such a lock exists. ReadFile/WriteFile
//! load the word first and probe the kernel only when it is non-zero.
//!
//! Why System V and not a file: a segment's size is fixed at creation, so no user can
//! shrink it under another process's mapping (a truncated shared file would kill every
//! reader with SIGBUS). Collisions of the hash only cost a probe; a process killed while
//! holding locks leaves its counts behind, which also only costs a probe (until the
//! segment goes, at reboot). If the segment cannot be had (no SysV IPC, a segment of
//! another size or mode under the key, `WINFILE_LOCK_WORDS=0`), every I/O probes, as
//! before. See docs/share-and-locks.md for what the fast path sees and what it does not.
//!
//! # Safety
//! The unsafe code is the `shmget`/`shmat`/`shmctl` calls and the view of the attached
//! segment as atomics: the segment is attached once, never detached (it lives as long as
//! the process), is page-aligned and exactly `SIZE` bytes (checked with IPC_STAT), and is
//! only ever accessed through `AtomicU32` operations, which is sound for memory other
//! processes change concurrently.
#![allow(unsafe_code)]

use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// The segment's key: "WFL" and the layout version.
const KEY: libc::key_t = 0x5746_4c01;
/// Words in the table (a power of two).
pub(crate) const SLOTS: usize = 1 << 16;
/// Header words before the table: a magic value, then reserved.
const HEADER: usize = 16;
const SIZE: usize = (HEADER + SLOTS) * 4;
/// "wfLW": written by whoever first sees the fresh (all-zero) segment.
const MAGIC: u32 = 0x7766_4c57;

struct Table(&'static [AtomicU32]);

static TABLE: OnceLock<Option<Table>> = OnceLock::new();

fn table() -> Option<&'static [AtomicU32]> {
    TABLE.get_or_init(attach).as_ref().map(|t| t.0)
}

/// Whether the fast path is available (the segment is attached).
#[cfg(test)]
pub(crate) fn available() -> bool {
    table().is_some()
}

fn attach() -> Option<Table> {
    if std::env::var_os("WINFILE_LOCK_WORDS").is_some_and(|v| v == "0") {
        return None;
    }
    match attach_segment() {
        Ok(t) => Some(t),
        Err(why) => {
            log::debug!("no lock-presence words ({why}): every I/O probes the kernel");
            None
        }
    }
}

fn attach_segment() -> Result<Table, String> {
    let errno = || std::io::Error::last_os_error();
    // SAFETY: plain system calls with integer arguments.
    let (id, created) = unsafe {
        let id = libc::shmget(KEY, SIZE, libc::IPC_CREAT | libc::IPC_EXCL | 0o666);
        if id >= 0 {
            (id, true)
        } else {
            (libc::shmget(KEY, SIZE, 0o666), false)
        }
    };
    if id < 0 {
        return Err(format!("shmget: {}", errno()));
    }
    // SAFETY: `ds` is a plain C struct the kernel fills; all-zero is a valid value.
    let mut ds: libc::shmid_ds = unsafe { std::mem::zeroed() };
    // SAFETY: `ds` is a live, writable shmid_ds owned by this frame.
    if unsafe { libc::shmctl(id, libc::IPC_STAT, &mut ds) } != 0 {
        return Err(format!("shmctl(IPC_STAT): {}", errno()));
    }
    if created {
        // Segments owned by a user who logs out may be removed by systemd-logind
        // (RemoveIPC); one handed to root is not. Best effort: the creator keeps the
        // right to change it back.
        let mut set = ds;
        set.shm_perm.uid = 0;
        set.shm_perm.gid = 0;
        // SAFETY: as above.
        if unsafe { libc::shmctl(id, libc::IPC_SET, &mut set) } != 0 {
            log::debug!("lock-presence words stay owned by their creator: {}", errno());
        }
    } else if ds.shm_segsz as usize != SIZE || ds.shm_perm.mode & 0o777 != 0o666 {
        return Err(format!("segment {KEY:#x} has size {} mode {:o}", ds.shm_segsz, ds.shm_perm.mode));
    }
    // SAFETY: attaching a segment we just looked up, read-write, at an address the
    // kernel picks; failure is (void*)-1.
    let addr = unsafe { libc::shmat(id, std::ptr::null(), 0) };
    if addr as isize == -1 {
        return Err(format!("shmat: {}", errno()));
    }
    // SAFETY: the attachment is SIZE bytes (checked above), page-aligned, readable and
    // writable, and is never detached, so it lives for the rest of the process; every
    // access goes through AtomicU32, which has the layout of u32.
    let words: &'static [AtomicU32] = unsafe { std::slice::from_raw_parts(addr.cast::<AtomicU32>(), HEADER + SLOTS) };
    match words[0].compare_exchange(0, MAGIC, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => {}
        Err(m) if m == MAGIC => {}
        Err(m) => return Err(format!("segment {KEY:#x} is not ours (magic {m:#x})")),
    }
    Ok(Table(&words[HEADER..]))
}

/// The word index of the inode behind `fd` (one fstat).
pub(crate) fn slot_of(fd: BorrowedFd<'_>) -> Option<usize> {
    let st = rustix::fs::fstat(fd).ok()?;
    Some(slot(st.st_dev, st.st_ino))
}

/// The word index of an inode.
pub(crate) fn slot(dev: u64, ino: u64) -> usize {
    // splitmix64 of both halves: neighbouring inode numbers land far apart.
    let mut z = ino ^ dev.rotate_left(32) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z as usize) & (SLOTS - 1)
}

/// Whether some handle may hold a byte-range lock on an inode of this slot: true when
/// the words are unavailable (the caller then probes the kernel).
pub(crate) fn maybe_locked(slot: Option<usize>) -> bool {
    match (table(), slot) {
        (Some(t), Some(s)) => t[s].load(Ordering::SeqCst) != 0,
        _ => true,
    }
}

/// One handle's share of a word, taken before its first kernel lock and given back
/// (on drop) after its last one is gone.
#[derive(Debug)]
pub(crate) struct Presence(Option<usize>);

impl Presence {
    /// Counts this handle on `slot`'s word.
    pub(crate) fn enter(slot: Option<usize>) -> Presence {
        match (table(), slot) {
            (Some(t), Some(s)) => {
                t[s].fetch_add(1, Ordering::SeqCst);
                Presence(Some(s))
            }
            _ => Presence(None),
        }
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        if let (Some(t), Some(s)) = (table(), self.0) {
            // A word someone else zeroed wraps to a huge count: only slower, never wrong.
            t[s].fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The current count of a slot (tests).
#[cfg(test)]
pub(crate) fn count(slot: usize) -> Option<u32> {
    table().map(|t| t[slot].load(Ordering::SeqCst))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_counts_and_releases() {
        if !available() {
            eprintln!("no SysV shared memory here: the fast path is off");
            return;
        }
        let s = slot(0xdead, 0xbeef);
        let before = count(s).unwrap();
        let a = Presence::enter(Some(s));
        let b = Presence::enter(Some(s));
        assert!(maybe_locked(Some(s)));
        assert_eq!(count(s).unwrap(), before + 2);
        drop(a);
        drop(b);
        assert_eq!(count(s).unwrap(), before);
        assert!(maybe_locked(None));
    }

    #[test]
    fn slots_spread() {
        let mut seen = std::collections::HashSet::new();
        for ino in 0..1000u64 {
            seen.insert(slot(2049, ino));
        }
        assert!(seen.len() > 980);
    }
}
