//! PyOVERLAPPED: the OVERLAPPED structure (its completion state shared with the core,
//! so completions update it without the GIL) plus pywin32's `object` and `dword`.

use crate::conv::{Dword, HandleArg, Qword};
use pyo3::prelude::*;
use std::sync::Arc;
use winfile::overlapped::Overlapped;

/// pywin32's PyOVERLAPPED.
#[pyclass(module = "pywintypes", name = "PyOVERLAPPED")]
pub struct PyOverlapped {
    /// Offset and result, shared with operations in flight.
    pub inner: Arc<Overlapped>,
    /// The event handle object as given (int, PyHANDLE or None).
    pub event: Py<PyAny>,
    /// Any object the caller attaches.
    pub object: Py<PyAny>,
    /// A DWORD the caller (or WaitCommEvent) uses.
    pub dword: u32,
}

impl PyOverlapped {
    /// The 64-bit offset from Offset/OffsetHigh.
    pub fn offset64(&self) -> u64 {
        self.inner.offset()
    }

    /// The `hEvent` handle value (0 when None or not a handle).
    pub fn event_handle(&self, py: Python<'_>) -> winfile::Handle {
        self.event
            .bind(py)
            .extract::<HandleArg>()
            .map_or(winfile::Handle::from_raw(0), |h| h.0)
    }
}

#[pymethods]
impl PyOverlapped {
    #[new]
    fn new(py: Python<'_>) -> Self {
        Self { inner: Arc::new(Overlapped::new()), event: py.None(), object: py.None(), dword: 0 }
    }

    #[getter(Offset)]
    fn get_offset(&self) -> u32 {
        (self.inner.offset() & 0xFFFF_FFFF) as u32
    }
    #[setter(Offset)]
    fn set_offset(&self, v: Dword) {
        self.inner.set_offset((self.inner.offset() & !0xFFFF_FFFF) | u64::from(v.0));
    }
    #[getter(OffsetHigh)]
    fn get_offset_high(&self) -> u32 {
        (self.inner.offset() >> 32) as u32
    }
    #[setter(OffsetHigh)]
    fn set_offset_high(&self, v: Dword) {
        self.inner.set_offset((self.inner.offset() & 0xFFFF_FFFF) | (u64::from(v.0) << 32));
    }
    /// (Polling `Internal` is how some programs learn an operation ended: the buffers
    /// of ended operations are released here too.)
    #[getter(Internal)]
    fn get_internal(&self, py: Python<'_>) -> u64 {
        crate::lent::release_pending(py);
        self.inner.internal()
    }
    #[setter(Internal)]
    fn set_internal(&self, v: Qword) {
        self.inner.set_internal(v.0);
    }
    #[getter(InternalHigh)]
    fn get_internal_high(&self, py: Python<'_>) -> u64 {
        crate::lent::release_pending(py);
        self.inner.internal_high()
    }
    #[setter(InternalHigh)]
    fn set_internal_high(&self, v: Qword) {
        self.inner.set_internal_high(v.0);
    }
    #[getter(hEvent)]
    fn get_event(&self, py: Python<'_>) -> Py<PyAny> {
        self.event.clone_ref(py)
    }
    #[setter(hEvent)]
    fn set_event(&mut self, v: Py<PyAny>) {
        self.event = v;
    }
    #[getter(object)]
    fn get_object(&self, py: Python<'_>) -> Py<PyAny> {
        self.object.clone_ref(py)
    }
    #[setter(object)]
    fn set_object(&mut self, v: Py<PyAny>) {
        self.object = v;
    }
    #[getter(dword)]
    fn get_dword(&self) -> u32 {
        self.dword
    }
    #[setter(dword)]
    fn set_dword(&mut self, v: Dword) {
        self.dword = v.0;
    }

    // The garbage collector sees the objects an OVERLAPPED holds, so cycles through
    // `object` (a common pattern: ol.object = something holding ol) are collected.
    fn __traverse__(&self, visit: pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        visit.call(&self.event)?;
        visit.call(&self.object)?;
        Ok(())
    }

    fn __clear__(&mut self) {
        Python::attach(|py| {
            self.event = py.None();
            self.object = py.None();
        });
    }

    fn __repr__(&self) -> String {
        format!("<PyOVERLAPPED Offset={} OffsetHigh={}>", self.get_offset(), self.get_offset_high())
    }
}
