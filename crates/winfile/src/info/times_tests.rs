//! Tests of `SetFileTime` on real files.

use super::*;
use crate::consts::{FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_HIDDEN, FILE_ATTRIBUTE_SYSTEM};
use crate::info::{query_fd, query_path, set_attributes};
use std::fs::{self, File, OpenOptions};
use std::os::fd::AsFd;

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn round_trip_all_three() {
    let dir = scratch();
    let p = dir.path().join("f");
    fs::write(&p, b"x").expect("write");
    let f = OpenOptions::new().write(true).open(&p).expect("open");
    let c = FileTime::from_unix(1_000_000_000, 123_456_700);
    let a = FileTime::from_unix(1_100_000_000, 987_654_300);
    let w = FileTime::from_unix(1_200_000_000, 100);
    set_times(f.as_fd(), &p, Some(c), Some(a), Some(w)).expect("set");
    let info = query_fd(f.as_fd(), &p).expect("query");
    assert_eq!((info.creation, info.last_access, info.last_write), (c, a, w));
    assert_eq!(query_path(&p).expect("query").creation, c);
    // Creation time stored without changing the default attributes.
    assert_eq!(info.attributes, FILE_ATTRIBUTE_ARCHIVE);
}

#[test]
fn none_and_markers_leave_times_alone() {
    let dir = scratch();
    let p = dir.path().join("f");
    fs::write(&p, b"x").expect("write");
    let f = File::open(&p).expect("open");
    let before = query_fd(f.as_fd(), &p).expect("query");
    let w = FileTime::from_unix(1_300_000_000, 0);
    set_times(f.as_fd(), &p, None, Some(FileTime(0)), Some(w)).expect("set");
    let after = query_fd(f.as_fd(), &p).expect("query");
    assert_eq!(after.last_write, w);
    assert_eq!(after.last_access, before.last_access);
    assert_eq!(after.creation, before.creation);
    set_times(f.as_fd(), &p, Some(FileTime(u64::MAX)), None, None).expect("noop");
    assert_eq!(query_fd(f.as_fd(), &p).expect("query").creation, before.creation);
}

#[test]
fn creation_keeps_stored_attributes() {
    let dir = scratch();
    let p = dir.path().join("f");
    fs::write(&p, b"x").expect("write");
    set_attributes(&p, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM).expect("attrs");
    let f = File::open(&p).expect("open");
    let c = FileTime::from_unix(900_000_000, 500);
    set_times(f.as_fd(), &p, Some(c), None, None).expect("set");
    let info = query_path(&p).expect("query");
    assert_eq!(info.creation, c);
    assert_eq!(info.attributes, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM);
    // And the attributes can change afterwards without losing the creation time.
    set_attributes(&p, FILE_ATTRIBUTE_ARCHIVE).expect("attrs");
    let info = query_path(&p).expect("query");
    assert_eq!((info.creation, info.attributes), (c, FILE_ATTRIBUTE_ARCHIVE));
}

#[test]
fn times_before_1970_and_on_directories() {
    let dir = scratch();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).expect("mkdir");
    let d = File::open(&sub).expect("open dir");
    let old = FileTime::from_unix(-86_400 * 365, 0);
    set_times(d.as_fd(), &sub, Some(old), Some(old), Some(old)).expect("set");
    let info = query_path(&sub).expect("query");
    assert_eq!((info.creation, info.last_access, info.last_write), (old, old, old));
    assert_eq!(info.attributes, crate::consts::FILE_ATTRIBUTE_DIRECTORY);
}

#[test]
fn o_path_descriptor() {
    use rustix::fs::{Mode, OFlags};
    let dir = scratch();
    let p = dir.path().join("f");
    fs::write(&p, b"x").expect("write");
    let fd = rustix::fs::open(&p, OFlags::PATH | OFlags::CLOEXEC, Mode::empty()).expect("open");
    let c = FileTime::from_unix(1_111_111_111, 0);
    let w = FileTime::from_unix(1_222_222_222, 200);
    set_times(fd.as_fd(), &p, Some(c), None, Some(w)).expect("set");
    let info = query_path(&p).expect("query");
    assert_eq!((info.creation, info.last_write), (c, w));
}

#[test]
fn readonly_files_still_take_a_creation_time() {
    let dir = scratch();
    let p = dir.path().join("ro");
    fs::write(&p, b"x").expect("write");
    set_attributes(&p, crate::consts::FILE_ATTRIBUTE_READONLY).expect("ro");
    let f = File::open(&p).expect("open");
    let c = FileTime::from_unix(1_000, 0);
    set_times(f.as_fd(), &p, Some(c), None, None).expect("set");
    let info = query_path(&p).expect("query");
    assert_eq!(info.creation, c);
    assert_eq!(info.attributes, crate::consts::FILE_ATTRIBUTE_READONLY);
}
