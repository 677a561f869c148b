//! `winfile._native.resolve_path(name)`: where a name leads, for tests and tools that
//! check the containment rule of docs/path-containment.md (pywin32 has no such call).

use crate::error::PyWinError;
use pyo3::prelude::*;
use std::ffi::OsString;

/// resolve_path(name, /) -> (linux_path: str, is_device): the Linux path `CreateFile(name)`
/// opens (case-insensitive lookup), and whether it is a DOS device; `pywintypes.error`
/// with the code CreateFile gives when the name resolves nowhere.
#[pyfunction]
#[pyo3(signature = (name, /))]
fn resolve_path(name: &str) -> PyResult<(OsString, bool)> {
    let r = winfile::path::resolve(name, false).map_err(|c| PyWinError::new(c, "resolve_path"))?;
    Ok((r.linux.into_os_string(), r.device.is_some()))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(resolve_path, m)?)
}
