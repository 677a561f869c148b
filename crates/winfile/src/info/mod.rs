//! File attributes, times and identity: `GetFileAttributes(Ex)`, `SetFileAttributes`,
//! `GetFileTime`/`SetFileTime`, `GetFileInformationByHandle`.
//!
//! DOS attributes and the creation time are kept as Samba keeps them, in the
//! `user.DOSATTRIB` xattr; READONLY is also reflected in the mode's write bits.
//!
//! | Win32 | Linux mechanism |
//! |---|---|
//! | [`query_fd`] / [`query_path`] | statx (+ btime), `user.DOSATTRIB`, statfs f_fsid |
//! | [`set_attributes`] | chmod (READONLY), setxattr `user.DOSATTRIB` v5 |
//! | [`set_times`] | futimens; creation time in `user.DOSATTRIB` |
//! | [`init_new_file`] / [`mark_archive`] | fsetxattr `user.DOSATTRIB`, fchmod |
//!
//! Callers in the open and I/O code: [`init_new_file`] right after CreateFile
//! creates or overwrites a file; [`mark_archive`] after the first successful write,
//! truncation or size change through a handle.

mod attributes;
pub mod dosattrib;
mod filetime;
mod node;
mod query;
mod times;

pub use attributes::{
    init_new_file, is_readonly_mode, mark_archive, set_attributes, set_sparse, SETTABLE_ATTRIBUTES, STORED_ATTRIBUTES,
};
pub use filetime::{Calendar, FileTime, EPOCH_DIFFERENCE_SECS, TICKS_PER_SEC};
pub(crate) use query::query_at_mode;
pub use query::{query_at, query_fd, query_path, volume_serial, FileInfo};
pub use times::set_times;

/// The reparse tag of a file with these attributes (`dwReserved0` of WIN32_FIND_DATA,
/// FileAttributeTagInfo): IO_REPARSE_TAG_SYMLINK for a reparse point, else 0.
pub fn reparse_tag(attributes: u32) -> u32 {
    if attributes & crate::consts::FILE_ATTRIBUTE_REPARSE_POINT != 0 {
        crate::consts::IO_REPARSE_TAG_SYMLINK
    } else {
        0
    }
}
