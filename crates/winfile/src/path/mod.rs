//! Win32 path names: parsing every form, the DOS device (drive letter) table, and
//! resolution to a Linux path (case-insensitive for Windows-style names).
//!
//! - [`path_type`] and [`parse`] split the path forms of `RtlDetermineDosPathNameType_U`
//!   (drive absolute and relative, rooted, relative, UNC, `\\.\`, `\\?\`, `\??\`);
//! - [`DosDevices`] maps drive letters and devices through Wine-style symlink tables;
//! - [`resolve`] gives the Linux path for `CreateFile` and friends;
//! - [`full_path_name`] is `GetFullPathName`, [`long_path_name`] `GetLongPathName`;
//! - [`define_dos_device`] and [`query_dos_device`] edit and read the runtime table.
//!
//! A path is Windows-style if it has a drive prefix or any backslash; otherwise it is a
//! Unix path and passes through untouched (except a bare reserved name such as `NUL`,
//! which is the device).

mod casefold;
mod define;
mod device;
mod dosdev;
pub mod escape;
mod full;
mod long;
mod namespace;
mod normalize;
mod parse;
mod resolve;
pub(crate) mod runtime;
pub mod serial;
mod tablecache;
mod types;

pub use casefold::{eq_ignore_case, fold_char};
pub use define::{
    define_dos_device, query_dos_device, DDD_EXACT_MATCH_ON_REMOVE, DDD_RAW_TARGET_PATH, DDD_REMOVE_DEFINITION,
};
pub use device::dos_device_name;
pub use dosdev::{drive_root, logical_drives, runtime_table_dir, unix_to_windows, user_table_dir, DosDevices};
pub use full::full_path_name;
pub use long::long_path_name;
pub use namespace::{CwdLocation, Namespace};
pub use normalize::normalize_unix;
pub use parse::{
    check_unc_root, is_single_name, parse, path_style, path_type, validate, validate_name, PathType, Root, WinPath,
};
pub use resolve::resolve;
pub use runtime::{private_dir, runtime_base, DirState};
pub use types::{DosDevice, PathStyle, Resolved};

/// Joins `parts` under `base`, each missing component replaced by its
/// case-insensitive match (the lookup `CreateFile` uses).
pub fn casefold_walk(base: &std::path::Path, parts: &[String]) -> std::path::PathBuf {
    casefold::walk(base, parts, false)
}
pub(crate) use runtime::{private_dir as runtime_private_dir, DirState as RuntimeDirState};
