//! ReadFile, WriteFile, SetFilePointer, SetEndOfFile, FlushFileBuffers, GetFileSize,
//! GetFileType, AllocateReadBuffer.

use crate::buffer::new_bytes_filled;
use crate::conv::{c_long_size, Dword, HandleArg};
use crate::error::{IntoPy, PyWinError};
use crate::pywintypes::PyOverlapped;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyString, PyTuple};
use winfile::Win32Error;


/// A writable buffer argument, seen as a flat byte memoryview.
pub(super) fn writable_view<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
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

/// Completes an OVERLAPPED on a synchronous handle: Internal = status, InternalHigh =
/// bytes, then its event is signaled.
fn complete(ol: &Bound<'_, PyOverlapped>, n: usize) {
    let py = ol.py();
    let ol = ol.borrow();
    ol.inner.set_internal(0);
    ol.inner.set_internal_high(n as u64);
    let ev = ol.event_handle(py);
    if ev.raw() != 0 {
        let _ = winfile::sync::set_event(winfile::Handle::from_raw(ev.raw() & !1));
    }
}

/// The bytes of a WriteFile data argument: only the buffer protocol is accepted
/// (bytes(12) or bytes([1, 2]) would invent data).
pub(super) fn data_view<'py>(data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(b) = data.cast::<PyBytes>() {
        return Ok(b.clone());
    }
    let not_buffer = || match data.get_type().name() {
        Ok(t) => PyTypeError::new_err(format!("a bytes-like object is required, not '{t}'")),
        Err(e) => e,
    };
    let view = data.py().import("builtins")?.getattr("memoryview")?.call1((data,)).map_err(|_| not_buffer())?;
    Ok(view.call_method0("tobytes")?.cast_into::<PyBytes>()?)
}

/// The first `max` bytes (at most) of a buffer argument, with [`data_view`]'s type rules;
/// `bytes` are lent whole, other buffers copied only as far as `max`.
pub(super) fn data_prefix<'py>(data: &Bound<'py, PyAny>, max: usize) -> PyResult<Bound<'py, PyBytes>> {
    if data.is_instance_of::<PyBytes>() {
        return data_view(data);
    }
    match flat_view(data) {
        Some(view) if view.len()? > max => view
            .get_item(pyo3::types::PySlice::new(data.py(), 0, max as isize, 1))?
            .call_method0("tobytes")?
            .cast_into::<PyBytes>()
            .map_err(Into::into),
        _ => data_view(data),
    }
}

/// A ReadFile buffer size: an int that fits a C long, as pywin32 reads it (a larger one
/// is not a size there, and gets its TypeError); ValueError when negative.
pub(super) fn buffer_size(obj: &Bound<'_, PyAny>) -> PyResult<usize> {
    let n = c_long_size(obj)
        .ok_or_else(|| PyTypeError::new_err("Second param must be an integer or writeable buffer object"))?;
    usize::try_from(n).map_err(|_| PyValueError::new_err("the buffer size must not be negative"))
}

/// Reads of more than this many bytes check the handle before their result is
/// allocated (smaller ones allocate first: an extra handle lookup would cost more).
const CHECK_BEFORE_ALLOCATING: usize = 1 << 20;

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
    let h = hFile.0;
    if let Some(ol) = &overlapped {
        if winfile::overlapped::is_overlapped_handle(h) {
            let result = super::overlapped::read_async(h, buffer_or_bufSize, ol)?;
            return Ok((Win32Error::IO_PENDING.0, result));
        }
    }
    let (len, target) = if buffer_or_bufSize.is_instance_of::<PyInt>() {
        (buffer_size(buffer_or_bufSize)?, None)
    } else {
        let view = writable_view(buffer_or_bufSize)?;
        (view.len()?, Some(view))
    };
    let offset = overlapped.as_ref().map(|ol| ol.borrow().offset64());
    if target.is_none() && len > CHECK_BEFORE_ALLOCATING {
        winfile::io::check_read_file(h, len, offset).py_api("ReadFile")?;
    }
    let read = |buf: &mut [u8]| {
        py.detach(|| match offset {
            Some(off) => winfile::io::read_file_at(h, buf, off),
            None => winfile::io::read_file(h, buf),
        })
        .py_api("ReadFile")
    };
    if target.is_none() && overlapped.is_none() {
        // The common case, ReadFile(h, n): read straight into the bytes object returned.
        // The GIL is released for every read, small ones included, as os.read does:
        // holding it saved about 50 ns of a 1.3 µs hot 4 KiB read (within this VM's
        // noise), while even a regular file's read can block (page-cache miss, NFS or
        // FUSE, where the lock probe before it is a round trip too).
        let data = new_bytes_filled(py, len, |buf| {
            Ok(py.detach(|| winfile::io::read_file_uninit(h, buf)).py_api("ReadFile")?)
        })?;
        return Ok((0, data.into_any()));
    }
    let mut buf = crate::buffer::zeroed_vec(len)?;
    let n = read(&mut buf)?;
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
            // The whole requested size, the bytes read first (one allocation, zeroed).
            let ba = PyByteArray::new_with(py, len, |all| {
                all[..n].copy_from_slice(&buf);
                Ok(())
            })?;
            py.import("builtins")?.getattr("memoryview")?.call1((ba,))?
        }
        (None, false) => PyBytes::new(py, &buf).into_any(),
    };
    Ok((0, data))
}

