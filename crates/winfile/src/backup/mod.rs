//! `BackupRead`, `BackupSeek`, `BackupWrite`: a file as the stream of WIN32_STREAM_ID
//! records Windows backup programs read and write.
//!
//! BackupRead emits, in this order: `BACKUP_SECURITY_DATA` (when asked: a self-relative
//! security descriptor built from the owner, group and mode, see [`format`]),
//! `BACKUP_EA_DATA` (the `user.*` xattrs other than winfile's `user.winfile.*` and
//! Samba's `user.DOSATTRIB`, `user.DosStream.*`, `user.SAMBA_*`, as a
//! FILE_FULL_EA_INFORMATION list named without the `user.` prefix), then the data:
//! `BACKUP_DATA` for a file without holes; for a file with holes (SEEK_HOLE before the
//! end) or marked sparse, a `BACKUP_DATA` header with STREAM_SPARSE_ATTRIBUTE whose
//! 8-byte body is the file size, then one `BACKUP_SPARSE_BLOCK` per data range (an
//! 8-byte offset, then the bytes there; SEEK_DATA/SEEK_HOLE find the ranges); for a
//! symbolic link opened with FILE_FLAG_OPEN_REPARSE_POINT, `BACKUP_REPARSE_DATA` (its
//! IO_REPARSE_TAG_SYMLINK buffer) and nothing else; then `BACKUP_ALTERNATE_DATA` for
//! each named stream (`:name:$DATA`). BackupWrite reads the same records back.
//!
//! As on Windows, DOS attributes and times are not part of the stream (Microsoft's
//! KB 271398: the backup program applies them after BackupWrite, with SetFileAttributes,
//! SetFileTime and FSCTL_SET_SPARSE); BackupWrite does mark a file it restores from
//! sparse records sparse.
//!
//! The context is a handle-local token (pywin32 passes it as an int): 0 starts a
//! backup, bAbort=True frees it (and answers 0), and closing the handle frees them all.

pub mod format;

use crate::consts::FILE_FLAG_OPEN_REPARSE_POINT;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Extension, File, Handle};
use crate::poison::MutexExt;
use format::*;
use rustix::fs::{fstat, FileType, SeekFrom};
use rustix::io::Errno;
use std::collections::HashMap;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Samba's prefix for named streams kept in xattrs (vfs_streams_xattr).
const STREAM_PREFIX: &str = "user.DosStream.";
/// The largest xattr value Linux allows.
const XATTR_MAX: usize = 65536;

/// Whether a `user.*` xattr is carried as an extended attribute (EA) of the backup.
fn is_ea(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("user.") else { return false };
    !(rest == "DOSATTRIB"
        || name.starts_with(STREAM_PREFIX)
        || rest.starts_with("winfile.")
        || rest.starts_with("SAMBA_")
        || rest.is_empty())
}

enum Part {
    Mem(Vec<u8>),
    /// Bytes of the file (`fd` None) or of a depot stream's own file.
    File {
        fd: Option<Arc<OwnedFd>>,
        at: u64,
        len: u64,
    },
}

impl Part {
    fn len(&self) -> u64 {
        match self {
            Part::Mem(m) => m.len() as u64,
            Part::File { len, .. } => *len,
        }
    }
}

/// One record: its header (with name) and the parts of its body.
struct Section {
    head: Vec<u8>,
    body: Vec<Part>,
}

impl Section {
    fn new(id: u32, attributes: u32, name: &str, body: Vec<Part>) -> Self {
        let size = body.iter().map(Part::len).sum();
        Self { head: header(id, attributes, size, name), body }
    }
    fn body_len(&self) -> u64 {
        self.body.iter().map(Part::len).sum()
    }
    fn total(&self) -> u64 {
        self.head.len() as u64 + self.body_len()
    }
}

struct Reader {
    sections: Vec<Section>,
    idx: usize,
    pos: u64,
}

enum Ctx {
    Read(Reader),
    Write(Writer),
}

/// The backup contexts of one handle, by token.
#[derive(Default)]
struct BackupSlot(Mutex<HashMap<u64, Ctx>>);

impl Extension for BackupSlot {}

static NEXT_TOKEN: AtomicU64 = AtomicU64::new(0x1_0000);

