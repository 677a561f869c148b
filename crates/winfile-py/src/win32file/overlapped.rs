//! Overlapped I/O and completion ports: the asynchronous ReadFile/WriteFile paths,
//! GetOverlappedResult, CancelIo, CreateIoCompletionPort, GetQueuedCompletionStatus,
//! PostQueuedCompletionStatus.
//!
//! Buffers and OVERLAPPED objects are kept alive by the operation itself (it owns
//! references to them) until it ends, whatever Python does with its own references.

use crate::conv::{HandleArg, Qword};
use crate::error::{IntoPy, PyWinError};
use crate::pywintypes::{PyHandle, PyOverlapped};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::intern;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyMemoryView, PySlice};
use std::time::Duration;
use winfile::overlapped::{self as ov, Submit, Token};
use winfile::{Handle, Win32Error};

pub(super) fn submit_of(ol: &Bound<'_, PyOverlapped>) -> Submit {
    let py = ol.py();
    let b = ol.borrow();
    let token: Token = Box::new(ol.clone().unbind());
    Submit { ol: b.inner.clone(), event: b.event_handle(py), token: Some(token) }
}

/// Where a completed read's bytes go: a whole bytearray (written directly) or another
/// writable byte view (slice assignment).
enum Sink {
    Whole(Py<PyByteArray>),
    View(Py<PyAny>),
}

impl Sink {
    /// The sink for a writable buffer argument, and its length in bytes.
    fn for_buffer(obj: &Bound<'_, PyAny>) -> PyResult<(Self, usize)> {
        if let Ok(ba) = obj.cast::<PyByteArray>() {
            return Ok((Sink::Whole(ba.clone().unbind()), ba.len()));
        }
        if obj.is_instance_of::<PyMemoryView>() && !obj.getattr(intern!(obj.py(), "readonly"))?.is_truthy()? {
            // AllocateReadBuffer's memoryview of a whole bytearray: write the bytearray.
            if let Ok(ba) = obj.getattr(intern!(obj.py(), "obj"))?.cast_into::<PyByteArray>() {
                let nbytes: usize = obj.getattr(intern!(obj.py(), "nbytes"))?.extract()?;
                if nbytes == ba.len() && obj.len()? == nbytes {
                    return Ok((Sink::Whole(ba.unbind()), nbytes));
                }
            }
        }
        let view = super::io::writable_view(obj)?;
        let len = view.len()?;
        Ok((Sink::View(view.unbind()), len))
    }

    /// A completion step that copies the bytes in, with the GIL, before anything is
    /// signaled.
    fn deliver(self) -> ov::Deliver {
        Box::new(move |data: &[u8]| {
            Python::attach(|py| match &self {
                Sink::Whole(ba) => crate::buffer::copy_into_bytearray(ba.bind(py), data),
                Sink::View(view) => {
                    let view = view.bind(py);
                    let n = data.len() as isize;
                    if let Err(e) = view.set_item(PySlice::new(py, 0, n, 1), PyBytes::new(py, data)) {
                        e.write_unraisable(py, Some(view));
                    }
                }
            });
        })
    }
}

/// `Sink::for_buffer`, remembered on the OVERLAPPED for the buffer it was last used with
/// (only whole-bytearray sinks: their length is read again at completion).
fn cached_sink(buffer: &Bound<'_, PyAny>, ol: &Bound<'_, PyOverlapped>) -> PyResult<(Sink, usize)> {
    let py = buffer.py();
    if let Some((obj, ba)) = &ol.borrow().last_buffer {
        if obj.bind(py).is(buffer) {
            let ba = ba.clone_ref(py);
            let len = ba.bind(py).len();
            return Ok((Sink::Whole(ba), len));
        }
    }
    let (sink, len) = Sink::for_buffer(buffer)?;
    if let Sink::Whole(ba) = &sink {
        ol.borrow_mut().last_buffer = Some((buffer.clone().unbind(), ba.clone_ref(py)));
    }
    Ok((sink, len))
}

/// Queues an overlapped read into `buffer_or_size`: a writable buffer (returned itself)
/// or a size (a new writable memoryview of that many zero bytes is returned).
pub(super) fn read_async<'py>(h: Handle, buffer_or_size: &Bound<'py, PyAny>, ol: &Bound<'py, PyOverlapped>) -> PyResult<Bound<'py, PyAny>> {
    let py = buffer_or_size.py();
    let (sink, len, result) = if buffer_or_size.is_instance_of::<PyInt>() {
        let len = super::io::buffer_size(buffer_or_size)?;
        let ba = PyByteArray::new(py, &crate::buffer::zeroed_vec(len)?);
        let mv = PyMemoryView::from(&ba)?.into_any();
        (Sink::Whole(ba.unbind()), len, mv)
    } else {
        let (sink, len) = cached_sink(buffer_or_size, ol)?;
        (sink, len, buffer_or_size.clone())
    };
    ov::submit_read(h, len, submit_of(ol), Some(sink.deliver())).py_api("ReadFile")?;
    Ok(result)
}

/// Queues an overlapped ReadDirectoryChangesW whose records land in `target`.
pub(super) fn directory_changes_async(
    h: Handle,
    subtree: bool,
    filter: u32,
    buffer: &Bound<'_, PyAny>,
    ol: &Bound<'_, PyOverlapped>,
) -> PyResult<()> {
    let (sink, len) = Sink::for_buffer(buffer)?;
    Ok(ov::submit_directory_changes(h, len, subtree, filter, submit_of(ol), sink.deliver()).py_api("ReadDirectoryChangesW")?)
}

/// Queues an overlapped write of `data` (copied: Python may reuse its object at once).
pub(super) fn write_async(h: Handle, data: Vec<u8>, ol: &Bound<'_, PyOverlapped>) -> PyResult<()> {
    Ok(ov::submit_write(h, data, submit_of(ol)).py_api("WriteFile")?)
}

