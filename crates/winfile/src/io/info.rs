//! Handle-based metadata: `GetFileTime`, `SetFileTime`, `GetFileInformationByHandle`.

use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle};
use crate::info::{self, FileInfo, FileTime};

/// `GetFileInformationByHandle`—attributes, times, volume serial, size, links, index.
///
/// # Linux mechanism
/// statx(2) and the `user.DOSATTRIB` xattr of the open descriptor, fstatfs(2) f_fsid.
pub fn get_file_information_by_handle(h: Handle) -> Result<FileInfo> {
    const API: &str = "GetFileInformationByHandle";
    let file = handle::get::<File>(h).api(API)?;
    info::query_fd(file.fd(), file.path()).api(API)
}

/// `GetFileTime`—creation, last access and last write times. Needs read access.
///
/// # Linux mechanism
/// statx(2) btime/atime/mtime; creation from `user.DOSATTRIB` when one was set.
pub fn get_file_time(h: Handle) -> Result<(FileTime, FileTime, FileTime)> {
    const API: &str = "GetFileTime";
    let file = handle::get::<File>(h).api(API)?;
    if !file.can_read_attributes() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let i = info::query_fd(file.fd(), file.path()).api(API)?;
    Ok((i.creation, i.last_access, i.last_write))
}

/// `SetFileTime`—sets the given times; `None` leaves one unchanged. Needs
/// FILE_WRITE_ATTRIBUTES.
///
/// # Linux mechanism
/// futimens(2) for access/write; creation time into `user.DOSATTRIB` (Linux cannot set btime).
pub fn set_file_time(
    h: Handle,
    creation: Option<FileTime>,
    last_access: Option<FileTime>,
    last_write: Option<FileTime>,
) -> Result<()> {
    const API: &str = "SetFileTime";
    let file = handle::get::<File>(h).api(API)?;
    if !file.can_write_attributes() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    info::set_times(file.fd(), file.path(), creation, last_access, last_write).api(API)
}
