//! Case-insensitive name lookup, the way NTFS compares names: each UTF-16 unit is
//! uppercased on its own (simple mappings only, like the `$UpCase` table).
//!
//! The walk costs one `lstat` when the whole path exists exactly, one `lstat` per
//! component otherwise, and one `readdir` only for a component whose exact spelling
//! is missing (Wine's `find_file_in_dir`).

use std::fs;
use std::path::{Path, PathBuf};

/// The Windows uppercase of one character: `char::to_uppercase` when that is a single
/// character inside the Basic Multilingual Plane (one UTF-16 unit); else unchanged, so
/// `ß` stays `ß` and characters outside the BMP (surrogate pairs) are never folded.
pub fn fold_char(c: char) -> char {
    if u32::from(c) > 0xFFFF {
        return c;
    }
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) if u32::from(u) <= 0xFFFF => u,
        _ => c,
    }
}

/// True if two names are equal under [`fold_char`].
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.chars().map(fold_char).eq(b.chars().map(fold_char))
}

/// True if `p` names something (a dangling symlink counts), without following a final
/// symlink.
fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

/// The entry of `dir` matching `name` case-insensitively (non-UTF-8 names escaped);
/// among several matches the exact spelling wins, then the smallest name, so the
/// answer does not depend on `readdir` order.
pub fn find_entry(dir: &Path, name: &str) -> Option<String> {
    let entries = fs::read_dir(dir).ok()?;
    let mut best: Option<String> = None;
    for entry in entries.flatten() {
        let os = entry.file_name();
        let candidate = &*super::escape::from_os(&os);
        if candidate == name {
            return Some(candidate.to_string());
        }
        if eq_ignore_case(candidate, name) && best.as_deref().is_none_or(|b| candidate < b) {
            best = Some(candidate.to_string());
        }
    }
    best
}

/// Joins `parts` under `base`, replacing each component that does not exist with its
/// case-insensitive match. The first component with no match at all keeps its spelling,
/// and so does everything after it (the caller may be about to create it). A trailing
/// separator is kept, so the kernel still insists on a directory.
pub fn walk(base: &Path, parts: &[String], trailing_sep: bool) -> PathBuf {
    let exact = join(base, parts, trailing_sep);
    if exists(&exact) {
        return exact;
    }
    let mut cur = base.to_path_buf();
    let mut matching = true;
    for part in parts {
        let os_part = super::escape::to_os(part);
        if matching {
            cur.push(&os_part);
            if exists(&cur) {
                continue;
            }
            cur.pop();
            if let Some(found) = find_entry(&cur, part) {
                cur.push(super::escape::to_os(&found));
            } else {
                matching = false;
                cur.push(&os_part);
            }
        } else {
            cur.push(&os_part);
        }
    }
    if trailing_sep && !parts.is_empty() {
        cur.push("");
    }
    cur
}

/// `base` joined with `parts` as given, plus a trailing `/` when asked.
pub fn join(base: &Path, parts: &[String], trailing_sep: bool) -> PathBuf {
    let mut out = base.to_path_buf();
    for part in parts {
        out.push(super::escape::to_os(part));
    }
    if trailing_sep && !parts.is_empty() {
        out.push("");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert!(eq_ignore_case("Readme.TXT", "README.txt"));
        assert!(eq_ignore_case("\u{e9}t\u{e9}", "\u{c9}T\u{c9}"));
        assert!(eq_ignore_case("\u{3b1}\u{3b2}", "\u{391}\u{392}"));
        assert!(!eq_ignore_case("stra\u{df}e", "STRASSE"));
        assert!(!eq_ignore_case("a", "b"));
        assert!(!eq_ignore_case("ab", "a"));
        assert_eq!(fold_char('\u{df}'), '\u{df}');
        assert_eq!(fold_char('\u{10428}'), '\u{10428}');
        assert_eq!(fold_char('q'), 'Q');
    }

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|c| (*c).to_string()).collect()
    }

    #[test]
    fn walking() {
        let tmp = tempfile::tempdir().unwrap();
        let b = tmp.path();
        fs::create_dir_all(b.join("Dir/Sub")).unwrap();
        fs::write(b.join("Dir/Sub/File.txt"), b"x").unwrap();
        fs::write(b.join("Dir/both"), b"x").unwrap();
        fs::write(b.join("Dir/Both"), b"x").unwrap();
        fs::write(b.join("Dir/BOTH2"), b"x").unwrap();
        fs::write(b.join("Dir/Both2"), b"x").unwrap();
        let cases: &[(&[&str], bool, &str)] = &[
            (&["Dir", "Sub", "File.txt"], false, "Dir/Sub/File.txt"),
            (&["dir", "SUB", "file.TXT"], false, "Dir/Sub/File.txt"),
            (&["DIR", "sub", "new.txt"], false, "Dir/Sub/new.txt"),
            (&["dir", "Missing", "SUB", "x"], false, "Dir/Missing/SUB/x"),
            (&["dir", "both"], false, "Dir/both"),
            (&["dir", "Both"], false, "Dir/Both"),
            (&["dir", "BOTH"], false, "Dir/Both"),
            (&["dir", "both2"], false, "Dir/BOTH2"),
            (&["dir", "sub"], true, "Dir/Sub/"),
        ];
        for (parts, trailing, want) in cases {
            let got = walk(b, &v(parts), *trailing);
            assert_eq!(got.as_os_str(), b.join(want).as_os_str(), "{parts:?}");
        }
        // "BOTH" matches both entries without an exact one: the smallest name wins.
        assert_eq!(find_entry(&b.join("Dir"), "BOTH").as_deref(), Some("Both"));
    }
}
