//! Change notification: FindFirstChangeNotification, FindNextChangeNotification,
//! FindCloseChangeNotification, ReadDirectoryChangesW, FILE_NOTIFY_INFORMATION.

use crate::conv::{Dword, Flag, HandleArg, PathArg};
use crate::error::IntoPy;
use crate::interrupt::blocking;
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyList};
use winfile::notify;

fn changes_to_list<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for c in notify::decode(bytes) {
        list.append((c.action, c.name))?;
    }
    Ok(list)
}

/// FindFirstChangeNotification(pathName, bWatchSubtree, notifyFilter, /) -> int
#[pyfunction]
#[pyo3(name = "FindFirstChangeNotification", signature = (pathName, bWatchSubtree, notifyFilter, /))]
#[allow(non_snake_case)]
fn find_first_change_notification(
    py: Python<'_>,
    pathName: PathArg,
    bWatchSubtree: Flag,
    notifyFilter: Dword,
) -> PyResult<u64> {
    let r = py.detach(|| notify::find_first_change_notification(&pathName.text, bWatchSubtree.0, notifyFilter.0));
    Ok(r.py_api("FindFirstChangeNotification")?.raw())
}

/// FindNextChangeNotification(hChangeHandle, /) -> None
#[pyfunction]
#[pyo3(name = "FindNextChangeNotification", signature = (hChangeHandle, /))]
#[allow(non_snake_case)]
fn find_next_change_notification(hChangeHandle: HandleArg) -> PyResult<()> {
    notify::find_next_change_notification(hChangeHandle.0).py_api("FindNextChangeNotification")?;
    Ok(())
}

/// FindCloseChangeNotification(hChangeHandle, /) -> None
#[pyfunction]
#[pyo3(name = "FindCloseChangeNotification", signature = (hChangeHandle, /))]
#[allow(non_snake_case)]
fn find_close_change_notification(hChangeHandle: HandleArg) -> PyResult<()> {
    notify::find_close_change_notification(hChangeHandle.0).py_api("FindCloseChangeNotification")?;
    Ok(())
}

/// ReadDirectoryChangesW(handle, size_or_buffer, bWatchSubtree, dwNotifyFilter,
/// overlapped=None, overlappedRoutine=None, /)
#[pyfunction]
#[pyo3(name = "ReadDirectoryChangesW", signature = (handle, size_or_buffer, bWatchSubtree, dwNotifyFilter, overlapped=None, overlappedRoutine=None, /))]
#[allow(non_snake_case)]
fn read_directory_changes_w<'py>(
    py: Python<'py>,
    handle: HandleArg,
    size_or_buffer: Bound<'py, PyAny>,
    bWatchSubtree: Flag,
    dwNotifyFilter: Dword,
    overlapped: Option<Bound<'py, PyAny>>,
    overlappedRoutine: Option<Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyList>>> {
    const FUNC: &str = "ReadDirectoryChangesW";
    if overlappedRoutine.is_some_and(|r| !r.is_none()) {
        return Err(PyValueError::new_err("overlappedRoutine must be None"));
    }
    let ol = match overlapped.as_ref().filter(|o| !o.is_none()) {
        Some(o) => Some(o.cast::<crate::pywintypes::PyOverlapped>()?),
        None => None,
    };
    if !size_or_buffer.is_instance_of::<PyInt>() {
        // The overlapped form: the records land in the caller's buffer, then the
        // OVERLAPPED, its event and the handle's port complete; returns None.
        let Some(ol) = ol else {
            return Err(PyValueError::new_err("a buffer needs an OVERLAPPED (the asynchronous form)"));
        };
        super::overlapped::directory_changes(handle.0, bWatchSubtree.0, dwNotifyFilter.0, &size_or_buffer, ol)?;
        return Ok(None);
    }
    let size = u32::try_from(size_or_buffer.extract::<i64>().map_err(|_| PyTypeError::new_err("size must be an int"))?)
        .map_err(|_| PyOverflowError::new_err("size must fit a DWORD"))? as usize;
    if let Some(ol) = ol {
        // A size with an OVERLAPPED: pywin32 starts the asynchronous call into a buffer
        // of its own and returns at once, decoding nothing that is valid yet. The
        // request is queued the same way (the OVERLAPPED, its event and the port
        // complete as usual; the records go to a private buffer, as they are lost with
        // pywin32) and the result is the empty list.
        super::overlapped::directory_changes_sized(handle.0, bWatchSubtree.0, dwNotifyFilter.0, size, ol)?;
        return Ok(Some(PyList::empty(py)));
    }
    let bytes =
        blocking(py, FUNC, || notify::read_directory_changes(handle.0, size, bWatchSubtree.0, dwNotifyFilter.0))?;
    changes_to_list(py, &bytes).map(Some)
}

/// FILE_NOTIFY_INFORMATION(buffer, size, /) -> [(action, name), ...]
#[pyfunction]
#[pyo3(name = "FILE_NOTIFY_INFORMATION", signature = (buffer, size, /))]
fn file_notify_information<'py>(
    py: Python<'py>,
    buffer: Bound<'py, PyAny>,
    size: Dword,
) -> PyResult<Bound<'py, PyList>> {
    let data: Vec<u8> = py.import("builtins")?.getattr("bytes")?.call1((buffer,))?.extract()?;
    let size = size.0 as usize;
    if size > data.len() {
        return Err(PyValueError::new_err(format!(
            "buffer is only {} bytes long, but {} bytes were requested",
            data.len(),
            size
        )));
    }
    changes_to_list(py, &data[..size])
}

/// Adds the functions of this file to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(find_first_change_notification, m)?)?;
    m.add_function(wrap_pyfunction!(find_next_change_notification, m)?)?;
    m.add_function(wrap_pyfunction!(find_close_change_notification, m)?)?;
    m.add_function(wrap_pyfunction!(read_directory_changes_w, m)?)?;
    m.add_function(wrap_pyfunction!(file_notify_information, m)?)?;
    Ok(())
}
