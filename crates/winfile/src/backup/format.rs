//! The byte formats of a backup stream: WIN32_STREAM_ID headers, FILE_FULL_EA_INFORMATION
//! lists, and the self-relative security descriptor winfile builds from a file's owner,
//! group and mode.

/// `BACKUP_DATA`: the file's data.
pub const BACKUP_DATA: u32 = 1;
/// `BACKUP_EA_DATA`: extended attributes (FILE_FULL_EA_INFORMATION list).
pub const BACKUP_EA_DATA: u32 = 2;
/// `BACKUP_SECURITY_DATA`: a self-relative security descriptor.
pub const BACKUP_SECURITY_DATA: u32 = 3;
/// `BACKUP_ALTERNATE_DATA`: one named stream.
pub const BACKUP_ALTERNATE_DATA: u32 = 4;
/// `BACKUP_REPARSE_DATA`: a reparse point's REPARSE_DATA_BUFFER.
pub const BACKUP_REPARSE_DATA: u32 = 8;
/// `BACKUP_SPARSE_BLOCK`: an 8-byte offset, then the data there.
pub const BACKUP_SPARSE_BLOCK: u32 = 9;
/// `STREAM_CONTAINS_SECURITY`.
pub const STREAM_CONTAINS_SECURITY: u32 = 2;
/// `STREAM_SPARSE_ATTRIBUTE`.
pub const STREAM_SPARSE_ATTRIBUTE: u32 = 8;
/// The fixed part of WIN32_STREAM_ID (id, attributes, size, name size).
pub const HEADER: usize = 20;

/// A WIN32_STREAM_ID header with its UTF-16LE name.
pub fn header(id: u32, attributes: u32, size: u64, name: &str) -> Vec<u8> {
    let name: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut h = Vec::with_capacity(HEADER + name.len());
    h.extend_from_slice(&id.to_le_bytes());
    h.extend_from_slice(&attributes.to_le_bytes());
    h.extend_from_slice(&size.to_le_bytes());
    h.extend_from_slice(&(name.len() as u32).to_le_bytes());
    h.extend_from_slice(&name);
    h
}

/// (id, attributes, size, name size) of a 20-byte header.
pub fn parse_header(h: &[u8; HEADER]) -> (u32, u32, u64, u32) {
    let u32_at = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    let size = u64::from_le_bytes([h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]]);
    (u32_at(0), u32_at(4), size, u32_at(16))
}

/// A FILE_FULL_EA_INFORMATION list of `(name, value)` (names ≤ 255 bytes, values
/// ≤ 65535; entries 4-byte aligned, the last with NextEntryOffset 0).
pub fn ea_list(eas: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (name, value)) in eas.iter().enumerate() {
        let start = out.len();
        let len = 8 + name.len() + 1 + value.len();
        let padded = if i + 1 == eas.len() { len } else { (len + 3) & !3 };
        let next = if i + 1 == eas.len() { 0 } else { padded as u32 };
        out.extend_from_slice(&next.to_le_bytes());
        out.push(0); // Flags
        out.push(name.len() as u8);
        out.extend_from_slice(&(value.len() as u16).to_le_bytes());
        out.extend_from_slice(name);
        out.push(0);
        out.extend_from_slice(value);
        out.resize(start + padded, 0);
    }
    out
}

/// The `(name, value)` entries of a FILE_FULL_EA_INFORMATION list; None if malformed.
pub fn parse_ea_list(mut buf: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let next = u32::from_le_bytes(buf.get(0..4)?.try_into().ok()?) as usize;
        let name_len = *buf.get(5)? as usize;
        let value_len = u16::from_le_bytes(buf.get(6..8)?.try_into().ok()?) as usize;
        let name = buf.get(8..8 + name_len)?.to_vec();
        let value = buf.get(9 + name_len..9 + name_len + value_len)?.to_vec();
        out.push((name, value));
        if next == 0 {
            break;
        }
        buf = buf.get(next..)?;
    }
    Some(out)
}

