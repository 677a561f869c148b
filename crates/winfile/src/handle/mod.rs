//! The bottom layer of the core: the process-wide handle table (Windows-looking handle
//! values mapped to typed objects), the file object with its per-handle extension slots,
//! and the wait hub under which every object's signal state changes.
//!
//! Nothing here imports the modules above it (`lock`, `sync`, `find`, `notify`,
//! `overlapped`): they attach their per-handle state to a [`File`] as typed extensions
//! and learn of a closing handle through [`Extension::on_close`].

mod ext;
mod file;
pub(crate) mod futex;
pub(crate) mod hub;
mod osf;
mod table;

pub use ext::Extension;
pub(crate) use file::io_bits;
pub use file::{File, FileKind, PathStyle};
pub(crate) use osf::Fd;
pub use osf::{close_stale, get_osfhandle, open_osfhandle};
pub(crate) use table::closes;
pub(crate) use table::get_untied;
pub(crate) use table::FibHasher;
pub use table::{close, duplicate, duplicate_if, get, get_any, insert, is_pseudo, with, Handle, Object};
