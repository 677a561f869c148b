//! Storing and copying named streams in Samba's layouts: the xattr when the stream fits
//! the file system's budget, else the depot file. Never truncated.

use super::depot;
use crate::error::Win32Error;
use rustix::fs::{fstat, XattrFlags};
use rustix::io::Errno;
use std::io::Write;
use std::os::fd::BorrowedFd;
use std::path::Path;

const PREFIX: &str = "user.DosStream.";

fn io_code(e: &std::io::Error) -> Win32Error {
    e.raw_os_error().map_or(Win32Error::GEN_FAILURE, |n| Errno::from_raw_os_error(n).into())
}

/// Stores stream `name` of the file open as `fd` at `path`: in `user.DosStream.<name>:$DATA`
/// (bytes plus one NUL, vfs_streams_xattr) when it fits, else in the vfs_streams_depot
/// file (always the depot file under `WINFILE_STREAMS_LAYOUT=depot`); the other
/// layout's copy, if any, is removed.
pub fn store(fd: BorrowedFd<'_>, path: &Path, name: &str, data: &[u8]) -> Result<(), Win32Error> {
    let xattr = format!("{PREFIX}{name}:$DATA");
    let mut value = Vec::with_capacity(data.len() + 1);
    value.extend_from_slice(data);
    value.push(0);
    let st = fstat(fd)?;
    let depot_file = depot::stream_file(&depot::stream_dir(path, &st), name);
    let fits = if depot::depot_only() {
        Err(Errno::NOSPC)
    } else {
        rustix::fs::fsetxattr(fd, &xattr, &value, XattrFlags::empty())
    };
    match fits {
        Ok(()) => {
            let _ = std::fs::remove_file(&depot_file);
            return Ok(());
        }
        Err(Errno::NOSPC | Errno::TOOBIG | Errno::RANGE) => {}
        Err(e) => return Err(e.into()),
    }
    let dir = depot::prepare(path, &st, fd).map_err(|e| io_code(&e))?;
    let tmp = dir.join(format!(".{}-store.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        std::fs::rename(&tmp, &depot_file)
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_code(&e));
    }
    match rustix::fs::fremovexattr(fd, &xattr) {
        Ok(()) | Err(Errno::NODATA) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The named streams of the file open as `fd` at `path`, both layouts: (name, bytes).
pub fn read_all(fd: BorrowedFd<'_>, path: &Path) -> Result<Vec<(String, Vec<u8>)>, Win32Error> {
    let mut names = vec![0u8; 64 * 1024];
    let n = rustix::fs::flistxattr(fd, &mut names).unwrap_or(0);
    let mut out = Vec::new();
    let mut marked = false;
    for raw in names[..n].split(|b| *b == 0) {
        let Ok(x) = std::str::from_utf8(raw) else { continue };
        if x == depot::MARKER {
            marked = true;
        }
        let Some(rest) = x.strip_prefix(PREFIX) else { continue };
        let name = rest.strip_suffix(":$DATA").unwrap_or(rest);
        if name.is_empty() {
            continue;
        }
        let mut v = vec![0u8; 64 * 1024];
        let len = rustix::fs::fgetxattr(fd, x, &mut v)?;
        v.truncate(len.saturating_sub(1));
        out.push((name.to_string(), v));
    }
    let st = fstat(fd)?;
    for (name, file, _) in depot::list(path, &st, marked) {
        out.push((name, std::fs::read(&file).map_err(|e| io_code(&e))?));
    }
    Ok(out)
}

/// Removes every named stream of the file open as `fd` at `path` (a file being replaced).
pub fn remove_all(fd: BorrowedFd<'_>, path: &Path) -> Result<(), Win32Error> {
    let mut names = vec![0u8; 64 * 1024];
    let n = rustix::fs::flistxattr(fd, &mut names).unwrap_or(0);
    let mut marked = false;
    for raw in names[..n].split(|b| *b == 0) {
        let Ok(x) = std::str::from_utf8(raw) else { continue };
        if x == depot::MARKER {
            marked = true;
        } else if x.starts_with(PREFIX) {
            let _ = rustix::fs::fremovexattr(fd, x);
        }
    }
    let st = fstat(fd)?;
    for (_, file, _) in depot::list(path, &st, marked) {
        let _ = std::fs::remove_file(file);
    }
    Ok(())
}

/// CopyFile(Ex): the destination gets exactly the source's named streams.
pub fn copy_all(src: BorrowedFd<'_>, from: &Path, dst: BorrowedFd<'_>, to: &Path) -> Result<(), Win32Error> {
    remove_all(dst, to)?;
    for (name, data) in read_all(src, from)? {
        store(dst, to, &name, &data)?;
    }
    Ok(())
}