/// Buffers other than `bytes` larger than this are written a piece of this size at a
/// time (see [`write_pieces`]). Small enough that a piece copied is still in the CPU
/// cache when write(2) reads it (256 KiB measured faster than 1 and 4 MiB here), large
/// enough that the per-piece cost (the interpreter lock taken and released, a slice)
/// stays near 1% of the copy.
const WRITE_PIECE: usize = 256 << 10;

/// A flat, C-contiguous byte view of a buffer, or None when it has none (a
/// non-contiguous view: [`data_view`] copies those).
fn flat_view<'py>(data: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
    let mv = data.py().import("builtins").ok()?.getattr("memoryview").ok()?.call1((data,)).ok()?;
    mv.call_method1("cast", ("B",)).ok()
}

/// WriteFile of a large buffer that is not `bytes` (a bytearray, a memoryview, an
/// array): one WriteFile checked once for the whole length, whose data is copied a
/// piece at a time into a small `bytes` (with the GIL) and written with the GIL
/// released. Copying the whole buffer first (`memoryview.tobytes()`) cost a second
/// buffer as large as the data, and page faults that made a 2 GiB write several times
/// slower than os.write. Our memoryview holds an export, so the buffer cannot be
/// resized or freed meanwhile.
fn write_pieces(py: Python<'_>, h: winfile::Handle, view: &Bound<'_, PyAny>, offset: Option<u64>) -> PyResult<usize> {
    let len = view.len()?;
    let mut writer = py.detach(|| winfile::io::PieceWriter::start(h, len, offset)).py_api("WriteFile")?;
    let mut from = 0;
    while from < len {
        let to = len.min(from + WRITE_PIECE);
        let piece = view
            .get_item(pyo3::types::PySlice::new(py, from as isize, to as isize, 1))?
            .call_method0("tobytes")?
            .cast_into::<PyBytes>()?;
        let bytes = piece.as_bytes();
        if !py.detach(|| writer.write(bytes)).py_api("WriteFile")? {
            break;
        }
        from = to;
    }
    Ok(py.detach(|| writer.finish()).py_api("WriteFile")?)
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
    if let Some(ol) = &ol {
        if winfile::overlapped::is_overlapped_handle(h) {
            let bytes = data_view(data)?;
            super::overlapped::write_async(h, bytes.as_bytes().to_vec(), ol)?;
            return Ok((Win32Error::IO_PENDING.0, 0));
        }
    }
    let offset = ol.as_ref().map(|o| o.borrow().offset64());
    let large_view = if data.is_instance_of::<PyBytes>() {
        None
    } else {
        flat_view(data).filter(|v| v.len().is_ok_and(|n| n > WRITE_PIECE))
    };
    let n = match large_view {
        Some(view) => write_pieces(py, h, &view, offset)?,
        None => {
            let whole = data_view(data)?;
            let bytes = whole.as_bytes();
            py.detach(|| match offset {
                Some(off) => winfile::io::write_file_at(h, bytes, off),
                None => winfile::io::write_file(h, bytes),
            })
            .py_api("WriteFile")?
        }
    };
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
fn allocate_read_buffer<'py>(py: Python<'py>, bufSize: i32) -> PyResult<Bound<'py, PyAny>> {
    // An int as pywin32's "i" format takes it: OverflowError beyond a C int.
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
