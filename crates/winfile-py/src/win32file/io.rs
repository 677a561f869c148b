//! ReadFile, WriteFile, SetFilePointer, SetEndOfFile, FlushFileBuffers, GetFileSize,
//! GetFileType, AllocateReadBuffer.

use crate::buffer::new_bytes_filled;
use crate::conv::{c_long_size, Dword, HandleArg};
use crate::error::IntoPy;
use crate::interrupt::blocking;
use crate::pywintypes::PyOverlapped;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyTuple};

/// The first `max` bytes (at most) of a buffer argument (the buffer protocol only:
/// bytes(12) would invent data); `bytes` are lent whole, other buffers copied only as
/// far as `max`.
pub(super) fn data_prefix<'py>(data: &Bound<'py, PyAny>, max: usize) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(b) = data.cast::<PyBytes>() {
        return Ok(b.clone());
    }
    let all = crate::lent::exported(data)?;
    let bytes = all.as_slice();
    Ok(PyBytes::new(data.py(), &bytes[..bytes.len().min(max)]))
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
pub(super) const CHECK_BEFORE_ALLOCATING: usize = 1 << 20;

/// Reads of at most this many bytes try the page cache with the GIL held first
/// (`winfile::io::read_file_nowait`): a copy this size takes a few microseconds, so
/// other threads wait no longer than for any short call.
const NOWAIT_MAX: usize = 64 << 10;

/// A read that ended with ERROR_MORE_DATA (a message pipe's message goes on) filled
/// the whole buffer: pywin32 returns rc 234 with the data instead of raising, and the
/// thread's last error says 234 as on Windows.
fn more_data(r: winfile::Result<usize>, full: usize, rc: &mut u32) -> winfile::Result<usize> {
    match r {
        Err(e) if e.code() == winfile::Win32Error::MORE_DATA => {
            winfile::error::set_last_error(e.code());
            *rc = e.code().0;
            Ok(full)
        }
        r => r,
    }
}

/// `ReadFile(h, len)`: a read straight into the bytes object returned (the PyO3 entry
/// and the fast entry share it, so both behave alike).
fn read_sized(py: Python<'_>, h: winfile::Handle, len: usize) -> PyResult<(u32, Bound<'_, PyBytes>)> {
    if len > CHECK_BEFORE_ALLOCATING {
        winfile::io::check_read_file(h, len, None).py_api("ReadFile")?;
    }
    let mut rc = 0;
    let data = new_bytes_filled(py, len, |buf| {
        // Small reads first take what the page cache holds without waiting, with the
        // GIL held (no thread switch); whatever would wait is read with it released.
        let mut done = 0;
        if len <= NOWAIT_MAX {
            let (n, complete) = winfile::io::read_file_nowait(h, buf).py_api("ReadFile")?;
            if complete {
                crate::lent::release_pending(py);
                return Ok(n);
            }
            done = n;
        }
        let rest = &mut buf[done..];
        let full = rest.len();
        let rc = &mut rc;
        Ok(done + blocking(py, "ReadFile", || more_data(winfile::io::read_file_uninit(h, rest), full, rc))?)
    })?;
    Ok((rc, data))
}

