//! `CopyFileW` and `CopyFileExW`: the checks Windows makes, the two handles the progress
//! routine sees, the data, then attributes and times.

use super::data::{copy_data, Outcome, Reporter};
use super::{restart, ProgressFn, Stop};
use crate::consts::*;
use crate::error::{not_found_for, Context, Result, Win32Error};
use crate::fs::linux_path;
use crate::handle::{self, Fd, File, FileKind, Handle, PathStyle};
use crate::info;
use crate::lock::share::{self, Refused, Token};
use rustix::fs::{fstat, ftruncate, openat, statat, unlinkat, AtFlags, FileType, Mode, OFlags, Stat, CWD};
use rustix::io::Errno;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// `CopyFileW`—copies a file's data, attributes and last write time. With
/// `fail_if_exists` an existing destination gives 80; a READONLY or HIDDEN destination 5.
///
/// # Linux mechanism
/// FICLONE, else copy_file_range(2), else read/write; fchmod and `user.DOSATTRIB` after.
pub fn copy_file(src: &str, dst: &str, fail_if_exists: bool) -> Result<()> {
    const API: &str = "CopyFileW";
    let flags = if fail_if_exists { COPY_FILE_FAIL_IF_EXISTS } else { 0 };
    let from = linux_path(src, API)?;
    let to = linux_path(dst, API)?;
    copy_path(&from, &to, CopyRequest { flags, routine: None, cancel: None }).api(API)
}

/// `CopyFileExW`—[`copy_file`] with a progress routine, a cancel flag and COPY_FILE_*
/// flags:
/// - the routine is called first with CALLBACK_STREAM_SWITCH (nothing transferred yet),
///   then with CALLBACK_CHUNK_FINISHED after each chunk (16 MiB; one chunk for a
///   reflinked file); PROGRESS_CANCEL deletes the partial destination, PROGRESS_STOP
///   keeps it (both fail with ERROR_REQUEST_ABORTED), PROGRESS_QUIET stops the calls;
/// - `cancel` set (before or during the copy) cancels like PROGRESS_CANCEL;
/// - COPY_FILE_FAIL_IF_EXISTS: an existing destination gives 80;
/// - COPY_FILE_RESTARTABLE: a stopped copy records its progress on the destination, and
///   a later restartable copy of the unchanged source resumes there;
/// - COPY_FILE_COPY_SYMLINK: a symbolic link source is copied as a link;
/// - COPY_FILE_OPEN_SOURCE_FOR_WRITE: the source is opened read-write (5 if READONLY);
/// - COPY_FILE_ALLOW_DECRYPTED_DESTINATION: accepted (no Linux file is EFS-encrypted).
///
/// # Linux mechanism
/// FICLONE, else copy_file_range(2) in chunks, else pread/pwrite, with the routine
/// called between chunks; xattr `user.winfile.copyrestart` for restartable copies.
pub fn copy_file_ex(
    src: &str,
    dst: &str,
    flags: u32,
    routine: Option<&mut ProgressFn<'_>>,
    cancel: Option<&AtomicBool>,
) -> Result<()> {
    const API: &str = "CopyFileExW";
    let from = linux_path(src, API)?;
    let to = linux_path(dst, API)?;
    copy_path(&from, &to, CopyRequest { flags, routine, cancel }).api(API)
}

/// One copy: COPY_FILE_* flags, the progress routine, the cancel flag.
pub(crate) struct CopyRequest<'a, 'b> {
    pub(crate) flags: u32,
    pub(crate) routine: Option<&'a mut ProgressFn<'b>>,
    pub(crate) cancel: Option<&'a AtomicBool>,
}

/// A winfile handle over a descriptor for the length of a copy; closed on drop.
struct Opened {
    file: Arc<File>,
    handle: Handle,
}

impl Opened {
    fn new(fd: OwnedFd, access: u32, share_mode: u32, path: &Path, st: &Stat) -> std::result::Result<Self, Win32Error> {
        let token =
            match Token::acquire(fd.as_fd(), true, access, share_mode, false, path, share::maybe_marked(st.st_mode)) {
                Ok(t) => t,
                Err(Refused::Deleted) => return Err(not_found_for(path)),
                Err(r) => return Err(r.code()),
            };
        let file = File::new(Fd::new(fd), access, share_mode, 0, path.to_path_buf(), PathStyle::Unix, FileKind::Disk);
        crate::lock::set_token(&file, token);
        let file = Arc::new(file);
        let handle = handle::insert(file.clone());
        Ok(Self { file, handle })
    }

