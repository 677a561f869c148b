//! Share modes, delete-on-close and byte-range locks between every handle of every
//! process that uses winfile: `LockFile(Ex)`, `UnlockFile(Ex)`, and the checks behind
//! CreateFile, ReadFile/WriteFile, DeleteFile, MoveFileEx and RemoveDirectory.
//!
//! # Linux mechanism
//! Open-file-description locks (see `docs/share-and-locks.md`): share tokens on reserved
//! bytes near 2^63, the handle's Windows locks below them, a `user.winfile.delpend`
//! xattr for delete-pending. The kernel drops OFD locks with the descriptor, so a
//! killed process never leaves a file locked or unopenable.

mod foreign;
mod ofd;
pub(crate) use ofd::{set as ofd_set, Kind as OfdKind};
pub(crate) mod range;
pub(crate) mod share;
mod state;
mod word;

pub(crate) use state::{set_doomed, set_token, with_token, LockState};

use crate::consts::FILE_FLAG_OVERLAPPED;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, io_bits, File, Handle};
use ofd::Kind;
use range::Wait;

/// `LOCKFILE_FAIL_IMMEDIATELY`.
pub const LOCKFILE_FAIL_IMMEDIATELY: u32 = 1;
/// `LOCKFILE_EXCLUSIVE_LOCK`.
pub const LOCKFILE_EXCLUSIVE_LOCK: u32 = 2;

/// `LockFile`—an exclusive lock on `[offset, offset+len)` for this handle, failing at
/// once with ERROR_LOCK_VIOLATION (33) on conflict.
///
/// # Linux mechanism
/// F_OFD_SETLK on the handle's lock descriptor, after the handle's own-lock rules.
pub fn lock_file(h: Handle, offset: u64, len: u64) -> Result<()> {
    lock(h, offset, len, true, Wait::No, "LockFile")
}

/// `LockFileEx`—a shared or exclusive (LOCKFILE_EXCLUSIVE_LOCK) lock; without
/// LOCKFILE_FAIL_IMMEDIATELY it waits until the range is free or the caller's
/// interrupt check (`crate::interrupt`, asked after each signal) says to stop
/// (ERROR_OPERATION_ABORTED).
///
/// # Linux mechanism
/// F_OFD_SETLK / F_OFD_SETLKW on the handle's lock descriptor.
pub fn lock_file_ex(h: Handle, flags: u32, offset: u64, len: u64) -> Result<()> {
    let wait = if flags & LOCKFILE_FAIL_IMMEDIATELY != 0 { Wait::No } else { Wait::Yes };
    lock(h, offset, len, flags & LOCKFILE_EXCLUSIVE_LOCK != 0, wait, "LockFileEx")
}

fn lock(h: Handle, offset: u64, len: u64, exclusive: bool, wait: Wait, api: &'static str) -> Result<()> {
    let file = handle::get::<File>(h).api(api)?;
    let state = LockState::of(&file);
    range::Locks::lock(state.lock_list(), file.fd(), offset, len, exclusive, wait, &file).api(api)
}

/// `UnlockFile`—removes the lock with exactly this range (ERROR_NOT_LOCKED otherwise).
///
/// # Linux mechanism
/// F_OFD_SETLK(F_UNLCK / downgrade) on the bytes no other lock of the handle covers.
pub fn unlock_file(h: Handle, offset: u64, len: u64) -> Result<()> {
    unlock(h, offset, len, "UnlockFile")
}

/// `UnlockFileEx`—as [`unlock_file`], the offset coming from the OVERLAPPED.
///
/// # Linux mechanism
/// As `UnlockFile`.
pub fn unlock_file_ex(h: Handle, offset: u64, len: u64) -> Result<()> {
    unlock(h, offset, len, "UnlockFileEx")
}

fn unlock(h: Handle, offset: u64, len: u64, api: &'static str) -> Result<()> {
    let file = handle::get::<File>(h).api(api)?;
    let state = LockState::of(&file);
    let mut locks = state.locks();
    let r = locks.unlock(file.fd(), offset, len);
    if locks.is_empty() {
        file.io_word_clear(io_bits::OWN_LOCKS);
    }
    r.api(api)
}

/// The lock check's fast answer, from two loads: the handle's I/O word (no own lock
/// matters, the inode's lock-presence slot is known) and that slot's word in shared
/// memory (no handle of any process holds a lock on an inode of this slot). True means
/// no byte-range lock can stand in the way of the I/O; false means the kernel must be
/// asked ([`check_io`]).
#[inline]
pub(crate) fn io_unlocked(file: &File, write: bool) -> bool {
    let w = file.io_word();
    if write && w & io_bits::OWN_LOCKS != 0 {
        return false;
    }
    let slot = match w >> io_bits::SLOT_SHIFT {
        0 => state::slot_of(file),
        io_bits::NO_SLOT => None,
        s => Some((s - 1) as usize),
    };
    !word::maybe_locked(slot)
}

/// [`io_unlocked`] for a read, from a handle's I/O word `w` already loaded, making no
/// system call: false also while the handle's slot has not been looked up yet (the
/// caller then takes the path that may wait, where [`check_io`] looks it up).
#[inline]
pub(crate) fn read_unlocked(w: u64) -> bool {
    match w >> io_bits::SLOT_SHIFT {
        0 | io_bits::NO_SLOT => false,
        s => !word::maybe_locked(Some((s - 1) as usize)),
    }
}

/// Mandatory locking for winfile I/O: a read meets another handle's exclusive lock, or a
/// write meets any other handle's lock or one of this handle's shared locks → 33.
/// `offset` None means the handle's file pointer (or the end, for append-only writes).
pub(crate) fn check_io(file: &File, offset: Option<u64>, len: usize, write: bool, api: &'static str) -> Result<()> {
    if len == 0 || io_unlocked(file, write) {
        return Ok(());
    }
    let state = LockState::of(file);
    let locks = state.locks();
    let own_matters = write && !locks.is_empty();
    let fd = locks.probe_fd(file.fd());
    let kind = if write { Kind::Write } else { Kind::Read };
    if !own_matters {
        // Cheap path: nobody else holds a conflicting lock anywhere in the file.
        match ofd::conflicts(fd, kind, 0, share::BASE) {
            Ok(false) | Err(_) => return Ok(()),
            Ok(true) => {}
        }
    }
    let start = match offset {
        Some(o) => o,
        None if write && file.flags() & FILE_FLAG_OVERLAPPED == 0 && file.append_only() => {
            rustix::fs::fstat(file.fd()).map(|st| st.st_size as u64).api(api)?
        }
        None => rustix::fs::seek(file.fd(), rustix::fs::SeekFrom::Current(0)).api(api)?,
    };
    if write && locks.own_shared_meets(start, len as u64) {
        return Err(Error::new(Win32Error::LOCK_VIOLATION, api));
    }
    if start < share::BASE {
        let n = (len as u64).min(share::BASE - start);
        if ofd::conflicts(fd, kind, start, n).unwrap_or(false) {
            return Err(Error::new(Win32Error::LOCK_VIOLATION, api));
        }
    }
    Ok(())
}
