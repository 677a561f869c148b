//! `ReadFile` / `WriteFile`, synchronous forms.

use crate::consts::{FILE_FLAG_NO_BUFFERING, FILE_FLAG_OVERLAPPED};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, io_bits, File, FileKind, Handle};
use rustix::io::Errno;
use std::mem::MaybeUninit;
use std::os::fd::BorrowedFd;
use std::sync::Arc;

/// Sector size used for FILE_FLAG_NO_BUFFERING alignment rules.
const SECTOR: u64 = 512;

fn file_for(h: Handle, api: &'static str) -> Result<Arc<File>> {
    handle::get::<File>(h).api(api)
}

/// FILE_FLAG_NO_BUFFERING: sizes and offsets must be sector multiples (Windows' rule).
fn check_alignment(file: &File, len: usize, offset: Option<u64>, api: &'static str) -> Result<()> {
    if file.flags() & FILE_FLAG_NO_BUFFERING == 0 {
        return Ok(());
    }
    let off = match offset {
        Some(o) => o,
        None => rustix::fs::seek(file.fd(), rustix::fs::SeekFrom::Current(0)).api(api)?,
    };
    if len as u64 % SECTOR != 0 || off % SECTOR != 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, api));
    }
    Ok(())
}

/// Data I/O needs a file (a directory handle gives ERROR_INVALID_FUNCTION) and the
/// handle's read or write access (ERROR_ACCESS_DENIED).
fn check_data(file: &File, write: bool, api: &'static str) -> Result<()> {
    if file.kind() == FileKind::Directory {
        return Err(Error::new(Win32Error::INVALID_FUNCTION, api));
    }
    if !(if write { file.can_write() } else { file.can_read() }) {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    Ok(())
}

fn check_read(file: &File, api: &'static str) -> Result<()> {
    check_data(file, false, api)
}

/// Without an OVERLAPPED, a disk file opened with FILE_FLAG_OVERLAPPED has no file
/// position to use: Windows' NtReadFile/NtWriteFile then require a byte offset and fail
/// with STATUS_INVALID_PARAMETER (pipes and devices need none).
fn check_positional(file: &File, api: &'static str) -> Result<()> {
    if file.flags() & FILE_FLAG_OVERLAPPED != 0 && file.kind() == FileKind::Disk {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, api));
    }
    Ok(())
}

fn check_write(file: &File, api: &'static str) -> Result<()> {
    check_data(file, true, api)
}

/// Fills `buf` as far as the file allows: disk files read until full or end of file;
/// pipes and devices return what one read gives. `sys` is one read(2)/pread(2) call.
fn read_loop<T>(
    file: &File,
    buf: &mut [T],
    mut offset: Option<u64>,
    sys: impl Fn(BorrowedFd<'_>, &mut [T], Option<u64>) -> std::result::Result<usize, Errno>,
) -> std::result::Result<usize, Errno> {
    let mut done = 0;
    while done < buf.len() {
        let n = match sys(file.fd(), &mut buf[done..], offset) {
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e),
        };
        done += n;
        offset = offset.map(|o| o + n as u64);
        if n == 0 || file.kind() != FileKind::Disk {
            break;
        }
    }
    Ok(done)
}

fn sys_read(fd: BorrowedFd<'_>, buf: &mut [u8], offset: Option<u64>) -> std::result::Result<usize, Errno> {
    match offset {
        Some(o) => rustix::io::pread(fd, buf, o),
        None => rustix::io::read(fd, buf),
    }
}

fn sys_read_uninit(
    fd: BorrowedFd<'_>,
    buf: &mut [MaybeUninit<u8>],
    offset: Option<u64>,
) -> std::result::Result<usize, Errno> {
    let (init, _) = match offset {
        Some(o) => rustix::io::pread(fd, buf, o)?,
        None => rustix::io::read(fd, buf)?,
    };
    Ok(init.len())
}

