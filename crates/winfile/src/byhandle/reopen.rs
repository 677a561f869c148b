//! `ReOpenFile` and `OpenFileById`: new handles to a file already found, with their own
//! access, share mode and flags, checked against every open handle as CreateFile does.

use super::fhandle;
use super::names::current_path;
use crate::consts::{DELETE, FILE_ATTRIBUTE_READONLY, FILE_FLAG_DELETE_ON_CLOSE, FILE_WRITE_DATA};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Fd, File, FileKind, Handle, PathStyle};
use crate::lock::share::{Refused, Token};
use crate::open::{granted_access, DATA_READ, DATA_WRITE};
use rustix::fs::{FileType, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::path::PathBuf;
use std::sync::Arc;

/// Opens the file behind `fd` again as a new open file description with `access`,
/// `share` and `flags`, takes its share token and returns the new handle.
fn open_again(
    fd: BorrowedFd<'_>,
    path: PathBuf,
    style: PathStyle,
    access: u32,
    share: u32,
    flags: u32,
    api: &'static str,
) -> Result<Handle> {
    let mut access = granted_access(access);
    if flags & FILE_FLAG_DELETE_ON_CLOSE != 0 {
        access |= DELETE;
    }
    let st = rustix::fs::fstat(fd).api(api)?;
    let ftype = FileType::from_raw_mode(st.st_mode);
    let is_dir = ftype == FileType::Directory;
    let readonly = crate::info::query_fd(fd, &path).api(api)?.attributes & FILE_ATTRIBUTE_READONLY != 0;
    if readonly && !is_dir && (access & DATA_WRITE != 0 || flags & FILE_FLAG_DELETE_ON_CLOSE != 0) {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    let read = access & DATA_READ != 0;
    let write = access & FILE_WRITE_DATA != 0;
    let append_only = access & DATA_WRITE != 0 && !write;
    let mut o = match (read, write || append_only) {
        _ if is_dir => OFlags::RDONLY | OFlags::DIRECTORY,
        (_, false) => OFlags::RDONLY,
        (false, true) => OFlags::WRONLY,
        (true, true) => OFlags::RDWR,
    };
    if append_only && !is_dir {
        o |= OFlags::APPEND;
    }
    o |= OFlags::CLOEXEC | OFlags::NOCTTY;
    let proc = format!("/proc/self/fd/{}", fd.as_raw_fd());
    let (new, readable) = match rustix::fs::openat(CWD, proc.as_str(), o, Mode::empty()) {
        Ok(new) => (new, !o.contains(OFlags::WRONLY)),
        Err(Errno::ACCESS) if access & (DATA_READ | DATA_WRITE) == 0 => {
            let new = rustix::fs::openat(CWD, proc.as_str(), OFlags::PATH | OFlags::CLOEXEC, Mode::empty()).api(api)?;
            (new, false)
        }
        Err(e) => return Err(Error::new(e.into(), api)),
    };
    let doc = flags & FILE_FLAG_DELETE_ON_CLOSE != 0;
    let token = match Token::acquire(new.as_fd(), readable, access, share, doc, &path, true) {
        Ok(t) => t,
        Err(Refused::Deleted) => return Err(Error::new(Win32Error::FILE_NOT_FOUND, api)),
        Err(r) => return Err(Error::new(r.code(), api)),
    };
    let kind = match ftype {
        FileType::Directory => FileKind::Directory,
        FileType::CharacterDevice => FileKind::Char,
        FileType::Fifo | FileType::Socket => FileKind::Pipe,
        _ => FileKind::Disk,
    };
    let file = File::new(Fd::new(new), access, share, flags, path, style, kind);
    crate::lock::set_token(&file, token);
    Ok(handle::insert(Arc::new(file)))
}

/// `ReOpenFile`—a new handle to the file open as `original`, with its own access, share
/// mode and flags; the share rules apply between it and every open handle, the original
/// included (32 on conflict). FILE_ATTRIBUTE_* bits in `flags` give
/// ERROR_INVALID_PARAMETER, as Windows takes flags only.
///
/// # Linux mechanism
/// open(2) of /proc/self/fd/N with the new access (a new open file description), share
/// token taken as CreateFile takes it.
pub fn reopen_file(original: Handle, access: u32, share: u32, flags: u32) -> Result<Handle> {
    const API: &str = "ReOpenFile";
    let file = handle::get::<File>(original).api(API)?;
    if flags & 0xFFFF != 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    if file.kind() == FileKind::Pipe || file.kind() == FileKind::Char {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    open_again(file.fd(), current_path(&file), file.style(), access, share, flags, API)
}

/// `OpenFileById`—opens the file whose file id (inode number, as
/// GetFileInformationByHandle and FileIdBothDirectoryInfo report it) is `id` on the
/// volume holding the file open as `hint`. Without CAP_DAC_READ_SEARCH Linux refuses
/// lookups by inode: ERROR_PRIVILEGE_NOT_HELD (1314). An id naming no file gives
/// ERROR_INVALID_PARAMETER; a file system whose export handles are not (inode,
/// generation) pairs gives ERROR_NOT_SUPPORTED (50) unless `id` is the hint's own file.
///
/// # Linux mechanism
/// name_to_handle_at(2)/open_by_handle_at(2) with an (inode, generation 0) handle, then
/// as ReOpenFile.
pub fn open_file_by_id(hint: Handle, id: u64, access: u32, share: u32, flags: u32) -> Result<Handle> {
    const API: &str = "OpenFileById";
    let file = handle::get::<File>(hint).api(API)?;
    let st = rustix::fs::fstat(file.fd()).api(API)?;
    if st.st_ino == id {
        return open_again(file.fd(), current_path(&file), PathStyle::Windows, access, share, flags, API);
    }
    let found = match fhandle::open_inode(file.fd(), id) {
        Ok(fd) => fd,
        Err(Errno::PERM) => return Err(Error::new(Win32Error::PRIVILEGE_NOT_HELD, API)),
        Err(Errno::NOTSUP) => return Err(Error::new(Win32Error::NOT_SUPPORTED, API)),
        Err(Errno::STALE | Errno::NOENT | Errno::INVAL) => return Err(Error::new(Win32Error::INVALID_PARAMETER, API)),
        Err(e) => return Err(Error::new(e.into(), API)),
    };
    let got = rustix::fs::fstat(&found).api(API)?;
    if got.st_ino != id || got.st_dev != st.st_dev || got.st_nlink == 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let path =
        std::fs::read_link(format!("/proc/self/fd/{}", found.as_raw_fd())).unwrap_or_else(|_| PathBuf::from("/"));
    open_again(found.as_fd(), path, PathStyle::Windows, access, share, flags, API)
}
