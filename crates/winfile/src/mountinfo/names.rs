//! Volume identity: `\\?\Volume{GUID}\` names from the file system UUID, and the
//! synthetic NT device names `\Device\HarddiskVolumeN`.

use super::ioctl;
use super::table::{mounts, Mount};
use rustix::fs::{fstat, fstatvfs, major, minor, open, Mode, OFlags};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

/// The 16-byte identity of a file system.
pub type VolumeId = [u8; 16];

/// The identity of the file system holding `path`: its superblock UUID
/// (`FS_IOC_GETFSUUID`, Linux 6.5+; the UUID `blkid` prints), else a hash of
/// `f_fsid`, `st_dev` and `f_type` (stable while mounted).
pub fn volume_id(path: &Path) -> Option<VolumeId> {
    let fd = open(path, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY, Mode::empty()).ok()?;
    if let Some(uuid) = ioctl::fs_uuid(fd.as_fd()) {
        return Some(uuid);
    }
    let st = fstat(&fd).ok()?;
    let fsid = fstatvfs(&fd).map(|v| v.f_fsid).unwrap_or(0);
    let ftype = rustix::fs::fstatfs(&fd).map(|s| s.f_type as u64).unwrap_or(0);
    let mut seed = Vec::with_capacity(40);
    seed.extend_from_slice(b"winfile-volume");
    seed.extend_from_slice(&u64::from(major(st.st_dev)).to_le_bytes());
    seed.extend_from_slice(&u64::from(minor(st.st_dev)).to_le_bytes());
    seed.extend_from_slice(&fsid.to_le_bytes());
    seed.extend_from_slice(&ftype.to_le_bytes());
    let a = fnv1a(&seed, 0xcbf2_9ce4_8422_2325);
    let b = fnv1a(&seed, 0x8422_2325_cbf2_9ce4);
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&a.to_be_bytes());
    id[8..].copy_from_slice(&b.to_be_bytes());
    // Mark it as a version-4-style, RFC 4122 variant GUID (it is not a real UUID).
    id[6] = (id[6] & 0x0F) | 0x40;
    id[8] = (id[8] & 0x3F) | 0x80;
    Some(id)
}

fn fnv1a(data: &[u8], seed: u64) -> u64 {
    data.iter().fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01B3))
}

/// `Volume{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (lowercase hex, UUID text order).
pub fn guid_text(id: &VolumeId) -> String {
    let h: Vec<String> = id.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "Volume{{{}-{}-{}-{}-{}}}",
        h[0..4].concat(),
        h[4..6].concat(),
        h[6..8].concat(),
        h[8..10].concat(),
        h[10..16].concat()
    )
}

/// `\\?\Volume{GUID}\`.
pub fn volume_name(id: &VolumeId) -> String {
    format!(r"\\?\{}\", guid_text(id))
}

/// Splits `\\?\Volume{GUID}rest` (any case, `\\.\` too) into the GUID and `rest`.
pub fn parse_volume_path(path: &str) -> Option<(VolumeId, &str)> {
    let body = path.strip_prefix(r"\\?\").or_else(|| path.strip_prefix(r"\\.\"))?;
    if body.len() < 44 || !body[..7].eq_ignore_ascii_case("Volume{") {
        return None;
    }
    let (inner, rest) = (body.get(7..43)?, body.get(43..)?);
    let rest = rest.strip_prefix('}')?;
    let hex: String = inner.chars().filter(|c| *c != '-').collect();
    let dashes_ok = inner.char_indices().all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23));
    if hex.len() != 32 || !dashes_ok {
        return None;
    }
    let mut id = [0u8; 16];
    for (i, slot) in id.iter_mut().enumerate() {
        *slot = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some((id, rest))
}

/// The mounts of the volume `id` (every mount of a file system whose identity is
/// `id`), in mountinfo order; empty when no such volume is mounted. Each file system
/// (`st_dev`) is opened once.
pub fn mounts_of_volume(id: &VolumeId) -> Vec<Mount> {
    let all = mounts();
    let mut seen: Vec<((u32, u32), bool)> = Vec::new();
    let mut out = Vec::new();
    for m in &all {
        let hit = match seen.iter().find(|(d, _)| *d == m.dev) {
            Some((_, hit)) => *hit,
            None => {
                // Any mount of the device tells the file system's identity.
                let hit = all
                    .iter()
                    .filter(|o| o.dev == m.dev)
                    .find_map(|o| volume_id(&o.mount_point))
                    .is_some_and(|v| v == *id);
                seen.push((m.dev, hit));
                hit
            }
        };
        if hit {
            out.push(m.clone());
        }
    }
    out
}

/// The directory a volume is best reached through: a mount of its root (`root` `/`),
/// else its first mount.
pub fn volume_root_dir(id: &VolumeId) -> Option<PathBuf> {
    let ms = mounts_of_volume(id);
    ms.iter().find(|m| m.root == Path::new("/")).or_else(|| ms.first()).map(|m| m.mount_point.clone())
}

/// `\Device\HarddiskVolumeN` for the file system on device `dev`: N is the mount ID of
/// its first mount in mountinfo, so every mount of one file system shares it.
pub fn nt_device_name(dev: (u32, u32), all: &[Mount]) -> Option<String> {
    all.iter().find(|m| m.dev == dev).map(|m| format!(r"\Device\HarddiskVolume{}", m.id))
}

/// The mount point of the file system whose NT name is `\Device\HarddiskVolumeN`.
pub fn nt_device_dir(n: u64) -> Option<PathBuf> {
    let all = mounts();
    let dev = all.iter().find(|m| m.id == n)?.dev;
    all.iter()
        .filter(|m| m.dev == dev)
        .find(|m| m.root == Path::new("/"))
        .or_else(|| all.iter().find(|m| m.id == n))
        .map(|m| m.mount_point.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_round_trip() {
        let id: VolumeId = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8];
        let name = volume_name(&id);
        assert_eq!(name, r"\\?\Volume{12345678-9abc-def0-0102-030405060708}\");
        assert_eq!(parse_volume_path(&name), Some((id, r"\")));
        assert_eq!(parse_volume_path(&name.to_uppercase().replace("VOLUME", "volume")), Some((id, r"\")));
        assert_eq!(parse_volume_path(r"\\?\Volume{12345678-9abc-def0-0102-0304050607}\"), None);
        assert_eq!(parse_volume_path(r"\\?\C:\"), None);
    }

    #[test]
    fn root_volume_is_found_again() {
        let id = volume_id(Path::new("/")).unwrap();
        assert_eq!(volume_id(Path::new("/")), Some(id));
        let ms = mounts_of_volume(&id);
        assert!(ms.iter().any(|m| m.mount_point == Path::new("/")));
    }
}
