//! Windows features whose honest Linux answer is a fixed one, built for real (not
//! refusals, see `unsupported.rs`): EFS status and decryption (no file is EFS-encrypted),
//! Windows File Protection (no file is protected), WOW64 redirection (a native process
//! has none), plus `GetBinaryType` and `GetCompressedFileSize`, which read the file.

use super::query_path;
use crate::error::{not_found_for, Context, Error, Result, Win32Error};
use rustix::fs::{AtFlags, FileType, Mode, OFlags, CWD};
use std::io::Read;
use std::path::{Path, PathBuf};

/// `FILE_SYSTEM_NOT_SUPPORT`, FileEncryptionStatus' answer for a volume without EFS.
pub const FILE_SYSTEM_NOT_SUPPORT: u32 = 6;

/// The Linux path of an existing file or directory named `name`, or Windows' not-found
/// code (2 or 3).
fn existing(name: &str, api: &'static str) -> Result<PathBuf> {
    let path = query_path(name, api)?;
    match rustix::fs::statat(CWD, &path, AtFlags::empty()) {
        Ok(_) => Ok(path),
        Err(_) => Err(Error::new(not_found_for(&path), api)),
    }
}

/// `FileEncryptionStatus`—whether a file could be EFS-encrypted.
///
/// # Linux mechanism
/// stat(2) for existence, then FILE_SYSTEM_NOT_SUPPORT (6): Windows' answer for a file on
/// a volume without EFS, which every Linux file system is.
#[doc(alias = "FileEncryptionStatusW")]
pub fn file_encryption_status(name: &str) -> Result<u32> {
    existing(name, "FileEncryptionStatus")?;
    Ok(FILE_SYSTEM_NOT_SUPPORT)
}

/// `DecryptFile`—decrypts an EFS-encrypted file; a file that is not encrypted is left
/// alone and the call succeeds, as Windows documents. No Linux file is EFS-encrypted.
///
/// # Linux mechanism
/// stat(2) for existence (2/3 when missing); nothing to decrypt.
#[doc(alias = "DecryptFileW")]
pub fn decrypt_file(name: &str) -> Result<()> {
    existing(name, "DecryptFile").map(|_| ())
}

/// `SfcIsFileProtected`—whether Windows File Protection guards a file: never on Linux.
///
/// # Linux mechanism
/// A constant `false`: no Linux file is under Windows File Protection.
pub fn sfc_is_file_protected(_name: &str) -> bool {
    false
}

/// `SfcGetNextProtectedFile`—the files Windows File Protection guards: none on Linux.
///
/// # Linux mechanism
/// An empty list (the enumeration ends at once with ERROR_NO_MORE_FILES).
pub fn sfc_get_next_protected_file() -> Vec<String> {
    Vec::new()
}

/// `Wow64DisableWow64FsRedirection`—turns off the System32 → SysWOW64 redirection of a
/// 32-bit process on 64-bit Windows. A native process has no redirection: the call
/// succeeds and changes nothing, as for a 64-bit process on Windows. Returns the opaque
/// value to hand back to [`wow64_revert_fs_redirection`].
///
/// # Linux mechanism
/// No redirection exists on Linux: returns the state value 0 and changes nothing.
pub fn wow64_disable_fs_redirection() -> u64 {
    0
}

/// `Wow64RevertWow64FsRedirection`—restores the redirection state saved by
/// [`wow64_disable_fs_redirection`]; with no redirection there is nothing to restore.
///
/// # Linux mechanism
/// Accepts the state value and changes nothing.
pub fn wow64_revert_fs_redirection(_old: u64) {}

/// `SCS_32BIT_BINARY`.
pub const SCS_32BIT_BINARY: u32 = 0;
/// `SCS_DOS_BINARY`.
pub const SCS_DOS_BINARY: u32 = 1;
/// `SCS_POSIX_BINARY`.
pub const SCS_POSIX_BINARY: u32 = 4;
/// `SCS_64BIT_BINARY`.
pub const SCS_64BIT_BINARY: u32 = 6;

/// The SCS_* kind of an executable image from its first bytes and, for a PE image, the
/// machine word; `None` when it is no executable Windows (or Linux) would run.
fn binary_kind(head: &[u8], pe_machine: Option<u16>) -> Option<u32> {
    if head.starts_with(b"\x7fELF") {
        // The native executables of Linux: POSIX applications, in Windows' terms.
        return Some(SCS_POSIX_BINARY);
    }
    if !head.starts_with(b"MZ") {
        return None;
    }
    match pe_machine {
        Some(0x8664 | 0xAA64 | 0x0200) => Some(SCS_64BIT_BINARY),
        Some(0x014C | 0x01C4 | 0x01C0) => Some(SCS_32BIT_BINARY),
        Some(_) => None,
        None => Some(SCS_DOS_BINARY),
    }
}

