//! Linux names that are not UTF-8, carried through `&str` paths.
//!
//! Linux file names are bytes; Win32 names are text. Python's `os` module carries an
//! undecodable byte `b` as the lone surrogate U+DC00+b (`surrogateescape`), which a
//! Rust `str` cannot hold, so winfile carries it as the private-use character
//! U+10FF00+b (U+10FF80..=U+10FFFF) and gives the byte back when the text becomes a
//! Linux path. The bindings translate between the two escapes.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// The first character of the escape range (it stands for byte 0x80).
const FIRST: u32 = 0x10FF80;
/// Where the escape range starts counting (character = BASE + byte).
const BASE: u32 = 0x10FF00;

/// The byte an escape character stands for, if `c` is one.
pub fn escaped_byte(c: char) -> Option<u8> {
    let v = c as u32;
    (v >= FIRST).then(|| (v - BASE) as u8)
}

/// The escape character for an undecodable byte (0x80..=0xFF).
pub fn escape_char(b: u8) -> char {
    char::from_u32(BASE + u32::from(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Text with escapes as the Linux name it stands for.
pub fn to_os(text: &str) -> Cow<'_, OsStr> {
    if !text.chars().any(|c| escaped_byte(c).is_some()) {
        return Cow::Borrowed(OsStr::new(text));
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        match escaped_byte(c) {
            Some(b) => bytes.push(b),
            None => bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
    Cow::Owned(OsString::from_vec(bytes))
}

/// A Linux name as text, each byte that is not part of valid UTF-8 escaped.
pub fn from_os(name: &OsStr) -> Cow<'_, str> {
    if let Some(s) = name.to_str() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for chunk in name.as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| escape_char(b)));
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let raw = OsStr::from_bytes(b"caf\xe9-\xff.txt");
        let text = from_os(raw);
        assert_eq!(text.chars().filter(|c| escaped_byte(*c).is_some()).count(), 2);
        assert_eq!(to_os(&text), raw);
        assert!(matches!(to_os("plain é"), Cow::Borrowed(_)));
        assert!(matches!(from_os(OsStr::new("plain é")), Cow::Borrowed(_)));
    }
}
