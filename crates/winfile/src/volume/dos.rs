//! The drive-table calls with their API names: `GetLogicalDrives`, `QueryDosDevice`,
//! `DefineDosDevice`, and `GetLongPathName` (the path module does the work).

use crate::error::{Context, Result};

/// `GetLogicalDrives`—the defined drives as a bitmask (bit 0 = A:); never fails.
///
/// # Linux mechanism
/// `readdir` of each drive table directory, keeping the `x:` entries; `z:` → `/` by
/// default.
#[doc(alias = "GetLogicalDrives")]
pub fn get_logical_drives() -> u32 {
    crate::path::logical_drives()
}

/// `QueryDosDevice`—see [`crate::path::query_dos_device`].
///
/// # Linux mechanism
/// The runtime definition stacks, `readdir`/`readlink` of the drive tables, and
/// /proc/self/mountinfo for `\Device\HarddiskVolumeN`.
#[doc(alias = "QueryDosDeviceW")]
pub fn query_dos_device(name: Option<&str>) -> Result<String> {
    crate::path::query_dos_device(name).api("QueryDosDevice")
}

/// `DefineDosDevice`—see [`crate::path::define_dos_device`].
///
/// # Linux mechanism
/// Symlinks in the runtime drive table `$XDG_RUNTIME_DIR/winfile/dosdevices` (fallback
/// `${TMPDIR:-/tmp}/winfile-<uid>`, or a private directory when another user holds that
/// name), replaced with rename(2); the definition stack in a side file under flock(2).
#[doc(alias = "DefineDosDeviceW")]
pub fn define_dos_device(flags: u32, name: &str, target: Option<&str>) -> Result<()> {
    crate::path::define_dos_device(flags, name, target).api("DefineDosDevice")
}

/// `GetLongPathName`—see [`crate::path::long_path_name`].
///
/// # Linux mechanism
/// lstat(2) per component; `readdir` of the parent only for a component whose exact
/// spelling is missing.
#[doc(alias = "GetLongPathNameW")]
pub fn get_long_path_name(path: &str) -> Result<String> {
    crate::path::long_path_name(path).api("GetLongPathName")
}

/// `GetShortPathName`—Linux file systems keep no 8.3 names, so every component is its
/// own short name, as on a Windows volume with 8.3 name creation disabled: the answer
/// is [`get_long_path_name`]'s (each existing component spelled as on disk; 2/3 when
/// something is missing).
///
/// # Linux mechanism
/// lstat(2) per component; `readdir` of the parent only for a component whose exact
/// spelling is missing.
#[doc(alias = "GetShortPathNameW")]
pub fn get_short_path_name(path: &str) -> Result<String> {
    crate::path::long_path_name(path).api("GetShortPathNameW")
}
