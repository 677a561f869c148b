//! DOS attributes: how they are derived from an inode plus `user.DOSATTRIB`, and
//! `SetFileAttributes` and the attribute bookkeeping of `CreateFile` and writes.
//!
//! Where each bit lives:
//! - DIRECTORY and REPARSE_POINT come from the file type;
//! - READONLY is "no write bit in the mode" (for directories too, as Samba maps it);
//!   for files it is also stored in `user.DOSATTRIB` and read from there, because Samba
//!   with `store dos attributes = yes` keeps an SMB client's READONLY only in the xattr
//!   and reads only the xattr (docs/across-machines.md);
//! - HIDDEN, SYSTEM, ARCHIVE, TEMPORARY, OFFLINE, NOT_CONTENT_INDEXED and SPARSE_FILE
//!   are stored in `user.DOSATTRIB`; without it a non-directory is ARCHIVE;
//! - HIDDEN is also reported for dot-files; COMPRESSED and ENCRYPTED come from statx.

use super::dosattrib::{encode_v5, DosAttrib};
use super::node::{xattrs_unsupported, Node, WRITE_BITS};
use super::FileTime;
use crate::consts::{
    FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_COMPRESSED, FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_ENCRYPTED,
    FILE_ATTRIBUTE_HIDDEN, FILE_ATTRIBUTE_NORMAL, FILE_ATTRIBUTE_NOT_CONTENT_INDEXED, FILE_ATTRIBUTE_OFFLINE,
    FILE_ATTRIBUTE_READONLY, FILE_ATTRIBUTE_REPARSE_POINT, FILE_ATTRIBUTE_SPARSE_FILE, FILE_ATTRIBUTE_SYSTEM,
    FILE_ATTRIBUTE_TEMPORARY,
};
use crate::error::{not_found_for, Win32Error};
use rustix::fs::{FileType, StatxAttributes, StatxFlags};
use rustix::io::Errno;
use std::os::fd::BorrowedFd;
use std::path::Path;

/// The bits `SetFileAttributes` can change; others are ignored, as Windows does.
pub const SETTABLE_ATTRIBUTES: u32 = FILE_ATTRIBUTE_READONLY
    | FILE_ATTRIBUTE_HIDDEN
    | FILE_ATTRIBUTE_SYSTEM
    | FILE_ATTRIBUTE_ARCHIVE
    | FILE_ATTRIBUTE_TEMPORARY
    | FILE_ATTRIBUTE_OFFLINE
    | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED;

/// The bits taken from `user.DOSATTRIB`; DIRECTORY, READONLY and REPARSE_POINT in
/// a stored value are ignored, the inode decides those.
pub const STORED_ATTRIBUTES: u32 = FILE_ATTRIBUTE_HIDDEN
    | FILE_ATTRIBUTE_SYSTEM
    | FILE_ATTRIBUTE_ARCHIVE
    | FILE_ATTRIBUTE_TEMPORARY
    | FILE_ATTRIBUTE_OFFLINE
    | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED
    | FILE_ATTRIBUTE_SPARSE_FILE;

/// The stored bits a file has when no `user.DOSATTRIB` exists: ARCHIVE for
/// anything but a directory (new and modified files are ARCHIVE).
pub(super) fn default_stored(is_dir: bool) -> u32 {
    if is_dir {
        0
    } else {
        FILE_ATTRIBUTE_ARCHIVE
    }
}

/// True when the last component of `name` starts with a dot (`.` and `..` excluded).
pub(super) fn is_dot_name(name: &Path) -> bool {
    name.file_name().is_some_and(|n| n.as_encoded_bytes().first() == Some(&b'.') && n != "." && n != "..")
}

/// The attribute word of an inode (`mode`, statx `attributes`), its stored
/// `user.DOSATTRIB` bits (`None` when there is none or it cannot be decoded), and
/// its name. `link_to_dir` says whether a symbolic link points at a directory.
pub(super) fn derive(
    mode: u32,
    statx_attributes: StatxAttributes,
    stored: Option<u32>,
    name: &Path,
    link_to_dir: bool,
) -> u32 {
    let kind = FileType::from_raw_mode(mode);
    let is_dir = kind == FileType::Directory;
    let mut a = match kind {
        FileType::Directory => FILE_ATTRIBUTE_DIRECTORY,
        FileType::Symlink if link_to_dir => FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY,
        FileType::Symlink => FILE_ATTRIBUTE_REPARSE_POINT,
        _ => 0,
    };
    let stored_readonly = kind == FileType::RegularFile && stored.is_some_and(|s| s & FILE_ATTRIBUTE_READONLY != 0);
    if kind != FileType::Symlink && is_readonly_mode(mode) || stored_readonly {
        a |= FILE_ATTRIBUTE_READONLY;
    }
    let shows_as_dir = a & FILE_ATTRIBUTE_DIRECTORY != 0;
    a |= stored.map_or_else(|| default_stored(is_dir || shows_as_dir), |s| s & STORED_ATTRIBUTES);
    if is_dot_name(name) {
        a |= FILE_ATTRIBUTE_HIDDEN;
    }
    if statx_attributes.contains(StatxAttributes::COMPRESSED) {
        a |= FILE_ATTRIBUTE_COMPRESSED;
    }
    if statx_attributes.contains(StatxAttributes::ENCRYPTED) {
        a |= FILE_ATTRIBUTE_ENCRYPTED;
    }
    if a == 0 {
        FILE_ATTRIBUTE_NORMAL
    } else {
        a
    }
}

