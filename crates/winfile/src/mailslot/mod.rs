//! Mailslots: `CreateMailslot`, `GetMailslotInfo`, `SetMailslotInfo`, and the client
//! side of `CreateFile(r"\\.\mailslot\name")`.
//!
//! A mailslot is an AF_UNIX SOCK_DGRAM socket bound in the per-user runtime directory,
//! `<runtime>/winfile/mailslot/` (mode 0700; `<runtime>` as for the DOS device table:
//! `$XDG_RUNTIME_DIR`, else a private directory of the user's), so any process of the
//! user reaches it and nobody else can. A datagram is one message: a client's WriteFile
//! is one send(2), and the server's ReadFile returns one whole message. The server keeps
//! the messages it has taken off the socket in a queue, so it can say how many wait and
//! how big the next one is (GetMailslotInfo), and a read into a short buffer fails with
//! ERROR_INSUFFICIENT_BUFFER (122) leaving the message where it was.
//!
//! Names are case-insensitive (`\\.\mailslot\Name` = `\\.\mailslot\name`); the socket's
//! file name is the lower-cased name with bytes other than `[a-z0-9._-]` written `%XX`
//! (a `%h`+hash name when that would not fit in a socket address). Beside it,
//! `<file>%m` holds the server's maximum message size, which clients enforce. Clients
//! may name the local computer (`\\.\`), any domain (`\\*\`, `\\domain\`) or any
//! computer: delivery is to this machine's mailslot of that name only — there is no
//! network broadcast.

use crate::consts::{FILE_FLAG_OVERLAPPED, FILE_READ_ATTRIBUTES, FILE_READ_DATA, SYNCHRONIZE};
use crate::error::{Error, Result, Win32Error};
use crate::handle::{self, Extension, Fd, File, FileKind, Handle, PathStyle};
use crate::io::device::{Device, DeviceSlot};
use crate::poison::MutexExt;
use rustix::io::Errno;
use rustix::net::{recv, RecvFlags};
use std::collections::VecDeque;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `MAILSLOT_WAIT_FOREVER`: a read timeout that never ends.
pub const MAILSLOT_WAIT_FOREVER: u32 = u32::MAX;
/// `MAILSLOT_NO_MESSAGE`: GetMailslotInfo's next size when no message waits.
pub const MAILSLOT_NO_MESSAGE: u32 = u32::MAX;

/// The longest socket path (`sun_path` less its NUL).
const SUN_PATH_MAX: usize = 107;

/// The mailslot name after `\\host\mailslot\`, lower-cased; `server` accepts only the
/// local form `\\.\mailslot\...`. None when `name` is not a mailslot name.
pub fn parse_name(name: &str, server: bool) -> Option<String> {
    let n = name.replace('/', "\\");
    let rest = n.strip_prefix("\\\\")?;
    let (host, rest) = rest.split_once('\\')?;
    if host.is_empty() || (server && host != ".") || host == "?" {
        return None;
    }
    let (ns, slot) = rest.split_once('\\')?;
    if !ns.eq_ignore_ascii_case("mailslot") || slot.is_empty() || slot.ends_with('\\') {
        return None;
    }
    Some(slot.to_lowercase())
}

/// Whether `name` is a client's mailslot name (`\\.\`, `\\*\`, `\\domain\mailslot\...`).
pub fn is_client_name(name: &str) -> bool {
    parse_name(name, false).is_some()
}

