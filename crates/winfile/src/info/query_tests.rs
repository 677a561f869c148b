//! Tests of `query_fd` / `query_path` on real files.

use super::*;
use crate::consts::{FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_REPARSE_POINT};
use std::fs::{self, File};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn identity_size_and_times() {
    let dir = scratch();
    let p = dir.path().join("f");
    fs::write(&p, vec![7u8; 5000]).expect("write");
    let md = fs::metadata(&p).expect("metadata");
    let info = query_path(&p).expect("query");
    assert_eq!(info.size, 5000);
    assert_eq!(info.index, md.ino());
    assert_eq!(info.links, 1);
    assert_eq!(info.allocation, md.blocks() * 512);
    assert_eq!(info.oid, 0);
    assert_eq!(info.last_write, FileTime::from_unix(md.mtime(), md.mtime_nsec() as u32));
    assert_eq!(info.last_access, FileTime::from_unix(md.atime(), md.atime_nsec() as u32));
    assert_eq!(info.change, FileTime::from_unix(md.ctime(), md.ctime_nsec() as u32));
    assert!(info.creation <= info.change);
    assert!(info.creation > FileTime::from_unix(1_600_000_000, 0));
    // The handle form agrees.
    let f = File::open(&p).expect("open");
    assert_eq!(query_fd(f.as_fd(), &p).expect("query fd"), info);
}

#[test]
fn hard_links_are_counted() {
    let dir = scratch();
    let p = dir.path().join("a");
    fs::write(&p, b"x").expect("write");
    fs::hard_link(&p, dir.path().join("b")).expect("link");
    let info = query_path(&p).expect("query");
    assert_eq!(info.links, 2);
    assert_eq!(query_path(&dir.path().join("b")).expect("query").index, info.index);
}

#[test]
fn volume_serial_is_per_file_system() {
    let dir = scratch();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    fs::write(&a, b"1").expect("write");
    fs::write(&b, b"2").expect("write");
    let sa = query_path(&a).expect("a").volume_serial;
    assert_eq!(sa, query_path(&b).expect("b").volume_serial);
    assert_eq!(sa, query_path(dir.path()).expect("dir").volume_serial);
    let f = File::open(&a).expect("open");
    assert_eq!(volume_serial(f.as_fd()).expect("serial"), sa);
    assert_ne!(sa, 0);
    // /proc is another file system; its serial should differ from /tmp's.
    if let Ok(proc_info) = query_path(Path::new("/proc/self/status")) {
        assert_ne!(proc_info.volume_serial, sa);
    }
}

#[test]
fn directories_report_size_zero() {
    let dir = scratch();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).expect("mkdir");
    let info = query_path(&sub).expect("query");
    assert_eq!(info.attributes, FILE_ATTRIBUTE_DIRECTORY);
    assert_eq!(info.size, 0);
    let d = File::open(&sub).expect("open dir");
    assert_eq!(query_fd(d.as_fd(), &sub).expect("fd").attributes, FILE_ATTRIBUTE_DIRECTORY);
    // tempfile names its directories ".tmpXXXX": a dot name, so HIDDEN.
    let top = query_path(dir.path()).expect("query").attributes;
    assert_eq!(top, FILE_ATTRIBUTE_DIRECTORY | crate::consts::FILE_ATTRIBUTE_HIDDEN);
}

#[test]
fn symlinks_are_reparse_points() {
    let dir = scratch();
    let target = dir.path().join("t");
    fs::write(&target, b"x").expect("write");
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).expect("mkdir");
    let to_file = dir.path().join("lf");
    let to_dir = dir.path().join("ld");
    let dangling = dir.path().join("lx");
    std::os::unix::fs::symlink(&target, &to_file).expect("symlink");
    std::os::unix::fs::symlink(&sub, &to_dir).expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("missing"), &dangling).expect("symlink");
    let lf = query_path(&to_file).expect("lf");
    assert_eq!(lf.attributes, FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_ARCHIVE);
    assert_ne!(lf.index, query_path(&target).expect("t").index);
    assert_eq!(lf.size, 0);
    assert_eq!(query_path(&to_dir).expect("ld").attributes, FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY);
    assert_eq!(query_path(&dangling).expect("lx").attributes, FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_ARCHIVE);
    // Through a handle opened on the target, the target is described.
    let f = File::open(&to_file).expect("open");
    assert_eq!(query_fd(f.as_fd(), &to_file).expect("fd").attributes, FILE_ATTRIBUTE_ARCHIVE);
}

#[test]
fn missing_paths_give_2_and_3() {
    let dir = scratch();
    let missing = dir.path().join("nope");
    assert_eq!(query_path(&missing), Err(Win32Error::FILE_NOT_FOUND));
    assert_eq!(query_path(&missing.join("x")), Err(Win32Error::PATH_NOT_FOUND));
    let file = dir.path().join("file");
    fs::write(&file, b"").expect("write");
    // A file used as a directory on the way: 3, as Windows says.
    assert_eq!(query_path(&file.join("x")), Err(Win32Error::PATH_NOT_FOUND));
}

#[test]
fn undecodable_xattr_falls_back_to_defaults() {
    let dir = scratch();
    let p = dir.path().join("junk");
    fs::write(&p, b"x").expect("write");
    let flags = rustix::fs::XattrFlags::empty();
    rustix::fs::setxattr(&p, crate::info::dosattrib::XATTR_NAME, b"\0\0\x09\0\x09\0", flags).expect("setxattr");
    assert_eq!(query_path(&p).expect("query").attributes, FILE_ATTRIBUTE_ARCHIVE);
    // Wine's legacy form is read.
    rustix::fs::setxattr(&p, crate::info::dosattrib::XATTR_NAME, b"0x2", flags).expect("setxattr");
    assert_eq!(query_path(&p).expect("query").attributes, crate::consts::FILE_ATTRIBUTE_HIDDEN);
}

#[test]
fn samba_values_on_disk_are_read() {
    use crate::info::dosattrib::{encode_v5, DosAttrib, XATTR_NAME};
    let dir = scratch();
    let p = dir.path().join("samba");
    fs::write(&p, b"x").expect("write");
    let c = FileTime::from_unix(1_234_567_890, 100);
    let v5 = encode_v5(&DosAttrib { attributes: 0x2026, create_time: Some(c) });
    rustix::fs::setxattr(&p, XATTR_NAME, &v5, rustix::fs::XattrFlags::empty()).expect("setxattr");
    let info = query_path(&p).expect("query");
    // 0x2026 = NOT_CONTENT_INDEXED | ARCHIVE | SYSTEM | HIDDEN.
    assert_eq!((info.attributes, info.creation), (0x2026, c));
    // What set_attributes writes is exactly Samba's v5 layout.
    crate::info::set_attributes(&p, 0x2).expect("set");
    let mut buf = [0u8; 64];
    let n = rustix::fs::getxattr(&p, XATTR_NAME, &mut buf).expect("getxattr");
    assert_eq!(&buf[..n], &encode_v5(&DosAttrib { attributes: 0x2, create_time: Some(c) })[..]);
}
