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
        (
            r"C:\dir\.\sub\..\SUB\file.txt. ",
            c.join("Dir/Sub/File.txt"),
        ),
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
    for bad in [
        r"C:\a*b",
        r"C:\dir\x?",
        r"C:\dir\a:stream",
        "C:\\a\u{7}",
        r"a\<b>",
        r"\\?\C:\a/b",
    ] {
        assert_eq!(linux(&f, bad), Err(Win32Error::INVALID_NAME), "{bad:?}");
    }
    assert_eq!(linux(&f, r"\\server\share\x"), Err(Win32Error::BAD_NETPATH));
    assert_eq!(linux(&f, r"\\server"), Err(Win32Error::BAD_PATHNAME));
    assert_eq!(
        linux(&f, r"\\.\PhysicalDrive0"),
        Err(Win32Error::FILE_NOT_FOUND)
    );
}

#[test]
fn unc() {
    let f = fixture(true);
    let net = f.c.parent().unwrap().join("net");
    assert_eq!(
        linux(&f, r"\\server\share\docs\a.txt"),
        Ok(net.join("Server/Share/Docs/a.txt"))
    );
    assert_eq!(
        linux(&f, r"\\SERVER/share\..\x"),
        Ok(net.join("Server/Share/x"))
    );
    assert_eq!(
        linux(&f, r"\\?\UNC\server\share\docs"),
        Ok(net.join("Server/Share/Docs"))
    );
}

#[test]
fn devices() {
    let f = fixture(false);
    let dev = |p: &str| f.ns.resolve(p, false).map(|r| (r.device, r.linux));
    let nul = Ok((Some(DosDevice::Nul), PathBuf::from("/dev/null")));
    for p in [
        "NUL",
        "nul",
        r"c:\dir\nul.txt",
        r"C:\nowhere\NUL .x",
        r"sub\nul",
        "c:nul",
        r"\\.\nul",
        r"\\?\NUL",
    ] {
        assert_eq!(dev(p), nul, "{p}");
    }
    assert_eq!(
        dev("CON"),
        Ok((Some(DosDevice::Con), PathBuf::from("/dev/tty")))
    );
    assert_eq!(
        dev(r"c:\x\conout$"),
        Ok((Some(DosDevice::ConOut), PathBuf::from("/dev/tty")))
    );
    let com = |n: &str| Some(DosDevice::Other(n.to_string()));
    assert_eq!(
        dev(r"\\.\COM1"),
        Ok((com("COM1"), PathBuf::from("/dev/ttyS0")))
    );
    assert_eq!(
        dev(r"\\.\com3"),
        Ok((com("COM3"), PathBuf::from("/dev/ttyUSB7")))
    );
    assert_eq!(
        dev("com3"),
        Ok((com("COM3"), PathBuf::from("/dev/ttyUSB7")))
    );
    assert_eq!(
        dev(r"\\.\COM10"),
        Ok((com("COM10"), PathBuf::from("/dev/ttyS9")))
    );
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
        assert_eq!(
            (r.linux.as_path(), r.style, r.device),
            (Path::new(p), PathStyle::Unix, None)
        );
    }
    assert_eq!(f.ns.resolve("", false), Err(Win32Error::PATH_NOT_FOUND));
    assert_eq!(f.ns.resolve("a\0", false), Err(Win32Error::INVALID_NAME));
}

#[test]
fn no_panic_on_odd_input() {
    let f = fixture(true);
    let pieces = [
        "\\",
        "/",
        ".",
        "..",
        "?",
        ":",
        "C",
        "c:",
        "\u{e9}",
        "\u{1f600}",
        "nul",
        " ",
        "UNC",
        "unix",
        "\0",
        "*",
    ];
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
