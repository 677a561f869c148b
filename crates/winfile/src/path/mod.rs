//! Win32 path names: parsing every form, the DOS device (drive letter) table, and
//! resolution to a Linux path (case-insensitive for Windows-style names).
//!
//! INTERFACE (owned by the path work; bodies to be written).

use crate::error::Win32Error;
use std::path::PathBuf;

/// Which convention a caller's path follows; paths returned to the caller use the same.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PathStyle {
    /// A Unix path (`/tmp/x`, `x/y`): passed through untouched, matched exactly.
    Unix,
    /// A Windows path (`C:\x`, `\\?\C:\x`, `x\y`): mapped through the drive table,
    /// matched case-insensitively when the exact name does not exist.
    Windows,
}

/// A reserved DOS device name (`NUL`, `CON`, ...), valid in any directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DosDevice {
    /// `NUL` → /dev/null.
    Nul,
    /// `CON` → the controlling terminal.
    Con,
    /// `CONIN$` → standard input's terminal.
    ConIn,
    /// `CONOUT$` → standard output's terminal.
    ConOut,
    /// Anything else in the device namespace (`COM1`, `\\.\PhysicalDrive0`...), by name.
    Other(String),
}

/// A caller's path resolved for the kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The Linux path to hand to the kernel.
    pub linux: PathBuf,
    /// The style the caller used.
    pub style: PathStyle,
    /// Set when the name is a DOS device rather than a file.
    pub device: Option<DosDevice>,
}

/// Resolves a caller's path. `exact` (FILE_FLAG_POSIX_SEMANTICS, or Unix style) turns
/// off case-insensitive matching.
pub fn resolve(path: &str, exact: bool) -> Result<Resolved, Win32Error> {
    let _ = (path, exact);
    todo!("path::resolve")
}

/// `GetFullPathName`—the absolute, normalised form of `path` in the caller's style.
pub fn full_path_name(path: &str) -> Result<String, Win32Error> {
    let _ = path;
    todo!("path::full_path_name")
}
