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
//! GetQueuedCompletionStatus, ReadFile/WriteFile, the OVERLAPPED's fields) does. The same
//! queue takes the strong references (an OVERLAPPED's, a packet's token) dropped where
//! the GIL is not held ([`release_reference`]). Memory used in place during a call
//! ([`in_place`]) is released before the call returns, never queued.
#![allow(unsafe_code)]

use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use std::cell::Cell;
use std::marker::PhantomPinned;
use std::sync::atomic::{AtomicPtr, Ordering};
use winfile::overlapped::{IoMemory, Lent};

/// Exports whose operations ended (and references dropped without the GIL), waiting
/// for a thread holding the GIL: a lock-free stack of the boxes themselves, linked by
/// their `next` field (a view must not move until it is released). Pushed with one
/// compare-and-swap, taken whole with one swap: no lock, no allocation, and one load
/// when there is nothing to do. (Only whole-stack takes, so no ABA.)
static RELEASES: AtomicPtr<Pinned> = AtomicPtr::new(std::ptr::null_mut());

/// One empty box kept for the next in-place call ([`in_place`]), which mostly ends in
/// the call and gives it back here: no thread-local look-up on that path.
static HOT: AtomicPtr<Pinned> = AtomicPtr::new(std::ptr::null_mut());

/// Released boxes kept by a thread for its next exports (linked by `next`): an
/// operation's box is mostly released by a thread that lends the next buffer, so most
/// exports allocate nothing and most releases free nothing.
struct Spare {
    head: Cell<*mut Pinned>,
    count: Cell<u8>,
}

/// At most this many boxes kept per thread.
const SPARE_MAX: u8 = 8;

impl Drop for Spare {
    fn drop(&mut self) {
        let mut p = self.head.replace(std::ptr::null_mut());
        while !p.is_null() {
            // SAFETY: a box the list owns (see `Pinned::recycle`), freed once.
            let b = unsafe { Box::from_raw(p) };
            p = b.next;
        }
    }
}

thread_local! {
    static SPARE: Spare = const { Spare { head: Cell::new(std::ptr::null_mut()), count: Cell::new(0) } };
}

/// A Python object's buffer, exported for as long as an operation uses it: the
/// `Py_buffer` itself, in the box the operation's `Lent` owns (one allocation per
/// operation; an exporter may point the view's fields into the view, so it never
/// moves until released).
pub struct Pinned {
    view: ffi::Py_buffer,
    writable: bool,
    /// A buffer export (released with PyBuffer_Release), or only a strong reference to
    /// `view.obj` (a token dropped without the GIL: `release_reference`).
    export: bool,
    /// The next box in `RELEASES`.
    next: *mut Pinned,
    _pinned: PhantomPinned,
}

// SAFETY: the view's pointers are the exporter's; the memory they describe is used only
// as the IoMemory contract allows, and the view is released only with the GIL held
// (`release_pending`), on whichever thread holds it.
unsafe impl Send for Pinned {}

impl Pinned {
    /// No export yet.
    fn empty() -> Pinned {
        Pinned {
            // SAFETY: a zeroed Py_buffer is a valid "no export" value (null pointers,
            // zero sizes).
            view: unsafe { std::mem::zeroed() },
            writable: false,
            export: true,
            next: std::ptr::null_mut(),
            _pinned: PhantomPinned,
        }
    }

    /// An empty box: one this thread released before (`SPARE`), else a new one.
    fn boxed() -> Box<Pinned> {
        let spare = SPARE
            .try_with(|s| {
                let head = s.head.get();
                if head.is_null() {
                    return None;
                }
                // SAFETY: the list's boxes were leaked by `recycle` on this thread and
                // are owned by the list alone; `head` leaves it here.
                let b = unsafe { Box::from_raw(head) };
                s.head.set(b.next);
                s.count.set(s.count.get() - 1);
                Some(b)
            })
            .ok()
            .flatten();
        match spare {
            Some(mut b) => {
                b.reset();
                b
            }
            None => Box::new(Pinned::empty()),
        }
    }

