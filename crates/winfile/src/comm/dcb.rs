//! The DCB and its translation to and from termios2: GetCommState / SetCommState.

use super::port::{port, vanished, CommState};
use super::sys;
use crate::error::{Error, Result, Win32Error};
use crate::handle::Handle;
use crate::poison::MutexExt;
use rustix::io::Errno;
use rustix::termios::{
    tcgetattr, tcsetattr, ControlModes, InputModes, LocalModes, OptionalActions, OutputModes, SpecialCodeIndex, Termios,
};
use std::os::fd::BorrowedFd;

/// `NOPARITY` .. `SPACEPARITY`.
pub const NOPARITY: u8 = 0;
/// Odd parity.
pub const ODDPARITY: u8 = 1;
/// Even parity.
pub const EVENPARITY: u8 = 2;
/// Mark parity (CMSPAR|PARODD).
pub const MARKPARITY: u8 = 3;
/// Space parity (CMSPAR).
pub const SPACEPARITY: u8 = 4;
/// One stop bit.
pub const ONESTOPBIT: u8 = 0;
/// 1.5 stop bits (5 data bits only).
pub const ONE5STOPBITS: u8 = 1;
/// Two stop bits.
pub const TWOSTOPBITS: u8 = 2;
/// `fDtrControl` / `fRtsControl` values.
pub const CONTROL_DISABLE: u8 = 0;
/// Line raised while the port is open.
pub const CONTROL_ENABLE: u8 = 1;
/// Hardware handshake.
pub const CONTROL_HANDSHAKE: u8 = 2;
/// RTS raised while sending (RS-485 style).
pub const RTS_CONTROL_TOGGLE: u8 = 3;

/// A device-control block (Win32 `DCB`), field for field; bit fields as integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_snake_case, missing_docs)]
pub struct Dcb {
    pub DCBlength: u32,
    pub BaudRate: u32,
    pub fBinary: u32,
    pub fParity: u32,
    pub fOutxCtsFlow: u32,
    pub fOutxDsrFlow: u32,
    pub fDtrControl: u32,
    pub fDsrSensitivity: u32,
    pub fTXContinueOnXoff: u32,
    pub fOutX: u32,
    pub fInX: u32,
    pub fErrorChar: u32,
    pub fNull: u32,
    pub fRtsControl: u32,
    pub fAbortOnError: u32,
    pub fDummy2: u32,
    pub wReserved: u16,
    pub XonLim: u16,
    pub XoffLim: u16,
    pub ByteSize: u8,
    pub Parity: u8,
    pub StopBits: u8,
    pub XonChar: u8,
    pub XoffChar: u8,
    pub ErrorChar: u8,
    pub EofChar: u8,
    pub EvtChar: u8,
    pub wReserved1: u16,
}

/// `sizeof(DCB)`.
pub const DCB_LENGTH: u32 = 28;

impl Default for Dcb {
    /// A zeroed DCB with DCBlength set (pywin32's `DCB()`).
    fn default() -> Self {
        Self {
            DCBlength: DCB_LENGTH,
            BaudRate: 0,
            fBinary: 0,
            fParity: 0,
            fOutxCtsFlow: 0,
            fOutxDsrFlow: 0,
            fDtrControl: 0,
            fDsrSensitivity: 0,
            fTXContinueOnXoff: 0,
            fOutX: 0,
            fInX: 0,
            fErrorChar: 0,
            fNull: 0,
            fRtsControl: 0,
            fAbortOnError: 0,
            fDummy2: 0,
            wReserved: 0,
            XonLim: 0,
            XoffLim: 0,
            ByteSize: 0,
            Parity: 0,
            StopBits: 0,
            XonChar: 0,
            XoffChar: 0,
            ErrorChar: 0,
            EofChar: 0,
            EvtChar: 0,
            wReserved1: 0,
        }
    }
}

/// The DCB fields termios cannot hold, kept per handle and given back by GetCommState
/// (Linux has no DSR flow control, error or event characters, XON limits, or
/// abort-on-error; they are stored, not enforced).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shadow {
    pub dtr_control: u32,
    pub rts_control: u32,
    pub outx_dsr_flow: u32,
    pub dsr_sensitivity: u32,
    pub tx_continue_on_xoff: u32,
    pub error_char_on: u32,
    pub null: u32,
    pub abort_on_error: u32,
    pub xon_lim: u16,
    pub xoff_lim: u16,
    pub error_char: u8,
    pub eof_char: u8,
    pub evt_char: u8,
}

