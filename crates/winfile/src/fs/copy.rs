//! `CopyFileW`: data by the fastest path the file system offers, then attributes and times.

use super::linux_path;
use crate::consts::*;
use crate::error::{not_found_for, Context, Result, Win32Error};
use crate::info;
use rustix::fs::{fstat, openat, statat, AtFlags, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

/// `CopyFileW`—copies a file's data, attributes and last write time. With
/// `fail_if_exists` an existing destination gives 80; a READONLY or HIDDEN destination 5.
///
/// # Linux mechanism
/// FICLONE, else copy_file_range(2), else read/write; fchmod and `user.DOSATTRIB` after.
pub fn copy_file(src: &str, dst: &str, fail_if_exists: bool) -> Result<()> {
    const API: &str = "CopyFileW";
    let from = linux_path(src, API)?;
    let to = linux_path(dst, API)?;
    copy_path(&from, &to, fail_if_exists).api(API)
}

/// Copies `from` to `to` with Windows' checks (shared with MoveFileEx's cross-device path).
pub(crate) fn copy_path(from: &Path, to: &Path, fail_if_exists: bool) -> std::result::Result<(), Win32Error> {
    let src = match openat(CWD, from, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT | Errno::NOTDIR) => return Err(not_found_for(from)),
        Err(e) => return Err(e.into()),
    };
    let st = fstat(&src)?;
    if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
        return Err(Win32Error::ACCESS_DENIED);
    }
    let src_info = info::query_fd(src.as_fd(), from)?;
    match statat(CWD, to, AtFlags::empty()) {
        Ok(dst_st) => {
            if fail_if_exists {
                return Err(Win32Error::FILE_EXISTS);
            }
            if FileType::from_raw_mode(dst_st.st_mode) == FileType::Directory {
                return Err(Win32Error::ACCESS_DENIED);
            }
            if dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino {
                return Err(Win32Error::SHARING_VIOLATION); // the file is open as the source
            }
            let attrs = info::query_path(to)?.attributes;
            if attrs & (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN) != 0 {
                return Err(Win32Error::ACCESS_DENIED);
            }
        }
        Err(Errno::NOENT) => {}
        Err(Errno::NOTDIR) => return Err(not_found_for(to)),
        Err(e) => return Err(e.into()),
    }
    let oflags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
    let dst = match openat(CWD, to, oflags, Mode::from_bits_truncate(0o666)) {
        Ok(fd) => fd,
        Err(Errno::NOENT | Errno::NOTDIR) => return Err(Win32Error::PATH_NOT_FOUND),
        Err(e) => return Err(e.into()),
    };
    let len = u64::try_from(st.st_size).unwrap_or(0);
    copy_data(src.as_fd(), dst.as_fd(), len)?;
    // The copy is a new file: it gets the source's attributes (plus ARCHIVE) and last
    // write time; its creation and access times are now.
    let keep = src_info.attributes
        & (FILE_ATTRIBUTE_HIDDEN
            | FILE_ATTRIBUTE_SYSTEM
            | FILE_ATTRIBUTE_TEMPORARY
            | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED);
    info::init_new_file(dst.as_fd(), to, keep)?;
    rustix::fs::fchmod(&dst, Mode::from_bits_truncate(st.st_mode & 0o7777))?;
    info::set_times(dst.as_fd(), to, None, None, Some(src_info.last_write))?;
    Ok(())
}

/// Copies `len` bytes: a reflink when the file system shares extents, else
/// copy_file_range, else plain reads and writes.
pub(crate) fn copy_data(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, len: u64) -> std::result::Result<(), Win32Error> {
    if len > 0 && rustix::fs::ioctl_ficlone(dst, src).is_ok() {
        return Ok(());
    }
    let mut done: u64 = 0;
    let mut use_cfr = true;
    let mut buf = Vec::new();
    loop {
        let chunk = usize::try_from((len.saturating_sub(done)).max(1 << 20).min(1 << 30)).unwrap_or(1 << 20);
        let n = if use_cfr {
            let (mut off_in, mut off_out) = (done, done);
            match rustix::fs::copy_file_range(src, Some(&mut off_in), dst, Some(&mut off_out), chunk) {
                Ok(n) => n,
                Err(Errno::XDEV | Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {
                    use_cfr = false;
                    continue;
                }
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        } else {
            buf.resize(1 << 20, 0);
            let n = match rustix::io::pread(src, &mut buf[..], done) {
                Ok(n) => n,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            };
            let mut written = 0;
            while written < n {
                match rustix::io::pwrite(dst, &buf[written..n], done + written as u64) {
                    Ok(w) => written += w,
                    Err(Errno::INTR) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            n
        };
        if n == 0 {
            return Ok(());
        }
        done += n as u64;
    }
}
