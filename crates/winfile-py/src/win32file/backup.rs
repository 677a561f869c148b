//! BackupRead, BackupSeek, BackupWrite (pywin32's signatures: the context is an int,
//! 0 on the first call, then the value the previous call returned).

use crate::conv::{c_int, pointer_sized, Flag, HandleArg};
use crate::error::IntoPy;
use crate::interrupt::blocking;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

fn context(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    pointer_sized(obj).ok_or_else(|| PyTypeError::new_err("Unable to convert object to a pointer-sized value"))
}

/// A DWORD passed through pywin32's `l` format.
fn dword_l(obj: &Bound<'_, PyAny>) -> PyResult<usize> {
    Ok(c_int(obj)? as u32 as usize)
}

/// BackupRead(hFile, NumberOfBytesToRead, Buffer, bAbort, bProcessSecurity, lpContext, /)
/// -> (bytes_read, buffer, context)
#[pyfunction]
#[pyo3(name = "BackupRead", signature = (hFile, NumberOfBytesToRead, Buffer, bAbort, bProcessSecurity, lpContext, /))]
#[allow(non_snake_case)]
fn backup_read<'py>(
    py: Python<'py>,
    hFile: HandleArg,
    NumberOfBytesToRead: &Bound<'py, PyAny>,
    Buffer: &Bound<'py, PyAny>,
    bAbort: Flag,
    bProcessSecurity: Flag,
    lpContext: &Bound<'py, PyAny>,
) -> PyResult<(usize, Bound<'py, PyAny>, u64)> {
    let n = dword_l(NumberOfBytesToRead)?;
    let ctx = context(lpContext)?;
    let buffer = if Buffer.is_none() {
        // A bad handle or context fails before n bytes are allocated.
        if !bAbort.0 {
            winfile::backup::check_backup_read(hFile.0, ctx).py_api("BackupRead")?;
        }
        // pywin32 makes a new writable buffer (a memoryview over a bytearray) of n bytes.
        let ba = py.import("builtins")?.getattr("bytearray")?.call1((n,))?;
        py.import("builtins")?.getattr("memoryview")?.call1((ba,))?
    } else {
        Buffer.clone()
    };
    let mut target = crate::lent::exported_mut(&buffer, "The object must support the writable buffer interface")?;
    let len = target.as_slice().len();
    if len < n {
        return Err(PyValueError::new_err(format!("Buffer size ({len}) less than requested read size ({n})")));
    }
    let buf = &mut target.as_mut_slice()[..n];
    let (h, abort, sec) = (hFile.0, bAbort.0, bProcessSecurity.0);
    let (read, ctx) = blocking(py, "BackupRead", || winfile::backup::backup_read(h, buf, abort, sec, ctx))?;
    drop(target);
    Ok((read, buffer, ctx))
}

/// BackupSeek(hFile, NumberOfBytesToSeek, lpContext, /) -> bytes moved
#[pyfunction]
#[pyo3(name = "BackupSeek", signature = (hFile, NumberOfBytesToSeek, lpContext, /))]
#[allow(non_snake_case)]
fn backup_seek(
    py: Python<'_>,
    hFile: HandleArg,
    NumberOfBytesToSeek: &Bound<'_, PyAny>,
    lpContext: &Bound<'_, PyAny>,
) -> PyResult<u64> {
    // A ULARGE_INTEGER: an int, or the (high, low) pair older pywin32 took.
    let n = if let Ok(t) = NumberOfBytesToSeek.cast::<PyTuple>() {
        let (hi, lo): (u32, u32) = t.extract()?;
        (u64::from(hi) << 32) | u64::from(lo)
    } else {
        NumberOfBytesToSeek.extract::<u64>()?
    };
    let ctx = context(lpContext)?;
    let h = hFile.0;
    blocking(py, "BackupSeek", || winfile::backup::backup_seek(h, n, ctx))
}

/// BackupWrite(hFile, NumberOfBytesToWrite, Buffer, bAbort, bProcessSecurity, lpContext, /)
/// -> (bytes_written, context)
#[pyfunction]
#[pyo3(name = "BackupWrite", signature = (hFile, NumberOfBytesToWrite, Buffer, bAbort, bProcessSecurity, lpContext, /))]
#[allow(non_snake_case)]
fn backup_write(
    py: Python<'_>,
    hFile: HandleArg,
    NumberOfBytesToWrite: &Bound<'_, PyAny>,
    Buffer: &Bound<'_, PyAny>,
    bAbort: Flag,
    bProcessSecurity: Flag,
    lpContext: &Bound<'_, PyAny>,
) -> PyResult<(usize, u64)> {
    let n = dword_l(NumberOfBytesToWrite)?;
    let ctx = context(lpContext)?;
    let source = crate::lent::exported(Buffer)?;
    let len = source.as_slice().len();
    if len < n {
        return Err(PyValueError::new_err(format!("Buffer size ({len}) less than requested write size ({n})")));
    }
    let data = &source.as_slice()[..n];
    let (h, abort, sec) = (hFile.0, bAbort.0, bProcessSecurity.0);
    blocking(py, "BackupWrite", || winfile::backup::backup_write(h, data, abort, sec, ctx))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(backup_read, m)?)?;
    m.add_function(wrap_pyfunction!(backup_seek, m)?)?;
    m.add_function(wrap_pyfunction!(backup_write, m)?)?;
    Ok(())
}
