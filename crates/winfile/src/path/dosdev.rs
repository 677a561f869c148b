//! The DOS device table: drive letters, `unc` and named devices mapped to Linux paths,
//! laid out like Wine's `dosdevices` directory.
//!
//! A table is a directory of symlinks named in lowercase: `c:` → a Linux directory,
//! `com1` → `/dev/ttyS0`, `c::` → a volume device, `unc` → a directory holding
//! `server/share/...`. Two tables are consulted, first hit wins:
//! 1. `$XDG_RUNTIME_DIR/winfile/dosdevices/` (runtime definitions, `DefineDosDevice`;
//!    when the variable is unset, `${TMPDIR:-/tmp}/winfile-<uid>/winfile/dosdevices/`,
//!    or a private fallback when another user holds that name: see `path/runtime.rs`;
//!    read only when the user owns it and nobody else may write it);
//! 2. `$XDG_CONFIG_HOME/winfile/dosdevices/` (default `$HOME/.config/winfile/dosdevices/`;
//!    read only when owned by the user or root and not writable by everyone).
//!
//! If neither defines `z:`, it maps to `/`. The tables are read on every lookup (a
//! `readdir` or `lstat` plus `realpath`), so edits take effect at once.

use super::runtime::{self, absolute_var};
use crate::poison::MutexExt;
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// The drive that maps to `/` when no table defines it.
const DEFAULT_ROOT_DRIVE: char = 'z';

/// A set of DOS device tables, in lookup order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DosDevices {
    dirs: Vec<PathBuf>,
    /// Read through the table cache (`tablecache`): the tables named by the environment.
    cached: bool,
}

/// The runtime table in use, `<base>/winfile/dosdevices`, where `<base>` is
/// `$XDG_RUNTIME_DIR`, else `${TMPDIR:-/tmp}/winfile-<uid>`, else a private directory
/// under the user's cache directory when another user holds that name (see
/// `path/runtime.rs`). `None` while there is no base yet (nothing was ever defined).
pub fn runtime_table_dir() -> Option<PathBuf> {
    runtime::runtime_base(false).map(|b| b.join("winfile").join("dosdevices"))
}

/// The runtime table to read: only a directory of the user's, writable by nobody else,
/// in a base that is the same (another user could have made either).
fn readable_runtime_table() -> Option<PathBuf> {
    let table = runtime_table_dir()?;
    (runtime::check_dir(&table, false) == runtime::DirState::Private).then_some(table)
}

