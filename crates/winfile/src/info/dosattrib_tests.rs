//! Unit tests of the `user.DOSATTRIB` codec: hand-built values of every version,
//! round trips, and truncated or garbage input.

use super::*;

const T: u64 = 0x01DA_2B3C_4D5E_6F70;

fn le32(v: u32) -> [u8; 4] {
    v.to_le_bytes()
}

fn nttime(v: u64) -> Vec<u8> {
    let mut out = le32(v as u32).to_vec();
    out.extend_from_slice(&le32((v >> 32) as u32));
    out
}

/// Hex string + NUL, pad to 2, version, level, pad to 4.
fn header(hex: &str, version: u16) -> Vec<u8> {
    let mut out = hex.as_bytes().to_vec();
    out.push(0);
    while out.len() % 2 != 0 {
        out.push(0);
    }
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&version.to_le_bytes());
    while out.len() % 4 != 0 {
        out.push(0);
    }
    out
}

fn v1(attrib: u32, create: u64) -> Vec<u8> {
    let mut b = header(&format!("0x{attrib:x}"), 1);
    b.extend_from_slice(&le32(attrib));
    b.extend_from_slice(&le32(0)); // ea_size
    b.extend(nttime(1234)); // size
    b.extend(nttime(4096)); // alloc
    b.extend(nttime(create));
    b.extend(nttime(T + 5)); // change
    b
}

/// Version 2; `name` appends the trailing name, which the decoder does not read.
fn v2(attrib: u32, name: bool) -> Vec<u8> {
    let mut b = header(&format!("0x{attrib:x}"), 2);
    b.extend_from_slice(&le32(0)); // flags
    b.extend_from_slice(&le32(attrib));
    b.extend_from_slice(&le32(0)); // ea_size
    for t in [1, 2, T, T + 1, T + 2] {
        b.extend(nttime(t)); // size, alloc, create, change, write
    }
    if name {
        b.extend_from_slice(b"name\0");
    }
    b
}

fn v3(flags: u32, attrib: u32, create: u64) -> Vec<u8> {
    let mut b = header(&format!("0x{attrib:x}"), 3);
    b.extend_from_slice(&le32(flags));
    b.extend_from_slice(&le32(attrib));
    b.extend_from_slice(&le32(0)); // ea_size
    b.extend(nttime(10)); // size
    b.extend(nttime(4096)); // alloc
    b.extend(nttime(create));
    b.extend(nttime(T + 9)); // change
    b
}

fn v4(flags: u32, attrib: u32, create: u64) -> Vec<u8> {
    let mut b = header("", 4);
    b.extend_from_slice(&le32(flags));
    b.extend_from_slice(&le32(attrib));
    b.extend(nttime(T - 1)); // itime
    b.extend(nttime(create));
    b
}

fn valid_blobs() -> Vec<Vec<u8>> {
    vec![
        b"0x22".to_vec(),
        b"0x20\0".to_vec(),
        v1(0x20, T),
        v2(0x22, false),
        v3(0x11, 0x26, T),
        v4(0x11, 0x2, T),
        encode_v5(&DosAttrib { attributes: 0x2022, create_time: Some(FileTime(T)) }),
    ]
}

#[test]
fn v5_layout_is_exact() {
    let b = encode_v5(&DosAttrib { attributes: 0x22, create_time: Some(FileTime(T)) });
    assert_eq!(b.len(), V5_LEN);
    assert_eq!(&b[..12], &[0, 0, 5, 0, 5, 0, 0, 0, 0x11, 0, 0, 0]);
    assert_eq!(&b[12..16], &[0x22, 0, 0, 0]);
    assert_eq!(&b[16..24], &[0x70, 0x6F, 0x5E, 0x4D, 0x3C, 0x2B, 0xDA, 0x01]);
}

#[test]
fn v5_round_trip() {
    for d in [
        DosAttrib { attributes: 0, create_time: None },
        DosAttrib { attributes: 0x20, create_time: None },
        DosAttrib { attributes: 0x2127, create_time: Some(FileTime(T)) },
        DosAttrib { attributes: u32::MAX, create_time: Some(FileTime(u64::MAX)) },
    ] {
        assert_eq!(decode(&encode_v5(&d)), Some(d));
    }
}

#[test]
fn legacy_forms() {
    // Wine: no NUL.
    assert_eq!(decode(b"0x22"), Some(DosAttrib { attributes: 0x22, create_time: None }));
    // Samba 3: with NUL.
    assert_eq!(decode(b"0x2\0"), Some(DosAttrib { attributes: 0x2, create_time: None }));
    assert_eq!(decode(b"0xFFFFFFFF"), Some(DosAttrib { attributes: u32::MAX, create_time: None }));
    assert_eq!(decode(b"0X1a\0").map(|d| d.attributes), Some(0x1a));
    for bad in [&b""[..], b"\0", b"0x", b"0x\0", b"0xg", b"0x123456789", b"zz", b"0x2 "] {
        assert_eq!(decode(bad), None, "{bad:?}");
    }
}

