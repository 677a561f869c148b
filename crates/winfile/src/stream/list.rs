//! `FindFirstStreamW` / `FindNextStreamW`: the streams of a file.

use crate::error::{Context, Error, PathContext, Result, Win32Error};
use rustix::fs::{statat, AtFlags, FileType, CWD};
use rustix::io::Errno;
use std::os::fd::BorrowedFd;
use std::path::Path;

/// Prefix of the xattrs Samba keeps named streams in.
const PREFIX: &str = "user.DosStream.";

/// One stream: its size and its Windows name (`::$DATA`, `:name:$DATA`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stream {
    /// Bytes in the stream.
    pub size: u64,
    /// `::$DATA` for the unnamed stream, else `:name:$DATA`.
    pub name: String,
}

/// Stream names in an xattr name list (NUL-separated), with their xattr names.
fn named(list: &[u8]) -> impl Iterator<Item = (&str, &str)> {
    list.split(|b| *b == 0).filter_map(|raw| {
        let xattr = std::str::from_utf8(raw).ok()?;
        let rest = xattr.strip_prefix(PREFIX)?;
        let name = rest.strip_suffix(":$DATA").unwrap_or(rest);
        (!name.is_empty()).then_some((xattr, name))
    })
}

fn xattr_names(get: impl Fn(&mut [u8]) -> std::result::Result<usize, Errno>) -> Vec<u8> {
    let mut buf = vec![0u8; 64 * 1024];
    match get(&mut buf) {
        Ok(n) => {
            buf.truncate(n);
            buf
        }
        Err(_) => Vec::new(), // no xattrs here (unsupported or none): no named streams
    }
}

/// Room for any xattr value (the VFS caps them at 64 KiB).
fn value_buf() -> Vec<u8> {
    vec![0u8; 64 * 1024]
}

/// The named streams of an open file (`FileStreamInformation` after `::$DATA`).
pub fn list_fd(fd: BorrowedFd<'_>) -> Vec<Stream> {
    let names = xattr_names(|b| rustix::fs::flistxattr(fd, b));
    named(&names)
        .map(|(xattr, name)| {
            let size = rustix::fs::fgetxattr(fd, xattr, &mut value_buf()[..]).unwrap_or(0);
            Stream { size: size.saturating_sub(1) as u64, name: format!(":{name}:$DATA") }
        })
        .collect()
}

/// `FindFirstStreamW`/`FindNextStreamW`—the file's streams: `::$DATA` (the file's
/// data; directories have none) then each named stream.
///
/// # Linux mechanism
/// statx(2), then listxattr(2)/getxattr(2) of the `user.DosStream.*` xattrs Samba's
/// vfs_streams_xattr writes, then readdir(3) of the file's vfs_streams_depot directory
/// (see [`super::depot`]) when the file carries Samba's `user.SAMBA_STREAMS` marker.
pub fn find_streams(path: &Path) -> Result<Vec<Stream>> {
    const API: &str = "FindFirstStreamW";
    let st = statat(CWD, path, AtFlags::empty()).path_api(path, API)?;
    let mut out = Vec::new();
    if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
        out.push(Stream { size: u64::try_from(st.st_size).unwrap_or(0), name: "::$DATA".into() });
    }
    let names = xattr_names(|b| rustix::fs::listxattr(path, b));
    for (xattr, name) in named(&names) {
        let size = rustix::fs::getxattr(path, xattr, &mut value_buf()[..]).api(API)?;
        out.push(Stream { size: size.saturating_sub(1) as u64, name: format!(":{name}:$DATA") });
    }
    let marked = names.split(|b| *b == 0).any(|n| n == super::depot::MARKER.as_bytes());
    for (name, _, size) in super::depot::list(path, &st, marked) {
        out.push(Stream { size, name: format!(":{name}:$DATA") });
    }
    if out.is_empty() {
        // A directory without named streams: FindFirstStreamW reports ERROR_HANDLE_EOF.
        return Err(Error::new(Win32Error::HANDLE_EOF, API));
    }
    Ok(out)
}

/// `FindFirstStreamW` for a caller's name (resolved as Win32 names are).
///
/// # Linux mechanism
/// As [`find_streams`].
pub fn find_streams_by_name(name: &str) -> Result<Vec<Stream>> {
    let path = crate::path::resolve(name, false).api("FindFirstStreamW")?.linux;
    find_streams(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_samba_xattrs() {
        let list = b"user.DOSATTRIB\0user.DosStream.Zone.Identifier:$DATA\0user.DosStream.x\0trusted.y\0";
        let got: Vec<_> = named(list).map(|(_, n)| n).collect();
        assert_eq!(got, ["Zone.Identifier", "x"]);
    }

    #[test]
    fn file_streams_with_sizes() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, b"12345").unwrap();
        rustix::fs::setxattr(
            &f,
            "user.DosStream.Zone.Identifier:$DATA",
            b"[ZoneTransfer]\0",
            rustix::fs::XattrFlags::empty(),
        )
        .unwrap();
        let s = find_streams(&f).unwrap();
        assert_eq!(s[0], Stream { size: 5, name: "::$DATA".into() });
        assert_eq!(s[1], Stream { size: 14, name: ":Zone.Identifier:$DATA".into() });
        assert_eq!(find_streams(d.path()).unwrap_err().code(), Win32Error::HANDLE_EOF);
        assert_eq!(find_streams(&d.path().join("none")).unwrap_err().code(), Win32Error::FILE_NOT_FOUND);
    }
}
