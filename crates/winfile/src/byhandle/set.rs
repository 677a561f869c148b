//! `SetFileInformationByHandle`: times and attributes, rename, delete disposition,
//! allocation, end of file, I/O priority hint.

use super::class;
use super::names::{current_path, proc_path};
use crate::consts::{DELETE, FILE_ATTRIBUTE_READONLY, FILE_FLAG_DELETE_ON_CLOSE};
use crate::error::{not_found_for, Context, Error, Result, Win32Error};
use crate::handle::{self, File, FileKind, Handle};
use crate::info::{self, FileTime};
use crate::lock::share;
use rustix::fs::{renameat_with, statat, AtFlags, FallocateFlags, FileType, RenameFlags, CWD};
use rustix::io::Errno;
use std::path::{Path, PathBuf};

const API: &str = "SetFileInformationByHandle";

/// What `SetFileInformationByHandle` is asked to set, by class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetInfo {
    /// FileBasicInfo: times (0 leaves one unchanged) and attributes (0 leaves them).
    Basic {
        /// CreationTime.
        creation: FileTime,
        /// LastAccessTime.
        last_access: FileTime,
        /// LastWriteTime.
        last_write: FileTime,
        /// ChangeTime: Linux sets ctime itself; accepted and not applied.
        change: FileTime,
        /// FileAttributes.
        attributes: u32,
    },
    /// FileRenameInfo.
    Rename {
        /// ReplaceIfExists.
        replace: bool,
        /// RootDirectory: the directory `name` is relative to.
        root: Option<Handle>,
        /// FileName: a full path, a name relative to `root`, or a bare name (same directory).
        name: String,
    },
    /// FileDispositionInfo: delete when the last handle closes (or no longer).
    Disposition(bool),
    /// FileAllocationInfo: AllocationSize.
    Allocation(u64),
    /// FileEndOfFileInfo: EndOfFile.
    EndOfFile(u64),
    /// FileIoPriorityHintInfo: PriorityHint.
    IoPriorityHint(u32),
    /// Any other class number (refused with ERROR_INVALID_PARAMETER).
    Other(u32),
}

impl SetInfo {
    /// The FILE_INFO_BY_HANDLE_CLASS this request is for.
    pub fn class(&self) -> u32 {
        match self {
            SetInfo::Basic { .. } => class::BASIC,
            SetInfo::Rename { .. } => class::RENAME,
            SetInfo::Disposition(_) => class::DISPOSITION,
            SetInfo::Allocation(_) => class::ALLOCATION,
            SetInfo::EndOfFile(_) => class::END_OF_FILE,
            SetInfo::IoPriorityHint(_) => class::IO_PRIORITY_HINT,
            SetInfo::Other(c) => *c,
        }
    }
}

fn deny(code: Win32Error) -> Error {
    Error::new(code, API)
}

