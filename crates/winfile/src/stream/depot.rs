//! Named streams too large for the file system's xattr budget, in the layout of
//! Samba's vfs_streams_depot: `<depot>/XX/YY/<file id>/:<name>:$DATA` (the stream's
//! full Windows name, leading colon included, as smbd 4.17 writes it), where `<file id>`
//! is the 16-byte file id (st_dev then st_ino, little-endian) in upper-case hex, XX and
//! YY the low two bytes of Samba's hash of those 16 bytes, and the base file carries
//! `user.SAMBA_STREAMS` = `1` (Samba's marker that the directory belongs to this
//! inode, not to an earlier file that had the same inode number).
//!
//! `<depot>` is `$WINFILE_STREAMS_DEPOT` when set (give Samba the same directory as
//! `streams_depot:directory`), else `<mount root of the file>/.streams`, Samba's default
//! for a share at the mount root.

use rustix::fs::Stat;
use std::path::{Path, PathBuf};

/// Samba's marker xattr on a base file whose depot directory is valid.
pub const MARKER: &str = "user.SAMBA_STREAMS";

/// Samba's hash of the 16-byte file id.
fn hash(key: &[u8]) -> u32 {
    let mut value = 0x238F_13AFu32.wrapping_mul(key.len() as u32);
    for (i, b) in key.iter().enumerate() {
        value = value.wrapping_add(u32::from(*b) << ((i as u32 * 5) % 24));
    }
    1_103_515_243u32.wrapping_mul(value).wrapping_add(12345)
}

/// True when `$WINFILE_STREAMS_LAYOUT` is `depot`: every named stream is kept in the
/// depot, whatever its size (for a Samba share with `vfs objects = streams_depot`, which
/// reads no `user.DosStream.*` xattrs). Otherwise (unset or `auto`) a stream that fits
/// the xattr budget is kept in its xattr.
pub fn depot_only() -> bool {
    std::env::var_os("WINFILE_STREAMS_LAYOUT").is_some_and(|v| v == "depot")
}

/// The depot root for a file at `path`.
pub fn depot_root(path: &Path) -> PathBuf {
    if let Some(d) = std::env::var_os("WINFILE_STREAMS_DEPOT").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    crate::mountinfo::mount_root(path).join(".streams")
}

/// The stream directory of the file with `st` at `path`.
pub fn stream_dir(path: &Path, st: &Stat) -> PathBuf {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&st.st_dev.to_le_bytes());
    id[8..].copy_from_slice(&st.st_ino.to_le_bytes());
    let h = hash(&id);
    let hex: String = id.iter().map(|b| format!("{b:02X}")).collect();
    depot_root(path).join(format!("{:02X}", h & 0xff)).join(format!("{:02X}", (h >> 8) & 0xff)).join(hex)
}

/// The file of stream `name` in `dir`: `:<name>:$DATA`, the name Samba's
/// vfs_streams_depot gives it (its directory entries are the streams' full names).
pub fn stream_file(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(":{name}:$DATA"))
}

/// The depot streams of a file: (name, path, size). Only when the base file carries
/// the marker (else the directory belongs to an earlier file with the same inode).
pub fn list(path: &Path, st: &Stat, marked: bool) -> Vec<(String, PathBuf, u64)> {
    if !marked {
        return Vec::new();
    }
    let dir = stream_dir(path, st);
    let Ok(rd) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<_> = rd
        .filter_map(|e| {
            let e = e.ok()?;
            let fname = e.file_name().into_string().ok()?;
            let name = fname.strip_prefix(':')?.strip_suffix(":$DATA")?.to_string();
            let meta = e.metadata().ok()?;
            meta.is_file().then(|| (name, e.path(), meta.len()))
        })
        .collect();
    out.sort();
    out
}

/// Creates the stream directory of the file (0755 levels, as Samba makes them) and
/// marks the base file through `fd`.
///
/// A directory found for a file that is not marked belongs to an earlier file with the
/// same inode (deleted by something other than winfile or Samba): it is moved aside to
/// `<depot>/lost-<pid>-<nanoseconds>`, as Samba does, never shown as this file's.
pub fn prepare(path: &Path, st: &Stat, fd: std::os::fd::BorrowedFd<'_>) -> std::io::Result<PathBuf> {
    let dir = stream_dir(path, st);
    let mut one = [0u8; 1];
    let marked = rustix::fs::fgetxattr(fd, MARKER, &mut one).is_ok_and(|n| n == 1 && one[0] == b'1');
    if !marked && std::fs::symlink_metadata(&dir).is_ok() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let lost = depot_root(path).join(format!("lost-{}-{nanos}", std::process::id()));
        std::fs::rename(&dir, &lost)?;
    }
    std::fs::DirBuilder::new().recursive(true).create(&dir)?;
    if !marked {
        rustix::fs::fsetxattr(fd, MARKER, b"1", rustix::fs::XattrFlags::empty())?;
    }
    Ok(dir)
}

/// The file at `path` (with `st`) loses its last name: its stream directory goes too
/// (Samba's vfs_streams_depot does the same on unlink).
/// `marked`: whether the file carried the marker ([`is_marked`] before the unlink).
pub fn remove_for(path: &Path, st: &Stat, marked: bool) {
    if st.st_nlink == 1 && marked {
        let _ = std::fs::remove_dir_all(stream_dir(path, st));
    }
}

/// Whether the file at `path` carries Samba's depot marker.
pub fn is_marked(path: &Path) -> bool {
    let mut one = [0u8; 1];
    rustix::fs::lgetxattr(path, MARKER, &mut one).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samba_hash_levels() {
        // Fixed points of the hash, so a change of the layout shows here.
        assert_eq!(hash(&[]), 12345);
        let h = hash(&[1u8; 16]);
        assert_eq!(h, hash(&[1u8; 16]));
        assert_ne!(h & 0xffff, hash(&[2u8; 16]) & 0xffff);
    }
}
