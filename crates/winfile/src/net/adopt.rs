//! Socket handle adoption: how a Linux socket descriptor becomes a winfile handle.
//!
//! **Values never collide.** winfile handle values start at 2^32 (see `handle::table`),
//! and Linux descriptor numbers are below 2^31, so a value is one or the other by its
//! range alone: a stale winfile handle is never taken for a descriptor, nor the reverse.
//!
//! **Adoption.** Where a HANDLE or SOCKET is taken, a value in the descriptor range that
//! names a socket of this process (a `socket.socket`'s `fileno()`) is *adopted*: winfile
//! makes a handle over its own duplicate of the descriptor (an overlapped handle, kind
//! FILE_TYPE_PIPE as Windows reports for sockets) and ties it to the number, as
//! `_get_osfhandle` does. The same number gives the same handle while it refers to the
//! same socket; once the caller closes (or reuses) the number, the handle is stale: its
//! next use, or the reactor's sweep (every 100 ms), closes it, which completes its
//! pending I/O with ERROR_OPERATION_ABORTED (995) and lets go of the duplicate.
//!
//! **The tie, and who may vouch for it.** A number passed as a number is checked on
//! every use (`handle::osf`: one getsockopt(2) SO_COOKIE, or kcmp(2)). A caller that
//! passes the *object owning the number* (an [`Owner`]: the binding's `socket.socket`)
//! may spare that system call: the owner rule is that an open socket object is the
//! owner of its number, and closing or detaching it through the object turns its
//! `fileno()` into -1 for good, so the same live object naming the same number has not
//! let go of it. The adoption remembers the owner that last passed the full check (the
//! binding keeps a weak reference to the object, a typed extension on the adopted
//! file, never a strong one: the program still drops and closes its sockets); when the
//! same object names the same number again it vouches and the check is skipped, and any
//! other object, a number passed as an int, or a first use runs the full check, which
//! records the new owner once it passes. What the rule cannot see is a number closed or
//! replaced behind its owner's back (`os.close(n)`, `os.dup2(m, n)`, a second object
//! made with `socket.socket(fileno=n)`, an object re-initialised in place by calling its
//! `__init__` again): that already breaks the socket module itself (the owner then
//! closes a number it no longer owns), and is not supported with the object; the
//! number passed as an int is still checked every time, and the reactor's sweep still
//! runs the full check of every adoption every 100 ms.
//!
//! **Cost.** The number → adoption table is one word per number read with one atomic
//! load (`by_fd`), then the handle table's lookup, then the owner's vouch (a lock-free
//! read of the handle's extension and a weak reference compared by identity): some
//! 30 ns a call instead of 280 with the tie's system call (`resolution_cost` below).
//!
//! **CloseHandle** on an adopted socket ends winfile's adoption only (its duplicate, its
//! port association, its pending I/O: 995); the caller's descriptor stays open, since
//! the Python socket object owns it and closes it itself.
//!
//! # Safety
//! The only `unsafe` borrows a descriptor number of the caller for fstat/dup; a closed
//! number yields EBADF.
#![allow(unsafe_code)]

use crate::consts::{FILE_FLAG_OVERLAPPED, FILE_GENERIC_READ, FILE_GENERIC_WRITE};
use crate::error::{Error, Result, Win32Error};
use crate::handle::{self, Fd, FibHasher, File, FileKind, Handle, PathStyle};
use crate::poison::{MutexExt, RwLockExt};
use rustix::fs::{fstat, FileType};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::os::fd::{BorrowedFd, RawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, RwLock};

/// descriptor number → the handle adopting it, read on every socket call and written
/// at adoptions and closes: numbers below [`DIRECT`] (all of them, in practice: the
/// kernel hands out the lowest free number) have one word each, read with one atomic
/// load and no lock; larger ones go to a map. 0 (never a handle value) is no adoption.
mod by_fd {
    use super::*;

