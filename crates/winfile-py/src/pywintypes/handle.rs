//! PyHANDLE: an owned handle value that closes itself when garbage-collected.

use crate::error::{IntoPy, PyWinError};
use pyo3::basic::CompareOp;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyInt;
use std::sync::atomic::{AtomicU64, Ordering};

/// pywin32's text for every arithmetic operation on a PyHANDLE (PyHANDLE.cpp, `failMsg`).
const BAD_OPERAND: &str = "bad operand type";

fn bad_operand<T>() -> PyResult<T> {
    Err(PyTypeError::new_err(BAD_OPERAND))
}

/// An int as a pointer-sized value, as pywin32's `PyWinLong_AsVoidPtr` converts it
/// (PyWinTypesmodule.cpp; see `conv::pointer_sized`); anything wider is a TypeError.
fn int_as_pointer(int: &Bound<'_, PyAny>, type_name: &str) -> PyResult<u64> {
    crate::conv::pointer_sized(int)
        .ok_or_else(|| PyTypeError::new_err(format!("Unable to convert {type_name} to pointer-sized value")))
}

/// A handle value converted as pywin32's `PyWinObject_AsHANDLE` does (PyHANDLE.cpp):
/// None is 0, a PyHANDLE gives its value, anything else goes through `int()` (so
/// `HANDLE(2.0)` is handle 2, as in pywin32) and fails with pywin32's TypeError.
pub fn as_handle_value(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    if obj.is_none() {
        return Ok(0);
    }
    if let Ok(h) = obj.cast::<PyHandle>() {
        return Ok(h.get().value());
    }
    let not_a_handle = || PyTypeError::new_err("The object is not a PyHANDLE object");
    let int = obj.py().get_type::<PyInt>().call1((obj,)).map_err(|_| not_a_handle())?;
    int_as_pointer(&int, "int").map_err(|_| not_a_handle())
}

/// pywin32's PyHANDLE.
#[pyclass(module = "pywintypes", name = "PyHANDLE", frozen, subclass)]
pub struct PyHandle {
    value: AtomicU64,
}

impl PyHandle {
    /// A PyHANDLE owning `h`.
    pub fn owning(h: winfile::Handle) -> Self {
        Self { value: AtomicU64::new(h.raw()) }
    }

    /// The raw value (0 once closed or detached).
    pub fn value(&self) -> u64 {
        self.value.load(Ordering::Acquire)
    }

    /// `CloseHandle` on this object: closes it and leaves 0.
    pub fn close_handle(&self) -> PyResult<()> {
        self.close_().map_err(Into::into)
    }

    fn signed(&self) -> i64 {
        self.value() as i64
    }
}

impl Drop for PyHandle {
    fn drop(&mut self) {
        let raw = self.value.swap(0, Ordering::AcqRel);
        if raw != 0 {
            let _ = winfile::handle::close(winfile::Handle::from_raw(raw));
        }
    }
}

#[pymethods]
impl PyHandle {
    /// Closes the handle (no-op when already closed).
    #[pyo3(name = "Close")]
    fn close_(&self) -> Result<(), PyWinError> {
        let raw = self.value.swap(0, Ordering::AcqRel);
        if raw == 0 {
            return Ok(());
        }
        winfile::handle::close(winfile::Handle::from_raw(raw)).map_err(|code| PyWinError::new(code, "CloseHandle"))
    }

    /// Same as Close.
    fn close(&self) -> Result<(), PyWinError> {
        self.close_()
    }

    /// Gives up ownership: returns the value and leaves this object holding 0.
    #[pyo3(name = "Detach")]
    fn detach(&self) -> i64 {
        self.value.swap(0, Ordering::AcqRel) as i64
    }

    /// The handle value.
    #[getter]
    fn handle(&self) -> i64 {
        self.signed()
    }

    fn __int__(&self) -> i64 {
        self.signed()
    }

    // pywin32 defines no nb_index: a PyHANDLE is not an index (`operator.index(h)`,
    // `range(h)` and `[..][h]` raise TypeError); `int(h)` is the way to its value.

    fn __bool__(&self) -> bool {
        self.value() != 0
    }

    /// By identity, as pywin32 (`PyHANDLE::hash`: "Just use the address"), although
    /// equality is by value.
    fn __hash__(slf: &Bound<'_, Self>) -> isize {
        identity_hash(slf.as_any())
    }

    /// Equal to a PyHANDLE or an int of the same value; `<`, `>`... are not defined
    /// (TypeError), and other types compare unequal (PyHANDLE::richcompare).
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let theirs = if let Ok(h) = other.cast::<PyHandle>() {
            h.get().value()
        } else if other.is_instance_of::<PyInt>() {
            int_as_pointer(other, "int")?
        } else {
            return Ok(py.NotImplemented());
        };
        let equal = theirs == self.value();
        Ok(match op {
            CompareOp::Eq => equal.into_pyobject(py)?.to_owned().into_any().unbind(),
            CompareOp::Ne => (!equal).into_pyobject(py)?.to_owned().into_any().unbind(),
            _ => py.NotImplemented(),
        })
    }

    // The number protocol: every operation but bool and int fails with pywin32's
    // "bad operand type" (PyHANDLE_NumberMethods, binaryFailureFunc/unaryFailureFunc).
    fn __add__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __radd__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __sub__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rsub__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __mul__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rmul__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __mod__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rmod__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __divmod__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rdivmod__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __pow__(&self, _o: &Bound<'_, PyAny>, _m: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        bad_operand()
    }
    fn __rpow__(&self, _o: &Bound<'_, PyAny>, _m: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        bad_operand()
    }
    fn __lshift__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rlshift__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rshift__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rrshift__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __and__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rand__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __xor__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __rxor__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __or__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __ror__(&self, _o: &Bound<'_, PyAny>) -> PyResult<()> {
        bad_operand()
    }
    fn __neg__(&self) -> PyResult<()> {
        bad_operand()
    }
    fn __pos__(&self) -> PyResult<()> {
        bad_operand()
    }
    fn __abs__(&self) -> PyResult<()> {
        bad_operand()
    }
    fn __invert__(&self) -> PyResult<()> {
        bad_operand()
    }
    fn __float__(&self) -> PyResult<f64> {
        bad_operand()
    }

    fn __repr__(&self) -> String {
        format!("<PyHANDLE:{}>", self.signed())
    }

    fn __str__(&self) -> String {
        self.__repr__()
    }
}

/// `pywintypes.HANDLE(handle=None)`—a PyHANDLE taking ownership of an existing value
/// (None, an int, or another PyHANDLE's value: PyWinMethod_NewHANDLE).
#[pyfunction]
#[pyo3(name = "HANDLE", signature = (handle = None, /), text_signature = "(handle=None, /)")]
pub fn handle_factory(handle: Option<&Bound<'_, PyAny>>) -> PyResult<PyHandle> {
    let value = match handle {
        Some(obj) => as_handle_value(obj)?,
        None => 0,
    };
    Ok(PyHandle { value: AtomicU64::new(value) })
}

/// An identity hash (the object's address, never -1), as CPython's pointer hash.
pub fn identity_hash(obj: &Bound<'_, PyAny>) -> isize {
    let addr = obj.as_ptr() as usize;
    // Rotate out the alignment bits, as CPython's _Py_HashPointer does.
    let h = addr.rotate_right(4) as isize;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// Wraps a new core handle for Python.
pub fn new_handle(py: Python<'_>, r: winfile::Result<winfile::Handle>, func: &'static str) -> PyResult<Py<PyHandle>> {
    let h = r.py_api(func)?;
    Py::new(py, PyHandle::owning(h))
}
