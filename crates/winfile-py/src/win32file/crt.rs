//! CRT interop and process settings: _get_osfhandle, _open_osfhandle, _getmaxstdio,
//! _setmaxstdio, AreFileApisANSI, SetFileApisToANSI, SetFileApisToOEM.

use crate::conv::HandleArg;
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

fn os_error(errno: i32) -> PyErr {
    PyOSError::new_err((errno, std::io::Error::from_raw_os_error(errno).to_string()))
}

/// _get_osfhandle(fd, /) -> int (OSError from errno on failure, like the CRT)
#[pyfunction]
#[pyo3(name = "_get_osfhandle", signature = (fd, /))]
fn get_osfhandle(fd: i32) -> PyResult<i64> {
    winfile::handle::get_osfhandle(fd).map(|h| h.raw() as i64).map_err(|e| os_error(e.raw_os_error()))
}

/// _open_osfhandle(osfhandle, flags, /) -> fd
#[pyfunction]
#[pyo3(name = "_open_osfhandle", signature = (osfhandle, flags, /))]
fn open_osfhandle(osfhandle: HandleArg, flags: i32) -> PyResult<i32> {
    winfile::handle::open_osfhandle(osfhandle.0, flags).map_err(|_| os_error(9 /* EBADF */))
}

/// _getmaxstdio() -> int
#[pyfunction]
#[pyo3(name = "_getmaxstdio")]
fn getmaxstdio() -> i32 {
    winfile::fs::get_max_stdio()
}

/// _setmaxstdio(newmax, /) -> the value set, or -1 (never raises)
#[pyfunction]
#[pyo3(name = "_setmaxstdio", signature = (newmax, /))]
fn setmaxstdio(newmax: i32) -> i32 {
    winfile::fs::set_max_stdio(newmax).ok().flatten().unwrap_or(-1)
}

/// AreFileApisANSI() -> 1 or 0
#[pyfunction]
#[pyo3(name = "AreFileApisANSI")]
fn are_file_apis_ansi() -> i32 {
    i32::from(winfile::fs::are_file_apis_ansi())
}

/// SetFileApisToANSI()
#[pyfunction]
#[pyo3(name = "SetFileApisToANSI")]
fn set_file_apis_to_ansi() {
    winfile::fs::set_file_apis_to_ansi();
}

/// SetFileApisToOEM()
#[pyfunction]
#[pyo3(name = "SetFileApisToOEM")]
fn set_file_apis_to_oem() {
    winfile::fs::set_file_apis_to_oem();
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_osfhandle, m)?)?;
    m.add_function(wrap_pyfunction!(open_osfhandle, m)?)?;
    m.add_function(wrap_pyfunction!(getmaxstdio, m)?)?;
    m.add_function(wrap_pyfunction!(setmaxstdio, m)?)?;
    m.add_function(wrap_pyfunction!(are_file_apis_ansi, m)?)?;
    m.add_function(wrap_pyfunction!(set_file_apis_to_ansi, m)?)?;
    m.add_function(wrap_pyfunction!(set_file_apis_to_oem, m)?)?;
    Ok(())
}
