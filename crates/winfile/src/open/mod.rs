//! `CreateFile`: dispositions, access rights, flags and attributes on open.

mod access;
mod create;
mod stream;
mod template;

pub use access::map_generic;
pub(crate) use access::{granted_access, DATA_READ, DATA_WRITE};
pub use create::{create_file, create_file_noting, CreateParams};
pub use stream::{delete_stream, open_stream};
pub use template::{create_file_with_template, create_file_with_template_noting};