    /// How many numbers have a word of their own (128 KiB of zeroed memory, touched
    /// only where numbers are used).
    pub(super) const DIRECT: usize = 1 << 14;
    static DIRECT_WORDS: [AtomicU64; DIRECT] = [const { AtomicU64::new(0) }; DIRECT];
    /// Numbers from [`DIRECT`] on.
    static SPILL: LazyLock<RwLock<HashMap<RawFd, Handle, BuildHasherDefault<FibHasher<0>>>>> =
        LazyLock::new(|| RwLock::new(HashMap::default()));
    /// Held by every change (the check-then-adopt of a number is one step); its value:
    /// one past the highest direct number ever adopted (what the sweep scans).
    static WRITER: Mutex<usize> = Mutex::new(0);

    /// The handle adopting `fd`, if any (no lock for a direct number).
    pub(super) fn get(fd: RawFd) -> Option<Handle> {
        let raw = match DIRECT_WORDS.get(fd as usize) {
            Some(w) => w.load(Ordering::Acquire),
            None => SPILL.read_locked().get(&fd).map_or(0, |h| h.raw()),
        };
        (raw != 0).then_some(Handle::from_raw(raw))
    }

    /// The right to change the table.
    pub(super) fn writer() -> MutexGuard<'static, usize> {
        WRITER.locked()
    }

    /// Records (`Some`) or forgets (`None`) the adoption of `fd`.
    pub(super) fn set(w: &mut MutexGuard<'static, usize>, fd: RawFd, h: Option<Handle>) {
        let raw = h.map_or(0, Handle::raw);
        match DIRECT_WORDS.get(fd as usize) {
            Some(word) => {
                word.store(raw, Ordering::Release);
                if raw != 0 {
                    **w = (**w).max(fd as usize + 1);
                }
            }
            None if raw != 0 => {
                SPILL.write_locked().insert(fd, Handle::from_raw(raw));
            }
            None => {
                SPILL.write_locked().remove(&fd);
            }
        }
    }

    /// Every adoption: (number, handle).
    pub(super) fn all() -> Vec<(RawFd, Handle)> {
        let high = *writer();
        let mut v: Vec<(RawFd, Handle)> = (0..high as RawFd).filter_map(|fd| get(fd).map(|h| (fd, h))).collect();
        v.extend(SPILL.read_locked().iter().map(|(&fd, &h)| (fd, h)));
        v
    }
}

/// How many full tie checks socket resolution ran (tests: the owner's vouch is taken).
static TIE_CHECKS: AtomicU64 = AtomicU64::new(0);

/// The object a caller passed for a SOCKET when it is more than a number: the owner of
/// the descriptor number while it is open (see the module docs for the rule). The core
/// knows nothing of what it is; the binding implements it for `socket.socket`.
pub trait Owner {
    /// Whether this owner is the one [`Owner::verified`] last recorded on the adoption
    /// `file` (and still names its number): the tie check is then skipped.
    fn vouches(&self, file: &File) -> bool;
    /// The full tie check of `file` passed for this owner (or `file` was just adopted
    /// from it): records it as the owner to vouch next time. Called with no lock held.
    fn verified(&self, file: &File);
}

/// A SOCKET argument: the descriptor number, and the object that owns it if the caller
/// passed one (a plain number is checked on every use).
#[derive(Clone, Copy)]
pub struct Sock<'a> {
    raw: u64,
    owner: Option<&'a dyn Owner>,
}

impl<'a> Sock<'a> {
    /// The number `raw` as passed by `owner` (its `fileno()` at the call).
    pub fn owned(raw: u64, owner: &'a dyn Owner) -> Self {
        Sock { raw, owner: Some(owner) }
    }
}

impl From<u64> for Sock<'_> {
    fn from(raw: u64) -> Self {
        Sock { raw, owner: None }
    }
}

/// The descriptor number a raw value names, if it is in the descriptor range (winfile
/// handles are ≥ 2^32; 0 is the NULL handle).
fn descriptor(raw: u64) -> Option<RawFd> {
    i32::try_from(raw).ok().filter(|&fd| fd > 0)
}

/// The handle for `raw` if it is a socket descriptor of this process, adopting it at the
/// first use; `None` for any other value (winfile handles, other descriptors, closed
/// numbers), which the caller then treats as a handle value. A number passed with its
/// owner object ([`Sock::owned`]) may spare the tie check (see the module docs).
///
/// # Linux mechanism
/// fstat(2) S_ISSOCK, F_DUPFD_CLOEXEC; on each later use the tie of `osf`: one
/// getsockopt(2) SO_COOKIE compared with the adopted socket's (kcmp(2) on kernels
/// whose cookies are not system-wide), unless the owner vouches.
pub fn resolve<'a>(sock: impl Into<Sock<'a>>) -> Option<Handle> {
    resolve_file(sock.into()).map(|(h, _)| h)
}

