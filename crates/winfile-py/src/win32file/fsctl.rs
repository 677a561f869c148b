//! DeviceIoControl.

use crate::conv::{Dword, HandleArg};
use crate::error::IntoPy;
use crate::pywintypes::PyOverlapped;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyMemoryView, PySlice};

/// DeviceIoControl(Device, IoControlCode, InBuffer, OutBuffer, Overlapped=None)
#[pyfunction]
#[pyo3(name = "DeviceIoControl", signature = (Device, IoControlCode, InBuffer, OutBuffer, Overlapped=None))]
#[allow(non_snake_case)]
fn device_io_control<'py>(
    py: Python<'py>,
    Device: HandleArg,
    IoControlCode: Dword,
    InBuffer: Option<Bound<'py, PyAny>>,
    OutBuffer: Bound<'py, PyAny>,
    Overlapped: Option<Bound<'py, PyOverlapped>>,
) -> PyResult<Bound<'py, PyAny>> {
    let input: Vec<u8> = match InBuffer.filter(|b| !b.is_none()) {
        Some(b) => super::io::data_view(&b)?.as_bytes().to_vec(),
        None => Vec::new(),
    };
    let (out_len, target) = if OutBuffer.is_instance_of::<PyInt>() {
        (super::io::buffer_size(&OutBuffer)?, None)
    } else {
        let view = super::io::writable_view(&OutBuffer).map_err(|_| {
            let t = OutBuffer.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            PyTypeError::new_err(format!("OutBuffer must be either a buffer size or writeable buffer object, not {t}"))
        })?;
        (view.len()?, Some(view))
    };
    let (h, code) = (Device.0, IoControlCode.0);
    let out = py.detach(|| winfile::fsctl::device_io_control(h, code, &input, out_len)).py_api("DeviceIoControl")?;
    let n = out.len();
    if let Some(ol) = &Overlapped {
        // The call completes before returning: the OVERLAPPED says so, its event is set.
        let ol = ol.borrow();
        ol.inner.set_internal(0);
        ol.inner.set_internal_high(n as u64);
        let ev = ol.event_handle(py);
        if ev.raw() != 0 {
            let _ = winfile::sync::set_event(winfile::Handle::from_raw(ev.raw() & !1));
        }
    }
    match target {
        Some(view) => {
            view.set_item(PySlice::new(py, 0, n as isize, 1), PyBytes::new(py, &out))?;
            if n == out_len {
                Ok(OutBuffer)
            } else {
                OutBuffer.get_item(PySlice::new(py, 0, n as isize, 1))
            }
        }
        None if Overlapped.is_some() => {
            let mut full = out;
            full.resize(out_len, 0);
            Ok(PyMemoryView::from(&PyByteArray::new(py, &full))?.into_any())
        }
        None => Ok(PyBytes::new(py, &out).into_any()),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(device_io_control, m)?)?;
    Ok(())
}
