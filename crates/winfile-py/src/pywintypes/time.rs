//! FILETIME ↔ `pywintypes.datetime`: one conversion each way. FILETIME → datetime
//! takes the calendar fields from the core (`FileTime::to_system_time`), for the
//! bindings and for `pywintypes`' own `_filetime_to_datetime`; datetime → FILETIME is
//! `pywintypes._datetime_to_filetime` (local time rules live with Python's datetime).

use crate::error::PyWinError;
use pyo3::prelude::*;
use winfile::info::FileTime;

/// A core time as an aware UTC `pywintypes.datetime` (millisecond precision).
pub fn filetime_to_py<'py>(py: Python<'py>, t: FileTime) -> PyResult<Bound<'py, PyAny>> {
    TimeMaker::new(py)?.make(py, t)
}

/// `_filetime_to_datetime(ticks, /)`: the native half of `pywintypes`' helper.
#[pyfunction]
#[pyo3(name = "_filetime_to_datetime")]
pub fn filetime_to_datetime(py: Python<'_>, ticks: u64) -> PyResult<Bound<'_, PyAny>> {
    filetime_to_py(py, FileTime(ticks))
}

/// A `datetime` argument as a core time (naive means local time, as pywin32 does).
pub fn filetime_from_py(obj: &Bound<'_, PyAny>) -> PyResult<FileTime> {
    let py = obj.py();
    let ticks = py.import("pywintypes")?.getattr("_datetime_to_filetime")?.call1((obj,))?;
    Ok(FileTime(ticks.extract::<u64>()?))
}

/// Many FILETIMEs to `pywintypes.datetime` quickly (directory listings): the class and
/// the UTC zone are looked up once, the calendar fields computed here, and the last few
/// values reused (datetimes are immutable; files made together share their times).
/// Values past year 9999 (which Python cannot represent) give `datetime.max`, as
/// pywin32 does; values FileTimeToSystemTime rejects raise its error 87.
pub struct TimeMaker {
    cls: Py<PyAny>,
    utc: Py<PyAny>,
    recent: Vec<(u64, Py<PyAny>)>,
    next_slot: usize,
}

const TICKS_PER_MS: u64 = 10_000;
const RECENT: usize = 4;

impl TimeMaker {
    /// Looks up the pywintypes time class and UTC zone.
    pub fn new(py: Python<'_>) -> PyResult<Self> {
        let m = py.import("pywintypes")?;
        Ok(Self {
            cls: m.getattr("datetime")?.unbind(),
            utc: m.getattr("_utc")?.call0()?.unbind(),
            recent: Vec::with_capacity(RECENT),
            next_slot: 0,
        })
    }

    /// `t` as an aware UTC `pywintypes.datetime` (millisecond precision), the same
    /// value [`filetime_to_py`] gives.
    pub fn make<'py>(&mut self, py: Python<'py>, t: FileTime) -> PyResult<Bound<'py, PyAny>> {
        let ms = t.0 / TICKS_PER_MS;
        if let Some((_, obj)) = self.recent.iter().find(|(k, _)| *k == ms) {
            return Ok(obj.bind(py).clone());
        }
        let Some(st) = t.to_system_time() else {
            return Err(PyWinError::new(winfile::Win32Error::INVALID_PARAMETER, "FileTimeToSystemTime").into());
        };
        if st.year > 9999 {
            return py.import("datetime")?.getattr("datetime")?.getattr("max");
        }
        let fields = (st.year, st.month, st.day, st.hour, st.minute, st.second, st.milliseconds * 1000);
        let obj = self.cls.bind(py).call1((
            fields.0,
            fields.1,
            fields.2,
            fields.3,
            fields.4,
            fields.5,
            fields.6,
            self.utc.bind(py),
        ))?;
        if self.recent.len() < RECENT {
            self.recent.push((ms, obj.clone().unbind()));
        } else {
            self.recent[self.next_slot] = (ms, obj.clone().unbind());
            self.next_slot = (self.next_slot + 1) % RECENT;
        }
        Ok(obj)
    }
}
