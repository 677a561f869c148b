//! Share modes and delete-on-close across handles and processes, with no daemon.
//!
//! Every handle with a token holds OFD read locks on reserved bytes near 2^63 (see
//! [`BASE`]): one byte per data access it has, one per access it refuses to share, an
//! "open" byte, and an "armed" byte while it carries FILE_FLAG_DELETE_ON_CLOSE. An open
//! is checked by probing those bytes with `F_OFD_GETLK`, inside `flock(LOCK_EX)` on the
//! same descriptor so that check-and-take is atomic across processes. The kernel drops
//! the locks when the descriptor goes, so a killed process leaves nothing behind.
//!
//! Delete-on-close is a marker xattr on the inode (`user.winfile.delpend`, value: the
//! name to delete) set when such a handle opens. Whoever releases its token afterwards
//! checks the marker and, when no other description still holds the "open" byte,
//! deletes the name. A marker with nobody armed but holders left means delete pending;
//! a marker with no holders at all means the last holder died: the next user finishes.

use super::ofd::{self, Kind};
use crate::consts::{DELETE, FILE_APPEND_DATA, FILE_EXECUTE, FILE_READ_DATA, FILE_WRITE_DATA};
use crate::consts::{FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE};
use crate::error::Win32Error;
use rustix::fs::{flock, FlockOperation, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// First reserved byte: share tokens live in `[BASE, BASE + 8)`; byte-range locks are
/// clipped below it.
pub(crate) const BASE: u64 = (1 << 63) - 64;
const LEN: u64 = 8;

// Access classes (as masks of the three that take part in sharing).
const READ: u8 = 1 << 0;
const WRITE: u8 = 1 << 1;
const DEL: u8 = 1 << 2;

// Token bytes, ordered so that the common handles (read and/or write, sharing read
// and/or write) hold one contiguous run: one F_OFD_SETLK.
const B_WRITE: u8 = 1 << 0;
const B_READ: u8 = 1 << 1;
const OPEN: u8 = 1 << 2;
const B_DENY_DEL: u8 = 1 << 3;
const B_DENY_WRITE: u8 = 1 << 4;
const B_DENY_READ: u8 = 1 << 5;
const B_DEL: u8 = 1 << 6;
const ARMED: u8 = 1 << 7;

/// The "I have this access" bytes for a class mask.
fn access_bytes(classes: u8) -> u8 {
    let mut b = 0;
    if classes & READ != 0 {
        b |= B_READ;
    }
    if classes & WRITE != 0 {
        b |= B_WRITE;
    }
    if classes & DEL != 0 {
        b |= B_DEL;
    }
    b
}

/// The "I refuse to share this access" bytes for a class mask.
fn deny_bytes(classes: u8) -> u8 {
    let mut b = 0;
    if classes & READ != 0 {
        b |= B_DENY_READ;
    }
    if classes & WRITE != 0 {
        b |= B_DENY_WRITE;
    }
    if classes & DEL != 0 {
        b |= B_DENY_DEL;
    }
    b
}

const MARKER: &str = "user.winfile.delpend";

/// Why an open could not get its token.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Another handle's access or share mode conflicts (ERROR_SHARING_VIOLATION).
    Sharing,
    /// The file is delete-pending (ERROR_ACCESS_DENIED, as STATUS_DELETE_PENDING maps).
    DeletePending,
    /// A transaction changed the file (ERROR_TRANSACTIONAL_CONFLICT): it holds the
    /// transaction byte and refuses write and delete to everyone else.
    Transactional,
    /// The file was delete-pending and its last holder had died: this call finished the
    /// delete, so the caller should look the name up again.
    Deleted,
}

impl Refused {
    pub(crate) fn code(&self) -> Win32Error {
        match self {
            Refused::Sharing => Win32Error::SHARING_VIOLATION,
            Refused::Transactional => Win32Error::TRANSACTIONAL_CONFLICT,
            Refused::DeletePending => Win32Error::ACCESS_DENIED,
            Refused::Deleted => Win32Error::FILE_NOT_FOUND,
        }
    }
}

/// The access classes of a mask that take part in sharing.
fn access_bits(access: u32) -> u8 {
    let mut b = 0;
    if access & (FILE_READ_DATA | FILE_EXECUTE) != 0 {
        b |= READ;
    }
    if access & (FILE_WRITE_DATA | FILE_APPEND_DATA) != 0 {
        b |= WRITE;
    }
    if access & DELETE != 0 {
        b |= DEL;
    }
    b
}

