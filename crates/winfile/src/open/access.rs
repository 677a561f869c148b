//! Access masks: GENERIC_* mapping to the specific file rights, MAXIMUM_ALLOWED.

use crate::consts::*;

/// Rights that need the file's data open for reading.
pub(crate) const DATA_READ: u32 = FILE_READ_DATA | FILE_EXECUTE;
/// Rights that need the file's data open for writing.
pub(crate) const DATA_WRITE: u32 = FILE_WRITE_DATA | FILE_APPEND_DATA;

/// Maps GENERIC_* bits to the specific file rights (the file object's generic mapping).
pub fn map_generic(access: u32) -> u32 {
    let mut out = access & !(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
    if access & GENERIC_READ != 0 {
        out |= FILE_GENERIC_READ;
    }
    if access & GENERIC_WRITE != 0 {
        out |= FILE_GENERIC_WRITE;
    }
    if access & GENERIC_EXECUTE != 0 {
        out |= FILE_GENERIC_EXECUTE;
    }
    if access & GENERIC_ALL != 0 {
        out |= FILE_ALL_ACCESS;
    }
    out
}

/// The access a handle gets: generic rights mapped; MAXIMUM_ALLOWED grants all file
/// rights (the READONLY check then drops write access, see `create`).
pub(crate) fn granted_access(requested: u32) -> u32 {
    let mapped = map_generic(requested);
    if mapped & MAXIMUM_ALLOWED != 0 {
        (mapped & !MAXIMUM_ALLOWED) | FILE_ALL_ACCESS
    } else {
        mapped
    }
}
