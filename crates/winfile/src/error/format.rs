//! `FormatMessage` over winfile's system message table ([`Win32Error::text`]).

use super::{Error, Result, Win32Error};

/// `FORMAT_MESSAGE_IGNORE_INSERTS`.
pub const FORMAT_MESSAGE_IGNORE_INSERTS: u32 = 0x200;
/// `FORMAT_MESSAGE_FROM_STRING`.
pub const FORMAT_MESSAGE_FROM_STRING: u32 = 0x400;
/// `FORMAT_MESSAGE_FROM_HMODULE`.
pub const FORMAT_MESSAGE_FROM_HMODULE: u32 = 0x800;
/// `FORMAT_MESSAGE_FROM_SYSTEM`.
pub const FORMAT_MESSAGE_FROM_SYSTEM: u32 = 0x1000;
/// `FORMAT_MESSAGE_MAX_WIDTH_MASK`.
pub const FORMAT_MESSAGE_MAX_WIDTH_MASK: u32 = 0xFF;

const API: &str = "FormatMessageW";

/// Whether the system table answers in `lang` (a LANGID): 0, or a neutral or English
/// primary language (the table is Windows' English text).
fn language_known(lang: u32) -> bool {
    lang == 0 || matches!(lang & 0x3FF, 0x00 | 0x09) && lang <= 0xFFFF
}

/// `FormatMessageW`—a message formatted as Windows does.
///
/// - `FORMAT_MESSAGE_FROM_STRING`: `source` is the message text.
/// - `FORMAT_MESSAGE_FROM_SYSTEM`: the text Windows has for error `id`, ending in
///   `"\r\n"` as Windows' message table stores it; a code not in the table →
///   ERROR_MR_MID_NOT_FOUND (317); a `lang` that is neither 0, neutral nor English →
///   ERROR_RESOURCE_LANG_NOT_FOUND (1815).
/// - `FORMAT_MESSAGE_FROM_HMODULE` alone: there are no message-table modules on Linux
///   → ERROR_RESOURCE_TYPE_NOT_FOUND (1813).
///
/// Escapes: `%1`..`%99` (optionally `%n!fmt!`, the format ignored: inserts are
/// strings) take `inserts[n-1]` unless `FORMAT_MESSAGE_IGNORE_INSERTS`, which keeps
/// them as written; `%0` ends the message; `%n` is `\r\n`, `%r` `\r`, `%t` a tab; `%`
/// before any other character gives that character. A non-zero width
/// (`flags & FORMAT_MESSAGE_MAX_WIDTH_MASK`) turns the text's own line breaks into
/// spaces (lines are not re-wrapped to narrower widths). A missing insert →
/// ERROR_INVALID_PARAMETER (87): Windows would read past the caller's array.
///
/// # Linux mechanism
/// The message table compiled into winfile (`error::text`); no message files.
pub fn format_message(
    flags: u32,
    source: Option<&str>,
    id: u32,
    lang: u32,
    inserts: Option<&[String]>,
) -> Result<String> {
    let template: String = if flags & FORMAT_MESSAGE_FROM_STRING != 0 {
        source.ok_or(Error::new(Win32Error::INVALID_PARAMETER, API))?.to_string()
    } else if flags & FORMAT_MESSAGE_FROM_SYSTEM != 0 {
        if !language_known(lang) {
            return Err(Error::new(Win32Error::RESOURCE_LANG_NOT_FOUND, API));
        }
        let text = Win32Error(id).text().ok_or(Error::new(Win32Error::MR_MID_NOT_FOUND, API))?;
        format!("{text}\r\n")
    } else if flags & FORMAT_MESSAGE_FROM_HMODULE != 0 {
        return Err(Error::new(Win32Error::RESOURCE_TYPE_NOT_FOUND, API));
    } else {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    };
    expand(&template, flags, inserts)
}

/// The system message for `code` as `FormatMessage(code)` gives it (`"...\r\n"`).
pub fn system_message(code: u32) -> Result<String> {
    format_message(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, None, code, 0, None)
}

fn expand(template: &str, flags: u32, inserts: Option<&[String]>) -> Result<String> {
    let ignore = flags & FORMAT_MESSAGE_IGNORE_INSERTS != 0;
    let unwrap = flags & FORMAT_MESSAGE_MAX_WIDTH_MASK != 0;
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::with_capacity(template.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\r' || c == '\n' {
            // The text's own line break (CR LF, or a bare LF or CR).
            let len = if c == '\r' && chars.get(i + 1) == Some(&'\n') { 2 } else { 1 };
            out.push_str(if unwrap {
                " "
            } else if len == 2 {
                "\r\n"
            } else if c == '\n' {
                "\n"
            } else {
                "\r"
            });
            i += len;
            continue;
        }
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&next) = chars.get(i + 1) else {
            out.push('%');
            break;
        };
        match next {
            '0' => return Ok(out),
            '1'..='9' => {
                let mut j = i + 2;
                let mut n = next.to_digit(10).unwrap_or(0);
                if let Some(d) = chars.get(j).and_then(|d| d.to_digit(10)) {
                    n = n * 10 + d;
                    j += 1;
                }
                // An optional printf-style format between '!'s.
                if chars.get(j) == Some(&'!') {
                    if let Some(end) = chars[j + 1..].iter().position(|&c| c == '!') {
                        j += end + 2;
                    }
                }
                if ignore {
                    out.extend(&chars[i..j]);
                } else {
                    let value = inserts
                        .and_then(|all| all.get(n as usize - 1))
                        .ok_or(Error::new(Win32Error::INVALID_PARAMETER, API))?;
                    out.push_str(value);
                }
                i = j;
            }
            'n' => {
                out.push_str("\r\n");
                i += 2;
            }
            'r' => {
                out.push('\r');
                i += 2;
            }
            't' => {
                out.push('\t');
                i += 2;
            }
            other => {
                out.push(other);
                i += 2;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_messages_end_with_crlf() {
        assert_eq!(system_message(2).unwrap(), "The system cannot find the file specified.\r\n");
        assert_eq!(system_message(0xDEAD).unwrap_err().code(), Win32Error::MR_MID_NOT_FOUND);
        let f = FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_MAX_WIDTH_MASK;
        assert_eq!(format_message(f, None, 5, 0, None).unwrap(), "Access is denied. ");
        assert_eq!(format_message(FORMAT_MESSAGE_FROM_SYSTEM, None, 5, 0x0407, None).unwrap_err().code().0, 1815);
        assert!(format_message(FORMAT_MESSAGE_FROM_SYSTEM, None, 5, 0x0409, None).is_ok());
    }

    #[test]
    fn inserts_and_escapes() {
        let ins = vec!["a".to_string(), "b".to_string()];
        let f = FORMAT_MESSAGE_FROM_STRING;
        assert_eq!(format_message(f, Some("%2-%1!s!%%%n%0tail"), 0, 0, Some(&ins)).unwrap(), "b-a%\r\n");
        assert_eq!(format_message(f | FORMAT_MESSAGE_IGNORE_INSERTS, Some("x %1 y"), 0, 0, None).unwrap(), "x %1 y");
        assert_eq!(format_message(f, Some("%3"), 0, 0, Some(&ins)).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
        assert_eq!(
            system_message(317).unwrap(),
            "The system cannot find message text for message number 0x%1 in the message file for %2.\r\n"
        );
    }
}
