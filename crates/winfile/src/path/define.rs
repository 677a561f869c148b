//! `DefineDosDevice` and `QueryDosDevice`: the per-user runtime DOS device table.
//!
//! Windows keeps a stack of definitions per name: a new definition hides the current
//! one, and removing it brings the previous one back. winfile keeps that stack per
//! name in `<runtime>/winfile/dosdevices.stack/<name>` (records of the NT target
//! text and the Linux directory it stands for), and points the runtime table's
//! symlink `<runtime>/winfile/dosdevices/<name>` at the top definition, so path
//! resolution (which reads the table on every lookup) follows at once. Edits are
//! serialised with flock(2) on `<runtime>/winfile/dosdevices.lock`.
//!
//! `<runtime>` is `$XDG_RUNTIME_DIR`, or `${TMPDIR:-/tmp}/winfile-<uid>` (mode 0700,
//! owned by the user) when it is unset, or a private directory in the user's cache
//! directory when another user holds that name (see `path/runtime.rs`). The per-user
//! table (`$XDG_CONFIG_HOME`) holds the "system" definitions at the bottom of each
//! stack; DefineDosDevice never edits it.
//!
//! Targets as `QueryDosDevice` reports them:
//! - a definition made without `DDD_RAW_TARGET_PATH`: `\??\` + the full path given
//!   (`\??\C:\data`, `\??\/srv/data` for a Unix path), resolved to its Linux
//!   directory when defined;
//! - a raw definition: the text as given. `\??\<dos or unix path>`,
//!   `\DosDevices\...`, `\GLOBAL??\...` and `\Device\HarddiskVolumeN[\dir]` are
//!   understood; anything else is recorded but leads nowhere (opening through it fails
//!   with 3);
//! - a table entry: `\Device\HarddiskVolumeN` when it is the root of a mount, else
//!   `\??\<linux path>`; `NUL` is `\Device\Null`.

use super::dosdev::{readable_user_table, DosDevices};
use super::full::full_path_name;
use super::parse;
use super::resolve::resolve;
use super::runtime::{self, DirState};
use super::types::PathStyle;
use crate::error::Win32Error;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{symlink, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// `DDD_RAW_TARGET_PATH`.
pub const DDD_RAW_TARGET_PATH: u32 = 0x1;
/// `DDD_REMOVE_DEFINITION`.
pub const DDD_REMOVE_DEFINITION: u32 = 0x2;
/// `DDD_EXACT_MATCH_ON_REMOVE`.
pub const DDD_EXACT_MATCH_ON_REMOVE: u32 = 0x4;

/// One definition: the NT target text and the Linux path it leads to, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Definition {
    nt: String,
    linux: Option<PathBuf>,
}

/// The runtime directory `<base>/winfile` and its table `<base>/winfile/dosdevices`,
/// with the stack directory beside it, each created mode 0700 when `create`. Every one
/// must be a real directory of the user's that nobody else may write (see
/// `path/runtime.rs`): anything else is refused with `ERROR_ACCESS_DENIED` and never
/// read, written or followed.
fn runtime_dirs(create: bool) -> Result<(PathBuf, PathBuf), Win32Error> {
    let none = if create { Win32Error::ACCESS_DENIED } else { Win32Error::PATH_NOT_FOUND };
    let base = runtime::runtime_base(create).ok_or(none)?;
    let dir = base.join("winfile");
    let table = dir.join("dosdevices");
    for d in [&dir, &table, &dir.join("dosdevices.stack")] {
        match runtime::private_dir(d, create) {
            DirState::Private => {}
            DirState::Missing if !create => {}
            _ => return Err(Win32Error::ACCESS_DENIED),
        }
    }
    Ok((dir, table))
}

/// `O_NOFOLLOW` for `OpenOptions::custom_flags`: files of the runtime table are never
/// reached through a symlink.
fn nofollow() -> i32 {
    i32::try_from(rustix::fs::OFlags::NOFOLLOW.bits()).unwrap_or(0)
}

fn io_err(e: std::io::Error) -> Win32Error {
    e.raw_os_error()
        .map_or(Win32Error::GEN_FAILURE, |n| crate::error::from_errno(rustix::io::Errno::from_raw_os_error(n)))
}

