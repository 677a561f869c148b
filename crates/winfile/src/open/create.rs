//! `CreateFileW`: dispositions, access checks, flags, attributes on create.

use crate::consts::*;
use crate::error::{not_found_for, Context, Error, Result, Win32Error};
use crate::handle::{self, Fd, File, FileKind, Handle};
use crate::info;
use crate::lock::share::{self, Refused, Token};
use crate::path::{self, Resolved};
use rustix::fs::{fadvise, ftruncate, linkat, openat, statat, Advice, AtFlags, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::access::{granted_access, DATA_READ, DATA_WRITE};

const API: &str = "CreateFileW";

/// Arguments of `CreateFileW`, as Windows takes them.
#[derive(Clone, Debug, Default)]
pub struct CreateParams {
    /// dwDesiredAccess.
    pub access: u32,
    /// dwShareMode.
    pub share: u32,
    /// dwCreationDisposition.
    pub disposition: u32,
    /// dwFlagsAndAttributes.
    pub flags_and_attributes: u32,
    /// SECURITY_ATTRIBUTES.bInheritHandle.
    pub inherit: bool,
}

/// The file as found before opening it.
struct Existing {
    is_dir: bool,
    attributes: u32,
    /// st_mode says a delete-pending marker may be set (see `lock::share`).
    maybe_marked: bool,
}

/// `CreateFileW`—opens or creates a file, directory or device and returns its handle.
///
/// # Linux mechanism
/// `openat` with O_CREAT|O_EXCL for creation (race-free dispositions), one open file
/// description per handle; READONLY/HIDDEN/SYSTEM checks from the DOS attributes; share
/// tokens (OFD locks) checked and taken before any truncation (`lock::share`). A new
/// FILE_FLAG_DELETE_ON_CLOSE file is created unnamed (O_TMPFILE), marked, then named
/// with linkat, so a killed process leaves no ordinary file behind.
pub fn create_file(name: &str, params: &CreateParams) -> Result<Handle> {
    create_file_noting(name, params).map(|(h, _)| h)
}

/// [`create_file`], also telling whether the file existed before the call (what
/// Windows reports through the last error: ERROR_ALREADY_EXISTS after OPEN_ALWAYS or
/// CREATE_ALWAYS found the file, 0 otherwise). A device counts as not created.
///
/// # Linux mechanism
/// As [`create_file`].
pub fn create_file_noting(name: &str, params: &CreateParams) -> Result<(Handle, bool)> {
    crate::txnlog::recover_once(); // first touch: finish or discard crashed transactions
    match create_file_once(name, params) {
        // A handle whose CRT descriptor was closed is closed too: then try again.
        Err(e) if e.code() == Win32Error::SHARING_VIOLATION && handle::close_stale() => create_file_once(name, params),
        r => r,
    }
}

fn create_file_once(name: &str, params: &CreateParams) -> Result<(Handle, bool)> {
    let flags = params.flags_and_attributes;
    if !(CREATE_NEW..=TRUNCATE_EXISTING).contains(&params.disposition) {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    if crate::pipe::is_pipe_name(name) {
        return crate::pipe::open_client(name, granted_access(params.access), flags).map(|h| (h, false));
    }
    if let Some(split) = crate::stream::name::split(name) {
        let (base, stream) = split.map_err(|code| Error::new(code, API))?;
        if stream.is_empty() {
            return create_file_once(&base, params); // `file::$DATA`: the file itself
        }
        return super::stream::open_stream(&base, &stream, params).map(|h| (h, false));
    }
    if crate::mailslot::is_client_name(name) {
        return crate::mailslot::open_client(name, granted_access(params.access), params.share, flags)
            .map(|h| (h, false));
    }
    let exact = flags & FILE_FLAG_POSIX_SEMANTICS != 0;
    // The name as spelt first (no lookups): when it exists exactly, the case-insensitive
    // walk would return it unchanged, and the fast open below needs no other stat.
    let mut resolved = path::resolve(name, true).api(API)?;
    let mut access = granted_access(params.access);
    if flags & FILE_FLAG_DELETE_ON_CLOSE != 0 {
        access |= DELETE; // CreateFileW asks for it on the caller's behalf
    }
    if params.disposition == TRUNCATE_EXISTING && access & FILE_WRITE_DATA == 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    // A device is never deleted on close: the flag names the file, and a device is not one.
    let flags = if resolved.device.is_some() { flags & !FILE_FLAG_DELETE_ON_CLOSE } else { flags };
    let mut existed = false;
    let (fd, kind, access, token) = if resolved.device.is_some() {
        let (fd, kind) = open_device(&resolved, access, params)?;
        (fd, kind, access, None)
    } else if let Some(done) = open_fast(&resolved.linux, access, params) {
        existed = true;
        done?
    } else {
        if !exact && resolved.style == path::PathStyle::Windows {
            resolved = path::resolve(name, false).api(API)?;
        }
        open_file(&resolved, access, params, &mut existed)?
    };
    advise(&fd, flags);
    let file = File::new(Fd::new(fd), access, params.share, flags, resolved.linux, resolved.style, kind);
    crate::lock::set_token(&file, token);
    if resolved.device.as_ref().is_some_and(is_com_device) {
        crate::comm::port::on_open(&file, API)?;
    }
    Ok((handle::insert(Arc::new(file)), existed))
}

/// `COMn` (and `AUX`, which is COM1): a serial port.
fn is_com_device(d: &path::DosDevice) -> bool {
    match d {
        path::DosDevice::Other(n) => {
            n == "AUX" || (n.len() > 3 && n.starts_with("COM") && n[3..].bytes().all(|b| b.is_ascii_digit()))
        }
        _ => false,
    }
}

fn open_device(r: &Resolved, access: u32, p: &CreateParams) -> Result<(OwnedFd, FileKind)> {
    let mut oflags = base_oflags(access, p);
    if r.device.as_ref().is_some_and(is_com_device) {
        // A serial port never blocks its open on carrier detect; transfers wait in poll(2).
        oflags |= OFlags::NONBLOCK | OFlags::NOCTTY;
    }
    let fd = match openat(CWD, &r.linux, oflags, Mode::empty()) {
        // Another program holds the port exclusively (TIOCEXCL).
        Err(Errno::BUSY) if r.device.as_ref().is_some_and(is_com_device) => {
            return Err(Error::new(Win32Error::ACCESS_DENIED, API))
        }
        other => other.api(API)?,
    };
    Ok((fd, FileKind::Char))
}

type Opened = (OwnedFd, FileKind, u32, Option<Token>);

/// Takes the share token for a freshly opened descriptor (see `lock::share`). `None`
/// means the file was an orphaned delete-pending file that this call just deleted: the
/// caller looks the name up again.
fn token_for(
    fd: &OwnedFd,
    readable: bool,
    access: u32,
    p: &CreateParams,
    path: &Path,
    marked: bool,
) -> Result<Option<Option<Token>>> {
    let doc = p.flags_and_attributes & FILE_FLAG_DELETE_ON_CLOSE != 0;
    match Token::acquire(fd.as_fd(), readable, access, p.share, doc, path, marked) {
        Ok(t) => Ok(Some(t)),
        Err(Refused::Deleted) => Ok(None),
        Err(r) => Err(Error::new(r.code(), API)),
    }
}

/// The common case in fewer syscalls: an existing non-directory opened without
/// truncation. Opens first and learns everything from one `fstat` of the descriptor
/// (the slow path stats the name, opens, then stats the descriptor for its kind).
/// `None` sends the caller to the general path, which redoes the lookup from scratch:
/// any failure, a directory, a delete-pending orphan just removed. Opening before the
/// READONLY check is harmless: nothing is truncated, and the descriptor is closed
/// at once when the check refuses.
fn open_fast(path: &Path, asked: u32, p: &CreateParams) -> Option<Result<Opened>> {
    if !matches!(p.disposition, OPEN_EXISTING | OPEN_ALWAYS)
        || p.flags_and_attributes & FILE_FLAG_OPEN_REPARSE_POINT != 0
        || p.access & MAXIMUM_ALLOWED != 0
    {
        return None;
    }
    let oflags = base_oflags(asked, p);
    let fd = open_direct_or_not(path, oflags, Mode::empty()).ok()?;
    let st = rustix::fs::fstat(&fd).ok()?;
    let ftype = FileType::from_raw_mode(st.st_mode);
    if ftype == FileType::Directory {
        return None;
    }
    let found = Existing {
        is_dir: false,
        attributes: if info::is_readonly_mode(st.st_mode) { FILE_ATTRIBUTE_READONLY } else { 0 },
        maybe_marked: crate::lock::share::maybe_marked(st.st_mode),
    };
    if let Err(e) = check_existing(&found, asked, p) {
        return Some(Err(e));
    }
    let readable = oflags & OFlags::RWMODE != OFlags::WRONLY;
    let token = match token_for(&fd, readable, asked, p, path, found.maybe_marked) {
        Ok(Some(token)) => token,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok((fd, kind_of_type(ftype), asked, token)))
}

fn open_file(r: &Resolved, asked: u32, p: &CreateParams, existed: &mut bool) -> Result<Opened> {
    let path = r.linux.as_path();
    let attrs = p.flags_and_attributes & 0xFFFF;
    loop {
        let mut access = asked;
        match existing(path, p)? {
            Some(found) => {
                // A file whose delete-on-close holder died is gone for Windows: finish
                // its delete rather than let CREATE_NEW fail on it (the other
                // dispositions finish it when they take their token).
                if p.disposition == CREATE_NEW && found.maybe_marked && share::reap_at(CWD, path, path) {
                    continue;
                }
                if p.access & MAXIMUM_ALLOWED != 0 && found.attributes & FILE_ATTRIBUTE_READONLY != 0 {
                    access &= !DATA_WRITE; // the most a read-only file allows
                }
                check_existing(&found, access, p)?;
                let (fd, readable) = match open_existing(path, &found, access, p) {
                    Err(e) if e.code() == Win32Error::FILE_NOT_FOUND => continue, // raced with a delete
                    other => other?,
                };
                // The sharing check comes before any truncation.
                let Some(token) = token_for(&fd, readable, access, p, path, found.maybe_marked)? else { continue };
                if !found.is_dir {
                    truncate_if_asked(&fd, path, p.disposition, attrs, found.attributes)?;
                }
                let kind = if found.is_dir { FileKind::Directory } else { kind_of(&fd) };
                *existed = true;
                return Ok((fd, kind, access, token));
            }
            None if matches!(p.disposition, OPEN_EXISTING | TRUNCATE_EXISTING) => {
                return Err(Error::new(not_found_for(path), API));
            }
            None => {
                if p.flags_and_attributes & FILE_FLAG_DELETE_ON_CLOSE != 0 {
                    match create_unnamed(path, access, p, attrs) {
                        Unnamed::Done(opened) => return opened,
                        Unnamed::Exists => continue, // raced with a create: re-evaluate
                        Unnamed::Unsupported => {}
                    }
                }
                let oflags = base_oflags(access, p) | OFlags::CREATE | OFlags::EXCL;
                match open_direct_or_not(path, oflags, Mode::from_bits_truncate(0o666)) {
                    Ok(fd) => {
                        let readable = base_oflags(access, p) & OFlags::RWMODE != OFlags::WRONLY;
                        let Some(token) = token_for(&fd, readable, access, p, path, false)? else { continue };
                        info::init_new_file(fd.as_fd(), path, attrs).api(API)?;
                        return Ok((fd, FileKind::Disk, access, token));
                    }
                    Err(Errno::EXIST) => continue, // raced with a create: re-evaluate
                    Err(Errno::NOENT | Errno::NOTDIR) => return Err(Error::new(not_found_for(path), API)),
                    Err(e) => return Err(Error::new(e.into(), API)),
                }
            }
        }
    }
}

/// What [`create_unnamed`] did.
enum Unnamed {
    /// Created and named (or failed for good).
    Done(Result<Opened>),
    /// The name appeared meanwhile; nothing was created.
    Exists,
    /// The file system (or the sandbox) cannot create and then name an unnamed file.
    Unsupported,
}

/// Whether `create_unnamed` can work here (cleared for the process the first time an
/// unnamed file cannot be given a name, e.g. no CAP_DAC_READ_SEARCH and /proc refuses).
static LINKABLE: AtomicBool = AtomicBool::new(true);

/// A delete-on-close file created so that a crash at any point leaves nothing that
/// survives: the file is created unnamed (O_TMPFILE) in the target directory and takes
/// its share token and delete-pending marker while nobody can see it; only then does it
/// get its name (linkat), which fails rather than replace an existing one. Killed before
/// the link, the kernel frees the inode; after it, the name carries the marker and the
/// first winfile open or listing that finds no holder deletes it. The unnamed
/// descriptor keeps the token; the handle's own is opened by the new name (so that
/// /proc shows the name) with the access asked. See docs/share-and-locks.md,
/// "Delete-on-close through a crash".
fn create_unnamed(path: &Path, access: u32, p: &CreateParams, attrs: u32) -> Unnamed {
    if !LINKABLE.load(Ordering::Relaxed) || path.as_os_str().as_bytes().ends_with(b"/") {
        return Unnamed::Unsupported;
    }
    let dir = match path.parent() {
        Some(d) if d.as_os_str().is_empty() => Path::new("."),
        Some(d) => d,
        None => return Unnamed::Unsupported,
    };
    let tmp_flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC | OFlags::NOCTTY;
    let tmp = match openat(CWD, dir, tmp_flags, Mode::from_bits_truncate(0o666)) {
        Ok(fd) => fd,
        // Not a directory, or a file system without O_TMPFILE: the ordinary path decides.
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT | Errno::NOTDIR) => {
            return Unnamed::Unsupported
        }
        Err(e) => return Unnamed::Done(Err(Error::new(e.into(), API))),
    };
    // Nobody else can see the file: no conflict is possible.
    let mut token = match Token::acquire(tmp.as_fd(), true, access, p.share, true, path, false) {
        Ok(token) => token,
        Err(r) => return Unnamed::Done(Err(Error::new(r.code(), API))),
    };
    match link_unnamed(&tmp, path) {
        Ok(()) => {}
        Err(Errno::EXIST) => return Unnamed::Exists,
        // The directory went away meanwhile (or /proc is missing): the ordinary path
        // reports it.
        Err(Errno::NOENT | Errno::NOTDIR) => return Unnamed::Unsupported,
        Err(e) => {
            log::debug!("naming an unnamed file failed ({e}): delete-on-close files are created by name");
            LINKABLE.store(false, Ordering::Relaxed);
            return Unnamed::Unsupported;
        }
    }
    // From here the name exists, marked and held by `tmp`'s token: a failure deletes it.
    let opened = open_linked(&tmp, path, base_oflags(access, p))
        .and_then(|fd| info::init_new_file(fd.as_fd(), path, attrs).map(|()| fd).map_err(|c| Error::new(c, API)));
    match opened {
        Ok(fd) => {
            if let Some(t) = token.as_mut() {
                t.hold(tmp);
            }
            Unnamed::Done(Ok((fd, FileKind::Disk, access, token)))
        }
        Err(e) => {
            match token.as_mut() {
                Some(t) => t.release(tmp.as_fd(), path),
                None => {
                    let _ = rustix::fs::unlinkat(CWD, path, AtFlags::empty());
                }
            }
            Unnamed::Done(Err(e))
        }
    }
}

/// The handle's descriptor of a file just named from `tmp`: opened by its name, or
/// through /proc when the name no longer leads to it.
fn open_linked(tmp: &OwnedFd, path: &Path, oflags: OFlags) -> Result<OwnedFd> {
    let ino = rustix::fs::fstat(tmp).map(|st| (st.st_dev, st.st_ino)).api(API)?;
    if let Ok(fd) = open_direct_or_not(path, oflags, Mode::empty()) {
        if rustix::fs::fstat(&fd).is_ok_and(|st| (st.st_dev, st.st_ino) == ino) {
            return Ok(fd);
        }
    }
    open_direct_or_not(Path::new(&proc_fd(tmp)), oflags, Mode::empty()).api(API)
}

fn proc_fd(fd: &OwnedFd) -> String {
    format!("/proc/self/fd/{}", fd.as_raw_fd())
}

/// Gives the unnamed file `fd` the name `path`; EEXIST if the name exists. AT_EMPTY_PATH
/// needs CAP_DAC_READ_SEARCH; the /proc/self/fd link is the unprivileged way.
fn link_unnamed(fd: &OwnedFd, path: &Path) -> std::result::Result<(), Errno> {
    match linkat(fd, "", CWD, path, AtFlags::EMPTY_PATH) {
        Ok(()) => Ok(()),
        Err(Errno::EXIST) => Err(Errno::EXIST),
        // ENOENT is also what a caller without the capability gets.
        Err(_) => linkat(CWD, proc_fd(fd).as_str(), CWD, path, AtFlags::SYMLINK_FOLLOW),
    }
}

fn existing(path: &Path, p: &CreateParams) -> Result<Option<Existing>> {
    let at = if p.flags_and_attributes & FILE_FLAG_OPEN_REPARSE_POINT != 0 {
        AtFlags::SYMLINK_NOFOLLOW
    } else {
        AtFlags::empty()
    };
    match statat(CWD, path, at) {
        Ok(st) => {
            let is_dir = FileType::from_raw_mode(st.st_mode) == FileType::Directory;
            // READONLY is the absence of every write bit (see `info`); the stored DOS
            // bits are needed only when CREATE_ALWAYS must check HIDDEN/SYSTEM.
            let mut attributes = if info::is_readonly_mode(st.st_mode) { FILE_ATTRIBUTE_READONLY } else { 0 };
            if p.disposition == CREATE_ALWAYS && !is_dir {
                attributes |= info::query_path(path).map(|i| i.attributes).unwrap_or(0);
            }
            let maybe_marked = crate::lock::share::maybe_marked(st.st_mode);
            Ok(Some(Existing { is_dir, attributes, maybe_marked }))
        }
        Err(Errno::NOENT) => Ok(None),
        Err(Errno::NOTDIR) => Err(Error::new(not_found_for(path), API)),
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

/// Windows' refusals for an existing name, before anything is opened or truncated.
fn check_existing(found: &Existing, access: u32, p: &CreateParams) -> Result<()> {
    let deny = |code| Err(Error::new(code, API));
    if p.disposition == CREATE_NEW {
        return deny(Win32Error::FILE_EXISTS);
    }
    if found.is_dir {
        if p.flags_and_attributes & FILE_FLAG_BACKUP_SEMANTICS == 0
            || matches!(p.disposition, CREATE_ALWAYS | TRUNCATE_EXISTING)
        {
            return deny(Win32Error::ACCESS_DENIED);
        }
        return Ok(());
    }
    let readonly = found.attributes & FILE_ATTRIBUTE_READONLY != 0;
    let writes = access & DATA_WRITE != 0
        || matches!(p.disposition, CREATE_ALWAYS | TRUNCATE_EXISTING)
        || p.flags_and_attributes & FILE_FLAG_DELETE_ON_CLOSE != 0;
    if readonly && writes {
        return deny(Win32Error::ACCESS_DENIED);
    }
    // CREATE_ALWAYS over a HIDDEN or SYSTEM file must name those attributes again.
    let guarded = found.attributes & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM);
    if p.disposition == CREATE_ALWAYS && guarded & !p.flags_and_attributes != 0 {
        return deny(Win32Error::ACCESS_DENIED);
    }
    Ok(())
}

/// Opens an existing name; also says whether the descriptor is readable (O_PATH and
/// write-only ones are not).
fn open_existing(path: &Path, found: &Existing, access: u32, p: &CreateParams) -> Result<(OwnedFd, bool)> {
    let mut oflags = base_oflags(access, p);
    if found.is_dir {
        oflags = (oflags - OFlags::RWMODE - OFlags::DIRECT - OFlags::DSYNC - OFlags::APPEND)
            | OFlags::RDONLY
            | OFlags::DIRECTORY;
    }
    if p.flags_and_attributes & FILE_FLAG_OPEN_REPARSE_POINT != 0 {
        oflags |= OFlags::NOFOLLOW;
    }
    let readable = oflags & OFlags::RWMODE != OFlags::WRONLY;
    match open_direct_or_not(path, oflags, Mode::empty()) {
        Ok(fd) => Ok((fd, readable)),
        Err(Errno::LOOP) if oflags.contains(OFlags::NOFOLLOW) => {
            openat(CWD, path, OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty())
                .map(|fd| (fd, false))
                .api(API)
        }
        Err(Errno::ACCESS) if access & (DATA_READ | DATA_WRITE) == 0 => {
            // Attribute-only opens need no data access: an O_PATH descriptor serves.
            openat(CWD, path, OFlags::PATH | OFlags::CLOEXEC, Mode::empty()).map(|fd| (fd, false)).api(API)
        }
        Err(Errno::NOENT) => Err(Error::new(Win32Error::FILE_NOT_FOUND, API)),
        Err(e) => Err(Error::new(e.into(), API)),
    }
}

/// openat; where the file system refuses O_DIRECT (EINVAL), opens buffered instead —
/// FILE_FLAG_NO_BUFFERING's alignment rules are still enforced by `io`.
fn open_direct_or_not(path: &Path, oflags: OFlags, mode: Mode) -> std::result::Result<OwnedFd, Errno> {
    match openat(CWD, path, oflags, mode) {
        Err(Errno::INVAL) if oflags.contains(OFlags::DIRECT) => {
            log::debug!("O_DIRECT refused for {path:?}; alignment still enforced");
            openat(CWD, path, oflags - OFlags::DIRECT, mode)
        }
        other => other,
    }
}

fn truncate_if_asked(fd: &OwnedFd, path: &Path, disposition: u32, attrs: u32, old: u32) -> Result<()> {
    match disposition {
        CREATE_ALWAYS => {
            ftruncate(fd, 0).api(API)?;
            // Overwriting keeps HIDDEN/SYSTEM it was asked to and adds the new bits.
            let keep = old & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM);
            info::init_new_file(fd.as_fd(), path, attrs | keep).api(API)
        }
        TRUNCATE_EXISTING => {
            ftruncate(fd, 0).api(API)?;
            info::mark_archive(fd.as_fd(), path).api(API)
        }
        _ => Ok(()),
    }
}

/// Linux open flags for a Windows access mask and flag set.
fn base_oflags(access: u32, p: &CreateParams) -> OFlags {
    let read = access & DATA_READ != 0;
    let write = access & FILE_WRITE_DATA != 0;
    let append_only = access & FILE_APPEND_DATA != 0 && !write;
    let mut o = match (read, write || append_only) {
        (_, false) => OFlags::RDONLY,
        (false, true) => OFlags::WRONLY,
        (true, true) => OFlags::RDWR,
    };
    if append_only {
        o |= OFlags::APPEND;
    }
    if !p.inherit {
        o |= OFlags::CLOEXEC;
    }
    let f = p.flags_and_attributes;
    if f & FILE_FLAG_WRITE_THROUGH != 0 {
        o |= OFlags::DSYNC;
    }
    if f & FILE_FLAG_NO_BUFFERING != 0 {
        o |= OFlags::DIRECT;
    }
    o | OFlags::NOCTTY
}

fn advise(fd: &OwnedFd, flags: u32) {
    let advice = if flags & FILE_FLAG_SEQUENTIAL_SCAN != 0 {
        Advice::Sequential
    } else if flags & FILE_FLAG_RANDOM_ACCESS != 0 {
        Advice::Random
    } else {
        return;
    };
    if let Err(e) = fadvise(fd, 0, None, advice) {
        log::debug!("fadvise refused: {e}");
    }
}

fn kind_of(fd: &OwnedFd) -> FileKind {
    match rustix::fs::fstat(fd) {
        Ok(st) => kind_of_type(FileType::from_raw_mode(st.st_mode)),
        Err(_) => FileKind::Disk,
    }
}

fn kind_of_type(ftype: FileType) -> FileKind {
    match ftype {
        FileType::CharacterDevice => FileKind::Char,
        FileType::Fifo | FileType::Socket => FileKind::Pipe,
        FileType::Directory => FileKind::Directory,
        _ => FileKind::Disk,
    }
}