/// GetOverlappedResult(hFile, overlapped, bWait, /) -> bytes transferred
#[pyfunction]
#[pyo3(name = "GetOverlappedResult", signature = (hFile, overlapped, bWait, /))]
#[allow(non_snake_case)]
fn get_overlapped_result(py: Python<'_>, hFile: HandleArg, overlapped: Option<Bound<'_, PyOverlapped>>, bWait: crate::conv::Flag) -> PyResult<i64> {
    const API: &str = "GetOverlappedResult";
    let Some(ol) = overlapped else {
        return Err(PyWinError::new(Win32Error::INVALID_PARAMETER, API).into());
    };
    let inner = ol.borrow().inner.clone();
    loop {
        match ov::get_overlapped_result(hFile.0, &inner, false) {
            Err(e) if e.code() == Win32Error::IO_INCOMPLETE && bWait.0 => {
                py.detach(|| inner.wait_timeout(Duration::from_millis(100)));
                py.check_signals()?;
            }
            // pywin32 converts the DWORD count with a signed 32-bit conversion.
            other => return Ok(i64::from(other.py_api(API)? as u32 as i32)),
        }
    }
}

/// CancelIo(handle, /)
#[pyfunction]
#[pyo3(name = "CancelIo", signature = (handle, /))]
fn cancel_io(handle: HandleArg) -> PyResult<()> {
    Ok(ov::cancel_io(handle.0).py_api("CancelIo")?)
}

/// CreateIoCompletionPort(handle, existing, completionKey, numThreads, /)
#[pyfunction]
#[pyo3(name = "CreateIoCompletionPort", signature = (handle, existing, completionKey, numThreads, /))]
#[allow(non_snake_case)]
fn create_io_completion_port(py: Python<'_>, handle: HandleArg, existing: &Bound<'_, PyAny>, completionKey: Qword, numThreads: i32) -> PyResult<Py<PyAny>> {
    const API: &str = "CreateIoCompletionPort";
    let HandleArg(port) = existing.extract()?;
    let threads = u32::try_from(numThreads).unwrap_or(0);
    if handle.0 == Handle::INVALID {
        if port.raw() != 0 {
            return Err(PyWinError::new(Win32Error::INVALID_PARAMETER, API).into());
        }
        return Ok(Py::new(py, PyHandle::owning(ov::create_io_completion_port(threads)))?.into_any());
    }
    if port.raw() == 0 {
        let new_port = ov::create_io_completion_port(threads);
        let port_obj = Py::new(py, PyHandle::owning(new_port))?;
        ov::associate(handle.0, new_port, completionKey.0).py_api(API)?;
        return Ok(port_obj.into_any());
    }
    ov::associate(handle.0, port, completionKey.0).py_api(API)?;
    Ok(existing.clone().unbind()) // the same object, as pywin32 returns it
}

/// GetQueuedCompletionStatus(hPort, timeOut, /) -> (rc, bytes, key, overlapped)
#[pyfunction]
#[pyo3(name = "GetQueuedCompletionStatus", signature = (hPort, timeOut, /))]
#[allow(non_snake_case)]
fn get_queued_completion_status(py: Python<'_>, hPort: HandleArg, timeOut: i32) -> PyResult<(u32, i64, u64, Py<PyAny>)> {
    let timeout = (timeOut != -1).then(|| Duration::from_millis(u64::from(timeOut as u32)));
    let mut pending_err: Option<PyErr> = None;
    let r = py.detach(|| {
        ov::get_queued_completion_status_with(hPort.0, timeout, &mut || {
            Python::attach(|py| match py.check_signals() {
                Ok(()) => false,
                Err(e) => {
                    pending_err = Some(e);
                    true
                }
            })
        })
    });
    if let Some(e) = pending_err {
        return Err(e);
    }
    Ok(match r {
        Err(code) => (code.0, 0, 0, py.None()),
        Ok(p) => {
            let ol = match p.token.map(|t| t.downcast::<Py<PyOverlapped>>()) {
                Some(Ok(obj)) => obj.into_any(),
                _ => py.None(),
            };
            (p.status.0, i64::from(p.bytes as u32 as i32), p.key, ol)
        }
    })
}

/// PostQueuedCompletionStatus(handle, numberOfBytes=0, completionKey=None, overlapped=None, /)
#[pyfunction]
#[pyo3(name = "PostQueuedCompletionStatus", signature = (handle, numberOfBytes=0, completionKey=None, overlapped=None, /))]
#[allow(non_snake_case)]
fn post_queued_completion_status(handle: HandleArg, numberOfBytes: i32, completionKey: Option<Qword>, overlapped: Option<Bound<'_, PyAny>>) -> PyResult<()> {
    let token: Option<Token> = match overlapped {
        None => None,
        Some(o) if o.is_none() => None,
        Some(o) => match o.cast::<PyOverlapped>() {
            Ok(ol) => Some(Box::new(ol.clone().unbind())),
            Err(_) => return Err(PyValueError::new_err("overlapped must be a PyOVERLAPPED or None")),
        },
    };
    let key = completionKey.map_or(0, |k| k.0);
    Ok(ov::post_queued_completion_status(handle.0, numberOfBytes as u32 as usize, key, token).py_api("PostQueuedCompletionStatus")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_overlapped_result, m)?)?;
    m.add_function(wrap_pyfunction!(cancel_io, m)?)?;
    m.add_function(wrap_pyfunction!(create_io_completion_port, m)?)?;
    m.add_function(wrap_pyfunction!(get_queued_completion_status, m)?)?;
    m.add_function(wrap_pyfunction!(post_queued_completion_status, m)?)?;
    Ok(())
}

