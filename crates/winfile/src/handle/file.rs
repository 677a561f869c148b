//! The object behind a file or directory handle.

use super::ext::{Extension, Extensions};
use super::hub::{HubGuard, HubWord, WaitSlot, Waitable};
use super::osf::Fd;
use super::Object;
use crate::consts::{
    FILE_APPEND_DATA, FILE_FLAG_NO_BUFFERING, FILE_FLAG_OVERLAPPED, FILE_READ_ATTRIBUTES, FILE_READ_DATA,
    FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA,
};
use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::ThreadId;

/// Which convention a caller's path follows; paths returned to the caller use the same.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PathStyle {
    /// A Unix path (`/tmp/x`, `x/y`): passed through untouched, matched exactly.
    Unix,
    /// A Windows path (`C:\x`, `\\?\C:\x`, `x\y`): mapped through the drive table,
    /// matched case-insensitively when the exact name does not exist.
    Windows,
}

/// What `GetFileType` reports for a handle.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileKind {
    /// A regular file (`FILE_TYPE_DISK`).
    Disk,
    /// A directory opened with `FILE_FLAG_BACKUP_SEMANTICS` (`FILE_TYPE_DISK`).
    Directory,
    /// A character device or terminal (`FILE_TYPE_CHAR`).
    Char,
    /// A FIFO or socket (`FILE_TYPE_PIPE`).
    Pipe,
}

/// The bits of a handle's I/O word ([`File::io_word`]): everything ReadFile/WriteFile
/// must know about the handle before touching the data, in one word read with one load.
/// The fixed bits come from the open; the lock layer keeps the others (`crate::lock`).
pub(crate) mod io_bits {
    /// ReadFile at the file pointer needs no per-handle check but the lock check: a
    /// regular file, FILE_READ_DATA granted, buffered (no FILE_FLAG_NO_BUFFERING
    /// alignment rule), synchronous (a file pointer to read at). Fixed at open.
    pub(crate) const READ: u64 = 1 << 0;
    /// The same for WriteFile (FILE_WRITE_DATA or FILE_APPEND_DATA granted).
    pub(crate) const WRITE: u64 = 1 << 1;
    /// The handle holds byte-range locks (its writes check its own shared ones): set
    /// and cleared by LockFile(Ex)/UnlockFile(Ex)/CloseHandle under the lock list.
    pub(crate) const OWN_LOCKS: u64 = 1 << 2;
    /// The inode's lock-presence slot (`crate::lock`'s words), plus one, in the high
    /// half: 0 while not looked up yet, [`NO_SLOT`] where every I/O must probe the kernel.
    pub(crate) const SLOT_SHIFT: u32 = 32;
    /// The slot field's value when the handle has no usable lock-presence word.
    pub(crate) const NO_SLOT: u64 = u32::MAX as u64;
}

/// The fixed bits of a new handle's I/O word.
fn io_bits_at_open(access: u32, flags: u32, kind: FileKind) -> u64 {
    if kind != FileKind::Disk || flags & (FILE_FLAG_NO_BUFFERING | FILE_FLAG_OVERLAPPED) != 0 {
        return 0;
    }
    let mut bits = 0;
    if access & FILE_READ_DATA != 0 {
        bits |= io_bits::READ;
    }
    if access & (FILE_WRITE_DATA | FILE_APPEND_DATA) != 0 {
        bits |= io_bits::WRITE;
    }
    bits
}

/// An open file or directory: one Linux open file description per handle, so that the
/// file pointer (and later OFD locks and share tokens) belong to the handle.
pub struct File {
    fd: Fd,
    access: u32,
    share: u32,
    flags: u32,
    path: PathBuf,
    style: PathStyle,
    kind: FileKind,
    /// The I/O word (see [`io_bits`]).
    io: AtomicU64,
    modified: AtomicBool,
    /// Non-zero once the transaction the handle was opened in has ended: the Win32 code
    /// every later use fails with (see `Object::retired`).
    retired: AtomicU32,
    /// The file object's own signal: reset when overlapped I/O starts, set when it ends
    /// (what waiting on a file handle observes).
    signaled: HubWord,
    /// Per-handle state of the modules above (share token and byte-range locks, watch,
    /// listing, I/O in flight, completion port).
    ext: Extensions,
}

