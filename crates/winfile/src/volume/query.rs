//! The path-based volume calls: mount points, volume names, drive types, free space,
//! labels.

use super::locate::{ends_with_sep, locate, Located};
use crate::error::{not_found_for, Context, Error, Result, Win32Error};
use crate::mountinfo::ioctl;
use crate::mountinfo::{self as names, volume_id, volume_name};
use crate::mountinfo::{is_mount_root, mount_of, mount_root};
use crate::path::{DosDevices, PathStyle};
use rustix::io::Errno;
use std::path::{Path, PathBuf};

/// `DRIVE_UNKNOWN`.
pub const DRIVE_UNKNOWN: u32 = 0;
/// `DRIVE_NO_ROOT_DIR`.
pub const DRIVE_NO_ROOT_DIR: u32 = 1;
/// `DRIVE_REMOVABLE`.
pub const DRIVE_REMOVABLE: u32 = 2;
/// `DRIVE_FIXED`.
pub const DRIVE_FIXED: u32 = 3;
/// `DRIVE_REMOTE`.
pub const DRIVE_REMOTE: u32 = 4;
/// `DRIVE_CDROM`.
pub const DRIVE_CDROM: u32 = 5;
/// `DRIVE_RAMDISK`.
pub const DRIVE_RAMDISK: u32 = 6;

/// Network file system types (mountinfo names); `fuse.<x>` subtypes included.
const REMOTE_TYPES: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "smb2",
    "9p",
    "ceph",
    "afs",
    "coda",
    "ncpfs",
    "glusterfs",
    "lustre",
    "davfs",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.s3fs",
    "fuse.davfs2",
    "fuse.glusterfs",
    "fuse.gvfsd-fuse",
    "fuse.curlftpfs",
];

/// The Linux directory of a located name, which must exist.
fn existing(loc: &Located) -> std::result::Result<PathBuf, Win32Error> {
    let linux = loc.linux();
    if std::fs::metadata(&linux).is_ok() {
        Ok(linux)
    } else {
        Err(not_found_for(&linux))
    }
}

/// The caller-style text of the Linux directory `dir` below the located root.
fn render_below(loc: &Located, dir: &Path) -> String {
    let mut out = loc.root_text.clone();
    if let Ok(rest) = dir.strip_prefix(&loc.root_linux) {
        for c in rest.components() {
            out.push_str(&c.as_os_str().to_string_lossy());
            out.push(loc.sep());
        }
    }
    out
}

/// `GetVolumePathName`—the mount point holding `file_name`, in the caller's style:
/// the drive (`C:\`), share or volume root it was written with, or the deeper mount
/// point below it (`C:\mnt\usb\`). Components that do not exist are skipped, as on
/// Windows. `buffer_len` (characters, NUL included) fails with
/// `ERROR_FILENAME_EXCED_RANGE` when the answer does not fit, except that a trailing
/// separator alone is dropped as Windows does (`C:\` in 3 → `C:`); 0 means no limit.
///
/// # Linux mechanism
/// statx(2) `STATX_MNT_ID` of the nearest existing ancestor, matched in
/// /proc/self/mountinfo (walking up with `STATX_ATTR_MOUNT_ROOT` as the fallback).
#[doc(alias = "GetVolumePathNameW")]
pub fn get_volume_path_name(file_name: &str, buffer_len: u32) -> Result<String> {
    const API: &str = "GetVolumePathName";
    let loc = locate(file_name).api(API)?;
    let linux = loc.linux();
    let mp = mount_root(&linux);
    let mut out = if mp.starts_with(&loc.root_linux) && mp != loc.root_linux {
        render_below(&loc, &mp)
    } else {
        loc.root_text.clone()
    };
    let len = out.chars().count();
    if buffer_len > 0 && len + 1 > buffer_len as usize {
        // Windows drops the trailing separator when only it does not fit.
        if len == buffer_len as usize && out.ends_with(['\\', '/']) && len > 1 {
            out.pop();
            return Ok(out);
        }
        return Err(Error::new(Win32Error::FILENAME_EXCED_RANGE, API));
    }
    Ok(out)
}