    fn fd(&self) -> BorrowedFd<'_> {
        self.file.fd()
    }
}

impl Drop for Opened {
    fn drop(&mut self) {
        // The routine may have closed it already: nothing left to do then.
        let _ = handle::close(self.handle);
    }
}

/// Copies `from` to `to` with Windows' checks (shared with the moves across file
/// systems).
pub(crate) fn copy_path(from: &Path, to: &Path, req: CopyRequest<'_, '_>) -> std::result::Result<(), Win32Error> {
    let flags = req.flags;
    if flags & COPY_FILE_COPY_SYMLINK != 0 {
        if let Ok(st) = statat(CWD, from, AtFlags::SYMLINK_NOFOLLOW) {
            if FileType::from_raw_mode(st.st_mode) == FileType::Symlink {
                return copy_symlink(from, to, flags);
            }
        }
    }
    let for_write = flags & COPY_FILE_OPEN_SOURCE_FOR_WRITE != 0;
    let mode = if for_write { OFlags::RDWR } else { OFlags::RDONLY };
    let src_fd = match openat(CWD, from, mode | OFlags::CLOEXEC, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT | Errno::NOTDIR) => return Err(not_found_for(from)),
        Err(Errno::ISDIR) => return Err(Win32Error::ACCESS_DENIED),
        Err(e) => return Err(e.into()),
    };
    let st = fstat(&src_fd)?;
    if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
        return Err(Win32Error::ACCESS_DENIED);
    }
    let src_info = info::query_fd(src_fd.as_fd(), from)?;
    if for_write && src_info.attributes & FILE_ATTRIBUTE_READONLY != 0 {
        return Err(Win32Error::ACCESS_DENIED);
    }
    let mut src_access = FILE_READ_DATA | FILE_READ_ATTRIBUTES;
    if for_write {
        src_access |= FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES;
    }
    let all = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
    let source = Opened::new(src_fd, src_access, all, from, &st)?;

    let restartable = flags & COPY_FILE_RESTARTABLE != 0;
    let mut resume: Option<(OwnedFd, u64)> = None;
    let existed = match statat(CWD, to, AtFlags::empty()) {
        Ok(dst_st) => {
            if FileType::from_raw_mode(dst_st.st_mode) == FileType::Directory {
                return Err(Win32Error::ACCESS_DENIED);
            }
            if dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino {
                return Err(Win32Error::SHARING_VIOLATION); // the file is open as the source
            }
            if restartable {
                if let Ok(fd) = openat(CWD, to, OFlags::RDWR | OFlags::CLOEXEC, Mode::empty()) {
                    if let Some(done) = restart::resume_point(fd.as_fd(), &st) {
                        resume = Some((fd, done));
                    }
                }
            }
            if resume.is_none() {
                if flags & COPY_FILE_FAIL_IF_EXISTS != 0 {
                    return Err(Win32Error::FILE_EXISTS);
                }
                let attrs = info::query_path(to)?.attributes;
                if attrs & (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN) != 0 {
                    return Err(Win32Error::ACCESS_DENIED);
                }
            }
            true
        }
        Err(Errno::NOENT) => false,
        Err(Errno::NOTDIR) => return Err(not_found_for(to)),
        Err(e) => return Err(e.into()),
    };
    // A cancel flag already set cancels before anything is created.
    if req.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(Win32Error::REQUEST_ABORTED);
    }
    let (dst_fd, start) = match resume {
        Some((fd, done)) => (fd, done),
        None => {
            let mut oflags = OFlags::RDWR | OFlags::CREATE | OFlags::CLOEXEC;
            if !existed {
                oflags |= OFlags::EXCL;
            }
            match openat(CWD, to, oflags, Mode::from_bits_truncate(0o666)) {
                Ok(fd) => (fd, 0),
                Err(Errno::EXIST) => return Err(Win32Error::FILE_EXISTS),
                Err(Errno::NOENT | Errno::NOTDIR) => return Err(Win32Error::PATH_NOT_FOUND),
                Err(Errno::ISDIR) => return Err(Win32Error::ACCESS_DENIED),
                Err(e) => return Err(e.into()),
            }
        }
    };
    let dst_st = fstat(&dst_fd)?;
    let dst_access = FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | FILE_READ_ATTRIBUTES;
    let destination = match Opened::new(dst_fd, dst_access, FILE_SHARE_READ | FILE_SHARE_DELETE, to, &dst_st) {
        Ok(d) => d,
        Err(e) => {
            if !existed {
                let _ = unlinkat(CWD, to, AtFlags::empty());
            }
            return Err(e);
        }
    };
    // CREATE_ALWAYS truncates (after the sharing check); a resumed copy keeps its bytes.
    // A new, empty file is left alone: on ext4 a truncation to 0 arms auto_da_alloc,
    // which flushes the whole copy at close and halves its speed.
    if u64::try_from(dst_st.st_size).ok() != Some(start) {
        ftruncate(destination.fd(), start)?;
    }
    if start == 0 && restartable {
        restart::clear(destination.fd());
    }
    let len = u64::try_from(st.st_size).unwrap_or(0);
    let mut rep = Reporter {
        routine: req.routine,
        cancel: req.cancel,
        source: source.handle,
        destination: destination.handle,
        total: len,
    };
    let outcome = copy_data(source.fd(), destination.fd(), start, len, &mut rep);
    match outcome {
        Ok(Outcome::Done) => {}
        Ok(Outcome::Stopped(Stop::Stop, done)) => {
            if restartable {
                restart::save(destination.fd(), &st, done);
            }
            return Err(Win32Error::REQUEST_ABORTED);
        }
        Ok(Outcome::Stopped(Stop::Cancel, _)) => {
            drop(destination);
            let _ = unlinkat(CWD, to, AtFlags::empty());
            return Err(Win32Error::REQUEST_ABORTED);
        }
        Err(e) => {
            drop(destination);
            let _ = unlinkat(CWD, to, AtFlags::empty());
            return Err(e);
        }
    }
    if restartable {
        restart::clear(destination.fd());
    }
    // Named streams travel with the file (both of Samba's layouts), before the mode
    // may take the write bits away.
    if let Err(e) = crate::stream::store::copy_all(source.fd(), from, destination.fd(), to) {
        drop(destination);
        let _ = unlinkat(CWD, to, AtFlags::empty());
        return Err(e);
    }
    finish(destination.fd(), to, &st, &src_info)
}