fn encode(slot: &str) -> String {
    let mut out = String::new();
    for b in slot.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn fnv64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// The directory of the user's mailslots, created (0700) when `create`.
fn slot_dir(create: bool) -> Option<PathBuf> {
    use crate::path::{runtime_private_dir, RuntimeDirState};
    let base = crate::path::runtime_base(create)?;
    let winfile = base.join("winfile");
    let dir = winfile.join("mailslot");
    for d in [&winfile, &dir] {
        match runtime_private_dir(d, create) {
            RuntimeDirState::Private => {}
            _ => return None,
        }
    }
    Some(dir)
}

/// The socket path of mailslot `slot` in `dir`.
fn socket_path(dir: &Path, slot: &str) -> PathBuf {
    let plain = dir.join(encode(slot));
    if plain.as_os_str().len() + 2 <= SUN_PATH_MAX {
        return plain;
    }
    dir.join(format!("%h{:016x}", fnv64(slot)))
}

fn sidecar(sock: &Path) -> PathBuf {
    let mut s = sock.as_os_str().to_owned();
    s.push("%m");
    PathBuf::from(s)
}

/// One mailslot server handle's state: the messages taken off the socket, the read
/// timeout, and the names to remove when the handle closes.
pub struct Server {
    max: u32,
    timeout: AtomicU32,
    queue: Mutex<VecDeque<Vec<u8>>>,
    path: PathBuf,
    ino: (u64, u64),
}

impl Server {
    /// Takes every waiting datagram off the socket into the queue.
    fn drain(&self, fd: &impl AsFd, queue: &mut VecDeque<Vec<u8>>) -> Result<()> {
        const API: &str = "ReadFile";
        loop {
            // A zero-length peek with MSG_TRUNC gives the next datagram's length.
            let len = match recv(fd, &mut [0u8; 0][..], RecvFlags::PEEK | RecvFlags::TRUNC | RecvFlags::DONTWAIT) {
                Ok((_, len)) => len,
                Err(Errno::AGAIN) => return Ok(()),
                Err(Errno::INTR) => continue,
                Err(e) => return Err(Error::new(e.into(), API)),
            };
            let mut msg = vec![0u8; len];
            match recv(fd, &mut msg[..], RecvFlags::DONTWAIT) {
                Ok((got, _)) => msg.truncate(got),
                Err(Errno::INTR) => continue,
                Err(e) => return Err(Error::new(e.into(), API)),
            }
            queue.push_back(msg);
        }
    }

    /// Waits up to the read timeout (and while `cancelled` says no) for a message, then
    /// copies it into `buf`.
    fn take(&self, file: &File, buf: &mut [MaybeUninit<u8>], cancelled: &dyn Fn() -> bool) -> Result<usize> {
        const API: &str = "ReadFile";
        let timeout = self.timeout.load(Ordering::Relaxed);
        let end =
            (timeout != MAILSLOT_WAIT_FOREVER).then(|| Instant::now() + Duration::from_millis(u64::from(timeout)));
        loop {
            {
                let mut q = self.queue.locked();
                self.drain(&file.fd(), &mut q)?;
                if let Some(front) = q.front() {
                    if front.len() > buf.len() {
                        return Err(Error::new(Win32Error::INSUFFICIENT_BUFFER, API));
                    }
                    let msg = q.pop_front().unwrap_or_default();
                    for (d, s) in buf.iter_mut().zip(&msg) {
                        d.write(*s);
                    }
                    return Ok(msg.len());
                }
            }
            if cancelled() {
                return Err(Error::new(Win32Error::OPERATION_ABORTED, API));
            }
            let now = Instant::now();
            if end.is_some_and(|e| now >= e) {
                return Err(Error::new(Win32Error::SEM_TIMEOUT, API));
            }
            let wake = crate::interrupt::next_check(end);
            let left = wake.saturating_duration_since(now);
            let ts = rustix::event::Timespec { tv_sec: left.as_secs() as i64, tv_nsec: i64::from(left.subsec_nanos()) };
            let fd = file.fd();
            let mut fds = [rustix::event::PollFd::new(&fd, rustix::event::PollFlags::IN)];
            let _ = rustix::event::poll(&mut fds, Some(&ts));
        }
    }

    /// (max message size, next size or MAILSLOT_NO_MESSAGE, message count, read timeout).
    fn info(&self, file: &File) -> Result<(u32, u32, u32, u32)> {
        let mut q = self.queue.locked();
        self.drain(&file.fd(), &mut q).map_err(|e| Error::new(e.code(), "GetMailslotInfo"))?;
        let next = q.front().map_or(MAILSLOT_NO_MESSAGE, |m| m.len() as u32);
        Ok((self.max, next, q.len() as u32, self.timeout.load(Ordering::Relaxed)))
    }

    fn remove_names(&self) {
        if std::fs::symlink_metadata(&self.path).is_ok_and(|m| (m.dev(), m.ino()) == self.ino) {
            let _ = std::fs::remove_file(&self.path);
            let _ = std::fs::remove_file(sidecar(&self.path));
        }
    }
}

/// The server's device: whole-message reads; a server cannot be written.
struct ServerDevice(Arc<Server>);

impl Device for ServerDevice {
    fn read(&self, file: &File, buf: &mut [MaybeUninit<u8>]) -> Result<usize> {
        self.0.take(file, buf, &crate::interrupt::requested)
    }
    fn read_async(&self, file: &File, buf: &mut [MaybeUninit<u8>], cancelled: &dyn Fn() -> bool) -> Result<usize> {
        self.0.take(file, buf, cancelled)
    }
    fn write(&self, _file: &File, _data: &[u8]) -> Result<usize> {
        Err(Error::new(Win32Error::ACCESS_DENIED, "WriteFile"))
    }
}

/// A client's device: one send(2) per WriteFile, within the server's maximum size.
struct ClientDevice {
    max: u32,
}

impl Device for ClientDevice {
    fn read(&self, _file: &File, _buf: &mut [MaybeUninit<u8>]) -> Result<usize> {
        Err(Error::new(Win32Error::ACCESS_DENIED, "ReadFile"))
    }
    fn write(&self, file: &File, data: &[u8]) -> Result<usize> {
        const API: &str = "WriteFile";
        if self.max != 0 && data.len() > self.max as usize {
            return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
        }
        loop {
            match rustix::io::write(file.fd(), data) {
                Ok(n) => return Ok(n),
                Err(rustix::io::Errno::INTR) => continue,
                // The server closed its mailslot: nothing listens under that name.
                Err(rustix::io::Errno::CONNREFUSED | rustix::io::Errno::NOENT) => {
                    return Err(Error::new(Win32Error::FILE_NOT_FOUND, API))
                }
                Err(e) => return Err(Error::new(e.into(), API)),
            }
        }
    }
}

/// Serialises creation in the directory (check for a live server, bind).
fn lock_dir(dir: &Path) -> Result<std::fs::File> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("%lock"))
        .map_err(|e| Error::new(crate::error::from_io(&e), "CreateMailslot"))?;
    rustix::fs::flock(&f, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|e| Error::new(e.into(), "CreateMailslot"))?;
    Ok(f)
}

