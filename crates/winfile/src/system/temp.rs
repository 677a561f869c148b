//! `GetTempPath` and `GetTempFileName`.

use crate::consts::{CREATE_NEW, FILE_ATTRIBUTE_NORMAL, GENERIC_WRITE};
use crate::error::{Error, Result, Win32Error};
use crate::handle;
use crate::open::{create_file, CreateParams};
use crate::path::{self, PathStyle};
use std::sync::atomic::{AtomicU32, Ordering};

/// `MAX_PATH`.
const MAX_PATH: usize = 260;

/// `GetTempPathW`—the directory for temporary files, with a trailing `/`: the first
/// of `TMPDIR`, `TEMP`, `TMP` that is set and not empty (Python's `tempfile` order;
/// Windows reads `TMP`, `TEMP`, `USERPROFILE`), else `/tmp`, made absolute. Like
/// Windows, it does not check that the directory exists.
///
/// # Linux mechanism
/// getenv(3), then the current directory for a relative value.
pub fn get_temp_path() -> Result<String> {
    let dir = ["TMPDIR", "TEMP", "TMP"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|v| path::escape::from_os(&v).into_owned())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "/tmp".to_string());
    let mut full = if dir.starts_with('/') {
        dir
    } else {
        path::full_path_name(&dir).map_err(|c| Error::new(c, "GetTempPathW"))?
    };
    let sep = if path::path_style(&full) == PathStyle::Windows { '\\' } else { '/' };
    if !full.ends_with(sep) {
        full.push(sep);
    }
    Ok(full)
}

/// The last number a generated name used, so that calls in quick succession do not
/// try the same names again.
static LAST: AtomicU32 = AtomicU32::new(0);

/// `GetTempFileNameW`—`<path><sep><first 3 chars of prefix><hex number>.tmp` and the
/// number used. Only the low 16 bits of `unique` count. A non-zero number is used as
/// it is and nothing is created (Windows does not check such a name). Zero picks a
/// number from the tick count and creates the file (CREATE_NEW, then closed), moving to
/// the next number while the name exists; when all 65535 are taken → ERROR_FILE_EXISTS
/// (80). A directory that does not exist → ERROR_DIRECTORY (267), as Windows; a
/// `path` longer than MAX_PATH-14 → ERROR_BUFFER_OVERFLOW (111).
///
/// The name keeps the caller's spelling of `path` (relative stays relative), with `\`
/// added for a Windows-style path and `/` for a Linux one. Hex digits are upper case.
///
/// # Linux mechanism
/// lstat(2) to pass over taken numbers, then `CreateFile(CREATE_NEW)` of the core:
/// openat(2) with O_CREAT|O_EXCL, so two processes never get the same name.
pub fn get_temp_file_name(dir: &str, prefix: &str, unique: u32) -> Result<(String, u32)> {
    const API: &str = "GetTempFileNameW";
    if dir.chars().count() > MAX_PATH - 14 {
        return Err(Error::new(Win32Error::BUFFER_OVERFLOW, API));
    }
    let mut base = dir.to_string();
    let windows = path::path_style(dir) == PathStyle::Windows;
    if windows {
        if !base.ends_with(['\\', '/']) {
            base.push('\\');
        }
    } else if !base.is_empty() && !base.ends_with('/') {
        base.push('/');
    }
    base.extend(prefix.chars().take(3));
    let name = |n: u32| format!("{base}{n:X}.tmp");
    let unique = unique & 0xFFFF;
    if unique != 0 {
        return Ok((name(unique), unique));
    }
    let mut n = super::identity::get_tick_count() & 0xFFFF;
    let last = LAST.load(Ordering::Relaxed);
    if last.wrapping_sub(n) < 10 {
        n = last + 1;
    }
    n &= 0xFFFF;
    if n == 0 {
        n = 1;
    }
    let first = n;
    let params = CreateParams {
        access: GENERIC_WRITE,
        share: 0,
        disposition: CREATE_NEW,
        flags_and_attributes: FILE_ATTRIBUTE_NORMAL,
        inherit: false,
    };
    loop {
        let candidate = name(n);
        if exists_as_spelt(&candidate) {
            n = if n == 0xFFFF { 1 } else { n + 1 };
            if n == first {
                return Err(Error::new(Win32Error::FILE_EXISTS, API));
            }
            continue;
        }
        match create_file(&candidate, &params) {
            Ok(h) => {
                let _ = handle::close(h);
                LAST.store(n, Ordering::Relaxed);
                return Ok((candidate, n));
            }
            Err(e) => match e.code() {
                Win32Error::FILE_EXISTS | Win32Error::ALREADY_EXISTS | Win32Error::SHARING_VIOLATION => {}
                Win32Error::ACCESS_DENIED if is_dir(&candidate) => {}
                Win32Error::FILE_NOT_FOUND | Win32Error::PATH_NOT_FOUND => {
                    return Err(Error::new(Win32Error::DIRECTORY, API))
                }
                code => return Err(Error::new(code, API)),
            },
        }
        n = if n == 0xFFFF { 1 } else { n + 1 };
        if n == first {
            return Err(Error::new(Win32Error::FILE_EXISTS, API));
        }
    }
}

/// Whether `name` exists spelt exactly as given (one lstat: the cheap test for the
/// common case of a taken number; CreateFile still decides, case-insensitively).
fn exists_as_spelt(name: &str) -> bool {
    path::resolve(name, true).is_ok_and(|r| std::fs::symlink_metadata(&r.linux).is_ok())
}

/// Whether `name` is an existing directory (CreateFile answers 5 for one).
fn is_dir(name: &str) -> bool {
    path::resolve(name, false).is_ok_and(|r| r.linux.is_dir())
}