/// `SetFileInformationByHandle`—changes one class of information of the file open as `h`.
/// - FileBasicInfo needs FILE_WRITE_ATTRIBUTES; ChangeTime cannot be set on Linux and is
///   ignored;
/// - FileRenameInfo needs DELETE; 183 when the target exists and ReplaceIfExists is
///   false, 5 for a directory or READONLY target, 17 across file systems;
/// - FileDispositionInfo needs DELETE; true marks the file delete-pending (new opens get
///   5, the last handle deletes it), false clears the mark; no effect on a handle opened
///   with FILE_FLAG_DELETE_ON_CLOSE; 145 for a non-empty directory, 5 for READONLY;
/// - FileAllocationInfo/FileEndOfFileInfo need write access;
/// - FileIoPriorityHintInfo takes IoPriorityHintVeryLow..Normal (0..2) and is accepted
///   without effect: Linux I/O priority (ioprio_set) belongs to a thread, not a handle.
///
/// # Linux mechanism
/// futimens(2) and `user.DOSATTRIB`; renameat2(2); the `user.winfile.delpend` marker of
/// `lock::share`; fallocate(2) with FALLOC_FL_KEEP_SIZE or ftruncate(2); ftruncate(2).
pub fn set_file_information_by_handle(h: Handle, info: &SetInfo) -> Result<()> {
    let file = handle::get::<File>(h).api(API)?;
    match info {
        SetInfo::Basic { creation, last_access, last_write, change: _, attributes } => {
            if !file.can_write_attributes() {
                return Err(deny(Win32Error::ACCESS_DENIED));
            }
            info::set_times(file.fd(), file.path(), Some(*creation), Some(*last_access), Some(*last_write)).api(API)?;
            if *attributes != 0 {
                info::set_attributes(&proc_path(&file), *attributes).api(API)?;
            }
            Ok(())
        }
        SetInfo::Rename { replace, root, name } => rename(&file, *replace, *root, name),
        SetInfo::Disposition(delete) => disposition(&file, *delete),
        SetInfo::Allocation(size) => {
            writable(&file)?;
            let st = rustix::fs::fstat(file.fd()).api(API)?;
            if *size < st.st_size as u64 {
                rustix::fs::ftruncate(file.fd(), *size).api(API)?;
                let _ = info::mark_archive(file.fd(), file.path());
            } else if *size > 0 {
                match rustix::fs::fallocate(file.fd(), FallocateFlags::KEEP_SIZE, 0, *size) {
                    Ok(()) => {}
                    Err(Errno::NOSPC) => return Err(deny(Win32Error::DISK_FULL)),
                    // Reserving is an optimisation; file systems without it still work.
                    Err(e) => log::debug!("fallocate refused: {e}; allocation not reserved"),
                }
            }
            Ok(())
        }
        SetInfo::EndOfFile(size) => {
            writable(&file)?;
            rustix::fs::ftruncate(file.fd(), *size).api(API)?;
            let _ = info::mark_archive(file.fd(), file.path());
            Ok(())
        }
        SetInfo::IoPriorityHint(hint) if *hint <= 2 => Ok(()),
        SetInfo::IoPriorityHint(_) | SetInfo::Other(_) => Err(deny(Win32Error::INVALID_PARAMETER)),
    }
}

fn writable(file: &File) -> Result<()> {
    if file.kind() == FileKind::Directory {
        return Err(deny(Win32Error::INVALID_PARAMETER));
    }
    if !file.can_write() {
        return Err(deny(Win32Error::ACCESS_DENIED));
    }
    Ok(())
}

fn readonly(file: &File) -> Result<bool> {
    let i = info::query_fd(file.fd(), file.path()).api(API)?;
    Ok(i.attributes & FILE_ATTRIBUTE_READONLY != 0)
}

fn disposition(file: &File, delete: bool) -> Result<()> {
    if file.access() & DELETE == 0 {
        return Err(deny(Win32Error::ACCESS_DENIED));
    }
    if file.flags() & FILE_FLAG_DELETE_ON_CLOSE != 0 {
        return Ok(()); // documented: no effect on a delete-on-close handle
    }
    if delete {
        if readonly(file)? {
            return Err(deny(Win32Error::ACCESS_DENIED));
        }
        if file.kind() == FileKind::Directory && !dir_is_empty(file)? {
            return Err(deny(Win32Error::DIR_NOT_EMPTY));
        }
    }
    let path = current_path(file);
    crate::lock::with_token(file, |t| match t {
        Some(t) => share::set_disposition(t.fd(file.fd()), &path, delete, t.armed()).api(API),
        None => {
            crate::lock::set_doomed(file, delete);
            Ok(())
        }
    })
}