fn new_token() -> u64 {
    NEXT_TOKEN.fetch_add(16, Ordering::Relaxed)
}

fn xattr_names(fd: BorrowedFd<'_>, path: &std::path::Path) -> Vec<String> {
    let mut buf = vec![0u8; XATTR_MAX];
    let n = match rustix::fs::flistxattr(fd, &mut buf) {
        Ok(n) => n,
        Err(Errno::BADF) => rustix::fs::llistxattr(path, &mut buf).unwrap_or(0),
        Err(_) => 0,
    };
    buf[..n].split(|b| *b == 0).filter(|s| !s.is_empty()).filter_map(|s| String::from_utf8(s.to_vec()).ok()).collect()
}

fn xattr_value(fd: BorrowedFd<'_>, name: &str, api: &'static str) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; XATTR_MAX];
    let n = rustix::fs::fgetxattr(fd, name, &mut buf).api(api)?;
    buf.truncate(n);
    Ok(buf)
}

/// The data ranges of `fd` below `size`: (offset, length).
fn data_ranges(fd: BorrowedFd<'_>, size: u64) -> Result<Vec<(u64, u64)>> {
    let mut out = Vec::new();
    let mut at = 0u64;
    while at < size {
        let data = match rustix::fs::seek(fd, SeekFrom::Data(at)) {
            Ok(d) => d,
            Err(Errno::NXIO) => break,
            Err(e) => return Err(Error::new(e.into(), "BackupRead")),
        };
        if data >= size {
            break;
        }
        let hole = rustix::fs::seek(fd, SeekFrom::Hole(data)).api("BackupRead")?.min(size);
        out.push((data, hole - data));
        at = hole;
    }
    Ok(out)
}

