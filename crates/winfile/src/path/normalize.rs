//! Win32 path normalisation, as `GetFullPathName` applies it to every non-`\\?\` path,
//! and the plain lexical normalisation of Unix paths.
//!
//! Rules (Microsoft's "Path Normalization" notes on `GetFullPathName`):
//! - `.` components vanish; `..` removes the previous component but never the root;
//! - a component ending in one period loses that period (`a.` → `a`, `a..` stays);
//! - the last component, unless a separator follows it, loses all trailing periods and
//!   spaces (`file. .` → `file`), so `dir \` keeps its space but `dir ` does not;
//! - a component trimmed to nothing disappears.

/// Pushes the caller's components `raw` onto `stack` with Win32 normalisation; `..`
/// never pops below `floor` (the components that make up the root, such as a share).
pub fn normalize_win(stack: &mut Vec<String>, floor: usize, raw: &[String], trailing_sep: bool) {
    let n = raw.len();
    for (i, comp) in raw.iter().enumerate() {
        let last = i + 1 == n && !trailing_sep;
        if comp == "." {
            continue;
        }
        if comp == ".." {
            if stack.len() > floor {
                stack.pop();
            }
            continue;
        }
        let trimmed = if last {
            comp.trim_end_matches(['.', ' '])
        } else if comp.ends_with('.') && !comp.ends_with("..") {
            comp.strip_suffix('.').unwrap_or(comp)
        } else {
            comp.as_str()
        };
        if !trimmed.is_empty() {
            stack.push(trimmed.to_string());
        }
    }
}

/// The normalised components of `raw` from an empty root (absolute Win32 paths).
pub fn normalized(raw: &[String], trailing_sep: bool) -> Vec<String> {
    let mut stack = Vec::with_capacity(raw.len());
    normalize_win(&mut stack, 0, raw, trailing_sep);
    stack
}

/// Lexical normalisation of an absolute Unix path: repeated `/` and `.` vanish, `..`
/// pops (never above `/`); a trailing `/` is kept. Trailing dots and spaces are not
/// touched: they are ordinary characters on Linux.
pub fn normalize_unix(abs: &str) -> String {
    let mut stack: Vec<&str> = Vec::new();
    for comp in abs.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                stack.pop();
            }
            c => stack.push(c),
        }
    }
    let mut out = String::with_capacity(abs.len());
    for c in &stack {
        out.push('/');
        out.push_str(c);
    }
    if out.is_empty() || (abs.ends_with('/') && !stack.is_empty()) {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|c| (*c).to_string()).collect()
    }

    #[test]
    fn win_rules() {
        // (raw components, trailing separator, expected)
        let cases: &[(&[&str], bool, &[&str])] = &[
            (&["a", ".", "b"], false, &["a", "b"]),
            (&["a", "..", "b"], false, &["b"]),
            (&["..", "..", "a"], false, &["a"]),
            (&["a", "b", "..", ".."], false, &[]),
            (&["a.", "b"], false, &["a", "b"]),
            (&["a..", "b"], false, &["a..", "b"]),
            (&["a ", "b"], false, &["a ", "b"]),
            (&["a", "b. . "], false, &["a", "b"]),
            (&["a", "b "], true, &["a", "b "]),
            (&["a", "b."], true, &["a", "b"]),
            (&["a", "..."], false, &["a"]),
            (&["...", "x"], false, &["...", "x"]),
            (&["a", "file.txt"], false, &["a", "file.txt"]),
            (&["a", "  "], false, &["a"]),
        ];
        for (raw, trailing, want) in cases {
            assert_eq!(normalized(&v(raw), *trailing), v(want), "{raw:?} {trailing}");
        }
    }

    #[test]
    fn win_floor() {
        let mut stack = v(&["server", "share"]);
        normalize_win(&mut stack, 2, &v(&["..", "..", "x"]), false);
        assert_eq!(stack, v(&["server", "share", "x"]));
        let mut stack = v(&["cwd", "sub"]);
        normalize_win(&mut stack, 0, &v(&["..", "y"]), false);
        assert_eq!(stack, v(&["cwd", "y"]));
    }

    #[test]
    fn unix_rules() {
        let cases = [
            ("/", "/"),
            ("//a///b", "/a/b"),
            ("/a/./b/", "/a/b/"),
            ("/a/../../b", "/b"),
            ("/a/b/..", "/a"),
            ("/..", "/"),
            ("/a/b. ", "/a/b. "),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_unix(input), want, "{input}");
        }
    }
}
