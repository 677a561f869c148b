//! The serial ioctls rustix does not wrap (modem lines, queue counts, break, counters)
//! and the eventfd that wakes a waiting transfer.
#![allow(unsafe_code)]

use rustix::io::Errno;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// One `ioctl(fd, req, &mut int)`.
fn ioctl_int(fd: BorrowedFd<'_>, req: libc::c_ulong, value: &mut libc::c_int) -> Result<(), Errno> {
    // SAFETY: `fd` is a live descriptor borrowed for the call, and `value` is a valid,
    // writable c_int for the whole call, which is what these requests read or write.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), req, value as *mut libc::c_int) };
    if r < 0 {
        Err(Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)))
    } else {
        Ok(())
    }
}

/// One `ioctl(fd, req, arg)` with a plain integer argument.
fn ioctl_arg(fd: BorrowedFd<'_>, req: libc::c_ulong, arg: libc::c_ulong) -> Result<(), Errno> {
    // SAFETY: `fd` is a live descriptor; these requests take their argument by value.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), req, arg) };
    if r < 0 {
        Err(Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)))
    } else {
        Ok(())
    }
}

/// TIOCMGET: the modem lines (TIOCM_*).
pub fn modem_get(fd: BorrowedFd<'_>) -> Result<u32, Errno> {
    let mut v: libc::c_int = 0;
    ioctl_int(fd, libc::TIOCMGET, &mut v)?;
    Ok(v as u32)
}

/// TIOCMBIS (`set`) or TIOCMBIC: raises or lowers `bits`.
pub fn modem_set(fd: BorrowedFd<'_>, bits: u32, set: bool) -> Result<(), Errno> {
    let mut v = bits as libc::c_int;
    ioctl_int(fd, if set { libc::TIOCMBIS } else { libc::TIOCMBIC }, &mut v)
}

/// TIOCSBRK (`on`) / TIOCCBRK.
pub fn set_break(fd: BorrowedFd<'_>, on: bool) -> Result<(), Errno> {
    ioctl_arg(fd, if on { libc::TIOCSBRK } else { libc::TIOCCBRK }, 0)
}

/// TIOCINQ (FIONREAD, which rustix wraps): bytes waiting to be read.
pub fn in_queue(fd: BorrowedFd<'_>) -> Result<u32, Errno> {
    rustix::io::ioctl_fionread(fd).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// TIOCOUTQ: bytes not yet sent.
pub fn out_queue(fd: BorrowedFd<'_>) -> Result<u32, Errno> {
    let mut v: libc::c_int = 0;
    ioctl_int(fd, libc::TIOCOUTQ, &mut v)?;
    Ok(v.max(0) as u32)
}

/// The counters of `struct serial_icounter_struct` winfile uses.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Counters {
    pub cts: i32,
    pub dsr: i32,
    pub rng: i32,
    pub dcd: i32,
    pub frame: i32,
    pub overrun: i32,
    pub parity: i32,
    pub brk: i32,
    pub buf_overrun: i32,
}

const TIOCGICOUNT: libc::c_ulong = 0x545D;
const TIOCMIWAIT: libc::c_ulong = 0x545C;

/// TIOCGICOUNT: the line's interrupt counters (real UARTs and USB serial; `Err` on
/// pseudo-terminals).
pub fn counters(fd: BorrowedFd<'_>) -> Result<Counters, Errno> {
    // struct serial_icounter_struct: cts, dsr, rng, dcd, rx, tx, frame, overrun,
    // parity, brk, buf_overrun, reserved[9] — 20 ints.
    let mut raw = [0 as libc::c_int; 20];
    // SAFETY: `raw` is a writable array as large as the kernel's structure.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), TIOCGICOUNT, raw.as_mut_ptr()) };
    if r < 0 {
        return Err(Errno::from_raw_os_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)));
    }
    Ok(Counters {
        cts: raw[0],
        dsr: raw[1],
        rng: raw[2],
        dcd: raw[3],
        frame: raw[6],
        overrun: raw[7],
        parity: raw[8],
        brk: raw[9],
        buf_overrun: raw[10],
    })
}

/// TIOCMIWAIT: blocks until one of the `TIOCM_*` lines in `bits` changes.
pub fn wait_modem_change(fd: BorrowedFd<'_>, bits: u32) -> Result<(), Errno> {
    ioctl_arg(fd, TIOCMIWAIT, bits as libc::c_ulong)
}

/// A wake-up for one waiting transfer or event wait: a flag plus an eventfd that
/// poll(2) watches next to the tty.
pub struct Wake {
    fd: OwnedFd,
    flag: AtomicBool,
}

impl Wake {
    /// A new, unsignaled wake-up.
    pub fn new() -> Result<Self, Errno> {
        let fd =
            rustix::event::eventfd(0, rustix::event::EventfdFlags::CLOEXEC | rustix::event::EventfdFlags::NONBLOCK)?;
        Ok(Self { fd, flag: AtomicBool::new(false) })
    }

    /// Sets the flag and wakes the poller.
    pub fn signal(&self) {
        self.flag.store(true, Ordering::Release);
        self.kick();
    }

    /// Wakes the poller without setting the flag (something to re-check).
    pub fn kick(&self) {
        let _ = rustix::io::write(&self.fd, &1u64.to_ne_bytes());
    }

    /// Whether [`Wake::signal`] was called.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// Makes a finished operation's wake-up ready for the next one.
    pub fn reset(&self) {
        // Only `signal` writes to the eventfd of an operation's wake-up.
        if self.flag.swap(false, Ordering::AcqRel) {
            self.drain();
        }
    }

    /// Consumes pending wake-ups.
    pub fn drain(&self) {
        let mut b = [0u8; 8];
        let _ = rustix::io::read(&self.fd, &mut b);
    }

    /// The descriptor to poll.
    pub fn fd(&self) -> BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.fd.as_fd()
    }
}