    /// A released box made ready for its next use: its flags as [`Pinned::empty`] sets
    /// them. The view keeps its stale fields (no copy of a zeroed one): an export fills
    /// them all, and a box holding only a reference uses only `view.obj`, which it sets.
    fn reset(&mut self) {
        self.writable = false;
        self.export = true;
        self.next = std::ptr::null_mut();
    }

    /// An empty box for an in-place call ([`in_place`]): the one the last such call gave
    /// back ([`Pinned::keep`]), else as [`Pinned::boxed`].
    fn hot() -> Box<Pinned> {
        let p = HOT.swap(std::ptr::null_mut(), Ordering::Acquire);
        if p.is_null() {
            return Pinned::boxed();
        }
        // SAFETY: a box leaked by `keep`, owned by `HOT` alone until the swap took it.
        let mut b = unsafe { Box::from_raw(p) };
        b.reset();
        b
    }

    /// Releases the export (the GIL held) and keeps the box for the next in-place call
    /// (else recycles it).
    fn release_kept(mut self: Box<Self>, py: Python<'_>) {
        if !HOT.load(Ordering::Relaxed).is_null() {
            return self.release(py);
        }
        self.let_go(py);
        let p = Box::into_raw(self);
        if HOT.compare_exchange(std::ptr::null_mut(), p, Ordering::Release, Ordering::Relaxed).is_err() {
            // SAFETY: `p` is the box just leaked, not shared (the exchange failed).
            unsafe { Box::from_raw(p) }.recycle();
        }
    }

    /// Keeps a released box for this thread's next export (a few at most), else frees it.
    fn recycle(self: Box<Self>) {
        let mut b = Some(self);
        let _ = SPARE.try_with(|s| {
            if s.count.get() < SPARE_MAX {
                if let Some(mut b) = b.take() {
                    b.next = s.head.get();
                    s.head.set(Box::into_raw(b));
                    s.count.set(s.count.get() + 1);
                }
            }
        });
        drop(b);
    }

    /// Exports `obj`'s buffer (as `PyUntypedBuffer::get` does: PyBUF_FULL_RO, a shape
    /// and strides required), if it is C-contiguous; `None` (no exception left set)
    /// otherwise.
    fn export(obj: &Bound<'_, PyAny>) -> Option<Box<Pinned>> {
        Pinned::export_in(obj, Pinned::boxed())
    }

    /// [`Pinned::export`] into the empty box `p`.
    fn export_in(obj: &Bound<'_, PyAny>, mut p: Box<Pinned>) -> Option<Box<Pinned>> {
        // PyObject_GetBuffer fills the view in place, in the box it never leaves.
        if !export_into(obj, &mut p.view) {
            p.recycle();
            return None;
        }
        p.writable = p.view.readonly == 0;
        Some(p)
    }

    /// Releases the export (the GIL held) and recycles the box (taken as a box: the
    /// view must be released at the address it was exported at).
    fn release(mut self: Box<Self>, py: Python<'_>) {
        self.let_go(py);
        self.recycle();
    }

    /// Gives up what the box holds (the GIL held): its export, or its strong reference.
    /// Called once, as the box is consumed.
    fn let_go(&mut self, _py: Python<'_>) {
        if self.export {
            // SAFETY: a live export, released once (its box is being consumed), with the
            // GIL held.
            unsafe { ffi::PyBuffer_Release(&raw mut self.view) };
        } else {
            // SAFETY: a strong reference the box owns, given up once, with the GIL held.
            unsafe { ffi::Py_DECREF(self.view.obj) };
        }
    }

    /// Queues the box for the next thread holding the GIL ([`release_pending`]).
    fn defer(self: Box<Self>) {
        let p = Box::into_raw(self);
        let mut head = RELEASES.load(Ordering::Relaxed);
        loop {
            // SAFETY: `p` is the box just leaked, not yet shared.
            unsafe { (*p).next = head };
            match RELEASES.compare_exchange_weak(head, p, Ordering::Release, Ordering::Relaxed) {
                Ok(_) => return,
                Err(now) => head = now,
            }
        }
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
        self.defer();
    }
}

