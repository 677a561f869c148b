//! Where the runtime DOS device table lives, chosen so that no other user can plant or
//! read into it.
//!
//! The base directory is, first usable one wins:
//! 1. `$XDG_RUNTIME_DIR` (when absolute);
//! 2. `${TMPDIR:-/tmp}/winfile-<euid>`, created mode 0700 when missing;
//! 3. `${XDG_CACHE_HOME:-$HOME/.cache}/winfile/runtime-<boot id>`, a private location
//!    used when another user has taken the name in 2, or it cannot be made (per boot,
//!    as /tmp is).
//!
//! A base is usable only if it is a directory owned by the effective user and writable
//! by nobody else; in the shared temporary directory it must also not be a symlink
//! (lstat, never following), and that directory must be sticky if others may write it,
//! so nobody can rename ours away and put theirs in its place. The table directories
//! below a base are checked the same way before anything in them is read, and are made
//! with mkdir(2) mode 0700, which never follows a symlink.
//!
//! Reading never creates anything: a missing base means no runtime definitions yet.

use std::env;
use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

/// What a checked directory turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirState {
    /// A directory of the effective user that nobody else may write.
    Private,
    /// Nothing there.
    Missing,
    /// Something else: another user's, writable by others, a symlink, a file.
    Refused,
}

/// The effective user id (the owner required of every runtime directory).
fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// An environment variable holding an absolute path (XDG ignores relative ones).
pub fn absolute_var(name: &str) -> Option<PathBuf> {
    env::var_os(name).map(PathBuf::from).filter(|p| p.is_absolute())
}

/// Checks `path` without following a final symlink unless `follow` (lstat or stat):
/// a directory owned by the effective user, not writable by group or others.
pub fn check_dir(path: &Path, follow: bool) -> DirState {
    super::tablecache::note(path);
    let meta = if follow { fs::metadata(path) } else { fs::symlink_metadata(path) };
    match meta {
        Err(e) if e.kind() == ErrorKind::NotFound => DirState::Missing,
        Err(_) => DirState::Refused,
        Ok(m) if m.is_dir() && m.uid() == euid() && m.mode() & 0o022 == 0 => DirState::Private,
        Ok(_) => DirState::Refused,
    }
}

/// [`check_dir`] (never following), after creating the directory with mode 0700 when
/// `create` and it is missing. mkdir(2) fails on an existing name, symlink included,
/// so what was there before is checked, never replaced or followed.
pub fn private_dir(path: &Path, create: bool) -> DirState {
    if create {
        match fs::DirBuilder::new().mode(0o700).create(path) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(_) => return check_dir(path, false),
        }
    }
    check_dir(path, false)
}

/// True if nobody but its owner (the user or root) can replace entries of `dir`: not
/// writable by group or others, or sticky (`/tmp`).
fn entries_protected(dir: &Path) -> bool {
    super::tablecache::note(dir);
    fs::metadata(dir)
        .is_ok_and(|m| (m.uid() == 0 || m.uid() == euid()) && (m.mode() & 0o022 == 0 || m.mode() & 0o1000 != 0))
}

/// True for a directory a table may be read from though the user did not make it for
/// winfile (the per-user configuration table): owned by the user or root, not writable
/// by everyone. Symlinks are followed (dotfile managers link configuration directories).
pub fn trusted_config_dir(path: &Path) -> bool {
    super::tablecache::note(path);
    fs::metadata(path).is_ok_and(|m| m.is_dir() && (m.uid() == euid() || m.uid() == 0) && m.mode() & 0o002 == 0)
}

/// `${TMPDIR:-/tmp}/winfile-<euid>`.
fn tmp_base() -> PathBuf {
    absolute_var("TMPDIR").unwrap_or_else(|| PathBuf::from("/tmp")).join(format!("winfile-{}", euid()))
}

/// `${XDG_CACHE_HOME:-$HOME/.cache}/winfile/runtime-<boot id>`, the private fallback.
fn private_base() -> Option<(PathBuf, PathBuf)> {
    let cache = absolute_var("XDG_CACHE_HOME").or_else(|| absolute_var("HOME").map(|h| h.join(".cache")))?;
    static BOOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let boot = BOOT.get_or_init(|| {
        fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|s| s.trim().to_string())
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
            .unwrap_or_else(|| "0".into())
    });
    let parent = cache.join("winfile");
    Some((parent.clone(), parent.join(format!("runtime-{boot}"))))
}

/// The base directory of the runtime table (see the module notes), created when
/// `create`. `None` when there is none yet (reading) or none can be made safely.
pub fn runtime_base(create: bool) -> Option<PathBuf> {
    if let Some(xdg) = absolute_var("XDG_RUNTIME_DIR") {
        // The variable is the user's own setting: a symlink there is followed, but the
        // directory must still be theirs (not, say, the invoking user's under sudo).
        if create && check_dir(&xdg, true) == DirState::Missing {
            let _ = fs::DirBuilder::new().mode(0o700).recursive(true).create(&xdg);
        }
        match check_dir(&xdg, true) {
            DirState::Private => return Some(xdg),
            DirState::Missing => return None,
            DirState::Refused => {}
        }
    }
    let tmp = tmp_base();
    if tmp.parent().is_some_and(entries_protected) {
        // Anything but our own directory (another user's, a link, none could be made)
        // sends definitions to the private location, and reads follow them there.
        match private_dir(&tmp, create) {
            DirState::Private => return Some(tmp),
            DirState::Refused if create => {
                let shown = tmp.display();
                log::warn!(
                    "{shown} is not a private directory of this user: runtime table kept in the cache directory"
                );
            }
            _ => {}
        }
    }
    let (parent, base) = private_base()?;
    if create {
        if let Some(cache) = parent.parent() {
            let _ = fs::DirBuilder::new().mode(0o700).recursive(true).create(cache);
        }
        private_dir(&parent, true);
    }
    (check_dir(&parent, false) == DirState::Private && private_dir(&base, create) == DirState::Private).then_some(base)
}

#[cfg(test)]
#[path = "runtime_tests.rs"]
mod tests;
