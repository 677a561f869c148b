//! The value types shared by the path module: the caller's style, DOS devices, and the
//! result of a resolution.

use std::path::PathBuf;

pub use crate::handle::PathStyle;

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