/// Exports `obj`'s buffer into `view` (as `PyUntypedBuffer::get` does: PyBUF_FULL_RO, a
/// shape and strides required) if it is C-contiguous: true then, and `view` holds the
/// export, to be released at that address; false otherwise, with nothing exported and
/// no exception left set. The GIL is held (`obj` is bound).
fn export_into(obj: &Bound<'_, PyAny>, view: &mut ffi::Py_buffer) -> bool {
    // SAFETY: `obj` is a live object and the GIL is held; `view` is valid for writes.
    if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), view, ffi::PyBUF_FULL_RO) } < 0 {
        // SAFETY: the GIL is held; the failed export's exception is dropped, as
        // `PyUntypedBuffer::get(..).ok()` drops it (the callers report their own).
        unsafe { ffi::PyErr_Clear() };
        return false;
    }
    // SAFETY: an export filled by a successful PyObject_GetBuffer.
    let contiguous = !view.shape.is_null()
        && !view.strides.is_null()
        && unsafe { ffi::PyBuffer_IsContiguous(view, b'C' as std::ffi::c_char) } != 0;
    if !contiguous {
        // SAFETY: the live export just made, released once, where it was made.
        unsafe { ffi::PyBuffer_Release(view) };
    }
    contiguous
}

/// A buffer argument that a socket transfer's first step uses in place during the call
/// (`winfile::overlapped::CallMemory`), lent only if the operation must wait: an
/// operation that ends in the call leaves nothing to release later. Made by
/// [`in_place`]: the buffer is exported once, into the box a lent buffer lives in
/// ([`Pinned`], from this thread's spares: it never moves while exported), so an
/// operation that waits is lent that same export, not a second one; one that ends in
/// the call releases it when the `InPlace` goes.
pub struct InPlace<'a, 'py> {
    /// An exact `bytes`' own storage (data to send, read with no export): its address
    /// and length; else null and 0.
    data: (*const u8, ffi::Py_ssize_t),
    /// The export (none for an exact `bytes`, or once lent).
    pinned: Option<Box<Pinned>>,
    obj: &'a Bound<'py, PyAny>,
    /// A receive's target (lent as [`writable`] lends it; else as [`readable`]).
    receive: bool,
    _not_send: std::marker::PhantomData<*mut u8>,
}

/// Runs `f` with `obj`'s buffer exported in place (as `Pinned::export` exports it:
/// PyBUF_FULL_RO, C-contiguous; data to send in an exact `bytes` is read where it is,
/// without an export), or with `None` when it cannot be (no buffer, not
/// contiguous, or, for a receive, read-only: the caller then takes the lending path,
/// which reports or copies as before).
pub fn in_place<R>(obj: &Bound<'_, PyAny>, receive: bool, f: impl FnOnce(Option<&mut InPlace<'_, '_>>) -> R) -> R {
    let mut place =
        InPlace { data: (std::ptr::null(), 0), pinned: None, obj, receive, _not_send: std::marker::PhantomData };
    // Data to send in an exact `bytes`: its own storage, used without an export (bytes
    // never change, and the caller's reference keeps it alive for the call).
    // SAFETY: `obj` is a live object and the GIL is held; its type is checked to be
    // exactly bytes before its storage is read.
    if !receive && unsafe { ffi::Py_TYPE(obj.as_ptr()) == &raw mut ffi::PyBytes_Type } {
        // SAFETY: an exact bytes object: neither call fails.
        unsafe {
            place.data = (ffi::PyBytes_AsString(obj.as_ptr()).cast_const().cast(), ffi::PyBytes_Size(obj.as_ptr()));
        }
        return f(Some(&mut place));
    }
    match Pinned::export_in(obj, Pinned::hot()) {
        Some(p) if receive && !p.writable => {
            p.release_kept(obj.py());
            f(None)
        }
        Some(p) => {
            place.pinned = Some(p);
            f(Some(&mut place))
        }
        None => f(None),
    }
}