fn write_loop(file: &File, data: &[u8], mut offset: Option<u64>) -> std::result::Result<usize, Errno> {
    let mut done = 0;
    while done < data.len() {
        let rest = &data[done..];
        let n = match offset {
            Some(o) => rustix::io::pwrite(file.fd(), rest, o),
            None => rustix::io::write(file.fd(), rest),
        };
        match n {
            Ok(0) => break,
            Ok(n) => {
                done += n;
                offset = offset.map(|o| o + n as u64);
            }
            Err(Errno::INTR) => continue,
            Err(e) if done > 0 && e != Errno::BADF => break,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Memory alignment of FILE_FLAG_NO_BUFFERING transfers. The handle's descriptor is
/// O_DIRECT, which also needs buffer addresses the device accepts; callers' buffers
/// (Python objects) have no such alignment, so direct transfers go through this.
const MEM_ALIGN: usize = 4096;

/// A zeroed scratch buffer of `len` bytes starting on a `MEM_ALIGN` boundary.
struct Bounce {
    mem: Vec<u8>,
    start: usize,
    len: usize,
}

impl Bounce {
    fn new(len: usize) -> std::result::Result<Self, Errno> {
        let mut mem = Vec::new();
        mem.try_reserve_exact(len + MEM_ALIGN).map_err(|_| Errno::NOMEM)?;
        mem.resize(len + MEM_ALIGN, 0);
        let start = mem.as_ptr().align_offset(MEM_ALIGN).min(MEM_ALIGN);
        Ok(Self { mem, start, len })
    }

    fn bytes(&mut self) -> &mut [u8] {
        &mut self.mem[self.start..self.start + self.len]
    }
}

fn unbuffered(file: &File) -> bool {
    file.flags() & FILE_FLAG_NO_BUFFERING != 0
}

/// `read_loop`, through an aligned buffer for unbuffered handles.
fn read_some(file: &File, buf: &mut [u8], offset: Option<u64>) -> std::result::Result<usize, Errno> {
    if !unbuffered(file) {
        return read_loop(file, buf, offset, sys_read);
    }
    let mut bounce = Bounce::new(buf.len())?;
    let n = read_loop(file, bounce.bytes(), offset, sys_read)?;
    buf[..n].copy_from_slice(&bounce.bytes()[..n]);
    Ok(n)
}

/// `write_loop`, through an aligned buffer for unbuffered handles.
fn write_some(file: &File, data: &[u8], offset: Option<u64>) -> std::result::Result<usize, Errno> {
    if !unbuffered(file) {
        return write_loop(file, data, offset);
    }
    let mut bounce = Bounce::new(data.len())?;
    bounce.bytes().copy_from_slice(data);
    write_loop(file, bounce.bytes(), offset)
}

/// A write to `file` went through another path (the io_uring engine): mark it modified.
pub(crate) fn note_written(file: &File) {
    mark_modified(file);
}

fn mark_modified(file: &File) {
    if file.note_modified() {
        if let Err(e) = crate::info::mark_archive(file.fd(), file.path()) {
            log::debug!("could not set ARCHIVE on {:?}: {e:?}", file.path());
        }
    }
}

/// `ReadFile`—reads at the handle's file pointer and advances it; 0 bytes at end of file.
///
/// # Linux mechanism
/// The handle's I/O word and the inode's lock-presence word (an F_OFD_GETLK probe for
/// other handles' locks only where one may be present), then read(2) on the handle's
/// own open file description.
pub fn read_file(h: Handle, buf: &mut [u8]) -> Result<usize> {
    const API: &str = "ReadFile";
    let file = file_for(h, API)?;
    if file.io_word() & io_bits::READ == 0 {
        check_read(&file, API)?;
        if let Some(dev) = super::device::device_of(&file) {
            return dev.read(&file, super::device::as_uninit(buf));
        }
        check_positional(&file, API)?;
        check_alignment(&file, buf.len(), None, API)?;
    }
    crate::lock::check_io(&file, None, buf.len(), false, API)?;
    read_some(&file, buf, None).api(API)
}

/// The checks `ReadFile` makes before reading `len` bytes (at the file pointer, or at
/// `offset`), without reading: the bindings run them before allocating a large result,
/// so a call that cannot succeed (a bad handle, no read access, a directory) allocates
/// nothing.
///
/// # Linux mechanism
/// The handle table lookup and the handle's access and flags; lseek(2) only for an
/// unbuffered handle's alignment rule.
pub fn check_read_file(h: Handle, len: usize, offset: Option<u64>) -> Result<()> {
    const API: &str = "ReadFile";
    let file = file_for(h, API)?;
    check_read(&file, API)?;
    if offset.is_none() {
        check_positional(&file, API)?;
    }
    check_alignment(&file, len, offset, API)
}

/// `ReadFile` into a buffer that need not be initialised (the bindings read straight
/// into a new Python `bytes`); returns `n`, and the first `n` bytes of `buf` are then
/// initialised. Otherwise the same as [`read_file`].
///
/// # Linux mechanism
/// read(2) on the handle's own open file description.
pub fn read_file_uninit(h: Handle, buf: &mut [MaybeUninit<u8>]) -> Result<usize> {
    const API: &str = "ReadFile";
    let file = file_for(h, API)?;
    if file.io_word() & io_bits::READ == 0 {
        check_read(&file, API)?;
        if let Some(dev) = super::device::device_of(&file) {
            return dev.read(&file, buf);
        }
        check_positional(&file, API)?;
        check_alignment(&file, buf.len(), None, API)?;
    }
    crate::lock::check_io(&file, None, buf.len(), false, API)?;
    if unbuffered(&file) {
        let mut bounce = Bounce::new(buf.len()).api(API)?;
        let n = read_loop(&file, bounce.bytes(), None, sys_read).api(API)?;
        for (dst, src) in buf.iter_mut().zip(&bounce.bytes()[..n]) {
            dst.write(*src);
        }
        return Ok(n);
    }
    read_loop(&file, buf, None, sys_read_uninit).api(API)
}

/// `ReadFile` into a buffer that need not be initialised, as far as it can go without
/// waiting for the device: `(n, true)` when the read is complete (the buffer is full, or
/// the end of file was met), `(n, false)` when the rest (`buf[n..]`) must be read with
/// [`read_file_uninit`], which may wait. Pipes, devices and unbuffered handles always
/// come back `(0, false)`, and so does any read whose checks need the kernel (the
/// handle's first I/O, a byte-range lock present on the inode, a file where programs
/// that do not use winfile may lock): the read is the only system call made here, and
/// it never waits. The bindings call this with the GIL held.
///
/// # Linux mechanism
/// The handle's I/O word and the inode's lock-presence word (two loads, under the
/// thread's hazard cell in the lock-free handle table instead of a reference count),
/// then preadv2(RWF_NOWAIT) at the file position: page-cache hits only, EAGAIN otherwise.
pub fn read_file_nowait(h: Handle, buf: &mut [MaybeUninit<u8>]) -> Result<(usize, bool)> {
    const API: &str = "ReadFile";
    handle::with::<File, _>(h, |file| {
        // Two loads say whether the handle is a buffered, synchronous disk file with
        // read access, and that no byte-range lock can be in the way. Anything else
        // (and its errors, and any system call the checks need: the first lookup of
        // the lock-presence slot, a lock probe) is the waiting path's.
        let w = file.io_word();
        if w & io_bits::READ == 0 || buf.is_empty() || !crate::lock::read_unlocked(w) {
            return Ok((0, false));
        }
        let mut done = 0;
        while done < buf.len() {
            match super::nowait::read(file.fd(), &mut buf[done..]).api(API)? {
                Some(0) => return Ok((done, true)),
                Some(n) => done += n,
                None => return Ok((done, false)),
            }
        }
        Ok((done, true))
    })
    .api(API)?
}

/// `ReadFile` with an OVERLAPPED offset. On a synchronous handle the file pointer then
/// moves past the bytes read, as Windows does.
///
/// # Linux mechanism
/// F_OFD_GETLK probe for other handles' locks, pread(2), then lseek(2) for
/// synchronous handles.
pub fn read_file_at(h: Handle, buf: &mut [u8], offset: u64) -> Result<usize> {
    const API: &str = "ReadFile";
    let file = file_for(h, API)?;
    check_read(&file, API)?;
    if let Some(dev) = super::device::device_of(&file) {
        return dev.read(&file, super::device::as_uninit(buf)); // devices have no offsets
    }
    check_alignment(&file, buf.len(), Some(offset), API)?;
    crate::lock::check_io(&file, Some(offset), buf.len(), false, API)?;
    let n = read_some(&file, buf, Some(offset)).api(API)?;
    if file.flags() & FILE_FLAG_OVERLAPPED == 0 {
        rustix::fs::seek(file.fd(), rustix::fs::SeekFrom::Start(offset + n as u64)).api(API)?;
    }
    Ok(n)
}

/// `WriteFile`—writes at the handle's file pointer (at the end for append-only access).
///
/// # Linux mechanism
/// The handle's I/O word and the inode's lock-presence word (an F_OFD_GETLK probe for
/// other handles' locks only where one may be present or the handle holds locks
/// itself), then write(2) on the handle's own open file description; ARCHIVE set on
/// first write.
pub fn write_file(h: Handle, data: &[u8]) -> Result<usize> {
    const API: &str = "WriteFile";
    let file = file_for(h, API)?;
    // A buffered, synchronous disk file with write access (one load) needs none of
    // these checks.
    if file.io_word() & io_bits::WRITE == 0 {
        check_write(&file, API)?;
        if let Some(dev) = super::device::device_of(&file) {
            return dev.write(&file, data);
        }
        check_positional(&file, API)?;
        check_alignment(&file, data.len(), None, API)?;
    }
    crate::lock::check_io(&file, None, data.len(), true, API)?;
    let n = write_some(&file, data, None).api(API)?;
    mark_modified(&file);
    Ok(n)
}

/// `WriteFile` with an OVERLAPPED offset (the file pointer follows on synchronous handles).
///
/// # Linux mechanism
/// F_OFD_GETLK probe for other handles' locks, pwrite(2), then lseek(2) for
/// synchronous handles.
pub fn write_file_at(h: Handle, data: &[u8], offset: u64) -> Result<usize> {
    const API: &str = "WriteFile";
    let file = file_for(h, API)?;
    check_write(&file, API)?;
    if let Some(dev) = super::device::device_of(&file) {
        return dev.write(&file, data); // devices have no offsets
    }
    check_alignment(&file, data.len(), Some(offset), API)?;
    crate::lock::check_io(&file, Some(offset), data.len(), true, API)?;
    let n = write_some(&file, data, Some(offset)).api(API)?;
    if file.flags() & FILE_FLAG_OVERLAPPED == 0 {
        rustix::fs::seek(file.fd(), rustix::fs::SeekFrom::Start(offset + n as u64)).api(API)?;
    }
    mark_modified(&file);
    Ok(n)
}

/// The checks an overlapped ReadFile/WriteFile makes before it is queued, so that a
/// rejected request fails at once and leaves the OVERLAPPED untouched: data access (1,
/// 5), FILE_FLAG_NO_BUFFERING alignment on disks (87), other handles' byte-range locks
/// (33).
pub(crate) fn check_queued(file: &File, len: usize, offset: u64, write: bool, api: &'static str) -> Result<()> {
    check_data(file, write, api)?;
    if file.kind() == FileKind::Disk {
        check_alignment(file, len, Some(offset), api)?;
        crate::lock::check_io(file, Some(offset), len, write, api)?;
    }
    Ok(())
}

/// One queued transfer performed synchronously (the thread-pool engine): disk files at
/// `offset`, pipes and devices at their current position. Checks were made at queueing.
pub(crate) fn transfer(file: &File, buf: &mut [u8], offset: Option<u64>) -> std::result::Result<usize, Errno> {
    read_some(file, buf, offset)
}

/// The write counterpart of [`transfer`]; marks the file modified.
pub(crate) fn transfer_out(file: &File, data: &[u8], offset: Option<u64>) -> std::result::Result<usize, Errno> {
    let n = write_some(file, data, offset)?;
    mark_modified(file);
    Ok(n)
}
