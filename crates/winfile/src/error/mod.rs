//! The one error type of winfile: a Win32 error code plus the API that failed.
//!
//! Every fallible core function returns [`Result`]. The errno → Win32 table lives in
//! [`errno`], the Windows message texts in [`text`].

mod code;
mod errno;
pub mod format;
mod last;
mod text;

pub use code::Win32Error;
pub use errno::{from_errno, from_io, not_found_for};
pub use errno::{socket_status_from_errno, wsa_from_errno};
pub use last::{last_error, set_last_error};

use std::fmt;

/// A failed Win32 call: the error code `GetLastError` would return and the API's name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error {
    code: Win32Error,
    func: &'static str,
}

/// Result of a winfile call.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error with `code` raised by the Win32 function `func`.
    pub const fn new(code: Win32Error, func: &'static str) -> Self {
        Self { code, func }
    }

    /// The Win32 error code.
    pub const fn code(&self) -> Win32Error {
        self.code
    }

    /// The name of the Win32 function that failed (e.g. `"CreateFileW"`).
    pub const fn func(&self) -> &'static str {
        self.func
    }

    /// The message Windows gives for this code (`FormatMessage`).
    pub fn message(&self) -> &'static str {
        self.code.message()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({}, {:?}, {:?})", self.code.0, self.func, self.message())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {} ({})", self.func, self.message(), self.code.0)
    }
}

impl std::error::Error for Error {}

/// Attaches the failing API's name to a bare [`Win32Error`].
pub trait Context<T> {
    /// Turns `Err(code)` into `Err(Error::new(code, func))`.
    fn api(self, func: &'static str) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, Win32Error> {
    #[inline]
    fn api(self, func: &'static str) -> Result<T> {
        self.map_err(|code| Error::new(code, func))
    }
}

impl<T> Context<T> for std::result::Result<T, rustix::io::Errno> {
    #[inline]
    fn api(self, func: &'static str) -> Result<T> {
        self.map_err(|e| Error::new(from_errno(e), func))
    }
}

/// [`Context`] for a failed call on a path: a missing name maps through
/// [`not_found_for`] (2, 3 or 123, as Windows tells them apart), any other errno
/// through the errno table.
pub trait PathContext<T> {
    /// Turns `Err(errno)` into `Err(Error::new(code, func))`, `code` judged for `path`.
    fn path_api(self, path: &std::path::Path, func: &'static str) -> Result<T>;
}

impl<T> PathContext<T> for std::result::Result<T, rustix::io::Errno> {
    fn path_api(self, path: &std::path::Path, func: &'static str) -> Result<T> {
        self.map_err(|e| Error::new(errno_at(e, path), func))
    }
}

/// The Win32 code for `e` from a call on `path` (see [`PathContext`]).
pub fn errno_at(e: rustix::io::Errno, path: &std::path::Path) -> Win32Error {
    match e {
        rustix::io::Errno::NOENT | rustix::io::Errno::NOTDIR => not_found_for(path),
        e => from_errno(e),
    }
}

impl From<rustix::io::Errno> for Win32Error {
    fn from(e: rustix::io::Errno) -> Self {
        from_errno(e)
    }
}
