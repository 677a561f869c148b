//! DeviceIoControl.

use crate::conv::{c_long_size, Dword, HandleArg};
use crate::error::IntoPy;
use crate::pywintypes::PyOverlapped;
use pyo3::exceptions::{PyTypeError, PyValueError};
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
    // The input is lent when it is bytes; of another buffer only the bytes the code
    // reads are copied (a huge input is never copied whole).
    let input = match InBuffer.filter(|b| !b.is_none()) {
        Some(b) => Some(super::io::data_prefix(&b, winfile::fsctl::input_needed(IoControlCode.0))?),
        None => None,
    };
    let not_out_buffer = || {
        let t = OutBuffer.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        PyTypeError::new_err(format!("OutBuffer must be either a buffer size or writeable buffer object, not {t}"))
    };
    let (out_len, target) = if OutBuffer.is_instance_of::<PyInt>() {
        // pywin32 reads a size as a C long: a larger int is no size there (TypeError),
        // so no output of 2 GiB or more is ever asked for. The core builds its output
        // as it goes, at most out_len bytes; nothing is allocated here before the call.
        let n = c_long_size(&OutBuffer).ok_or_else(not_out_buffer)?;
        (usize::try_from(n).map_err(|_| PyValueError::new_err("the buffer size must not be negative"))?, None)
    } else {
        let target = crate::lent::exported_mut(&OutBuffer, "").map_err(|_| not_out_buffer())?;
        (target.as_slice().len(), Some(target))
    };
    let input: &[u8] = input.as_ref().map_or(&[], |b| b.as_bytes());
    let (h, code) = (Device.0, IoControlCode.0);
    let out = py.detach(|| winfile::fsctl::device_io_control(h, code, input, out_len)).py_api("DeviceIoControl")?;
    let n = out.len();
    if let Some(ol) = &Overlapped {
        // The call completes before returning: the OVERLAPPED says so, its event is set.
        let ol = ol.borrow();
        winfile::overlapped::complete_now(&ol.inner, ol.event_handle(py), n);
    }
    match target {
        Some(mut target) => {
            target.as_mut_slice()[..n].copy_from_slice(&out[..n]);
            if n == out_len {
                Ok(OutBuffer)
            } else {
                OutBuffer.get_item(PySlice::new(py, 0, n as isize, 1))
            }
        }
        None if Overlapped.is_some() => {
            // pywin32 returns a writable buffer of the size asked for: allocated once,
            // after the call succeeded, the output at its start.
            let full = PyByteArray::new_with(py, out_len, |all| {
                let k = n.min(all.len()); // the core never returns more than out_len
                all[..k].copy_from_slice(&out[..k]);
                Ok(())
            })?;
            Ok(PyMemoryView::from(&full)?.into_any())
        }
        None => Ok(PyBytes::new(py, &out).into_any()),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(device_io_control, m)?)?;
    Ok(())
}
