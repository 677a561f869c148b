//! Files whose byte-range locks may be held by programs that do not use winfile: there
//! the lock-presence words (`super::word`) cannot say "nobody holds a lock", so every
//! ReadFile/WriteFile probes the kernel, as it does everywhere with `WINFILE_LOCK_WORDS=0`.
//!
//! # Linux mechanism
//! Decided once per handle, at its first I/O check (`LockState::slot`):
//! - files on network file systems (NFS, SMB/CIFS, Ceph, AFS, GFS2, OCFS2, 9p, Lustre:
//!   `fstatfs(2)` `f_type`): locks taken on other machines reach this kernel only through
//!   the probe (`F_OFD_GETLK` is forwarded to the server), never through the words;
//! - files below a directory named in `WINFILE_FOREIGN_LOCKS` (colon-separated absolute
//!   Linux paths, read once per process): typically a directory Samba serves, whose SMB
//!   clients' locks smbd holds as OFD locks (`posix locking = yes`). A handle's file is
//!   "below" when it is on the same device (`fstat(2)`, free) and its `/proc/self/fd`
//!   name starts with the directory's real path (one `readlink(2)`, only on that device).
//!
//! See docs/across-machines.md.

use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `statfs.f_type` of file systems shared between machines.
const NETWORK_FS: &[u64] = &[
    0x6969,      // NFS_SUPER_MAGIC
    0xFF53_4D42, // CIFS_SUPER_MAGIC
    0xFE53_4D42, // SMB2_SUPER_MAGIC
    0x517B,      // SMB_SUPER_MAGIC
    0x00C3_6400, // CEPH_SUPER_MAGIC
    0x5346_414F, // AFS_SUPER_MAGIC
    0x6B41_4653, // AFS_FS_MAGIC (kAFS)
    0x0116_1970, // GFS2_MAGIC
    0x7461_636F, // OCFS2_SUPER_MAGIC
    0x0102_1997, // V9FS_MAGIC
    0x0BD0_0BD0, // LUSTRE_SUPER_MAGIC
];

/// The configured directories: (device, real path).
fn dirs() -> &'static [(u64, PathBuf)] {
    static DIRS: OnceLock<Vec<(u64, PathBuf)>> = OnceLock::new();
    DIRS.get_or_init(|| std::env::var_os("WINFILE_FOREIGN_LOCKS").map(|v| parse(Path::new(&v))).unwrap_or_default())
}

fn parse(list: &Path) -> Vec<(u64, PathBuf)> {
    list.as_os_str()
        .as_bytes()
        .split(|&b| b == b':')
        .filter(|p| p.first() == Some(&b'/'))
        .filter_map(|p| {
            let real = std::fs::canonicalize(Path::new(std::ffi::OsStr::from_bytes(p))).ok()?;
            let dev = rustix::fs::stat(&real).ok()?.st_dev;
            Some((dev, real))
        })
        .collect()
}

/// Whether locks on the file behind `fd` (whose `st_dev` is `dev`) may be held by
/// programs that do not use winfile, so that the words cannot be trusted for it.
pub(crate) fn may_have_foreign_locks(fd: BorrowedFd<'_>, dev: u64) -> bool {
    if rustix::fs::fstatfs(fd).is_ok_and(|s| NETWORK_FS.contains(&(s.f_type as u64))) {
        return true;
    }
    let dirs = dirs();
    if !dirs.iter().any(|(d, _)| *d == dev) {
        return false;
    }
    let link = format!("/proc/self/fd/{}", fd.as_raw_fd());
    match std::fs::read_link(link) {
        Ok(name) => dirs.iter().any(|(d, dir)| *d == dev && name.starts_with(dir)),
        // Unknown name on a configured device: probing is the safe answer.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_keeps_existing_absolute_directories() {
        let tmp = std::env::temp_dir();
        let list = format!("relative:{}:/no/such/dir::", tmp.display());
        let got = parse(Path::new(&list));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, std::fs::canonicalize(&tmp).unwrap());
    }

    #[test]
    fn local_files_outside_configured_directories_are_not_foreign() {
        let f = std::fs::File::open("/proc/self/exe").unwrap();
        let dev = rustix::fs::fstat(&f).unwrap().st_dev;
        // No WINFILE_FOREIGN_LOCKS in the test environment; a local file system.
        if std::env::var_os("WINFILE_FOREIGN_LOCKS").is_none() {
            let st = rustix::fs::fstatfs(&f).unwrap();
            let network = NETWORK_FS.contains(&(st.f_type as u64));
            assert_eq!(may_have_foreign_locks(std::os::fd::AsFd::as_fd(&f), dev), network);
        }
    }
}
