//! Environment variables with Windows' lookup rules.

use crate::path::escape;
use std::ffi::OsString;

/// Text for the caller: non-UTF-8 bytes travel escaped, as names do (`path::escape`).
fn text(os: &OsString) -> String {
    escape::from_os(os).into_owned()
}

/// Windows compares variable names without regard to case; Linux keeps them exact.
/// The exact spelling wins, then the first variable equal ignoring case.
fn lookup(name: &str) -> Option<String> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return None;
    }
    let raw = escape::to_os(name);
    if let Some(v) = std::env::var_os(&*raw) {
        return Some(text(&v));
    }
    let upper = name.to_uppercase();
    std::env::vars_os().find(|(k, _)| text(k).to_uppercase() == upper).map(|(_, v)| text(&v))
}

/// `GetEnvironmentVariableW`—the value of `name`, or None when it is not set
/// (ERROR_ENVVAR_NOT_FOUND on Windows, which pywin32 answers with None). Names match
/// exactly first, then ignoring case, as Windows matches them.
///
/// # Linux mechanism
/// getenv(3) for the exact name, else a scan of `environ` comparing names in upper case.
pub fn get_environment_variable(name: &str) -> Option<String> {
    lookup(name)
}

/// `ExpandEnvironmentStringsW`—replaces each `%NAME%` by the variable's value. As on
/// Windows: a name that is not set is kept with its `%` signs and scanning goes on after
/// it; a `%` without a closing one is copied as it is; `%%` is not an escape (an empty
/// name, kept).
///
/// # Linux mechanism
/// The same lookup as [`get_environment_variable`] for each name.
pub fn expand_environment_strings(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) => {
                let name = &after[..end];
                match lookup(name) {
                    Some(value) => out.push_str(&value),
                    None => {
                        out.push('%');
                        out.push_str(name);
                        out.push('%');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_follows_windows() {
        std::env::set_var("WINFILE_T_A", "x");
        std::env::set_var("winfile_t_lower", "y");
        assert_eq!(expand_environment_strings("%WINFILE_T_A%"), "x");
        assert_eq!(expand_environment_strings("a%winfile_t_a%b"), "axb");
        assert_eq!(expand_environment_strings("%WINFILE_T_LOWER%"), "y");
        assert_eq!(expand_environment_strings("%WINFILE_T_NOPE%%WINFILE_T_A%"), "%WINFILE_T_NOPE%x");
        assert_eq!(expand_environment_strings("100%"), "100%");
        assert_eq!(expand_environment_strings("%%"), "%%");
        assert_eq!(expand_environment_strings("%a%WINFILE_T_A%"), "%a%WINFILE_T_A%");
        assert_eq!(expand_environment_strings("no vars"), "no vars");
        assert_eq!(get_environment_variable("winfile_t_a").as_deref(), Some("x"));
        assert_eq!(get_environment_variable(""), None);
        assert_eq!(get_environment_variable("WINFILE_T_NOPE"), None);
    }
}
