//! Table tests for classification and splitting (cases after Microsoft's path-format
//! notes and Wine's ntdll path tests, restated).

use super::*;

#[test]
fn types() {
    use PathType::*;
    let cases = [
        (r"C:\a", DriveAbsolute),
        ("c:/a", DriveAbsolute),
        ("C:a", DriveRelative),
        ("C:", DriveRelative),
        (r"\a", Rooted),
        ("/a", Rooted),
        (r"a\b", Relative),
        ("a", Relative),
        (r"\\server\share", Unc),
        ("//server/share", Unc),
        (r"\\", Unc),
        (r"\\.\COM1", LocalDevice),
        (r"\\.", LocalDevice),
        ("//?/C:/x", LocalDevice),
        (r"\\?\C:\x", Verbatim),
        (r"\??\C:\x", Verbatim),
        (r"\\.x\y", Unc),
        ("1:x", Relative),
    ];
    for (input, want) in cases {
        assert_eq!(path_type(input), want, "{input}");
    }
}

#[test]
fn styles() {
    let cases = [
        ("/tmp/x", PathStyle::Unix),
        ("a/b", PathStyle::Unix),
        ("file.txt", PathStyle::Unix),
        ("C:", PathStyle::Windows),
        ("c:/x", PathStyle::Windows),
        (r"a\b", PathStyle::Windows),
        (r"\\server\share", PathStyle::Windows),
    ];
    for (input, want) in cases {
        assert_eq!(path_style(input), want, "{input}");
    }
}

fn v(s: &[&str]) -> Vec<String> {
    s.iter().map(|c| (*c).to_string()).collect()
}

fn unc(server: &str, share: &str) -> Root {
    Root::Unc { server: server.into(), share: share.into() }
}