/// `CreateMailslot`—the server end of mailslot `name` (`\\.\mailslot\...`), taking
/// messages up to `max_msg` bytes (0: any size) with reads that wait `read_timeout`
/// ms (0: never wait; MAILSLOT_WAIT_FOREVER).
///
/// # Linux mechanism
/// An AF_UNIX SOCK_DGRAM socket bound at `<runtime>/winfile/mailslot/<name>` (a stale
/// socket of a dead server is replaced; a live one gives ERROR_ALREADY_EXISTS).
pub fn create_mailslot(name: &str, max_msg: u32, read_timeout: u32) -> Result<Handle> {
    const API: &str = "CreateMailslot";
    let slot = parse_name(name, true).ok_or_else(|| Error::new(Win32Error::INVALID_NAME, API))?;
    let dir = slot_dir(true).ok_or_else(|| Error::new(Win32Error::ACCESS_DENIED, API))?;
    let path = socket_path(&dir, &slot);
    let _lock = lock_dir(&dir)?;
    if std::fs::symlink_metadata(&path).is_ok() {
        let probe = UnixDatagram::unbound().map_err(|e| Error::new(crate::error::from_io(&e), API))?;
        match probe.connect(&path) {
            Ok(()) => return Err(Error::new(Win32Error::ALREADY_EXISTS, API)),
            Err(_) => {
                let _ = std::fs::remove_file(&path); // a dead server's socket
            }
        }
    }
    let sock = UnixDatagram::bind(&path).map_err(|e| Error::new(crate::error::from_io(&e), API))?;
    sock.set_nonblocking(true).map_err(|e| Error::new(crate::error::from_io(&e), API))?;
    let meta = std::fs::symlink_metadata(&path).map_err(|e| Error::new(crate::error::from_io(&e), API))?;
    std::fs::write(sidecar(&path), max_msg.to_string()).map_err(|e| Error::new(crate::error::from_io(&e), API))?;
    let server = Arc::new(Server {
        max: max_msg,
        timeout: AtomicU32::new(read_timeout),
        queue: Mutex::default(),
        path: path.clone(),
        ino: (meta.dev(), meta.ino()),
    });
    let fd: OwnedFd = sock.into();
    let access = FILE_READ_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE;
    let file = File::new(Fd::new(fd), access, 0, FILE_FLAG_OVERLAPPED, path, PathStyle::Windows, FileKind::Pipe);
    let srv = server.clone();
    file.ext_or_insert_with(move || DeviceSlot(Arc::new(ServerDevice(srv))));
    let keep = server.clone();
    let s = file.ext_or_insert_with(move || ArcServer(keep));
    drop(s);
    Ok(handle::insert(Arc::new(file)))
}

