//! Pipe names: `\\.\pipe\NAME` (also `\\?\pipe\NAME`), compared case-insensitively as
//! Windows compares them, and the remote form `\\server\pipe\NAME`.

use crate::error::Win32Error;
use crate::path::fold_char;

/// The longest pipe name Windows accepts after the prefix (256 characters in all).
const MAX_NAME: usize = 256;

/// What a name given to the pipe functions designates.
#[derive(Debug, PartialEq, Eq)]
pub enum PipeName {
    /// A pipe of this machine: the name after `\pipe\`, case-folded (the key).
    Local(String),
    /// A pipe on another machine (`\\server\pipe\...`).
    Remote,
}

/// Splits `\\host\pipe\rest` (either slash in the `\\.\` form, as Win32 normalises it);
/// `None` when `name` is not a pipe name at all.
fn split(name: &str) -> Option<(&str, &str)> {
    let b = name.as_bytes();
    if b.len() < 2 || !(b[0] == b'\\' || b[0] == b'/') || !(b[1] == b'\\' || b[1] == b'/') {
        return None;
    }
    let rest = &name[2..];
    let end = rest.find(['\\', '/'])?;
    let (host, after) = (&rest[..end], &rest[end + 1..]);
    // `\\?\` names keep their separators as given: only `\` separates there.
    let sep_ok = |c: char| if host == "?" { c == '\\' } else { c == '\\' || c == '/' };
    if host == "?" && rest.as_bytes()[end] != b'\\' {
        return None;
    }
    let end2 = after.find(sep_ok)?;
    if !after[..end2].eq_ignore_ascii_case("pipe") {
        return None;
    }
    Some((host, &after[end2 + 1..]))
}

/// Whether `name` is a pipe name (local or remote), for CreateFile's dispatch.
pub fn is_pipe_name(name: &str) -> bool {
    split(name).is_some()
}

/// Parses a pipe name: the local key, [`PipeName::Remote`] for another machine, or
/// ERROR_INVALID_NAME (123) for anything that is not a pipe name or has an empty or
/// over-long last part.
pub fn parse(name: &str) -> Result<PipeName, Win32Error> {
    let (host, rest) = split(name).ok_or(Win32Error::INVALID_NAME)?;
    if host.is_empty() {
        return Err(Win32Error::INVALID_NAME);
    }
    if host != "." && host != "?" {
        return Ok(PipeName::Remote);
    }
    if rest.is_empty() || rest.chars().count() > MAX_NAME || rest.contains('\0') {
        return Err(Win32Error::INVALID_NAME);
    }
    Ok(PipeName::Local(rest.chars().map(fold_char).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse(r"\\.\pipe\Abc"), Ok(PipeName::Local("ABC".into())));
        assert_eq!(parse(r"\\?\PIPE\abc"), Ok(PipeName::Local("ABC".into())));
        assert_eq!(parse("//./pipe/abc"), Ok(PipeName::Local("ABC".into())));
        assert_eq!(parse(r"\\.\pipe\a\b"), Ok(PipeName::Local(r"A\B".into())));
        assert_eq!(parse(r"\\srv\pipe\x"), Ok(PipeName::Remote));
        assert_eq!(parse(r"\\.\pipe\"), Err(Win32Error::INVALID_NAME));
        assert_eq!(parse(r"\\.\pip\x"), Err(Win32Error::INVALID_NAME));
        assert_eq!(parse(r"C:\pipe\x"), Err(Win32Error::INVALID_NAME));
        assert_eq!(parse("x"), Err(Win32Error::INVALID_NAME));
        assert!(is_pipe_name(r"\\.\pipe\x") && !is_pipe_name(r"C:\x"));
    }
}
