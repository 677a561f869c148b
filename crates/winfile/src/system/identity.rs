//! Who and where the process is, and the clock: `GetComputerName`, `GetUserName`,
//! `GetCurrentProcessId`, `GetCurrentThreadId`, `GetTickCount`, `Sleep`.
#![allow(unsafe_code)]

use crate::error::{Error, Result, Win32Error};
use std::ffi::CStr;
use std::time::{Duration, Instant};

/// `MAX_COMPUTERNAME_LENGTH`: NetBIOS names have at most 15 characters.
const MAX_COMPUTERNAME_LENGTH: usize = 15;

/// The host name (gethostname(2)).
fn host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into `buf`.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// `GetComputerNameW`—the NetBIOS name Windows reports: the host name up to its first
/// dot, in upper case, at most 15 characters (how Samba derives its NetBIOS name).
///
/// # Linux mechanism
/// gethostname(2).
pub fn get_computer_name() -> Result<String> {
    let host = host_name().ok_or(Error::new(Win32Error::NOT_FOUND, "GetComputerNameW"))?;
    let first = host.split('.').next().unwrap_or("");
    Ok(first.to_uppercase().chars().take(MAX_COMPUTERNAME_LENGTH).collect())
}

/// `GetUserNameW`—the login name of the effective user; the numeric uid when the user
/// has no passwd entry (containers running as an arbitrary uid).
///
/// # Linux mechanism
/// getpwuid_r(3) for geteuid(2).
pub fn get_user_name() -> Result<String> {
    let uid = rustix::process::geteuid().as_raw();
    let mut buf = vec![0u8; 4096];
    loop {
        // SAFETY: `pwd` and `result` are plain out-parameters; `buf` is a scratch buffer
        // of `buf.len()` bytes that getpwuid_r fills and `pwd`'s strings point into.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc == 0 && !result.is_null() && !pwd.pw_name.is_null() {
            // SAFETY: on success pw_name is a NUL-terminated string inside `buf`.
            let name = unsafe { CStr::from_ptr(pwd.pw_name) };
            return Ok(
                crate::path::escape::from_os(std::os::unix::ffi::OsStrExt::from_bytes(name.to_bytes())).into_owned()
            );
        }
        return Ok(uid.to_string());
    }
}

/// `GetCurrentProcessId`—the process ID.
///
/// # Linux mechanism
/// getpid(2).
pub fn get_current_process_id() -> u32 {
    rustix::process::getpid().as_raw_nonzero().get() as u32
}

/// `GetCurrentThreadId`—the calling thread's ID (unique in the system while it runs,
/// as on Windows).
///
/// # Linux mechanism
/// gettid(2).
pub fn get_current_thread_id() -> u32 {
    // SAFETY: SYS_gettid takes no arguments and cannot fail.
    unsafe { libc::syscall(libc::SYS_gettid) as u32 }
}

/// `GetTickCount`—milliseconds since the system started, wrapping every 49.7 days as
/// Windows' DWORD does. Time spent suspended counts, as on Windows.
///
/// # Linux mechanism
/// clock_gettime(2) `CLOCK_BOOTTIME`.
pub fn get_tick_count() -> u32 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into `ts`; CLOCK_BOOTTIME exists since Linux 2.6.39.
    unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    let ms = (ts.tv_sec as u64).wrapping_mul(1000).wrapping_add(ts.tv_nsec as u64 / 1_000_000);
    ms as u32
}

/// `Sleep` / `SleepEx`—waits `ms` milliseconds (`INFINITE` = 0xFFFFFFFF: for ever).
/// Returns 0: winfile queues no APCs, so an alertable sleep is never cut short by one
/// (WAIT_IO_COMPLETION never happens). The wait polls the interrupt check
/// (`crate::interrupt`), so Ctrl-C can end it: then ERROR_OPERATION_ABORTED (995) and
/// the runtime raises its own exception; a handled signal lets the sleep go on.
///
/// # Linux mechanism
/// nanosleep(2) in slices of at most `interrupt::SLICE` (100 ms).
pub fn sleep(ms: u32) -> Result<u32> {
    let end = (ms != u32::MAX).then(|| Instant::now() + Duration::from_millis(u64::from(ms)));
    if ms == 0 {
        std::thread::yield_now();
        return Ok(0);
    }
    loop {
        let now = Instant::now();
        if end.is_some_and(|e| now >= e) {
            return Ok(0);
        }
        let wake = crate::interrupt::next_check(end);
        std::thread::sleep(wake.saturating_duration_since(now));
        if crate::interrupt::requested() {
            return Err(Error::new(Win32Error::OPERATION_ABORTED, "Sleep"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids() {
        let name = get_computer_name().unwrap();
        assert!(!name.is_empty() && name.len() <= 15 && !name.contains('.'));
        assert_eq!(name, name.to_uppercase());
        assert!(!get_user_name().unwrap().is_empty());
        assert_eq!(get_current_process_id(), std::process::id());
        let main = get_current_thread_id();
        let other = std::thread::spawn(get_current_thread_id).join().unwrap();
        assert_ne!(main, other);
    }

    #[test]
    fn sleep_waits_at_least() {
        let t = Instant::now();
        assert_eq!(sleep(30).unwrap(), 0);
        assert!(t.elapsed() >= Duration::from_millis(30));
        assert_eq!(sleep(0).unwrap(), 0);
    }
}