/// Locates a mount point argument: it must end with a separator
/// (`ERROR_INVALID_NAME`), exist (2/3) and be a drive, share or volume root or a
/// mount root (`ERROR_NOT_A_REPARSE_POINT`).
fn mount_point_dir(mount_point: &str) -> std::result::Result<(Located, PathBuf), Win32Error> {
    if !ends_with_sep(mount_point) {
        return Err(Win32Error::INVALID_NAME);
    }
    let loc = locate(mount_point)?;
    if loc.parts.is_empty() {
        if std::fs::metadata(&loc.root_linux).is_err() {
            return Err(Win32Error::FILE_NOT_FOUND);
        }
        let root = loc.root_linux.clone();
        return Ok((loc, root));
    }
    let linux = existing(&loc)?;
    if !is_mount_root(&linux) {
        return Err(Win32Error::NOT_A_REPARSE_POINT);
    }
    Ok((loc, linux))
}

/// `GetVolumeNameForVolumeMountPoint`—`\\?\Volume{GUID}\` of the volume mounted at
/// `mount_point` (a drive root `C:\`, a mount point `C:\mnt\usb\`, `/mnt/usb/`, or a
/// volume name). The GUID is the file system's UUID (as `blkid` prints it) where the
/// kernel reports one, else a stable hash of its `f_fsid`/`st_dev`/type.
///
/// Errors: no trailing separator → 123; unknown drive → 2; a directory that is not
/// a mount point → 4390 (ERROR_NOT_A_REPARSE_POINT).
///
/// # Linux mechanism
/// `FS_IOC_GETFSUUID` (Linux 6.5+) on the mount root, else fstatvfs(2) `f_fsid` +
/// fstat(2) `st_dev` + fstatfs(2) `f_type` hashed.
#[doc(alias = "GetVolumeNameForVolumeMountPointW")]
pub fn get_volume_name_for_volume_mount_point(mount_point: &str) -> Result<String> {
    const API: &str = "GetVolumeNameForVolumeMountPoint";
    let (_, dir) = mount_point_dir(mount_point).api(API)?;
    let id = volume_id(&dir).ok_or(Win32Error::FILE_NOT_FOUND).api(API)?;
    Ok(volume_name(&id))
}