fn plan(file: &File, security: bool) -> Result<Reader> {
    const API: &str = "BackupRead";
    let fd = file.fd();
    let st = fstat(fd).api(API)?;
    let kind = FileType::from_raw_mode(st.st_mode);
    let mut sections = Vec::new();
    if security {
        let mut mode = st.st_mode & 0o777;
        let mut named = Vec::new();
        let mut acl = vec![0u8; XATTR_MAX];
        if let Ok(n) = rustix::fs::fgetxattr(fd, "system.posix_acl_access", &mut acl) {
            if let Some((entries, group)) = posix_acl_named(&acl[..n]) {
                // With an ACL, the mode's group bits are its mask: the group's own are in the ACL.
                mode = (mode & !0o070) | (group << 3);
                named = entries;
            }
        }
        let sd = security_descriptor_with(st.st_uid, st.st_gid, mode, &named);
        sections.push(Section::new(BACKUP_SECURITY_DATA, STREAM_CONTAINS_SECURITY, "", vec![Part::Mem(sd)]));
    }
    if kind == FileType::Symlink {
        if file.flags() & FILE_FLAG_OPEN_REPARSE_POINT != 0 {
            let data = crate::fsctl::symlink_reparse_data(file, API)?;
            sections.push(Section::new(BACKUP_REPARSE_DATA, 0, "", vec![Part::Mem(data)]));
        }
        return Ok(Reader { sections, idx: 0, pos: 0 });
    }
    let names = xattr_names(fd, file.path());
    let mut eas = Vec::new();
    let mut streams = Vec::new();
    for name in &names {
        if let Some(stream) = name.strip_prefix(STREAM_PREFIX) {
            let stream = stream.strip_suffix(":$DATA").unwrap_or(stream);
            if stream.is_empty() {
                continue;
            }
            let mut v = xattr_value(fd, name, API)?;
            v.pop(); // Samba's trailing NUL
            streams.push((format!(":{stream}:$DATA"), v));
        } else if is_ea(name) {
            let ea = name.as_bytes()["user.".len()..].to_vec();
            let v = xattr_value(fd, name, API)?;
            if ea.len() > 255 || v.len() > 65535 {
                log::warn!("BackupRead: xattr {name} does not fit an EA entry; not included");
                continue;
            }
            eas.push((ea, v));
        }
    }
    if !eas.is_empty() {
        sections.push(Section::new(BACKUP_EA_DATA, 0, "", vec![Part::Mem(ea_list(&eas))]));
    }
    if kind == FileType::RegularFile {
        let size = st.st_size as u64;
        let ranges = data_ranges(fd, size)?;
        let dense = ranges.len() == 1 && ranges[0] == (0, size) || size == 0;
        let marked = crate::info::query_fd(fd, file.path())
            .map(|i| i.attributes & crate::consts::FILE_ATTRIBUTE_SPARSE_FILE != 0)
            .unwrap_or(false);
        if dense && !marked {
            sections.push(Section::new(BACKUP_DATA, 0, "", vec![Part::File { fd: None, at: 0, len: size }]));
        } else {
            let head = vec![Part::Mem(size.to_le_bytes().to_vec())];
            sections.push(Section::new(BACKUP_DATA, STREAM_SPARSE_ATTRIBUTE, "", head));
            for (at, len) in ranges {
                let body = vec![Part::Mem(at.to_le_bytes().to_vec()), Part::File { fd: None, at, len }];
                sections.push(Section::new(BACKUP_SPARSE_BLOCK, STREAM_SPARSE_ATTRIBUTE, "", body));
            }
        }
    }
    for (name, v) in streams {
        sections.push(Section::new(BACKUP_ALTERNATE_DATA, 0, &name, vec![Part::Mem(v)]));
    }
    let marked = names.iter().any(|n| n == crate::stream::depot::MARKER);
    for (name, path, _) in crate::stream::depot::list(file.path(), &st, marked) {
        let fd = rustix::fs::open(
            &path,
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .api(API)?;
        let len = fstat(&fd).api(API)?.st_size as u64;
        let part = Part::File { fd: Some(Arc::new(fd)), at: 0, len };
        sections.push(Section::new(BACKUP_ALTERNATE_DATA, 0, &format!(":{name}:$DATA"), vec![part]));
    }
    Ok(Reader { sections, idx: 0, pos: 0 })
}

impl Reader {
    fn read(&mut self, fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
        let mut filled = 0;
        while filled < buf.len() && self.idx < self.sections.len() {
            let sec = &self.sections[self.idx];
            let hlen = sec.head.len() as u64;
            if self.pos < hlen {
                let from = &sec.head[self.pos as usize..];
                let n = from.len().min(buf.len() - filled);
                buf[filled..filled + n].copy_from_slice(&from[..n]);
                filled += n;
                self.pos += n as u64;
            } else {
                let mut off = self.pos - hlen;
                let mut moved = 0usize;
                for part in &sec.body {
                    if off >= part.len() {
                        off -= part.len();
                        continue;
                    }
                    let want = ((part.len() - off) as usize).min(buf.len() - filled);
                    let dst = &mut buf[filled..filled + want];
                    match part {
                        Part::Mem(m) => {
                            dst.copy_from_slice(&m[off as usize..off as usize + want]);
                            moved = want;
                        }
                        Part::File { fd: own, at, .. } => {
                            let from = own.as_ref().map_or(fd, |f| f.as_fd());
                            let n = loop {
                                match rustix::io::pread(from, &mut *dst, at + off) {
                                    Err(Errno::INTR) => continue,
                                    r => break r.api("BackupRead")?,
                                }
                            };
                            if n == 0 {
                                // The file shrank under the backup: its record cannot be completed.
                                return Err(Error::new(Win32Error::HANDLE_EOF, "BackupRead"));
                            }
                            moved = n;
                        }
                    }
                    break;
                }
                filled += moved;
                self.pos += moved as u64;
            }
            if self.pos >= sec.total() {
                self.idx += 1;
                self.pos = 0;
            }
        }
        Ok(filled)
    }

    /// Moves forward within the current record's body: (bytes moved, whether all of
    /// `n` was moved). Past the body's end the position stops at the next header.
    fn seek(&mut self, n: u64) -> (u64, bool) {
        let Some(sec) = self.sections.get(self.idx) else { return (0, false) };
        let hlen = sec.head.len() as u64;
        if self.pos < hlen {
            return (0, false); // inside a header: nothing to skip yet
        }
        let left = sec.total() - self.pos;
        let moved = n.min(left);
        self.pos += moved;
        if self.pos >= sec.total() {
            self.idx += 1;
            self.pos = 0;
        }
        (moved, moved == n)
    }
}

fn file_of(h: Handle, api: &'static str) -> Result<Arc<File>> {
    handle::get::<File>(h).api(api)
}

/// Takes context `ctx` out of the handle's slot (0: none yet).
fn take_ctx(slot: &BackupSlot, ctx: u64, api: &'static str) -> Result<Option<Ctx>> {
    if ctx == 0 {
        return Ok(None);
    }
    match slot.0.locked().remove(&ctx) {
        Some(c) => Ok(Some(c)),
        None => Err(Error::new(Win32Error::INVALID_PARAMETER, api)),
    }
}

/// The checks BackupRead makes before reading (a file handle; a context this handle
/// knows): the bindings run them before allocating a result buffer.
///
/// # Linux mechanism
/// The handle table and the handle's backup contexts.
pub fn check_backup_read(h: Handle, ctx: u64) -> Result<()> {
    const API: &str = "BackupRead";
    let file = file_of(h, API)?;
    if ctx != 0 && !file.with_ext::<BackupSlot, bool>(|s| s.is_some_and(|s| s.0.locked().contains_key(&ctx))) {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    Ok(())
}

/// `BackupRead`—the next bytes of the file's backup stream into `buf`: returns (bytes
/// read, context). 0 bytes: the stream is complete. `abort` frees the context.
///
/// # Linux mechanism
/// fstat(2), flistxattr(2)/fgetxattr(2) for EAs and `user.DosStream.*` streams,
/// lseek(2) SEEK_DATA/SEEK_HOLE for sparse files, pread(2) for the data, readlink(2)
/// for a symbolic link's reparse data.
pub fn backup_read(h: Handle, buf: &mut [u8], abort: bool, security: bool, ctx: u64) -> Result<(usize, u64)> {
    const API: &str = "BackupRead";
    let file = file_of(h, API)?;
    let slot = file.ext_or_default::<BackupSlot>();
    if abort {
        slot.0.locked().remove(&ctx);
        return Ok((0, 0));
    }
    if !file.can_read() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let (mut reader, token) = match take_ctx(&slot, ctx, API)? {
        None => (plan(&file, security)?, new_token()),
        Some(Ctx::Read(r)) => (r, ctx),
        Some(other) => {
            slot.0.locked().insert(ctx, other);
            return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
        }
    };
    let r = reader.read(file.fd(), buf);
    slot.0.locked().insert(token, Ctx::Read(reader));
    Ok((r?, token))
}

/// `BackupSeek`—skips `n` bytes of the current record's body (never past it): returns
/// the bytes skipped; ERROR_SEEK (25) when none could be.
///
/// # Linux mechanism
/// Moves the context's position; nothing is read.
pub fn backup_seek(h: Handle, n: u64, ctx: u64) -> Result<u64> {
    const API: &str = "BackupSeek";
    let file = file_of(h, API)?;
    let slot = file.ext_or_default::<BackupSlot>();
    let mut map = slot.0.locked();
    let Some(Ctx::Read(reader)) = map.get_mut(&ctx) else {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    };
    match reader.seek(n) {
        (0, false) => Err(Error::new(Win32Error::SEEK, API)),
        (moved, _) => Ok(moved),
    }
}

/// The record being restored.
struct Current {
    id: u32,
    attributes: u32,
    size: u64,
    name: String,
    done: u64,
    acc: Vec<u8>,
    /// A large named stream's depot file being written.
    sink: Option<DepotSink>,
}

/// Named streams larger than this are written to their depot file as they arrive.
const BUFFERED_MAX: u64 = 16 * 1024 * 1024;

/// A depot stream file being written under a temporary name.
struct DepotSink {
    file: std::fs::File,
    tmp: std::path::PathBuf,
    dest: std::path::PathBuf,
}

impl DepotSink {
    fn create(base: &File, name: &str) -> Result<Self> {
        const API: &str = "BackupWrite";
        let st = fstat(base.fd()).api(API)?;
        let dir =
            crate::stream::depot::prepare(base.path(), &st, base.fd()).map_err(|e| Error::new(io_code(&e), API))?;
        let dest = crate::stream::depot::stream_file(&dir, name);
        let tmp = dir.join(format!(".{}-{}.tmp", std::process::id(), new_token()));
        let file = std::fs::File::create(&tmp).map_err(|e| Error::new(io_code(&e), API))?;
        Ok(Self { file, tmp, dest })
    }

    fn commit(self) -> Result<()> {
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            Error::new(io_code(&e), "BackupWrite")
        })
    }
}

