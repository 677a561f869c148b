//! DOS device names: the reserved names valid in any directory (`RtlIsDosDeviceName_U`)
//! and the device namespace `\\.\X`, mapped to Linux device files.
//!
//! | Name | Linux |
//! |------|-------|
//! | `NUL` | `/dev/null` |
//! | `CON`, `CONIN$`, `CONOUT$` | `/dev/tty` (the console, even when stdio is redirected) |
//! | `COMn` | table entry `comn`, else the default mapping (`serial`: `/dev/ttyS0`–`3`, then USB) |
//! | `LPTn` | table entry `lptn`, else `/dev/lp<n-1>` |
//! | `AUX`, `PRN` | table entry `aux`/`prn`, else as `COM1`/`LPT1` |
//! | `X:` (volume) | table entry `x::`, else the drive's root directory |
//! | anything else | table entry (lowercase name), else `ERROR_FILE_NOT_FOUND` |

use super::dosdev::DosDevices;
use super::types::DosDevice;
use crate::error::Win32Error;
use std::path::PathBuf;

/// `RtlIsDosDeviceName_U` for one path component: `NUL`, `CON`, `PRN`, `AUX`,
/// `COM1`–`COM9`, `LPT1`–`LPT9`, `CONIN$`, `CONOUT$`, in any case, ignoring anything
/// from the first `.` or `:` and the spaces before it (`nul .txt`, `con:`).
#[doc(alias = "RtlIsDosDeviceName_U")]
pub fn dos_device_name(component: &str) -> Option<DosDevice> {
    let stem = component.split(['.', ':']).next().unwrap_or("");
    reserved(stem.trim_end_matches(' '))
}

/// The stem of a reserved device component as the caller wrote it (`nul.txt` → `nul`).
pub fn device_stem(component: &str) -> &str {
    component.split(['.', ':']).next().unwrap_or("").trim_end_matches(' ')
}

/// A reserved name exactly (no extension or trailing characters), in any case.
pub fn reserved(name: &str) -> Option<DosDevice> {
    let up = name.to_ascii_uppercase();
    match up.as_str() {
        "NUL" => Some(DosDevice::Nul),
        "CON" => Some(DosDevice::Con),
        "CONIN$" => Some(DosDevice::ConIn),
        "CONOUT$" => Some(DosDevice::ConOut),
        "AUX" | "PRN" => Some(DosDevice::Other(up)),
        _ => port_number(&up).filter(|n| (1..=9).contains(n)).map(|_| DosDevice::Other(up)),
    }
}

