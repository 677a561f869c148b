//! errno → Win32 error code: the one table. Context-dependent cases are named functions.

use super::Win32Error;
use rustix::io::Errno;
use std::path::Path;

/// The Win32 code for a Linux errno, as Wine's `errno_to_status` and Samba map them.
pub fn from_errno(e: Errno) -> Win32Error {
    match e {
        Errno::NOENT => Win32Error::FILE_NOT_FOUND,
        Errno::NOTDIR => Win32Error::PATH_NOT_FOUND,
        Errno::ACCESS | Errno::PERM | Errno::ROFS | Errno::ISDIR | Errno::TXTBSY => Win32Error::ACCESS_DENIED,
        Errno::BADF => Win32Error::INVALID_HANDLE,
        Errno::NOMEM => Win32Error::NOT_ENOUGH_MEMORY,
        Errno::EXIST => Win32Error::ALREADY_EXISTS,
        Errno::NOTEMPTY => Win32Error::DIR_NOT_EMPTY,
        Errno::XDEV => Win32Error::NOT_SAME_DEVICE,
        Errno::MFILE | Errno::NFILE => Win32Error::TOO_MANY_OPEN_FILES,
        Errno::NOSPC => Win32Error::DISK_FULL,
        Errno::DQUOT => Win32Error::DISK_QUOTA_EXCEEDED,
        Errno::FBIG => Win32Error::FILE_TOO_LARGE,
        Errno::NAMETOOLONG => Win32Error::FILENAME_EXCED_RANGE,
        Errno::LOOP => Win32Error::CANT_RESOLVE_FILENAME,
        Errno::INVAL => Win32Error::INVALID_PARAMETER,
        Errno::BUSY => Win32Error::BUSY,
        Errno::AGAIN => Win32Error::LOCK_VIOLATION,
        Errno::IO => Win32Error::GEN_FAILURE,
        Errno::PIPE => Win32Error::BROKEN_PIPE,
        Errno::NOSYS => Win32Error::CALL_NOT_IMPLEMENTED,
        Errno::OPNOTSUPP | Errno::NOTTY | Errno::NODEV | Errno::NXIO => Win32Error::NOT_SUPPORTED,
        Errno::INTR | Errno::CANCELED => Win32Error::OPERATION_ABORTED,
        Errno::TIMEDOUT => Win32Error::SEM_TIMEOUT,
        Errno::CONNREFUSED => Win32Error::CONNECTION_REFUSED,
        Errno::FAULT => Win32Error::NOACCESS,
        _ => Win32Error::GEN_FAILURE,
    }
}

/// Windows tells a missing file (2) from a missing directory on the way (3): this picks
/// the code for a lookup of `path` that failed with ENOENT or ENOTDIR. A name written
/// with a trailing separator after an existing non-directory (`file.txt\`) is an
/// invalid name on Windows (STATUS_OBJECT_NAME_INVALID → 123), not a missing one.
pub fn not_found_for(path: &Path) -> Win32Error {
    if names_file_as_directory(path) {
        return Win32Error::INVALID_NAME;
    }
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => match rustix::fs::stat(parent) {
            Ok(st) if rustix::fs::FileType::from_raw_mode(st.st_mode).is_dir() => Win32Error::FILE_NOT_FOUND,
            _ => Win32Error::PATH_NOT_FOUND,
        },
        _ => Win32Error::FILE_NOT_FOUND,
    }
}

/// True when `path` ends with `/` and what it names without the slash exists and is
/// not a directory (symbolic links followed).
fn names_file_as_directory(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let trimmed = bytes.len() - bytes.iter().rev().take_while(|&&b| b == b'/').count();
    if trimmed == bytes.len() || trimmed == 0 {
        return false;
    }
    let name = Path::new(std::ffi::OsStr::from_bytes(&bytes[..trimmed]));
    rustix::fs::stat(name).is_ok_and(|st| !rustix::fs::FileType::from_raw_mode(st.st_mode).is_dir())
}