/// Reads a stack file: `nt \0 linux \0` records, bottom first.
fn read_stack(file: &Path) -> Vec<Definition> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let opened = fs::OpenOptions::new().read(true).custom_flags(nofollow()).open(file);
    if opened.and_then(|mut f| f.read_to_end(&mut bytes)).is_err() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    let fields: Vec<&str> = text.split('\0').collect();
    fields
        .chunks(2)
        .filter(|c| c.len() == 2 && !c[0].is_empty())
        .map(|c| Definition { nt: c[0].to_string(), linux: (!c[1].is_empty()).then(|| PathBuf::from(c[1])) })
        .collect()
}

fn write_stack(file: &Path, stack: &[Definition]) -> Result<(), Win32Error> {
    if stack.is_empty() {
        let _ = fs::remove_file(file);
        return Ok(());
    }
    let mut out = String::new();
    for d in stack {
        out.push_str(&d.nt);
        out.push('\0');
        if let Some(l) = &d.linux {
            out.push_str(&l.to_string_lossy());
        }
        out.push('\0');
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let _ = fs::remove_file(&tmp);
    let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp).map_err(io_err)?;
    f.write_all(out.as_bytes()).map_err(io_err)?;
    fs::rename(&tmp, file).map_err(io_err)
}

/// Points `<table>/<key>` at the top definition (or removes it).
fn sync_link(table: &Path, key: &str, top: Option<&Definition>) -> Result<(), Win32Error> {
    let link = table.join(key);
    let Some(top) = top else {
        return match fs::remove_file(&link) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_err(e)),
            _ => Ok(()),
        };
    };
    // A definition with no Linux meaning still hides older ones: a dangling link.
    let target = top.linux.clone().unwrap_or_else(|| PathBuf::from(format!("winfile-undefined:{}", top.nt)));
    let tmp = table.join(format!(".{key}.tmp{}", std::process::id()));
    let _ = fs::remove_file(&tmp);
    symlink(&target, &tmp).map_err(io_err)?;
    fs::rename(&tmp, &link).map_err(io_err)
}

/// The NT text of a table entry or default mapping to `linux`.
fn nt_of_linux(linux: &Path) -> String {
    if linux == Path::new("/dev/null") {
        return r"\Device\Null".into();
    }
    if let Some(n) = super::serial::nt_serial_name(linux) {
        return n;
    }
    if crate::mountinfo::is_mount_root(linux) {
        if let Ok(st) = rustix::fs::stat(linux) {
            let dev = (rustix::fs::major(st.st_dev), rustix::fs::minor(st.st_dev));
            if let Some(n) = crate::mountinfo::nt_device_name(dev, &crate::mountinfo::mounts()) {
                return n;
            }
        }
    }
    format!(r"\??\{}", linux.to_string_lossy())
}

/// The Linux path a raw NT target leads to, if winfile understands it.
fn raw_to_linux(nt: &str) -> Option<PathBuf> {
    let strip = |p: &str| nt.get(..p.len()).filter(|h| h.eq_ignore_ascii_case(p)).map(|_| &nt[p.len()..]);
    if let Some(rest) = strip(r"\??\").or_else(|| strip(r"\DosDevices\")).or_else(|| strip(r"\GLOBAL??\")) {
        if rest.starts_with('/') {
            return Some(PathBuf::from(super::normalize::normalize_unix(rest)));
        }
        return resolve(rest, false).ok().filter(|r| r.device.is_none()).map(|r| r.linux);
    }
    if let Some(rest) = strip(r"\Device\HarddiskVolume") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let mut dir = crate::mountinfo::nt_device_dir(digits.parse().ok()?)?;
        for part in rest[digits.len()..].split('\\').filter(|s| !s.is_empty()) {
            // NT paths are not normalised: `..` or `/` would leave the volume on Linux,
            // and on Windows the file system refuses them, so the target leads nowhere.
            if !parse::is_single_name(part) {
                return None;
            }
            dir.push(part);
        }
        return Some(dir);
    }
    strip(r"\Device\Null").filter(|r| r.is_empty()).map(|_| PathBuf::from("/dev/null"))
}

/// A definition from the caller's target.
fn definition(target: &str, raw: bool) -> Result<Definition, Win32Error> {
    if raw {
        return Ok(Definition { nt: target.to_string(), linux: raw_to_linux(target) });
    }
    let full = full_path_name(target)?;
    let linux = match parse::path_style(&full) {
        PathStyle::Unix => PathBuf::from(&full),
        PathStyle::Windows => resolve(&full, false)?.linux,
    };
    Ok(Definition { nt: format!(r"\??\{full}"), linux: Some(linux) })
}

