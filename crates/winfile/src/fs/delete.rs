//! `DeleteFileW`.

use super::linux_path;
use crate::consts::FILE_ATTRIBUTE_READONLY;
use crate::error::{not_found_for, Context, Error, Result, Win32Error};
use rustix::fs::{statat, unlinkat, AtFlags, FileType, CWD};
use rustix::io::Errno;

/// `DeleteFileW`—removes a file name. Directories and READONLY files are refused (5).
///
/// # Linux mechanism
/// unlinkat(2), after an lstat for Windows' refusals.
pub fn delete_file(name: &str) -> Result<()> {
    const API: &str = "DeleteFileW";
    let path = linux_path(name, API)?;
    let st = match statat(CWD, &path, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => st,
        Err(Errno::NOENT | Errno::NOTDIR) => return Err(Error::new(not_found_for(&path), API)),
        Err(e) => return Err(Error::new(e.into(), API)),
    };
    let ftype = FileType::from_raw_mode(st.st_mode);
    if ftype == FileType::Directory {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    if ftype != FileType::Symlink {
        let attrs = crate::info::query_path(&path).api(API)?.attributes;
        if attrs & FILE_ATTRIBUTE_READONLY != 0 {
            return Err(Error::new(Win32Error::ACCESS_DENIED, API));
        }
    }
    unlinkat(CWD, &path, AtFlags::empty()).api(API)
}
