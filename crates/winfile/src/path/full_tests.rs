//! `GetFullPathName` cases (after Microsoft's documented normalisation examples).

use super::*;
use crate::path::dosdev::DosDevices;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;

#[test]
fn windows_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    let table = root.join("table");
    let c = root.join("c");
    fs::create_dir_all(c.join("Work/Deep")).unwrap();
    fs::create_dir_all(&table).unwrap();
    symlink(&c, table.join("c:")).unwrap();
    let ns = Namespace::new(DosDevices::with_dirs(vec![table]), Some(c.join("Work/Deep")));
    let cases = [
        (r"C:\a\b", r"C:\a\b"),
        (r"c:/A//b\", r"c:\A\b\"),
        (r"C:\a\.\b\..\c", r"C:\a\c"),
        (r"C:\..\..\x", r"C:\x"),
        (r"C:\a\b. . ", r"C:\a\b"),
        (r"C:\a.\b", r"C:\a\b"),
        (r"C:\a \b", r"C:\a \b"),
        (r"C:\a\b \", r"C:\a\b \"),
        (r"C:\", r"C:\"),
        (r"C:\a\*.txt", r"C:\a\*.txt"),
        (r".\x", r"C:\Work\Deep\x"),
        (r"..\y\", r"C:\Work\y\"),
        (r"..\..\..\..\y", r"C:\y"),
        (r".\", r"C:\Work\Deep\"),
        (r"sub\..", r"C:\Work\Deep"),
        ("c:x", r"C:\Work\Deep\x"),
        ("C:", r"C:\Work\Deep"),
        ("d:x", r"D:\x"),
        (r"\top", r"C:\top"),
        (r"\\server\share\..\..\x", r"\\server\share\x"),
        (r"\\server\share", r"\\server\share"),
        (r"\\server", r"\\server"),
        (r"\\?\C:\a\..\b. ", r"\\?\C:\a\..\b. "),
        (r"\??\C:\x", r"\??\C:\x"),
        (r"\\.\COM1", r"\\.\COM1"),
        (r"\\.\C:\a\..\b", r"\\.\C:\b"),
        // The root of a `\\.\` path is the prefix: `..` climbs into the device
        // namespace (Wine's tests of RtlDosPathNameToNtPathName_U: `\\.\foo\..` → `\??\`).
        (r"\\.\C:\..\x", r"\\.\x"),
        (r"\\.\C:\..\..\..\D:\y", r"\\.\D:\y"),
        (r"\\.\foo\..", r"\\.\"),
        (r"\\.\foo. . ", r"\\.\foo"),
        (r"\\.\UNC\srv\sh\..\..\x", r"\\.\UNC\x"),
        (r"\\?\Q:/../x", r"\\?\Q:/../x"),
        ("nul", r"\\.\nul"),
        ("NUL", r"\\.\NUL"),
        (r"C:\dir\Con.txt", r"\\.\Con"),
        ("com1", r"\\.\com1"),
    ];
    for (input, want) in cases {
        assert_eq!(ns.full_path_name(input).as_deref(), Ok(want), "{input}");
    }
}

#[test]
fn unix_forms() {
    let ns = Namespace::new(DosDevices::with_dirs(Vec::new()), Some(PathBuf::from("/home/u")));
    let cases = [
        ("/tmp/x", "/tmp/x"),
        ("/tmp//./x/../y", "/tmp/y"),
        ("a/b", "/home/u/a/b"),
        ("../x. ", "/home/x. "),
        ("dir/", "/home/u/dir/"),
        ("file.txt", "/home/u/file.txt"),
    ];
    for (input, want) in cases {
        assert_eq!(ns.full_path_name(input).as_deref(), Ok(want), "{input}");
    }
    // The cwd is outside every drive here except the default Z:.
    assert_eq!(ns.full_path_name(r"a\b").as_deref(), Ok(r"Z:\home\u\a\b"));
    assert_eq!(ns.full_path_name(""), Err(Win32Error::PATH_NOT_FOUND));
}
