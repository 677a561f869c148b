//! Attributes by name: `GetFileAttributes(Ex)W`, `SetFileAttributesW`.

use super::{linux_path, query_path};
use crate::error::{Context, Result};
use crate::info::{self, FileInfo};

/// `GetFileAttributesW`—the FILE_ATTRIBUTE_* bits of a file or directory.
///
/// # Linux mechanism
/// statx(2) without following a final symlink, plus `user.DOSATTRIB`.
pub fn get_file_attributes(name: &str) -> Result<u32> {
    const API: &str = "GetFileAttributesW";
    let path = query_path(name, API)?;
    info::query_path(&path).map(|i| i.attributes).api(API)
}

/// `GetFileAttributesExW` (GetFileExInfoStandard)—attributes, times and size.
///
/// # Linux mechanism
/// statx(2) without following a final symlink, plus `user.DOSATTRIB`.
pub fn get_file_attributes_ex(name: &str) -> Result<FileInfo> {
    const API: &str = "GetFileAttributesExW";
    let path = query_path(name, API)?;
    info::query_path(&path).api(API)
}

/// `SetFileAttributesW`—sets READONLY, HIDDEN, SYSTEM, ARCHIVE, TEMPORARY, OFFLINE,
/// NOT_CONTENT_INDEXED; NORMAL alone clears them.
///
/// # Linux mechanism
/// `user.DOSATTRIB` v5 (as Samba stores it); READONLY also clears the mode's write bits.
pub fn set_file_attributes(name: &str, attributes: u32) -> Result<()> {
    const API: &str = "SetFileAttributesW";
    let path = linux_path(name, API)?;
    info::set_attributes(&path, attributes).api(API)
}