/// The table key of a device name: lowercase; separators and empty names refused.
fn key_of(name: &str) -> Result<String, Win32Error> {
    if name.is_empty() || name.contains(['\\', '/']) || name.starts_with('.') {
        return Err(Win32Error::INVALID_PARAMETER);
    }
    Ok(name.to_lowercase())
}

/// An exclusive flock(2) on the runtime table's lock file, released on drop.
struct TableLock {
    _file: fs::File,
}

impl TableLock {
    fn take(base: &Path) -> Result<Self, Win32Error> {
        let f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .custom_flags(nofollow())
            .open(base.join("dosdevices.lock"))
            .map_err(io_err)?;
        rustix::fs::flock(&f, rustix::fs::FlockOperation::LockExclusive).map_err(Win32Error::from)?;
        Ok(Self { _file: f })
    }
}

/// `DefineDosDevice`—defines, redefines or removes a DOS device name (`X:`, `COM5`,
/// ...) for the current user, effective at once for every path lookup of every
/// process of the user that sees the same runtime directory.
///
/// - define: pushes `target` (a DOS or Unix path, or an NT path with
///   `DDD_RAW_TARGET_PATH`) on the name's stack;
/// - `DDD_REMOVE_DEFINITION`: removes the current definition when `target` is `None`
///   or empty, else the first (most recent) one whose NT text starts with `target`
///   (equals it with `DDD_EXACT_MATCH_ON_REMOVE`); the previous definition returns.
///
/// Errors: an empty name or one holding a separator → 87; nothing to remove → 2;
/// removing a per-user table (configuration) entry → 5.
///
/// # Linux mechanism
/// Symlinks in `$XDG_RUNTIME_DIR/winfile/dosdevices` (fallback
/// `${TMPDIR:-/tmp}/winfile-<uid>`, or a private directory under the user's cache when
/// another user holds that name; see `path/runtime.rs`), replaced atomically with
/// rename(2); the definition stack in a side file under flock(2). Errors also: no
/// private runtime directory can be made → 5.
#[doc(alias = "DefineDosDeviceW")]
pub fn define_dos_device(flags: u32, name: &str, target: Option<&str>) -> Result<(), Win32Error> {
    let key = key_of(name)?;
    let remove = flags & DDD_REMOVE_DEFINITION != 0;
    let raw = flags & DDD_RAW_TARGET_PATH != 0;
    let target = target.filter(|t| !t.is_empty());
    if !remove && target.is_none() {
        return Err(Win32Error::INVALID_PARAMETER);
    }
    let new = match (remove, target) {
        (false, Some(t)) => Some(definition(t, raw)?),
        _ => None,
    };
    let (base, table) = runtime_dirs(true)?;
    let _lock = TableLock::take(&base)?;
    let file = base.join("dosdevices.stack").join(&key);
    let mut stack = read_stack(&file);
    if stack.is_empty() {
        // A runtime entry made by hand is the bottom of the stack.
        if let Ok(t) = fs::read_link(table.join(&key)) {
            let linux = if t.is_absolute() { t } else { table.join(t) };
            stack.push(Definition { nt: nt_of_linux(&linux), linux: Some(linux) });
        }
    }
    if let Some(def) = new {
        stack.push(def);
    } else {
        if stack.is_empty() {
            let configured = readable_user_table().is_some_and(|d| fs::symlink_metadata(d.join(&key)).is_ok());
            return Err(if configured { Win32Error::ACCESS_DENIED } else { Win32Error::FILE_NOT_FOUND });
        }
        let idx = match target {
            None => stack.len() - 1,
            Some(t) => {
                let converted = if raw { None } else { definition(t, false).ok().map(|d| d.nt) };
                let exact = flags & DDD_EXACT_MATCH_ON_REMOVE != 0;
                let hit = |nt: &str, want: &str| {
                    if exact {
                        nt.eq_ignore_ascii_case(want)
                    } else {
                        nt.len() >= want.len() && nt.get(..want.len()).is_some_and(|h| h.eq_ignore_ascii_case(want))
                    }
                };
                stack
                    .iter()
                    .rposition(|d| hit(&d.nt, t) || converted.as_deref().is_some_and(|c| hit(&d.nt, c)))
                    .ok_or(Win32Error::FILE_NOT_FOUND)?
            }
        };
        stack.remove(idx);
    }
    write_stack(&file, &stack)?;
    sync_link(&table, &key, stack.last())
}