const FILE_READ_DATA: u32 = 0x1;
const FILE_WRITE_DATA: u32 = 0x2;
const FILE_EXECUTE: u32 = 0x20;
const FILE_GENERIC_READ: u32 = 0x0012_0089;
const FILE_GENERIC_WRITE: u32 = 0x0012_0116;
const FILE_GENERIC_EXECUTE: u32 = 0x0012_00A0;
/// DELETE | READ_CONTROL | WRITE_DAC | WRITE_OWNER: what an owner may always do.
const OWNER_RIGHTS: u32 = 0x000F_0000;
const SE_DACL_PRESENT: u16 = 0x0004;
const SE_SELF_RELATIVE: u16 = 0x8000;

/// A SID: S-1-`authority`-`subs`.
fn sid(authority: u8, subs: &[u32]) -> Vec<u8> {
    let mut s = vec![1, subs.len() as u8, 0, 0, 0, 0, 0, authority];
    for v in subs {
        s.extend_from_slice(&v.to_le_bytes());
    }
    s
}

/// Samba's SIDs for Unix ids without a Windows mapping: S-1-22-1-uid, S-1-22-2-gid.
fn unix_user(uid: u32) -> Vec<u8> {
    sid(22, &[1, uid])
}
fn unix_group(gid: u32) -> Vec<u8> {
    sid(22, &[2, gid])
}
fn everyone() -> Vec<u8> {
    sid(1, &[0])
}

fn mask_of(bits: u32) -> u32 {
    let mut m = 0;
    if bits & 4 != 0 {
        m |= FILE_GENERIC_READ;
    }
    if bits & 2 != 0 {
        m |= FILE_GENERIC_WRITE;
    }
    if bits & 1 != 0 {
        m |= FILE_GENERIC_EXECUTE;
    }
    m
}

fn bits_of(mask: u32) -> u32 {
    u32::from(mask & FILE_READ_DATA != 0) << 2
        | u32::from(mask & FILE_WRITE_DATA != 0) << 1
        | u32::from(mask & FILE_EXECUTE != 0)
}

/// A self-relative SECURITY_DESCRIPTOR for a file with `uid`, `gid` and `mode`: owner
/// S-1-22-1-uid, group S-1-22-2-gid (Samba's Unix SIDs), and a DACL of three
/// ACCESS_ALLOWED ACEs — owner, group, Everyone — whose masks are the generic
/// read/write/execute rights of the mode's rwx triplets (the owner also holds DELETE,
/// READ_CONTROL, WRITE_DAC and WRITE_OWNER).
pub fn security_descriptor(uid: u32, gid: u32, mode: u32) -> Vec<u8> {
    security_descriptor_with(uid, gid, mode, &[])
}

/// A named user (`true`) or group of a POSIX ACL, with its effective rwx bits.
pub type NamedEntry = (bool, u32, u32);

/// [`security_descriptor`] plus one ACCESS_ALLOWED ACE per named user (S-1-22-1-id) and
/// named group (S-1-22-2-id) of the file's POSIX access ACL, after the group's ACE.
pub fn security_descriptor_with(uid: u32, gid: u32, mode: u32, named: &[NamedEntry]) -> Vec<u8> {
    let (owner, group) = (unix_user(uid), unix_group(gid));
    let mut aces =
        vec![(owner.clone(), mask_of((mode >> 6) & 7) | OWNER_RIGHTS), (group.clone(), mask_of((mode >> 3) & 7))];
    for (user, id, bits) in named {
        aces.push((if *user { unix_user(*id) } else { unix_group(*id) }, mask_of(*bits)));
    }
    aces.push((everyone(), mask_of(mode & 7)));
    let mut acl = Vec::new();
    for (s, mask) in &aces {
        acl.push(0); // ACCESS_ALLOWED_ACE_TYPE
        acl.push(0);
        acl.extend_from_slice(&((8 + s.len()) as u16).to_le_bytes());
        acl.extend_from_slice(&mask.to_le_bytes());
        acl.extend_from_slice(s);
    }
    let mut dacl = vec![2, 0];
    dacl.extend_from_slice(&((8 + acl.len()) as u16).to_le_bytes());
    dacl.extend_from_slice(&(aces.len() as u16).to_le_bytes());
    dacl.extend_from_slice(&[0, 0]);
    dacl.extend_from_slice(&acl);
    let owner_at = 20u32;
    let group_at = owner_at + owner.len() as u32;
    let dacl_at = group_at + group.len() as u32;
    let mut sd = vec![1, 0];
    sd.extend_from_slice(&(SE_SELF_RELATIVE | SE_DACL_PRESENT).to_le_bytes());
    for off in [owner_at, group_at, 0, dacl_at] {
        sd.extend_from_slice(&off.to_le_bytes());
    }
    sd.extend_from_slice(&owner);
    sd.extend_from_slice(&group);
    sd.extend_from_slice(&dacl);
    sd
}