fn dir_is_empty(file: &File) -> Result<bool> {
    let fd = rustix::fs::openat(
        CWD,
        proc_path(file),
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .api(API)?;
    let dir = rustix::fs::Dir::read_from(&fd).api(API)?;
    for entry in dir {
        let entry = entry.api(API)?;
        let n = entry.file_name().to_bytes();
        if n != b"." && n != b".." {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The Linux path a FileRenameInfo names.
fn target(src: &Path, root: Option<Handle>, name: &str) -> Result<PathBuf> {
    if name.is_empty() {
        return Err(deny(Win32Error::INVALID_PARAMETER));
    }
    if let Some(root) = root.filter(|r| r.raw() != 0) {
        let dir = handle::get::<File>(root).api(API)?;
        if dir.kind() != FileKind::Directory {
            return Err(deny(Win32Error::INVALID_PARAMETER));
        }
        if name.starts_with(['\\', '/']) {
            return Err(deny(Win32Error::INVALID_PARAMETER));
        }
        // A name relative to the directory is an NT path: not normalised, so `..`, `.`,
        // empty names and `/` are invalid (123), and it never leaves the directory.
        let mut to = current_path(&dir);
        for comp in name.split('\\') {
            if !crate::path::is_single_name(comp) {
                return Err(deny(Win32Error::INVALID_NAME));
            }
            crate::path::validate_name(comp).api(API)?;
            to.push(comp);
        }
        return Ok(to);
    }
    let bare = !name.contains(['\\', '/']) && (name.len() < 2 || name.as_bytes()[1] != b':');
    if bare {
        crate::path::validate_name(name).api(API)?;
        return Ok(src.parent().unwrap_or(Path::new("/")).join(name));
    }
    let r = crate::path::resolve(name, false).api(API)?;
    if r.device.is_some() {
        return Err(deny(Win32Error::ACCESS_DENIED));
    }
    Ok(r.linux)
}

fn rename(file: &File, replace: bool, root: Option<Handle>, name: &str) -> Result<()> {
    if file.access() & DELETE == 0 {
        return Err(deny(Win32Error::ACCESS_DENIED));
    }
    let src = current_path(file);
    let to = target(&src, root, name)?;
    let me = rustix::fs::fstat(file.fd()).api(API)?;
    let mut flags = if replace { RenameFlags::empty() } else { RenameFlags::NOREPLACE };
    let mut _guard = None;
    match statat(CWD, &to, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if st.st_dev == me.st_dev && st.st_ino == me.st_ino => flags = RenameFlags::empty(),
        Ok(_) if !replace => return Err(deny(Win32Error::ALREADY_EXISTS)),
        Ok(st) => {
            let dir = FileType::from_raw_mode(st.st_mode) == FileType::Directory;
            if dir || file.kind() == FileKind::Directory {
                return Err(deny(Win32Error::ACCESS_DENIED));
            }
            let attrs = info::query_path(&to).api(API)?.attributes;
            if attrs & FILE_ATTRIBUTE_READONLY != 0 {
                return Err(deny(Win32Error::ACCESS_DENIED));
            }
            // The replaced file must not be open without delete sharing (5, as Windows).
            _guard = Some(share::check_name_op(&to, false, Win32Error::ACCESS_DENIED).api(API)?);
        }
        Err(Errno::NOENT) => {}
        Err(Errno::NOTDIR) => return Err(deny(not_found_for(&to))),
        Err(e) => return Err(deny(e.into())),
    }
    // Every other handle of this file shares delete (the share rules let this handle
    // have DELETE access only then), so no share probe of the source is needed.
    match renameat_with(CWD, &src, CWD, &to, flags) {
        Ok(()) => {}
        Err(Errno::EXIST | Errno::NOTEMPTY) => return Err(deny(Win32Error::ALREADY_EXISTS)),
        Err(Errno::NOENT) => return Err(deny(not_found_for(&to))),
        Err(Errno::XDEV) => return Err(deny(Win32Error::NOT_SAME_DEVICE)),
        Err(Errno::INVAL) => return Err(deny(Win32Error::ACCESS_DENIED)),
        Err(e) => return Err(deny(e.into())),
    }
    crate::lock::with_token(file, |t| {
        if let Some(t) = t {
            share::renamed(t.fd(file.fd()), &to);
        }
    });
    Ok(())
}