/// `COMn`/`LPTn` (uppercase) → n, for any decimal n.
fn port_number(up: &str) -> Option<u32> {
    let digits = up.strip_prefix("COM").or_else(|| up.strip_prefix("LPT"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The device and its Linux path for a name of the device namespace (`\\.\name`),
/// with `rest` (components after the name) appended.
///
/// A name that is no device (unknown, or one no table entry can have: empty, `.`, `..`,
/// holding `/`, as `\\?\Q:/..` does) is not found, as in Windows' object directory:
/// `ERROR_FILE_NOT_FOUND` alone, `ERROR_PATH_NOT_FOUND` with components after it.
pub fn lookup(tables: &DosDevices, name: &str, rest: &[String]) -> Result<(DosDevice, PathBuf), Win32Error> {
    let missing = if rest.is_empty() { Win32Error::FILE_NOT_FOUND } else { Win32Error::PATH_NOT_FOUND };
    if !super::parse::is_single_name(name) {
        return Err(missing);
    }
    if !rest.iter().all(|p| super::parse::is_single_name(p)) {
        return Err(Win32Error::INVALID_NAME);
    }
    let (dev, mut linux) = match reserved(name) {
        Some(DosDevice::Nul) => (DosDevice::Nul, PathBuf::from("/dev/null")),
        Some(d @ (DosDevice::Con | DosDevice::ConIn | DosDevice::ConOut)) => (d, PathBuf::from("/dev/tty")),
        _ => {
            let up = name.to_ascii_uppercase();
            let linux = other_target(tables, name, &up).ok_or(missing)?;
            let dev_name = if port_number(&up).is_some() || up == "AUX" || up == "PRN" { up } else { name.to_string() };
            (DosDevice::Other(dev_name), linux)
        }
    };
    for part in rest {
        linux.push(part);
    }
    Ok((dev, linux))
}

/// The Linux path of a device other than NUL and the console.
fn other_target(tables: &DosDevices, name: &str, up: &str) -> Option<PathBuf> {
    if name.is_empty() {
        return None;
    }
    if let Some(letter) = name.strip_suffix(':').filter(|l| l.len() == 1) {
        let letter = letter.chars().next()?;
        return tables.entry(&format!("{letter}::")).or_else(|| tables.drive_root(letter));
    }
    if let Some(t) = tables.entry(name) {
        return Some(t);
    }
    match up {
        "AUX" => return other_target(tables, "COM1", "COM1"),
        "PRN" => return other_target(tables, "LPT1", "LPT1"),
        _ => {}
    }
    let n = port_number(up).filter(|n| *n >= 1)?;
    if up.starts_with("COM") {
        super::serial::default_com_target(n)
    } else {
        Some(PathBuf::from(format!("/dev/lp{}", n - 1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names() {
        let cases: &[(&str, Option<DosDevice>)] = &[
            ("nul", Some(DosDevice::Nul)),
            ("NUL.txt", Some(DosDevice::Nul)),
            ("nul .txt", Some(DosDevice::Nul)),
            ("nul   ", Some(DosDevice::Nul)),
            ("nul:", Some(DosDevice::Nul)),
            ("Con", Some(DosDevice::Con)),
            ("conin$", Some(DosDevice::ConIn)),
            ("CONOUT$.x", Some(DosDevice::ConOut)),
            ("aux", Some(DosDevice::Other("AUX".into()))),
            ("prn.doc", Some(DosDevice::Other("PRN".into()))),
            ("com1", Some(DosDevice::Other("COM1".into()))),
            ("lpt9", Some(DosDevice::Other("LPT9".into()))),
            ("com0", None),
            ("com10", None),
            ("nula", None),
            ("xnul", None),
            (" nul", None),
            ("", None),
            ("c\u{f6}m1", None),
        ];
        for (input, want) in cases {
            assert_eq!(&dos_device_name(input), want, "{input:?}");
        }
    }

    #[test]
    fn namespace_defaults() {
        let t = DosDevices::with_dirs(Vec::new());
        let none: &[String] = &[];
        let get = |n: &str| lookup(&t, n, none);
        assert_eq!(get("nul"), Ok((DosDevice::Nul, "/dev/null".into())));
        assert_eq!(get("CONIN$"), Ok((DosDevice::ConIn, "/dev/tty".into())));
        assert_eq!(get("com1"), Ok((DosDevice::Other("COM1".into()), "/dev/ttyS0".into())));
        assert_eq!(get("COM4"), Ok((DosDevice::Other("COM4".into()), "/dev/ttyS3".into())));
        assert_eq!(get("lpt2"), Ok((DosDevice::Other("LPT2".into()), "/dev/lp1".into())));
        assert_eq!(get("AUX"), Ok((DosDevice::Other("AUX".into()), "/dev/ttyS0".into())));
        assert_eq!(get("z:"), Ok((DosDevice::Other("z:".into()), "/".into())));
        assert_eq!(get("COM0"), Err(Win32Error::FILE_NOT_FOUND));
        assert_eq!(get("PhysicalDrive0"), Err(Win32Error::FILE_NOT_FOUND));
        assert_eq!(get("q:"), Err(Win32Error::FILE_NOT_FOUND));
        assert_eq!(get(""), Err(Win32Error::FILE_NOT_FOUND));
    }
}