/// How the adoption found for a number was checked.
enum Tie {
    /// Its owner vouched for it: nothing to record.
    Vouched,
    /// The full check passed (or it is new): the owner, if any, is recorded.
    Checked,
}

/// The open adoption `h` if it is still tied to its number: vouched for by `owner`, or
/// by the full check (which closes it when stale).
#[inline(always)]
fn tied(h: Handle, owner: Option<&dyn Owner>) -> Option<(Arc<File>, Tie)> {
    let file = handle::get_untied::<File>(h).ok()?;
    if owner.is_some_and(|o| o.vouches(&file)) {
        return Some((file, Tie::Vouched));
    }
    full_check(h, file)
}

/// The tie's full check of the adoption `h` (a system call): out of line, so that the
/// vouched path stays small.
#[inline(never)]
fn full_check(h: Handle, file: Arc<File>) -> Option<(Arc<File>, Tie)> {
    TIE_CHECKS.fetch_add(1, Ordering::Relaxed);
    if handle::Object::is_stale(&*file) {
        // As a lookup through the table would have: the stale handle is closed.
        let _ = handle::close(h);
        return None;
    }
    Some((file, Tie::Checked))
}

/// [`resolve`], with the adopted socket's object (one lookup); an owner passed with the
/// number may spare the tie check (see the module docs).
pub(crate) fn resolve_file(sock: Sock<'_>) -> Option<(Handle, Arc<File>)> {
    let fd = descriptor(sock.raw)?;
    let (h, file, tie) = lookup_or_adopt(fd, sock.owner)?;
    // The owner's bookkeeping runs Python: never under the table's writer lock.
    if let (Tie::Checked, Some(owner)) = (tie, sock.owner) {
        owner.verified(&file);
    }
    Some((h, file))
}

#[inline(always)]
fn lookup_or_adopt(fd: RawFd, owner: Option<&dyn Owner>) -> Option<(Handle, Arc<File>, Tie)> {
    // The common case, a number still naming the socket adopted for it: the tie is
    // checked (a system call, unless vouched for) with no lock held.
    let known = by_fd::get(fd);
    if let Some(h) = known {
        if let Some((file, tie)) = tied(h, owner) {
            return Some((h, file, tie));
        }
    }
    adopt(fd, owner, known)
}

/// [`lookup_or_adopt`] for a number with no live adoption yet (`known`: the one seen
/// before the lock, stale): adopts it under the writer lock, unless another thread
/// did meanwhile.
#[cold]
#[inline(never)]
fn adopt(fd: RawFd, owner: Option<&dyn Owner>, known: Option<Handle>) -> Option<(Handle, Arc<File>, Tie)> {
    let mut w = by_fd::writer();
    match by_fd::get(fd) {
        // Another thread adopted the number meanwhile.
        Some(h) if Some(h) != known => {
            if let Some((file, tie)) = tied(h, owner) {
                return Some((h, file, tie));
            }
            by_fd::set(&mut w, fd, None);
        }
        // Stale: the lookup above closed it; a new adoption is made below.
        Some(_) => by_fd::set(&mut w, fd, None),
        None => {}
    }
    // SAFETY: borrowed only to duplicate it; a closed number yields EBADF.
    let own = rustix::io::fcntl_dupfd_cloexec(unsafe { BorrowedFd::borrow_raw(fd) }, 0).ok()?;
    let st = fstat(&own).ok()?;
    if FileType::from_raw_mode(st.st_mode) != FileType::Socket {
        return None;
    }
    let path = PathBuf::from(format!("socket:[{}]", st.st_ino));
    let access = FILE_GENERIC_READ | FILE_GENERIC_WRITE;
    let file =
        Arc::new(File::new(Fd::new(own), access, 7, FILE_FLAG_OVERLAPPED, path, PathStyle::Unix, FileKind::Pipe));
    file.tie_crt(fd);
    // ReadFile/WriteFile with an OVERLAPPED wait for readiness in the reactor.
    file.ext_or_insert_with(|| crate::engine::PerformerSlot(Arc::new(super::sendrecv::ReactorJobs)));
    let h = handle::insert(file.clone());
    by_fd::set(&mut w, fd, Some(h));
    Some((h, file, Tie::Checked))
}

