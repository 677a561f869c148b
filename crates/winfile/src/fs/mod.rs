//! Name-based operations: delete, directories, move, copy, attributes by name, the
//! current directory, and process-wide CRT/API settings.

mod attributes;
mod copy;
mod delete;
mod directory;
mod rename;
mod settings;

pub use attributes::{get_file_attributes, get_file_attributes_ex, set_file_attributes};
pub use copy::copy_file;
pub use delete::delete_file;
pub use directory::{create_directory, get_full_path_name, remove_directory, set_current_directory};
pub use rename::move_file;
pub use settings::{are_file_apis_ansi, get_max_stdio, set_file_apis_to_ansi, set_file_apis_to_oem, set_max_stdio};

use crate::error::{Context, Result};
use std::path::PathBuf;

/// Resolves a caller's name for a namespace operation.
fn linux_path(name: &str, api: &'static str) -> Result<PathBuf> {
    crate::path::resolve(name, false).map(|r| r.linux).api(api)
}