impl Drop for DepotSink {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.tmp); // gone already once committed
    }
}

fn io_code(e: &std::io::Error) -> Win32Error {
    e.raw_os_error().map_or(Win32Error::GEN_FAILURE, |n| Errno::from_raw_os_error(n).into())
}

/// Stores named stream `name` of `base` in Samba's layouts (see [`crate::stream::store`]).
pub(crate) fn store_stream(base: &File, name: &str, data: &[u8]) -> Result<()> {
    crate::stream::store::store(base.fd(), base.path(), name, data).api("BackupWrite")
}

#[derive(Default)]
struct Writer {
    head: Vec<u8>,
    cur: Option<Current>,
}

fn eio(api: &'static str) -> Error {
    Error::new(Win32Error::INVALID_DATA, api)
}

impl Writer {
    fn write(&mut self, file: &File, mut data: &[u8], security: bool) -> Result<usize> {
        const API: &str = "BackupWrite";
        let total = data.len();
        while !data.is_empty() {
            let Some(cur) = self.cur.as_mut() else {
                let need = if self.head.len() < HEADER {
                    HEADER - self.head.len()
                } else {
                    let fixed: [u8; HEADER] = self.head[..HEADER].try_into().map_err(|_| eio(API))?;
                    HEADER + parse_header(&fixed).3 as usize - self.head.len()
                };
                let take = need.min(data.len());
                self.head.extend_from_slice(&data[..take]);
                data = &data[take..];
                if self.head.len() >= HEADER {
                    let fixed: [u8; HEADER] = self.head[..HEADER].try_into().map_err(|_| eio(API))?;
                    let (id, attributes, size, name_len) = parse_header(&fixed);
                    if name_len % 2 != 0 || name_len > 64 * 1024 {
                        return Err(eio(API));
                    }
                    if self.head.len() == HEADER + name_len as usize {
                        let units: Vec<u16> =
                            self.head[HEADER..].chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
                        let name = String::from_utf16(&units).map_err(|_| eio(API))?;
                        self.head.clear();
                        let buffered = !matches!(id, BACKUP_DATA | BACKUP_SPARSE_BLOCK)
                            || (id == BACKUP_DATA && attributes & STREAM_SPARSE_ATTRIBUTE != 0);
                        if buffered && id != BACKUP_ALTERNATE_DATA && size > BUFFERED_MAX {
                            return Err(Error::new(Win32Error::NOT_ENOUGH_MEMORY, API));
                        }
                        if id == BACKUP_ALTERNATE_DATA {
                            stream_name(&name)?;
                        }
                        let c = Current { id, attributes, size, name, done: 0, acc: Vec::new(), sink: None };
                        if size == 0 {
                            finish(file, c, security)?;
                        } else {
                            self.cur = Some(c);
                        }
                    }
                }
                continue;
            };
            let take = ((cur.size - cur.done) as usize).min(data.len());
            let chunk = &data[..take];
            let streamed = cur.id == BACKUP_DATA && cur.attributes & STREAM_SPARSE_ATTRIBUTE == 0;
            if cur.id == BACKUP_ALTERNATE_DATA && cur.size > BUFFERED_MAX && cur.sink.is_none() {
                // Too large to hold: written straight to its depot file.
                let name = stream_name(&cur.name)?.to_string();
                cur.sink = Some(DepotSink::create(file, &name)?);
            }
            if let Some(sink) = &cur.sink {
                pwrite_all(sink.file.as_fd(), chunk, cur.done)?;
            } else if streamed {
                pwrite_all(file.fd(), chunk, cur.done)?;
            } else if cur.id == BACKUP_SPARSE_BLOCK {
                let mut c = chunk;
                if cur.done < 8 {
                    let k = ((8 - cur.done) as usize).min(c.len());
                    cur.acc.extend_from_slice(&c[..k]);
                    c = &c[k..];
                }
                if !c.is_empty() {
                    let base = u64::from_le_bytes(cur.acc[..8].try_into().map_err(|_| eio(API))?);
                    let at = base + (cur.done + (chunk.len() - c.len()) as u64 - 8);
                    pwrite_all(file.fd(), c, at)?;
                }
            } else {
                cur.acc.extend_from_slice(chunk);
            }
            cur.done += take as u64;
            data = &data[take..];
            if cur.done == cur.size {
                if let Some(c) = self.cur.take() {
                    finish(file, c, security)?;
                }
            }
        }
        if file.note_modified() {
            let _ = crate::info::mark_archive(file.fd(), file.path());
        }
        Ok(total)
    }
}

