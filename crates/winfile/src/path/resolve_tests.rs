//! Tests of resolution on real directories, with explicit tables and current directory.

use super::*;
use crate::path::dosdev::DosDevices;
use crate::path::types::DosDevice;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

struct Fixture {
    _tmp: tempfile::TempDir,
    c: PathBuf,
    ns: Namespace,
}

/// Drive C: → `<tmp>/c` holding `Dir/Sub/File.txt`, cwd `<tmp>/c/Dir`, `unc` table
/// entry when asked.
fn fixture(with_unc: bool) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    let c = root.join("c");
    let table = root.join("table");
    fs::create_dir_all(c.join("Dir/Sub")).unwrap();
    fs::create_dir_all(&table).unwrap();
    fs::write(c.join("Dir/Sub/File.txt"), b"x").unwrap();
    symlink(&c, table.join("c:")).unwrap();
    symlink("/dev/ttyUSB7", table.join("com3")).unwrap();
    if with_unc {
        fs::create_dir_all(root.join("net/Server/Share/Docs")).unwrap();
        symlink(root.join("net"), table.join("unc")).unwrap();
    }
    let ns = Namespace::new(DosDevices::with_dirs(vec![table]), Some(c.join("Dir")));
    Fixture { _tmp: tmp, c, ns }
}

fn linux(f: &Fixture, path: &str) -> Result<PathBuf, Win32Error> {
    f.ns.resolve(path, false).map(|r| {
        assert_eq!(r.style, PathStyle::Windows, "{path}");
        assert_eq!(r.device, None, "{path}");
        r.linux
    })
}

