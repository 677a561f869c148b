//! The process-wide handle table: Windows-looking handle values mapped to typed objects.

mod file;
mod osf;
mod table;

pub use file::{File, FileKind, PathStyle};
pub use osf::{get_osfhandle, open_osfhandle};
pub(crate) use osf::Fd;
pub use table::{close, get, get_any, insert, Handle, Object};
