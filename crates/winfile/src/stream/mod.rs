//! Alternate data streams, as Samba stores them: `user.DosStream.<name>:$DATA` xattrs
//! whose value is the stream's bytes plus one trailing byte (`vfs_streams_xattr`).

pub mod depot;
mod list;
pub mod name;
pub mod store;

pub use list::{find_streams, find_streams_by_name, list_fd, Stream};