/// The process umask, from the `Umask:` line of `/proc/self/status` (reading it
/// there, unlike calling umask(2) twice, cannot race with other threads creating
/// files); 0o022 when unreadable.
pub(super) fn process_umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("Umask:")).and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// The mode after clearing READONLY: the owner write bit, plus group and other
/// write bits where that class may read, less what the umask forbids.
pub(super) fn writable_mode(mode: u32, umask: u32) -> u32 {
    let mut w = 0o200;
    if mode & 0o040 != 0 {
        w |= 0o020;
    }
    if mode & 0o004 != 0 {
        w |= 0o002;
    }
    mode | ((w & !umask) | 0o200)
}

/// Applies READONLY to the mode: clears every write bit, or restores them.
fn apply_readonly(node: Node<'_>, mode: u32, readonly: bool) -> Result<(), Errno> {
    let has_write = mode & WRITE_BITS != 0;
    if readonly && has_write {
        node.chmod(mode & !WRITE_BITS)
    } else if !readonly && !has_write {
        node.chmod(writable_mode(mode, process_umask()))
    } else {
        Ok(())
    }
}

/// READONLY as the mode shows it: no write bit for anyone (Samba's "map readonly").
/// Callers that already hold a stat of the file use this instead of a second query.
pub fn is_readonly_mode(mode: u32) -> bool {
    mode & WRITE_BITS == 0
}

/// Stores `bits` (and the creation time already stored) in `user.DOSATTRIB`.
/// Nothing is written when no xattr exists yet and `bits` are the defaults; a file
/// system without user xattrs is not an error (logged at debug).
fn store_bits(node: Node<'_>, is_dir: bool, bits: u32, extra_create: Option<FileTime>) -> Result<(), Errno> {
    let existing = node.dosattrib();
    let old = existing.flatten();
    let create_time = old.and_then(|d| d.create_time).or(extra_create);
    if existing.is_none() && create_time.is_none() && bits == default_stored(is_dir) {
        return Ok(());
    }
    // SPARSE_FILE is stored but not settable: keep it.
    let keep = old.map_or(0, |d| d.attributes & FILE_ATTRIBUTE_SPARSE_FILE);
    // READONLY is stored for regular files only (Samba reads it from there).
    let bits = if is_dir { bits & !FILE_ATTRIBUTE_READONLY } else { bits };
    let value = encode_v5(&DosAttrib { attributes: bits | keep, create_time });
    match node.write_xattr(&value) {
        Err(e) if xattrs_unsupported(e) => {
            log::debug!("file system keeps no user xattrs; attributes {bits:#x} not stored");
            Ok(())
        }
        other => other,
    }
}

/// The error for a failed call on `path`: ENOENT/ENOTDIR tell a missing file (2)
/// from a missing directory on the way (3).
pub(super) fn path_error(path: &Path, e: Errno) -> Win32Error {
    if e == Errno::NOENT || e == Errno::NOTDIR {
        not_found_for(path)
    } else {
        Win32Error::from(e)
    }
}

/// `SetFileAttributes`—Sets the settable attribute bits of a file or directory.
///
/// `FILE_ATTRIBUTE_NORMAL` (or any value without settable bits) clears them all.
/// A symbolic link is followed (Linux keeps neither a mode nor user xattrs on links).
///
/// # Linux mechanism
/// chmod for READONLY; setxattr `user.DOSATTRIB` (Samba's v5 layout) for the rest.
pub fn set_attributes(path: &Path, attributes: u32) -> Result<(), Win32Error> {
    let node = Node::Path(path);
    let st = node.statx().map_err(|e| path_error(path, e))?;
    let mode = u32::from(st.stx_mode);
    let is_dir = FileType::from_raw_mode(mode) == FileType::Directory;
    let want = attributes & SETTABLE_ATTRIBUTES;
    let readonly = want & FILE_ATTRIBUTE_READONLY != 0;
    // Write bits go back before the xattr write and away after it: a file without
    // write permission refuses user xattrs.
    if !readonly {
        apply_readonly(node, mode, false).map_err(|e| path_error(path, e))?;
    }
    let stored = want
        & (STORED_ATTRIBUTES
            | if FileType::from_raw_mode(mode) == FileType::RegularFile { FILE_ATTRIBUTE_READONLY } else { 0 });
    match store_bits(node, is_dir, stored, None) {
        // Devices, fifos and sockets take no user xattrs (EPERM).
        Err(Errno::PERM) if !is_dir && FileType::from_raw_mode(mode) != FileType::RegularFile => {
            log::debug!("{}: special file keeps no user xattrs", path.display());
        }
        other => other.map_err(|e| path_error(path, e))?,
    }
    if readonly {
        apply_readonly(node, mode, true).map_err(|e| path_error(path, e))?;
    }
    Ok(())
}

