//! PyOVERLAPPED: the OVERLAPPED structure's fields plus pywin32's `object` and `dword`.

use crate::conv::{Dword, Qword};
use pyo3::prelude::*;

/// pywin32's PyOVERLAPPED.
#[pyclass(module = "pywintypes", name = "PyOVERLAPPED")]
pub struct PyOverlapped {
    /// Low 32 bits of the file offset.
    pub offset: u32,
    /// High 32 bits of the file offset.
    pub offset_high: u32,
    /// Status of the operation (an NTSTATUS-like code; 0 when done).
    pub internal: u64,
    /// Bytes transferred.
    pub internal_high: u64,
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
        (u64::from(self.offset_high) << 32) | u64::from(self.offset)
    }
}

#[pymethods]
impl PyOverlapped {
    #[new]
    fn new(py: Python<'_>) -> Self {
        Self {
            offset: 0,
            offset_high: 0,
            internal: 0,
            internal_high: 0,
            event: py.None(),
            object: py.None(),
            dword: 0,
        }
    }

    #[getter(Offset)]
    fn get_offset(&self) -> u32 {
        self.offset
    }
    #[setter(Offset)]
    fn set_offset(&mut self, v: Dword) {
        self.offset = v.0;
    }
    #[getter(OffsetHigh)]
    fn get_offset_high(&self) -> u32 {
        self.offset_high
    }
    #[setter(OffsetHigh)]
    fn set_offset_high(&mut self, v: Dword) {
        self.offset_high = v.0;
    }
    #[getter(Internal)]
    fn get_internal(&self) -> u64 {
        self.internal
    }
    #[setter(Internal)]
    fn set_internal(&mut self, v: Qword) {
        self.internal = v.0;
    }
    #[getter(InternalHigh)]
    fn get_internal_high(&self) -> u64 {
        self.internal_high
    }
    #[setter(InternalHigh)]
    fn set_internal_high(&mut self, v: Qword) {
        self.internal_high = v.0;
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

    fn __repr__(&self) -> String {
        format!("<PyOVERLAPPED Offset={} OffsetHigh={}>", self.offset, self.offset_high)
    }
}
