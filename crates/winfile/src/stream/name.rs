//! Stream names in Win32 paths: `file:stream`, `file:stream:$DATA`, `file::$DATA`.

use crate::error::Win32Error;
use crate::handle::PathStyle;

/// A Win32 name split at its stream part: (the file's name, the stream's name; empty
/// for the unnamed data stream `::$DATA`).
pub type Split = (String, String);

/// Splits a Windows-style name whose last component names a stream. None for a name
/// without one (and for Unix-style names, where `:` is an ordinary character);
/// ERROR_INVALID_NAME (123) for a malformed stream part (`file:`, a type other than
/// `$DATA`, `\`, `/`, `:` or control characters in the stream name).
pub fn split(name: &str) -> Option<Result<Split, Win32Error>> {
    if crate::path::path_style(name) != PathStyle::Windows {
        return None;
    }
    // Pipe and mailslot names are not files: a colon there is part of the name.
    let lower = name.replace('/', "\\").to_ascii_lowercase();
    if lower.starts_with(r"\\.\pipe\") || crate::mailslot::is_client_name(name) {
        return None;
    }
    let last_sep = name.rfind(['\\', '/']).map_or(0, |i| i + 1);
    let b = name.as_bytes();
    let drive = if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' { 2 } else { 0 };
    let start = last_sep.max(drive);
    if name.starts_with(r"\\") && last_sep <= 2 {
        return None; // `\\server` alone, `\\.\x`: no file component to carry a stream
    }
    let comp = &name[start..];
    let colon = comp.find(':')?;
    let base = name[..start + colon].to_string();
    let spec = &comp[colon + 1..];
    let (sname, stype) = match spec.split_once(':') {
        Some((n, t)) => (n, Some(t)),
        None => (spec, None),
    };
    if let Some(t) = stype {
        if !t.eq_ignore_ascii_case("$DATA") {
            return Some(Err(Win32Error::INVALID_NAME));
        }
    }
    if sname.is_empty() {
        return Some(if stype.is_some() && !base.is_empty() {
            Ok((base, String::new()))
        } else {
            Err(Win32Error::INVALID_NAME)
        });
    }
    if base.is_empty() || !valid_stream_name(sname) {
        return Some(Err(Win32Error::INVALID_NAME));
    }
    Some(Ok((base, sname.to_string())))
}

/// Whether `name` may name a stream (NTFS refuses `\`, `/`, `:`, NUL and control
/// characters; 255 UTF-16 units at most).
pub fn valid_stream_name(name: &str) -> bool {
    !name.is_empty()
        && name.encode_utf16().count() <= 255
        && !name.chars().any(|c| matches!(c, '\\' | '/' | ':' | '\0'..='\u{1f}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let ok = |b: &str, s: &str| Some(Ok((b.to_string(), s.to_string())));
        assert_eq!(split(r"C:\d\f.txt:zone"), ok(r"C:\d\f.txt", "zone"));
        assert_eq!(split(r"C:\d\f.txt:zone:$DATA"), ok(r"C:\d\f.txt", "zone"));
        assert_eq!(split(r"C:\d\f.txt::$data"), ok(r"C:\d\f.txt", ""));
        assert_eq!(split(r"C:f:s"), ok("C:f", "s"));
        assert_eq!(split(r"C:\d\f.txt"), None);
        assert_eq!(split(r"C:\"), None);
        assert_eq!(split("/tmp/a:b"), None);
        assert_eq!(split(r"\\.\pipe\a:b"), None);
        assert_eq!(split(r"\\.\mailslot\a:b"), None);
        assert_eq!(split(r"\\?\C:\f:s"), ok(r"\\?\C:\f", "s"));
        assert_eq!(split(r"C:\d\f:"), Some(Err(Win32Error::INVALID_NAME)));
        assert_eq!(split(r"C:\d\f:s:$INDEX_ALLOCATION"), Some(Err(Win32Error::INVALID_NAME)));
        assert_eq!(split(r"C:\d\f:a:b:c"), Some(Err(Win32Error::INVALID_NAME)));
        assert_eq!(split("C:\\d\\f:a\u{1}"), Some(Err(Win32Error::INVALID_NAME)));
    }
}
