//! The journal: where a transaction's shadows and its decision record live, and the
//! record's format.
//!
//! Every volume (mount) has one journal directory, `.winfile-txn/` at its mount root;
//! each transaction owns `<root>/.winfile-txn/<id>/`, which holds its shadows (`s<N>`), a
//! `lock` file its process keeps `flock`ed, and — once decided — the `commit` record.
//! The record is written to `commit.tmp`, fsynced, renamed to `commit` and the directory
//! fsynced: its presence is the one durable decision (see docs/transactions.md).

use crate::error::Win32Error;
use rustix::fs::{flock, FlockOperation, Mode, OFlags, CWD};
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The journal directory's name at a mount root.
pub(crate) const DIR_NAME: &str = ".winfile-txn";
const MAGIC: &str = "winfile-txn 1";

/// One redo step of a decided transaction; each is idempotent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// Remove a file name (absent already: done).
    Unlink(PathBuf),
    /// Remove an empty directory (absent already: done).
    Rmdir(PathBuf),
    /// rename(2) a shadow onto its target (shadow absent: done).
    Install(PathBuf, PathBuf),
}

/// A transaction's own journal directory, held by its process.
pub(crate) struct Journal {
    pub(crate) dir: PathBuf,
    /// The mount the transaction's names live on.
    pub(crate) mnt: Option<u64>,
    /// The `flock`ed lock file: held while the transaction's process lives.
    _lock: OwnedFd,
    next: u64,
}

/// `.winfile-txn` of the volume holding `path` (the mount root), created if needed.
/// ERROR_NOT_SUPPORTED when it cannot exist there (read-only, no permission).
pub(crate) fn root_for(path: &Path) -> Result<PathBuf, Win32Error> {
    let root = crate::mountinfo::mount_root(path).join(DIR_NAME);
    match fs::create_dir(&root) {
        Ok(()) => {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(&root, fs::Permissions::from_mode(0o1777));
            sync_dir(root.parent().unwrap_or(Path::new("/")));
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(_) => return Err(Win32Error::NOT_SUPPORTED),
    }
    if !trusted(&root) {
        return Err(Win32Error::NOT_SUPPORTED);
    }
    Ok(root)
}

/// Whether `path` is a real directory (not a symbolic link) owned by root or by us:
/// the journal directory, and each transaction's own directory before recovery
/// believes its record. Another user's journal is never replayed: its record could
/// name any file.
pub(crate) fn trusted(path: &Path) -> bool {
    match rustix::fs::statat(CWD, path, rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => {
            let uid = rustix::process::geteuid().as_raw();
            rustix::fs::FileType::from_raw_mode(st.st_mode).is_dir() && (st.st_uid == 0 || st.st_uid == uid)
        }
        Err(_) => false,
    }
}

/// Whether `path` is owned by us (the effective user), without following a link.
pub(crate) fn ours(path: &Path) -> bool {
    rustix::fs::statat(CWD, path, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
        .is_ok_and(|st| st.st_uid == rustix::process::geteuid().as_raw())
}

/// The mount id (statx STX_MNT_ID) of `path`'s nearest existing ancestor: a transaction
/// spans one mount, since rename(2) cannot cross mounts.
pub(crate) fn mount_id(path: &Path) -> Option<u64> {
    let mut p = path;
    loop {
        match rustix::fs::statx(CWD, p, rustix::fs::AtFlags::SYMLINK_NOFOLLOW, rustix::fs::StatxFlags::MNT_ID) {
            Ok(st) => return Some(st.stx_mnt_id),
            Err(_) => p = p.parent()?,
        }
    }
}

/// fsync(2) of a directory (its entries made durable); errors are ignored (file systems
/// that cannot sync directories have nothing to make durable).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(fd) = rustix::fs::openat(CWD, dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
        let _ = rustix::fs::fsync(&fd);
    }
}