fn pwrite_all(fd: BorrowedFd<'_>, mut data: &[u8], mut at: u64) -> Result<()> {
    while !data.is_empty() {
        match rustix::io::pwrite(fd, data, at) {
            Ok(n) => {
                data = &data[n..];
                at += n as u64;
            }
            Err(Errno::INTR) => {}
            Err(e) => return Err(Error::new(e.into(), "BackupWrite")),
        }
    }
    Ok(())
}

/// A stream name as BackupRead writes it (`:name:$DATA`) → `name`; 123 for a name
/// Windows would not accept.
fn stream_name(full: &str) -> Result<&str> {
    let bad = || Error::new(Win32Error::INVALID_NAME, "BackupWrite");
    let rest = full.strip_prefix(':').ok_or_else(bad)?;
    let name = match rest.rsplit_once(':') {
        Some((n, kind)) if kind.eq_ignore_ascii_case("$DATA") => n,
        Some(_) => return Err(bad()),
        None => rest,
    };
    if name.is_empty() || name.contains(['\\', '/', ':', '\0']) || name.len() > 255 {
        return Err(bad());
    }
    Ok(name)
}

fn finish(file: &File, c: Current, security: bool) -> Result<()> {
    const API: &str = "BackupWrite";
    let fd = file.fd();
    let set = |name: &str, value: &[u8]| -> Result<()> {
        match rustix::fs::fsetxattr(fd, name, value, rustix::fs::XattrFlags::empty()) {
            Ok(()) => Ok(()),
            Err(Errno::NOSPC | Errno::TOOBIG | Errno::RANGE) => Err(Error::new(Win32Error::DISK_FULL, API)),
            Err(e) => Err(Error::new(e.into(), API)),
        }
    };
    match c.id {
        BACKUP_DATA if c.attributes & STREAM_SPARSE_ATTRIBUTE != 0 => {
            let size = u64::from_le_bytes(c.acc.get(..8).and_then(|b| b.try_into().ok()).ok_or_else(|| eio(API))?);
            rustix::fs::ftruncate(fd, 0).api(API)?;
            rustix::fs::ftruncate(fd, size).api(API)?;
            crate::info::set_sparse(fd, true).api(API)?;
        }
        BACKUP_EA_DATA => {
            for (name, value) in parse_ea_list(&c.acc).ok_or_else(|| eio(API))? {
                let name = String::from_utf8(name).map_err(|_| eio(API))?;
                set(&format!("user.{name}"), &value)?;
            }
        }
        BACKUP_ALTERNATE_DATA => {
            let name = stream_name(&c.name)?.to_string();
            match c.sink {
                Some(sink) => {
                    sink.commit()?;
                    let _ = rustix::fs::fremovexattr(fd, format!("{STREAM_PREFIX}{name}:$DATA").as_str());
                }
                None => store_stream(file, &name, &c.acc)?,
            }
        }
        BACKUP_SECURITY_DATA if security => {
            let (uid, gid, mode, named) = parse_security_descriptor_with(&c.acc).ok_or_else(|| eio(API))?;
            if uid.is_some() || gid.is_some() {
                let to_uid = uid.map(uid_of);
                let to_gid = gid.map(gid_of);
                match rustix::fs::fchown(fd, to_uid, to_gid) {
                    Ok(()) | Err(Errno::PERM) => {} // owners are restored where permitted
                    Err(e) => return Err(Error::new(e.into(), API)),
                }
            }
            if let Some(mode) = mode {
                let st = fstat(fd).api(API)?;
                let m = (st.st_mode & 0o7000) | (mode & 0o777);
                rustix::fs::fchmod(fd, rustix::fs::Mode::from_raw_mode(m)).api(API)?;
                if !named.is_empty() {
                    // Other users and groups: a POSIX access ACL (its mask becomes the
                    // mode's group bits, as the kernel keeps them).
                    let value = posix_acl_value(mode & 0o777, &named);
                    let flags = rustix::fs::XattrFlags::empty();
                    rustix::fs::fsetxattr(fd, "system.posix_acl_access", &value, flags).api(API)?;
                }
            }
        }
        BACKUP_REPARSE_DATA => restore_symlink(file, &c.acc)?,
        _ => {} // records without a Linux meaning (object ids, property data) are skipped
    }
    Ok(())
}

