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
use pyo3::ffi;
use pyo3::prelude::*;
use std::cell::Cell;
use std::marker::PhantomPinned;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use winfile::overlapped::{IoMemory, Lent};

/// Exports whose operations ended, waiting for a thread holding the GIL. (Boxed: a
/// view must not move until it is released.)
#[allow(clippy::vec_box)]
static RELEASES: Mutex<Vec<Box<Pinned>>> = Mutex::new(Vec::new());
/// Whether `RELEASES` may be non-empty (one atomic load when there is nothing to do).
static QUEUED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// The vector `release_pending` swaps with `RELEASES` (both keep their capacity: no
    /// allocation per batch).
    #[allow(clippy::vec_box)]
    static SPARE: Cell<Vec<Box<Pinned>>> = const { Cell::new(Vec::new()) };
}

/// A Python object's buffer, exported for as long as an operation uses it: the
/// `Py_buffer` itself, in the box the operation's `Lent` owns (one allocation per
/// operation; an exporter may point the view's fields into the view, so it never
/// moves until released).
pub struct Pinned {
    view: ffi::Py_buffer,
    writable: bool,
    _pinned: PhantomPinned,
}

// SAFETY: the view's pointers are the exporter's; the memory they describe is used only
// as the IoMemory contract allows, and the view is released only with the GIL held
// (`release_pending`), on whichever thread holds it.
unsafe impl Send for Pinned {}

impl Pinned {
    /// Exports `obj`'s buffer (as `PyUntypedBuffer::get` does: PyBUF_FULL_RO, a shape
    /// and strides required), if it is C-contiguous; `None` (no exception left set)
    /// otherwise.
    fn export(obj: &Bound<'_, PyAny>) -> Option<Box<Pinned>> {
        // SAFETY: a zeroed Py_buffer is a valid "no export" value (null pointers, zero
        // sizes); PyObject_GetBuffer fills it in place, in the box it never leaves.
        let mut p = Box::new(Pinned { view: unsafe { std::mem::zeroed() }, writable: false, _pinned: PhantomPinned });
        // SAFETY: `obj` is a live object and the GIL is held; `p.view` is valid for writes.
        if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &raw mut p.view, ffi::PyBUF_FULL_RO) } < 0 {
            // SAFETY: the GIL is held; the failed export's exception is dropped, as
            // `PyUntypedBuffer::get(..).ok()` drops it.
            unsafe { ffi::PyErr_Clear() };
            return None;
        }
        // SAFETY: an export filled by a successful PyObject_GetBuffer.
        let contiguous = !p.view.shape.is_null()
            && !p.view.strides.is_null()
            && unsafe { ffi::PyBuffer_IsContiguous(&raw const p.view, b'C' as std::ffi::c_char) } != 0;
        if !contiguous {
            p.release(obj.py());
            return None;
        }
        p.writable = p.view.readonly == 0;
        Some(p)
    }

    /// Releases the export (the GIL held) and frees the box (taken as a box: the view
    /// must be released at the address it was exported at).
    #[allow(clippy::boxed_local)]
    fn release(mut self: Box<Self>, _py: Python<'_>) {
        // SAFETY: a live export, released once (the box is consumed), with the GIL held.
        unsafe { ffi::PyBuffer_Release(&raw mut self.view) };
    }
}

// SAFETY: see the module docs: the export keeps `len` bytes at `buf` allocated and in
// place until it is released, which happens only after the operation gave the memory
// back; `writable` is false for read-only exports, whose memory is never written.
unsafe impl IoMemory for Pinned {
    fn ptr(&self) -> *mut u8 {
        self.view.buf.cast()
    }
    fn len(&self) -> usize {
        usize::try_from(self.view.len).unwrap_or(0)
    }
    fn writable(&self) -> bool {
        self.writable
    }
    fn give_back(self: Box<Self>) {
        RELEASES.lock().unwrap_or_else(PoisonError::into_inner).push(self);
        QUEUED.store(true, Ordering::Release);
    }
}

/// A buffer argument that a socket transfer's first step uses in place during the call
/// (`winfile::overlapped::CallMemory`), lent — a boxed export, as [`writable`] /
/// [`readable`] make it — only if the operation must wait: an operation that ends in the
/// call costs no allocation and leaves nothing to release later. Made by [`in_place`],
/// exported where it lives (it never moves while exported) and released when it goes.
pub struct InPlace<'a, 'py> {
    view: ffi::Py_buffer,
    obj: &'a Bound<'py, PyAny>,
    /// A receive's target (lent as [`writable`] lends it; else as [`readable`]).
    receive: bool,
    exported: bool,
    _not_send: std::marker::PhantomData<*mut u8>,
}

