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

/// Many FILETIMEs to `pywintypes.datetime` quickly (directory listings): the class and
/// the UTC zone are looked up once, the calendar fields computed here, and the last few
/// values reused (datetimes are immutable; files made together share their times).
/// Values outside years 1601..9999 go through the Python helper.
pub struct TimeMaker {
    cls: Py<PyAny>,
    utc: Py<PyAny>,
    recent: Vec<(u64, Py<PyAny>)>,
    next_slot: usize,
}

/// FILETIME ticks of 10000-01-01 (the first value pywin32 cannot represent).
const TICKS_YEAR_10000: u64 = 2_650_467_744_000_000_000;
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
        if t.0 >= TICKS_YEAR_10000 {
            return filetime_to_py(py, t);
        }
        let (y, mo, d, h, mi, s, msec) = civil(ms);
        let obj = self.cls.bind(py).call1((y, mo, d, h, mi, s, msec * 1000, self.utc.bind(py)))?;
        if self.recent.len() < RECENT {
            self.recent.push((ms, obj.clone().unbind()));
        } else {
            self.recent[self.next_slot] = (ms, obj.clone().unbind());
            self.next_slot = (self.next_slot + 1) % RECENT;
        }
        Ok(obj)
    }
}

/// Milliseconds since 1601-01-01 as (year, month, day, hour, minute, second, ms),
/// proleptic Gregorian (days-to-civil of H. Hinnant's date algorithms).
fn civil(ms: u64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let msec = (ms % 1000) as u32;
    let secs = ms / 1000;
    let (days, sod) = ((secs / 86_400) as i64, secs % 86_400);
    let (h, mi, s) = ((sod / 3600) as u32, ((sod / 60) % 60) as u32, (sod % 60) as u32);
    // Days since 1601-01-01 → days since 0000-03-01 (1601-01-01 is day 584,694).
    let z = days + 584_694;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, h, mi, s, msec)
}
