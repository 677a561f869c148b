//! CreateFile of a named stream (`file:stream`, `file:stream:$DATA`).
//!
//! A stream handle is a handle on the stream's own file in Samba's vfs_streams_depot
//! layout (see [`crate::stream::depot`]), so ReadFile, WriteFile, SetFilePointer,
//! SetEndOfFile, GetFileSize, FlushFileBuffers, overlapped I/O, share modes and
//! byte-range locks are those of a plain file, per stream as on Windows. A stream kept
//! in Samba's vfs_streams_xattr layout (`user.DosStream.<name>:$DATA`) is moved to the
//! depot when opened, and folded back into the xattr when its last handle (in any
//! process) closes and it fits the file system's xattr budget (and
//! `WINFILE_STREAMS_LAYOUT` is not `depot`); otherwise it stays in the depot. Either
//! way it is listed (FindStreams, BackupRead) and never truncated.

use super::create::{create_file, CreateParams};
use crate::consts::{CREATE_ALWAYS, CREATE_NEW, OPEN_ALWAYS};
use crate::error::{Context, Error, PathContext, Result, Win32Error};
use crate::handle::{self, Extension, File, Handle};
use crate::stream::depot;
use rustix::fs::{statat, AtFlags, CWD};
use rustix::io::Errno;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const API: &str = "CreateFile";
const STREAM_PREFIX: &str = "user.DosStream.";
/// The byte a stream handle read-locks on its depot file: whoever can upgrade it to a
/// write lock at close holds the last handle.
const LAST_HANDLE_BYTE: u64 = (1 << 63) - 256;

fn xattr_of(name: &str) -> String {
    format!("{STREAM_PREFIX}{name}:$DATA")
}

/// The spelling an existing stream of the file already has (names are
/// case-insensitive), else `name`.
fn existing_spelling(base: &Path, st: &rustix::fs::Stat, name: &str) -> String {
    let mut buf = vec![0u8; 64 * 1024];
    let n = rustix::fs::listxattr(base, &mut buf).unwrap_or(0);
    let list = &buf[..n];
    let marked = list.split(|b| *b == 0).any(|x| x == depot::MARKER.as_bytes());
    let xattr_names = list
        .split(|b| *b == 0)
        .filter_map(|x| std::str::from_utf8(x).ok())
        .filter_map(|x| x.strip_prefix(STREAM_PREFIX))
        .map(|x| x.strip_suffix(":$DATA").unwrap_or(x).to_string());
    let depot_names = depot::list(base, st, marked).into_iter().map(|(n, _, _)| n);
    xattr_names
        .chain(depot_names)
        .find(|n| n == name)
        .or_else(|| {
            let mut again = buf[..n].split(|b| *b == 0).filter_map(|x| std::str::from_utf8(x).ok());
            again
                .find_map(|x| {
                    let s = x.strip_prefix(STREAM_PREFIX)?;
                    let s = s.strip_suffix(":$DATA").unwrap_or(s);
                    crate::path::eq_ignore_case(s, name).then(|| s.to_string())
                })
                .or_else(|| {
                    depot::list(base, st, marked)
                        .into_iter()
                        .map(|(n, _, _)| n)
                        .find(|s| crate::path::eq_ignore_case(s, name))
                })
        })
        .unwrap_or_else(|| name.to_string())
}

/// Moves stream `name` from its xattr into the depot (when it is there), returning the
/// stream's depot file.
fn promote(base: &Path, st: &rustix::fs::Stat, name: &str, create: bool) -> Result<PathBuf> {
    let dir = depot::stream_dir(base, st);
    let dest = depot::stream_file(&dir, name);
    let xattr = xattr_of(name);
    let mut buf = vec![0u8; 64 * 1024];
    let inline = match rustix::fs::getxattr(base, xattr.as_str(), &mut buf) {
        Ok(n) => Some(n),
        Err(Errno::NODATA) => None,
        Err(e) => return Err(Error::new(e.into(), API)),
    };
    if inline.is_some() || create {
        let fd =
            rustix::fs::open(base, rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC, rustix::fs::Mode::empty())
                .api(API)?;
        depot::prepare(base, st, rustix::fd::AsFd::as_fd(&fd))
            .map_err(|e| Error::new(crate::error::from_io(&e), API))?;
    }
    if let Some(n) = inline {
        if std::fs::symlink_metadata(&dest).is_err() {
            let tmp = dir.join(format!(".{}-promote.tmp", std::process::id()));
            std::fs::write(&tmp, &buf[..n.saturating_sub(1)])
                .map_err(|e| Error::new(crate::error::from_io(&e), API))?;
            std::fs::rename(&tmp, &dest).map_err(|e| Error::new(crate::error::from_io(&e), API))?;
        }
        match rustix::fs::removexattr(base, xattr.as_str()) {
            Ok(()) | Err(Errno::NODATA) => {}
            Err(e) => return Err(Error::new(e.into(), API)),
        }
    }
    Ok(dest)
}

/// Folds a stream back into its xattr when the closing handle was its last.
///
/// `marker` is the handle's own read-write descriptor of the depot file, holding the
/// read lock on [`LAST_HANDLE_BYTE`]: a handle's own descriptor may be read-only
/// (F_WRLCK needs write access) or write-only (F_RDLCK needs read access), and then
/// could neither say it is open nor ever fold the stream back. None when the depot
/// file cannot be opened for reading and writing: the stream then stays in the depot.
struct Fold {
    base: PathBuf,
    name: String,
    depot_file: PathBuf,
    marker: Option<std::os::fd::OwnedFd>,
}

impl Extension for Fold {
    fn on_close(&self, _file: &File) {
        self.fold();
    }
    fn on_drop(&self, _file: &File) {
        self.fold();
    }
}

