//! A file handle's share token and byte-range locks, kept on the handle itself (a
//! `handle::Extension`), released when it closes.

use super::range::Locks;
use super::share::Token;
use crate::consts::FILE_FLAG_DELETE_ON_CLOSE;
use crate::handle::{io_bits, Extension, File, FileKind};
use crate::poison::MutexExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The lock state of one file handle.
#[derive(Default)]
pub(crate) struct LockState {
    /// Share token (share mode, delete-on-close); None when the file is not bound.
    token: Mutex<Option<Token>>,
    /// The handle's byte-range locks.
    locks: Mutex<Locks>,
    /// Delete-pending set through FileDispositionInfo on a handle with no share token.
    doomed: AtomicBool,
}

impl LockState {
    /// The handle's lock state (made at first use).
    pub(crate) fn of(file: &File) -> Arc<LockState> {
        file.ext_or_default::<LockState>()
    }

    /// The byte-range locks.
    pub(crate) fn locks(&self) -> MutexGuard<'_, Locks> {
        self.locks.locked()
    }

    /// The byte-range lock list itself (for waits that release it between attempts).
    pub(crate) fn lock_list(&self) -> &Mutex<Locks> {
        &self.locks
    }
}

/// The lock-presence slot of `file`'s inode, looked up (one fstat, and one fstatfs) and
/// kept in the handle's I/O word the first time. None, so that every I/O probes the
/// kernel, where programs that do not use winfile may hold locks (`super::foreign`:
/// network file systems, `WINFILE_FOREIGN_LOCKS`).
pub(crate) fn slot_of(file: &File) -> Option<usize> {
    match file.io_word() >> io_bits::SLOT_SHIFT {
        0 => {
            let main = file.fd();
            let slot = rustix::fs::fstat(main)
                .ok()
                .filter(|st| !super::foreign::may_have_foreign_locks(main, st.st_dev))
                .map(|st| super::word::slot(st.st_dev, st.st_ino));
            let field = slot.map_or(io_bits::NO_SLOT, |s| s as u64 + 1);
            file.io_word_set(field << io_bits::SLOT_SHIFT);
            slot
        }
        io_bits::NO_SLOT => None,
        s => Some((s - 1) as usize),
    }
}

/// Gives the handle its share token.
pub(crate) fn set_token(file: &File, token: Option<Token>) {
    *LockState::of(file).token.locked() = token;
}

/// Runs `f` with the handle's share token (None when the file is not bound).
pub(crate) fn with_token<R>(file: &File, f: impl FnOnce(Option<&Token>) -> R) -> R {
    match file.ext::<LockState>() {
        Some(state) => f(state.token.locked().as_ref()),
        None => f(None),
    }
}

/// Marks an unbound handle's file for deletion when this handle closes (or not).
pub(crate) fn set_doomed(file: &File, on: bool) {
    LockState::of(file).doomed.store(on, Ordering::Relaxed);
}

impl Extension for LockState {
    /// After the I/O in flight has been aborted.
    fn close_order(&self) -> u8 {
        2
    }

    /// CloseHandle: the handle's byte-range locks go, then its share token; the last
    /// handle of a file marked delete-on-close deletes it (see `share`).
    fn on_close(&self, file: &File) {
        let mut locks = self.locks();
        locks.clear(file.fd());
        file.io_word_clear(io_bits::OWN_LOCKS);
        drop(locks);
        let token = self.token.locked().take();
        match token {
            Some(mut t) => t.release(file.fd(), file.path()),
            None if file.flags() & FILE_FLAG_DELETE_ON_CLOSE != 0 || self.doomed.load(Ordering::Relaxed) => {
                delete_unbound(file);
            }
            None => {}
        }
    }

    /// A file object dropped without CloseHandle still lets go of its byte-range locks
    /// (before their lock-presence count) and of its share token.
    fn on_drop(&self, file: &File) {
        self.locks().clear(file.fd());
        let token = self.token.locked().take();
        if let Some(mut t) = token {
            t.release(file.fd(), file.path());
        }
    }
}

/// Not bound (no token could be had): the file is deleted when this handle closes,
/// if its name still refers to it (it may have been renamed).
fn delete_unbound(file: &File) {
    use rustix::fs::{fstat, statat, unlinkat, AtFlags, CWD};
    let flags = if file.kind() == FileKind::Directory { AtFlags::REMOVEDIR } else { AtFlags::empty() };
    let same = match (fstat(file.fd()), statat(CWD, file.path(), AtFlags::SYMLINK_NOFOLLOW)) {
        (Ok(a), Ok(b)) => a.st_dev == b.st_dev && a.st_ino == b.st_ino,
        _ => false,
    };
    if !same {
        return;
    }
    if let Err(e) = unlinkat(CWD, file.path(), flags) {
        log::debug!("delete-on-close of {:?} failed: {e}", file.path());
    }
}
