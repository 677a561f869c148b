//! The per-user pipe namespace, shared by every process of the user without a daemon.
//!
//! Layout, under the runtime base of the DOS device table (`$XDG_RUNTIME_DIR`, else
//! `${TMPDIR:-/tmp}/winfile-<uid>`, else a private cache directory; see
//! `path::runtime`), in `winfile/pipe/` (mode 0700):
//!
//! - one directory per pipe, named by a 64-bit FNV-1a hash of the case-folded name
//!   (socket paths stay far below the 108 bytes of `sun_path`);
//! - in it, `meta`: the pipe's type, instance limit, buffer sizes and default timeout,
//!   written by the process that creates the first live instance;
//! - per instance `<pid>-<n>.lk`, a file its owner holds `flock(LOCK_EX)` on for the
//!   instance's life: an instance is alive exactly while the lock is held, so a killed
//!   server's instances stop counting at once (the next look removes their files);
//! - per listening instance `<pid>-<n>.s`, its AF_UNIX listening socket (backlog 0:
//!   one queued client fills it, the next connect gets EAGAIN: busy).
//!
//! Every change of the directory (creating an instance, a client's connect, a server's
//! accept) happens under `flock(LOCK_EX)` on the directory itself, so "listening",
//! "busy" and the instance count are consistent across processes. Sockets are reached
//! through `/proc/self/fd/<dirfd>/<file>`.

use super::name::PipeName;
use crate::error::Win32Error;
use crate::path::{private_dir, runtime_base, DirState};
use rustix::fs::{flock, openat, unlinkat, AtFlags, FlockOperation, Mode, OFlags};
use rustix::io::Errno;
use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// What the first instance's creator fixed for the pipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Meta {
    /// PIPE_TYPE_MESSAGE (SOCK_SEQPACKET) rather than bytes (SOCK_STREAM).
    pub message: bool,
    pub max_instances: u32,
    pub out_size: u32,
    pub in_size: u32,
    /// nDefaultTimeOut in ms (WaitNamedPipe's NMPWAIT_USE_DEFAULT_WAIT).
    pub timeout: u32,
}

impl Meta {
    fn encode(&self) -> String {
        let t = if self.message { 'm' } else { 'b' };
        format!("{t} {} {} {} {}\n", self.max_instances, self.out_size, self.in_size, self.timeout)
    }

    fn decode(s: &str) -> Option<Meta> {
        let mut it = s.split_whitespace();
        let message = match it.next()? {
            "m" => true,
            "b" => false,
            _ => return None,
        };
        let mut num = || it.next().and_then(|v| v.parse::<u32>().ok());
        Some(Meta { message, max_instances: num()?, out_size: num()?, in_size: num()?, timeout: num()? })
    }
}

/// The socket type of a pipe's data channel.
pub(crate) fn socket_type(message: bool) -> SocketType {
    if message {
        SocketType::SEQPACKET
    } else {
        SocketType::STREAM
    }
}

/// A new non-blocking, close-on-exec AF_UNIX socket.
pub(crate) fn new_socket(message: bool) -> Result<OwnedFd, Errno> {
    rustix::net::socket_with(
        AddressFamily::UNIX,
        socket_type(message),
        SocketFlags::CLOEXEC | SocketFlags::NONBLOCK,
        None,
    )
}

/// `winfile/pipe` under the runtime base, made (0700) when `create`. Looked up on each
/// use (a few stat calls), as the drive table is: the environment decides.
fn root(create: bool) -> Option<PathBuf> {
    let base = runtime_base(create)?;
    let winfile = base.join("winfile");
    let pipe = winfile.join("pipe");
    if private_dir(&winfile, create) != DirState::Private || private_dir(&pipe, create) != DirState::Private {
        return None;
    }
    Some(pipe)
}

/// FNV-1a, 64 bits: the directory name of a pipe key.
fn hash(key: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

/// One pipe's directory, opened for one operation (its own open file description, so
/// its `flock` excludes every other operation, in this process too).
pub(crate) struct PipeDir {
    dir: OwnedFd,
    path: PathBuf,
}

/// The directory lock, released on drop.
pub(crate) struct Locked<'a>(&'a PipeDir);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = flock(&self.0.dir, FlockOperation::Unlock);
    }
}

/// How a client's connect went.
pub(crate) enum Connect {
    Connected(OwnedFd),
    /// Instances exist but none is listening with room: ERROR_PIPE_BUSY.
    Busy,
    /// No live instance: ERROR_FILE_NOT_FOUND.
    NoPipe,
}

