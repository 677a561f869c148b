//! Modem lines and line state: GetCommModemStatus, EscapeCommFunction,
//! SetCommBreak/ClearCommBreak, TransmitCommChar.

use super::port::{port, vanished, OpKind};
use super::sys;
use crate::error::{Error, Result, Win32Error};
use crate::handle::Handle;
use rustix::io::Errno;

/// CTS is on (`MS_CTS_ON`).
pub const MS_CTS_ON: u32 = 0x10;
/// DSR is on.
pub const MS_DSR_ON: u32 = 0x20;
/// The ring indicator is on.
pub const MS_RING_ON: u32 = 0x40;
/// Carrier detect (RLSD) is on.
pub const MS_RLSD_ON: u32 = 0x80;

/// EscapeCommFunction codes.
pub const SETXOFF: u32 = 1;
/// Resume as if XON was received.
pub const SETXON: u32 = 2;
/// Raise RTS.
pub const SETRTS: u32 = 3;
/// Lower RTS.
pub const CLRRTS: u32 = 4;
/// Raise DTR.
pub const SETDTR: u32 = 5;
/// Lower DTR.
pub const CLRDTR: u32 = 6;
/// Start a break.
pub const SETBREAK: u32 = 8;
/// End a break.
pub const CLRBREAK: u32 = 9;

/// A line ioctl a pseudo-terminal does not have (ENOTTY/EINVAL) is a no-op: a pty has
/// no modem lines, as a virtual COM port without them.
fn lines_ok(r: std::result::Result<(), Errno>, api: &'static str) -> Result<()> {
    match r {
        Ok(()) | Err(Errno::NOTTY) | Err(Errno::INVAL) => Ok(()),
        Err(e) => Err(Error::new(vanished(e, false), api)),
    }
}

/// The MS_* bits for TIOCM_* lines.
pub(crate) fn ms_bits(lines: u32) -> u32 {
    let mut v = 0;
    for (tiocm, ms) in [
        (libc::TIOCM_CTS, MS_CTS_ON),
        (libc::TIOCM_DSR, MS_DSR_ON),
        (libc::TIOCM_RNG, MS_RING_ON),
        (libc::TIOCM_CAR, MS_RLSD_ON),
    ] {
        if lines & tiocm as u32 != 0 {
            v |= ms;
        }
    }
    v
}

/// `GetCommModemStatus`—CTS, DSR, RING and RLSD (carrier) as MS_* bits; 0 on a
/// pseudo-terminal (no modem lines).
///
/// # Linux mechanism
/// TIOCMGET.
pub fn get_comm_modem_status(h: Handle) -> Result<u32> {
    const API: &str = "GetCommModemStatus";
    let (file, _) = port(h, API)?;
    match sys::modem_get(file.fd()) {
        Ok(lines) => Ok(ms_bits(lines)),
        Err(Errno::NOTTY) | Err(Errno::INVAL) => Ok(0),
        Err(e) => Err(Error::new(vanished(e, false), API)),
    }
}

/// `EscapeCommFunction`—SETDTR/CLRDTR/SETRTS/CLRRTS, SETBREAK/CLRBREAK, SETXOFF/SETXON;
/// any other code is ERROR_INVALID_PARAMETER (87).
///
/// # Linux mechanism
/// TIOCMBIS/TIOCMBIC (no-ops on pseudo-terminals), TIOCSBRK/TIOCCBRK, tcflow(3)
/// TCOOFF/TCOON (output held or resumed as if XOFF/XON had been received).
pub fn escape_comm_function(h: Handle, func: u32) -> Result<()> {
    const API: &str = "EscapeCommFunction";
    let (file, _) = port(h, API)?;
    let fd = file.fd();
    let line = |bit: libc::c_int, on: bool| lines_ok(sys::modem_set(fd, bit as u32, on), API);
    match func {
        SETDTR => line(libc::TIOCM_DTR, true),
        CLRDTR => line(libc::TIOCM_DTR, false),
        SETRTS => line(libc::TIOCM_RTS, true),
        CLRRTS => line(libc::TIOCM_RTS, false),
        SETBREAK => lines_ok(sys::set_break(fd, true), API),
        CLRBREAK => lines_ok(sys::set_break(fd, false), API),
        SETXOFF => {
            rustix::termios::tcflow(fd, rustix::termios::Action::OOff).map_err(|e| Error::new(vanished(e, false), API))
        }
        SETXON => {
            rustix::termios::tcflow(fd, rustix::termios::Action::OOn).map_err(|e| Error::new(vanished(e, false), API))
        }
        _ => Err(Error::new(Win32Error::INVALID_PARAMETER, API)),
    }
}

/// `SetCommBreak`—holds the line in the break state until ClearCommBreak.
///
/// # Linux mechanism
/// TIOCSBRK (accepted without effect on pseudo-terminals, which carry no break).
pub fn set_comm_break(h: Handle) -> Result<()> {
    const API: &str = "SetCommBreak";
    let (file, _) = port(h, API)?;
    lines_ok(sys::set_break(file.fd(), true), API)
}

/// `ClearCommBreak`—ends the break state.
///
/// # Linux mechanism
/// TIOCCBRK.
pub fn clear_comm_break(h: Handle) -> Result<()> {
    const API: &str = "ClearCommBreak";
    let (file, _) = port(h, API)?;
    lines_ok(sys::set_break(file.fd(), false), API)
}

/// `TransmitCommChar`—sends one character ahead of queued output.
///
/// # Linux mechanism
/// One write(2) of the byte (the tty has no priority queue: it follows what is already
/// in the kernel's buffer), waiting in poll(2) for room.
pub fn transmit_comm_char(h: Handle, c: u8) -> Result<()> {
    const API: &str = "TransmitCommChar";
    let (file, state) = port(h, API)?;
    let wake = state.register(OpKind::Write)?;
    let r = super::timeouts::timed_write(&file, &state, &[c], &wake, true);
    state.release(wake);
    match r {
        Ok(1) => Ok(()),
        Ok(_) => Err(Error::new(Win32Error::TIMEOUT, API)),
        Err(c) => Err(Error::new(c, API)),
    }
}
