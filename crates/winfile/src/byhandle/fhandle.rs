//! File handles of the kernel's export interface (`name_to_handle_at`,
//! `open_by_handle_at`), which rustix does not wrap: how `OpenFileById` finds a file by
//! its inode number.
//!
//! # Safety
//! The only unsafe code is the two system calls. Each passes a descriptor borrowed for
//! the call, a NUL-terminated empty path, and a pointer to a [`RawHandle`] owned by the
//! calling frame whose `handle_bytes` gives the kernel the room it may write (128 bytes,
//! MAX_HANDLE_SZ); nothing is retained after the call returns.
#![allow(unsafe_code)]

use rustix::io::Errno;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

const MAX_HANDLE_SZ: usize = 128;
/// `FILEID_INO32_GEN`: a 32-bit inode number and a generation (ext2/3/4, and others
/// using the generic export operations).
const FILEID_INO32_GEN: i32 = 1;

#[repr(C)]
struct RawHandle {
    handle_bytes: u32,
    handle_type: i32,
    f_handle: [u8; MAX_HANDLE_SZ],
}

/// The handle type of the file system holding `fd` (from the handle of `fd` itself).
pub(super) fn handle_type(fd: BorrowedFd<'_>) -> Result<i32, Errno> {
    let mut h = RawHandle { handle_bytes: MAX_HANDLE_SZ as u32, handle_type: 0, f_handle: [0; MAX_HANDLE_SZ] };
    let mut mount_id: libc::c_int = 0;
    // SAFETY: `fd` is open for the call; the path is a static empty C string; `h` is a
    // frame-owned buffer whose handle_bytes matches the room after its header.
    let rc = unsafe {
        libc::name_to_handle_at(
            fd.as_raw_fd(),
            c"".as_ptr(),
            std::ptr::addr_of_mut!(h).cast::<libc::file_handle>(),
            &mut mount_id,
            libc::AT_EMPTY_PATH,
        )
    };
    if rc < 0 {
        return Err(Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)));
    }
    Ok(h.handle_type)
}

/// Opens inode `ino` of the file system holding `mount` as O_PATH, where the file
/// system's handles are (inode, generation) pairs that accept generation 0 as "any"
/// (ext4). `Err(NOTSUP)` for other handle layouts.
pub(super) fn open_inode(mount: BorrowedFd<'_>, ino: u64) -> Result<OwnedFd, Errno> {
    if handle_type(mount)? != FILEID_INO32_GEN {
        return Err(Errno::NOTSUP);
    }
    let Ok(ino32) = u32::try_from(ino) else { return Err(Errno::STALE) };
    let mut h = RawHandle { handle_bytes: 8, handle_type: FILEID_INO32_GEN, f_handle: [0; MAX_HANDLE_SZ] };
    h.f_handle[..4].copy_from_slice(&ino32.to_ne_bytes());
    // SAFETY: `mount` is open for the call; `h` is frame-owned and describes 8 bytes of
    // handle data, within its buffer.
    let rc = unsafe {
        libc::open_by_handle_at(
            mount.as_raw_fd(),
            std::ptr::addr_of_mut!(h).cast::<libc::file_handle>(),
            libc::O_PATH | libc::O_CLOEXEC,
        )
    };
    if rc < 0 {
        return Err(Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)));
    }
    // SAFETY: the kernel just returned this new descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(rc) })
}
