//! Tests of the drive tables on real directories of symlinks.

use super::*;
use std::env;
use std::os::unix::fs::symlink;

#[test]
fn tables_and_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let user = tmp.path().join("user");
    let srv = tmp.path().join("srv");
    fs::create_dir_all(&run).unwrap();
    fs::create_dir_all(&user).unwrap();
    fs::create_dir_all(srv.join("c")).unwrap();
    fs::create_dir_all(srv.join("d")).unwrap();
    fs::create_dir_all(srv.join("d2")).unwrap();
    let srv = fs::canonicalize(&srv).unwrap();
    symlink(srv.join("c"), user.join("c:")).unwrap();
    symlink(srv.join("d"), user.join("d:")).unwrap();
    // The runtime table wins over the per-user one.
    symlink(srv.join("d2"), run.join("d:")).unwrap();
    // A relative target is relative to its table, like Wine's `../drive_c`.
    symlink("../srv", user.join("e:")).unwrap();
    symlink("/nonexistent/winfile", user.join("f:")).unwrap();
    fs::write(user.join("readme"), b"not a drive").unwrap();

    let t = DosDevices::with_dirs(vec![run.clone(), user.clone()]);
    assert_eq!(t.drive_root('c'), Some(srv.join("c")));
    assert_eq!(t.drive_root('C'), Some(srv.join("c")));
    assert_eq!(t.drive_root('d'), Some(srv.join("d2")));
    assert_eq!(t.drive_root('e'), Some(srv.clone()));
    assert_eq!(t.drive_root('f'), Some(PathBuf::from("/nonexistent/winfile")));
    assert_eq!(t.drive_root('z'), Some(PathBuf::from("/")));
    assert_eq!(t.drive_root('q'), None);
    assert_eq!(t.drive_root('1'), None);
    assert_eq!(t.drive_root('\u{e9}'), None);

    let mask = t.logical_drives();
    assert_eq!(mask, (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 25));

    assert_eq!(t.unix_to_windows(Path::new("/tmp/x")).as_deref(), Some(r"Z:\tmp\x"));
    assert_eq!(t.unix_to_windows(Path::new("/")).as_deref(), Some(r"Z:\"));
    assert_eq!(t.unix_to_windows(&srv.join("c/a/b")).as_deref(), Some(r"C:\a\b"));
    assert_eq!(t.unix_to_windows(&srv.join("c")).as_deref(), Some(r"C:\"));
    assert_eq!(t.unix_to_windows(&srv.join("d2/x")).as_deref(), Some(r"D:\x"));
    assert_eq!(t.unix_to_windows(&srv.join("cc")).as_deref(), Some(r"E:\cc"));
    assert_eq!(t.unix_to_windows(Path::new("relative")), None);
    assert_eq!(t.unix_to_windows(Path::new(r"/a\b")), None);

    // A `z:` entry replaces the default.
    symlink(srv.join("c"), run.join("z:")).unwrap();
    assert_eq!(t.drive_root('z'), Some(srv.join("c")));
    assert_eq!(t.unix_to_windows(Path::new("/tmp")), None);
    assert_eq!(t.unix_to_windows(&srv.join("c/x")).as_deref(), Some(r"C:\x"));

    // Edits take effect at once.
    fs::remove_file(user.join("c:")).unwrap();
    assert_eq!(t.drive_root('c'), None);

    assert_eq!(t.unc_root(), None);
    symlink(&srv, user.join("unc")).unwrap();
    assert_eq!(t.unc_root(), Some(srv.clone()));
}

#[test]
fn environment() {
    // The only test that touches the process environment.
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("cfg");
    let table = cfg.join("winfile").join("dosdevices");
    fs::create_dir_all(&table).unwrap();
    symlink(tmp.path(), table.join("k:")).unwrap();
    let old_cfg = env::var_os("XDG_CONFIG_HOME");
    let old_run = env::var_os("XDG_RUNTIME_DIR");
    env::set_var("XDG_CONFIG_HOME", &cfg);
    // A private runtime directory (unset, the /tmp/winfile-<uid> fallback would be read).
    let run = tmp.path().join("run");
    env::set_var("XDG_RUNTIME_DIR", &run);
    // Read only once it exists (nothing is defined before that).
    let before = DosDevices::from_env();
    fs::create_dir(&run).unwrap();
    fs::create_dir_all(run.join("winfile").join("dosdevices")).unwrap();
    let root = drive_root('k');
    let mask = logical_drives();
    let dirs = DosDevices::from_env();
    match old_cfg {
        Some(v) => env::set_var("XDG_CONFIG_HOME", v),
        None => env::remove_var("XDG_CONFIG_HOME"),
    }
    match old_run {
        Some(v) => env::set_var("XDG_RUNTIME_DIR", v),
        None => env::remove_var("XDG_RUNTIME_DIR"),
    }
    assert_eq!(root, Some(fs::canonicalize(tmp.path()).unwrap()));
    assert_eq!(mask, (1 << 10) | (1 << 25));
    assert_eq!(before.dirs(), std::slice::from_ref(&table));
    assert_eq!(dirs.dirs(), &[run.join("winfile").join("dosdevices"), table]);
}