impl Fold {
    fn fold(&self) {
        use crate::lock::{ofd_set, OfdKind};
        if depot::depot_only() {
            return; // WINFILE_STREAMS_LAYOUT=depot: every stream stays in the depot
        }
        let Some(fd) = self.marker.as_ref().map(std::os::fd::AsFd::as_fd) else { return };
        if ofd_set(fd, OfdKind::Write, LAST_HANDLE_BYTE, 1).is_err() {
            return; // another handle (of any process) still has the stream open
        }
        let Ok(st) = rustix::fs::fstat(fd) else { return };
        if st.st_nlink == 0 || st.st_size as usize >= 64 * 1024 {
            return;
        }
        let mut value = vec![0u8; st.st_size as usize];
        match rustix::io::pread(fd, &mut value, 0) {
            Ok(n) if n == value.len() => {}
            _ => return,
        }
        value.push(0);
        let flags = rustix::fs::XattrFlags::empty();
        if rustix::fs::setxattr(&self.base, xattr_of(&self.name).as_str(), &value, flags).is_ok()
            && std::fs::remove_file(&self.depot_file).is_err()
        {
            let _ = rustix::fs::removexattr(&self.base, xattr_of(&self.name).as_str());
        }
        // Not within the budget: the stream stays in the depot, whole.
    }
}

/// `CreateFile` of stream `stream` of the file `base` (a caller's name).
///
/// # Linux mechanism
/// The stream's vfs_streams_depot file opened as a file (promoted there from its
/// `user.DosStream.*` xattr first); an OFD read lock on one reserved byte says the
/// stream is open, and the last handle folds a small stream back into its xattr.
pub fn open_stream(base: &str, stream: &str, params: &CreateParams) -> Result<Handle> {
    let creates = matches!(params.disposition, CREATE_NEW | CREATE_ALWAYS | OPEN_ALWAYS);
    let mut linux = crate::path::resolve(base, false).api(API)?.linux;
    let st = match statat(CWD, &linux, AtFlags::empty()) {
        Ok(st) => st,
        Err(Errno::NOENT) if creates => {
            // Windows creates the file to hold a stream created by name.
            let base_params = CreateParams { disposition: OPEN_ALWAYS, flags_and_attributes: 0, share: 7, ..*params };
            let h = create_file(base, &base_params)?;
            if let Ok(f) = handle::get::<File>(h) {
                linux = f.path().to_path_buf();
            }
            let _ = handle::close(h);
            statat(CWD, &linux, AtFlags::empty()).api(API)?
        }
        Err(Errno::NOENT) => return Err(Error::new(Win32Error::FILE_NOT_FOUND, API)),
        Err(e) => return Err(Error::new(e.into(), API)),
    };
    if crate::info::is_readonly_mode(st.st_mode)
        && params.access
            & (crate::consts::GENERIC_WRITE | crate::consts::FILE_WRITE_DATA | crate::consts::FILE_APPEND_DATA)
            != 0
    {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let name = existing_spelling(&linux, &st, stream);
    let depot_file = promote(&linux, &st, &name, creates)?;
    let unix = depot_file.to_str().ok_or_else(|| Error::new(Win32Error::INVALID_NAME, API))?;
    let stream_params = CreateParams {
        flags_and_attributes: params.flags_and_attributes & !crate::consts::FILE_FLAG_BACKUP_SEMANTICS,
        ..*params
    };
    let h = match create_file(unix, &stream_params) {
        Err(e) if e.code() == Win32Error::PATH_NOT_FOUND => return Err(Error::new(Win32Error::FILE_NOT_FOUND, API)),
        r => r?,
    };
    let file = handle::get::<File>(h).api(API)?;
    let marker = rustix::fs::open(
        &depot_file,
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::CLOEXEC | rustix::fs::OFlags::NOCTTY,
        rustix::fs::Mode::empty(),
    )
    .ok()
    .filter(|fd| {
        match crate::lock::ofd_set(std::os::fd::AsFd::as_fd(fd), crate::lock::OfdKind::Read, LAST_HANDLE_BYTE, 1) {
            Ok(()) => true,
            Err(e) => {
                log::debug!("stream open marker not taken: {e:?}");
                false
            }
        }
    });
    let fold = Fold { base: linux, name, depot_file, marker };
    file.ext_or_insert_with(move || fold);
    let _: Arc<File> = file;
    Ok(h)
}

/// `DeleteFile` of `base:stream`: removes the stream from whichever layout holds it.
///
/// # Linux mechanism
/// removexattr(2) of `user.DosStream.<name>:$DATA`, unlink(2) of the depot file
/// (after the share-mode check of handles open on it).
pub fn delete_stream(base: &str, stream: &str) -> Result<()> {
    const API: &str = "DeleteFileW";
    let linux = crate::path::resolve(base, false).api(API)?.linux;
    let st = statat(CWD, &linux, AtFlags::empty()).path_api(&linux, API)?;
    let name = existing_spelling(&linux, &st, stream);
    let mut found = false;
    match rustix::fs::removexattr(&linux, xattr_of(&name).as_str()) {
        Ok(()) => found = true,
        Err(Errno::NODATA) => {}
        Err(e) => return Err(Error::new(e.into(), API)),
    }
    let dest = depot::stream_file(&depot::stream_dir(&linux, &st), &name);
    if std::fs::symlink_metadata(&dest).is_ok() {
        let _guard = crate::lock::share::check_name_op(&dest, false, Win32Error::SHARING_VIOLATION).api(API)?;
        std::fs::remove_file(&dest).map_err(|e| Error::new(crate::error::from_io(&e), API))?;
        found = true;
    }
    if !found {
        return Err(Error::new(Win32Error::FILE_NOT_FOUND, API));
    }
    Ok(())
}
