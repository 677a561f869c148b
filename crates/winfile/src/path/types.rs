//! The value types shared by the path module: the caller's style, DOS devices, and the
//! result of a resolution.

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