/// `GetVolumePathNamesForVolumeName`—every path the volume is reachable at: the drive
/// letters whose root lies on it (`C:\`), then its mount points (`Z:\mnt\usb\`, in the
/// Windows form of the drive covering them).
///
/// Errors: not `\\?\Volume{GUID}\` → 123; no such volume mounted → 2.
///
/// # Linux mechanism
/// /proc/self/mountinfo grouped by device, one `FS_IOC_GETFSUUID` per file system;
/// the drive table's roots compared by `st_dev`.
#[doc(alias = "GetVolumePathNamesForVolumeNameW")]
pub fn get_volume_path_names_for_volume_name(volume: &str) -> Result<Vec<String>> {
    const API: &str = "GetVolumePathNamesForVolumeName";
    let (id, rest) = names::parse_volume_path(volume).ok_or(Win32Error::INVALID_NAME).api(API)?;
    if rest != "\\" {
        return Err(Error::new(Win32Error::INVALID_NAME, API));
    }
    let ms = names::mounts_of_volume(&id);
    if ms.is_empty() {
        return Err(Error::new(Win32Error::FILE_NOT_FOUND, API));
    }
    let devs: Vec<(u32, u32)> = ms.iter().map(|m| m.dev).collect();
    let tables = DosDevices::from_env();
    let mut out: Vec<String> = Vec::new();
    let mut drive_roots: Vec<PathBuf> = Vec::new();
    for (i, root) in tables.drives().into_iter().enumerate() {
        let Some(root) = root else { continue };
        let Ok(st) = rustix::fs::stat(&root) else { continue };
        let dev = (rustix::fs::major(st.st_dev), rustix::fs::minor(st.st_dev));
        if devs.contains(&dev) {
            let letter = char::from(b'A' + u8::try_from(i).unwrap_or(25));
            out.push(format!("{letter}:\\"));
            drive_roots.push(root);
        }
    }
    for m in &ms {
        if drive_roots.contains(&m.mount_point) {
            continue;
        }
        if let Some(mut w) = tables.unix_to_windows(&m.mount_point) {
            if !w.ends_with('\\') {
                w.push('\\');
            }
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    Ok(out)
}

/// `SetVolumeMountPoint`—mounts the volume `volume` (a `\\?\Volume{GUID}\` name or any
/// mount point of it, resolved as `GetVolumeNameForVolumeMountPoint` does) on the
/// empty directory `mount_point`, and returns the volume name (as pywin32 does).
///
/// Errors: a name without its trailing separator → 123; `mount_point` missing → 2/3,
/// not a directory → 267, not empty → 145; no CAP_SYS_ADMIN → 1314.
///
/// # Linux mechanism
/// mount(2) `MS_BIND` of a mount of the volume's root onto the directory.
#[doc(alias = "SetVolumeMountPointW")]
pub fn set_volume_mount_point(mount_point: &str, volume: &str) -> Result<String> {
    const API: &str = "SetVolumeMountPoint";
    if !ends_with_sep(mount_point) || !ends_with_sep(volume) {
        return Err(Error::new(Win32Error::INVALID_NAME, API));
    }
    let name = get_volume_name_for_volume_mount_point(volume).map_err(|e| Error::new(e.code(), API))?;
    let (id, _) = names::parse_volume_path(&name).ok_or(Win32Error::INVALID_NAME).api(API)?;
    let source = names::volume_root_dir(&id).ok_or(Win32Error::FILE_NOT_FOUND).api(API)?;
    let loc = locate(mount_point).api(API)?;
    let target = existing(&loc).api(API)?;
    let mut entries = std::fs::read_dir(&target).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOTDIR) => Error::new(Win32Error::DIRECTORY, API),
        Some(n) => Error::new(crate::error::from_errno(Errno::from_raw_os_error(n)), API),
        None => Error::new(Win32Error::GEN_FAILURE, API),
    })?;
    if entries.next().is_some() {
        return Err(Error::new(Win32Error::DIR_NOT_EMPTY, API));
    }
    rustix::mount::mount_bind(&source, &target).map_err(|e| Error::new(privilege(e), API))?;
    Ok(name)
}

/// EPERM from mount(2)/umount(2)/labels means the caller lacks CAP_SYS_ADMIN.
fn privilege(e: Errno) -> Win32Error {
    if e == Errno::PERM {
        Win32Error::PRIVILEGE_NOT_HELD
    } else {
        crate::error::from_errno(e)
    }
}

