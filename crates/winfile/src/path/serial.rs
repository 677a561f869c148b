//! The default COM port mapping, used when neither drive table has a `comN` entry.
//!
//! - `COM1`–`COM4` are the legacy UARTs `/dev/ttyS0`–`/dev/ttyS3` (as on a PC);
//! - `COM5` onwards are the USB serial adapters and modems, `/dev/ttyUSB*` and
//!   `/dev/ttyACM*`, in the order of their `/dev/serial/by-id` names (stable for a
//!   given adapter, whatever order they were plugged in), then any not listed there in
//!   name order (`ttyACM*` before `ttyUSB*`, numerically).
//!
//! A `comN` symlink in the runtime or per-user table (`DefineDosDevice("COM7",
//! "/dev/ttyUSB3")`, or `ln -s /dev/ttyUSB3 ~/.config/winfile/dosdevices/com7`)
//! overrides the default for that number.

use std::path::{Path, PathBuf};

/// The number of legacy UART ports (`COM1`–`COM4` → `/dev/ttyS0`–`/dev/ttyS3`).
pub const LEGACY_PORTS: u32 = 4;

/// The USB serial devices (`/dev/ttyUSB*`, `/dev/ttyACM*`) in default COM order.
pub fn usb_ports() -> Vec<PathBuf> {
    usb_ports_in(Path::new("/dev"))
}

fn tty_order(name: &str) -> Option<(u8, u64)> {
    let (kind, digits) =
        if let Some(d) = name.strip_prefix("ttyACM") { (0, d) } else { (1, name.strip_prefix("ttyUSB")?) };
    Some((kind, digits.parse().ok()?))
}

fn usb_ports_in(dev: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dev.join("serial/by-id")) {
        let mut ids: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let target = std::fs::canonicalize(e.path()).ok()?;
                tty_order(target.file_name()?.to_str()?)?;
                Some((e.file_name().to_string_lossy().into_owned(), target))
            })
            .collect();
        ids.sort();
        for (_, t) in ids {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    let mut rest: Vec<((u8, u64), PathBuf)> = std::fs::read_dir(dev)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name();
                    let key = tty_order(name.to_str()?)?;
                    Some((key, e.path()))
                })
                .collect()
        })
        .unwrap_or_default();
    rest.sort();
    for (_, p) in rest {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// The default Linux device of `COMn` (n ≥ 1), if the mapping has one.
pub fn default_com_target(n: u32) -> Option<PathBuf> {
    match n {
        0 => None,
        1..=LEGACY_PORTS => Some(PathBuf::from(format!("/dev/ttyS{}", n - 1))),
        _ => usb_ports().into_iter().nth((n - LEGACY_PORTS - 1) as usize),
    }
}

/// The COM ports the default mapping gives that exist now: `(n, device)`.
pub fn default_com_ports() -> Vec<(u32, PathBuf)> {
    let mut out: Vec<(u32, PathBuf)> = (1..=LEGACY_PORTS)
        .map(|n| (n, PathBuf::from(format!("/dev/ttyS{}", n - 1))))
        .filter(|(_, p)| p.exists())
        .collect();
    out.extend(usb_ports().into_iter().enumerate().map(|(i, p)| (LEGACY_PORTS + 1 + i as u32, p)));
    out
}

/// The NT device name Windows shows for a serial device (`QueryDosDevice("COM1")`):
/// `\Device\Serial<k>` for `/dev/ttyS<k>`, `\Device\USBSER<k>` (three digits) for a
/// USB device at position k of the default order; `None` for anything else.
pub fn nt_serial_name(linux: &Path) -> Option<String> {
    let name = linux.file_name()?.to_str()?;
    if let Some(k) = name.strip_prefix("ttyS").and_then(|d| d.parse::<u32>().ok()) {
        return Some(format!(r"\Device\Serial{k}"));
    }
    tty_order(name)?;
    let canon = std::fs::canonicalize(linux).unwrap_or_else(|_| linux.to_path_buf());
    let k = usb_ports().iter().position(|p| *p == canon || p == linux)?;
    Some(format!(r"\Device\USBSER{k:03}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usb_order_by_id_then_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for n in ["ttyUSB1", "ttyUSB0", "ttyACM0", "ttyUSB10", "ttyS0", "ttyUSBx"] {
            std::fs::write(d.join(n), b"").unwrap();
        }
        std::fs::create_dir_all(d.join("serial/by-id")).unwrap();
        std::os::unix::fs::symlink(d.join("ttyUSB1"), d.join("serial/by-id/usb-AAA-if00-port0")).unwrap();
        let got: Vec<String> =
            usb_ports_in(d).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(got, ["ttyUSB1", "ttyACM0", "ttyUSB0", "ttyUSB10"]);
    }

    #[test]
    fn legacy_ports() {
        assert_eq!(default_com_target(1), Some(PathBuf::from("/dev/ttyS0")));
        assert_eq!(default_com_target(4), Some(PathBuf::from("/dev/ttyS3")));
        assert_eq!(default_com_target(0), None);
        assert_eq!(nt_serial_name(Path::new("/dev/ttyS2")).as_deref(), Some(r"\Device\Serial2"));
    }
}
