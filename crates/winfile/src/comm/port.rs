//! The per-handle state of a serial port (`CommState`, a handle extension), the checks
//! every comm call makes, and what opening a `COMn` name does.

use super::dcb::Shadow;
use super::sys::{self, Wake};
use super::timeouts::CommTimeouts;
use crate::error::{Error, Result, Win32Error};
use crate::handle::{self, Extension, File, FileKind, Handle};
use crate::poison::MutexExt;
use rustix::io::Errno;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// What a registered operation is, for PurgeComm's aborts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum OpKind {
    Read,
    Write,
}

/// A serial handle's state: its COMMTIMEOUTS, event mask, queue sizes, the DCB fields
/// termios cannot hold, and the transfers in flight (PurgeComm aborts them).
pub(crate) struct CommState {
    pub timeouts: Mutex<CommTimeouts>,
    pub mask: AtomicU32,
    /// Bumped by SetCommMask: a pending WaitCommEvent then completes with 0.
    pub mask_generation: AtomicU64,
    pub shadow: Mutex<Shadow>,
    pub queues: Mutex<(u32, u32)>,
    pub ops: Mutex<Vec<(OpKind, Weak<Wake>)>>,
    /// Wake-ups of finished synchronous transfers, reused (no eventfd per call).
    spare: Mutex<Vec<Arc<Wake>>>,
    /// Reads are served in order, one at a time, as the serial driver queues them.
    pub read_order: Mutex<()>,
    pub write_order: Mutex<()>,
    /// The pending WaitCommEvent (one per handle) is woken through this.
    pub kick: Wake,
    pub waiting: AtomicBool,
    /// TIOCEXCL was set by this handle (cleared again at close).
    pub exclusive: AtomicBool,
    /// A TIOCMIWAIT helper is blocked for this handle (at most one at a time).
    pub line_helper: Arc<AtomicBool>,
    /// A write finished since the last EV_TXEMPTY (the event's precondition).
    pub tx_pending: AtomicBool,
    /// Line counters at the last event report (TIOCGICOUNT), for EV_CTS.. and errors.
    pub counters: Mutex<Option<sys::Counters>>,
    /// Errors accumulated for ClearCommError (CE_*).
    pub errors_base: Mutex<Option<sys::Counters>>,
}

impl Extension for CommState {
    fn close_order(&self) -> u8 {
        0
    }

    /// Closing: every transfer and the event wait in flight ends.
    fn on_close(&self, file: &File) {
        if self.exclusive.load(Ordering::Acquire) {
            let _ = rustix::termios::ioctl_tiocnxcl(file.fd());
        }
        for (_, w) in self.ops.locked().iter() {
            if let Some(w) = w.upgrade() {
                w.signal();
            }
        }
        self.kick.signal();
    }
}

impl CommState {
    fn new(file: &File) -> std::result::Result<Self, Errno> {
        let c = sys::counters(file.fd()).ok();
        Ok(Self {
            timeouts: Mutex::new(CommTimeouts::default()),
            mask: AtomicU32::new(0),
            mask_generation: AtomicU64::new(0),
            shadow: Mutex::new(Shadow::default()),
            queues: Mutex::new((4096, 4096)),
            ops: Mutex::new(Vec::new()),
            spare: Mutex::new(Vec::new()),
            read_order: Mutex::new(()),
            write_order: Mutex::new(()),
            kick: Wake::new()?,
            waiting: AtomicBool::new(false),
            exclusive: AtomicBool::new(false),
            line_helper: Arc::new(AtomicBool::new(false)),
            tx_pending: AtomicBool::new(false),
            counters: Mutex::new(c),
            errors_base: Mutex::new(c),
        })
    }

    /// Registers a transfer so PurgeComm and CloseHandle can wake it.
    pub fn register(&self, kind: OpKind) -> Result<Arc<Wake>> {
        let spare = self.spare.locked().pop();
        let w = match spare {
            Some(w) => w,
            None => Arc::new(Wake::new().map_err(|_| Error::new(Win32Error::NO_SYSTEM_RESOURCES, "ReadFile"))?),
        };
        let mut ops = self.ops.locked();
        ops.retain(|(_, w)| w.strong_count() > 0);
        ops.push((kind, Arc::downgrade(&w)));
        Ok(w)
    }

    /// A synchronous transfer registered with [`CommState::register`] is over: its
    /// wake-up leaves the list (so nothing signals it any more) and is kept for reuse.
    /// Asynchronous ones are not released: their canceller may still hold them.
    pub fn release(&self, w: Arc<Wake>) {
        self.ops.locked().retain(|(_, x)| !std::ptr::eq(x.as_ptr(), Arc::as_ptr(&w)));
        if Arc::strong_count(&w) == 1 {
            w.reset();
            let mut spare = self.spare.locked();
            if spare.len() < 4 {
                spare.push(w);
            }
        }
    }

    /// Wakes every registered transfer of `kind` as aborted.
    pub fn abort(&self, kind: OpKind) {
        for (k, w) in self.ops.locked().iter() {
            if *k == kind {
                if let Some(w) = w.upgrade() {
                    w.signal();
                }
            }
        }
    }
}

