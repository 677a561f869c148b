//! BuildCommDCB: the `mode` command's syntax, into a DCB.

use super::dcb::{
    Dcb, EVENPARITY, MARKPARITY, NOPARITY, ODDPARITY, ONE5STOPBITS, ONESTOPBIT, SPACEPARITY, TWOSTOPBITS,
};
use crate::error::{Error, Result, Win32Error};

fn parity_of(s: &str) -> Option<u8> {
    match s.to_ascii_lowercase().as_str() {
        "n" => Some(NOPARITY),
        "o" => Some(ODDPARITY),
        "e" => Some(EVENPARITY),
        "m" => Some(MARKPARITY),
        "s" => Some(SPACEPARITY),
        _ => None,
    }
}

fn stop_of(s: &str) -> Option<u8> {
    match s {
        "1" => Some(ONESTOPBIT),
        "1.5" => Some(ONE5STOPBITS),
        "2" => Some(TWOSTOPBITS),
        _ => None,
    }
}

/// Data bits: 5 to 8.
fn data_of(s: &str) -> Option<u8> {
    s.parse().ok().filter(|b| (5..=8).contains(b))
}

/// The `mode` baud abbreviations (`11` = 110, `96` = 9600, `19` = 19200...).
fn baud_of(s: &str) -> Option<u32> {
    let v: u32 = s.parse().ok()?;
    Some(match v {
        11 => 110,
        15 => 150,
        30 => 300,
        60 => 600,
        12 => 1200,
        24 => 2400,
        48 => 4800,
        96 => 9600,
        19 => 19200,
        0 => return None,
        v => v,
    })
}

fn on_off(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "on" => Some(true),
        "off" => Some(false),
        _ => None,
    }
}

/// `BuildCommDCB`—fills `dcb` from a device-control string: the keyword form
/// (`baud=9600 parity=N data=8 stop=1`, with `to=`, `xon=`, `odsr=`, `octs=`, `dtr=`,
/// `rts=`, `idsr=`; a leading `COMn:` is allowed) or the short form (`9600,n,8,1`, with
/// an optional fifth `x` for XON/XOFF or `p` for hardware handshake). Fields not named
/// keep their value; the string is checked entirely before `dcb` changes. A string it
/// cannot parse is ERROR_INVALID_PARAMETER (87). Sets fBinary and DCBlength.
///
/// # Linux mechanism
/// A parser (no system call).
pub fn build_comm_dcb(def: &str, dcb: &mut Dcb) -> Result<()> {
    const API: &str = "BuildCommDCB";
    let bad = || Error::new(Win32Error::INVALID_PARAMETER, API);
    let mut d = *dcb;
    let mut text = def.trim();
    // An optional device name first ("COM1:" or "COM1").
    if text.len() >= 4 && text[..3].eq_ignore_ascii_case("com") {
        let end = text.find([':', ' ']).unwrap_or(text.len());
        if text[3..end].bytes().all(|b| b.is_ascii_digit()) && end > 3 {
            text = text[end..].trim_start_matches(':').trim();
        }
    }
    let mut stop_given = false;
    if text.contains('=') {
        for tok in text.split(|c: char| c.is_whitespace()).filter(|t| !t.is_empty()) {
            let (k, v) = tok.split_once('=').ok_or_else(bad)?;
            match k.to_ascii_lowercase().as_str() {
                "baud" => d.BaudRate = baud_of(v).ok_or_else(bad)?,
                "parity" => d.Parity = parity_of(v).ok_or_else(bad)?,
                "data" => d.ByteSize = data_of(v).ok_or_else(bad)?,
                "stop" => {
                    d.StopBits = stop_of(v).ok_or_else(bad)?;
                    stop_given = true;
                }
                "to" => {
                    on_off(v).ok_or_else(bad)?;
                }
                "xon" => {
                    let on = u32::from(on_off(v).ok_or_else(bad)?);
                    d.fOutX = on;
                    d.fInX = on;
                }
                "odsr" => d.fOutxDsrFlow = u32::from(on_off(v).ok_or_else(bad)?),
                "octs" => d.fOutxCtsFlow = u32::from(on_off(v).ok_or_else(bad)?),
                "idsr" => d.fDsrSensitivity = u32::from(on_off(v).ok_or_else(bad)?),
                "dtr" => {
                    d.fDtrControl = match v.to_ascii_lowercase().as_str() {
                        "on" => 1,
                        "off" => 0,
                        "hs" => 2,
                        _ => return Err(bad()),
                    }
                }
                "rts" => {
                    d.fRtsControl = match v.to_ascii_lowercase().as_str() {
                        "on" => 1,
                        "off" => 0,
                        "hs" => 2,
                        "tg" => 3,
                        _ => return Err(bad()),
                    }
                }
                _ => return Err(bad()),
            }
        }
    } else {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.is_empty() || parts.len() > 5 || parts[0].is_empty() {
            return Err(bad());
        }
        d.BaudRate = baud_of(parts[0]).ok_or_else(bad)?;
        if let Some(p) = parts.get(1).filter(|p| !p.is_empty()) {
            d.Parity = parity_of(p).ok_or_else(bad)?;
        }
        if let Some(b) = parts.get(2).filter(|p| !p.is_empty()) {
            d.ByteSize = data_of(b).ok_or_else(bad)?;
        }
        if let Some(s) = parts.get(3).filter(|p| !p.is_empty()) {
            d.StopBits = stop_of(s).ok_or_else(bad)?;
            stop_given = true;
        }
        // (fOutX/fInX, fOutxCtsFlow/fOutxDsrFlow, fDtrControl/fRtsControl): none, xon/xoff, hardware.
        let (xon, hw, lines) = match parts.get(4).map(|s| s.to_ascii_lowercase()).as_deref() {
            None => (0, 0, 1),
            Some("x") => (1, 0, 1),
            Some("p") => (0, 1, 2),
            Some(_) => return Err(bad()),
        };
        (d.fOutX, d.fInX) = (xon, xon);
        (d.fOutxCtsFlow, d.fOutxDsrFlow) = (hw, hw);
        (d.fDtrControl, d.fRtsControl) = (lines, lines);
    }
    if !stop_given && d.StopBits == ONESTOPBIT && d.BaudRate == 110 {
        d.StopBits = TWOSTOPBITS; // mode's default for 110 baud
    }
    d.fBinary = 1;
    d.DCBlength = super::dcb::DCB_LENGTH;
    *dcb = d;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms() {
        let mut d = Dcb::default();
        build_comm_dcb("baud=9600 parity=N data=8 stop=1", &mut d).unwrap();
        assert_eq!((d.BaudRate, d.Parity, d.ByteSize, d.StopBits, d.fBinary), (9600, 0, 8, 0, 1));
        let mut d = Dcb::default();
        build_comm_dcb("19200,e,7,2", &mut d).unwrap();
        assert_eq!((d.BaudRate, d.Parity, d.ByteSize, d.StopBits), (19200, EVENPARITY, 7, TWOSTOPBITS));
        build_comm_dcb("COM3: 96,m,5,1.5,x", &mut d).unwrap();
        assert_eq!((d.BaudRate, d.Parity, d.ByteSize, d.StopBits, d.fOutX), (9600, MARKPARITY, 5, ONE5STOPBITS, 1));
        let before = d;
        assert!(build_comm_dcb("baud=9600 parity=Q", &mut d).is_err());
        assert!(build_comm_dcb("fast", &mut d).is_err());
        assert_eq!(d, before);
    }
}
