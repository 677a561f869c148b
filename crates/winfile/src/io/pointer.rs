//! The file pointer and whole-file operations on a handle.

use crate::consts::*;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, FileKind, Handle};
use rustix::fs::SeekFrom;
use rustix::io::Errno;

/// `SetFilePointer`/`SetFilePointerEx`—moves the file pointer; returns the new position.
///
/// # Linux mechanism
/// lseek(2) on the handle's open file description.
pub fn set_file_pointer(h: Handle, distance: i64, method: u32) -> Result<u64> {
    const API: &str = "SetFilePointer";
    let file = handle::get::<File>(h).api(API)?;
    let from = match method {
        FILE_BEGIN => {
            if distance < 0 {
                return Err(Error::new(Win32Error::NEGATIVE_SEEK, API));
            }
            SeekFrom::Start(distance as u64)
        }
        FILE_CURRENT => SeekFrom::Current(distance),
        FILE_END => SeekFrom::End(distance),
        _ => return Err(Error::new(Win32Error::INVALID_PARAMETER, API)),
    };
    match rustix::fs::seek(file.fd(), from) {
        Ok(pos) => Ok(pos),
        Err(Errno::INVAL) => Err(Error::new(Win32Error::NEGATIVE_SEEK, API)),
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

/// `SetEndOfFile`—truncates or extends the file to the current file pointer.
///
/// # Linux mechanism
/// ftruncate(2) at lseek(fd, 0, SEEK_CUR).
pub fn set_end_of_file(h: Handle) -> Result<()> {
    const API: &str = "SetEndOfFile";
    let file = handle::get::<File>(h).api(API)?;
    if !file.can_write() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let pos = rustix::fs::seek(file.fd(), SeekFrom::Current(0)).api(API)?;
    rustix::fs::ftruncate(file.fd(), pos).api(API)?;
    if file.note_modified() {
        let _ = crate::info::mark_archive(file.fd(), file.path());
    }
    Ok(())
}

/// `FlushFileBuffers`—writes buffered data to the device. Needs write access.
///
/// # Linux mechanism
/// fsync(2).
pub fn flush_file_buffers(h: Handle) -> Result<()> {
    const API: &str = "FlushFileBuffers";
    let file = handle::get::<File>(h).api(API)?;
    if !file.can_write() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    if let Some(dev) = super::device::device_of(&file) {
        return dev.flush(&file);
    }
    match rustix::fs::fsync(file.fd()) {
        Ok(()) | Err(Errno::INVAL | Errno::ROFS) => Ok(()), // pipes and terminals: nothing to flush
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

/// `GetFileSizeEx`—the file's size in bytes.
///
/// # Linux mechanism
/// fstat(2) st_size.
pub fn get_file_size(h: Handle) -> Result<u64> {
    const API: &str = "GetFileSize";
    let file = handle::get::<File>(h).api(API)?;
    if file.kind() == FileKind::Directory {
        return Ok(0);
    }
    let st = rustix::fs::fstat(file.fd()).api(API)?;
    Ok(u64::try_from(st.st_size).unwrap_or(0))
}

/// `GetFileType`—FILE_TYPE_DISK, CHAR, PIPE, or UNKNOWN for anything else (never fails).
///
/// # Linux mechanism
/// The file type from fstat(2) recorded at open.
pub fn get_file_type(h: Handle) -> u32 {
    match handle::get::<File>(h).map(|f| f.kind()) {
        Ok(FileKind::Disk | FileKind::Directory) => FILE_TYPE_DISK,
        Ok(FileKind::Char) => FILE_TYPE_CHAR,
        Ok(FileKind::Pipe) => FILE_TYPE_PIPE,
        Err(_) => FILE_TYPE_UNKNOWN,
    }
}
