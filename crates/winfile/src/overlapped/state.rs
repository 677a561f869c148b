//! The completion state of one OVERLAPPED structure.

use crate::error::Win32Error;
use crate::handle::hub::{self, HubGuard, HubWord};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// `Internal` while an operation is in flight (STATUS_PENDING).
pub const STATUS_PENDING: u64 = 0x103;

/// `Overlapped::done` while an operation is in flight (above every 32-bit status).
const PENDING: u64 = u64::MAX;

/// One OVERLAPPED: the offset given by the caller and the result written at completion.
/// Shared between the caller's object and the operation in flight.
pub struct Overlapped {
    offset: AtomicU64,
    internal: AtomicU64,
    internal_high: AtomicU64,
    /// pywin32's `dword` member: the caller's, or a device request's result written at
    /// completion (WaitCommEvent's event mask).
    dword: AtomicU32,
    /// The Win32 status of the last operation, or [`PENDING`] while it is in flight.
    done: HubWord,
}

impl Default for Overlapped {
    fn default() -> Self {
        Self::new()
    }
}

impl Overlapped {
    /// A zeroed OVERLAPPED (no operation yet: GetOverlappedResult sees it complete).
    pub fn new() -> Self {
        Self {
            offset: AtomicU64::new(0),
            internal: AtomicU64::new(0),
            internal_high: AtomicU64::new(0),
            dword: AtomicU32::new(0),
            done: HubWord::new(Win32Error::SUCCESS.0 as u64),
        }
    }

    /// The 64-bit file offset (`Offset` | `OffsetHigh` << 32).
    pub fn offset(&self) -> u64 {
        self.offset.load(Ordering::Acquire)
    }

    /// Sets the 64-bit file offset.
    pub fn set_offset(&self, v: u64) {
        self.offset.store(v, Ordering::Release);
    }

    /// `Internal`: the status code (STATUS_PENDING while in flight).
    pub fn internal(&self) -> u64 {
        self.internal.load(Ordering::Acquire)
    }

    /// Sets `Internal`, as callers may.
    pub fn set_internal(&self, v: u64) {
        self.internal.store(v, Ordering::Release);
    }

    /// `InternalHigh`: the bytes transferred.
    pub fn internal_high(&self) -> u64 {
        self.internal_high.load(Ordering::Acquire)
    }

    /// Sets `InternalHigh`, as callers may.
    pub fn set_internal_high(&self, v: u64) {
        self.internal_high.store(v, Ordering::Release);
    }

    /// The `dword` member (WaitCommEvent's event mask once it completes).
    pub fn dword(&self) -> u32 {
        self.dword.load(Ordering::Acquire)
    }

    /// Sets the `dword` member.
    pub fn set_dword(&self, v: u32) {
        self.dword.store(v, Ordering::Release);
    }

    /// Marks an operation as started without the hub lock (see
    /// `HubWord::clear_unlocked`: becoming pending wakes no one).
    pub(crate) fn begin_unlocked(&self) {
        self.internal.store(STATUS_PENDING, Ordering::Release);
        self.internal_high.store(0, Ordering::Release);
        self.done.clear_unlocked(PENDING);
    }

    /// Marks an operation as started, under a hub lock the caller holds.
    pub(crate) fn begin_locked(&self, g: &HubGuard<'_>) {
        self.internal.store(STATUS_PENDING, Ordering::Release);
        self.internal_high.store(0, Ordering::Release);
        self.done.set(g, PENDING);
    }

    /// Stores the result, under a hub lock the caller holds (it then wakes the
    /// GetOverlappedResult waiters).
    pub(crate) fn finish_locked(&self, g: &HubGuard<'_>, status: Win32Error, bytes: usize) {
        self.internal_high.store(bytes as u64, Ordering::Release);
        self.internal.store(u64::from(status.0), Ordering::Release);
        self.done.set(g, u64::from(status.0));
    }

    /// As [`Overlapped::finish_locked`], without the hub lock: only in `hub::raise`'s
    /// quiet changes (no thread waits).
    pub(crate) fn finish_quiet(&self, status: Win32Error, bytes: usize) {
        self.internal_high.store(bytes as u64, Ordering::Release);
        self.internal.store(u64::from(status.0), Ordering::Release);
        self.done.publish(u64::from(status.0));
    }

    /// The status of the last operation, `None` while it is pending.
    fn status(&self, g: &HubGuard<'_>) -> Option<Win32Error> {
        match self.done.get(g) {
            PENDING => None,
            code => Some(Win32Error(code as u32)),
        }
    }

    /// The result, or `None` while pending.
    pub(crate) fn result(&self) -> Option<(Win32Error, usize)> {
        let g = hub::lock();
        let status = self.status(&g)?;
        Some((status, usize::try_from(self.internal_high()).unwrap_or(usize::MAX)))
    }

    /// Blocks until the operation ends; `None` when the caller's interrupt check
    /// (`crate::interrupt`, asked every slice) stops the wait.
    pub(crate) fn wait(&self) -> Option<(Win32Error, usize)> {
        let _waiting = hub::waiting();
        let mut g = hub::lock();
        loop {
            if let Some(status) = self.status(&g) {
                return Some((status, usize::try_from(self.internal_high()).unwrap_or(usize::MAX)));
            }
            let until = crate::interrupt::next_check(None);
            g = hub::sleep(g, Some(until));
            if std::time::Instant::now() >= until {
                drop(g);
                if crate::interrupt::requested() {
                    return None;
                }
                g = hub::lock();
            }
        }
    }
}