/// The display form of a table key (`c:` → `C:`, `com1` → `COM1`).
fn display_name(key: &str) -> String {
    if (key.len() == 2 && key.ends_with(':')) || super::device::reserved(key).is_some() || com_number(key).is_some() {
        key.to_uppercase()
    } else {
        key.to_string()
    }
}

/// `comN` (any case, N ≥ 1) → N.
fn com_number(key: &str) -> Option<u32> {
    let d = key.get(..3).filter(|p| p.eq_ignore_ascii_case("com")).map(|_| &key[3..])?;
    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    d.parse().ok().filter(|n| *n >= 1)
}

/// `QueryDosDevice`—for a name, its definitions, current first (the runtime stack,
/// then the per-user table entry or the default); for `None`, every defined name.
/// The result is pywin32's raw multi-string: each string followed by a NUL, plus a
/// final NUL.
///
/// Errors: an unknown name → 2.
///
/// # Linux mechanism
/// The runtime stack files, `readdir` + `readlink` of both tables, statx(2)
/// `STATX_ATTR_MOUNT_ROOT` and /proc/self/mountinfo for `\Device\HarddiskVolumeN`.
pub fn query_dos_device(name: Option<&str>) -> Result<String, Win32Error> {
    let mut out = String::new();
    match name {
        Some(name) => {
            for t in query_one(name)? {
                out.push_str(&t);
                out.push('\0');
            }
        }
        None => {
            for n in all_names() {
                out.push_str(&n);
                out.push('\0');
            }
        }
    }
    out.push('\0');
    Ok(out)
}

fn query_one(name: &str) -> Result<Vec<String>, Win32Error> {
    let key = key_of(name).map_err(|_| Win32Error::FILE_NOT_FOUND)?;
    let mut out: Vec<String> = Vec::new();
    if let Ok((base, table)) = runtime_dirs(false) {
        let stack = read_stack(&base.join("dosdevices.stack").join(&key));
        if stack.is_empty() {
            if let Ok(t) = fs::read_link(table.join(&key)) {
                let linux = if t.is_absolute() { t } else { table.join(t) };
                out.push(nt_of_linux(&linux));
            }
        }
        out.extend(stack.iter().rev().map(|d| d.nt.clone()));
    }
    let config = readable_user_table().map(|d| DosDevices::with_dirs(vec![d]));
    match config.as_ref().and_then(|c| c.entry(&key)) {
        Some(linux) => out.push(nt_of_linux(&linux)),
        None if key == "z:" => out.push(nt_of_linux(Path::new("/"))),
        None if key == "nul" => out.push(r"\Device\Null".into()),
        None if out.is_empty() && com_number(&key).is_some() => {
            // The default mapping (`serial`), for a port that exists.
            if let Some(linux) = com_number(&key).and_then(super::serial::default_com_target).filter(|p| p.exists()) {
                out.push(nt_of_linux(&linux));
            }
        }
        None => {}
    }
    if out.is_empty() {
        return Err(Win32Error::FILE_NOT_FOUND);
    }
    Ok(out)
}

fn all_names() -> Vec<String> {
    let mut keys: Vec<String> = vec!["nul".into()];
    let tables = DosDevices::from_env();
    if tables.drive_root('z').is_some() {
        keys.push("z:".into());
    }
    // COM ports of the default mapping that exist, as Windows lists its serial ports.
    for (n, _) in super::serial::default_com_ports() {
        keys.push(format!("com{n}"));
    }
    let mut dirs: Vec<PathBuf> = tables.dirs().to_vec();
    if let Ok((base, _)) = runtime_dirs(false) {
        dirs.push(base.join("dosdevices.stack"));
    }
    for d in dirs {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            if let Some(n) = e.file_name().to_str() {
                if !n.starts_with('.') && !n.contains(".tmp") && !keys.iter().any(|k| k == n) {
                    keys.push(n.to_string());
                }
            }
        }
    }
    keys.sort_by_key(|k| (!(k.len() == 2 && k.ends_with(':')), k.clone()));
    keys.iter().map(|k| display_name(k)).collect()
}