fn share_bits(share: u32) -> u8 {
    let mut b = 0;
    if share & FILE_SHARE_READ != 0 {
        b |= READ;
    }
    if share & FILE_SHARE_WRITE != 0 {
        b |= WRITE;
    }
    if share & FILE_SHARE_DELETE != 0 {
        b |= DEL;
    }
    b
}

/// Calls `f(start, len)` for each run of consecutive set bits of `mask`.
fn runs(mask: u8, mut f: impl FnMut(u64, u64) -> Result<bool, Errno>) -> Result<bool, Errno> {
    let mut i = 0u64;
    while i < 8 {
        if mask & (1 << i) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < 8 && mask & (1 << i) != 0 {
            i += 1;
        }
        if f(BASE + start, i - start)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// How many runs of consecutive set bits `mask` has (F_OFD_GETLK calls to probe it).
fn run_count(mask: u8) -> u32 {
    (mask & !(mask << 1)).count_ones()
}

/// Whether another description holds any of the bytes in `mask`.
fn held_by_others(fd: BorrowedFd<'_>, mask: u8) -> Result<bool, Errno> {
    runs(mask, |start, len| ofd::conflicts(fd, Kind::Write, start, len))
}

/// The per-handle share token: the locks it holds and the descriptor holding them.
pub(crate) struct Token {
    /// A separate descriptor when the handle's own cannot carry read locks.
    own: Option<OwnedFd>,
    bits: u8,
    /// The handle carries FILE_FLAG_DELETE_ON_CLOSE but no marker could be stored.
    unmarked_doc: bool,
}

/// Serialises token changes on one inode across processes; released on drop. None
/// where flock(2) is emulated with byte-range locks (see [`flock_is_emulated`]).
struct Serial<'a>(Option<BorrowedFd<'a>>);

impl<'a> Serial<'a> {
    fn take(fd: BorrowedFd<'a>) -> Result<Self, Errno> {
        if flock_is_emulated(fd) {
            return Ok(Serial(None));
        }
        loop {
            match flock(fd, FlockOperation::LockExclusive) {
                Ok(()) => return Ok(Serial(Some(fd))),
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Serial<'_> {
    fn drop(&mut self) {
        if let Some(fd) = self.0 {
            let _ = flock(fd, FlockOperation::Unlock);
        }
    }
}

/// Whether flock(2) on this file becomes a whole-file POSIX write lock on a server (NFS,
/// whose client emulates flock so unless mounted `local_lock=flock`; CIFS/SMB since
/// Linux 5.5). That lock would conflict with every other open file description's share
/// token (read locks near 2^63), so a serialised open or a DeleteFile would wait until
/// every other handle of the file closed — for ever when the caller holds one. There
/// opens and name operations go unserialised: take-then-probe still sees every
/// conflicting token (two racing conflicting opens may then both get 32), and the
/// delete-pending checks are not ordered against each other (docs/across-machines.md).
fn flock_is_emulated(fd: BorrowedFd<'_>) -> bool {
    const NFS: u64 = 0x6969;
    const CIFS: u64 = 0xFF53_4D42;
    const SMB2: u64 = 0xFE53_4D42;
    rustix::fs::fstatfs(fd).is_ok_and(|s| matches!(s.f_type as u64, NFS | CIFS | SMB2))
}

/// A descriptor of the same file that can carry read locks: the handle's own when it is
/// readable, else a fresh read-only open of the same inode through /proc.
fn token_fd(main: BorrowedFd<'_>, main_readable: bool) -> Result<Option<OwnedFd>, Errno> {
    if main_readable {
        return Ok(None);
    }
    reopen(main, OFlags::RDONLY).map(Some)
}

/// Opens the inode behind `fd` again, as a new open file description.
pub(crate) fn reopen(fd: BorrowedFd<'_>, mode: OFlags) -> Result<OwnedFd, Errno> {
    use std::os::fd::AsRawFd;
    let proc = format!("/proc/self/fd/{}", fd.as_raw_fd());
    rustix::fs::openat(CWD, proc.as_str(), mode | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK, Mode::empty())
}

fn read_marker(fd: BorrowedFd<'_>) -> Option<PathBuf> {
    let mut buf = [0u8; 4096];
    match rustix::fs::fgetxattr(fd, MARKER, &mut buf) {
        Ok(n) => Some(PathBuf::from(OsStr::from_bytes(&buf[..n]))),
        Err(Errno::RANGE) => Some(PathBuf::new()),
        Err(_) => None,
    }
}

/// Removes the name of the file behind `fd` — the one in the marker, else `own` — if it
/// still names that very file; the marker goes too when other links remain. False when
/// the unlink failed (a directory that is not empty, no permission): the name stays.
fn finish_delete(fd: BorrowedFd<'_>, marked: &Path, own: &Path) -> bool {
    let Ok(st) = rustix::fs::fstat(fd) else {
        return false;
    };
    for path in [marked, own] {
        if path.as_os_str().is_empty() {
            continue;
        }
        match rustix::fs::statat(CWD, path, rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
            Ok(s) if s.st_dev == st.st_dev && s.st_ino == st.st_ino => {
                let dir = rustix::fs::FileType::from_raw_mode(s.st_mode).is_dir();
                let flags = if dir { rustix::fs::AtFlags::REMOVEDIR } else { rustix::fs::AtFlags::empty() };
                return match rustix::fs::unlinkat(CWD, path, flags) {
                    Ok(()) => {
                        if s.st_nlink > 1 {
                            unmark(fd);
                        }
                        true
                    }
                    Err(e) => {
                        log::debug!("delete-on-close of {path:?} failed: {e}");
                        false
                    }
                };
            }
            _ => continue,
        }
    }
    true // no name leads to it any more
}

/// Clears the marker and its hint (under the serialisation).
fn unmark(fd: BorrowedFd<'_>) {
    let _ = rustix::fs::fremovexattr(fd, MARKER);
    let _ = set_hint(fd, false);
}

/// Finishes the delete of an orphaned marked file (its last holder died), under the
/// serialisation. True when its name is gone. When the delete cannot be done (a
/// directory that is not empty, as Windows' own delete at close would fail too), the
/// file stops being delete-pending: the marker goes, and it is an ordinary file again.
fn finish_orphan(fd: BorrowedFd<'_>, marked: &Path, own: &Path) -> bool {
    if finish_delete(fd, marked, own) {
        return true;
    }
    unmark(fd);
    false
}

/// What a marked file's state is, seen from a descriptor holding no token bytes of
/// its own that would hide others (OFD probes never see the caller's own locks).
enum Pending {
    /// No marker.
    None,
    /// Marker set and a delete-on-close handle is still open: ordinary share rules.
    Armed,
    /// Marker set, no armed handle, other holders left: new opens are refused.
    Refusing,
    /// Marker set and nobody holds the file: the delete must be finished.
    Orphan(PathBuf),
}

fn pending(fd: BorrowedFd<'_>) -> Pending {
    let Some(marked) = read_marker(fd) else {
        return Pending::None;
    };
    if held_by_others(fd, ARMED).unwrap_or(false) {
        Pending::Armed
    } else if held_by_others(fd, OPEN).unwrap_or(true) {
        Pending::Refusing
    } else {
        Pending::Orphan(marked)
    }
}

impl Token {
    /// Checks a new open of `access`/`share` against every other handle of the file and
    /// takes the token. `main` is the handle's descriptor; `path` its name (for
    /// delete-on-close). A file whose token cannot be opened (no read permission,
    /// O_PATH opens, file systems without locks) gets no token and is not bound.
    pub(crate) fn acquire(
        main: BorrowedFd<'_>,
        main_readable: bool,
        access: u32,
        share: u32,
        delete_on_close: bool,
        path: &Path,
        maybe_marked: bool,
    ) -> Result<Option<Token>, Refused> {
        let own = match token_fd(main, main_readable) {
            Ok(own) => own,
            Err(e) => {
                log::debug!("no share token for {path:?}: {e}");
                return Ok(None);
            }
        };
        let fd = own.as_ref().map_or(main, |o| o.as_fd());
        let taken = take(fd, access, share, delete_on_close, path, maybe_marked)?;
        Ok(taken.map(|(bits, unmarked_doc)| Token { own, bits, unmarked_doc }))
    }

    /// Drops the token's locks; when the file is marked for deletion and no other
    /// description still holds it, deletes it (this was the last handle).
    pub(crate) fn release(&mut self, main: BorrowedFd<'_>, path: &Path) {
        let bits = std::mem::take(&mut self.bits);
        if bits == 0 {
            return;
        }
        // A handle that refuses to share delete and is not delete-on-close itself saw
        // no marker at open (an armed holder would have conflicted, a disarmed one
        // refused the open) and none could be set while it held its token: only an
        // open asking for DELETE sets one, and that open was refused. Nothing to look
        // at: the locks go with the descriptor.
        if bits & B_DENY_DEL != 0 && bits & ARMED == 0 && !self.unmarked_doc {
            return;
        }
        let fd = self.own.as_ref().map_or(main, |o| o.as_fd());
        let doc_now = if self.unmarked_doc { Some(Path::new("")) } else { None };
        drop_bits(fd, path, doc_now);
    }
}

impl Token {
    /// The descriptor holding the token's locks (`main` is the handle's own).
    pub(crate) fn fd<'a>(&'a self, main: BorrowedFd<'a>) -> BorrowedFd<'a> {
        self.own.as_ref().map_or(main, |o| o.as_fd())
    }

    /// Keeps `fd`, the descriptor this token was acquired on, as the one holding its
    /// locks: the handle's own descriptor is then another open (CreateFile's unnamed
    /// delete-on-close creation, see `open::create`).
    pub(crate) fn hold(&mut self, fd: OwnedFd) {
        debug_assert!(self.own.is_none());
        self.own = Some(fd);
    }

    /// Whether this handle carries FILE_FLAG_DELETE_ON_CLOSE.
    pub(crate) fn armed(&self) -> bool {
        self.bits & ARMED != 0 || self.unmarked_doc
    }
}

/// `SetFileInformationByHandle(FileDispositionInfo)`: marks the file behind `fd` (a
/// token descriptor) delete-pending, or clears the mark. Marked with no armed handle,
/// the file refuses new opens and its last handle deletes it, as on Windows. Clearing
/// leaves the mark when a delete-on-close handle is open (its close deletes anyway).
pub(crate) fn set_disposition(fd: BorrowedFd<'_>, path: &Path, delete: bool, own_armed: bool) -> Result<(), Errno> {
    let _serial = Serial::take(fd)?;
    if delete {
        return mark(fd, path);
    }
    if own_armed || held_by_others(fd, ARMED).unwrap_or(false) || read_marker(fd).is_none() {
        return Ok(());
    }
    rustix::fs::fremovexattr(fd, MARKER)?;
    set_hint(fd, false).map(drop)
}

/// Whether the file behind `fd` (a token descriptor) is delete-pending as Windows'
/// FileStandardInfo reports it: marked, and no delete-on-close handle still open
/// (such a handle makes the file pending only when it closes).
pub(crate) fn delete_pending(fd: BorrowedFd<'_>, own_armed: bool) -> bool {
    !own_armed && read_marker(fd).is_some() && !held_by_others(fd, ARMED).unwrap_or(true)
}

/// A marked file was renamed through a handle: the marker names the new path, so the
/// last handle deletes the file under its new name.
pub(crate) fn renamed(fd: BorrowedFd<'_>, new_path: &Path) {
    if read_marker(fd).is_some() {
        let _ = rustix::fs::fsetxattr(fd, MARKER, new_path.as_os_str().as_bytes(), rustix::fs::XattrFlags::empty());
    }
}

/// Releases the token bytes held on `fd`, then finishes a pending delete if nobody
/// else holds the file. Release first, then look: of two concurrent last closers at
/// least one sees the other gone. `unmarked` deletes without looking at a marker.
fn drop_bits(fd: BorrowedFd<'_>, path: &Path, unmarked: Option<&Path>) {
    if let Some(marked) = unmarked {
        let _ = ofd::set(fd, Kind::Unlock, BASE, LEN);
        finish_delete(fd, marked, path);
        return;
    }
    // No marker: the locks go with the descriptor. A marker set after this look comes
    // from a live delete-on-close handle, whose own close does the work.
    if let Some(marked) = read_marker(fd) {
        let _ = ofd::set(fd, Kind::Unlock, BASE, LEN);
        if !held_by_others(fd, OPEN).unwrap_or(true) {
            finish_delete(fd, &marked, path);
        }
    }
}

/// Sets the delete-pending marker (value: `path`) on the file behind `fd`, hint first:
/// a crash between the two leaves a hint without a marker (an ordinary file that costs
/// an xattr read per open), never a marker nobody would look for.
fn mark(fd: BorrowedFd<'_>, path: &Path) -> Result<(), Errno> {
    let had_hint = match set_hint(fd, true) {
        Ok(had) => had,
        Err(e) => {
            log::debug!("no marker hint on {path:?} ({e}): deleting at close");
            return Err(e);
        }
    };
    if let Err(e) = rustix::fs::fsetxattr(fd, MARKER, path.as_os_str().as_bytes(), rustix::fs::XattrFlags::empty()) {
        log::debug!("no delete-pending marker on {path:?} ({e}): deleting at close");
        if !had_hint {
            let _ = set_hint(fd, false);
        }
        return Err(e);
    }
    Ok(())
}

/// The marker's hint, visible in every stat(2) an open already does: S_ISVTX on a
/// regular file (meaningless there to Linux). Directories always have their xattr read.
/// Returns whether the hint was already set.
fn set_hint(fd: BorrowedFd<'_>, on: bool) -> Result<bool, Errno> {
    let st = rustix::fs::fstat(fd)?;
    if rustix::fs::FileType::from_raw_mode(st.st_mode).is_dir() {
        return Ok(true);
    }
    let mode = st.st_mode & 0o7777;
    let had = mode & 0o1000 != 0;
    let new = if on { mode | 0o1000 } else { mode & !0o1000 };
    if new != mode {
        rustix::fs::fchmod(fd, Mode::from_raw_mode(new))?;
    }
    Ok(had)
}

/// Whether a directory entry with this `st_mode` carries the marker's hint: a regular
/// file with S_ISVTX. Listings look only at these (directories are checked when opened
/// or named, not listed).
pub(crate) fn hinted(st_mode: u32) -> bool {
    rustix::fs::FileType::from_raw_mode(st_mode).is_file() && st_mode & 0o1000 != 0
}

/// A listing or an open met `name` (in `dir`; `full` is its whole path) with the
/// marker's hint: if it is delete-pending and nobody holds it any more (its last holder
/// was killed), finishes the delete. Returns true when the name is gone, so the caller
/// shows nothing (a listing) or looks again (an open). Costs an open, a flock and an
/// xattr read; a file that cannot be opened for reading is left as it is.
pub(crate) fn reap_at(dir: BorrowedFd<'_>, name: &Path, full: &Path) -> bool {
    let o = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
    let Ok(fd) = rustix::fs::openat(dir, name, o, Mode::empty()) else {
        return false;
    };
    let Ok(_serial) = Serial::take(fd.as_fd()) else {
        return false;
    };
    let Pending::Orphan(marked) = pending(fd.as_fd()) else {
        return false;
    };
    // A passive look: a delete that fails leaves the marker for the next open to judge.
    finish_delete(fd.as_fd(), &marked, full)
}

/// Whether a file with this `st_mode` may carry a delete-pending marker.
pub(crate) fn maybe_marked(st_mode: u32) -> bool {
    let ftype = rustix::fs::FileType::from_raw_mode(st_mode);
    ftype.is_dir() || st_mode & 0o1000 != 0
}

/// The token bytes of an open, and the bytes whose holders it conflicts with: holders
/// of an access it refuses to share, and refusers of an access it wants.
fn token_and_probe(access: u32, share: u32, doc: bool) -> (u8, u8) {
    let wanted = access_bits(access);
    let refused = !share_bits(share) & (READ | WRITE | DEL);
    let mut bits = OPEN;
    let mut probe = 0;
    if wanted != 0 {
        bits |= access_bytes(wanted) | deny_bytes(refused);
        probe = access_bytes(refused) | deny_bytes(wanted);
    }
    if doc {
        bits |= ARMED;
    }
    (bits, probe)
}

/// Takes `bits` on `fd` (one F_OFD_SETLK per run); false (and nothing held) if refused.
fn take_bits(fd: BorrowedFd<'_>, bits: u8, path: &Path) -> bool {
    match runs(bits, |start, len| ofd::set(fd, Kind::Read, start, len).map(|()| false)) {
        Ok(_) => true,
        Err(e) => {
            log::debug!("share token refused for {path:?}: {e}; not bound");
            let _ = ofd::set(fd, Kind::Unlock, BASE, LEN);
            false
        }
    }
}

/// Whether another description holds a byte of `probe` (our own token, held on `fd`,
/// is invisible to the probe). Several runs first ask whether anybody holds anything at
/// all: one call that usually ends the check.
fn conflicting(fd: BorrowedFd<'_>, probe: u8) -> Result<bool, Errno> {
    if probe == 0 {
        return Ok(false);
    }
    if run_count(probe) > 1 && !held_by_others(fd, 0xFF).unwrap_or(true) {
        return Ok(false);
    }
    held_by_others(fd, probe)
}

/// The share check and token take; returns the bytes taken and whether delete-on-close
/// could not be marked. `Ok(None)`: not bound.
///
/// Every open takes its token *before* probing for conflicting holders, so of two
/// concurrent conflicting opens at least one sees the other (the kernel orders OFD lock
/// calls on an inode). An open of a file that cannot be delete-pending, without
/// delete-on-close, first tries that without the per-inode `flock`: no conflict means
/// done (two syscalls: F_OFD_SETLK, F_OFD_GETLK). On a conflict it lets go of its bytes
/// and runs the serialised path, where a conflict is final. Two conflicting opens may
/// thus both see each other once, but the serialised retry of one of them finds the
/// other gone or holding, so exactly the outcomes of some order of the two remain.
fn take(
    fd: BorrowedFd<'_>,
    access: u32,
    share: u32,
    doc: bool,
    path: &Path,
    maybe_marked: bool,
) -> Result<Option<(u8, bool)>, Refused> {
    let (bits, probe) = token_and_probe(access, share, doc);
    if !maybe_marked && !doc {
        if !take_bits(fd, bits, path) {
            return Ok(None);
        }
        match conflicting(fd, probe) {
            Ok(false) => return Ok(Some((bits, false))),
            Ok(true) => {
                let _ = ofd::set(fd, Kind::Unlock, BASE, LEN);
            }
            Err(e) => {
                log::debug!("share probe failed for {path:?}: {e}; not bound");
                let _ = ofd::set(fd, Kind::Unlock, BASE, LEN);
                return Ok(None);
            }
        }
    }
    let Ok(_serial) = Serial::take(fd) else {
        return Ok(None);
    };
    if !take_bits(fd, bits, path) {
        return Ok(None);
    }
    match conflicting(fd, probe) {
        Ok(true) => {
            let _ = ofd::set(fd, Kind::Unlock, BASE, LEN);
            return Err(if txn_held(fd) { Refused::Transactional } else { Refused::Sharing });
        }
        Ok(false) => {}
        Err(e) => {
            log::debug!("share probe failed for {path:?}: {e}; not bound");
            let _ = ofd::set(fd, Kind::Unlock, BASE, LEN);
            return Ok(None);
        }
    }
    match if maybe_marked { pending(fd) } else { Pending::None } {
        Pending::None | Pending::Armed => {}
        Pending::Refusing => {
            drop_bits(fd, path, None);
            return Err(Refused::DeletePending);
        }
        Pending::Orphan(marked) => {
            if finish_orphan(fd, &marked, path) {
                let _ = ofd::set(fd, Kind::Unlock, BASE, LEN);
                return Err(Refused::Deleted);
            }
        }
    }
    let unmarked = doc && mark(fd, path).is_err();
    Ok(Some((bits, unmarked)))
}

/// Held while a name operation (DeleteFile, MoveFileEx, RemoveDirectory) runs, so that
/// no open slips in between its share check and the operation.
pub(crate) struct NameGuard {
    fd: Option<OwnedFd>,
    /// Whether `fd` holds the flock (not where flock is emulated).
    serialised: bool,
}

impl Drop for NameGuard {
    fn drop(&mut self) {
        if let (Some(fd), true) = (&self.fd, self.serialised) {
            let _ = flock(fd, FlockOperation::Unlock);
        }
    }
}

/// Checks that every open handle of the file at `path` shares delete: the rule for
/// deleting, renaming or replacing a name. Returns a guard to hold across the operation;
/// `deny` is the code for a handle that does not share delete. A symbolic link is the
/// link itself and is not checked.
pub(crate) fn check_name_op(path: &Path, dir: bool, deny: Win32Error) -> Result<NameGuard, Win32Error> {
    let mut o = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
    if dir {
        o |= OFlags::DIRECTORY;
    }
    let fd = match rustix::fs::openat(CWD, path, o, Mode::empty()) {
        Ok(fd) => fd,
        Err(_) => return Ok(NameGuard { fd: None, serialised: false }), // cannot be checked: not bound
    };
    let serialised = match Serial::take(fd.as_fd()) {
        Ok(serial) => {
            let held = serial.0.is_some();
            std::mem::forget(serial);
            held
        }
        Err(_) => return Ok(NameGuard { fd: None, serialised: false }),
    };
    let guard = NameGuard { fd: Some(fd), serialised };
    let Some(fd) = guard.fd.as_ref().map(|f| f.as_fd()) else {
        return Ok(guard);
    };
    if held_by_others(fd, B_DENY_DEL).unwrap_or(false) {
        return Err(if txn_held(fd) { Win32Error::TRANSACTIONAL_CONFLICT } else { deny });
    }
    match pending(fd) {
        Pending::None | Pending::Armed => Ok(guard),
        Pending::Refusing => Err(Win32Error::ACCESS_DENIED),
        Pending::Orphan(marked) if finish_orphan(fd, &marked, path) => Err(Win32Error::FILE_NOT_FOUND),
        Pending::Orphan(_) => Ok(guard),
    }
}

/// The transaction byte: past the eight token bytes, still in the range byte-range locks
/// never reach. A transaction that changed a file holds it (an OFD read lock) with the
/// "write not shared" and "delete not shared" bytes for as long as it is active.
const TXN: u64 = BASE + LEN;

/// Whether a transaction (of any process) holds the file behind `fd`. Only asked after
/// a share conflict, so ordinary opens never pay for it.
fn txn_held(fd: BorrowedFd<'_>) -> bool {
    ofd::conflicts(fd, Kind::Write, TXN, 1).unwrap_or(false)
}

/// Claims the file behind `fd` (a read-only descriptor the transaction keeps) for a
/// transaction: takes the transaction byte and refuses write and delete to others, then
/// probes. Another transaction holding it: ERROR_TRANSACTIONAL_CONFLICT; another handle
/// open for writing or deleting: ERROR_SHARING_VIOLATION. Nothing stays held on failure.
pub(crate) fn txn_claim(fd: BorrowedFd<'_>) -> Result<(), Win32Error> {
    let serial = Serial::take(fd).map_err(|_| Win32Error::NOT_SUPPORTED)?;
    let bits = deny_bytes(WRITE | DEL);
    let take = ofd::set(fd, Kind::Read, TXN, 1)
        .and_then(|()| runs(bits, |start, len| ofd::set(fd, Kind::Read, start, len).map(|()| false)).map(|_| ()));
    if take.is_err() {
        txn_release(fd);
        return Err(Win32Error::NOT_SUPPORTED);
    }
    let r = if txn_held(fd) {
        Err(Win32Error::TRANSACTIONAL_CONFLICT)
    } else if held_by_others(fd, access_bytes(WRITE | DEL)).unwrap_or(false) {
        Err(Win32Error::SHARING_VIOLATION)
    } else {
        Ok(())
    };
    if r.is_err() {
        txn_release(fd);
    }
    drop(serial);
    r
}

/// Lets go of a transaction's claim (commit or rollback finished).
pub(crate) fn txn_release(fd: BorrowedFd<'_>) {
    let _ = ofd::set(fd, Kind::Unlock, BASE, LEN + 1);
}

#[cfg(test)]
mod serial_tests {
    use super::*;

    #[test]
    fn local_files_are_serialised_with_flock() {
        let path = std::env::temp_dir().join(format!("winfile-serial-{}", std::process::id()));
        let a = std::fs::File::create(&path).unwrap();
        let b = std::fs::File::open(&path).unwrap();
        assert!(!flock_is_emulated(a.as_fd()), "the temporary directory is not on NFS or CIFS here");
        let serial = Serial::take(a.as_fd()).unwrap();
        assert!(serial.0.is_some());
        assert_eq!(flock(&b, FlockOperation::NonBlockingLockExclusive), Err(Errno::WOULDBLOCK));
        drop(serial);
        assert_eq!(flock(&b, FlockOperation::NonBlockingLockExclusive), Ok(()));
        let _ = std::fs::remove_file(&path);
    }
}