#[test]
fn version_1() {
    let b = v1(0x21, T);
    assert_eq!(decode(&b), Some(DosAttrib { attributes: 0x21, create_time: Some(FileTime(T)) }));
    assert_eq!(decode(&v1(0x20, 0)), Some(DosAttrib { attributes: 0x20, create_time: None }));
}

#[test]
fn version_2_is_parsed_for_the_attributes() {
    assert_eq!(decode(&v2(0x06, true)), Some(DosAttrib { attributes: 0x06, create_time: None }));
}

#[test]
fn version_3_matches_the_reference_offsets() {
    let b = v3(0x11, 0x20, T);
    assert_eq!(b.len(), 56);
    assert_eq!(&b[..5], b"0x20\0");
    assert_eq!(&b[6..8], &[3, 0]);
    assert_eq!(&b[8..10], &[3, 0]);
    assert_eq!(&b[12..16], &le32(0x11));
    assert_eq!(&b[16..20], &le32(0x20));
    assert_eq!(&b[40..48], &nttime(T)[..]);
    assert_eq!(decode(&b), Some(DosAttrib { attributes: 0x20, create_time: Some(FileTime(T)) }));
}

#[test]
fn version_4_matches_the_reference_offsets() {
    let b = v4(0x11, 0x2, T);
    assert_eq!(b.len(), 32);
    assert_eq!(&b[..8], &[0, 0, 4, 0, 4, 0, 0, 0]);
    assert_eq!(&b[24..32], &nttime(T)[..]);
    assert_eq!(decode(&b), Some(DosAttrib { attributes: 0x2, create_time: Some(FileTime(T)) }));
}

#[test]
fn valid_flags_are_honoured() {
    // Create time present but not flagged valid.
    assert_eq!(decode(&v3(0x1, 0x20, T)), Some(DosAttrib { attributes: 0x20, create_time: None }));
    // Attribute word not flagged valid.
    assert_eq!(decode(&v4(0x10, 0x2, T)), Some(DosAttrib { attributes: 0, create_time: Some(FileTime(T)) }));
    // Flagged valid but zero.
    assert_eq!(decode(&v4(0x11, 0x2, 0)), Some(DosAttrib { attributes: 0x2, create_time: None }));
}

#[test]
fn bad_headers_are_rejected() {
    let mut mismatch = encode_v5(&DosAttrib::default());
    mismatch[4] = 4; // level 4 with version 5
    assert_eq!(decode(&mismatch), None);
    let mut unknown = encode_v5(&DosAttrib::default());
    unknown[2] = 6;
    unknown[4] = 6;
    assert_eq!(decode(&unknown), None);
    let mut big = encode_v5(&DosAttrib::default());
    big[3] = 0xff;
    big[5] = 0xff;
    assert_eq!(decode(&big), None);
}

#[test]
fn trailing_bytes_are_tolerated() {
    let mut b = encode_v5(&DosAttrib { attributes: 0x2, create_time: None });
    b.extend_from_slice(&[0xAA; 7]);
    assert_eq!(decode(&b), Some(DosAttrib { attributes: 0x2, create_time: None }));
}

#[test]
fn every_truncation_is_rejected_without_panic() {
    for blob in valid_blobs() {
        assert!(decode(&blob).is_some(), "{blob:?}");
        for len in 0..blob.len() {
            let cut = &blob[..len];
            let got = decode(cut);
            // A cut hex string can still be a valid legacy value ("0x2" of "0x22"); a
            // cut NDR value never decodes.
            if cut.contains(&0) {
                let nul = cut.iter().position(|&b| b == 0).unwrap_or(0);
                if nul + 1 != cut.len() {
                    assert_eq!(got, None, "len {len} of {blob:?}");
                }
            }
        }
    }
}

#[test]
fn garbage_never_panics() {
    // A small deterministic generator (xorshift) over lengths 0..80 and byte values
    // biased towards NULs and small version numbers.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = (next() % 80) as usize;
        let blob: Vec<u8> = (0..len)
            .map(|_| match next() % 4 {
                0 => 0,
                1 => (next() % 6) as u8,
                _ => next() as u8,
            })
            .collect();
        let _ = decode(&blob);
    }
    // Every single-byte corruption of every valid value.
    for blob in valid_blobs() {
        for i in 0..blob.len() {
            for v in [0u8, 1, 5, 0x30, 0xff] {
                let mut b = blob.clone();
                b[i] = v;
                let _ = decode(&b);
            }
        }
    }
}
