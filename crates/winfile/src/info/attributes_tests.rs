//! Tests of attribute derivation (pure) and of `SetFileAttributes` /
//! `init_new_file` / `mark_archive` on real files.

use super::*;
use crate::info::{dosattrib, query_fd, query_path};
use std::fs::{self, File};
use std::os::fd::AsFd;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

const A: u32 = FILE_ATTRIBUTE_ARCHIVE;
const H: u32 = FILE_ATTRIBUTE_HIDDEN;
const S: u32 = FILE_ATTRIBUTE_SYSTEM;
const R: u32 = FILE_ATTRIBUTE_READONLY;
const D: u32 = FILE_ATTRIBUTE_DIRECTORY;
const NONE: StatxAttributes = StatxAttributes::empty();

fn derive_plain(mode: u32, stored: Option<u32>, name: &str) -> u32 {
    derive(mode, NONE, stored, Path::new(name), false)
}

#[test]
fn derive_defaults() {
    assert_eq!(derive_plain(0o100_644, None, "f"), A);
    assert_eq!(derive_plain(0o100_444, None, "f"), A | R);
    assert_eq!(derive_plain(0o040_755, None, "d"), D);
    assert_eq!(derive_plain(0o040_555, None, "d"), D | R);
    // Any one write bit keeps it writable.
    assert_eq!(derive_plain(0o100_402, None, "f"), A);
    assert_eq!(derive_plain(0o120_777, None, "l"), FILE_ATTRIBUTE_REPARSE_POINT | A);
    assert_eq!(derive(0o120_777, NONE, None, Path::new("l"), true), FILE_ATTRIBUTE_REPARSE_POINT | D);
}

#[test]
fn derive_stored_bits_are_masked() {
    assert_eq!(derive_plain(0o100_644, Some(0), "f"), FILE_ATTRIBUTE_NORMAL);
    assert_eq!(derive_plain(0o100_644, Some(H | S), "f"), H | S);
    // DIRECTORY and REPARSE_POINT in the blob are ignored; NORMAL too.
    let junk = D | FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_NORMAL;
    assert_eq!(derive_plain(0o100_644, Some(junk), "f"), FILE_ATTRIBUTE_NORMAL);
    // READONLY in the blob counts for regular files (Samba stores an SMB client's
    // READONLY only there), not for directories (their mode decides).
    assert_eq!(derive_plain(0o100_644, Some(R), "f"), R);
    assert_eq!(derive_plain(0o040_755, Some(R), "d"), D);
    assert_eq!(derive_plain(0o100_644, Some(FILE_ATTRIBUTE_SPARSE_FILE), "f"), FILE_ATTRIBUTE_SPARSE_FILE);
}

#[test]
fn derive_names_and_statx_bits() {
    assert_eq!(derive_plain(0o100_644, None, "/x/.bashrc"), A | H);
    assert_eq!(derive_plain(0o040_755, None, "/x/.git"), D | H);
    assert_eq!(derive_plain(0o040_755, None, "."), D);
    assert_eq!(derive_plain(0o040_755, None, "/x/.."), D);
    assert_eq!(derive_plain(0o100_644, None, "/x/a.b"), A);
    let both = StatxAttributes::COMPRESSED | StatxAttributes::ENCRYPTED;
    assert_eq!(
        derive(0o100_644, both, Some(0), Path::new("f"), false),
        FILE_ATTRIBUTE_COMPRESSED | FILE_ATTRIBUTE_ENCRYPTED
    );
}

#[test]
fn writable_mode_follows_read_bits_and_umask() {
    assert_eq!(writable_mode(0o100_444, 0o022), 0o100_644);
    assert_eq!(writable_mode(0o100_444, 0o002), 0o100_664);
    assert_eq!(writable_mode(0o100_444, 0), 0o100_666);
    assert_eq!(writable_mode(0o100_400, 0), 0o100_600);
    // The owner always gets write back.
    assert_eq!(writable_mode(0o100_444, 0o777), 0o100_644);
    assert!(process_umask() <= 0o777);
}

pub(crate) fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn new_file(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    let p = dir.path().join(name);
    fs::write(&p, b"data").expect("write");
    p
}

fn attrs(p: &Path) -> u32 {
    query_path(p).expect("query").attributes
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).expect("metadata").permissions().mode()
}

#[test]
fn set_and_clear_hidden_system() {
    let dir = scratch();
    let p = new_file(&dir, "f.txt");
    assert_eq!(attrs(&p), A);
    set_attributes(&p, H | S | A).expect("set");
    assert_eq!(attrs(&p), H | S | A);
    set_attributes(&p, H).expect("set");
    assert_eq!(attrs(&p), H);
    set_attributes(&p, FILE_ATTRIBUTE_NORMAL).expect("clear");
    assert_eq!(attrs(&p), FILE_ATTRIBUTE_NORMAL);
    set_attributes(&p, A).expect("archive");
    assert_eq!(attrs(&p), A);
}