impl Object for File {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(self)
    }

    /// A handle tied to a CRT descriptor that was closed or reused (see `osf`).
    fn is_stale(&self) -> bool {
        self.fd.is_stale()
    }

    fn retired(&self) -> Option<crate::error::Win32Error> {
        match self.retired.load(Ordering::Acquire) {
            0 => None,
            code => Some(crate::error::Win32Error(code)),
        }
    }

    /// CloseHandle: the extensions' close hooks run, in their order (change watch,
    /// I/O in flight, then share token and byte-range locks).
    fn on_close(&self) {
        self.ext.close(self);
    }
}

impl Drop for File {
    fn drop(&mut self) {
        // Objects dropped without CloseHandle (torn down) still let go (the hooks see
        // the object with no extensions left, as before).
        let ext = std::mem::take(&mut self.ext);
        ext.dropped(self);
    }
}

impl File {
    /// A file object over `fd`, with the access mask already mapped from GENERIC_* rights.
    pub(crate) fn new(
        fd: Fd,
        access: u32,
        share: u32,
        flags: u32,
        path: PathBuf,
        style: PathStyle,
        kind: FileKind,
    ) -> Self {
        Self {
            fd,
            access,
            share,
            flags,
            path,
            style,
            kind,
            io: AtomicU64::new(io_bits_at_open(access, flags, kind)),
            modified: AtomicBool::new(false),
            retired: AtomicU32::new(0),
            signaled: HubWord::new(1),
            ext: Extensions::default(),
        }
    }

    /// Makes every later use of the handle fail with `code` (its transaction ended).
    pub fn retire(&self, code: crate::error::Win32Error) {
        self.retired.store(code.0, Ordering::Release);
    }

    /// The handle's I/O word ([`io_bits`]): one load answers everything the ReadFile and
    /// WriteFile fast paths ask of the handle.
    #[inline]
    pub(crate) fn io_word(&self) -> u64 {
        self.io.load(Ordering::Relaxed)
    }

    /// Sets `bits` in the I/O word (bits the lock layer keeps; the slot field is set
    /// once, always to the same value).
    pub(crate) fn io_word_set(&self, bits: u64) {
        self.io.fetch_or(bits, Ordering::Relaxed);
    }

    /// Clears `bits` in the I/O word.
    pub(crate) fn io_word_clear(&self, bits: u64) {
        self.io.fetch_and(!bits, Ordering::Relaxed);
    }

    /// The handle's extension of type `T`, if it has one.
    pub(crate) fn ext<T: Extension>(&self) -> Option<Arc<T>> {
        self.ext.get::<T>()
    }