/// The adopted socket named by `sock` (a descriptor number, with its owner object if
/// the caller passed one); WSAENOTSOCK for anything else, a closed socket (-1) or a
/// winfile handle included, as Winsock answers.
///
/// # Linux mechanism
/// As [`resolve`]; the SO_COOKIE / kcmp(2) tie check is skipped when the owner vouches.
pub(crate) fn socket<'a>(sock: impl Into<Sock<'a>>, api: &'static str) -> Result<(Handle, Arc<File>)> {
    resolve_file(sock.into()).ok_or(Error::new(Win32Error::WSAENOTSOCK, api))
}

/// Closes the adoptions whose descriptor the caller closed or reused since their last
/// use (run by the reactor every 100 ms): their I/O completes with 995 and winfile's
/// duplicate goes, so the peer sees the close. Always the full tie check, whoever
/// vouched for the adoption last.
pub(crate) fn sweep() {
    for (fd, h) in by_fd::all() {
        // The lookup closes a stale handle.
        if handle::get::<File>(h).is_err() {
            let mut w = by_fd::writer();
            if by_fd::get(fd) == Some(h) {
                by_fd::set(&mut w, fd, None);
            }
        }
    }
}

/// How many descriptors are adopted (tests: nothing leaks).
pub fn adopted_count() -> usize {
    by_fd::all().len()
}

