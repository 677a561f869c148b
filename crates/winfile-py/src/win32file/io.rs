//! ReadFile, WriteFile, SetFilePointer, SetEndOfFile, FlushFileBuffers, GetFileSize,
//! GetFileType, AllocateReadBuffer.

use crate::conv::{Dword, HandleArg};
use crate::error::{IntoPy, PyWinError};
use crate::pywintypes::PyOverlapped;
use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyString, PyTuple};
use winfile::Win32Error;

/// A zeroed read buffer of `len` bytes, or MemoryError. The memory comes zeroed from
/// the allocator (calloc), so a huge size that a read fills only in part commits only
/// the pages the read touches.
#[allow(unsafe_code)]
fn alloc(len: usize) -> PyResult<Vec<u8>> {
    let oom = || PyMemoryError::new_err("cannot allocate the read buffer");
    if len == 0 {
        return Ok(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).map_err(|_| oom())?;
    // SAFETY: `layout` has a non-zero size. A non-null block from the global allocator
    // with u8's layout holds `len` initialised (zero) bytes, which is what
    // `Vec::from_raw_parts` requires for length and capacity `len`.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(oom());
    }
    Ok(unsafe { Vec::from_raw_parts(ptr, len, len) })
}

/// A writable buffer argument, seen as a flat byte memoryview.
fn writable_view<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let err = || PyTypeError::new_err("Second param must be an integer or writeable buffer object");
    if obj.is_instance_of::<PyString>() {
        return Err(err());
    }
    let py = obj.py();
    let mv = py.import("builtins")?.getattr("memoryview")?.call1((obj,)).map_err(|_| err())?;
    if mv.getattr("readonly")?.is_truthy()? {
        return Err(err());
    }
    mv.call_method1("cast", ("B",))
}

/// Completes an OVERLAPPED synchronously: Internal = status, InternalHigh = bytes.
fn complete(ol: &Bound<'_, PyOverlapped>, n: usize) {
    let mut ol = ol.borrow_mut();
    ol.internal = 0;
    ol.internal_high = n as u64;
}

/// ReadFile(hFile, buffer_or_bufSize, overlapped=None, /) -> (rc, data)
#[pyfunction]
#[pyo3(name = "ReadFile", signature = (hFile, buffer_or_bufSize, overlapped=None, /))]
#[allow(non_snake_case)]
fn read_file<'py>(
    py: Python<'py>,
    hFile: HandleArg,
    buffer_or_bufSize: &Bound<'py, PyAny>,
    overlapped: Option<Bound<'py, PyOverlapped>>,
) -> PyResult<(u32, Bound<'py, PyAny>)> {
    let (len, target) = if buffer_or_bufSize.is_instance_of::<PyInt>() {
        let n: i64 = buffer_or_bufSize.extract()?;
        let n = usize::try_from(n).map_err(|_| PyValueError::new_err("the buffer size must not be negative"))?;
        (n, None)
    } else {
        let view = writable_view(buffer_or_bufSize)?;
        (view.len()?, Some(view))
    };
    let mut buf = alloc(len)?;
    let h = hFile.0;
    let offset = overlapped.as_ref().map(|ol| ol.borrow().offset64());
    let n = py
        .detach(|| match offset {
            Some(off) => winfile::io::read_file_at(h, &mut buf, off),
            None => winfile::io::read_file(h, &mut buf),
        })
        .py_api("ReadFile")?;
    if let Some(ol) = &overlapped {
        if n == 0 && len > 0 {
            return Err(PyWinError::new(Win32Error::HANDLE_EOF, "ReadFile").into());
        }
        complete(ol, n);
    }
    buf.truncate(n);
    let data: Bound<'py, PyAny> = match (target, overlapped.is_some()) {
        (Some(view), true) => {
            view.set_item(pyo3::types::PySlice::new(py, 0, n as isize, 1), PyBytes::new(py, &buf))?;
            buffer_or_bufSize.clone()
        }
        (Some(view), false) => {
            view.set_item(pyo3::types::PySlice::new(py, 0, n as isize, 1), PyBytes::new(py, &buf))?;
            PyBytes::new(py, &buf).into_any()
        }
        (None, true) => {
            buf.resize(len, 0);
            let ba = PyByteArray::new(py, &buf);
            py.import("builtins")?.getattr("memoryview")?.call1((ba,))?
        }
        (None, false) => PyBytes::new(py, &buf).into_any(),
    };
    Ok((0, data))
}