/// Runs `f` with `obj`'s buffer exported in place (as `Pinned::export` exports it:
/// PyBUF_FULL_RO, C-contiguous), or with `None` when it cannot be (no buffer, not
/// contiguous, or, for a receive, read-only: the caller then takes the lending path,
/// which reports or copies as before).
pub fn in_place<R>(obj: &Bound<'_, PyAny>, receive: bool, f: impl FnOnce(Option<&mut InPlace<'_, '_>>) -> R) -> R {
    let mut place = InPlace {
        // SAFETY: a zeroed Py_buffer is a valid "no export" value.
        view: unsafe { std::mem::zeroed() },
        obj,
        receive,
        exported: false,
        _not_send: std::marker::PhantomData,
    };
    // SAFETY: `obj` is a live object and the GIL is held; `place.view` is valid for
    // writes and stays where it is until `place` is dropped (after its last use below).
    if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &raw mut place.view, ffi::PyBUF_FULL_RO) } < 0 {
        // SAFETY: the GIL is held; the failed export's exception is dropped (the lending
        // path raises its own).
        unsafe { ffi::PyErr_Clear() };
        return f(None);
    }
    place.exported = true;
    // SAFETY: an export filled by a successful PyObject_GetBuffer.
    let contiguous = !place.view.shape.is_null()
        && !place.view.strides.is_null()
        && unsafe { ffi::PyBuffer_IsContiguous(&raw const place.view, b'C' as std::ffi::c_char) } != 0;
    if !contiguous || (receive && place.view.readonly != 0) {
        return f(None);
    }
    f(Some(&mut place))
}

impl Drop for InPlace<'_, '_> {
    fn drop(&mut self) {
        if self.exported {
            // SAFETY: a live export, released once, at the address it was made at, on the
            // thread that made it (`InPlace` is not Send) with the GIL held.
            unsafe { ffi::PyBuffer_Release(&raw mut self.view) };
        }
    }
}

impl winfile::overlapped::CallMemory for InPlace<'_, '_> {
    fn bytes(&self) -> &[u8] {
        let len = usize::try_from(self.view.len).unwrap_or(0);
        if len == 0 || self.view.buf.is_null() {
            return &[];
        }
        // SAFETY: the export keeps `len` bytes at `buf` allocated and in place while
        // `self` lives (`in_place` only hands out exported, contiguous views).
        unsafe { std::slice::from_raw_parts(self.view.buf.cast::<u8>(), len) }
    }

    fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        if !self.receive || self.view.readonly != 0 {
            return None;
        }
        let len = usize::try_from(self.view.len).unwrap_or(0);
        if len == 0 || self.view.buf.is_null() {
            return Some(&mut []);
        }
        // SAFETY: as `bytes`; the export is writable, the GIL is held for the whole call
        // (no Python code runs meanwhile), and `&mut self` makes this the only slice.
        Some(unsafe { std::slice::from_raw_parts_mut(self.view.buf.cast::<u8>(), len) })
    }

    fn lend(&mut self) -> winfile::Result<Lent> {
        if self.receive {
            writable(self.obj, "").map_err(|_| winfile::Error::new(winfile::Win32Error::WSAEFAULT, ""))
        } else {
            // Always lendable: a send may have sent part of its data already.
            Ok(readable(self.obj).unwrap_or_else(|_| Lent::new(self.bytes().to_vec())))
        }
    }
}

fn export(obj: &Bound<'_, PyAny>) -> Option<PyUntypedBuffer> {
    let export = PyUntypedBuffer::get(obj).ok()?;
    export.is_c_contiguous().then_some(export)
}

/// The TypeError for data that is no buffer (or whose copy could not be made).
fn not_buffer(obj: &Bound<'_, PyAny>) -> PyErr {
    match obj.get_type().name() {
        Ok(t) => PyTypeError::new_err(format!("a bytes-like object is required, not '{t}'")),
        Err(e) => e,
    }
}

/// A `bytes` copy of a buffer that is not contiguous (a strided memoryview).
fn contiguous_copy<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let view = py.import("builtins")?.getattr("memoryview")?.call1((obj,)).map_err(|_| not_buffer(obj))?;
    view.call_method0("tobytes")
}

/// Data to be written: the buffer's own export when it is contiguous, else (a strided
/// memoryview) a `bytes` copy of its contents, exported in turn.
fn export_data(obj: &Bound<'_, PyAny>) -> PyResult<PyUntypedBuffer> {
    if let Some(e) = export(obj) {
        return Ok(e);
    }
    let copy = contiguous_copy(obj)?;
    export(&copy).ok_or_else(|| not_buffer(obj))
}

/// Lends a writable, contiguous buffer (a read's target); `TypeError(message)` for
/// anything else, as pywin32's buffer conversion does.
pub fn writable(obj: &Bound<'_, PyAny>, message: &'static str) -> PyResult<Lent> {
    match Pinned::export(obj) {
        Some(p) if p.writable => Ok(Lent::from_box(p)),
        Some(p) => {
            p.release(obj.py());
            Err(PyTypeError::new_err(message))
        }
        None => Err(PyTypeError::new_err(message)),
    }
}

/// Lends a buffer to be written out (bytes, bytearray, memoryview, array).
pub fn readable(obj: &Bound<'_, PyAny>) -> PyResult<Lent> {
    let mut p = match Pinned::export(obj) {
        Some(p) => p,
        None => Pinned::export(&contiguous_copy(obj)?).ok_or_else(|| not_buffer(obj))?,
    };
    p.writable = false;
    Ok(Lent::from_box(p))
}

/// Releases the exports of operations that ended (with the GIL held).
pub fn release_pending(py: Python<'_>) {
    if !QUEUED.load(Ordering::Relaxed) || !QUEUED.swap(false, Ordering::AcqRel) {
        return;
    }
    // (A release may run Python code, which may give back or release more: `SPARE` is
    // not borrowed meanwhile.)
    let mut done = SPARE.take();
    std::mem::swap(&mut *RELEASES.lock().unwrap_or_else(PoisonError::into_inner), &mut done);
    for p in done.drain(..) {
        p.release(py);
    }
    SPARE.set(done);
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
