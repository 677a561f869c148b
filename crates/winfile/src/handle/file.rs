//! The object behind a file or directory handle.

use super::osf::Fd;
use super::Object;
use crate::consts::{
    FILE_APPEND_DATA, FILE_READ_ATTRIBUTES, FILE_READ_DATA, FILE_WRITE_ATTRIBUTES,
    FILE_WRITE_DATA,
};
use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub use crate::path::PathStyle;

/// What `GetFileType` reports for a handle.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileKind {
    /// A regular file (`FILE_TYPE_DISK`).
    Disk,
    /// A directory opened with `FILE_FLAG_BACKUP_SEMANTICS` (`FILE_TYPE_DISK`).
    Directory,
    /// A character device or terminal (`FILE_TYPE_CHAR`).
    Char,
    /// A FIFO or socket (`FILE_TYPE_PIPE`).
    Pipe,
}

/// An open file or directory: one Linux open file description per handle, so that the
/// file pointer (and later OFD locks and share tokens) belong to the handle.
pub struct File {
    fd: Fd,
    access: u32,
    share: u32,
    flags: u32,
    path: PathBuf,
    style: PathStyle,
    kind: FileKind,
    modified: AtomicBool,
}

impl Object for File {
    /// FILE_FLAG_DELETE_ON_CLOSE: the name goes when the handle closes. (Cross-handle and
    /// cross-process delete-pending state comes with the share-mode work.)
    fn on_close(&self) {
        crate::notify::file_closed(self);
        if self.flags & crate::consts::FILE_FLAG_DELETE_ON_CLOSE != 0 {
            let gone = if self.kind == FileKind::Directory {
                rustix::fs::unlinkat(rustix::fs::CWD, &self.path, rustix::fs::AtFlags::REMOVEDIR)
            } else {
                rustix::fs::unlinkat(rustix::fs::CWD, &self.path, rustix::fs::AtFlags::empty())
            };
            if let Err(e) = gone {
                log::debug!("delete-on-close of {:?} failed: {e}", self.path);
            }
        }
    }
}

impl File {
    /// A file object over `fd`, with the access mask already mapped from GENERIC_* rights.
    pub(crate) fn new(
        fd: Fd,
        access: u32,
        share: u32,
        flags: u32,
        path: PathBuf,
        style: PathStyle,
        kind: FileKind,
    ) -> Self {
        Self { fd, access, share, flags, path, style, kind, modified: AtomicBool::new(false) }
    }

    /// The descriptor behind the handle.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Granted access mask (specific rights; GENERIC_* already mapped).
    pub fn access(&self) -> u32 {
        self.access
    }

    /// Share mode given at open.
    pub fn share(&self) -> u32 {
        self.share
    }

    /// FILE_FLAG_* given at open.
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// The Linux path the handle was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The style of the name the caller gave (paths returned about this handle use it).
    pub fn style(&self) -> PathStyle {
        self.style
    }

    /// The kind of object.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// Records a modification; true the first time (the caller then sets ARCHIVE).
    pub fn note_modified(&self) -> bool {
        !self.modified.swap(true, Ordering::Relaxed)
    }

    /// Whether FILE_READ_DATA was granted.
    pub fn can_read(&self) -> bool {
        self.access & FILE_READ_DATA != 0
    }

    /// Whether FILE_WRITE_DATA or FILE_APPEND_DATA was granted.
    pub fn can_write(&self) -> bool {
        self.access & (FILE_WRITE_DATA | FILE_APPEND_DATA) != 0
    }

    /// Whether FILE_READ_ATTRIBUTES (or read access) was granted.
    pub fn can_read_attributes(&self) -> bool {
        self.access & (FILE_READ_ATTRIBUTES | FILE_READ_DATA) != 0
    }

    /// Whether FILE_WRITE_ATTRIBUTES (or write access) was granted.
    pub fn can_write_attributes(&self) -> bool {
        self.access & (FILE_WRITE_ATTRIBUTES | FILE_WRITE_DATA) != 0
    }
}
