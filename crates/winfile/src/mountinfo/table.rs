//! The mount table (`/proc/self/mountinfo`) and mount-root detection.

use std::fs;
use std::path::{Path, PathBuf};

use rustix::fs::{statx, AtFlags, StatxAttributes, StatxFlags, CWD};

/// One line of `/proc/self/mountinfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The mount ID (`statx` `stx_mnt_id`).
    pub id: u64,
    /// The device (`major`, `minor`) of the mounted file system (`st_dev`).
    pub dev: (u32, u32),
    /// The directory of the file system that is the root of this mount (`/` unless a
    /// bind mount of a subdirectory).
    pub root: PathBuf,
    /// Where it is mounted.
    pub mount_point: PathBuf,
    /// The file system type (`ext4`, `tmpfs`, ...).
    pub fstype: String,
    /// The mount source (`/dev/vda`, `tmpfs`, `server:/export`).
    pub source: String,
}

/// Undoes mountinfo's octal escapes (`\040` for a space, `\134` for a backslash...).
fn unescape(field: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let b = field.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c)) {
            let v = b[i + 1..i + 4].iter().fold(0u32, |a, c| a * 8 + u32::from(c - b'0'));
            out.push(u8::try_from(v & 0xFF).unwrap_or(b'?'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    PathBuf::from(std::ffi::OsString::from_vec(out))
}

/// Parses one mountinfo line; `None` for a malformed one.
fn parse_line(line: &str) -> Option<Mount> {
    let (head, tail) = line.split_once(" - ")?;
    let mut h = head.split(' ');
    let id = h.next()?.parse().ok()?;
    let _parent = h.next()?;
    let (maj, min) = h.next()?.split_once(':')?;
    let root = unescape(h.next()?);
    let mount_point = unescape(h.next()?);
    let mut t = tail.split(' ');
    let fstype = t.next()?.to_string();
    let source = t.next().unwrap_or("").to_string();
    Some(Mount { id, dev: (maj.parse().ok()?, min.parse().ok()?), root, mount_point, fstype, source })
}

/// Every mount visible to the process, in mountinfo order (parents before children).
pub fn mounts() -> Vec<Mount> {
    fs::read_to_string("/proc/self/mountinfo").map(|s| s.lines().filter_map(parse_line).collect()).unwrap_or_default()
}

/// True if `path` (followed) is the root of a mount: `STATX_ATTR_MOUNT_ROOT`, else a
/// change of `st_dev` from its parent, or `/`.
pub fn is_mount_root(path: &Path) -> bool {
    if path == Path::new("/") {
        return true;
    }
    if let Ok(st) = statx(CWD, path, AtFlags::empty(), StatxFlags::BASIC_STATS) {
        if st.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT) {
            return st.stx_attributes.contains(StatxAttributes::MOUNT_ROOT);
        }
        let parent = path.parent().unwrap_or(Path::new("/"));
        if let Ok(pst) = statx(CWD, parent, AtFlags::empty(), StatxFlags::BASIC_STATS) {
            return (st.stx_dev_major, st.stx_dev_minor) != (pst.stx_dev_major, pst.stx_dev_minor);
        }
    }
    false
}

/// The mount ID of the mount holding `path` (followed), from `statx` `STATX_MNT_ID`.
pub fn mount_id(path: &Path) -> Option<u64> {
    let st = statx(CWD, path, AtFlags::empty(), StatxFlags::MNT_ID).ok()?;
    (st.stx_mask & StatxFlags::MNT_ID.bits() != 0).then_some(st.stx_mnt_id)
}

/// The mount holding `path` (followed): the mountinfo line whose ID `statx` reports.
pub fn mount_of(path: &Path) -> Option<Mount> {
    let id = mount_id(path)?;
    mounts().into_iter().find(|m| m.id == id)
}

/// The nearest existing ancestor of `path` (itself if it exists), lexically.
pub fn existing_ancestor(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    loop {
        if fs::metadata(&p).is_ok() {
            return p;
        }
        if !p.pop() {
            return PathBuf::from("/");
        }
    }
}

/// The mount root of the mount holding `path` (or its nearest existing ancestor):
/// the mount point from mountinfo, else a walk up to the first mount root.
pub fn mount_root(path: &Path) -> PathBuf {
    let start = existing_ancestor(path);
    let start = fs::canonicalize(&start).unwrap_or(start);
    if let Some(m) = mount_of(&start) {
        if start.starts_with(&m.mount_point) {
            return m.mount_point;
        }
    }
    let mut p = start;
    while !is_mount_root(&p) {
        if !p.pop() {
            return PathBuf::from("/");
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mountinfo_lines() {
        let m = parse_line(r"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw").unwrap();
        assert_eq!((m.id, m.dev, m.fstype.as_str()), (27, (254, 0), "ext4"));
        assert_eq!(m.mount_point, PathBuf::from("/"));
        let m = parse_line(r"42 27 254:0 /a\040b /mnt/x\134y rw shared:1 - ext4 /dev/vda rw").unwrap();
        assert_eq!(m.root, PathBuf::from("/a b"));
        assert_eq!(m.mount_point, PathBuf::from("/mnt/x\\y"));
        assert!(parse_line("garbage").is_none());
    }

    #[test]
    fn root_is_a_mount_root() {
        assert!(is_mount_root(Path::new("/")));
        assert_eq!(mount_root(Path::new("/no/such/dir/at/all")), mount_root(Path::new("/")));
        let id = mount_id(Path::new("/")).unwrap();
        assert!(mounts().iter().any(|m| m.id == id));
    }
}