/// `$XDG_CONFIG_HOME/winfile/dosdevices` (default `$HOME/.config/winfile/dosdevices`).
pub fn user_table_dir() -> Option<PathBuf> {
    absolute_var("XDG_CONFIG_HOME")
        .or_else(|| absolute_var("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("winfile").join("dosdevices"))
}

/// The per-user table to read: only one owned by the user (or root) that not everyone
/// may write (`sudo -E` keeps the invoking user's `$HOME`, a table root must not trust).
pub(super) fn readable_user_table() -> Option<PathBuf> {
    user_table_dir().filter(|d| runtime::trusted_config_dir(d))
}

impl DosDevices {
    /// The tables named by the environment (runtime, then per-user).
    pub fn from_env() -> Self {
        Self {
            dirs: super::tablecache::dirs(|| {
                readable_runtime_table().into_iter().chain(readable_user_table()).collect()
            }),
            cached: true,
        }
    }

    /// Tables in the given directories, first one first (tests, tools).
    pub fn with_dirs(dirs: Vec<PathBuf>) -> Self {
        Self { dirs, cached: false }
    }

    /// The table directories, in lookup order.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The Linux target of the entry `name` (matched in lowercase) in the first table
    /// holding it. The target is canonicalised when it exists, so it compares with
    /// `getcwd`; a dangling symlink yields its target as written, relative to its table.
    ///
    /// Only a single entry name is looked up: `..`, `.`, an empty name or one holding `/`
    /// would leave the table directory, so they name nothing.
    pub fn entry(&self, name: &str) -> Option<PathBuf> {
        if !super::parse::is_single_name(name) {
            return None;
        }
        let name = name.to_lowercase();
        self.dirs.iter().find_map(|dir| {
            let entry = dir.join(&name);
            if self.cached {
                super::tablecache::target(&entry, || target_of(dir, &entry))
            } else {
                target_of(dir, &entry)
            }
        })
    }

    /// `QueryDosDevice("X:")`—the Linux directory drive `letter` maps to.
    pub fn drive_root(&self, letter: char) -> Option<PathBuf> {
        if !letter.is_ascii_alphabetic() {
            return None;
        }
        let letter = letter.to_ascii_lowercase();
        self.entry(&format!("{letter}:")).or_else(|| (letter == DEFAULT_ROOT_DRIVE).then(|| PathBuf::from("/")))
    }

    /// Every defined drive, indexed `a` = 0, read with one `readdir` per table.
    pub fn drives(&self) -> [Option<PathBuf>; 26] {
        let mut out: [Option<PathBuf>; 26] = Default::default();
        for dir in &self.dirs {
            let Ok(entries) = fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(idx) = drive_index(&name) else {
                    continue;
                };
                if let Some(slot) = out.get_mut(idx) {
                    if slot.is_none() {
                        *slot = target_of(dir, &entry.path());
                    }
                }
            }
        }
        let z = usize::from(DEFAULT_ROOT_DRIVE as u8 - b'a');
        if let Some(slot @ None) = out.get_mut(z) {
            *slot = Some(PathBuf::from("/"));
        }
        out
    }

    /// `GetLogicalDrives`—bit 0 set for A:, bit 25 for Z:.
    pub fn logical_drives(&self) -> u32 {
        self.drives().iter().enumerate().filter(|(_, root)| root.is_some()).fold(0, |mask, (i, _)| mask | (1 << i))
    }

    /// The drive (uppercase letter) whose root is the longest prefix of `linux`, with
    /// that root; ties go to the earlier letter.
    pub fn locate(&self, linux: &Path) -> Option<(char, PathBuf)> {
        let mut best: Option<(char, PathBuf, usize)> = None;
        for (i, root) in self.drives().into_iter().enumerate() {
            let Some(root) = root else { continue };
            if !linux.starts_with(&root) {
                continue;
            }
            let depth = root.components().count();
            if best.as_ref().is_none_or(|(_, _, d)| depth > *d) {
                let letter = char::from(b'A' + u8::try_from(i).unwrap_or(25));
                best = Some((letter, root, depth));
            }
        }
        best.map(|(l, r, _)| (l, r))
    }

    /// The Windows form (`Z:\tmp\x`) of an absolute Linux path, through the drive whose
    /// root is its longest prefix. `None` for a relative path, a name that is not UTF-8
    /// or holds a backslash, or when no drive covers it.
    pub fn unix_to_windows(&self, linux: &Path) -> Option<String> {
        if !linux.is_absolute() {
            return None;
        }
        let (letter, root) = self.locate(linux)?;
        let rest = linux.strip_prefix(&root).ok()?;
        let mut parts: Vec<&str> = Vec::new();
        for comp in rest.components() {
            match comp {
                Component::Normal(s) => {
                    let s = s.to_str().filter(|s| !s.contains('\\'))?;
                    parts.push(s);
                }
                Component::ParentDir => {
                    parts.pop();
                }
                _ => {}
            }
        }
        Some(format!("{letter}:\\{}", parts.join("\\")))
    }

    /// The directory UNC paths map into (`unc` entry): `\\server\share\x` →
    /// `<unc>/server/share/x`.
    pub fn unc_root(&self) -> Option<PathBuf> {
        self.entry("unc")
    }
}

/// `a:` .. `z:` → 0..25.
fn drive_index(name: &OsString) -> Option<usize> {
    let b = name.as_encoded_bytes();
    match b {
        [l, b':'] if l.is_ascii_lowercase() => Some(usize::from(l - b'a')),
        _ => None,
    }
}

/// A drive root's real path, with the directory it named when it was computed.
struct RealRoot {
    entry: PathBuf,
    dev: u64,
    ino: u64,
    real: PathBuf,
}

/// Real paths of table entries already resolved: `realpath` costs a `readlink` per
/// component of the entry and of its target, on every name resolved through a drive.
static REAL_ROOTS: std::sync::Mutex<Vec<RealRoot>> = std::sync::Mutex::new(Vec::new());

/// `fs::canonicalize(entry)`, from the cache while the entry and the cached real path
/// both still lead to the same directory or file (two `stat`s instead of a `realpath`).
fn real_path(entry: &Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let now = fs::metadata(entry)?;
    let lock = || REAL_ROOTS.locked();
    let cached =
        lock().iter().find(|c| c.entry == entry && c.dev == now.dev() && c.ino == now.ino()).map(|c| c.real.clone());
    if let Some(real) = cached {
        if fs::metadata(&real).is_ok_and(|m| m.dev() == now.dev() && m.ino() == now.ino()) {
            return Ok(real);
        }
    }
    let real = fs::canonicalize(entry)?;
    let mut cache = lock();
    cache.retain(|c| c.entry != entry);
    if cache.len() >= 64 {
        cache.remove(0);
    }
    cache.push(RealRoot { entry: entry.to_path_buf(), dev: now.dev(), ino: now.ino(), real: real.clone() });
    Ok(real)
}

/// The Linux path a table entry stands for, or `None` if there is no such entry.
fn target_of(dir: &Path, entry: &Path) -> Option<PathBuf> {
    super::tablecache::note(entry);
    if let Ok(real) = real_path(entry) {
        return Some(real);
    }
    let meta = fs::symlink_metadata(entry).ok()?;
    if meta.file_type().is_symlink() {
        if let Ok(t) = fs::read_link(entry) {
            return Some(if t.is_absolute() { t } else { dir.join(t) });
        }
    }
    Some(entry.to_path_buf())
}

/// `QueryDosDevice("X:")`—the Linux directory drive `letter` maps to, from the tables
/// named by the environment.
///
/// # Linux mechanism
/// `realpath` of `<table>/x:` in the runtime then the per-user table (cached while a
/// `stat` of the entry and of the cached path still agree).
#[doc(alias = "QueryDosDevice")]
pub fn drive_root(letter: char) -> Option<PathBuf> {
    DosDevices::from_env().drive_root(letter)
}

/// `GetLogicalDrives`—the defined drives as a bitmask (bit 0 = A:).
///
/// # Linux mechanism
/// `readdir` of each table directory, keeping the `x:` entries; `z:` → `/` by default.
///
/// # References
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getlogicaldrives>
#[doc(alias = "GetLogicalDrives")]
pub fn logical_drives() -> u32 {
    DosDevices::from_env().logical_drives()
}

/// The Windows form of an absolute Linux path (`/tmp/x` → `Z:\tmp\x`), through the
/// drive whose root is the longest prefix.
///
/// # Linux mechanism
/// Pure string work over the drive table (Wine's `wine_get_dos_file_name`).
#[doc(alias = "wine_get_dos_file_name")]
pub fn unix_to_windows(linux: &Path) -> Option<String> {
    DosDevices::from_env().unix_to_windows(linux)
}

#[cfg(test)]
#[path = "dosdev_tests.rs"]
mod tests;