/// The machine field of the PE header `e_lfanew` points at, if there is one.
fn pe_machine(file: &mut std::fs::File, head: &[u8]) -> Option<u16> {
    use std::io::{Seek, SeekFrom};
    let lfanew = u32::from_le_bytes(head.get(0x3C..0x40)?.try_into().ok()?);
    file.seek(SeekFrom::Start(u64::from(lfanew))).ok()?;
    let mut sig = [0u8; 6];
    file.read_exact(&mut sig).ok()?;
    (sig[..4] == *b"PE\0\0").then(|| u16::from_le_bytes([sig[4], sig[5]]))
}

/// `GetBinaryType`—the kind of executable a file is: SCS_32BIT_BINARY or
/// SCS_64BIT_BINARY for PE images by machine, SCS_DOS_BINARY for MZ without PE, and
/// SCS_POSIX_BINARY for ELF (Linux's native executables); anything else gives
/// ERROR_BAD_EXE_FORMAT (193), a directory ERROR_ACCESS_DENIED.
///
/// # Linux mechanism
/// Reads the MZ/PE (or ELF) header of the file.
#[doc(alias = "GetBinaryTypeW")]
pub fn get_binary_type(name: &str) -> Result<u32> {
    const API: &str = "GetBinaryType";
    let path = existing(name, API)?;
    let fd = rustix::fs::openat(
        CWD,
        &path,
        OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK,
        Mode::empty(),
    )
    .api(API)?;
    let st = rustix::fs::fstat(&fd).api(API)?;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => {}
        FileType::Directory => return Err(Error::new(Win32Error::ACCESS_DENIED, API)),
        _ => return Err(Error::new(Win32Error::BAD_EXE_FORMAT, API)),
    }
    let mut file = std::fs::File::from(fd);
    let mut head = [0u8; 64];
    let n = read_up_to(&mut file, &mut head).map_err(|_| Error::new(Win32Error::READ_FAULT, API))?;
    let head = &head[..n];
    let machine = if head.starts_with(b"MZ") { pe_machine(&mut file, head) } else { None };
    binary_kind(head, machine).ok_or(Error::new(Win32Error::BAD_EXE_FORMAT, API))
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// What Windows reports as a file's "compressed" size: the bytes actually allocated when
/// that is less than the size (a sparse or file-system-compressed file), else the size.
pub(crate) fn compressed_size(size: u64, blocks: u64) -> u64 {
    size.min(blocks.saturating_mul(512))
}

/// `GetCompressedFileSize`—the size a file takes on disk when it is compressed or
/// sparse, else its size; 0 for a directory.
///
/// # Linux mechanism
/// stat(2) (following links): min(st_size, st_blocks × 512).
#[doc(alias = "GetCompressedFileSizeW")]
pub fn get_compressed_file_size(name: &str) -> Result<u64> {
    const API: &str = "GetCompressedFileSize";
    let path = query_path(name, API)?;
    let st = rustix::fs::statat(CWD, &path, AtFlags::empty())
        .map_err(|_| Error::new(not_found_for(Path::new(&path)), API))?;
    if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
        return Ok(0);
    }
    Ok(compressed_size(st.st_size as u64, st.st_blocks as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_kinds() {
        assert_eq!(binary_kind(b"\x7fELF\x02\x01", None), Some(SCS_POSIX_BINARY));
        assert_eq!(binary_kind(b"MZ\x90\x00", Some(0x8664)), Some(SCS_64BIT_BINARY));
        assert_eq!(binary_kind(b"MZ\x90\x00", Some(0x014C)), Some(SCS_32BIT_BINARY));
        assert_eq!(binary_kind(b"MZ\x90\x00", None), Some(SCS_DOS_BINARY));
        assert_eq!(binary_kind(b"#!/bin/sh\n", None), None);
    }

    #[test]
    fn compressed_sizes() {
        assert_eq!(compressed_size(100, 8), 100); // a small file in one block
        assert_eq!(compressed_size(1 << 20, 0), 0); // all hole
        assert_eq!(compressed_size(1 << 20, 8), 4096); // sparse: allocated bytes
    }
}
