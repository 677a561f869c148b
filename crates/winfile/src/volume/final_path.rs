//! `GetFinalPathNameByHandle`: the current name of an open file, in the four volume
//! forms Windows offers.

use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle};
use crate::mountinfo::mounts;
use crate::mountinfo::{nt_device_name, volume_id, volume_name};
use crate::path::DosDevices;
use rustix::fs::{fstat, statx, AtFlags, StatxFlags};
use std::path::{Component, Path, PathBuf};

/// `FILE_NAME_OPENED`.
pub const FILE_NAME_OPENED: u32 = 0x8;
/// `VOLUME_NAME_DOS`.
pub const VOLUME_NAME_DOS: u32 = 0x0;
/// `VOLUME_NAME_GUID`.
pub const VOLUME_NAME_GUID: u32 = 0x1;
/// `VOLUME_NAME_NT`.
pub const VOLUME_NAME_NT: u32 = 0x2;
/// `VOLUME_NAME_NONE`.
pub const VOLUME_NAME_NONE: u32 = 0x4;

/// `\a\b` for the components of `rel` (`\` for none).
fn backslashed(rel: &Path) -> String {
    let mut out = String::new();
    for c in rel.components() {
        if let Component::Normal(s) = c {
            out.push('\\');
            out.push_str(&s.to_string_lossy());
        }
    }
    if out.is_empty() {
        out.push('\\');
    }
    out
}

/// `GetFinalPathNameByHandle`—the file's current path (after any rename), as:
/// - `VOLUME_NAME_DOS` (0): `\\?\C:\dir\file` through the drive whose root is the
///   longest prefix (`Z:` for `/` by default); no drive covers it → 3;
/// - `VOLUME_NAME_GUID` (1): `\\?\Volume{GUID}\dir\file`, relative to the volume root;
/// - `VOLUME_NAME_NT` (2): `\Device\HarddiskVolumeN\dir\file` (N as `QueryDosDevice`);
/// - `VOLUME_NAME_NONE` (4): `\dir\file`, relative to the volume root.
///
/// A bind mount's own root is accounted for, so the volume-relative forms name the
/// file from the file system's root. `FILE_NAME_NORMALIZED` and `FILE_NAME_OPENED`
/// give the same name (Linux keeps no short names). Other flag bits → 87.
///
/// # Linux mechanism
/// readlink(2) of `/proc/self/fd/N`; statx(2) `STATX_MNT_ID` matched in
/// /proc/self/mountinfo for the volume forms.
#[doc(alias = "GetFinalPathNameByHandleW")]
pub fn get_final_path_name_by_handle(h: Handle, flags: u32) -> Result<String> {
    const API: &str = "GetFinalPathNameByHandle";
    let file = handle::get::<File>(h).api(API)?;
    let volume = flags & !FILE_NAME_OPENED;
    if !matches!(volume, VOLUME_NAME_DOS | VOLUME_NAME_GUID | VOLUME_NAME_NT | VOLUME_NAME_NONE) {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let fd = file.fd();
    let link = std::fs::read_link(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&fd)))
        .map_err(|_| Error::new(Win32Error::INVALID_HANDLE, API))?;
    let mut linux = link;
    if !linux.is_absolute() {
        // pipe:[...], socket:[...], anon_inode:...: no file system name.
        return Err(Error::new(Win32Error::INVALID_FUNCTION, API));
    }
    let gone = fstat(fd).is_ok_and(|st| st.st_nlink == 0);
    if gone {
        if let Some(s) = linux.to_str().and_then(|s| s.strip_suffix(" (deleted)")) {
            linux = PathBuf::from(s);
        }
    }
    if volume == VOLUME_NAME_DOS {
        let w = DosDevices::from_env().unix_to_windows(&linux).ok_or(Win32Error::PATH_NOT_FOUND).api(API)?;
        return Ok(format!(r"\\?\{w}"));
    }
    let id = statx(fd, "", AtFlags::EMPTY_PATH, StatxFlags::MNT_ID)
        .ok()
        .filter(|st| st.stx_mask & StatxFlags::MNT_ID.bits() != 0)
        .map(|st| st.stx_mnt_id);
    let all = mounts();
    let m = id
        .and_then(|id| all.iter().find(|m| m.id == id))
        .or_else(|| {
            all.iter().filter(|m| linux.starts_with(&m.mount_point)).max_by_key(|m| m.mount_point.components().count())
        })
        .ok_or(Win32Error::PATH_NOT_FOUND)
        .api(API)?;
    let rel = linux.strip_prefix(&m.mount_point).unwrap_or(Path::new(""));
    let tail = backslashed(&m.root.join(rel));
    match volume {
        VOLUME_NAME_GUID => {
            let id = volume_id(&m.mount_point).ok_or(Win32Error::PATH_NOT_FOUND).api(API)?;
            let name = volume_name(&id);
            Ok(format!("{}{}", name.trim_end_matches('\\'), tail))
        }
        VOLUME_NAME_NT => {
            let dev = nt_device_name(m.dev, &all).ok_or(Win32Error::PATH_NOT_FOUND).api(API)?;
            Ok(format!("{dev}{tail}"))
        }
        _ => Ok(tail),
    }
}