fn uid_of(u: u32) -> rustix::process::Uid {
    rustix::process::Uid::from_raw(u)
}
fn gid_of(g: u32) -> rustix::process::Gid {
    rustix::process::Gid::from_raw(g)
}

/// BACKUP_REPARSE_DATA of a symbolic link: the handle's name becomes that link
/// (created beside it, then renamed over it; the handle keeps the old file).
fn restore_symlink(file: &File, data: &[u8]) -> Result<()> {
    const API: &str = "BackupWrite";
    let u16_at = |i: usize| data.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let tag = data.get(..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if tag != Some(crate::consts::IO_REPARSE_TAG_SYMLINK) {
        return Err(Error::new(Win32Error::NOT_SUPPORTED, API));
    }
    let (off, len) = (u16_at(8).ok_or_else(|| eio(API))?, u16_at(10).ok_or_else(|| eio(API))?);
    let flags = data.get(16..20).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok_or_else(|| eio(API))?;
    let raw = data.get(20 + off..20 + off + len).ok_or_else(|| eio(API))?;
    let units: Vec<u16> = raw.chunks(2).map(|c| u16::from_le_bytes([c[0], c.get(1).copied().unwrap_or(0)])).collect();
    let sub = String::from_utf16(&units).map_err(|_| eio(API))?;
    let target = if flags & 1 != 0 {
        sub.replace('\\', "/")
    } else {
        let win = sub.strip_prefix(r"\??\").unwrap_or(&sub);
        if win.starts_with('/') {
            win.to_string()
        } else {
            crate::path::resolve(win, false).api(API)?.linux.to_string_lossy().into_owned()
        }
    };
    let path = file.path();
    let dir = path.parent().ok_or_else(|| eio(API))?;
    let tmp = dir.join(format!(".winfile-reparse-{}-{}", std::process::id(), new_token()));
    rustix::fs::symlink(target.as_str(), &tmp).api(API)?;
    if let Err(e) = rustix::fs::rename(&tmp, path) {
        let _ = rustix::fs::unlink(&tmp);
        return Err(Error::new(e.into(), API));
    }
    Ok(())
}

/// `BackupWrite`—restores the file from backup stream bytes `data` (records may be
/// split across calls anywhere): returns (bytes taken, context). `abort` frees the
/// context; `security` applies BACKUP_SECURITY_DATA (owner and group where permitted,
/// the mode's permission bits from the DACL).
///
/// # Linux mechanism
/// pwrite(2) for data and sparse blocks (ftruncate(2) makes the holes), fsetxattr(2)
/// for EAs (`user.<name>`) and named streams (`user.DosStream.<name>:$DATA`, Samba's
/// layout), fchown(2)/fchmod(2) for security, symlink(2)+rename(2) for reparse data.
pub fn backup_write(h: Handle, data: &[u8], abort: bool, security: bool, ctx: u64) -> Result<(usize, u64)> {
    const API: &str = "BackupWrite";
    let file = file_of(h, API)?;
    let slot = file.ext_or_default::<BackupSlot>();
    if abort {
        slot.0.locked().remove(&ctx);
        return Ok((0, 0));
    }
    if !file.can_write() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let (mut writer, token) = match take_ctx(&slot, ctx, API)? {
        None => (Writer::default(), new_token()),
        Some(Ctx::Write(w)) => (w, ctx),
        Some(other) => {
            slot.0.locked().insert(ctx, other);
            return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
        }
    };
    let r = writer.write(&file, data, security);
    slot.0.locked().insert(token, Ctx::Write(writer));
    Ok((r?, token))
}