/// The copy is a new file: it gets the source's attributes (plus ARCHIVE), mode and last
/// write time; its creation and access times are now.
fn finish(dst: BorrowedFd<'_>, to: &Path, st: &Stat, src_info: &info::FileInfo) -> std::result::Result<(), Win32Error> {
    let keep = src_info.attributes
        & (FILE_ATTRIBUTE_HIDDEN
            | FILE_ATTRIBUTE_SYSTEM
            | FILE_ATTRIBUTE_TEMPORARY
            | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED);
    info::init_new_file(dst, to, keep)?;
    rustix::fs::fchmod(dst, Mode::from_bits_truncate(st.st_mode & 0o7777))?;
    info::set_times(dst, to, None, None, Some(src_info.last_write))?;
    Ok(())
}

/// COPY_FILE_COPY_SYMLINK with a link as the source: the link itself is copied.
fn copy_symlink(from: &Path, to: &Path, flags: u32) -> std::result::Result<(), Win32Error> {
    let target = rustix::fs::readlinkat(CWD, from, Vec::new())?;
    match statat(CWD, to, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => {
            if flags & COPY_FILE_FAIL_IF_EXISTS != 0 {
                return Err(Win32Error::FILE_EXISTS);
            }
            if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
                return Err(Win32Error::ACCESS_DENIED);
            }
            unlinkat(CWD, to, AtFlags::empty())?;
        }
        Err(Errno::NOENT) => {}
        Err(Errno::NOTDIR) => return Err(not_found_for(to)),
        Err(e) => return Err(e.into()),
    }
    match rustix::fs::symlinkat(target.as_c_str(), CWD, to) {
        Ok(()) => Ok(()),
        Err(Errno::EXIST) => Err(Win32Error::FILE_EXISTS),
        Err(Errno::NOENT | Errno::NOTDIR) => Err(Win32Error::PATH_NOT_FOUND),
        Err(e) => Err(e.into()),
    }
}
