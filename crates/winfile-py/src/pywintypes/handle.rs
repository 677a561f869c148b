//! PyHANDLE: an owned handle value that closes itself when garbage-collected.

use crate::error::{IntoPy, PyWinError};
use crate::conv::{HandleArg, Qword};
use pyo3::prelude::*;
use pyo3::types::PyInt;
use std::sync::atomic::{AtomicU64, Ordering};

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
        winfile::handle::close(winfile::Handle::from_raw(raw))
            .map_err(|code| PyWinError::new(code, "CloseHandle"))
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

    fn __index__(&self) -> i64 {
        self.signed()
    }

    fn __bool__(&self) -> bool {
        self.value() != 0
    }

    fn __hash__(&self) -> u64 {
        self.value()
    }

    /// Equal to a PyHANDLE or an int of the same value (an int that fits no pointer is
    /// a TypeError, as in pywin32; never compared modulo 2^64).
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        if let Ok(h) = other.cast::<PyHandle>() {
            return Ok(h.get().value() == self.value());
        }
        if other.is_instance_of::<PyInt>() {
            return Ok(other.extract::<Qword>()?.0 == self.value());
        }
        Ok(false)
    }

    fn __repr__(&self) -> String {
        format!("<PyHANDLE:{}>", self.signed())
    }

    fn __str__(&self) -> String {
        self.__repr__()
    }
}

/// `pywintypes.HANDLE(handle=0)`—a PyHANDLE taking ownership of an existing value (an
/// int, None or a PyHANDLE, converted as every handle argument is).
#[pyfunction]
#[pyo3(name = "HANDLE", signature = (handle = HandleArg(winfile::Handle::from_raw(0)), /), text_signature = "(handle=0, /)")]
pub fn handle_factory(handle: HandleArg) -> PyHandle {
    PyHandle { value: AtomicU64::new(handle.0.raw()) }
}

/// Wraps a new core handle for Python.
pub fn new_handle(py: Python<'_>, r: winfile::Result<winfile::Handle>, func: &'static str) -> PyResult<Py<PyHandle>> {
    let h = r.py_api(func)?;
    Py::new(py, PyHandle::owning(h))
}
