//! `FindFirstFileNameW` / `FindNextFileNameW` (pywin32's `FindFileNames`): every name of
//! a file on its volume.

use crate::error::{Context, Error, PathContext, Result, Win32Error};
use crate::path::{self, DosDevices, PathStyle};
use rustix::fs::{statat, AtFlags, FileType, Stat, CWD};
use rustix::io::Errno;
use std::os::unix::fs::{DirEntryExt, MetadataExt};
use std::path::{Path, PathBuf};

/// `FindFirstFileNameW` + `FindNextFileNameW`—the names of the file `name`, as Windows
/// lists them: paths from the volume root without the drive letter (`\dir\name`); for
/// a caller's Linux path, absolute Linux paths. The name given comes first.
///
/// Linux cannot list an inode's names: a file with one link answers at once from its
/// own name; with more, the directory tree of its mount (or of its drive, when the
/// drive's root lies inside that mount) is walked, without crossing into other mounts,
/// until all `st_nlink` names are found. That walk costs one readdir per directory of
/// that tree: it is meant for occasional calls, not for loops over many files. Names in
/// directories the caller cannot read are not found.
///
/// # Linux mechanism
/// stat(2); with st_nlink > 1, a readdir walk of the mount matching (st_dev, d_ino).
pub fn find_file_names(name: &str) -> Result<Vec<String>> {
    const API: &str = "FindFirstFileNameW";
    let r = path::resolve(name, false).api(API)?;
    if r.device.is_some() {
        return Err(Error::new(Win32Error::INVALID_FUNCTION, API));
    }
    let st = statat(CWD, &r.linux, AtFlags::empty()).path_api(&r.linux, API)?;
    let own = canonical(&r.linux).api(API)?;
    let table = DosDevices::from_env();
    let drive = if r.style == PathStyle::Windows { table.locate(&own) } else { None };
    let present = |p: &Path| -> Option<String> {
        match &drive {
            Some((_, root)) => {
                let rest = p.strip_prefix(root).ok()?;
                let parts: Option<Vec<&str>> = rest.iter().map(|c| c.to_str()).collect();
                Some(format!("\\{}", parts?.join("\\")))
            }
            None => p.to_str().map(str::to_owned),
        }
    };
    let mut names = vec![present(&own).ok_or(Error::new(Win32Error::INVALID_NAME, API))?];
    let is_dir = FileType::from_raw_mode(st.st_mode) == FileType::Directory;
    if st.st_nlink <= 1 || is_dir {
        return Ok(names);
    }
    let mut root = mount_root(&own, &st);
    if let Some((_, droot)) = &drive {
        if droot.starts_with(&root) {
            root = droot.clone();
        }
    }
    let mut others: Vec<String> =
        walk(&root, &st).into_iter().filter(|p| *p != own).filter_map(|p| present(&p)).collect();
    others.sort();
    names.extend(others);
    Ok(names)
}

/// The path with every directory resolved; the final component kept (a hard link to a
/// symbolic link is its own name).
fn canonical(p: &Path) -> std::result::Result<PathBuf, Win32Error> {
    let full = std::fs::canonicalize(p).map_err(|e| match e.raw_os_error() {
        Some(n) => Errno::from_raw_os_error(n).into(),
        None => Win32Error::FILE_NOT_FOUND,
    })?;
    Ok(full)
}

/// The top directory of the mount holding `file` (the last ancestor on its device).
fn mount_root(file: &Path, st: &Stat) -> PathBuf {
    let mut root = file.parent().unwrap_or(Path::new("/")).to_path_buf();
    while let Some(up) = root.parent() {
        match std::fs::metadata(up) {
            Ok(m) if m.dev() == st.st_dev => root = up.to_path_buf(),
            _ => break,
        }
    }
    root
}

/// Every path under `root` (same device) naming the inode of `st`, stopping once all
/// its links are found.
fn walk(root: &Path, st: &Stat) -> Vec<PathBuf> {
    let want = usize::try_from(st.st_nlink).unwrap_or(usize::MAX);
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(ft) = entry.file_type() else { continue };
            let path = entry.path();
            if ft.is_dir() {
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.dev() == st.st_dev) {
                    stack.push(path);
                }
            } else if entry.ino() == st.st_ino
                && std::fs::symlink_metadata(&path).is_ok_and(|m| m.dev() == st.st_dev && m.ino() == st.st_ino)
            {
                found.push(path);
                if found.len() >= want {
                    return found;
                }
            }
        }
    }
    found
}