/// WriteFile(hFile, data, ol=None, /) -> (rc, nBytesWritten)
#[pyfunction]
#[pyo3(name = "WriteFile", signature = (hFile, data, ol=None, /))]
#[allow(non_snake_case)]
fn write_file(
    py: Python<'_>,
    hFile: HandleArg,
    data: &Bound<'_, PyAny>,
    ol: Option<Bound<'_, PyOverlapped>>,
) -> PyResult<(u32, usize)> {
    let h = hFile.0;
    let offset = ol.as_ref().map(|o| o.borrow().offset64());
    let run = |bytes: &[u8]| match offset {
        Some(off) => winfile::io::write_file_at(h, bytes, off),
        None => winfile::io::write_file(h, bytes),
    };
    let n = if let Ok(b) = data.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        py.detach(|| run(bytes))
    } else {
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("a bytes-like object is required, not 'str'"));
        }
        // Only buffers: bytes(data) would also turn an int into that many zero bytes
        // and a list of ints into bytes, where pywin32 raises TypeError.
        let builtins = py.import("builtins")?;
        let view = builtins.getattr("memoryview")?.call1((data,))?;
        let copy: Vec<u8> = builtins.getattr("bytes")?.call1((view,))?.extract()?;
        py.detach(|| run(&copy))
    }
    .py_api("WriteFile")?;
    if let Some(ol) = &ol {
        complete(ol, n);
    }
    Ok((0, n))
}

/// SetFilePointer(handle, offset, moveMethod, /) -> new position
#[pyfunction]
#[pyo3(name = "SetFilePointer", signature = (handle, offset, moveMethod, /))]
#[allow(non_snake_case)]
fn set_file_pointer(py: Python<'_>, handle: HandleArg, offset: &Bound<'_, PyAny>, moveMethod: i64) -> PyResult<i64> {
    let distance: i64 = if let Ok(t) = offset.cast::<PyTuple>() {
        PyErr::warn(py, &py.get_type::<pyo3::exceptions::PyDeprecationWarning>(), c"Support for passing 2 integers to create a 64bit value is deprecated - pass a single integer instead", 1)?;
        let (high, low): (Dword, Dword) = t.extract()?;
        ((u64::from(high.0) << 32) | u64::from(low.0)) as i64
    } else {
        offset.extract()?
    };
    let method = u32::try_from(moveMethod).unwrap_or(u32::MAX);
    let pos = winfile::io::set_file_pointer(handle.0, distance, method).py_api("SetFilePointer")?;
    Ok(pos as i64)
}

/// SetEndOfFile(hFile, /) -> 1 or 0 (never raises, as pywin32)
#[pyfunction]
#[pyo3(name = "SetEndOfFile", signature = (hFile, /))]
#[allow(non_snake_case)]
fn set_end_of_file(py: Python<'_>, hFile: HandleArg) -> i32 {
    i32::from(py.detach(|| winfile::io::set_end_of_file(hFile.0)).is_ok())
}

/// FlushFileBuffers(hFile, /)
#[pyfunction]
#[pyo3(name = "FlushFileBuffers", signature = (hFile, /))]
#[allow(non_snake_case)]
fn flush_file_buffers(py: Python<'_>, hFile: HandleArg) -> PyResult<()> {
    Ok(py.detach(|| winfile::io::flush_file_buffers(hFile.0)).py_api("FlushFileBuffers")?)
}

/// GetFileSize(handle, /) -> int
#[pyfunction]
#[pyo3(name = "GetFileSize", signature = (handle, /))]
fn get_file_size(handle: HandleArg) -> PyResult<u64> {
    Ok(winfile::io::get_file_size(handle.0).py_api("GetFileSize")?)
}

/// GetFileType(hFile, /) -> FILE_TYPE_*
#[pyfunction]
#[pyo3(name = "GetFileType", signature = (hFile, /))]
#[allow(non_snake_case)]
fn get_file_type(hFile: HandleArg) -> u32 {
    winfile::io::get_file_type(hFile.0)
}

/// AllocateReadBuffer(bufSize, /) -> memoryview over a zeroed bytearray
#[pyfunction]
#[pyo3(name = "AllocateReadBuffer", signature = (bufSize, /))]
#[allow(non_snake_case)]
fn allocate_read_buffer<'py>(py: Python<'py>, bufSize: i64) -> PyResult<Bound<'py, PyAny>> {
    let n = usize::try_from(bufSize).map_err(|_| PyValueError::new_err("The size must be positive"))?;
    let ba = py.import("builtins")?.getattr("bytearray")?.call1((n,))?;
    py.import("builtins")?.getattr("memoryview")?.call1((ba,))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_file, m)?)?;
    m.add_function(wrap_pyfunction!(write_file, m)?)?;
    m.add_function(wrap_pyfunction!(set_file_pointer, m)?)?;
    m.add_function(wrap_pyfunction!(set_end_of_file, m)?)?;
    m.add_function(wrap_pyfunction!(flush_file_buffers, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_size, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_type, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_read_buffer, m)?)?;
    Ok(())
}
