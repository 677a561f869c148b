//! The supported FSCTL codes.

use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle};
use crate::info;
use rustix::fs::{fallocate, seek, FallocateFlags, SeekFrom};
use rustix::io::Errno;

const API: &str = "DeviceIoControl";

/// `FSCTL_SET_SPARSE`.
pub const FSCTL_SET_SPARSE: u32 = 0x0009_00C4;
/// `FSCTL_SET_ZERO_DATA`.
pub const FSCTL_SET_ZERO_DATA: u32 = 0x0009_80C8;
/// `FSCTL_QUERY_ALLOCATED_RANGES`.
pub const FSCTL_QUERY_ALLOCATED_RANGES: u32 = 0x0009_40CF;
/// `FSCTL_GET_REPARSE_POINT`.
pub const FSCTL_GET_REPARSE_POINT: u32 = 0x0009_00A8;
/// SYMLINK_FLAG_RELATIVE in a symbolic link's reparse data.
const SYMLINK_FLAG_RELATIVE: u32 = 1;

fn i64_at(buf: &[u8], at: usize) -> Option<i64> {
    buf.get(at..at + 8).and_then(|b| b.try_into().ok()).map(i64::from_le_bytes)
}

/// How many bytes of its input buffer `code` reads at most (0 for codes without input
/// and codes not implemented): the bindings pass no more than that, so a huge input
/// buffer is never copied for a call that reads 16 bytes of it, or none.
pub fn input_needed(code: u32) -> usize {
    match code {
        FSCTL_SET_SPARSE => 1,
        FSCTL_SET_ZERO_DATA | FSCTL_QUERY_ALLOCATED_RANGES => 16,
        _ => 0,
    }
}

/// `DeviceIoControl`—runs `code` on the handle with `input`; returns the output bytes
/// (at most `out_len`; ERROR_MORE_DATA when a reparse point does not fit, with nothing
/// returned, ERROR_INSUFFICIENT_BUFFER when not even one record fits).
///
/// # Linux mechanism
/// FSCTL_SET_SPARSE → the SPARSE_FILE bit in `user.DOSATTRIB`; FSCTL_SET_ZERO_DATA →
/// fallocate(PUNCH_HOLE); FSCTL_QUERY_ALLOCATED_RANGES → lseek(SEEK_DATA/SEEK_HOLE);
/// FSCTL_GET_REPARSE_POINT → readlink of a symbolic link opened with
/// FILE_FLAG_OPEN_REPARSE_POINT; other codes → ERROR_INVALID_FUNCTION.
pub fn device_io_control(h: Handle, code: u32, input: &[u8], out_len: usize) -> Result<Vec<u8>> {
    let file = handle::get::<File>(h).api(API)?;
    match code {
        FSCTL_SET_SPARSE => set_sparse(&file, input.first().is_none_or(|b| *b != 0)).map(|()| Vec::new()),
        FSCTL_SET_ZERO_DATA => zero_data(&file, input).map(|()| Vec::new()),
        FSCTL_QUERY_ALLOCATED_RANGES => allocated_ranges(&file, input, out_len),
        FSCTL_GET_REPARSE_POINT => reparse_point(&file, out_len),
        _ => Err(Error::new(Win32Error::INVALID_FUNCTION, API)),
    }
}

fn set_sparse(file: &File, on: bool) -> Result<()> {
    if !file.can_write() && !file.can_write_attributes() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    info::set_sparse(file.fd(), on).api(API)
}