/// The server extension as stored on the handle (GetMailslotInfo finds it there).
struct ArcServer(Arc<Server>);

impl Extension for ArcServer {
    /// CloseHandle of the server: the mailslot goes away (clients' writes then fail).
    fn on_close(&self, _file: &File) {
        self.0.remove_names();
    }
    fn on_drop(&self, _file: &File) {
        self.0.remove_names();
    }
}

fn server_of(h: Handle, api: &'static str) -> Result<(Arc<File>, Arc<Server>)> {
    let file = handle::get::<File>(h).map_err(|e| Error::new(e, api))?;
    let srv = file.ext::<ArcServer>().ok_or_else(|| Error::new(Win32Error::INVALID_HANDLE, api))?;
    Ok((file.clone(), srv.0.clone()))
}

/// `GetMailslotInfo`—(max message size, next message size or MAILSLOT_NO_MESSAGE,
/// messages waiting, read timeout).
///
/// # Linux mechanism
/// recv(2) of every waiting datagram into the handle's queue, then its counts.
pub fn get_mailslot_info(h: Handle) -> Result<(u32, u32, u32, u32)> {
    let (file, srv) = server_of(h, "GetMailslotInfo")?;
    srv.info(&file)
}

/// `SetMailslotInfo`—the read timeout (ms, 0, or MAILSLOT_WAIT_FOREVER).
///
/// # Linux mechanism
/// Kept on the handle; reads poll(2) the socket until it passes.
pub fn set_mailslot_info(h: Handle, read_timeout: u32) -> Result<()> {
    let (_, srv) = server_of(h, "SetMailslotInfo")?;
    srv.timeout.store(read_timeout, Ordering::Relaxed);
    Ok(())
}

/// `CreateFile` of a mailslot name: a client handle that sends messages to the user's
/// mailslot of that name on this machine. Needs write access only; ERROR_FILE_NOT_FOUND
/// when no server has that mailslot.
///
/// # Linux mechanism
/// An AF_UNIX SOCK_DGRAM socket connect(2)ed to the server's socket.
pub fn open_client(name: &str, access: u32, share: u32, flags: u32) -> Result<Handle> {
    const API: &str = "CreateFile";
    let slot = parse_name(name, false).ok_or_else(|| Error::new(Win32Error::INVALID_NAME, API))?;
    let dir = slot_dir(false).ok_or_else(|| Error::new(Win32Error::FILE_NOT_FOUND, API))?;
    let path = socket_path(&dir, &slot);
    let sock = UnixDatagram::unbound().map_err(|e| Error::new(crate::error::from_io(&e), API))?;
    if sock.connect(&path).is_err() {
        return Err(Error::new(Win32Error::FILE_NOT_FOUND, API));
    }
    let max = std::fs::read_to_string(sidecar(&path)).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    let fd: OwnedFd = sock.into();
    let file = File::new(Fd::new(fd), access, share, flags, path, PathStyle::Windows, FileKind::Pipe);
    file.ext_or_insert_with(move || DeviceSlot(Arc::new(ClientDevice { max })));
    Ok(handle::insert(Arc::new(file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse_name(r"\\.\mailslot\A\B", true).as_deref(), Some(r"a\b"));
        assert_eq!(parse_name(r"\\*\MailSlot\x", false).as_deref(), Some("x"));
        assert_eq!(parse_name(r"\\*\mailslot\x", true), None);
        assert_eq!(parse_name(r"\\.\pipe\x", false), None);
        assert_eq!(parse_name(r"\\.\mailslot\", false), None);
        assert_eq!(encode(r"a\b c"), "a%5Cb%20c");
    }
}
