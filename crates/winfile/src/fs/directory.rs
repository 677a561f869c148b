//! Directories: `CreateDirectory(Ex)W`, `RemoveDirectoryW`, `SetCurrentDirectoryW`,
//! `GetFullPathNameW`.

use super::linux_path;
use crate::consts::*;
use crate::error::{errno_at, Context, Error, PathContext, Result, Win32Error};
use crate::info;
use rustix::fs::{mkdirat, statat, unlinkat, AtFlags, FileType, Mode, CWD};
use rustix::io::Errno;

/// `CreateDirectoryW` / `CreateDirectoryExW`—creates a directory; with a template, the
/// new directory takes the template's attributes.
///
/// # Linux mechanism
/// mkdirat(2) with mode 0777 & ~umask; template attributes copied via `user.DOSATTRIB`.
pub fn create_directory(name: &str, template: Option<&str>) -> Result<()> {
    let api = if template.is_some() { "CreateDirectoryExW" } else { "CreateDirectoryW" };
    let template_attrs = match template {
        Some(t) => {
            let tpath = linux_path(t, api)?;
            let attrs = info::query_path(&tpath).api(api)?.attributes;
            if attrs & FILE_ATTRIBUTE_DIRECTORY == 0 {
                return Err(Error::new(Win32Error::DIRECTORY, api));
            }
            Some(attrs)
        }
        None => None,
    };
    let path = linux_path(name, api)?;
    match mkdirat(CWD, &path, Mode::from_bits_truncate(0o777)) {
        Ok(()) => {}
        Err(Errno::EXIST) => return Err(Error::new(Win32Error::ALREADY_EXISTS, api)),
        Err(Errno::NOENT | Errno::NOTDIR) => return Err(Error::new(Win32Error::PATH_NOT_FOUND, api)),
        Err(e) => return Err(Error::new(e.into(), api)),
    }
    if let Some(attrs) = template_attrs {
        let settable = attrs
            & (FILE_ATTRIBUTE_READONLY
                | FILE_ATTRIBUTE_HIDDEN
                | FILE_ATTRIBUTE_SYSTEM
                | FILE_ATTRIBUTE_ARCHIVE
                | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED);
        info::set_attributes(&path, if settable == 0 { FILE_ATTRIBUTE_NORMAL } else { settable }).api(api)?;
    }
    Ok(())
}

/// `RemoveDirectoryW`—removes an empty directory (145 if not empty, 267 if not a
/// directory, 5 if READONLY). A symbolic link to a directory is removed itself.
///
/// # Linux mechanism
/// unlinkat(2) with AT_REMOVEDIR, under a share-token probe (open handles must share
/// delete: 32 otherwise).
pub fn remove_directory(name: &str) -> Result<()> {
    const API: &str = "RemoveDirectory";
    let path = linux_path(name, API)?;
    let st = statat(CWD, &path, AtFlags::SYMLINK_NOFOLLOW).path_api(&path, API)?;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => {}
        FileType::Symlink
            if statat(CWD, &path, AtFlags::empty())
                .is_ok_and(|t| FileType::from_raw_mode(t.st_mode) == FileType::Directory) =>
        {
            return unlinkat(CWD, &path, AtFlags::empty()).api(API);
        }
        _ => return Err(Error::new(Win32Error::DIRECTORY, API)),
    }
    if info::is_readonly_mode(st.st_mode) {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let _guard = crate::lock::share::check_name_op(&path, true, Win32Error::SHARING_VIOLATION).api(API)?;
    match unlinkat(CWD, &path, AtFlags::REMOVEDIR) {
        Ok(()) => Ok(()),
        Err(Errno::NOTEMPTY | Errno::EXIST) => Err(Error::new(Win32Error::DIR_NOT_EMPTY, API)),
        Err(Errno::BUSY) => Err(Error::new(Win32Error::SHARING_VIOLATION, API)),
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

/// `SetCurrentDirectoryW`—changes the process's current directory.
///
/// # Linux mechanism
/// chdir(2) to the resolved directory.
pub fn set_current_directory(name: &str) -> Result<()> {
    const API: &str = "SetCurrentDirectoryW";
    let path = linux_path(name, API)?;
    match rustix::process::chdir(&path) {
        Ok(()) => Ok(()),
        Err(Errno::NOTDIR) if statat(CWD, &path, AtFlags::empty()).is_ok() => {
            Err(Error::new(Win32Error::DIRECTORY, API))
        }
        Err(e) => Err(Error::new(errno_at(e, &path), API)),
    }
}

/// `GetFullPathNameW`—the absolute form of a name, in the caller's style (string only).
///
/// # Linux mechanism
/// Pure string normalisation against getcwd(2) and the drive table.
pub fn get_full_path_name(name: &str) -> Result<String> {
    crate::path::full_path_name(name).api("GetFullPathNameW")
}