#[test]
fn readonly_is_the_mode() {
    let dir = scratch();
    let p = new_file(&dir, "ro.txt");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).expect("chmod");
    set_attributes(&p, R | A).expect("set");
    assert_eq!(mode(&p) & 0o777, 0o444);
    assert_eq!(attrs(&p), R | A);
    set_attributes(&p, A).expect("clear");
    assert_eq!(mode(&p) & 0o200, 0o200);
    assert_eq!(mode(&p) & 0o7555, 0o444 & 0o7555);
    assert_eq!(attrs(&p), A);
    // READONLY with other bits, then NORMAL clears everything.
    set_attributes(&p, R | H).expect("set");
    assert_eq!(attrs(&p), R | H);
    set_attributes(&p, FILE_ATTRIBUTE_NORMAL).expect("normal");
    assert_eq!(attrs(&p), FILE_ATTRIBUTE_NORMAL);
    assert_ne!(mode(&p) & 0o200, 0);
}

#[test]
fn unsettable_bits_are_ignored() {
    let dir = scratch();
    let p = new_file(&dir, "f");
    set_attributes(&p, D | FILE_ATTRIBUTE_COMPRESSED | FILE_ATTRIBUTE_REPARSE_POINT | H).expect("set");
    assert_eq!(attrs(&p), H);
}

#[test]
fn default_bits_write_no_xattr() {
    let dir = scratch();
    let p = new_file(&dir, "plain");
    set_attributes(&p, A).expect("set");
    let mut buf: Vec<u8> = Vec::with_capacity(64);
    let got = rustix::fs::getxattr(&p, dosattrib::XATTR_NAME, &mut buf);
    assert_eq!(got.err(), Some(Errno::NODATA));
}

#[test]
fn directories() {
    let dir = scratch();
    let d = dir.path().join("sub");
    fs::create_dir(&d).expect("mkdir");
    assert_eq!(attrs(&d), D);
    set_attributes(&d, H | R).expect("set");
    assert_eq!(attrs(&d), D | H | R);
    assert_eq!(mode(&d) & 0o222, 0);
    set_attributes(&d, 0).expect("clear");
    assert_eq!(attrs(&d), D);
    assert_ne!(mode(&d) & 0o200, 0);
}

#[test]
fn dot_files_are_hidden() {
    let dir = scratch();
    let p = new_file(&dir, ".profile");
    assert_eq!(attrs(&p), A | H);
    let d = dir.path().join(".cache");
    fs::create_dir(&d).expect("mkdir");
    assert_eq!(attrs(&d), D | H);
}

#[test]
fn missing_paths_give_2_and_3() {
    let dir = scratch();
    let missing = dir.path().join("nope");
    assert_eq!(set_attributes(&missing, H), Err(Win32Error::FILE_NOT_FOUND));
    assert_eq!(set_attributes(&missing.join("x"), H), Err(Win32Error::PATH_NOT_FOUND));
}

#[test]
fn init_new_file_and_mark_archive() {
    let dir = scratch();
    let p = dir.path().join("new");
    let f = File::create(&p).expect("create");
    init_new_file(f.as_fd(), &p, FILE_ATTRIBUTE_NORMAL).expect("init");
    assert_eq!(query_fd(f.as_fd(), &p).expect("query").attributes, A);

    let q = dir.path().join("hidden-ro");
    let g = File::create(&q).expect("create");
    init_new_file(g.as_fd(), &q, H | R | FILE_ATTRIBUTE_TEMPORARY | D).expect("init");
    assert_eq!(attrs(&q), H | R | A | FILE_ATTRIBUTE_TEMPORARY);
    assert_eq!(mode(&q) & 0o222, 0);

    // ARCHIVE cleared, then a write through the handle sets it again.
    set_attributes(&p, H).expect("set");
    assert_eq!(attrs(&p), H);
    mark_archive(f.as_fd(), &p).expect("mark");
    assert_eq!(attrs(&p), H | A);
    mark_archive(f.as_fd(), &p).expect("mark again");
    assert_eq!(attrs(&p), H | A);
}

#[test]
fn o_path_descriptors_work() {
    use rustix::fs::{Mode, OFlags};
    let dir = scratch();
    let p = new_file(&dir, "op");
    set_attributes(&p, S).expect("set");
    let fd = rustix::fs::open(&p, OFlags::PATH | OFlags::CLOEXEC, Mode::empty()).expect("open");
    assert_eq!(query_fd(fd.as_fd(), &p).expect("query").attributes, S);
    mark_archive(fd.as_fd(), &p).expect("mark");
    assert_eq!(attrs(&p), S | A);
}
