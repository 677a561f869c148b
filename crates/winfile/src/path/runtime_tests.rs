//! The directory checks of the runtime table location, on real directories. (Choosing
//! the base reads the environment; the Python tests cover that in child processes.)

use super::*;
use std::os::unix::fs::{symlink, PermissionsExt};

#[test]
fn private_dirs_are_created_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("mine");
    assert_eq!(check_dir(&d, false), DirState::Missing);
    assert_eq!(private_dir(&d, false), DirState::Missing);
    assert_eq!(private_dir(&d, true), DirState::Private);
    assert_eq!(fs::metadata(&d).unwrap().permissions().mode() & 0o777, 0o700);
    // Again: an existing private directory is kept as it is.
    assert_eq!(private_dir(&d, true), DirState::Private);

    // Writable by others: refused, even though it is ours.
    fs::set_permissions(&d, fs::Permissions::from_mode(0o777)).unwrap();
    assert_eq!(check_dir(&d, false), DirState::Refused);
    fs::set_permissions(&d, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(check_dir(&d, false), DirState::Private);

    // A symlink is never followed (lstat), and never replaced by mkdir.
    let link = tmp.path().join("link");
    symlink(&d, &link).unwrap();
    assert_eq!(check_dir(&link, false), DirState::Refused);
    assert_eq!(private_dir(&link, true), DirState::Refused);
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(check_dir(&link, true), DirState::Private);
    let dangling = tmp.path().join("dangling");
    symlink(tmp.path().join("nowhere"), &dangling).unwrap();
    assert_eq!(private_dir(&dangling, true), DirState::Refused);
    assert!(!tmp.path().join("nowhere").exists());

    // A file is no directory.
    let file = tmp.path().join("file");
    fs::write(&file, b"x").unwrap();
    assert_eq!(private_dir(&file, true), DirState::Refused);
}

#[test]
fn other_owners_are_refused() {
    if euid() != 0 {
        return; // only root can give a directory away
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("theirs");
    fs::create_dir(&d).unwrap();
    fs::set_permissions(&d, fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&d, Some(65534), Some(65534)).unwrap();
    assert_eq!(check_dir(&d, false), DirState::Refused);
    assert_eq!(private_dir(&d, true), DirState::Refused);
    // Root-owned configuration directories are trusted, other users' are not.
    assert!(!trusted_config_dir(&d));
    std::os::unix::fs::chown(&d, Some(0), Some(0)).unwrap();
    assert!(trusted_config_dir(&d));
    fs::set_permissions(&d, fs::Permissions::from_mode(0o777)).unwrap();
    assert!(!trusted_config_dir(&d));
}

#[test]
fn shared_parent_must_protect_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("shared");
    fs::create_dir(&p).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o777)).unwrap();
    assert!(!entries_protected(&p));
    fs::set_permissions(&p, fs::Permissions::from_mode(0o1777)).unwrap();
    assert!(entries_protected(&p));
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    assert!(entries_protected(&p));
}
