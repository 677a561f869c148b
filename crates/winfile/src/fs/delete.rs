//! `DeleteFileW`.

use super::linux_path;
use crate::error::{Context, Error, PathContext, Result, Win32Error};
use rustix::fs::{statat, unlinkat, AtFlags, FileType, CWD};

/// `DeleteFileW`—removes a file name. Directories and READONLY files are refused (5).
///
/// # Linux mechanism
/// unlinkat(2), after an lstat for Windows' refusals and a share-token probe (all open
/// handles must share delete: 32 otherwise), held across the unlink.
pub fn delete_file(name: &str) -> Result<()> {
    const API: &str = "DeleteFileW";
    if let Some(split) = crate::stream::name::split(name) {
        let (base, stream) = split.map_err(|code| Error::new(code, API))?;
        if !stream.is_empty() {
            return crate::open::delete_stream(&base, &stream);
        }
        return delete_file(&base);
    }
    let path = linux_path(name, API)?;
    let st = statat(CWD, &path, AtFlags::SYMLINK_NOFOLLOW).path_api(&path, API)?;
    let ftype = FileType::from_raw_mode(st.st_mode);
    if ftype == FileType::Directory {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    if ftype != FileType::Symlink && crate::info::is_readonly_mode(st.st_mode) {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    // Every open handle must share delete; the name goes at once (POSIX semantics, as
    // Windows 10 does) while open handles keep working.
    let _guard = if ftype == FileType::Symlink {
        None
    } else {
        Some(crate::lock::share::check_name_op(&path, false, Win32Error::SHARING_VIOLATION).api(API)?)
    };
    let marked = ftype == FileType::RegularFile && crate::stream::depot::is_marked(&path);
    unlinkat(CWD, &path, AtFlags::empty()).api(API)?;
    crate::stream::depot::remove_for(&path, &st, marked);
    Ok(())
}
