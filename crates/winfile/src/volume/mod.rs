//! Volumes: mount points, volume names, drive types, free space and labels, mapped
//! onto Linux mounts.
//!
//! A Windows *volume* is a Linux file system (one `st_dev`); its mount points are the
//! lines of `/proc/self/mountinfo` for that device, and the drive letters whose root
//! lies on it. Names:
//! - `\\?\Volume{GUID}\`: the GUID is the file system's UUID (`FS_IOC_GETFSUUID`, the
//!   UUID `blkid` prints) or, where the kernel reports none (tmpfs on older kernels,
//!   proc...), a stable hash of `f_fsid`, `st_dev` and `f_type`;
//! - `\Device\HarddiskVolumeN`: N is the mount ID of the file system's first mount in
//!   mountinfo (shared by all its mounts; `QueryDosDevice` and
//!   `GetFinalPathNameByHandle(VOLUME_NAME_NT)` agree).
//!
//! Mounting and labels need CAP_SYS_ADMIN; without it the calls fail with
//! `ERROR_PRIVILEGE_NOT_HELD` (1314) as Windows does without the privilege.

mod dos;
mod final_path;
mod information;
mod locate;
mod query;

pub use crate::mountinfo::{
    guid_text, nt_device_dir, nt_device_name, parse_volume_path, volume_id, volume_name, volume_root_dir, VolumeId,
};
pub use crate::mountinfo::{is_mount_root, mount_of, mount_root, mounts, Mount};
pub use dos::{define_dos_device, get_logical_drives, get_long_path_name, get_short_path_name, query_dos_device};
pub use final_path::{
    get_final_path_name_by_handle, FILE_NAME_OPENED, VOLUME_NAME_DOS, VOLUME_NAME_GUID, VOLUME_NAME_NONE,
    VOLUME_NAME_NT,
};
pub use information::{get_logical_drive_strings, get_volume_information, VolumeInformation};
pub use locate::{locate, Located};
pub use query::{
    delete_volume_mount_point, get_disk_free_space, get_disk_free_space_ex, get_drive_type,
    get_volume_name_for_volume_mount_point, get_volume_path_name, get_volume_path_names_for_volume_name,
    set_volume_label, set_volume_mount_point, DRIVE_CDROM, DRIVE_FIXED, DRIVE_NO_ROOT_DIR, DRIVE_RAMDISK, DRIVE_REMOTE,
    DRIVE_REMOVABLE, DRIVE_UNKNOWN,
};
