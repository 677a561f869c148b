//! The `user.DOSATTRIB` extended attribute, as Samba stores DOS attributes and the
//! creation time: a pure decoder for every layout and an encoder for version 5.
//!
//! The value is NDR (little-endian): a NUL-terminated ASCII hex string (`"0x20"`,
//! empty for versions 4 and 5), the version as a `u16` aligned to 2, the same
//! version again as the union level, then the version's struct aligned to 4. A
//! value that is only the hex string (no NUL, as Wine writes it, or with a NUL and
//! nothing after it, as Samba 3 did) is the legacy form. The blob is untrusted:
//! every read is bounds-checked and anything malformed decodes to `None`.

use super::FileTime;

/// The name of the extended attribute.
pub const XATTR_NAME: &str = "user.DOSATTRIB";

/// `XATTR_DOSINFO_ATTRIB`: the attribute word is valid.
pub const VALID_ATTRIB: u32 = 0x1;
/// `XATTR_DOSINFO_CREATE_TIME`: the creation time is valid.
pub const VALID_CREATE_TIME: u32 = 0x10;

/// Length of a version-5 value.
pub const V5_LEN: usize = 24;

/// What a `user.DOSATTRIB` value records.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DosAttrib {
    /// FILE_ATTRIBUTE_* bits as stored (unmasked).
    pub attributes: u32,
    /// The creation time, when stored, valid and non-zero.
    pub create_time: Option<FileTime>,
}

/// Decodes a `user.DOSATTRIB` value of any known version (legacy hex string, 1–5).
/// Returns `None` for anything truncated, malformed or of an unknown version.
pub fn decode(blob: &[u8]) -> Option<DosAttrib> {
    let Some(nul) = blob.iter().position(|&b| b == 0) else {
        // Wine: the bare hex string, no terminator.
        return legacy(blob);
    };
    if nul + 1 == blob.len() {
        // Samba 3: the hex string and its NUL, nothing after.
        return legacy(blob.get(..nul)?);
    }
    let version_at = align(nul + 1, 2)?;
    let version = read_u16(blob, version_at)?;
    let level = read_u16(blob, version_at.checked_add(2)?)?;
    if version != level {
        return None;
    }
    let s = align(version_at.checked_add(4)?, 4)?;
    let field = |offset: usize| s.checked_add(offset);
    match version {
        1 => {
            // attrib, ea_size, size, alloc_size, create_time, change_time.
            need(blob, field(40)?)?;
            let attributes = read_u32(blob, field(0)?)?;
            let create_time = nonzero_time(read_u64(blob, field(24)?)?);
            Some(DosAttrib { attributes, create_time })
        }
        2 => {
            // flags, attrib, ea_size, size, alloc_size, create, change, write, name.
            // Samba reads only the attribute word of this version.
            need(blob, field(52)?)?;
            let attributes = read_u32(blob, field(4)?)?;
            Some(DosAttrib { attributes, create_time: None })
        }
        3 => {
            // valid_flags, attrib, ea_size, size, alloc_size, create_time, change_time.
            need(blob, field(44)?)?;
            with_flags(blob, s, field(28)?)
        }
        4 => {
            // valid_flags, attrib, itime, create_time.
            need(blob, field(24)?)?;
            with_flags(blob, s, field(16)?)
        }
        5 => {
            // valid_flags, attrib, create_time.
            need(blob, field(16)?)?;
            with_flags(blob, s, field(8)?)
        }
        _ => None,
    }
}

/// Encodes `d` as a version-5 value (what current Samba writes): 24 bytes, valid
/// flags ATTRIB|CREATE_TIME, a zero creation time when there is none.
pub fn encode_v5(d: &DosAttrib) -> Vec<u8> {
    let create = d.create_time.map_or(0, |t| t.0);
    let mut out = Vec::with_capacity(V5_LEN);
    // Empty hex string (NUL), one pad byte, version 5, level 5, two pad bytes.
    out.extend_from_slice(&[0, 0, 5, 0, 5, 0, 0, 0]);
    out.extend_from_slice(&(VALID_ATTRIB | VALID_CREATE_TIME).to_le_bytes());
    out.extend_from_slice(&d.attributes.to_le_bytes());
    // NTTIME: low u32 then high u32, both little-endian (= u64 little-endian).
    out.extend_from_slice(&(create as u32).to_le_bytes());
    out.extend_from_slice(&((create >> 32) as u32).to_le_bytes());
    out
}

/// The legacy form: `"0x"` and 1–8 hex digits (the prefix is optional).
fn legacy(text: &[u8]) -> Option<DosAttrib> {
    let digits = match text {
        [b'0', b'x' | b'X', rest @ ..] => rest,
        _ => text,
    };
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let mut attributes = 0u32;
    for &c in digits {
        let v = char::from(c).to_digit(16)?;
        attributes = (attributes << 4) | v;
    }
    Some(DosAttrib { attributes, create_time: None })
}

/// Versions 3–5: valid_flags at `s`, attrib at `s + 4`, create time at `create_at`.
fn with_flags(blob: &[u8], s: usize, create_at: usize) -> Option<DosAttrib> {
    let flags = read_u32(blob, s)?;
    let attrib = read_u32(blob, s.checked_add(4)?)?;
    let create = read_u64(blob, create_at)?;
    Some(DosAttrib {
        attributes: if flags & VALID_ATTRIB != 0 { attrib } else { 0 },
        create_time: if flags & VALID_CREATE_TIME != 0 { nonzero_time(create) } else { None },
    })
}

fn nonzero_time(t: u64) -> Option<FileTime> {
    (t != 0).then_some(FileTime(t))
}

fn align(offset: usize, to: usize) -> Option<usize> {
    offset.checked_add(to - 1).map(|o| o / to * to)
}

fn need(blob: &[u8], end: usize) -> Option<()> {
    (blob.len() >= end).then_some(())
}

fn read_u16(blob: &[u8], at: usize) -> Option<u16> {
    let bytes = blob.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes(bytes.try_into().ok()?))
}

fn read_u32(blob: &[u8], at: usize) -> Option<u32> {
    let bytes = blob.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?))
}

/// An NDR udlong/NTTIME: low u32, then high u32.
fn read_u64(blob: &[u8], at: usize) -> Option<u64> {
    let low = read_u32(blob, at)?;
    let high = read_u32(blob, at.checked_add(4)?)?;
    Some(u64::from(high) << 32 | u64::from(low))
}

#[cfg(test)]
#[path = "dosattrib_tests.rs"]
mod tests;
