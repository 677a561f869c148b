//! What Linux says about mounted file systems, below the Win32 layers that use it: the
//! mount table, volume identities (GUIDs from file system UUIDs, NT device names) and the
//! file system ioctls. `path` (volume GUID paths, DefineDosDevice targets) and `volume`
//! (the volume API) both build on it; it imports no other winfile module.

pub(crate) mod ioctl;
mod names;
mod table;

pub use names::{
    guid_text, mounts_of_volume, nt_device_dir, nt_device_name, parse_volume_path, volume_id, volume_name,
    volume_root_dir, VolumeId,
};
pub use table::{is_mount_root, mount_of, mount_root, mounts, Mount};