#[test]
fn splitting() {
    let cases: Vec<(&str, Root, Vec<String>, bool)> = vec![
        (r"C:\a\\b/c", Root::Drive('C'), v(&["a", "b", "c"]), false),
        (r"d:\", Root::Drive('d'), v(&[]), true),
        (r"C:a\b\", Root::DriveRelative('C'), v(&["a", "b"]), true),
        (r"\a\..\b", Root::Rooted, v(&["a", "..", "b"]), false),
        (r"\\srv\sh\x\y", unc("srv", "sh"), v(&["x", "y"]), false),
        (r"\\srv", unc("srv", ""), v(&[]), false),
        (r"\\.\COM1", Root::Device("COM1".into()), v(&[]), false),
        (r"\\.\C:", Root::Device("C:".into()), v(&[]), false),
        (r"\\.\C:\x", Root::Drive('C'), v(&["x"]), false),
        (r"\\.\UNC\srv\sh\x", unc("srv", "sh"), v(&["x"]), false),
        (r"\\?\C:\a. \b/c", Root::Drive('C'), v(&["a. ", "b/c"]), false),
        (r"\\?\C:\", Root::Drive('C'), v(&[]), true),
        (r"\\?\C:", Root::Device("C:".into()), v(&[]), false),
        (r"\\?\UNC\srv\sh\x", unc("srv", "sh"), v(&["x"]), false),
        (r"\??\D:\x", Root::Drive('D'), v(&["x"]), false),
        (r"\\?\unix\tmp\x", Root::Unix, v(&["tmp", "x"]), false),
        (r"\\?\Volume{1}\x", Root::Device("Volume{1}".into()), v(&["x"]), false),
    ];
    for (input, root, parts, trailing) in cases {
        let p = parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert_eq!((p.root, p.parts, p.trailing_sep), (root, parts, trailing), "{input}");
    }
}

#[test]
fn verbatim_dots_rejected() {
    // Verbatim paths are not normalised; `.`/`..` and empty components cannot be
    // handed to Linux as names, so they are invalid (NTFS refuses them too).
    for input in [r"\\?\C:\a\..\b", r"\\?\C:\a\.\b", r"\\?\C:\a\\b"] {
        assert_eq!(parse(input), Err(Win32Error::INVALID_NAME), "{input}");
    }
}

#[test]
fn errors() {
    assert_eq!(parse(""), Err(Win32Error::PATH_NOT_FOUND));
    assert_eq!(parse("a\0b"), Err(Win32Error::INVALID_NAME));
    for name in ["a*b", "a?", "<x>", "a|b", "a\"b", "a\u{1}b", "a:b", "x/y"] {
        assert_eq!(validate_name(name), Err(Win32Error::INVALID_NAME), "{name:?}");
    }
    for name in ["a b", "a.b", "a..", "\u{e9}", "[x]", "a$", "~1"] {
        assert_eq!(validate_name(name), Ok(()), "{name:?}");
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    for input in ["\u{e9}:", "\u{e9}", r"\\\u{e9}", "\\\\.\u{e9}", r"\\?", "C:\u{e9}", "::", ":"] {
        let _ = parse(input);
        let _ = path_type(input);
    }
}

#[test]
fn local_device_paths_are_normalised_from_the_prefix() {
    // The root of `\\.\X` is the `\\.\` prefix (Microsoft's "File path formats",
    // Wine's RtlDosPathNameToNtPathName_U tests: `\\.\foo\..` is `\??\`), so `..`
    // climbs out of a drive into the device namespace and never above it.
    let cases: Vec<(&str, Root, Vec<String>)> = vec![
        (r"\\.\C:\a\..\b", Root::Drive('C'), v(&["b"])),
        (r"\\.\C:\..\x", Root::Device("x".into()), v(&[])),
        (r"\\.\C:\..\..\..\etc\hostname", Root::Device("etc".into()), v(&["hostname"])),
        (r"\\.\C:\x\..", Root::Device("C:".into()), v(&[])),
        (r"\\.\C:\..", Root::Device(String::new()), v(&[])),
        (r"\\.\foo\..", Root::Device(String::new()), v(&[])),
        (r"\\.\foo\.", Root::Device("foo".into()), v(&[])),
        (r"\\.\foo. . ", Root::Device("foo".into()), v(&[])),
        (r"\\.\UNC\srv\sh\..\..\..\y", Root::Device("y".into()), v(&[])),
        (r"\\.\UNC\srv\sh\..\x", unc("srv", "x"), v(&[])),
        (r"\\.\..\..\C:\x", Root::Drive('C'), v(&["x"])),
        ("//./C:/../Q:/a", Root::Drive('Q'), v(&["a"])),
        (r"\\.\Volume{1}\..\..\x", Root::Device("x".into()), v(&[])),
    ];
    for (input, root, parts) in cases {
        let p = parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert_eq!((p.root, p.parts), (root, parts), "{input}");
    }
}

#[test]
fn verbatim_paths_keep_slashes_and_dots_as_names() {
    // `\\?\` is handed on as written: `/` is a character, not a separator, and `..`
    // stays a (refused) name. The first component is the device, however odd.
    let p = parse(r"\\?\Q:/../../etc/hostname").unwrap();
    assert_eq!(p.root, Root::Device("Q:/../../etc/hostname".into()));
    assert!(p.parts.is_empty());
    let p = parse(r"\\?\Q:/..\..\etc").unwrap_err();
    assert_eq!(p, Win32Error::INVALID_NAME);
    let p = parse(r"\\?\C:\a/..\b").unwrap();
    assert_eq!((p.root.clone(), p.parts.clone()), (Root::Drive('C'), v(&["a/..", "b"])));
    assert_eq!(validate(&p), Err(Win32Error::INVALID_NAME));
    for input in [
        r"\??\C:\..",
        r"\\?\C:\..\x",
        r"\\?\UNC\srv\..\x",
        r"\\?\UNC\..\..\x",
        r"\\?\unix\..\etc",
        r"\\?\..",
        r"\\?\Volume{1}\..",
    ] {
        assert_eq!(parse(input), Err(Win32Error::INVALID_NAME), "{input}");
    }
    let p = parse(r"\\?\UNC\srv/x\share").unwrap();
    assert_eq!(validate(&p), Err(Win32Error::INVALID_NAME));
}

#[test]
fn single_names_and_unc_roots() {
    for ok in ["a", "...", ". .", ".. ", "a..", "C:", "x y"] {
        assert!(is_single_name(ok), "{ok:?}");
    }
    for bad in ["", ".", "..", "a/b", "/", "a\0"] {
        assert!(!is_single_name(bad), "{bad:?}");
    }
    assert_eq!(check_unc_root("srv", "share"), Ok(()));
    assert_eq!(check_unc_root("..", "share"), Err(Win32Error::BAD_NETPATH));
    assert_eq!(check_unc_root(".", "share"), Err(Win32Error::BAD_NETPATH));
    assert_eq!(check_unc_root("srv", ".."), Err(Win32Error::BAD_NET_NAME));
    assert_eq!(check_unc_root("srv", "."), Err(Win32Error::BAD_NET_NAME));
    // The plain UNC form keeps `..` as a server or share name (parsing only splits).
    let p = parse(r"\\..\..\etc").unwrap();
    assert_eq!((p.root, p.parts), (unc("..", ".."), v(&["etc"])));
}
