//! LockFile, UnlockFile, LockFileEx, UnlockFileEx.

use crate::conv::{Dword, HandleArg};
use crate::error::{IntoPy, PyWinError};
use crate::pywintypes::PyOverlapped;
use pyo3::prelude::*;
use std::sync::Mutex;
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
    let h = hFile.0;
    let len = qword(nbytesLow, nbytesHigh);
    if let Some(o) = ol.as_ref().filter(|_| winfile::overlapped::is_overlapped_handle(h)) {
        // Overlapped handle: a contended lock is waited for in the background, and
        // pywin32 reports the pending call as error 997 (ERROR_IO_PENDING).
        let submit = super::overlapped::submit_of(o);
        let off = o.borrow().offset64();
        return match winfile::overlapped::submit_lock(h, dwFlags.0, off, len, submit).py_api("LockFileEx")? {
            false => Ok(()),
            true => Err(PyWinError::new(winfile::Win32Error::IO_PENDING, "LockFileEx").into()),
        };
    }
    let off = ol_offset(ol, "LockFileEx")?;
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let interrupted = || match Python::attach(|py| py.check_signals()) {
        Ok(()) => false,
        Err(e) => {
            *raised.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
            true
        }
    };
    let r = py.detach(|| winfile::lock::lock_file_ex(h, dwFlags.0, off, len, &interrupted));
    if let Some(e) = raised.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        return Err(e);
    }
    Ok(r.py_api("LockFileEx")?)
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
