//! PyOVERLAPPED: the OVERLAPPED structure (its completion state shared with the core,
//! so completions update it without the GIL) plus pywin32's `object` and `dword`.
//!
//! The class is `frozen` (no borrow flag: every overlapped call and every `ol.object`
//! read of a completion-port server used to take and release one, two atomic
//! operations each): its Python-settable fields, `hEvent` and `object`, live in
//! [`GilCell`]s, changed only with the GIL held.
#![allow(unsafe_code)]

use std::cell::UnsafeCell;

use super::handle::{as_handle_value, identity_hash, PyHandle};
use crate::conv::HandleArg;
use pyo3::basic::CompareOp;
use pyo3::exceptions::{PyOverflowError, PyRuntimeWarning, PyTypeError};
use pyo3::prelude::*;
use std::sync::Arc;
use winfile::overlapped::Overlapped;

/// A value for a 32-bit unsigned member (Offset, OffsetHigh, dword: `T_ULONG` in
/// PyOVERLAPPED::members, and a C `unsigned long` is 32 bits on Windows), converted as
/// CPython's structmember code does: 0..=0xFFFFFFFF as is, a negative value down to
/// -2^31 stored as its two's complement with a RuntimeWarning ("Writing negative value
/// into unsigned field"), anything else an OverflowError; a non-integer a TypeError.
/// Nothing is masked: `ol.Offset = 1 << 32` fails, as on Windows.
fn ulong_member(v: &Bound<'_, PyAny>) -> PyResult<u32> {
    let py = v.py();
    match crate::conv::as_index(v)?.extract::<i64>() {
        Ok(n) if (0..=0xFFFF_FFFF).contains(&n) => Ok(n as u32),
        Ok(n) if (-0x8000_0000..0).contains(&n) => {
            PyErr::warn(py, &py.get_type::<PyRuntimeWarning>(), c"Writing negative value into unsigned field", 1)?;
            Ok(n as i32 as u32)
        }
        Ok(n) if n < 0 => Err(PyOverflowError::new_err("Python int too small to convert to C long")),
        _ => Err(PyOverflowError::new_err("Python int too large to convert to C unsigned long")),
    }
}

/// A pointer-sized member (Internal, InternalHigh: `PyWinLong_AsULONG_PTR`, which is
/// `PyWinLong_AsVoidPtr`): any int that fits 64 bits signed or unsigned, else its
/// TypeError (see `conv::pointer_sized`).
fn ulong_ptr_member(v: &Bound<'_, PyAny>) -> PyResult<u64> {
    match crate::conv::pointer_sized(v) {
        Some(n) => Ok(n),
        None => Err(PyTypeError::new_err(format!("Unable to convert {} to pointer-sized value", v.get_type().name()?))),
    }
}

/// An object reference that only a thread holding the GIL reads or replaces (every
/// method takes the `Python` token; no reference into the cell outlives a method, and
/// none of them runs Python code while it looks at the cell: the old value of `set` is
/// dropped after the replacement).
pub struct GilCell(UnsafeCell<Py<PyAny>>);

// SAFETY: see the type's docs: the GIL serializes every access (this crate is built for
// GIL-enabled CPython only: the stable ABI, which free-threaded builds do not offer).
unsafe impl Sync for GilCell {}

impl GilCell {
    fn new(v: Py<PyAny>) -> Self {
        Self(UnsafeCell::new(v))
    }

    /// A new reference to the object.
    pub fn get(&self, py: Python<'_>) -> Py<PyAny> {
        // SAFETY: the GIL is held (`py`); the shared reference ends in this expression.
        unsafe { (*self.0.get()).clone_ref(py) }
    }

