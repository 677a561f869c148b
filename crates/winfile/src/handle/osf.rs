//! CRT descriptor interop: `_get_osfhandle` and `_open_osfhandle`, and the one place a
//! raw descriptor number is turned back into a borrowed fd.
//!
//! # Safety
//! A [`Fd::Borrowed`] descriptor belongs to the caller (a Python file object, a CRT-style
//! fd). winfile never closes it; the caller promises, as on Windows, not to close the fd
//! while the handle is in use. A stale number is detected by comparing the (device,
//! inode) identity recorded when the handle was made.
#![allow(unsafe_code)]

use super::file::{File, FileKind};
use super::table::{self, Handle};
use crate::error::Win32Error;
use crate::path::PathStyle;
use rustix::fs::{fstat, FileType, OFlags};
use std::collections::HashMap;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

/// A handle's descriptor: owned by winfile, or borrowed from the caller.
pub(crate) enum Fd {
    /// Opened by winfile; closed when the object is dropped.
    Owned(OwnedFd),
    /// Lent by the caller (`_get_osfhandle`, `_open_osfhandle`); never closed here.
    Borrowed(RawFd),
}

impl Fd {
    pub(crate) fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Fd::Owned(fd) => fd.as_fd(),
            // SAFETY: see the module docs; the caller keeps the descriptor open while
            // the handle exists, as the CRT contract on Windows requires.
            Fd::Borrowed(raw) => unsafe { BorrowedFd::borrow_raw(*raw) },
        }
    }
}

/// fd → (handle, device, inode) for descriptors already given a handle.
type FdHandles = Mutex<HashMap<RawFd, (Handle, u64, u64)>>;
static BY_FD: LazyLock<FdHandles> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn identity(fd: BorrowedFd<'_>) -> Result<(u64, u64, FileKind), rustix::io::Errno> {
    let st = fstat(fd)?;
    let kind = match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => FileKind::Directory,
        FileType::CharacterDevice => FileKind::Char,
        FileType::Fifo | FileType::Socket => FileKind::Pipe,
        _ => FileKind::Disk,
    };
    Ok((st.st_dev, st.st_ino, kind))
}

fn borrowed_object(raw: RawFd) -> Result<(File, u64, u64), rustix::io::Errno> {
    // SAFETY: only used for the duration of this call, while the caller's fd is open.
    let fd = unsafe { BorrowedFd::borrow_raw(raw) };
    let (dev, ino, kind) = identity(fd)?;
    let mode = rustix::fs::fcntl_getfl(fd)?;
    let access = match mode & OFlags::RWMODE {
        m if m == OFlags::RDONLY => crate::open::map_generic(crate::consts::GENERIC_READ),
        m if m == OFlags::WRONLY => crate::open::map_generic(crate::consts::GENERIC_WRITE),
        _ => crate::open::map_generic(crate::consts::GENERIC_READ | crate::consts::GENERIC_WRITE),
    };
    let path = std::fs::read_link(format!("/proc/self/fd/{raw}")).unwrap_or_default();
    let file = File::new(Fd::Borrowed(raw), access, 7, 0, path, PathStyle::Unix, kind);
    Ok((file, dev, ino))
}

/// `_get_osfhandle`—the handle for a C runtime descriptor. The same open descriptor
/// always gives the same handle. Errors are errnos (the CRT raises OSError, not a
/// Win32 error).
pub fn get_osfhandle(raw: RawFd) -> Result<Handle, rustix::io::Errno> {
    if raw < 0 {
        return Err(rustix::io::Errno::BADF);
    }
    let mut map = BY_FD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // SAFETY: borrowed only for this fstat; a closed number yields EBADF.
    let (dev, ino, _) = identity(unsafe { BorrowedFd::borrow_raw(raw) })?;
    if let Some(&(h, d, i)) = map.get(&raw) {
        if d == dev && i == ino && table::get::<File>(h).is_ok() {
            return Ok(h);
        }
    }
    let (file, dev, ino) = borrowed_object(raw)?;
    let h = table::insert(Arc::new(file));
    map.insert(raw, (h, dev, ino));
    Ok(h)
}

/// `_open_osfhandle`—a C runtime descriptor for a file handle. As on Windows the
/// descriptor then owns the handle: `_get_osfhandle` of it returns the same handle.
pub fn open_osfhandle(h: Handle, _flags: i32) -> Result<RawFd, Win32Error> {
    let file = table::get::<File>(h)?;
    let dup = rustix::io::fcntl_dupfd_cloexec(file.fd(), 0).map_err(Win32Error::from)?;
    let raw = std::os::fd::IntoRawFd::into_raw_fd(dup);
    let (lent, dev, ino) = borrowed_object(raw).map_err(Win32Error::from)?;
    let lent = File::new(
        Fd::Borrowed(raw),
        file.access(),
        file.share(),
        file.flags(),
        PathBuf::from(file.path()),
        file.style(),
        lent.kind(),
    );
    lent.adopt(&file);
    table::replace(h, Arc::new(lent))?;
    BY_FD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(raw, (h, dev, ino));
    Ok(raw)
}
