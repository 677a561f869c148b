//! Access masks: GENERIC_* mapping to the specific file rights.

use crate::consts::{
    FILE_ALL_ACCESS, FILE_GENERIC_EXECUTE, FILE_GENERIC_READ, FILE_GENERIC_WRITE, GENERIC_ALL,
    GENERIC_EXECUTE, GENERIC_READ, GENERIC_WRITE,
};

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