impl PipeDir {
    /// The directory of pipe `key`; `None` when it does not exist (and not `create`).
    pub(crate) fn open(key: &str, create: bool) -> Result<Option<PipeDir>, Win32Error> {
        let Some(root) = root(create) else {
            return if create { Err(Win32Error::ACCESS_DENIED) } else { Ok(None) };
        };
        let path = root.join(hash(key));
        if create {
            match private_dir(&path, true) {
                DirState::Private => {}
                _ => return Err(Win32Error::ACCESS_DENIED),
            }
        }
        match openat(
            rustix::fs::CWD,
            &path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW,
            Mode::empty(),
        ) {
            Ok(dir) => Ok(Some(PipeDir { dir, path })),
            Err(Errno::NOENT) if !create => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The directory for a parsed name: remote names have none (ERROR_BAD_NETPATH).
    pub(crate) fn for_name(name: &PipeName, create: bool) -> Result<Option<PipeDir>, Win32Error> {
        match name {
            PipeName::Local(key) => Self::open(key, create),
            PipeName::Remote => Err(Win32Error::BAD_NETPATH),
        }
    }

    /// Takes the directory lock (waits for other processes' short critical sections).
    pub(crate) fn lock(&self) -> Locked<'_> {
        loop {
            match flock(&self.dir, FlockOperation::LockExclusive) {
                Err(Errno::INTR) => continue,
                _ => return Locked(self),
            }
        }
    }

    fn proc_path(&self, file: &str) -> String {
        format!("/proc/self/fd/{}/{file}", self.dir.as_raw_fd())
    }

    /// The pipe's fixed parameters, if an instance ever wrote them.
    pub(crate) fn meta(&self, _l: &Locked<'_>) -> Option<Meta> {
        let s = std::fs::read_to_string(self.proc_path("meta")).ok()?;
        Meta::decode(&s)
    }

    fn write_meta(&self, meta: &Meta) -> Result<(), Win32Error> {
        let fd = openat(
            &self.dir,
            "meta",
            OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )?;
        rustix::io::write(&fd, meta.encode().as_bytes())?;
        Ok(())
    }

    /// The instance ids in the directory (`.lk` files), the stale ones removed.
    fn live(&self, _l: &Locked<'_>) -> Vec<String> {
        let mut ids = Vec::new();
        let Ok(entries) = std::fs::read_dir(format!("/proc/self/fd/{}", self.dir.as_raw_fd())) else { return ids };
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".lk")) else { continue };
            if self.instance_alive(id) {
                ids.push(id.to_string());
            } else {
                let _ = unlinkat(&self.dir, format!("{id}.s"), AtFlags::empty());
                let _ = unlinkat(&self.dir, format!("{id}.lk"), AtFlags::empty());
            }
        }
        ids
    }

    /// Whether the owner of instance `id` still holds its lock.
    fn instance_alive(&self, id: &str) -> bool {
        let Ok(fd) = openat(&self.dir, format!("{id}.lk"), OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else {
            return false;
        };
        match flock(&fd, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => false,
            Err(_) => true,
        }
    }

    /// How many instances of the pipe exist (GetNamedPipeHandleState's count).
    pub(crate) fn count(&self) -> u32 {
        let l = self.lock();
        u32::try_from(self.live(&l).len()).unwrap_or(u32::MAX)
    }

    /// Creates an instance (CreateNamedPipe): checks the limit and FIRST_PIPE_INSTANCE
    /// against the live instances, fixes the pipe's parameters with its first instance,
    /// and starts listening. Returns the instance, its listening socket and the meta
    /// in force.
    /// `None` when the directory went away meanwhile (open it again and retry).
    pub(crate) fn create_instance(
        &self,
        want: Meta,
        first_only: bool,
    ) -> Result<Option<(Instance, OwnedFd, Meta)>, Win32Error> {
        let l = self.lock();
        if self.removed() {
            return Ok(None);
        }
        let live = self.live(&l);
        let meta = if live.is_empty() {
            self.write_meta(&want)?;
            want
        } else {
            if first_only {
                return Err(Win32Error::ACCESS_DENIED);
            }
            let meta = self.meta(&l).unwrap_or(want);
            if u32::try_from(live.len()).unwrap_or(u32::MAX) >= meta.max_instances {
                return Err(Win32Error::PIPE_BUSY);
            }
            if meta.message != want.message {
                return Err(Win32Error::ACCESS_DENIED);
            }
            meta
        };
        let pid = rustix::process::getpid().as_raw_nonzero().get();
        let id = format!("{pid}-{}", NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed));
        let lk = openat(
            &self.dir,
            format!("{id}.lk"),
            OFlags::RDWR | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )?;
        flock(&lk, FlockOperation::NonBlockingLockExclusive)?;
        let listener = match self.bind(&id, meta.message) {
            Ok(s) => s,
            Err(e) => {
                let _ = unlinkat(&self.dir, format!("{id}.lk"), AtFlags::empty());
                return Err(e);
            }
        };
        drop(l);
        Ok(Some((Instance { id, lock: lk }, listener, meta)))
    }

    /// A listening socket for instance `id` (lock held by the caller or not needed).
    fn bind(&self, id: &str, message: bool) -> Result<OwnedFd, Win32Error> {
        let _ = unlinkat(&self.dir, format!("{id}.s"), AtFlags::empty());
        let s = new_socket(message)?;
        let addr = SocketAddrUnix::new(self.proc_path(&format!("{id}.s")))?;
        rustix::net::bind(&s, &addr)?;
        rustix::net::listen(&s, 0)?;
        Ok(s)
    }

    /// Listens again for instance `id` (ConnectNamedPipe after DisconnectNamedPipe).
    pub(crate) fn relisten(&self, id: &str, message: bool) -> Result<OwnedFd, Win32Error> {
        let _l = self.lock();
        self.bind(id, message)
    }

    /// Accepts the queued client of `listener` (instance `id`), and makes the instance
    /// unreachable (its socket name removed) in the same locked step, so no other
    /// client can queue behind. `None` when no client is queued.
    pub(crate) fn accept(&self, id: &str, listener: &OwnedFd) -> Result<Option<OwnedFd>, Win32Error> {
        let _l = self.lock();
        match rustix::net::accept_with(listener, SocketFlags::CLOEXEC | SocketFlags::NONBLOCK) {
            Ok(conn) => {
                let _ = unlinkat(&self.dir, format!("{id}.s"), AtFlags::empty());
                Ok(Some(conn))
            }
            Err(Errno::AGAIN | Errno::INTR) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes instance `id` (CloseHandle of its server end); the pipe's directory
    /// goes with its last instance, so names used once do not pile up.
    pub(crate) fn remove(&self, id: &str) {
        let l = self.lock();
        let _ = unlinkat(&self.dir, format!("{id}.s"), AtFlags::empty());
        let _ = unlinkat(&self.dir, format!("{id}.lk"), AtFlags::empty());
        if self.live(&l).is_empty() {
            let _ = unlinkat(&self.dir, "meta", AtFlags::empty());
            let _ = std::fs::remove_dir(&self.path);
        }
    }

    /// Whether the directory was removed (by the last instance's close) while this
    /// operation waited for its lock: the caller opens it afresh.
    fn removed(&self) -> bool {
        rustix::fs::fstat(&self.dir).map_or(true, |st| st.st_nlink == 0)
    }

    /// A client's connect (CreateFile): the first listening instance with room.
    pub(crate) fn connect(&self) -> Result<(Connect, Meta), Win32Error> {
        let l = self.lock();
        let live = self.live(&l);
        let Some(meta) = self.meta(&l).filter(|_| !live.is_empty()) else {
            return Ok((
                Connect::NoPipe,
                Meta { message: false, max_instances: 0, out_size: 0, in_size: 0, timeout: 0 },
            ));
        };
        for id in &live {
            let path = self.proc_path(&format!("{id}.s"));
            let addr = SocketAddrUnix::new(path)?;
            let s = new_socket(meta.message)?;
            match rustix::net::connect(&s, &addr) {
                Ok(()) => return Ok((Connect::Connected(s), meta)),
                Err(Errno::AGAIN | Errno::NOENT | Errno::CONNREFUSED | Errno::INPROGRESS) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok((Connect::Busy, meta))
    }

    /// Whether some live instance is listening (WaitNamedPipe); `None` when the pipe
    /// has no instance at all.
    pub(crate) fn listening(&self) -> Option<(bool, Meta)> {
        let l = self.lock();
        let live = self.live(&l);
        let meta = self.meta(&l).filter(|_| !live.is_empty())?;
        let any =
            live.iter().any(|id| rustix::fs::statat(&self.dir, format!("{id}.s"), AtFlags::SYMLINK_NOFOLLOW).is_ok());
        Some((any, meta))
    }
}

/// A server instance's identity in the namespace; the held lock keeps it alive.
pub(crate) struct Instance {
    pub id: String,
    #[allow(dead_code)]
    lock: OwnedFd,
}