    /// The object, borrowed while the GIL is held.
    pub fn bind<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.get(py).into_bound(py)
    }

    /// The value of the object if it is an exact `int` that fits an `i64`, read in place
    /// (no new reference: converting an exact int runs no Python code).
    fn exact_i64(&self, py: Python<'_>) -> Option<i64> {
        // SAFETY: the GIL is held; the shared reference ends in this expression, and
        // nothing in it can run Python code (an exact int's conversion calls no
        // `__index__`).
        let obj = unsafe { &*self.0.get() };
        // (An int out of range: its OverflowError is cleared, not dropped, as this is
        // reached from fast entries; see `conv::ok_or_clear`.)
        let int = obj.bind(py).cast_exact::<pyo3::types::PyInt>().ok()?;
        crate::conv::ok_or_clear(py, int.extract::<i64>())
    }

    /// The object's address (identity comparisons).
    fn as_ptr(&self, _py: Python<'_>) -> *mut pyo3::ffi::PyObject {
        // SAFETY: the GIL is held; only the pointer is read.
        unsafe { (*self.0.get()).as_ptr() }
    }

    /// Replaces the object; the old one is dropped after the replacement (its
    /// finalizer may run Python code, which may use this cell again).
    fn set(&self, _py: Python<'_>, v: Py<PyAny>) {
        // SAFETY: the GIL is held; the exclusive reference ends with the replacement.
        let old = unsafe { std::mem::replace(&mut *self.0.get(), v) };
        drop(old);
    }

    /// For the garbage collector's traversal (which runs with the GIL held and runs no
    /// Python code meanwhile).
    fn traverse(&self, visit: &pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        // SAFETY: as the type's docs: the collector holds the GIL while it traverses,
        // and the reference ends with the visit.
        visit.call(unsafe { &*self.0.get() })
    }
}

/// pywin32's PyOVERLAPPED.
#[pyclass(module = "pywintypes", name = "PyOVERLAPPED", frozen)]
pub struct PyOverlapped {
    /// Offset and result, shared with operations in flight.
    pub inner: Arc<Overlapped>,
    /// The event handle object as given (int, PyHANDLE or None).
    pub event: GilCell,
    /// Any object the caller attaches.
    pub object: GilCell,
}

impl PyOverlapped {
    /// Whether the fields pywin32's memcmp sees are the same.
    fn same_fields(&self, py: Python<'_>, other: &PyOverlapped) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
            || (self.inner.offset() == other.inner.offset()
                && self.inner.internal() == other.inner.internal()
                && self.inner.internal_high() == other.inner.internal_high()
                && self.event_handle(py).raw() == other.event_handle(py).raw()
                && self.object.as_ptr(py) == other.object.as_ptr(py)
                && self.inner.dword() == other.inner.dword())
    }

    /// The 64-bit offset from Offset/OffsetHigh.
    pub fn offset64(&self) -> u64 {
        self.inner.offset()
    }

    /// The `hEvent` handle value (0 when None or not a handle).
    pub fn event_handle(&self, py: Python<'_>) -> winfile::Handle {
        // The common case, an int (0 when none was set), without the general conversion
        // (and without a new reference): the value `HandleArg` would give it.
        match self.event.exact_i64(py) {
            // No event (nearly every socket call): nothing to resolve.
            Some(0) => return winfile::Handle::from_raw(0),
            Some(v) => return crate::conv::resolved(v as u64),
            None => {}
        }
        let event = self.event.bind(py);
        // (Reached from fast entries: an error is cleared, not dropped; see
        // `conv::ok_or_clear`.)
        crate::conv::ok_or_clear(py, event.extract::<HandleArg>()).map_or(winfile::Handle::from_raw(0), |h| h.0)
    }
}

#[pymethods]
impl PyOverlapped {
    /// `OVERLAPPED()`: every field 0, hEvent the int 0 and `object` None
    /// (PyWinMethod_NewOVERLAPPED takes no argument and zeroes the structure).
    #[new]
    fn new(py: Python<'_>) -> Self {
        let event = 0i64.into_pyobject(py).map(|o| o.into_any().unbind()).unwrap_or_else(|_| py.None());
        Self { inner: Arc::new(Overlapped::new()), event: GilCell::new(event), object: GilCell::new(py.None()) }
    }

