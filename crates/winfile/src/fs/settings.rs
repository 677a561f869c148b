//! Process-wide settings: the ANSI/OEM file-API code page flag and the CRT stream limit.

use crate::error::Result;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static APIS_ANSI: AtomicBool = AtomicBool::new(true);
static MAX_STDIO: AtomicI32 = AtomicI32::new(512);

/// The CRT's bounds for `_setmaxstdio` (Universal CRT: 32..=8192).
const MAX_STDIO_RANGE: std::ops::RangeInclusive<i32> = 32..=8192;

/// `AreFileApisANSI`—whether byte-string paths use the ANSI code page (else OEM).
///
/// # Linux mechanism
/// A process-wide flag; byte paths are passed to Linux unchanged either way.
pub fn are_file_apis_ansi() -> bool {
    APIS_ANSI.load(Ordering::Relaxed)
}

/// `SetFileApisToANSI`—byte-string paths use the ANSI code page.
///
/// # Linux mechanism
/// A process-wide flag.
pub fn set_file_apis_to_ansi() {
    APIS_ANSI.store(true, Ordering::Relaxed);
}

/// `SetFileApisToOEM`—byte-string paths use the OEM code page.
///
/// # Linux mechanism
/// A process-wide flag.
pub fn set_file_apis_to_oem() {
    APIS_ANSI.store(false, Ordering::Relaxed);
}

/// `_getmaxstdio`—the number of simultaneously open CRT streams allowed.
///
/// # Linux mechanism
/// A process-wide value (default 512 as the CRT's), kept within RLIMIT_NOFILE.
pub fn get_max_stdio() -> i32 {
    MAX_STDIO.load(Ordering::Relaxed)
}

/// `_setmaxstdio`—sets that limit; `None` (the CRT's -1) when out of range or when
/// RLIMIT_NOFILE cannot be raised that far.
///
/// # Linux mechanism
/// setrlimit(RLIMIT_NOFILE) raised to at least the new value.
pub fn set_max_stdio(n: i32) -> Result<Option<i32>> {
    if !MAX_STDIO_RANGE.contains(&n) {
        return Ok(None);
    }
    let want = u64::try_from(n).unwrap_or(0);
    let lim = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    if lim.current.is_some_and(|cur| cur < want) {
        if lim.maximum.is_some_and(|max| max < want) {
            return Ok(None);
        }
        let raised = rustix::process::Rlimit { current: Some(want), maximum: lim.maximum };
        if rustix::process::setrlimit(rustix::process::Resource::Nofile, raised).is_err() {
            return Ok(None);
        }
    }
    MAX_STDIO.store(n, Ordering::Relaxed);
    Ok(Some(n))
}
