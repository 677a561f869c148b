//! COPY_FILE_RESTARTABLE: a stopped copy records on its destination how far it got and
//! which source it was copying; a later restartable copy of the same, unchanged source
//! to that destination resumes there.
//!
//! The record is the xattr `user.winfile.copyrestart`: `v1 <dev> <ino> <size> <mtime s>
//! <mtime ns> <bytes done>`. A source whose identity, size or last write time differ
//! starts over. File systems without user xattrs keep no record: the copy starts over.

use rustix::fs::{fgetxattr, fremovexattr, fsetxattr, fstat, Stat, XattrFlags};
use std::os::fd::BorrowedFd;

const NAME: &str = "user.winfile.copyrestart";

fn identity(st: &Stat) -> String {
    format!("v1 {} {} {} {} {}", st.st_dev, st.st_ino, st.st_size, st.st_mtime, st.st_mtime_nsec)
}

/// Records that `done` bytes of the source described by `src` are in `dst`.
pub(crate) fn save(dst: BorrowedFd<'_>, src: &Stat, done: u64) {
    let value = format!("{} {done}", identity(src));
    if let Err(e) = fsetxattr(dst, NAME, value.as_bytes(), XattrFlags::empty()) {
        log::debug!("no restart record for a stopped copy: {e}");
    }
}

/// Bytes already copied, when `dst` holds a record for this very source (and at least
/// that many bytes).
pub(crate) fn resume_point(dst: BorrowedFd<'_>, src: &Stat) -> Option<u64> {
    let mut buf = [0u8; 256];
    let n = fgetxattr(dst, NAME, &mut buf).ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    let (id, done) = text.rsplit_once(' ')?;
    let done: u64 = done.parse().ok()?;
    let have = u64::try_from(fstat(dst).ok()?.st_size).ok()?;
    (id == identity(src) && done <= have).then_some(done)
}

/// Drops the record (the copy finished, or starts over).
pub(crate) fn clear(dst: BorrowedFd<'_>) {
    let _ = fremovexattr(dst, NAME);
}