#[test]
fn drive_paths() {
    let f = fixture(false);
    let c = &f.c;
    let cases: &[(&str, PathBuf)] = &[
        (r"C:\Dir\Sub\File.txt", c.join("Dir/Sub/File.txt")),
        (r"c:\dir\sub\FILE.TXT", c.join("Dir/Sub/File.txt")),
        ("c:/DIR/sub/file.txt", c.join("Dir/Sub/File.txt")),
        (r"C:\dir\sub\new.txt", c.join("Dir/Sub/new.txt")),
        (r"C:\dir\Missing\sub\x", c.join("Dir/Missing/sub/x")),
        (r"C:\dir\.\sub\..\SUB\file.txt. ", c.join("Dir/Sub/File.txt")),
        (r"C:\..\..\dir", c.join("Dir")),
        (r"C:\", c.clone()),
        (r"C:\dir\sub\", c.join("Dir/Sub/")),
        (r"sub\file.txt", c.join("Dir/Sub/File.txt")),
        (r"..\dir\sub", c.join("Dir/Sub")),
        (r"..\..\..\dir", c.join("Dir")),
        (r"C:sub\file.txt", c.join("Dir/Sub/File.txt")),
        (r"\dir\sub", c.join("Dir/Sub")),
        (r"Z:\", PathBuf::from("/")),
        (r"\\?\C:\dir\sub. ", c.join("Dir/sub. ")),
        (r"\\?\C:\DIR\SUB\file.txt", c.join("Dir/Sub/File.txt")),
        (r"\\.\C:\dir\..\dir\sub", c.join("Dir/Sub")),
        (r"\\?\unix\tmp\x", PathBuf::from("/tmp/x")),
    ];
    for (input, want) in cases {
        assert_eq!(linux(&f, input).as_ref(), Ok(want), "{input}");
    }
    // exact: no case matching.
    let r = f.ns.resolve(r"c:\dir\sub", true).unwrap();
    assert_eq!(r.linux, c.join("dir/sub"));
}

#[test]
fn drive_relative_elsewhere() {
    let f = fixture(false);
    // The cwd is on C:, so `Z:x` is relative to Z:'s root.
    assert_eq!(linux(&f, "Z:tmp"), Ok(PathBuf::from("/tmp")));
    assert_eq!(linux(&f, "Q:x"), Err(Win32Error::PATH_NOT_FOUND));
    assert_eq!(linux(&f, r"Q:\x"), Err(Win32Error::PATH_NOT_FOUND));
}

#[test]
fn errors() {
    let f = fixture(false);
    assert_eq!(linux(&f, ""), Err(Win32Error::PATH_NOT_FOUND));
    for bad in [r"C:\a*b", r"C:\dir\x?", r"C:\dir\a:stream", "C:\\a\u{7}", r"a\<b>", r"\\?\C:\a/b"] {
        assert_eq!(linux(&f, bad), Err(Win32Error::INVALID_NAME), "{bad:?}");
    }
    assert_eq!(linux(&f, r"\\server\share\x"), Err(Win32Error::BAD_NETPATH));
    assert_eq!(linux(&f, r"\\server"), Err(Win32Error::BAD_PATHNAME));
    assert_eq!(linux(&f, r"\\.\PhysicalDrive0"), Err(Win32Error::FILE_NOT_FOUND));
}

#[test]
fn unc() {
    let f = fixture(true);
    let net = f.c.parent().unwrap().join("net");
    assert_eq!(linux(&f, r"\\server\share\docs\a.txt"), Ok(net.join("Server/Share/Docs/a.txt")));
    assert_eq!(linux(&f, r"\\SERVER/share\..\x"), Ok(net.join("Server/Share/x")));
    assert_eq!(linux(&f, r"\\?\UNC\server\share\docs"), Ok(net.join("Server/Share/Docs")));
}

#[test]
fn devices() {
    let f = fixture(false);
    let dev = |p: &str| f.ns.resolve(p, false).map(|r| (r.device, r.linux));
    let nul = Ok((Some(DosDevice::Nul), PathBuf::from("/dev/null")));
    for p in ["NUL", "nul", r"c:\dir\nul.txt", r"C:\nowhere\NUL .x", r"sub\nul", "c:nul", r"\\.\nul", r"\\?\NUL"] {
        assert_eq!(dev(p), nul, "{p}");
    }
    assert_eq!(dev("CON"), Ok((Some(DosDevice::Con), PathBuf::from("/dev/tty"))));
    assert_eq!(dev(r"c:\x\conout$"), Ok((Some(DosDevice::ConOut), PathBuf::from("/dev/tty"))));
    let com = |n: &str| Some(DosDevice::Other(n.to_string()));
    assert_eq!(dev(r"\\.\COM1"), Ok((com("COM1"), PathBuf::from("/dev/ttyS0"))));
    assert_eq!(dev(r"\\.\com3"), Ok((com("COM3"), PathBuf::from("/dev/ttyUSB7"))));
    assert_eq!(dev("com3"), Ok((com("COM3"), PathBuf::from("/dev/ttyUSB7"))));
    assert_eq!(dev(r"\\.\COM4"), Ok((com("COM4"), PathBuf::from("/dev/ttyS3"))));
    // COM5 on: the USB serial devices of this machine, in by-id order (`path::serial`).
    match crate::path::serial::default_com_target(10) {
        Some(t) => assert_eq!(dev(r"\\.\COM10"), Ok((com("COM10"), t))),
        None => assert_eq!(dev(r"\\.\COM10"), Err(crate::error::Win32Error::FILE_NOT_FOUND)),
    }
    assert_eq!(dev(r"\\.\C:"), Ok((com("C:"), f.c.clone())));
    // Not devices: verbatim paths, a trailing separator, Unix names with extensions.
    assert_eq!(dev(r"\\?\C:\dir\nul"), Ok((None, f.c.join("Dir/nul"))));
    assert_eq!(dev(r"C:\dir\nul\"), Ok((None, f.c.join("Dir/nul/"))));
    assert_eq!(dev("nul.txt"), Ok((None, PathBuf::from("nul.txt"))));
}

#[test]
fn unix_style() {
    let f = fixture(false);
    for p in ["/tmp/X. ", "a/b", "Sub", "/"] {
        let r = f.ns.resolve(p, false).unwrap();
        assert_eq!((r.linux.as_path(), r.style, r.device), (Path::new(p), PathStyle::Unix, None));
    }
    assert_eq!(f.ns.resolve("", false), Err(Win32Error::PATH_NOT_FOUND));
    assert_eq!(f.ns.resolve("a\0", false), Err(Win32Error::INVALID_NAME));
}

#[test]
fn no_panic_on_odd_input() {
    let f = fixture(true);
    let pieces =
        ["\\", "/", ".", "..", "?", ":", "C", "c:", "\u{e9}", "\u{1f600}", "nul", " ", "UNC", "unix", "\0", "*"];
    // Every string of up to four pieces.
    let mut inputs = vec![String::new()];
    for _ in 0..4 {
        let mut next = Vec::new();
        for s in &inputs {
            for p in pieces {
                next.push(format!("{s}{p}"));
            }
        }
        inputs.extend(next);
        inputs.dedup();
    }
    for s in &inputs {
        let _ = f.ns.resolve(s, false);
        let _ = f.ns.resolve(s, true);
        let _ = f.ns.full_path_name(s);
    }
}

/// A drive jail: Q: and Z: → directories inside `<tmp>/jail`, `unc` → `<tmp>/jail/net`,
/// the table and a secret outside it, cwd `<tmp>/jail/sub` (on Q:).
struct Jail {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    jail: PathBuf,
    ns: Namespace,
}

fn jail() -> Jail {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    let jail = root.join("jail");
    let table = root.join("table");
    fs::create_dir_all(jail.join("sub/deeper")).unwrap();
    fs::create_dir_all(jail.join("zdrive")).unwrap();
    fs::create_dir_all(jail.join("net/srv/share")).unwrap();
    fs::create_dir_all(&table).unwrap();
    fs::write(root.join("secret.txt"), b"outside").unwrap();
    fs::write(jail.join("secret.txt"), b"inside").unwrap();
    symlink(&jail, table.join("q:")).unwrap();
    symlink(jail.join("zdrive"), table.join("z:")).unwrap();
    symlink(jail.join("net"), table.join("unc")).unwrap();
    let ns = Namespace::new(DosDevices::with_dirs(vec![table]), Some(jail.join("sub")));
    Jail { _tmp: tmp, root, jail, ns }
}

impl Jail {
    /// True if `p` names something inside the jail: no `.`/`..` steps, the jail as
    /// prefix, and the real path of its longest existing ancestor inside too.
    fn inside(&self, p: &Path) -> bool {
        use std::path::Component;
        if p.components().any(|c| matches!(c, Component::ParentDir | Component::CurDir)) {
            return false;
        }
        if !p.starts_with(&self.jail) {
            return false;
        }
        let mut probe = p.to_path_buf();
        loop {
            if let Ok(real) = fs::canonicalize(&probe) {
                return real.starts_with(&self.jail);
            }
            if !probe.pop() {
                return false;
            }
        }
    }

    /// The Linux path of `name` if it resolves; devices must be /dev files or the jail.
    fn check(&self, name: &str) -> Result<PathBuf, Win32Error> {
        let r = self.ns.resolve(name, false)?;
        if r.style == PathStyle::Unix {
            // No drive letter and no backslash (`//?/Q:/..`, `a/../b`): a Linux path,
            // passed through as written; drives bound Windows-style names only.
            return Err(Win32Error::SUCCESS);
        }
        let ok = match r.device {
            None => self.inside(&r.linux),
            Some(_) => {
                let dev = r.linux.starts_with("/dev")
                    && !r.linux.components().any(|c| matches!(c, std::path::Component::ParentDir));
                dev || self.inside(&r.linux)
            }
        };
        assert!(ok, "{name:?} resolved outside the drives: {:?}", r.linux);
        let _ = self.ns.full_path_name(name);
        Ok(r.linux)
    }
}

#[test]
fn no_name_leaves_its_drive() {
    // The escapes of issue 20 and their siblings, one per path form, with what Windows
    // answers for each (docs/path-containment.md).
    let j = jail();
    let inside = j.jail.join("secret.txt");
    let cases: &[(&str, Result<PathBuf, Win32Error>)] = &[
        // `\\?\`: `/` is part of the device name, which does not exist.
        (r"\\?\Q:/../../etc/hostname", Err(Win32Error::FILE_NOT_FOUND)),
        (r"\\?\Q:/../secret.txt", Err(Win32Error::FILE_NOT_FOUND)),
        (r"\??\Q:/../secret.txt", Err(Win32Error::FILE_NOT_FOUND)),
        (r"\\?\Q:/..\secret.txt", Err(Win32Error::PATH_NOT_FOUND)),
        (r"\\?\Q:/", Err(Win32Error::FILE_NOT_FOUND)),
        // ... `..` is a name NTFS refuses, and so is one holding `/`.
        (r"\\?\Q:\..\secret.txt", Err(Win32Error::INVALID_NAME)),
        (r"\\?\Q:\sub/../../secret.txt", Err(Win32Error::INVALID_NAME)),
        (r"\\?\UNC\srv\share\..\..\..\secret.txt", Err(Win32Error::INVALID_NAME)),
        (r"\\?\unix\..\secret.txt", Err(Win32Error::INVALID_NAME)),
        (r"\\?\Volume{00000000-0000-0000-0000-000000000000}/../..", Err(Win32Error::INVALID_NAME)),
        (r"\\?\Volume{00000000-0000-0000-0000-000000000000}\..", Err(Win32Error::INVALID_NAME)),
        // `\\.\`: normalised from the prefix, so `..` reaches the device namespace.
        (r"\\.\Q:\..\..\secret.txt", Err(Win32Error::FILE_NOT_FOUND)),
        (r"\\.\Q:\..\..\table\q:", Err(Win32Error::INVALID_NAME)),
        (r"\\.\Q:\..\..\table\x", Err(Win32Error::PATH_NOT_FOUND)),
        (r"\\.\..\secret.txt", Err(Win32Error::FILE_NOT_FOUND)),
        (r"\\.\UNC\srv\share\..\..\..\secret.txt", Err(Win32Error::FILE_NOT_FOUND)),
        (r"\\.\Volume{00000000-0000-0000-0000-000000000000}\..\secret.txt", Err(Win32Error::FILE_NOT_FOUND)),
        (r"\\.\Q:\sub\..\..\Q:\secret.txt", Ok(inside.clone())),
        // Drive, rooted, relative and drive-relative forms stop at the drive's root.
        (r"Q:\..\..\secret.txt", Ok(inside.clone())),
        (r"q:/../../secret.txt", Ok(inside.clone())),
        (r"Q:..\..\..\secret.txt", Ok(inside.clone())),
        (r"..\..\..\secret.txt", Ok(inside.clone())),
        (r"\..\..\secret.txt", Ok(inside.clone())),
        (r".\..\..\secret.txt", Ok(inside.clone())),
        (r"Z:\..\secret.txt", Ok(j.jail.join("zdrive/secret.txt"))),
        // UNC: `..` stops at the share; `.`/`..` as the server or share are no names.
        (r"\\srv\share\..\..\secret.txt", Ok(j.jail.join("net/srv/share/secret.txt"))),
        (r"\\..\..\secret.txt", Err(Win32Error::BAD_NETPATH)),
        (r"\\.\secret.txt", Err(Win32Error::FILE_NOT_FOUND)),
        (r"\\srv\..\secret.txt", Err(Win32Error::BAD_NET_NAME)),
        (r"\\srv\.\secret.txt", Err(Win32Error::BAD_NET_NAME)),
    ];
    for (name, want) in cases {
        assert_eq!(&j.check(name), want, "{name}");
    }
    assert!(j.root.join("secret.txt").exists());
}

/// One of `from`, drawn from `rng`.
fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}

#[test]
fn generated_names_stay_inside_their_drive() {
    let j = jail();
    let jail_unix = j.jail.to_string_lossy().replace('/', "\\");
    let unix_prefix = format!(r"\\?\unix{jail_unix}\");
    let prefixes = [
        "",
        r"\",
        "/",
        "Q:",
        r"Q:\",
        "q:/",
        r"\\?\Q:\",
        r"\??\Q:\",
        r"\\.\Q:\",
        "//./q:/",
        "//?/Q:/",
        r"\\?\Q:",
        r"\\.\",
        r"\\?\",
        r"\\srv\share\",
        "//srv/share/",
        r"\\?\UNC\srv\share\",
        r"\\.\UNC\srv\share\",
        r"\\?\Volume{00000000-0000-0000-0000-000000000000}\",
        r"\\",
        unix_prefix.as_str(),
        "Z:",
        r"Z:\",
        r"\\.\Z:\",
    ];
    let parts = [
        "..",
        ".",
        "...",
        ". .",
        ".. ",
        " ..",
        "sub",
        "SUB",
        "deeper",
        "secret.txt",
        "a/..",
        "/..",
        "..\u{0}",
        "x.",
        "Q:",
        "q:",
        "Q:/..",
        "UNC",
        "unc",
        "srv",
        "share",
        "C:",
        "nul",
        "com1",
        "z:",
        "table",
        "jail",
        "Volume{00000000-0000-0000-0000-000000000000}",
        "\u{e9}",
        "*",
    ];
    let seps = [r"\", "/", r"\\", "//", r"\/"];
    let mut rng = fastrand::Rng::with_seed(0x9E37_79B9_7F4A_7C15);
    let mut resolved = 0;
    for _ in 0..20_000 {
        let mut name = pick(&mut rng, &prefixes).to_string();
        let n = rng.u64(..6);
        for i in 0..n {
            if i > 0 {
                name.push_str(pick(&mut rng, &seps));
            }
            name.push_str(pick(&mut rng, &parts));
        }
        if rng.u64(..4) == 0 {
            name.push_str(pick(&mut rng, &seps));
        }
        if j.check(&name).is_ok() {
            resolved += 1;
        }
    }
    // The generator must reach real files, not only errors.
    assert!(resolved > 5_000, "only {resolved} names resolved");
}