impl Default for Shadow {
    fn default() -> Self {
        // Windows' serial driver after open: DTR and RTS raised, limits of 2048/512.
        Self {
            dtr_control: CONTROL_ENABLE as u32,
            rts_control: CONTROL_ENABLE as u32,
            outx_dsr_flow: 0,
            dsr_sensitivity: 0,
            tx_continue_on_xoff: 0,
            error_char_on: 0,
            null: 0,
            abort_on_error: 0,
            xon_lim: 2048,
            xoff_lim: 512,
            error_char: 0,
            eof_char: 0,
            evt_char: 0,
        }
    }
}

/// SetCommState's checks (ERROR_INVALID_PARAMETER, 87): data bits 5–8; parity 0–4;
/// stop bits 0–2, 1.5 only with 5 data bits and 2 not with 5; a non-zero baud rate;
/// distinct XON and XOFF characters when software flow control is on; DTR control
/// 0–2; RTS control 0–3.
pub fn validate(d: &Dcb) -> std::result::Result<(), Win32Error> {
    let bad = Err(Win32Error::INVALID_PARAMETER);
    if !(5..=8).contains(&d.ByteSize) || d.Parity > SPACEPARITY || d.StopBits > TWOSTOPBITS || d.BaudRate == 0 {
        return bad;
    }
    if (d.ByteSize == 5 && d.StopBits == TWOSTOPBITS) || (d.ByteSize > 5 && d.StopBits == ONE5STOPBITS) {
        return bad;
    }
    if (d.fOutX != 0 || d.fInX != 0) && d.XonChar == d.XoffChar {
        return bad;
    }
    if d.fDtrControl > 2 || d.fRtsControl > 3 {
        return bad;
    }
    Ok(())
}

/// Raw mode for a serial line: no echo, canonical input, signals, output processing or
/// character translation; the receiver on; modem control ignored for opens (CLOCAL).
fn rawify(t: &mut Termios) {
    t.input_modes.remove(
        InputModes::ISTRIP
            | InputModes::BRKINT
            | InputModes::IGNCR
            | InputModes::ICRNL
            | InputModes::INLCR
            | InputModes::PARMRK
            | InputModes::IMAXBEL
            | InputModes::IXANY,
    );
    t.input_modes.insert(InputModes::IGNBRK);
    t.output_modes.remove(OutputModes::OPOST);
    t.local_modes.remove(
        LocalModes::ICANON
            | LocalModes::ECHO
            | LocalModes::ECHOE
            | LocalModes::ECHONL
            | LocalModes::ISIG
            | LocalModes::IEXTEN,
    );
    t.control_modes.insert(ControlModes::CLOCAL | ControlModes::CREAD);
    t.special_codes[SpecialCodeIndex::VMIN] = 1;
    t.special_codes[SpecialCodeIndex::VTIME] = 0;
}

/// Puts an opened port in raw mode, keeping its line settings.
pub(crate) fn make_raw(fd: BorrowedFd<'_>, _state: &CommState) -> std::result::Result<(), Errno> {
    let mut t = tcgetattr(fd)?;
    rawify(&mut t);
    // No software flow control until a DCB asks for it (XON/XOFF bytes are data).
    t.input_modes.remove(InputModes::IXON | InputModes::IXOFF);
    tcsetattr(fd, OptionalActions::Now, &t)
}

/// The DCB a termios2 state describes, with the handle's stored fields.
pub(crate) fn from_termios(t: &Termios, s: &Shadow) -> Dcb {
    let c = t.control_modes;
    let byte_size = match c & ControlModes::CSIZE {
        x if x == ControlModes::CS5 => 5,
        x if x == ControlModes::CS6 => 6,
        x if x == ControlModes::CS7 => 7,
        _ => 8,
    };
    let parity = if !c.contains(ControlModes::PARENB) {
        NOPARITY
    } else if c.contains(ControlModes::CMSPAR) {
        if c.contains(ControlModes::PARODD) {
            MARKPARITY
        } else {
            SPACEPARITY
        }
    } else if c.contains(ControlModes::PARODD) {
        ODDPARITY
    } else {
        EVENPARITY
    };
    let stop = if !c.contains(ControlModes::CSTOPB) {
        ONESTOPBIT
    } else if byte_size == 5 {
        ONE5STOPBITS
    } else {
        TWOSTOPBITS
    };
    let crtscts = c.contains(ControlModes::CRTSCTS);
    Dcb {
        BaudRate: t.output_speed(),
        fBinary: 1,
        fParity: u32::from(t.input_modes.contains(InputModes::INPCK)),
        fOutxCtsFlow: u32::from(crtscts),
        fOutxDsrFlow: s.outx_dsr_flow,
        fDtrControl: s.dtr_control,
        fDsrSensitivity: s.dsr_sensitivity,
        fTXContinueOnXoff: s.tx_continue_on_xoff,
        fOutX: u32::from(t.input_modes.contains(InputModes::IXON)),
        fInX: u32::from(t.input_modes.contains(InputModes::IXOFF)),
        fErrorChar: s.error_char_on,
        fNull: s.null,
        fRtsControl: if crtscts {
            CONTROL_HANDSHAKE as u32
        } else if s.rts_control == CONTROL_HANDSHAKE as u32 {
            CONTROL_ENABLE as u32
        } else {
            s.rts_control
        },
        fAbortOnError: s.abort_on_error,
        XonLim: s.xon_lim,
        XoffLim: s.xoff_lim,
        ByteSize: byte_size,
        Parity: parity,
        StopBits: stop,
        XonChar: t.special_codes[SpecialCodeIndex::VSTART],
        XoffChar: t.special_codes[SpecialCodeIndex::VSTOP],
        ErrorChar: s.error_char,
        EofChar: s.eof_char,
        EvtChar: s.evt_char,
        ..Dcb::default()
    }
}

