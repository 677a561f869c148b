//! FILETIME ↔ `pywintypes.datetime`, through the pure-Python helpers in `pywintypes`.

use pyo3::prelude::*;
use winfile::info::FileTime;

/// A core time as an aware UTC `pywintypes.datetime` (millisecond precision).
pub fn filetime_to_py<'py>(py: Python<'py>, t: FileTime) -> PyResult<Bound<'py, PyAny>> {
    py.import("pywintypes")?.getattr("_filetime_to_datetime")?.call1((t.0,))
}

/// A `datetime` argument as a core time (naive means local time, as pywin32 does).
pub fn filetime_from_py(obj: &Bound<'_, PyAny>) -> PyResult<FileTime> {
    let py = obj.py();
    let ticks = py.import("pywintypes")?.getattr("_datetime_to_filetime")?.call1((obj,))?;
    Ok(FileTime(ticks.extract::<u64>()?))
}
