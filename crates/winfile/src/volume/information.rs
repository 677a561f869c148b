//! `GetVolumeInformation` and `GetLogicalDriveStrings`.

use super::locate::{ends_with_sep, locate};
use crate::error::{Context, Error, Result, Win32Error};
use crate::mountinfo::{ioctl, is_mount_root, mount_of, mount_root};
use std::os::fd::AsFd;
use std::path::Path;

/// What `GetVolumeInformationW` reports for a volume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeInformation {
    /// The label ("" when the file system has none).
    pub label: String,
    /// The volume serial number.
    pub serial: u32,
    /// The longest file name component, in characters.
    pub max_component_length: u32,
    /// `FILE_*` file system flags.
    pub flags: u32,
    /// The file system's name.
    pub file_system: String,
}

const FILE_CASE_SENSITIVE_SEARCH: u32 = 0x1;
const FILE_CASE_PRESERVED_NAMES: u32 = 0x2;
const FILE_UNICODE_ON_DISK: u32 = 0x4;
const FILE_PERSISTENT_ACLS: u32 = 0x8;
const FILE_SUPPORTS_SPARSE_FILES: u32 = 0x40;
const FILE_SUPPORTS_REPARSE_POINTS: u32 = 0x80;
const FILE_READ_ONLY_VOLUME: u32 = 0x80000;
const FILE_SUPPORTS_HARD_LINKS: u32 = 0x400000;
const FILE_SUPPORTS_EXTENDED_ATTRIBUTES: u32 = 0x800000;

/// The name Windows would give the file system, else the Linux type as mountinfo
/// spells it (`ext4`, `btrfs`, `tmpfs`...).
fn file_system_name(fstype: &str) -> String {
    match fstype {
        "vfat" | "msdos" => "FAT32".into(),
        "exfat" => "exFAT".into(),
        "ntfs" | "ntfs3" | "fuseblk" => "NTFS".into(),
        "iso9660" => "CDFS".into(),
        "udf" => "UDF".into(),
        other => other.to_string(),
    }
}

/// The FILE_* flags of a Linux file system of type `fstype`.
fn flags_for(fstype: &str, dir: &Path, read_only: bool) -> u32 {
    let dos_like = matches!(fstype, "vfat" | "msdos" | "exfat" | "iso9660" | "udf");
    let mut flags = FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK;
    if !dos_like {
        // POSIX names, permissions, links and holes.
        flags |= FILE_CASE_SENSITIVE_SEARCH | FILE_PERSISTENT_ACLS | FILE_SUPPORTS_HARD_LINKS;
        flags |= FILE_SUPPORTS_REPARSE_POINTS | FILE_SUPPORTS_SPARSE_FILES;
        if rustix::fs::listxattr(dir, &mut [0u8; 0]).is_ok() {
            flags |= FILE_SUPPORTS_EXTENDED_ATTRIBUTES;
        }
    }
    if read_only {
        flags |= FILE_READ_ONLY_VOLUME;
    }
    flags
}

/// `GetVolumeInformationW`—label, serial number, longest component, file system flags
/// and name of the volume whose root is `root_path` (`C:\`, a mount point `C:\mnt\usb\`,
/// `/`, a volume name; None = the current drive). The name must end with a separator
/// (else ERROR_INVALID_NAME, 123) and be a root: a drive, share or volume root or a
/// mount point (else ERROR_DIR_NOT_ROOT, 144); a missing drive or directory → 3.
///
/// - label: the file system label (ext4, btrfs, xfs, f2fs), "" where there is none;
/// - serial: the one `GetFileInformationByHandle` reports for files on the volume
///   (`f_fsid` folded to 32 bits, which ext4, xfs and btrfs derive from the file
///   system UUID), so the two can be compared as on Windows;
/// - longest component: statvfs `f_namemax` (255 on Linux file systems);
/// - flags: case-sensitive, case-preserving, Unicode, persistent ACLs (the mode bits),
///   hard links, reparse points (symbolic links), sparse files and, when the file
///   system takes extended attributes, FILE_SUPPORTS_EXTENDED_ATTRIBUTES; FAT/exFAT/ISO
///   get case-preserving and Unicode only; FILE_READ_ONLY_VOLUME for a read-only mount;
/// - name: `FAT32`, `exFAT`, `NTFS`, `CDFS`, `UDF` for those file systems, else the
///   Linux type (`ext4`, `btrfs`, `xfs`, `tmpfs`...).
///
/// # Linux mechanism
/// `FS_IOC_GETFSLABEL` on the mount root, statvfs(3) (`f_fsid`, `f_namemax`), the
/// mountinfo type, listxattr(2).
#[doc(alias = "GetVolumeInformationW")]
pub fn get_volume_information(root_path: Option<&str>) -> Result<VolumeInformation> {
    const API: &str = "GetVolumeInformationW";
    let root = match root_path {
        Some(r) => r.to_string(),
        None => super::query::cwd_root().api(API)?,
    };
    if !ends_with_sep(&root) {
        return Err(Error::new(Win32Error::INVALID_NAME, API));
    }
    let loc = locate(&root).map_err(|c| match c {
        Win32Error::FILE_NOT_FOUND => Error::new(Win32Error::PATH_NOT_FOUND, API),
        c => Error::new(c, API),
    })?;
    let dir = loc.linux();
    if !dir.is_dir() {
        return Err(Error::new(Win32Error::PATH_NOT_FOUND, API));
    }
    if !loc.parts.is_empty() && !is_mount_root(&dir) {
        return Err(Error::new(Win32Error::DIR_NOT_ROOT, API));
    }
    let mp = mount_root(&dir);
    let fstype = mount_of(&dir).map(|m| m.fstype).unwrap_or_default();
    let vfs = rustix::fs::statvfs(&dir).api(API)?;
    let read_only = vfs.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY);
    let fd = rustix::fs::open(
        &mp,
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .api(API)?;
    let label = ioctl::fs_label(fd.as_fd()).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let serial = crate::info::volume_serial(fd.as_fd()).api(API)?;
    Ok(VolumeInformation {
        label,
        serial,
        max_component_length: u32::try_from(vfs.f_namemax).unwrap_or(255),
        flags: flags_for(&fstype, &dir, read_only),
        file_system: file_system_name(&fstype),
    })
}

/// `GetLogicalDriveStringsW`—the root of every defined drive (`"C:\"`), each followed
/// by a NUL, in letter order: the multi-string without its final NUL, as pywin32
/// returns it (`.split("\0")[:-1]` gives the roots).
///
/// # Linux mechanism
/// The drive tables, as `GetLogicalDrives`.
#[doc(alias = "GetLogicalDriveStringsW")]
pub fn get_logical_drive_strings() -> String {
    let mask = crate::path::logical_drives();
    let mut out = String::new();
    for (i, letter) in ('A'..='Z').enumerate() {
        if mask & (1 << i) != 0 {
            out.push(letter);
            out.push_str(":\\\0");
        }
    }
    out
}