fn hex(id: &[u8]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

impl Journal {
    /// Creates the transaction's directory under `root`: made as `<id>.new`, its lock
    /// taken, then renamed into place, so recovery never sees a live journal unlocked.
    pub(crate) fn create(root: &Path, id: &[u8; 16]) -> Result<Journal, Win32Error> {
        let name = hex(id);
        let tmp = root.join(format!("{name}.new"));
        let dir = root.join(&name);
        fs::create_dir(&tmp).map_err(|_| Win32Error::NOT_SUPPORTED)?;
        let lock = rustix::fs::openat(
            CWD,
            tmp.join("lock"),
            OFlags::CREATE | OFlags::RDWR | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )
        .map_err(|_| Win32Error::NOT_SUPPORTED)?;
        flock(&lock, FlockOperation::NonBlockingLockExclusive).map_err(|_| Win32Error::NOT_SUPPORTED)?;
        fs::rename(&tmp, &dir).map_err(|_| Win32Error::NOT_SUPPORTED)?;
        Ok(Journal { mnt: mount_id(root), dir, _lock: lock, next: 0 })
    }

    /// A fresh shadow name in the journal.
    pub(crate) fn shadow_name(&mut self) -> PathBuf {
        self.next += 1;
        self.dir.join(format!("s{}", self.next))
    }

    /// Writes the decision record durably: `commit.tmp`, fsync, rename to `commit`,
    /// fsync of the directory (which also makes the shadows' names durable).
    pub(crate) fn decide(&self, ops: &[Op]) -> Result<(), Win32Error> {
        let tmp = self.dir.join("commit.tmp");
        let mut f = fs::File::create(&tmp).map_err(|e| crate::error::from_io(&e))?;
        f.write_all(&encode(ops)).map_err(|e| crate::error::from_io(&e))?;
        f.sync_all().map_err(|e| crate::error::from_io(&e))?;
        drop(f);
        fs::rename(&tmp, self.dir.join("commit")).map_err(|e| crate::error::from_io(&e))?;
        sync_dir(&self.dir);
        Ok(())
    }

    /// Removes the journal directory once everything is applied (or rolled back):
    /// renamed to `<id>.done` first, so a crash mid-removal leaves only garbage.
    pub(crate) fn finish(&self) {
        finish_dir(&self.dir);
    }
}

/// Retires a journal directory: `<dir>.done`, then removed.
pub(crate) fn finish_dir(dir: &Path) {
    let mut done = dir.as_os_str().to_owned();
    done.push(".done");
    let done = PathBuf::from(done);
    if fs::rename(dir, &done).is_ok() {
        let _ = fs::remove_dir_all(&done);
    } else {
        let _ = fs::remove_dir_all(dir);
    }
}

fn enc(p: &Path) -> String {
    hex(p.as_os_str().as_bytes())
}

fn dec(s: &str) -> Option<PathBuf> {
    if s.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect();
    Some(PathBuf::from(OsStr::from_bytes(&bytes?)))
}

/// The record's text: a magic line, one line per op (paths hex-encoded), `END`.
pub(crate) fn encode(ops: &[Op]) -> Vec<u8> {
    let mut s = format!("{MAGIC}\n");
    for op in ops {
        match op {
            Op::Unlink(p) => s.push_str(&format!("U {}\n", enc(p))),
            Op::Rmdir(p) => s.push_str(&format!("R {}\n", enc(p))),
            Op::Install(a, b) => s.push_str(&format!("I {} {}\n", enc(a), enc(b))),
        }
    }
    s.push_str("END\n");
    s.into_bytes()
}

/// Parses a record; None when it is not complete and well-formed.
pub(crate) fn decode(data: &[u8]) -> Option<Vec<Op>> {
    let text = std::str::from_utf8(data).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MAGIC {
        return None;
    }
    let mut ops = Vec::new();
    for line in lines {
        let mut parts = line.split(' ');
        match (parts.next()?, parts.next(), parts.next()) {
            ("END", None, None) => return Some(ops),
            ("U", Some(p), None) => ops.push(Op::Unlink(dec(p)?)),
            ("R", Some(p), None) => ops.push(Op::Rmdir(dec(p)?)),
            ("I", Some(a), Some(b)) => ops.push(Op::Install(dec(a)?, dec(b)?)),
            _ => return None,
        }
    }
    None
}

/// Whether the lock file of journal `dir` is free (its process is gone), taking it if so.
pub(crate) fn take_abandoned(dir: &Path) -> Option<OwnedFd> {
    let fd = rustix::fs::openat(CWD, dir.join("lock"), OFlags::RDWR | OFlags::CLOEXEC, Mode::empty()).ok()?;
    flock(fd.as_fd(), FlockOperation::NonBlockingLockExclusive).ok()?;
    Some(fd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_truncation_is_refused() {
        let ops = vec![
            Op::Unlink(PathBuf::from("/a b/c\nd")),
            Op::Rmdir(PathBuf::from("/x")),
            Op::Install(PathBuf::from("/j/s1"), PathBuf::from("/t/\u{e9}")),
        ];
        let data = encode(&ops);
        assert_eq!(decode(&data), Some(ops));
        assert_eq!(decode(&data[..data.len() - 4]), None);
    }
}
