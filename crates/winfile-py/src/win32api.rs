//! The native half of `win32api`: the subset file-handling programs use.

use crate::conv::Dword;
use pyo3::prelude::*;

/// GetLastError() -> int: the calling thread's last Win32 error.
#[pyfunction]
#[pyo3(name = "GetLastError", signature = ())]
fn get_last_error() -> u32 {
    winfile::error::last_error().0
}

/// SetLastError(errVal, /) -> None
#[pyfunction]
#[pyo3(name = "SetLastError", signature = (errVal, /))]
#[allow(non_snake_case)]
fn set_last_error(errVal: Dword) {
    winfile::error::set_last_error(winfile::Win32Error(errVal.0));
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_last_error, m)?)?;
    m.add_function(wrap_pyfunction!(set_last_error, m)?)?;
    Ok(())
}