fn zero_data(file: &File, input: &[u8]) -> Result<()> {
    let (Some(from), Some(beyond)) = (i64_at(input, 0), i64_at(input, 8)) else {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    };
    if from < 0 || beyond < from {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    if !file.can_write() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let (from, len) = (from as u64, (beyond - from) as u64);
    if len == 0 {
        return Ok(());
    }
    match fallocate(file.fd(), FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE, from, len) {
        Ok(()) => Ok(()),
        // No hole punching here: write the zeros (what the call promises to read back).
        Err(Errno::OPNOTSUPP) => write_zeros(file, from, len),
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

fn write_zeros(file: &File, mut at: u64, len: u64) -> Result<()> {
    let size = rustix::fs::fstat(file.fd()).api(API)?.st_size as u64;
    let end = (at + len).min(size);
    let zeros = vec![0u8; 1 << 16];
    while at < end {
        let n = ((end - at) as usize).min(zeros.len());
        at += rustix::io::pwrite(file.fd(), &zeros[..n], at).api(API)? as u64;
    }
    Ok(())
}

fn allocated_ranges(file: &File, input: &[u8], out_len: usize) -> Result<Vec<u8>> {
    let (Some(start), Some(len)) = (i64_at(input, 0), i64_at(input, 8)) else {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    };
    if start < 0 || len < 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let size = rustix::fs::fstat(file.fd()).api(API)?.st_size as u64;
    let end = (start as u64).saturating_add(len as u64).min(size);
    let mut out = Vec::new();
    let mut at = start as u64;
    while at < end {
        let data = match seek(file.fd(), SeekFrom::Data(at)) {
            Ok(d) => d,
            Err(Errno::NXIO) => break, // no data after `at`
            Err(e) => return Err(Error::new(e.into(), API)),
        };
        if data >= end {
            break;
        }
        let hole = seek(file.fd(), SeekFrom::Hole(data)).unwrap_or(end).min(end);
        if out.len() + 16 > out_len {
            // Windows returns the records that fit with ERROR_MORE_DATA; none fitting is
            // ERROR_INSUFFICIENT_BUFFER.
            let code = if out.is_empty() { Win32Error::INSUFFICIENT_BUFFER } else { Win32Error::MORE_DATA };
            return Err(Error::new(code, API));
        }
        out.extend_from_slice(&(data as i64).to_le_bytes());
        out.extend_from_slice(&((hole - data) as i64).to_le_bytes());
        at = hole;
    }
    Ok(out)
}

fn reparse_point(file: &File, out_len: usize) -> Result<Vec<u8>> {
    let out = symlink_reparse_data(file, API)?;
    if out.len() > out_len {
        return Err(Error::new(Win32Error::MORE_DATA, API));
    }
    Ok(out)
}

/// The REPARSE_DATA_BUFFER (IO_REPARSE_TAG_SYMLINK) of a symbolic link opened with
/// FILE_FLAG_OPEN_REPARSE_POINT; ERROR_NOT_A_REPARSE_POINT for anything else.
pub(crate) fn symlink_reparse_data(file: &File, api: &'static str) -> Result<Vec<u8>> {
    let target = match rustix::fs::readlinkat(file.fd(), "", Vec::new()) {
        Ok(t) => t.into_string().map_err(|_| Error::new(Win32Error::INVALID_NAME, api))?,
        Err(Errno::INVAL | Errno::NOENT) => return Err(Error::new(Win32Error::NOT_A_REPARSE_POINT, api)),
        Err(e) => return Err(Error::new(e.into(), api)),
    };
    let relative = !target.starts_with('/');
    let shown = if relative {
        target.replace('/', "\\")
    } else {
        crate::path::unix_to_windows(std::path::Path::new(&target)).unwrap_or_else(|| target.clone())
    };
    let substitute = if relative { shown.clone() } else { format!(r"\??\{shown}") };
    let utf16 = |s: &str| s.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>();
    let (sub, print) = (utf16(&substitute), utf16(&shown));
    let data_len = 12 + sub.len() + print.len();
    let mut out = Vec::with_capacity(8 + data_len);
    out.extend_from_slice(&crate::consts::IO_REPARSE_TAG_SYMLINK.to_le_bytes());
    out.extend_from_slice(&(data_len as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // SubstituteNameOffset
    out.extend_from_slice(&(sub.len() as u16).to_le_bytes());
    out.extend_from_slice(&(sub.len() as u16).to_le_bytes()); // PrintNameOffset
    out.extend_from_slice(&(print.len() as u16).to_le_bytes());
    out.extend_from_slice(&(if relative { SYMLINK_FLAG_RELATIVE } else { 0 }).to_le_bytes());
    out.extend_from_slice(&sub);
    out.extend_from_slice(&print);
    Ok(out)
}
