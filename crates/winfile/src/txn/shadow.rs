//! Shadow copies: the private versions a transaction changes instead of the files.
//! A changed file's shadow is a copy (FICLONE where the file system shares extents, else
//! copy_file_range — `copy::copy_file`'s own choice), made on the first write; a moved
//! file's shadow is a second hard link (no copy), turned into a copy if written later.

use crate::error::Win32Error;
use std::path::Path;

/// Copies `src` (data, mode, DOS attributes and creation time) to the new shadow `dst`.
pub(crate) fn copy_of(src: &Path, dst: &Path) -> Result<(), Win32Error> {
    let (Some(s), Some(d)) = (src.to_str(), dst.to_str()) else {
        return Err(Win32Error::NOT_SUPPORTED);
    };
    crate::copy::copy_file(s, d, true).map_err(|e| e.code())
}

/// A second link to `src` as the shadow `dst` (a moved file).
pub(crate) fn link_of(src: &Path, dst: &Path) -> Result<(), Win32Error> {
    std::fs::hard_link(src, dst).map_err(|e| match e.raw_os_error() {
        Some(libc::EXDEV) | Some(libc::EPERM) | Some(libc::EOPNOTSUPP) => Win32Error::NOT_SUPPORTED,
        _ => Win32Error::ACCESS_DENIED,
    })
}

/// Replaces a linked shadow by a private copy of the same content (before a write).
pub(crate) fn unshare(shadow: &Path, fresh: &Path) -> Result<(), Win32Error> {
    copy_of(shadow, fresh)?;
    let _ = std::fs::remove_file(shadow);
    Ok(())
}

/// Makes a shadow's data durable (before the decision record).
pub(crate) fn sync(path: &Path) -> Result<(), Win32Error> {
    match std::fs::File::open(path) {
        Ok(f) => f.sync_all().map_err(|_| Win32Error::WRITE_FAULT),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) => Err(Win32Error::WRITE_FAULT),
    }
}