/// The Win32 code for a serial port that went away (USB unplugged, the other side of a
/// pseudo-terminal closed): ERROR_ACCESS_DENIED for transfers, as Windows' USB serial
/// drivers answer; ERROR_BAD_COMMAND for the comm calls.
pub(crate) fn vanished(errno: Errno, transfer: bool) -> Win32Error {
    match errno {
        Errno::IO | Errno::NXIO | Errno::NODEV | Errno::PIPE | Errno::BADF => {
            if transfer {
                Win32Error::ACCESS_DENIED
            } else {
                Win32Error::BAD_COMMAND
            }
        }
        e => crate::error::from_errno(e),
    }
}

/// Whether the tty has hung up (poll POLLHUP/POLLERR).
pub(crate) fn hung_up(file: &File) -> bool {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let fd = file.fd();
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    let zero = Timespec { tv_sec: 0, tv_nsec: 0 };
    match poll(&mut fds, Some(&zero)) {
        Ok(_) => {
            let r = fds[0].revents();
            // A hung-up tty (its other end closed, the device gone) reports HUP, with IN.
            r.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
        }
        Err(_) => true,
    }
}

/// The serial port behind `h` and its state, for comm call `api`: an invalid handle is
/// 6, a handle that is not a terminal 1 (ERROR_INVALID_FUNCTION, as Windows answers a
/// comm call on a file), a terminal that hung up 22 (ERROR_BAD_COMMAND).
pub(crate) fn port(h: Handle, api: &'static str) -> Result<(Arc<File>, Arc<CommState>)> {
    use crate::error::Context;
    let file = handle::get::<File>(h).api(api)?;
    let state = state_of(&file, api)?;
    if hung_up(&file) {
        return Err(Error::new(Win32Error::BAD_COMMAND, api));
    }
    Ok((file, state))
}

/// The comm state of an open terminal, created (with its transfer hooks) at first use.
pub(crate) fn state_of(file: &File, api: &'static str) -> Result<Arc<CommState>> {
    if let Some(s) = file.ext::<CommState>() {
        return Ok(s);
    }
    if file.kind() != FileKind::Char || !rustix::termios::isatty(file.fd()) {
        return Err(Error::new(Win32Error::INVALID_FUNCTION, api));
    }
    attach(file).map_err(|e| Error::new(vanished(e, false), api))?;
    file.ext::<CommState>().ok_or(Error::new(Win32Error::INVALID_FUNCTION, api))
}

static ATTACH: Mutex<()> = Mutex::new(());

/// Makes `file` (a terminal) a serial port: non-blocking descriptor (transfers wait in
/// poll(2) with their COMMTIMEOUTS), its state and its ReadFile/WriteFile hooks.
fn attach(file: &File) -> std::result::Result<(), Errno> {
    let _g = ATTACH.locked();
    if file.ext::<CommState>().is_some() {
        return Ok(());
    }
    let fd = file.fd();
    let fl = rustix::fs::fcntl_getfl(fd)?;
    rustix::fs::fcntl_setfl(fd, fl | rustix::fs::OFlags::NONBLOCK)?;
    let state = CommState::new(file)?;
    let cell = std::cell::Cell::new(Some(state));
    let _ = file.ext_or_insert_with::<CommState>(|| cell.take().expect("made once"));
    crate::io::attach_device(file, Arc::new(super::timeouts::SerialIo));
    file.ext_or_insert_with(|| crate::overlapped::AsyncSlot(Arc::new(super::timeouts::SerialIo)));
    Ok(())
}

/// Opening a `COMn` name (CreateFile): the port is taken exclusively, as Windows'
/// serial driver allows one open at a time — a port another handle (of any process
/// using winfile or pyserial's `exclusive=True`) holds gives ERROR_ACCESS_DENIED (5) —
/// and put in raw mode with the DCB's line settings kept.
///
/// # Linux mechanism
/// flock(LOCK_EX|LOCK_NB) on the tty (binds every opener that asks, root included),
/// then TIOCEXCL (later open(2)s by other non-root programs fail with EBUSY); termios2
/// raw mode (no echo, canonical mode, signals or output processing), O_NONBLOCK.
pub(crate) fn on_open(file: &File, api: &'static str) -> Result<()> {
    let fd = file.fd();
    if !rustix::termios::isatty(fd) {
        return Ok(()); // a COM name defined to something else: a plain device
    }
    match rustix::fs::flock(fd, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(Errno::WOULDBLOCK) => return Err(Error::new(Win32Error::ACCESS_DENIED, api)),
        Err(e) => return Err(Error::new(vanished(e, false), api)),
    }
    let state = state_of(file, api)?;
    if rustix::termios::ioctl_tiocexcl(fd).is_ok() {
        state.exclusive.store(true, Ordering::Release);
    }
    super::dcb::make_raw(file.fd().as_fd(), &state).map_err(|e| Error::new(vanished(e, false), api))?;
    Ok(())
}