/// Applies a (validated) DCB to a termios2 state; returns the fields kept aside.
pub(crate) fn to_termios(d: &Dcb, t: &mut Termios) -> std::result::Result<Shadow, Errno> {
    rawify(t);
    let mut c = t.control_modes;
    c.remove(
        ControlModes::CSIZE
            | ControlModes::PARENB
            | ControlModes::PARODD
            | ControlModes::CMSPAR
            | ControlModes::CSTOPB
            | ControlModes::CRTSCTS,
    );
    c |= match d.ByteSize {
        5 => ControlModes::CS5,
        6 => ControlModes::CS6,
        7 => ControlModes::CS7,
        _ => ControlModes::CS8,
    };
    c |= match d.Parity {
        ODDPARITY => ControlModes::PARENB | ControlModes::PARODD,
        EVENPARITY => ControlModes::PARENB,
        MARKPARITY => ControlModes::PARENB | ControlModes::PARODD | ControlModes::CMSPAR,
        SPACEPARITY => ControlModes::PARENB | ControlModes::CMSPAR,
        _ => ControlModes::empty(),
    };
    if d.StopBits != ONESTOPBIT {
        c |= ControlModes::CSTOPB;
    }
    if d.fOutxCtsFlow != 0 || d.fRtsControl == CONTROL_HANDSHAKE as u32 {
        c |= ControlModes::CRTSCTS;
    }
    c |= ControlModes::HUPCL;
    t.control_modes = c;
    t.input_modes.set(InputModes::INPCK, d.fParity != 0);
    t.input_modes.set(InputModes::IGNPAR, false);
    t.input_modes.set(InputModes::IXON, d.fOutX != 0);
    t.input_modes.set(InputModes::IXOFF, d.fInX != 0);
    t.special_codes[SpecialCodeIndex::VSTART] = d.XonChar;
    t.special_codes[SpecialCodeIndex::VSTOP] = d.XoffChar;
    t.set_speed(d.BaudRate)?;
    Ok(Shadow {
        dtr_control: d.fDtrControl,
        rts_control: d.fRtsControl,
        outx_dsr_flow: d.fOutxDsrFlow,
        dsr_sensitivity: d.fDsrSensitivity,
        tx_continue_on_xoff: d.fTXContinueOnXoff,
        error_char_on: d.fErrorChar,
        null: d.fNull,
        abort_on_error: d.fAbortOnError,
        xon_lim: d.XonLim,
        xoff_lim: d.XoffLim,
        error_char: d.ErrorChar,
        eof_char: d.EofChar,
        evt_char: d.EvtChar,
    })
}

/// `GetCommState`—the port's DCB.
///
/// # Linux mechanism
/// termios2 (TCGETS2: any baud rate through BOTHER; CMSPAR for mark and space
/// parity), plus the fields termios cannot hold, kept on the handle.
pub fn get_comm_state(h: Handle) -> Result<Dcb> {
    const API: &str = "GetCommState";
    let (file, state) = port(h, API)?;
    let t = tcgetattr(file.fd()).map_err(|e| Error::new(vanished(e, false), API))?;
    let shadow = *state.shadow.locked();
    Ok(from_termios(&t, &shadow))
}