/// `WriteFile(h, data)` of a `bytes`, written from the object itself with the GIL
/// released (as os.write): a `bytes` is immutable and kept alive by the caller's
/// reference, so no buffer export (an allocation and two calls) is needed.
fn write_bytes(py: Python<'_>, h: winfile::Handle, data: &Bound<'_, PyBytes>) -> PyResult<usize> {
    let bytes = data.as_bytes();
    blocking(py, "WriteFile", || winfile::io::write_file(h, bytes))
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
    let h = hFile.0;
    if let Some(ol) = &overlapped {
        return super::overlapped::read(h, buffer_or_bufSize, ol);
    }
    if buffer_or_bufSize.is_instance_of::<PyInt>() {
        // The common case, ReadFile(h, n): read straight into the bytes object returned.
        let (rc, data) = read_sized(py, h, buffer_size(buffer_or_bufSize)?)?;
        return Ok((rc, data.into_any()));
    }
    // Into the caller's buffer itself; a copy of what was read is returned (pywin32
    // gives a new object of the bytes read).
    let mut target =
        crate::lent::exported_mut(buffer_or_bufSize, "Second param must be an integer or writeable buffer object")?;
    let buf = target.as_mut_slice();
    let full = buf.len();
    let mut rc = 0;
    let n = blocking(py, "ReadFile", || more_data(winfile::io::read_file(h, buf), full, &mut rc))?;
    Ok((rc, PyBytes::new(py, &target.as_slice()[..n]).into_any()))
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
        return super::overlapped::write(h, data, ol);
    }
    // Written from the caller's buffer itself, with the GIL released (as os.write).
    if let Ok(b) = data.cast::<PyBytes>() {
        return Ok((0, write_bytes(py, h, b)?));
    }
    let data = crate::lent::exported(data)?;
    let bytes = data.as_slice();
    let n = blocking(py, "WriteFile", || winfile::io::write_file(h, bytes))?;
    Ok((0, n))
}

/// SetFilePointer(handle, offset, moveMethod, /) -> new position
#[pyfunction]
#[pyo3(name = "SetFilePointer", signature = (handle, offset, moveMethod, /))]
#[allow(non_snake_case)]
fn set_file_pointer(py: Python<'_>, handle: HandleArg, offset: &Bound<'_, PyAny>, moveMethod: i64) -> PyResult<i64> {
    let distance: i64 = if let Ok(t) = offset.cast::<PyTuple>() {
        PyErr::warn(
            py,
            &py.get_type::<pyo3::exceptions::PyDeprecationWarning>(),
            c"Support for passing 2 integers to create a 64bit value is deprecated - pass a single integer instead",
            1,
        )?;
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
    super::fast::add(m, "ReadFile", wrap_pyfunction!(read_file, m)?.as_any(), read_file_fast)?;
    super::fast::add(m, "WriteFile", wrap_pyfunction!(write_file, m)?.as_any(), write_file_fast)?;
    m.add_function(wrap_pyfunction!(set_file_pointer, m)?)?;
    m.add_function(wrap_pyfunction!(set_end_of_file, m)?)?;
    m.add_function(wrap_pyfunction!(flush_file_buffers, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_size, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_type, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_read_buffer, m)?)?;
    Ok(())
}

/// The fast entry of `ReadFile` for its common shape, `ReadFile(PyHANDLE, int)` with a
/// size pywin32 takes (0..2^31); every other shape (keywords, an overlapped, a buffer,
/// an int handle, a bad size) goes to the PyO3 entry, so its errors stay as they are.
fn read_file_fast<'py>(py: Python<'py>, args: &[*mut pyo3::ffi::PyObject]) -> Option<PyResult<Bound<'py, PyAny>>> {
    let &[handle, size] = args else { return None };
    let h = super::fast::handle(py, handle)?;
    let len = super::fast::size(size)?;
    Some(read_sized(py, h, len).and_then(|(rc, data)| super::fast::rc_tuple(py, rc, data.into_any())))
}

/// The fast entry of `WriteFile` for its common shape, `WriteFile(PyHANDLE, bytes)`;
/// every other shape goes to the PyO3 entry.
fn write_file_fast<'py>(py: Python<'py>, args: &[*mut pyo3::ffi::PyObject]) -> Option<PyResult<Bound<'py, PyAny>>> {
    let &[handle, data] = args else { return None };
    let h = super::fast::handle(py, handle)?;
    let data = super::fast::exact_bytes(py, &data)?;
    Some(write_bytes(py, h, data).and_then(|n| super::fast::rc_tuple(py, 0, n.into_pyobject(py)?.into_any())))
}