    /// Runs `f` with the handle's extension of type `T`, if it has one, without taking
    /// a reference to it (the per-I/O path). `f` must be short and must not touch the
    /// handle's extensions.
    pub fn with_ext<T: Extension, R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        self.ext.with::<T, R>(f)
    }

    /// The handle's extension of type `T`, created by `make` at first use.
    pub(crate) fn ext_or_insert_with<T: Extension>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        self.ext.get_or_insert_with(make)
    }

    /// The handle's extension of type `T`, if it has one, borrowed for as long as the
    /// file object is (the per-operation path: no reference count traffic).
    pub(crate) fn ext_ref<T: Extension>(&self) -> Option<super::ext::ExtRef<'_, T>> {
        self.ext.get_ref::<T>()
    }

    /// As [`File::ext_ref`], created with `T::default()` at first use.
    pub(crate) fn ext_ref_or_default<T: Extension + Default>(&self) -> super::ext::ExtRef<'_, T> {
        self.ext.get_ref_or_insert_with(T::default)
    }

    /// The handle's extension of type `T`, created with `T::default()` at first use.
    pub fn ext_or_default<T: Extension + Default>(&self) -> Arc<T> {
        self.ext.get_or_insert_with(T::default)
    }

    /// Whether writes go to the end of file (FILE_APPEND_DATA without FILE_WRITE_DATA).
    pub(crate) fn append_only(&self) -> bool {
        self.access & FILE_APPEND_DATA != 0 && self.access & FILE_WRITE_DATA == 0
    }

    /// Ties the handle to CRT descriptor `crt` (`_open_osfhandle`, see `osf`).
    pub(crate) fn tie_crt(&self, crt: std::os::fd::RawFd) {
        self.fd.tie(crt);
    }

    /// The socket cookie the tie is checked with (0: kcmp), for tests.
    #[cfg(test)]
    pub(crate) fn tie_cookie(&self) -> u64 {
        self.fd.tie_cookie()
    }

    /// The descriptor behind the handle.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Granted access mask (specific rights; GENERIC_* already mapped).
    pub fn access(&self) -> u32 {
        self.access
    }

    /// Share mode given at open.
    pub fn share(&self) -> u32 {
        self.share
    }

    /// FILE_FLAG_* given at open.
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// The Linux path the handle was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The style of the name the caller gave (paths returned about this handle use it).
    pub fn style(&self) -> PathStyle {
        self.style
    }

    /// The kind of object.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// Records a modification; true the first time (the caller then sets ARCHIVE).
    pub fn note_modified(&self) -> bool {
        !self.modified.load(Ordering::Relaxed) && !self.modified.swap(true, Ordering::Relaxed)
    }

    /// Whether FILE_READ_DATA was granted.
    pub fn can_read(&self) -> bool {
        self.access & FILE_READ_DATA != 0
    }

    /// Whether FILE_WRITE_DATA or FILE_APPEND_DATA was granted.
    pub fn can_write(&self) -> bool {
        self.access & (FILE_WRITE_DATA | FILE_APPEND_DATA) != 0
    }

    /// Whether FILE_READ_ATTRIBUTES (or read access) was granted.
    pub fn can_read_attributes(&self) -> bool {
        self.access & (FILE_READ_ATTRIBUTES | FILE_READ_DATA) != 0
    }

    /// Whether FILE_WRITE_ATTRIBUTES (or write access) was granted.
    pub fn can_write_attributes(&self) -> bool {
        self.access & (FILE_WRITE_ATTRIBUTES | FILE_WRITE_DATA) != 0
    }
}

/// Waiting on a file handle: signaled unless overlapped I/O on it is in flight.
impl Waitable for File {
    fn ready(&self, hub: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.signaled.get(hub) != 0
    }
    fn consume(&self, _hub: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        false
    }
}

impl File {
    /// Overlapped I/O starts: the file object becomes non-signaled (hub lock held).
    pub(crate) fn reset_signal_locked(&self, g: &HubGuard<'_>) {
        self.signaled.set(g, 0);
    }

    /// As [`File::reset_signal_locked`], without the hub lock (see
    /// `HubWord::clear_unlocked`).
    pub(crate) fn reset_signal_unlocked(&self) {
        self.signaled.clear_unlocked(0);
    }

    /// As [`File::set_signal_locked`], without the hub lock: only in `hub::raise`'s
    /// quiet changes (no thread waits).
    pub(crate) fn set_signal_quiet(&self) {
        self.signaled.publish(1);
    }

    /// Overlapped I/O ended: the file object becomes signaled (hub lock held; the
    /// caller wakes the waiters).
    pub(crate) fn set_signal_locked(&self, g: &HubGuard<'_>) {
        self.signaled.set(g, 1);
    }
}
