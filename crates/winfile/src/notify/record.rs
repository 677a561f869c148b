//! FILE_NOTIFY_INFORMATION: the change records and their exact Windows byte layout.
//!
//! Each record: `NextEntryOffset: u32` (0 on the last), `Action: u32`,
//! `FileNameLength: u32` (bytes), then the UTF-16LE name; records start on DWORD
//! boundaries.

/// FILE_ACTION_ADDED.
pub const FILE_ACTION_ADDED: u32 = 1;
/// FILE_ACTION_REMOVED.
pub const FILE_ACTION_REMOVED: u32 = 2;
/// FILE_ACTION_MODIFIED.
pub const FILE_ACTION_MODIFIED: u32 = 3;
/// FILE_ACTION_RENAMED_OLD_NAME.
pub const FILE_ACTION_RENAMED_OLD_NAME: u32 = 4;
/// FILE_ACTION_RENAMED_NEW_NAME.
pub const FILE_ACTION_RENAMED_NEW_NAME: u32 = 5;

const HEADER: usize = 12;

/// One change: an action and a name relative to the watched directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// FILE_ACTION_*.
    pub action: u32,
    /// The name relative to the watched directory, with the caller's separators.
    pub name: String,
}

/// The encoded size of a record for `name` (header, UTF-16 name, DWORD padding).
pub fn record_len(name: &str) -> usize {
    (HEADER + 2 * name.encode_utf16().count() + 3) & !3
}

/// Encodes as many leading `changes` as fit in `buf_len` bytes; returns the bytes and
/// how many changes they hold (0 when even the first does not fit).
pub fn encode(changes: impl IntoIterator<Item = impl AsRef<Change>>, buf_len: usize) -> (Vec<u8>, usize) {
    let mut out: Vec<u8> = Vec::new();
    let mut last_start: Option<usize> = None;
    let mut count = 0;
    for c in changes {
        let c = c.as_ref();
        let len = record_len(&c.name);
        if out.len() + len > buf_len {
            break;
        }
        if let Some(prev) = last_start {
            let next = (out.len() - prev) as u32;
            out[prev..prev + 4].copy_from_slice(&next.to_le_bytes());
        }
        let start = out.len();
        let units: Vec<u16> = c.name.encode_utf16().collect();
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&c.action.to_le_bytes());
        out.extend_from_slice(&((units.len() * 2) as u32).to_le_bytes());
        for u in units {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out.resize(start + len, 0);
        last_start = Some(start);
        count += 1;
    }
    (out, count)
}

impl AsRef<Change> for Change {
    fn as_ref(&self) -> &Change {
        self
    }
}

/// Decodes FILE_NOTIFY_INFORMATION records from the first `size` bytes of `buf`
/// (as pywin32's `FILE_NOTIFY_INFORMATION`); stops at a malformed record.
pub fn decode(buf: &[u8]) -> Vec<Change> {
    let u32_at = |o: usize| -> Option<u32> { buf.get(o..o + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])) };
    let mut out = Vec::new();
    let mut off = 0usize;
    while let (Some(next), Some(action), Some(len)) = (u32_at(off), u32_at(off + 4), u32_at(off + 8)) {
        let start = off + HEADER;
        let Some(raw) = start.checked_add(len as usize).and_then(|end| buf.get(start..end)) else {
            break;
        };
        let units: Vec<u16> = raw.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
        out.push(Change { action, name: String::from_utf16_lossy(&units) });
        if next == 0 {
            break;
        }
        off += next as usize;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(action: u32, name: &str) -> Change {
        Change { action, name: name.into() }
    }

    #[test]
    fn layout_is_windows_exact() {
        let (bytes, n) = encode([ch(1, "ab"), ch(4, "x\\y"), ch(5, "é")], 1024);
        assert_eq!(n, 3);
        // "ab": 12 + 4 = 16 (aligned); "x\y": 12 + 6 = 18 → 20; "é": 12 + 2 = 14 → 16.
        assert_eq!(bytes.len(), 16 + 20 + 16);
        assert_eq!(&bytes[0..12], &[16, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0]);
        assert_eq!(&bytes[12..16], &[b'a', 0, b'b', 0]);
        assert_eq!(&bytes[16..28], &[20, 0, 0, 0, 4, 0, 0, 0, 6, 0, 0, 0]);
        assert_eq!(&bytes[36..48], &[0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(&bytes[48..50], &[0xE9, 0]);
        assert_eq!(decode(&bytes), vec![ch(1, "ab"), ch(4, "x\\y"), ch(5, "é")]);
    }

    #[test]
    fn buffer_limits_and_surrogates() {
        let (bytes, n) = encode([ch(1, "abcd"), ch(2, "e")], 20);
        assert_eq!((bytes.len(), n), (20, 1));
        assert_eq!(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]), 0);
        let (bytes, n) = encode([ch(1, "abcd")], 19);
        assert_eq!((bytes.len(), n), (0, 0));
        let (bytes, _) = encode([ch(3, "😀")], 64);
        assert_eq!(u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]), 4);
        assert_eq!(decode(&bytes), vec![ch(3, "😀")]);
    }

    #[test]
    fn decode_stops_on_truncation() {
        let (bytes, _) = encode([ch(1, "abc"), ch(2, "def")], 1024);
        assert_eq!(decode(&bytes[..20]), vec![ch(1, "abc")]);
        assert_eq!(decode(&bytes[..5]), vec![]);
        assert_eq!(decode(&[]), vec![]);
    }
}