/// What a security descriptor says in Unix terms: (uid, gid, rwx bits) where its owner,
/// group and DACL ACEs are Samba Unix SIDs (S-1-22-1/2) or Everyone; None for a
/// descriptor that is malformed or says nothing winfile can apply.
pub fn parse_security_descriptor(sd: &[u8]) -> Option<(Option<u32>, Option<u32>, Option<u32>)> {
    parse_security_descriptor_with(sd).map(|(u, g, m, _)| (u, g, m))
}

/// What [`parse_security_descriptor`] gives, plus the ACEs for other Unix users and
/// groups (the named entries of a POSIX ACL).
pub type ParsedSd = (Option<u32>, Option<u32>, Option<u32>, Vec<NamedEntry>);

/// [`parse_security_descriptor`] with the named entries.
pub fn parse_security_descriptor_with(sd: &[u8]) -> Option<ParsedSd> {
    let u32_at = |b: &[u8], i: usize| b.get(i..i + 4).and_then(|s| s.try_into().ok()).map(u32::from_le_bytes);
    let sid_at = |off: usize| -> Option<(u8, Vec<u32>, usize)> {
        let s = sd.get(off..)?;
        let n = *s.get(1)? as usize;
        let auth = *s.get(7)?;
        let subs = (0..n).map(|i| u32_at(s, 8 + 4 * i)).collect::<Option<Vec<_>>>()?;
        Some((auth, subs, 8 + 4 * n))
    };
    if sd.first() != Some(&1) {
        return None;
    }
    let unix_id = |off: u32, kind: u32| -> Option<u32> {
        if off == 0 {
            return None;
        }
        match sid_at(off as usize)? {
            (22, subs, _) if subs.len() == 2 && subs[0] == kind => Some(subs[1]),
            _ => None,
        }
    };
    let (owner_off, group_off, dacl_off) = (u32_at(sd, 4)?, u32_at(sd, 8)?, u32_at(sd, 16)?);
    let uid = unix_id(owner_off, 1);
    let gid = unix_id(group_off, 2);
    let mut mode = None;
    if dacl_off != 0 {
        let d = dacl_off as usize;
        let count = u16::from_le_bytes(sd.get(d + 4..d + 6)?.try_into().ok()?) as usize;
        let mut at = d + 8;
        let mut m = 0;
        let mut named = Vec::new();
        for _ in 0..count {
            let ace_type = *sd.get(at)?;
            let size = u16::from_le_bytes(sd.get(at + 2..at + 4)?.try_into().ok()?) as usize;
            let mask = u32_at(sd, at + 4)?;
            if ace_type == 0 {
                let (auth, subs, _) = sid_at(at + 8)?;
                let shift = match (auth, subs.as_slice()) {
                    (22, [1, u]) if Some(*u) == uid => Some(6),
                    (22, [2, g]) if Some(*g) == gid => Some(3),
                    (1, [0]) => Some(0),
                    (22, [kind @ (1 | 2), id]) => {
                        named.push((*kind == 1, *id, bits_of(mask)));
                        None
                    }
                    _ => None,
                };
                if let Some(shift) = shift {
                    m |= bits_of(mask) << shift;
                }
            }
            at += size.max(4);
        }
        mode = Some(m);
        return Some((uid, gid, mode, named));
    }
    Some((uid, gid, mode, Vec::new()))
}

const ACL_USER_OBJ: u16 = 0x01;
const ACL_USER: u16 = 0x02;
const ACL_GROUP_OBJ: u16 = 0x04;
const ACL_GROUP: u16 = 0x08;
const ACL_MASK: u16 = 0x10;
const ACL_OTHER: u16 = 0x20;
const ACL_UNDEFINED_ID: u32 = u32::MAX;

