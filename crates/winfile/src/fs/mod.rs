//! Name-based operations: delete, directories, move, copy, attributes by name, the
//! current directory, and process-wide CRT/API settings.

mod attributes;
mod delete;
mod directory;
mod legacy;
mod rename;
mod settings;

pub use attributes::{get_file_attributes, get_file_attributes_ex, set_file_attributes};
pub use delete::delete_file;
pub use directory::{create_directory, get_full_path_name, remove_directory, set_current_directory};
pub(crate) use legacy::compressed_size;
pub use legacy::{
    decrypt_file, file_encryption_status, get_binary_type, get_compressed_file_size, sfc_get_next_protected_file,
    sfc_is_file_protected, wow64_disable_fs_redirection, wow64_revert_fs_redirection, FILE_SYSTEM_NOT_SUPPORT,
    SCS_32BIT_BINARY, SCS_64BIT_BINARY, SCS_DOS_BINARY, SCS_POSIX_BINARY,
};
pub use rename::{move_file, move_file_with_progress};
pub use settings::{are_file_apis_ansi, get_max_stdio, set_file_apis_to_ansi, set_file_apis_to_oem, set_max_stdio};

use crate::error::{Context, Error, Result, Win32Error};
use std::path::PathBuf;

/// Resolves a caller's name for an operation on the name itself (delete, rename,
/// create, attributes). A DOS device name (`NUL`, `CON`, `COM1`...) names a device, not
/// a file: such operations are refused with ERROR_ACCESS_DENIED and never reach the
/// device node (`/dev/null` must not be deleted or chmod'ed).
pub(crate) fn linux_path(name: &str, api: &'static str) -> Result<PathBuf> {
    crate::txnlog::recover_once();
    let r = crate::path::resolve(name, false).api(api)?;
    if r.device.is_some() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    Ok(r.linux)
}

/// Resolves a caller's name for a query; device names are described as they are.
pub(crate) fn query_path(name: &str, api: &'static str) -> Result<PathBuf> {
    crate::txnlog::recover_once();
    crate::path::resolve(name, false).map(|r| r.linux).api(api)
}
