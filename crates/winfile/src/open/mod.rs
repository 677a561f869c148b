//! `CreateFile`: dispositions, access rights, flags and attributes on open.

mod access;
mod create;

pub use access::map_generic;
pub use create::{create_file, CreateParams};