/// `DeleteVolumeMountPoint`—unmounts the volume mounted at `mount_point` (a mount
/// point below a drive or `/`). A drive root is refused with
/// `ERROR_INVALID_PARAMETER`: winfile's drive letters are DOS device table entries
/// (`DefineDosDevice`), not mounts.
///
/// Errors: no trailing separator → 123; missing → 2/3; not a mount point → 4390;
/// no CAP_SYS_ADMIN → 1314.
///
/// # Linux mechanism
/// umount2(2) with `MNT_DETACH` (open handles on the volume stay valid, as on Windows).
#[doc(alias = "DeleteVolumeMountPointW")]
pub fn delete_volume_mount_point(mount_point: &str) -> Result<()> {
    const API: &str = "DeleteVolumeMountPoint";
    let (loc, dir) = mount_point_dir(mount_point).api(API)?;
    if loc.parts.is_empty() || dir == Path::new("/") {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    rustix::mount::unmount(&dir, rustix::mount::UnmountFlags::DETACH).map_err(|e| {
        let code = if e == Errno::INVAL { Win32Error::NOT_A_REPARSE_POINT } else { privilege(e) };
        Error::new(code, API)
    })
}

/// `SetVolumeLabel`—sets the label of the file system holding the root `root_path`
/// (`None`: the current directory's). `label` `None` or empty clears it.
///
/// Errors: no trailing separator → 123; a directory that is not a root → 144
/// (ERROR_DIR_NOT_ROOT); a label over 255 bytes → 154; no CAP_SYS_ADMIN → 1314; a file
/// system without labels (tmpfs, ...) → 1 (ERROR_INVALID_FUNCTION); read-only → 19.
///
/// # Linux mechanism
/// `FS_IOC_SETFSLABEL` on the mount root (ext4, btrfs, xfs, f2fs...).
#[doc(alias = "SetVolumeLabelW")]
pub fn set_volume_label(root_path: Option<&str>, label: Option<&str>) -> Result<()> {
    const API: &str = "SetVolumeLabel";
    let root = match root_path {
        Some(r) => r.to_string(),
        None => cwd_root().api(API)?,
    };
    if !ends_with_sep(&root) {
        return Err(Error::new(Win32Error::INVALID_NAME, API));
    }
    let loc = locate(&root).api(API)?;
    let dir = existing(&loc).api(API)?;
    if !loc.parts.is_empty() && !is_mount_root(&dir) {
        return Err(Error::new(Win32Error::DIR_NOT_ROOT, API));
    }
    let label = label.unwrap_or("").as_bytes();
    if label.len() >= ioctl::FSLABEL_MAX {
        return Err(Error::new(Win32Error::LABEL_TOO_LONG, API));
    }
    let mp = mount_root(&dir);
    let fd = rustix::fs::open(
        &mp,
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .api(API)?;
    ioctl::set_fs_label(std::os::fd::AsFd::as_fd(&fd), label).map_err(|e| {
        let code = match e {
            Errno::NOTTY | Errno::OPNOTSUPP | Errno::NOSYS | Errno::INVAL => Win32Error::INVALID_FUNCTION,
            Errno::ROFS => Win32Error::WRITE_PROTECT,
            e => privilege(e),
        };
        Error::new(code, API)
    })
}

/// The root of the current directory's drive, as text (`C:\`, or `/`).
pub(super) fn cwd_root() -> std::result::Result<String, Win32Error> {
    let here = crate::path::Namespace::from_env().cwd_location()?;
    Ok(match here.letter {
        Some(l) => format!("{l}:\\"),
        None => "/".into(),
    })
}

/// The drive type of a directory known to be a root.
fn drive_type_of(dir: &Path) -> u32 {
    let fstype = mount_of(dir).map(|m| m.fstype).unwrap_or_default();
    let ftype = rustix::fs::statfs(dir).map(|s| s.f_type).unwrap_or(0);
    let remote = REMOTE_TYPES.contains(&fstype.as_str())
        || matches!(ftype, 0x6969 | 0x517B | 0xFF53_4D42 | 0xFE53_4D42 | 0x0102_1997 | 0x00C3_6400);
    if remote {
        return DRIVE_REMOTE;
    }
    if matches!(fstype.as_str(), "iso9660" | "udf") || matches!(ftype, 0x9660 | 0x1501_3346) {
        return DRIVE_CDROM;
    }
    if matches!(fstype.as_str(), "tmpfs" | "ramfs") || matches!(ftype, 0x0102_1994 | 0x8584_58f6) {
        return DRIVE_RAMDISK;
    }
    if removable(dir) {
        return DRIVE_REMOVABLE;
    }
    DRIVE_FIXED
}

/// `/sys/dev/block/MAJ:MIN/removable` (a partition asks its disk) reads `1`.
fn removable(dir: &Path) -> bool {
    let Ok(st) = rustix::fs::stat(dir) else { return false };
    let base =
        PathBuf::from(format!("/sys/dev/block/{}:{}", rustix::fs::major(st.st_dev), rustix::fs::minor(st.st_dev)));
    let flag = if base.join("partition").exists() { base.join("../removable") } else { base.join("removable") };
    std::fs::read_to_string(flag).is_ok_and(|s| s.trim() == "1")
}

/// `GetDriveType`—what kind of drive `root_path` (a drive root `C:\` or `C:`, a share
/// root, a volume name, a mount point, `/`; `None` = the current drive) is. Never
/// fails: `DRIVE_NO_ROOT_DIR` (1) for anything that is not an existing root.
///
/// `DRIVE_REMOTE` for network file systems (nfs, cifs/smb, 9p, ceph, sshfs...) and
/// UNC shares; `DRIVE_CDROM` for iso9660/udf; `DRIVE_RAMDISK` for tmpfs/ramfs (Wine
/// says FIXED there; winfile tells the truth: the contents vanish at reboot);
/// `DRIVE_REMOVABLE` when the block device's `removable` flag is set; else
/// `DRIVE_FIXED`.
///
/// # Linux mechanism
/// statfs(2) `f_type` and the mountinfo type; `/sys/dev/block/M:m/removable`.
#[doc(alias = "GetDriveTypeW")]
pub fn get_drive_type(root_path: Option<&str>) -> u32 {
    let root = match root_path {
        Some(r) if r.len() == 2 && crate::path::parse(r).is_ok() && r.ends_with(':') => format!("{r}\\"),
        Some(r) => r.to_string(),
        None => match cwd_root() {
            Ok(r) => r,
            Err(_) => return DRIVE_NO_ROOT_DIR,
        },
    };
    let Ok(loc) = locate(&root) else {
        return DRIVE_NO_ROOT_DIR;
    };
    let dir = if loc.parts.is_empty() {
        loc.root_linux.clone()
    } else {
        let linux = loc.linux();
        if !ends_with_sep(&root) && loc.style == PathStyle::Windows || !is_mount_root(&linux) {
            return DRIVE_NO_ROOT_DIR;
        }
        linux
    };
    if !dir.is_dir() {
        return DRIVE_NO_ROOT_DIR;
    }
    if loc.unc {
        return DRIVE_REMOTE;
    }
    drive_type_of(&dir)
}

/// The statvfs(3) of an existing directory named by the caller (`None` = the
/// current drive's root).
fn statvfs_of(root_path: Option<&str>) -> std::result::Result<rustix::fs::StatVfs, Win32Error> {
    let root = match root_path {
        Some(r) => r.to_string(),
        None => cwd_root()?,
    };
    let loc = locate(&root)?;
    let dir = existing(&loc)?;
    rustix::fs::statvfs(&dir).map_err(Win32Error::from)
}

/// `GetDiskFreeSpace`—`(sectors per cluster, bytes per sector, free clusters, total
/// clusters)` of the volume holding `root_path`: 512-byte sectors, clusters of the
/// file system's fragment size; free clusters are those available to the caller
/// (`f_bavail`), as Windows counts them under quotas. Counts above 2^32-1 saturate.
///
/// # Linux mechanism
/// statvfs(3) `f_frsize`, `f_blocks`, `f_bavail`.
#[doc(alias = "GetDiskFreeSpaceW")]
pub fn get_disk_free_space(root_path: Option<&str>) -> Result<(u32, u32, u32, u32)> {
    let v = statvfs_of(root_path).api("GetDiskFreeSpace")?;
    let frsize = v.f_frsize.max(1);
    let (sector, per_cluster) = if frsize >= 512 && frsize % 512 == 0 { (512, frsize / 512) } else { (frsize, 1) };
    let cluster = sector * per_cluster;
    let clusters =
        |blocks: u64| u32::try_from(u128::from(blocks) * u128::from(frsize) / u128::from(cluster)).unwrap_or(u32::MAX);
    Ok((
        u32::try_from(per_cluster).unwrap_or(u32::MAX),
        u32::try_from(sector).unwrap_or(u32::MAX),
        clusters(v.f_bavail),
        clusters(v.f_blocks),
    ))
}

/// `GetDiskFreeSpaceEx`—`(free bytes available to the caller, total bytes, total free
/// bytes)` of the volume holding `root_path` (any directory on it).
///
/// # Linux mechanism
/// statvfs(3): `f_bavail`, `f_blocks`, `f_bfree` times `f_frsize`.
#[doc(alias = "GetDiskFreeSpaceExW")]
pub fn get_disk_free_space_ex(root_path: Option<&str>) -> Result<(u64, u64, u64)> {
    let v = statvfs_of(root_path).api("GetDiskFreeSpaceEx")?;
    let f = v.f_frsize;
    Ok((v.f_bavail.saturating_mul(f), v.f_blocks.saturating_mul(f), v.f_bfree.saturating_mul(f)))
}
