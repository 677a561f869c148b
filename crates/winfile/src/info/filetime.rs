//! `FILETIME`: 100-nanosecond ticks since 1601-01-01 UTC, and its conversion to and
//! from the Unix `(seconds, nanoseconds)` pairs that statx and utimensat use.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds from 1601-01-01 (the `FILETIME` epoch) to 1970-01-01 (the Unix epoch).
pub const EPOCH_DIFFERENCE_SECS: i64 = 11_644_473_600;

/// `FILETIME` ticks per second (one tick is 100 ns).
pub const TICKS_PER_SEC: u64 = 10_000_000;

const NANOS_PER_TICK: u32 = 100;

/// A Win32 `FILETIME`: 100-nanosecond intervals since 1601-01-01 UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default, Hash)]
pub struct FileTime(pub u64);

impl FileTime {
    /// The `FILETIME` of a Unix time (`tv_sec`, `tv_nsec`), truncated to 100 ns.
    ///
    /// Times before 1601 saturate to 0 and times past the `u64` range to `u64::MAX`.
    /// A `nsec` of a second or more is carried into the seconds.
    pub fn from_unix(secs: i64, nsec: u32) -> FileTime {
        let total = (i128::from(secs) + i128::from(EPOCH_DIFFERENCE_SECS)) * i128::from(TICKS_PER_SEC)
            + i128::from(nsec / NANOS_PER_TICK);
        if total <= 0 {
            FileTime(0)
        } else {
            FileTime(u64::try_from(total).unwrap_or(u64::MAX))
        }
    }

    /// The Unix time (`tv_sec`, `tv_nsec`) of this `FILETIME`; `tv_nsec` is a multiple
    /// of 100 and below 1e9. Times before 1970 give negative seconds.
    pub fn to_unix(self) -> (i64, u32) {
        let whole = self.0 / TICKS_PER_SEC;
        let ticks = self.0 % TICKS_PER_SEC;
        // `whole` is below 2^64 / 1e7 < 2^41, so the cast to i64 is lossless.
        let secs = i64::try_from(whole).unwrap_or(i64::MAX) - EPOCH_DIFFERENCE_SECS;
        // `ticks` < 1e7, so the nanoseconds fit a u32.
        let nsec = u32::try_from(ticks).unwrap_or(0) * NANOS_PER_TICK;
        (secs, nsec)
    }

    /// The current time, from the system clock.
    pub fn now() -> FileTime {
        FileTime::from(SystemTime::now())
    }

    /// True for the values `SetFileTime` treats as "leave unchanged": 0, and
    /// `0xFFFFFFFF_FFFFFFFF` (which on Windows also suspends automatic updates for the
    /// handle; Linux has no such switch, so it only leaves the time as it is).
    pub fn is_unchanged_marker(self) -> bool {
        self.0 == 0 || self.0 == u64::MAX
    }
}

impl From<SystemTime> for FileTime {
    fn from(t: SystemTime) -> FileTime {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => FileTime::from_unix(i64::try_from(d.as_secs()).unwrap_or(i64::MAX), d.subsec_nanos()),
            Err(before) => {
                let d = before.duration();
                let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                let nsec = d.subsec_nanos();
                if nsec == 0 {
                    FileTime::from_unix(secs.saturating_neg(), 0)
                } else {
                    FileTime::from_unix(secs.saturating_neg().saturating_sub(1), 1_000_000_000 - nsec)
                }
            }
        }
    }
}

/// The calendar fields (a SYSTEMTIME) of a FILETIME (UTC), as `FileTimeToSystemTime` gives them
/// (proleptic Gregorian, millisecond precision).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Calendar {
    /// 1601 to 30828.
    pub year: u32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
    /// 0 to 59.
    pub second: u32,
    /// 0 to 999.
    pub milliseconds: u32,
}

