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

/// The Win32 code for a `std::io::Error` from a system call (its errno through
/// [`from_errno`]; EIO when it carries none).
pub fn from_io(e: &std::io::Error) -> Win32Error {
    from_errno(Errno::from_raw_os_error(e.raw_os_error().unwrap_or(libc::EIO)))
}

/// The Winsock code (`WSAGetLastError`) for a Linux errno from a socket call that
/// fails synchronously (WSASend, WSAEventSelect, ConnectEx's checks, ...).
pub fn wsa_from_errno(e: Errno) -> Win32Error {
    match e {
        Errno::AGAIN | Errno::INPROGRESS => Win32Error::WSAEWOULDBLOCK,
        Errno::NOTSOCK | Errno::BADF => Win32Error::WSAENOTSOCK,
        Errno::CONNREFUSED => Win32Error::WSAECONNREFUSED,
        Errno::CONNRESET => Win32Error::WSAECONNRESET,
        Errno::CONNABORTED => Win32Error::WSAECONNABORTED,
        Errno::NOTCONN => Win32Error::WSAENOTCONN,
        Errno::PIPE | Errno::SHUTDOWN => Win32Error::WSAESHUTDOWN,
        Errno::INVAL => Win32Error::WSAEINVAL,
        Errno::ALREADY => Win32Error::WSAEALREADY,
        Errno::ISCONN => Win32Error::WSAEISCONN,
        Errno::ADDRINUSE => Win32Error::WSAEADDRINUSE,
        Errno::ADDRNOTAVAIL => Win32Error::WSAEADDRNOTAVAIL,
        Errno::NETUNREACH => Win32Error::WSAENETUNREACH,
        Errno::HOSTUNREACH => Win32Error::WSAEHOSTUNREACH,
        Errno::NETDOWN => Win32Error::WSAENETDOWN,
        Errno::NETRESET => Win32Error::WSAENETRESET,
        Errno::TIMEDOUT => Win32Error::WSAETIMEDOUT,
        Errno::MSGSIZE => Win32Error::WSAEMSGSIZE,
        Errno::NOBUFS | Errno::NOMEM => Win32Error::WSAENOBUFS,
        Errno::OPNOTSUPP => Win32Error::WSAEOPNOTSUPP,
        Errno::AFNOSUPPORT => Win32Error::WSAEAFNOSUPPORT,
        Errno::PROTOTYPE => Win32Error::WSAEPROTOTYPE,
        Errno::FAULT => Win32Error::WSAEFAULT,
        Errno::INTR => Win32Error::WSAEINTR,
        Errno::ACCESS | Errno::PERM => Win32Error::WSAEACCES,
        Errno::MFILE | Errno::NFILE => Win32Error::WSAEMFILE,
        other => from_errno(other),
    }
}

/// The status an overlapped socket operation completes with (what GetOverlappedResult
/// and GetQueuedCompletionStatus report) for a Linux errno: Windows converts the NTSTATUS,
/// so a reset connection is ERROR_NETNAME_DELETED (64) and a refused one
/// ERROR_CONNECTION_REFUSED (1225), not their WSA codes.
pub fn socket_status_from_errno(e: Errno) -> Win32Error {
    match e {
        Errno::CONNREFUSED => Win32Error::CONNECTION_REFUSED,
        Errno::CONNRESET | Errno::PIPE => Win32Error::NETNAME_DELETED,
        Errno::CONNABORTED => Win32Error::CONNECTION_ABORTED,
        Errno::NETUNREACH => Win32Error::NETWORK_UNREACHABLE,
        Errno::HOSTUNREACH => Win32Error::HOST_UNREACHABLE,
        Errno::TIMEDOUT => Win32Error::SEM_TIMEOUT,
        Errno::CANCELED | Errno::INTR => Win32Error::OPERATION_ABORTED,
        other => wsa_from_errno(other),
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
