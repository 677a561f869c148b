//! The names of a handle's file: its /proc link and its current name.

use crate::handle::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;

/// `/proc/self/fd/N` for the handle's descriptor.
pub(super) fn proc_path(file: &File) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", file.fd().as_raw_fd()))
}

/// The name the kernel now knows the handle's file by (renames included); the name it
/// was opened with when the file has no name left.
pub(super) fn current_path(file: &File) -> PathBuf {
    match std::fs::read_link(proc_path(file)) {
        Ok(p) if p.is_absolute() && !p.to_string_lossy().ends_with(" (deleted)") => p,
        _ => file.path().to_path_buf(),
    }
}