impl FileTime {
    /// `FileTimeToSystemTime`: the calendar fields; `None` for the values Windows
    /// rejects (ERROR_INVALID_PARAMETER: the top bit set).
    pub fn to_system_time(self) -> Option<Calendar> {
        if self.0 >= 1 << 63 {
            return None;
        }
        let ms = self.0 / 10_000;
        let milliseconds = (ms % 1000) as u32;
        let secs = ms / 1000;
        let (days, sod) = ((secs / 86_400) as i64, secs % 86_400);
        // Days since 1601-01-01 → a civil date (days-to-civil of H. Hinnant's public
        // date algorithms, counting from 0000-03-01; 1601-01-01 is day 584,694).
        let z = days + 584_694;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u32;
        Some(Calendar {
            year,
            month,
            day,
            hour: (sod / 3600) as u32,
            minute: ((sod / 60) % 60) as u32,
            second: (sod % 60) as u32,
            milliseconds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_epoch_is_the_known_constant() {
        assert_eq!(FileTime::from_unix(0, 0), FileTime(116_444_736_000_000_000));
        assert_eq!(FileTime(116_444_736_000_000_000).to_unix(), (0, 0));
    }

    #[test]
    fn round_trip_keeps_100ns() {
        for &(s, n) in &[(1_700_000_000_i64, 123_456_700_u32), (-1, 999_999_900), (86_400, 100), (0, 0)] {
            assert_eq!(FileTime::from_unix(s, n).to_unix(), (s, n));
        }
        // Sub-100 ns digits are truncated.
        assert_eq!(FileTime::from_unix(5, 123_456_789).to_unix(), (5, 123_456_700));
    }

    #[test]
    fn before_1601_saturates_to_zero() {
        assert_eq!(FileTime::from_unix(-EPOCH_DIFFERENCE_SECS, 0), FileTime(0));
        assert_eq!(FileTime::from_unix(-EPOCH_DIFFERENCE_SECS - 1, 999_999_999), FileTime(0));
        assert_eq!(FileTime::from_unix(i64::MIN, 0), FileTime(0));
        assert_eq!(FileTime::from_unix(-EPOCH_DIFFERENCE_SECS, 100), FileTime(1));
    }

    #[test]
    fn extremes_do_not_panic() {
        assert_eq!(FileTime::from_unix(i64::MAX, u32::MAX), FileTime(u64::MAX));
        let (s, n) = FileTime(u64::MAX).to_unix();
        assert!(s > 0 && n < 1_000_000_000);
        assert_eq!(FileTime(0).to_unix(), (-EPOCH_DIFFERENCE_SECS, 0));
    }

    #[test]
    fn from_system_time() {
        let t = UNIX_EPOCH + std::time::Duration::new(10, 500);
        assert_eq!(FileTime::from(t).to_unix(), (10, 500));
        let before = UNIX_EPOCH - std::time::Duration::new(1, 250_000_000);
        assert_eq!(FileTime::from(before).to_unix(), (-2, 750_000_000));
        assert!(FileTime::now() > FileTime::from_unix(1_600_000_000, 0));
    }

    #[test]
    fn system_time_fields() {
        let st = |y, mo, d, h, mi, s, ms| Calendar {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            milliseconds: ms,
        };
        assert_eq!(FileTime(0).to_system_time(), Some(st(1601, 1, 1, 0, 0, 0, 0)));
        // 2000-02-29 12:34:56.789 UTC (a leap day of a century leap year).
        let t = FileTime::from_unix(951_827_696, 789_000_000);
        assert_eq!(t.to_system_time(), Some(st(2000, 2, 29, 12, 34, 56, 789)));
        assert_eq!(FileTime::from_unix(0, 0).to_system_time(), Some(st(1970, 1, 1, 0, 0, 0, 0)));
        assert_eq!(FileTime((1 << 63) - 1).to_system_time().map(|s| s.year), Some(30828));
        assert_eq!(FileTime(1 << 63).to_system_time(), None);
    }

    #[test]
    fn unchanged_markers() {
        assert!(FileTime(0).is_unchanged_marker());
        assert!(FileTime(u64::MAX).is_unchanged_marker());
        assert!(!FileTime(1).is_unchanged_marker());
    }
}