/// The named entries of a `system.posix_acl_access` value (version 2: 4-byte header,
/// 8-byte entries tag/perm/id), with their effective bits (masked), and the group
/// owner's effective bits; None when the value is malformed or has no named entries.
pub fn posix_acl_named(value: &[u8]) -> Option<(Vec<NamedEntry>, u32)> {
    if value.get(..4)? != 2u32.to_le_bytes() {
        return None;
    }
    let entries: Vec<(u16, u32, u32)> = value[4..]
        .chunks_exact(8)
        .map(|e| {
            (
                u16::from_le_bytes([e[0], e[1]]),
                u32::from(u16::from_le_bytes([e[2], e[3]])),
                u32::from_le_bytes([e[4], e[5], e[6], e[7]]),
            )
        })
        .collect();
    let mask = entries.iter().find(|e| e.0 == ACL_MASK).map_or(7, |e| e.1);
    let group = entries.iter().find(|e| e.0 == ACL_GROUP_OBJ).map_or(0, |e| e.1) & mask;
    let named: Vec<NamedEntry> = entries
        .iter()
        .filter(|e| e.0 == ACL_USER || e.0 == ACL_GROUP)
        .map(|e| (e.0 == ACL_USER, e.2, e.1 & mask))
        .collect();
    (!named.is_empty()).then_some((named, group))
}

/// A `system.posix_acl_access` value for `mode` (owner, group, other bits) plus
/// `named` entries; the mask is the union of the group class, as setfacl computes it.
pub fn posix_acl_value(mode: u32, named: &[NamedEntry]) -> Vec<u8> {
    let mut users: Vec<_> = named.iter().filter(|e| e.0).collect();
    let mut groups: Vec<_> = named.iter().filter(|e| !e.0).collect();
    users.sort_by_key(|e| e.1);
    groups.sort_by_key(|e| e.1);
    let group_bits = (mode >> 3) & 7;
    let mask = groups.iter().chain(users.iter()).fold(group_bits, |m, e| m | e.2);
    let mut v = 2u32.to_le_bytes().to_vec();
    let mut push = |tag: u16, perm: u32, id: u32| {
        v.extend_from_slice(&tag.to_le_bytes());
        v.extend_from_slice(&(perm as u16).to_le_bytes());
        v.extend_from_slice(&id.to_le_bytes());
    };
    push(ACL_USER_OBJ, (mode >> 6) & 7, ACL_UNDEFINED_ID);
    for e in &users {
        push(ACL_USER, e.2, e.1);
    }
    push(ACL_GROUP_OBJ, group_bits, ACL_UNDEFINED_ID);
    for e in &groups {
        push(ACL_GROUP, e.2, e.1);
    }
    push(ACL_MASK, mask, ACL_UNDEFINED_ID);
    push(ACL_OTHER, mode & 7, ACL_UNDEFINED_ID);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip() {
        let h = header(BACKUP_ALTERNATE_DATA, 0, 42, ":x:$DATA");
        assert_eq!(h.len(), HEADER + 16);
        let fixed: [u8; HEADER] = h[..HEADER].try_into().unwrap();
        assert_eq!(parse_header(&fixed), (4, 0, 42, 16));
    }

    #[test]
    fn ea_lists_round_trip() {
        let eas = vec![(b"A".to_vec(), b"one".to_vec()), (b"LONGER.NAME".to_vec(), vec![0, 1, 2])];
        let list = ea_list(&eas);
        assert_eq!(u32::from_le_bytes(list[0..4].try_into().unwrap()), 16);
        assert_eq!(parse_ea_list(&list).unwrap(), eas);
    }

    #[test]
    fn security_descriptor_round_trip() {
        let sd = security_descriptor(1000, 100, 0o754);
        assert_eq!(parse_security_descriptor(&sd), Some((Some(1000), Some(100), Some(0o754))));
        let named = vec![(true, 1001, 6), (false, 200, 4)];
        let sd = security_descriptor_with(1000, 100, 0o750, &named);
        assert_eq!(parse_security_descriptor_with(&sd), Some((Some(1000), Some(100), Some(0o750), named.clone())));
        let acl = posix_acl_value(0o750, &named);
        assert_eq!(posix_acl_named(&acl), Some((named, 5)));
    }
}
