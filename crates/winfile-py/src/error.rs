//! The one Python error path: core errors become `pywintypes.error(winerror, funcname,
//! strerror)`, with pywin32's function name.

use pyo3::prelude::*;

/// A core error on its way to Python, carrying the name pywin32 reports.
pub struct PyWinError {
    code: u32,
    func: &'static str,
}

impl PyWinError {
    /// An error with a bare Win32 code.
    pub fn new(code: winfile::Win32Error, func: &'static str) -> Self {
        Self { code: code.0, func }
    }
}

impl From<PyWinError> for PyErr {
    fn from(e: PyWinError) -> PyErr {
        // The call failed on this thread: `win32api.GetLastError()` reports it, as on Windows.
        winfile::error::set_last_error(winfile::Win32Error(e.code));
        let msg = winfile::Win32Error(e.code).message();
        Python::attach(|py| match make_error(py, e.code, e.func, msg) {
            Ok(err) => err,
            Err(import_failed) => import_failed,
        })
    }
}

fn make_error(py: Python<'_>, code: u32, func: &str, msg: &str) -> PyResult<PyErr> {
    let class = py.import("pywintypes")?.getattr("error")?;
    let value = class.call1((code, func, msg))?;
    Ok(PyErr::from_value(value))
}

/// Maps a core `Result` to Python, naming the pywin32 function.
pub trait IntoPy<T> {
    /// Replaces the core's API name with pywin32's `func`.
    fn py_api(self, func: &'static str) -> Result<T, PyWinError>;
}

impl<T> IntoPy<T> for winfile::Result<T> {
    #[inline]
    fn py_api(self, func: &'static str) -> Result<T, PyWinError> {
        self.map_err(|e| PyWinError { code: e.code().0, func })
    }
}
