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
    Root::Unc {
        server: server.into(),
        share: share.into(),
    }
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
        (
            r"\\?\C:\a. \b/c",
            Root::Drive('C'),
            v(&["a. ", "b/c"]),
            false,
        ),
        (r"\\?\C:\", Root::Drive('C'), v(&[]), true),
        (r"\\?\C:", Root::Device("C:".into()), v(&[]), false),
        (r"\\?\UNC\srv\sh\x", unc("srv", "sh"), v(&["x"]), false),
        (r"\??\D:\x", Root::Drive('D'), v(&["x"]), false),
        (r"\\?\unix\tmp\x", Root::Unix, v(&["tmp", "x"]), false),
        (
            r"\\?\Volume{1}\x",
            Root::Device("Volume{1}".into()),
            v(&["x"]),
            false,
        ),
    ];
    for (input, root, parts, trailing) in cases {
        let p = parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert_eq!(
            (p.root, p.parts, p.trailing_sep),
            (root, parts, trailing),
            "{input}"
        );
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
        assert_eq!(
            validate_name(name),
            Err(Win32Error::INVALID_NAME),
            "{name:?}"
        );
    }
    for name in ["a b", "a.b", "a..", "\u{e9}", "[x]", "a$", "~1"] {
        assert_eq!(validate_name(name), Ok(()), "{name:?}");
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    for input in [
        "\u{e9}:",
        "\u{e9}",
        r"\\\u{e9}",
        "\\\\.\u{e9}",
        r"\\?",
        "C:\u{e9}",
        "::",
        ":",
    ] {
        let _ = parse(input);
        let _ = path_type(input);
    }
}
