//! The namespace directories and their lock.
//!
//! - Session namespace (`Local\`, bare names): `<runtime>/winfile/objects`, the user's
//!   runtime base (`path::runtime`), each level a private directory (mode 0700, owned
//!   by the user) or refused with ERROR_ACCESS_DENIED.
//! - Global namespace (`Global\`): `/dev/shm/winfile-global` (or
//!   `${TMPDIR:-/tmp}/winfile-global` without /dev/shm), a sticky world-writable
//!   directory as /tmp is, never a symlink.
//!
//! Each directory has a `.lock` file: an exclusive `flock` on it serialises creating,
//! opening from scratch and unlinking object files. The kernel drops it when its
//! holder dies, so it can never stay taken.

use crate::error::Win32Error;
use crate::path::runtime::{self, DirState};
use std::fs;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

fn global_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.join("winfile-global")
    } else {
        runtime::absolute_var("TMPDIR").unwrap_or_else(|| PathBuf::from("/tmp")).join("winfile-global")
    }
}

/// The directory of a namespace, created when `create`; `None` when it does not exist
/// (nothing was ever created there).
pub(super) fn namespace(global: bool, create: bool) -> Result<Option<PathBuf>, Win32Error> {
    if global {
        let dir = global_dir();
        if create && fs::symlink_metadata(&dir).is_err() {
            make_global_dir(&dir);
        }
        return match fs::symlink_metadata(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Ok(m) if m.is_dir() && m.mode() & 0o1777 == 0o1777 => Ok(Some(dir)),
            _ => Err(Win32Error::ACCESS_DENIED),
        };
    }
    let none = |create: bool| if create { Err(Win32Error::ACCESS_DENIED) } else { Ok(None) };
    let Some(base) = runtime::runtime_base(create) else { return none(create) };
    let winfile = base.join("winfile");
    let objects = winfile.join("objects");
    for d in [&winfile, &objects] {
        match runtime::private_dir(d, create) {
            DirState::Private => {}
            DirState::Missing if !create => return Ok(None),
            _ => return Err(Win32Error::ACCESS_DENIED),
        }
    }
    Ok(Some(objects))
}

/// Creates the sticky global directory so that nobody ever sees it with other modes:
/// made under a private name, given mode 01777 (past the umask), then renamed into
/// place unless another process was first.
fn make_global_dir(dir: &Path) {
    let Some(parent) = dir.parent() else { return };
    let tmp = parent.join(format!(".winfile-global.{}.{}", std::process::id(), super::me().tid));
    if fs::DirBuilder::new().mode(0o700).create(&tmp).is_err() {
        return;
    }
    let _ = fs::set_permissions(&tmp, fs::Permissions::from_mode(0o1777));
    let cwd = rustix::fs::CWD;
    if rustix::fs::renameat_with(cwd, &tmp, cwd, dir, rustix::fs::RenameFlags::NOREPLACE).is_err() {
        let _ = fs::remove_dir(&tmp);
    }
}

/// The namespace lock, held until dropped.
pub(super) struct NsLock(#[allow(dead_code)] OwnedFd);

impl NsLock {
    pub(super) fn take(dir: &Path, global: bool) -> Result<Self, Win32Error> {
        let f = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(if global { 0o666 } else { 0o600 })
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(dir.join(".lock"))
            .or_else(|_| {
                fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                    .open(dir.join(".lock"))
            })
            .map_err(|_| Win32Error::ACCESS_DENIED)?;
        if global {
            let _ = rustix::fs::fchmod(&f, rustix::fs::Mode::from_raw_mode(0o666));
        }
        let fd = OwnedFd::from(f);
        loop {
            match rustix::fs::flock(fd.as_fd(), rustix::fs::FlockOperation::LockExclusive) {
                Ok(()) => return Ok(NsLock(fd)),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(crate::error::from_errno(e)),
            }
        }
    }
}