/// Attributes of a file `CreateFile` has just created or overwritten: `attributes`
/// (settable bits) plus ARCHIVE; READONLY clears the mode's write bits.
///
/// No creation time is recorded where statx reports a birth time; elsewhere the
/// current ctime is stored as the creation time.
///
/// # Linux mechanism
/// fsetxattr `user.DOSATTRIB` (skipped when only ARCHIVE is asked), fchmod.
pub fn init_new_file(fd: BorrowedFd<'_>, path: &Path, attributes: u32) -> Result<(), Win32Error> {
    let node = Node::Fd(fd);
    let st = node.statx().map_err(Win32Error::from)?;
    let mode = u32::from(st.stx_mode);
    let is_dir = FileType::from_raw_mode(mode) == FileType::Directory;
    let kept = STORED_ATTRIBUTES | if is_dir { 0 } else { FILE_ATTRIBUTE_READONLY };
    let bits = (attributes & SETTABLE_ATTRIBUTES & kept) | FILE_ATTRIBUTE_ARCHIVE;
    let no_btime = st.stx_mask & StatxFlags::BTIME.bits() == 0;
    let create = no_btime.then(|| FileTime::from_unix(st.stx_ctime.tv_sec, st.stx_ctime.tv_nsec));
    if let Err(e) = store_bits(node, is_dir, bits, create) {
        log::debug!("{}: storing attributes failed ({e:?})", path.display());
        return Err(Win32Error::from(e));
    }
    if attributes & FILE_ATTRIBUTE_READONLY != 0 {
        apply_readonly(node, mode, true).map_err(Win32Error::from)?;
    }
    Ok(())
}

/// `FSCTL_SET_SPARSE`—sets or clears SPARSE_FILE, which `SetFileAttributes` cannot.
///
/// # Linux mechanism
/// fgetxattr/fsetxattr `user.DOSATTRIB` (Linux files are sparse by nature: only the
/// attribute bit is Windows' to keep).
pub fn set_sparse(fd: BorrowedFd<'_>, on: bool) -> Result<(), Win32Error> {
    let node = Node::Fd(fd);
    let st = node.statx().map_err(Win32Error::from)?;
    let is_dir = FileType::from_raw_mode(u32::from(st.stx_mode)) == FileType::Directory;
    let old = node.dosattrib().flatten();
    let bits = old.map_or(default_stored(is_dir), |d| d.attributes & (STORED_ATTRIBUTES | FILE_ATTRIBUTE_READONLY));
    let bits = if on { bits | FILE_ATTRIBUTE_SPARSE_FILE } else { bits & !FILE_ATTRIBUTE_SPARSE_FILE };
    if old.is_none() && !on {
        return Ok(());
    }
    let value = encode_v5(&DosAttrib { attributes: bits, create_time: old.and_then(|d| d.create_time) });
    match node.write_xattr(&value) {
        Err(e) if xattrs_unsupported(e) => Ok(()),
        other => other.map_err(Win32Error::from),
    }
}

/// Sets ARCHIVE after a modification. Cheap when already set: one xattr read, and
/// nothing at all is written when no `user.DOSATTRIB` exists (ARCHIVE is then the
/// default).
///
/// # Linux mechanism
/// fgetxattr/fsetxattr `user.DOSATTRIB`.
pub fn mark_archive(fd: BorrowedFd<'_>, path: &Path) -> Result<(), Win32Error> {
    let node = Node::Fd(fd);
    let Some(Some(old)) = node.dosattrib() else {
        return Ok(());
    };
    if old.attributes & FILE_ATTRIBUTE_ARCHIVE != 0 {
        return Ok(());
    }
    let value = encode_v5(&DosAttrib { attributes: old.attributes | FILE_ATTRIBUTE_ARCHIVE, ..old });
    match node.write_xattr(&value) {
        Err(e) if xattrs_unsupported(e) => Ok(()),
        Err(e) => {
            log::debug!("{}: setting ARCHIVE failed ({e:?})", path.display());
            Err(Win32Error::from(e))
        }
        Ok(()) => Ok(()),
    }
}

#[cfg(test)]
#[path = "attributes_tests.rs"]
mod tests;
