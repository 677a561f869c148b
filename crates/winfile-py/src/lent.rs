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

/// Data to be written: the buffer's own export when it is contiguous, else (a strided
/// memoryview) a `bytes` copy of its contents, exported in turn.
fn export_data(obj: &Bound<'_, PyAny>) -> PyResult<PyUntypedBuffer> {
    if let Some(e) = export(obj) {
        return Ok(e);
    }
    let not_buffer = || match obj.get_type().name() {
        Ok(t) => PyTypeError::new_err(format!("a bytes-like object is required, not '{t}'")),
        Err(e) => e,
    };
    let py = obj.py();
    let view = py.import("builtins")?.getattr("memoryview")?.call1((obj,)).map_err(|_| not_buffer())?;
    let copy = view.call_method0("tobytes")?;
    export(&copy).ok_or_else(not_buffer)
}

/// Lends a writable, contiguous buffer (a read's target); `TypeError(message)` for
/// anything else, as pywin32's buffer conversion does.
pub fn writable(obj: &Bound<'_, PyAny>, message: &'static str) -> PyResult<Lent> {
    match export(obj) {
        Some(e) if !e.readonly() => Ok(Lent::new(Pinned { export: Some(e), writable: true })),
        _ => Err(PyTypeError::new_err(message)),
    }
}

/// Lends a buffer to be written out (bytes, bytearray, memoryview, array).
pub fn readable(obj: &Bound<'_, PyAny>) -> PyResult<Lent> {
    Ok(Lent::new(Pinned { export: Some(export_data(obj)?), writable: false }))
}

/// Releases the exports of operations that ended (with the GIL held).
pub fn release_pending(py: Python<'_>) {
    if !QUEUED.load(Ordering::Relaxed) || !QUEUED.swap(false, Ordering::AcqRel) {
        return;
    }
    let done = std::mem::take(&mut *RELEASES.lock().unwrap_or_else(PoisonError::into_inner));
    for export in done {
        export.release(py);
    }
}

/// A buffer argument of a synchronous call, exported for the call's duration and seen
/// as bytes (a read's target, or data to write), with no copy: the same export
/// `os.write` / `os.readv` use, so the GIL can be released while the call runs. (Other
/// Python threads may still change the contents meanwhile, as with `os.write`; they
/// cannot resize or free the memory.)
pub struct Exported(PyUntypedBuffer);

impl Exported {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        let len = self.0.len_bytes();
        if len == 0 {
            return &[];
        }
        // SAFETY: the export keeps `len` bytes at `buf_ptr` allocated and in place while
        // `self` lives (see the module docs).
        unsafe { std::slice::from_raw_parts(self.0.buf_ptr().cast::<u8>(), len) }
    }

    /// The bytes, to be written; only for exports made by [`exported_mut`].
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        let len = self.0.len_bytes();
        if len == 0 || self.0.readonly() {
            return &mut [];
        }
        // SAFETY: as `as_slice`; the export is writable, and `&mut self` makes this the
        // only slice made from it.
        unsafe { std::slice::from_raw_parts_mut(self.0.buf_ptr().cast::<u8>(), len) }
    }
}

/// Exports any buffer (bytes, bytearray, memoryview, array) to be read.
pub fn exported(obj: &Bound<'_, PyAny>) -> PyResult<Exported> {
    export_data(obj).map(Exported)
}

/// Exports a writable contiguous buffer; `TypeError(message)` for anything else.
pub fn exported_mut(obj: &Bound<'_, PyAny>, message: &'static str) -> PyResult<Exported> {
    match export(obj) {
        Some(e) if !e.readonly() => Ok(Exported(e)),
        _ => Err(PyTypeError::new_err(message)),
    }
}
