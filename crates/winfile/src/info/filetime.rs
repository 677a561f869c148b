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
        let total = (i128::from(secs) + i128::from(EPOCH_DIFFERENCE_SECS))
            * i128::from(TICKS_PER_SEC)
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
            Ok(d) => FileTime::from_unix(
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_nanos(),
            ),
            Err(before) => {
                let d = before.duration();
                let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                let nsec = d.subsec_nanos();
                if nsec == 0 {
                    FileTime::from_unix(secs.saturating_neg(), 0)
                } else {
                    FileTime::from_unix(
                        secs.saturating_neg().saturating_sub(1),
                        1_000_000_000 - nsec,
                    )
                }
            }
        }
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
        for &(s, n) in &[
            (1_700_000_000_i64, 123_456_700_u32),
            (-1, 999_999_900),
            (86_400, 100),
            (0, 0),
        ] {
            assert_eq!(FileTime::from_unix(s, n).to_unix(), (s, n));
        }
        // Sub-100 ns digits are truncated.
        assert_eq!(
            FileTime::from_unix(5, 123_456_789).to_unix(),
            (5, 123_456_700)
        );
    }

    #[test]
    fn before_1601_saturates_to_zero() {
        assert_eq!(FileTime::from_unix(-EPOCH_DIFFERENCE_SECS, 0), FileTime(0));
        assert_eq!(
            FileTime::from_unix(-EPOCH_DIFFERENCE_SECS - 1, 999_999_999),
            FileTime(0)
        );
        assert_eq!(FileTime::from_unix(i64::MIN, 0), FileTime(0));
        assert_eq!(
            FileTime::from_unix(-EPOCH_DIFFERENCE_SECS, 100),
            FileTime(1)
        );
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
    fn unchanged_markers() {
        assert!(FileTime(0).is_unchanged_marker());
        assert!(FileTime(u64::MAX).is_unchanged_marker());
        assert!(!FileTime(1).is_unchanged_marker());
    }
}
