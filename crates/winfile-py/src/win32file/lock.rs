//! LockFile, UnlockFile, LockFileEx, UnlockFileEx.

use crate::conv::{Dword, HandleArg};
use crate::error::{IntoPy, PyWinError};
use crate::interrupt::blocking;
use crate::pywintypes::PyOverlapped;
use pyo3::prelude::*;
use winfile::Win32Error;

fn qword(low: Dword, high: Dword) -> u64 {
    (u64::from(high.0) << 32) | u64::from(low.0)
}

/// The range start from an OVERLAPPED; pywin32 passes NULL for None and the API fails.
fn ol_offset(ol: Option<Bound<'_, PyOverlapped>>, func: &'static str) -> PyResult<u64> {
    match ol {
        Some(ol) => Ok(ol.borrow().offset64()),
        None => Err(PyWinError::new(Win32Error::INVALID_PARAMETER, func).into()),
    }
}

/// LockFile(hFile, offsetLow, offsetHigh, nNumberOfBytesToLockLow, nNumberOfBytesToLockHigh, /)
#[pyfunction]
#[pyo3(name = "LockFile", signature = (hFile, offsetLow, offsetHigh, nNumberOfBytesToLockLow, nNumberOfBytesToLockHigh, /))]
#[allow(non_snake_case)]
fn lock_file(
    hFile: HandleArg,
    offsetLow: Dword,
    offsetHigh: Dword,
    nNumberOfBytesToLockLow: Dword,
    nNumberOfBytesToLockHigh: Dword,
) -> PyResult<()> {
    let (off, len) = (qword(offsetLow, offsetHigh), qword(nNumberOfBytesToLockLow, nNumberOfBytesToLockHigh));
    Ok(winfile::lock::lock_file(hFile.0, off, len).py_api("LockFile")?)
}

/// UnlockFile(hFile, offsetLow, offsetHigh, nNumberOfBytesToUnlockLow, nNumberOfBytesToUnlockHigh, /)
#[pyfunction]
#[pyo3(name = "UnlockFile", signature = (hFile, offsetLow, offsetHigh, nNumberOfBytesToUnlockLow, nNumberOfBytesToUnlockHigh, /))]
#[allow(non_snake_case)]
fn unlock_file(
    hFile: HandleArg,
    offsetLow: Dword,
    offsetHigh: Dword,
    nNumberOfBytesToUnlockLow: Dword,
    nNumberOfBytesToUnlockHigh: Dword,
) -> PyResult<()> {
    let (off, len) = (qword(offsetLow, offsetHigh), qword(nNumberOfBytesToUnlockLow, nNumberOfBytesToUnlockHigh));
    Ok(winfile::lock::unlock_file(hFile.0, off, len).py_api("UnlockFile")?)
}

/// LockFileEx(hFile, dwFlags, nbytesLow, nbytesHigh, ol, /): waits without the GIL; a
/// signal (Ctrl-C) runs the Python handlers and a raised exception ends the wait.
#[pyfunction]
#[pyo3(name = "LockFileEx", signature = (hFile, dwFlags, nbytesLow, nbytesHigh, ol, /))]
#[allow(non_snake_case)]
fn lock_file_ex(
    py: Python<'_>,
    hFile: HandleArg,
    dwFlags: Dword,
    nbytesLow: Dword,
    nbytesHigh: Dword,
    ol: Option<Bound<'_, PyOverlapped>>,
) -> PyResult<()> {
    let len = qword(nbytesLow, nbytesHigh);
    // pywin32 passes NULL for None and the API fails.
    let Some(ol) = ol else { return Err(PyWinError::new(Win32Error::INVALID_PARAMETER, "LockFileEx").into()) };
    let submit = super::overlapped::submit_of(&ol);
    let off = ol.borrow().offset64();
    let issued = blocking(py, "LockFileEx", || winfile::overlapped::lock_file(hFile.0, dwFlags.0, off, len, submit))?;
    match issued {
        winfile::overlapped::Issued::Completed(_) => Ok(()),
        // A contended lock on an overlapped handle is waited for in the background;
        // pywin32 reports the pending call as error 997 (ERROR_IO_PENDING).
        winfile::overlapped::Issued::Pending => Err(PyWinError::new(Win32Error::IO_PENDING, "LockFileEx").into()),
    }
}

/// UnlockFileEx(hFile, nbytesLow, nbytesHigh, ol, /)
#[pyfunction]
#[pyo3(name = "UnlockFileEx", signature = (hFile, nbytesLow, nbytesHigh, ol, /))]
#[allow(non_snake_case)]
fn unlock_file_ex(
    hFile: HandleArg,
    nbytesLow: Dword,
    nbytesHigh: Dword,
    ol: Option<Bound<'_, PyOverlapped>>,
) -> PyResult<()> {
    let off = ol_offset(ol, "UnlockFileEx")?;
    Ok(winfile::lock::unlock_file_ex(hFile.0, off, qword(nbytesLow, nbytesHigh)).py_api("UnlockFileEx")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(lock_file, m)?)?;
    m.add_function(wrap_pyfunction!(unlock_file, m)?)?;
    m.add_function(wrap_pyfunction!(lock_file_ex, m)?)?;
    m.add_function(wrap_pyfunction!(unlock_file_ex, m)?)?;
    Ok(())
}
