//! Python buffers lent to overlapped operations: the core's engine reads into (or
//! writes from) the Python object's own memory, with no copy and without the GIL.
//!
//! # Safety
//! A buffer export (`PyObject_GetBuffer`) pins the memory: while it is held, a
//! `bytearray` cannot be resized (BufferError), a `memoryview` cannot be released, and
//! every exporter keeps the memory at its address. So [`Pinned`] upholds the core's
//! `IoMemory` contract for as long as it lives. Releasing an export needs the GIL, which
//! the engine thread never takes: a `Pinned` dropped there only queues its export, and
//! the next binding call that holds the GIL releases it ([`release_pending`]) — every
//! call that can observe a completion (waits, GetOverlappedResult,
//! GetQueuedCompletionStatus, ReadFile/WriteFile, the OVERLAPPED's fields) does.
#![allow(unsafe_code)]

use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use winfile::overlapped::{IoMemory, Lent};

/// Exports whose operations ended, waiting for a thread holding the GIL.
static RELEASES: Mutex<Vec<PyUntypedBuffer>> = Mutex::new(Vec::new());
/// Whether `RELEASES` may be non-empty (one atomic load when there is nothing to do).
static QUEUED: AtomicBool = AtomicBool::new(false);

/// A Python object's buffer, exported for as long as an operation uses it.
pub struct Pinned {
    export: Option<PyUntypedBuffer>,
    writable: bool,
}

// SAFETY: see the module docs: the export keeps `len` bytes at `ptr` allocated and in
// place until it is released, which happens only after this value is dropped;
// `writable` is false for read-only exports, whose memory is never written.
unsafe impl IoMemory for Pinned {
    fn ptr(&self) -> *mut u8 {
        self.export.as_ref().map_or(std::ptr::null_mut(), |e| e.buf_ptr().cast())
    }
    fn len(&self) -> usize {
        self.export.as_ref().map_or(0, PyUntypedBuffer::len_bytes)
    }
    fn writable(&self) -> bool {
        self.writable
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        if let Some(export) = self.export.take() {
            RELEASES.lock().unwrap_or_else(PoisonError::into_inner).push(export);
            QUEUED.store(true, Ordering::Release);
        }
    }
}

fn export(obj: &Bound<'_, PyAny>) -> Option<PyUntypedBuffer> {
    let export = PyUntypedBuffer::get(obj).ok()?;
    export.is_c_contiguous().then_some(export)
}

/// Lends a writable, contiguous buffer (a read's target); `TypeError(message)` for
/// anything else, as pywin32's buffer conversion does.
pub fn writable(obj: &Bound<'_, PyAny>, message: &'static str) -> PyResult<Lent> {
    match export(obj) {
        Some(e) if !e.readonly() => Ok(Lent::new(Pinned { export: Some(e), writable: true })),
        _ => Err(PyTypeError::new_err(message)),
    }
}

/// Lends a contiguous buffer to be written out (bytes, bytearray, memoryview, array).
pub fn readable(obj: &Bound<'_, PyAny>) -> PyResult<Lent> {
    match export(obj) {
        Some(e) => Ok(Lent::new(Pinned { export: Some(e), writable: false })),
        None => {
            let t = obj.get_type().name()?;
            Err(PyTypeError::new_err(format!("a bytes-like object is required, not '{t}'")))
        }
    }
}

/// Releases the exports of operations that ended (with the GIL held).
pub fn release_pending(py: Python<'_>) {
    if !QUEUED.swap(false, Ordering::AcqRel) {
        return;
    }
    let done = std::mem::take(&mut *RELEASES.lock().unwrap_or_else(PoisonError::into_inner));
    for export in done {
        export.release(py);
    }
}