impl InPlace<'_, '_> {
    /// The memory the call reads or fills (address, length): the export's, or an exact
    /// `bytes`' storage.
    fn current(&self) -> (*const u8, ffi::Py_ssize_t) {
        self.pinned.as_ref().map_or(self.data, |p| (p.view.buf.cast_const().cast(), p.view.len))
    }
}

impl Drop for InPlace<'_, '_> {
    fn drop(&mut self) {
        if let Some(p) = self.pinned.take() {
            // The GIL is held (`InPlace` borrows a bound object and is not Send): the
            // export is released here, at the address it was made at.
            p.release_kept(self.obj.py());
        }
    }
}

impl winfile::overlapped::CallMemory for InPlace<'_, '_> {
    fn bytes(&self) -> &[u8] {
        let (buf, len) = self.current();
        let len = usize::try_from(len).unwrap_or(0);
        if len == 0 || buf.is_null() {
            return &[];
        }
        // SAFETY: the export keeps `len` bytes at `buf` allocated and in place while
        // `self` holds it (`in_place` only hands out exported, contiguous views, or an
        // exact bytes' storage, kept by the caller's reference and never changed).
        unsafe { std::slice::from_raw_parts(buf, len) }
    }

    fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        if !self.receive {
            return None;
        }
        let view = &self.pinned.as_ref()?.view;
        if view.readonly != 0 {
            return None;
        }
        let len = usize::try_from(view.len).unwrap_or(0);
        if len == 0 || view.buf.is_null() {
            return Some(&mut []);
        }
        // SAFETY: as `bytes`; the export is writable, the GIL is held for the whole call
        // (no Python code runs meanwhile), and `&mut self` makes this the only slice.
        Some(unsafe { std::slice::from_raw_parts_mut(view.buf.cast::<u8>(), len) })
    }

    fn lend(&mut self) -> winfile::Result<Lent> {
        // The export made for the call, lent as it is (it stays in its box).
        if let Some(mut p) = self.pinned.take() {
            p.writable = self.receive;
            return Ok(Lent::from_box(p));
        }
        // A receive always has its export (`in_place` makes it), lent once.
        if self.receive {
            return Err(winfile::Error::new(winfile::Win32Error::INTERNAL_ERROR, "lend"));
        }
        // (Reached from fast entries: errors are cleared, not dropped; see
        // `conv::ok_or_clear`.) Always lendable: a send may have sent part of its data.
        let py = self.obj.py();
        Ok(crate::conv::ok_or_clear(py, readable(self.obj)).unwrap_or_else(|| Lent::new(self.bytes().to_vec())))
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

/// Releases the exports of operations that ended, and the references dropped without
/// the GIL (with the GIL held).
#[inline]
pub fn release_pending(py: Python<'_>) {
    if !RELEASES.load(Ordering::Relaxed).is_null() {
        release_all(py);
    }
}

/// [`release_pending`]'s work, when there is some.
#[inline(never)]
fn release_all(py: Python<'_>) {
    // (A release may run Python code, which may give back or release more: those go to
    // the emptied stack, for the next call.)
    let mut p = RELEASES.swap(std::ptr::null_mut(), Ordering::Acquire);
    while !p.is_null() {
        // SAFETY: every box on the stack was leaked by `defer`, and the swap made this
        // thread the only owner of the taken list.
        let b = unsafe { Box::from_raw(p) };
        p = b.next;
        b.release(py);
    }
}

/// Gives up a strong reference to a Python object on any thread, by the next thread
/// holding the GIL ([`release_pending`]): never at once, even with the GIL held, as a
/// destructor could then run Python code in the middle of a core call.
///
/// # Safety
/// `obj` is a strong reference the caller owns (and gives up).
pub unsafe fn release_reference(obj: std::ptr::NonNull<ffi::PyObject>) {
    let mut p = Pinned::boxed();
    p.export = false;
    p.view.obj = obj.as_ptr();
    p.defer();
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