/// How many full tie checks (SO_COOKIE / kcmp system calls) socket resolution has run
/// in this process (tests: an owner's vouch spares them; the reactor's sweep is not
/// counted).
pub fn tie_checks() -> u64 {
    TIE_CHECKS.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlapped::{Lent, Overlapped, Submit};
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

    /// Makes descriptor number `number` refer to what `to` refers to (the caller's
    /// close-and-reuse, in one step) without letting go of `number` afterwards.
    fn reuse(number: RawFd, to: BorrowedFd<'_>) {
        // SAFETY: `number` is open in the test and stays owned by its socket object.
        let mut n = std::mem::ManuallyDrop::new(unsafe { OwnedFd::from_raw_fd(number) });
        rustix::io::dup2(to, &mut n).unwrap();
    }

    #[test]
    fn a_reused_number_is_never_the_old_socket() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (peer_a, _) = lst.accept().unwrap();
        let b = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (peer_b, _) = lst.accept().unwrap();
        let n = a.as_raw_fd();
        let (h1, _) = socket(n as u64, "test").unwrap();
        assert_eq!(resolve(n as u64), Some(h1), "still the same socket: the same handle");
        // A receive pending on the old socket when its number is reused.
        let ol = Arc::new(Overlapped::new());
        let submit = Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None };
        super::super::wsa_recv(n as u64, Lent::new(vec![0u8; 4]), 0, submit).unwrap();
        reuse(n, b.as_fd());
        let (h2, file) = socket(n as u64, "test").unwrap();
        assert_ne!(h2, h1, "another socket behind the number: another adoption");
        assert!(handle::get::<File>(h1).is_err(), "the old adoption is closed");
        assert_eq!(ol.wait().unwrap().0, Win32Error::OPERATION_ABORTED, "its pending I/O ends with 995");
        // The new adoption is the new socket: what it sends reaches b's peer.
        rustix::net::send(file.fd(), b"new", rustix::net::SendFlags::empty()).unwrap();
        let mut got = [0u8; 3];
        std::io::Read::read_exact(&mut &peer_b, &mut got).unwrap();
        assert_eq!(&got, b"new");
        drop(peer_a);
        // A number that now names a file, or nothing, is not a socket at all.
        let devnull = std::fs::File::open("/dev/null").unwrap();
        reuse(n, devnull.as_fd());
        assert_eq!(resolve(n as u64), None);
        assert!(handle::get::<File>(h2).is_err());
        drop(a); // closes number n (now /dev/null's)
    }

    /// A test owner: `id` recorded on the adoption it verified (an extension, as the
    /// binding's weak reference), and how many times the full check passed for it.
    struct TestOwner {
        id: u64,
        verified: std::sync::atomic::AtomicUsize,
    }

    #[derive(Default)]
    struct Recorded(AtomicU64);
    impl handle::Extension for Recorded {}

    impl TestOwner {
        fn new(id: u64) -> Self {
            TestOwner { id, verified: Default::default() }
        }
        /// How many full checks ran for this owner so far.
        fn checks(&self) -> usize {
            self.verified.load(Ordering::SeqCst)
        }
    }

    impl Owner for TestOwner {
        fn vouches(&self, file: &File) -> bool {
            file.with_ext::<Recorded, _>(|r| r.is_some_and(|r| r.0.load(Ordering::SeqCst) == self.id))
        }
        fn verified(&self, file: &File) {
            self.verified.fetch_add(1, Ordering::SeqCst);
            file.ext_or_default::<Recorded>().0.store(self.id, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_owner_that_passed_the_check_vouches_and_no_other() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let n = a.as_raw_fd() as u64;
        let (one, two) = (TestOwner::new(1), TestOwner::new(2));
        let (h, _) = socket(Sock::owned(n, &one), "test").unwrap();
        assert_eq!(one.checks(), 1, "adopted for the first owner: recorded");
        let before = tie_checks();
        for _ in 0..3 {
            assert_eq!(socket(Sock::owned(n, &one), "test").unwrap().0, h);
        }
        assert_eq!(one.checks(), 1, "the recorded owner vouches: no check, nothing recorded");
        // Another owner (another object with the same number) runs the full check and is
        // recorded; the first then no longer vouches.
        assert_eq!(socket(Sock::owned(n, &two), "test").unwrap().0, h);
        assert_eq!(two.checks(), 1);
        assert_eq!(socket(Sock::owned(n, &one), "test").unwrap().0, h);
        assert_eq!(one.checks(), 2);
        // A plain number never skips the check.
        assert_eq!(socket(n, "test").unwrap().0, h);
        assert!(tie_checks() >= before + 3, "two owners' checks and the number's");
        handle::close(h).unwrap();
    }

    #[test]
    fn a_vouch_holds_for_one_adoption_and_the_sweep_still_checks() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (_peer_a, _) = lst.accept().unwrap();
        let b = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (peer_b, _) = lst.accept().unwrap();
        let n = a.as_raw_fd();
        let owner = TestOwner::new(7);
        let (h1, _) = socket(Sock::owned(n as u64, &owner), "test").unwrap();
        // A receive pending on the old socket when its number is reused behind the owner.
        let ol = Arc::new(Overlapped::new());
        let submit = Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None };
        super::super::wsa_recv(Sock::owned(n as u64, &owner), Lent::new(vec![0u8; 4]), 0, submit).unwrap();
        assert_eq!(owner.checks(), 1);
        reuse(n, b.as_fd());
        // The sweep runs the full check whoever vouched: the old adoption closes.
        sweep();
        assert!(handle::get::<File>(h1).is_err(), "the sweep closed the stale adoption");
        assert_eq!(ol.wait().unwrap().0, Win32Error::OPERATION_ABORTED, "its pending I/O ends with 995");
        // The owner's record went with the old adoption: the new one is checked, then
        // recorded, and is the new socket.
        let (h2, file) = socket(Sock::owned(n as u64, &owner), "test").unwrap();
        assert_ne!(h2, h1);
        assert_eq!(owner.checks(), 2, "a new adoption: checked and recorded again");
        rustix::net::send(file.fd(), b"new", rustix::net::SendFlags::empty()).unwrap();
        let mut got = [0u8; 3];
        std::io::Read::read_exact(&mut &peer_b, &mut got).unwrap();
        assert_eq!(&got, b"new");
        // A closed number is not vouched for: the owner's number is -1 then, and -1 is
        // never a descriptor.
        assert!(socket(Sock::owned(u64::MAX, &owner), "test").is_err());
        handle::close(h2).unwrap();
        drop(a); // closes number n (now b's duplicate)
    }

    #[test]
    fn a_stale_adoption_is_replaced_when_a_number_comes_without_its_owner() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let b = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let n = a.as_raw_fd();
        let owner = TestOwner::new(9);
        let (h1, _) = socket(Sock::owned(n as u64, &owner), "test").unwrap();
        reuse(n, b.as_fd());
        let before = tie_checks();
        let (h2, _) = socket(n as u64, "test").unwrap();
        assert!(tie_checks() > before, "a number passed alone is checked");
        assert_ne!(h2, h1, "and the reuse seen");
        assert!(handle::get::<File>(h1).is_err());
        assert!(!owner.vouches(&handle::get::<File>(h2).unwrap()), "nothing recorded on the new adoption");
        handle::close(h2).unwrap();
        drop(a);
    }

    #[test]
    fn numbers_past_the_direct_words_are_adopted_too() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let other = TcpListener::bind("127.0.0.1:0").unwrap();
        let Ok(big) = rustix::io::fcntl_dupfd_cloexec(&lst, by_fd::DIRECT as RawFd) else {
            return; // a descriptor limit below DIRECT: no such number here
        };
        let n = big.as_raw_fd();
        assert!(n as usize >= by_fd::DIRECT);
        let (h, _) = socket(n as u64, "test").unwrap();
        assert_eq!(resolve(n as u64), Some(h));
        assert!(by_fd::all().contains(&(n, h)));
        reuse(n, other.as_fd());
        let h2 = resolve(n as u64).unwrap();
        assert_ne!(h2, h, "the reuse is seen past the direct words too");
        assert!(handle::get::<File>(h).is_err());
        drop(big);
        sweep();
        assert!(!by_fd::all().iter().any(|&(fd, _)| fd == n), "the sweep forgot the closed number");
        assert!(handle::get::<File>(h2).is_err());
    }

    /// Nanoseconds per call of each step of a socket's resolution (not a test: run with
    /// `cargo test --release -p winfile --lib resolution_cost -- --ignored --nocapture`).
    #[test]
    #[ignore]
    #[allow(clippy::print_stdout)] // its report is its output
    fn resolution_cost() {
        use std::time::Instant;
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let n = a.as_raw_fd();
        let owner = TestOwner::new(3);
        let (h, file) = socket(Sock::owned(n as u64, &owner), "bench").unwrap();
        const N: u32 = 2_000_000;
        let time = |name: &str, f: &mut dyn FnMut()| {
            let t = Instant::now();
            for _ in 0..N {
                f();
            }
            println!("{name:28} {:6.1} ns", t.elapsed().as_nanos() as f64 / f64::from(N));
        };
        time("by_fd lookup", &mut || {
            std::hint::black_box(by_fd::get(std::hint::black_box(n)));
        });
        time("handle table (untied)", &mut || {
            std::hint::black_box(handle::get_untied::<File>(std::hint::black_box(h)).unwrap());
        });
        time("test owner's vouch", &mut || {
            std::hint::black_box(owner.vouches(&file));
        });
        time("tie check (is_stale)", &mut || {
            std::hint::black_box(handle::Object::is_stale(&*file));
        });
        time("resolution, vouched", &mut || {
            std::hint::black_box(socket(Sock::owned(n as u64, &owner), "bench").unwrap());
        });
        time("resolution, a number", &mut || {
            std::hint::black_box(socket(n as u64, "bench").unwrap());
        });
        handle::close(h).unwrap();
    }

    #[test]
    fn sockets_are_tied_by_cookie_where_cookies_are_system_wide() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let (_, file) = socket(lst.as_raw_fd() as u64, "test").unwrap();
        let cookie = file.tie_cookie();
        let netns_known = {
            let mut v = 0u64;
            let mut len = 8 as libc::socklen_t;
            // SAFETY: at most 8 bytes into a local u64.
            unsafe { libc::getsockopt(lst.as_raw_fd(), libc::SOL_SOCKET, 71, (&raw mut v).cast(), &mut len) == 0 }
        };
        if netns_known {
            assert_eq!(cookie, rustix::net::sockopt::socket_cookie(&lst).unwrap());
        } else {
            assert_eq!(cookie, 0, "kcmp where the kernel's cookies may repeat");
        }
    }
}