    #[getter(Offset)]
    fn get_offset(&self) -> u32 {
        (self.inner.offset() & 0xFFFF_FFFF) as u32
    }
    #[setter(Offset)]
    fn set_offset(&self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = ulong_member(v)?;
        self.inner.set_offset((self.inner.offset() & !0xFFFF_FFFF) | u64::from(v));
        Ok(())
    }
    #[getter(OffsetHigh)]
    fn get_offset_high(&self) -> u32 {
        (self.inner.offset() >> 32) as u32
    }
    #[setter(OffsetHigh)]
    fn set_offset_high(&self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = ulong_member(v)?;
        self.inner.set_offset((self.inner.offset() & 0xFFFF_FFFF) | (u64::from(v) << 32));
        Ok(())
    }
    /// (Polling `Internal` is how some programs learn an operation ended: the buffers
    /// of ended operations are released here too.)
    #[getter(Internal)]
    fn get_internal(&self, py: Python<'_>) -> u64 {
        crate::lent::release_pending(py);
        self.inner.internal()
    }
    #[setter(Internal)]
    fn set_internal(&self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.set_internal(ulong_ptr_member(v)?);
        Ok(())
    }
    #[getter(InternalHigh)]
    fn get_internal_high(&self, py: Python<'_>) -> u64 {
        crate::lent::release_pending(py);
        self.inner.internal_high()
    }
    #[setter(InternalHigh)]
    fn set_internal_high(&self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.set_internal_high(ulong_ptr_member(v)?);
        Ok(())
    }
    #[getter(hEvent)]
    fn get_event(&self, py: Python<'_>) -> Py<PyAny> {
        self.event.get(py)
    }
    /// A PyHANDLE is kept and read back as itself; None, an int (or anything
    /// `PyWinObject_AsHANDLE` converts) is kept as its value and reads back as an int
    /// (PyOVERLAPPED::setattro / getattro: `PyWinLong_FromHANDLE`).
    #[setter(hEvent)]
    fn set_event(&self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        let raw = as_handle_value(v)?;
        let event = if v.cast::<PyHandle>().is_ok() {
            v.clone().unbind()
        } else {
            (raw as i64).into_pyobject(v.py())?.into_any().unbind()
        };
        self.event.set(v.py(), event);
        Ok(())
    }
    #[getter(object)]
    fn get_object(&self, py: Python<'_>) -> Py<PyAny> {
        self.object.get(py)
    }
    #[setter(object)]
    fn set_object(&self, py: Python<'_>, v: Py<PyAny>) {
        self.object.set(py, v);
    }
    #[getter(dword)]
    fn get_dword(&self) -> u32 {
        self.inner.dword()
    }
    #[setter(dword)]
    fn set_dword(&self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.set_dword(ulong_member(v)?);
        Ok(())
    }

    /// By value, as pywin32 compares the structures with memcmp
    /// (PyOVERLAPPED::richcompareFunc): Internal, InternalHigh, Offset, OffsetHigh,
    /// hEvent's value, `object` (by identity: a pointer in the struct) and `dword`.
    /// Only == and != are defined; other types are NotImplemented.
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<PyOverlapped>() else {
            return Ok(py.NotImplemented());
        };
        let equal = self.same_fields(py, other.get());
        Ok(match op {
            CompareOp::Eq => equal.into_pyobject(py)?.to_owned().into_any().unbind(),
            CompareOp::Ne => (!equal).into_pyobject(py)?.to_owned().into_any().unbind(),
            _ => py.NotImplemented(),
        })
    }

    /// By identity (PyOVERLAPPED::hashFunc: "Just use the address"), although equality
    /// is by value: pywin32's test_win32file testComparable2 depends on both.
    fn __hash__(slf: &Bound<'_, Self>) -> isize {
        identity_hash(slf.as_any())
    }

    // The garbage collector sees the objects an OVERLAPPED holds, so cycles through
    // `object` (a common pattern: ol.object = something holding ol) are collected.
    fn __traverse__(&self, visit: pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        self.event.traverse(&visit)?;
        self.object.traverse(&visit)?;
        Ok(())
    }

    fn __clear__(&self) {
        Python::attach(|py| {
            self.event.set(py, py.None());
            self.object.set(py, py.None());
        });
    }

    fn __repr__(&self) -> String {
        format!("<PyOVERLAPPED Offset={} OffsetHigh={}>", self.get_offset(), self.get_offset_high())
    }
}
