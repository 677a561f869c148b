//! The file system ioctls rustix does not wrap: the superblock UUID and the label.
#![allow(unsafe_code)]

use rustix::io::Errno;
use std::os::fd::{AsRawFd, BorrowedFd};

/// `FS_IOC_GETFSUUID` = `_IOR(0x15, 0, struct fsuuid2)` (Linux 6.5).
const FS_IOC_GETFSUUID: libc::c_ulong = 0x8011_1500;
/// `FS_IOC_SETFSLABEL` = `_IOW(0x94, 50, char[FSLABEL_MAX])`.
const FS_IOC_SETFSLABEL: libc::c_ulong = 0x4100_9432;
/// `FS_IOC_GETFSLABEL` = `_IOR(0x94, 49, char[FSLABEL_MAX])`.
const FS_IOC_GETFSLABEL: libc::c_ulong = 0x8100_9431;
/// `FSLABEL_MAX`: the label buffer, NUL included.
pub const FSLABEL_MAX: usize = 256;

/// `struct fsuuid2`.
#[repr(C)]
struct FsUuid2 {
    len: u8,
    uuid: [u8; 16],
}

/// The file system's UUID (`FS_IOC_GETFSUUID`), if it has a non-zero one.
pub fn fs_uuid(fd: BorrowedFd<'_>) -> Option<[u8; 16]> {
    let mut out = FsUuid2 { len: 0, uuid: [0; 16] };
    // SAFETY: the request writes one `struct fsuuid2`, which `out` is, and nothing else.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), FS_IOC_GETFSUUID as _, &mut out as *mut FsUuid2) };
    (rc == 0 && out.len == 16 && out.uuid != [0; 16]).then_some(out.uuid)
}

/// The file system's label (`FS_IOC_GETFSLABEL`: ext4, btrfs, xfs, f2fs...), if the
/// file system has labels.
pub fn fs_label(fd: BorrowedFd<'_>) -> Option<Vec<u8>> {
    let mut buf = [0u8; FSLABEL_MAX];
    // SAFETY: the request writes at most FSLABEL_MAX bytes into `buf`, which holds that many.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), FS_IOC_GETFSLABEL as _, buf.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(FSLABEL_MAX);
    Some(buf[..end].to_vec())
}

/// Sets the file system's label (`FS_IOC_SETFSLABEL`); `label` is at most
/// `FSLABEL_MAX - 1` bytes (checked by the caller).
pub fn set_fs_label(fd: BorrowedFd<'_>, label: &[u8]) -> Result<(), Errno> {
    let mut buf = [0u8; FSLABEL_MAX];
    let n = label.len().min(FSLABEL_MAX - 1);
    buf[..n].copy_from_slice(&label[..n]);
    // SAFETY: the request reads FSLABEL_MAX bytes from `buf`, which holds that many.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), FS_IOC_SETFSLABEL as _, buf.as_ptr()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)))
    }
}