/// `SetCommState`—applies a DCB; ERROR_INVALID_PARAMETER (87) for an invalid one,
/// leaving the port as it was.
///
/// # Linux mechanism
/// One TCSETS2 (TCSANOW) with BOTHER and c_ospeed/c_ispeed for the baud rate, CMSPAR
/// for mark/space parity, CSTOPB, CRTSCTS, IXON/IXOFF with VSTART/VSTOP; DTR and RTS
/// raised or lowered with TIOCMBIS/TIOCMBIC (no-ops on pseudo-terminals, which have no
/// modem lines). A driver that refuses the rate gives 87.
pub fn set_comm_state(h: Handle, dcb: &Dcb) -> Result<()> {
    const API: &str = "SetCommState";
    let (file, state) = port(h, API)?;
    validate(dcb).map_err(|c| Error::new(c, API))?;
    if dcb.fRtsControl == RTS_CONTROL_TOGGLE as u32 {
        // Linux's termios has no "RTS while sending" mode (RS-485 needs TIOCSRS485).
        return Err(Error::new(Win32Error::NOT_SUPPORTED, API));
    }
    let fd = file.fd();
    let mut t = tcgetattr(fd).map_err(|e| Error::new(vanished(e, false), API))?;
    let shadow = to_termios(dcb, &mut t).map_err(|_| Error::new(Win32Error::INVALID_PARAMETER, API))?;
    match tcsetattr(fd, OptionalActions::Now, &t) {
        Ok(()) => {}
        Err(Errno::INVAL) => return Err(Error::new(Win32Error::INVALID_PARAMETER, API)),
        Err(e) => return Err(Error::new(vanished(e, false), API)),
    }
    let line = |bit: u32, v: u32| {
        if v == CONTROL_ENABLE as u32 || v == CONTROL_DISABLE as u32 {
            let _ = sys::modem_set(fd, bit, v == CONTROL_ENABLE as u32);
        }
    };
    line(libc::TIOCM_DTR as u32, dcb.fDtrControl);
    line(libc::TIOCM_RTS as u32, dcb.fRtsControl);
    *state.shadow.locked() = shadow;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Dcb {
        Dcb { BaudRate: 9600, ByteSize: 8, XonChar: 17, XoffChar: 19, ..Dcb::default() }
    }

    /// Every line setting survives DCB → termios2 → DCB (what pseudo-terminals cannot
    /// show: they force 8 data bits without parity).
    #[test]
    fn termios_round_trip() {
        let cases = [
            (5, ONE5STOPBITS, MARKPARITY),
            (6, ONESTOPBIT, SPACEPARITY),
            (7, TWOSTOPBITS, ODDPARITY),
            (8, ONESTOPBIT, EVENPARITY),
            (8, TWOSTOPBITS, NOPARITY),
        ];
        for (bits, stop, parity) in cases {
            for baud in [50, 9600, 123_457, 921_600, 4_000_000] {
                let d = Dcb {
                    BaudRate: baud,
                    ByteSize: bits,
                    StopBits: stop,
                    Parity: parity,
                    fParity: 1,
                    fOutxCtsFlow: 1,
                    fRtsControl: CONTROL_HANDSHAKE as u32,
                    fOutX: 1,
                    fInX: 0,
                    XonChar: 1,
                    XoffChar: 2,
                    XonLim: 7,
                    EvtChar: b'\n',
                    ..base()
                };
                let mut t = blank_termios();
                let kept = to_termios(&d, &mut t).unwrap();
                assert!(!t.local_modes.contains(LocalModes::ICANON | LocalModes::ECHO));
                assert!(!t.output_modes.contains(OutputModes::OPOST));
                let back = from_termios(&t, &kept);
                assert_eq!(
                    (back.BaudRate, back.ByteSize, back.StopBits, back.Parity, back.fParity),
                    (baud, bits, stop, parity, 1)
                );
                assert_eq!((back.fOutxCtsFlow, back.fRtsControl, back.fOutX, back.fInX), (1, 2, 1, 0));
                assert_eq!((back.XonChar, back.XoffChar, back.XonLim, back.EvtChar), (1, 2, 7, b'\n'));
            }
        }
    }

    /// A termios value to fill: read from a pseudo-terminal.
    fn blank_termios() -> Termios {
        use rustix::fs::{open, Mode, OFlags};
        let master = open("/dev/ptmx", OFlags::RDWR | OFlags::NOCTTY, Mode::empty()).unwrap();
        tcgetattr(&master).unwrap()
    }

    #[test]
    fn validation() {
        assert_eq!(validate(&base()), Ok(()));
        let bad = Err(Win32Error::INVALID_PARAMETER);
        assert_eq!(validate(&Dcb { ByteSize: 4, ..base() }), bad);
        assert_eq!(validate(&Dcb { ByteSize: 9, ..base() }), bad);
        assert_eq!(validate(&Dcb { Parity: 5, ..base() }), bad);
        assert_eq!(validate(&Dcb { StopBits: 3, ..base() }), bad);
        assert_eq!(validate(&Dcb { StopBits: ONE5STOPBITS, ..base() }), bad);
        assert_eq!(validate(&Dcb { ByteSize: 5, StopBits: ONE5STOPBITS, ..base() }), Ok(()));
        assert_eq!(validate(&Dcb { ByteSize: 5, StopBits: TWOSTOPBITS, ..base() }), bad);
        assert_eq!(validate(&Dcb { BaudRate: 0, ..base() }), bad);
        assert_eq!(validate(&Dcb { fOutX: 1, XonChar: 1, XoffChar: 1, ..base() }), bad);
    }
}
