//! Queues: PurgeComm, ClearCommError (errors and COMSTAT), SetupComm.

use super::port::{port, vanished, OpKind};
use super::sys;
use crate::error::{Error, Result, Win32Error};
use crate::handle::Handle;
use crate::poison::MutexExt;
use rustix::termios::{tcflush, QueueSelector};

/// Abort pending writes.
pub const PURGE_TXABORT: u32 = 1;
/// Abort pending reads.
pub const PURGE_RXABORT: u32 = 2;
/// Discard the output queue.
pub const PURGE_TXCLEAR: u32 = 4;
/// Discard the input queue.
pub const PURGE_RXCLEAR: u32 = 8;

/// ClearCommError error bits.
pub const CE_RXOVER: u32 = 0x1;
/// Overrun (a character lost in the UART).
pub const CE_OVERRUN: u32 = 0x2;
/// Parity error.
pub const CE_RXPARITY: u32 = 0x4;
/// Framing error.
pub const CE_FRAME: u32 = 0x8;
/// Break detected.
pub const CE_BREAK: u32 = 0x10;

/// `COMSTAT`: the hold reasons and the queue counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(non_snake_case, missing_docs)]
pub struct ComStat {
    pub fCtsHold: u32,
    pub fDsrHold: u32,
    pub fRlsdHold: u32,
    pub fXoffHold: u32,
    pub fXoffSent: u32,
    pub fEof: u32,
    pub fTxim: u32,
    pub fReserved: u32,
    pub cbInQue: u32,
    pub cbOutQue: u32,
}

/// `PurgeComm`—PURGE_TXABORT/RXABORT complete the pending writes/reads with
/// ERROR_OPERATION_ABORTED (995); PURGE_TXCLEAR/RXCLEAR discard the queues. Other bits
/// are ERROR_INVALID_PARAMETER (87).
///
/// # Linux mechanism
/// The pending transfers' wake-ups (each sleeps in poll(2) on its eventfd), then
/// tcflush(3) TCOFLUSH/TCIFLUSH. Bytes a write already gave the kernel stay there
/// unless TXCLEAR is given too.
pub fn purge_comm(h: Handle, flags: u32) -> Result<()> {
    const API: &str = "PurgeComm";
    let (file, state) = port(h, API)?;
    if flags & !0xF != 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    if flags & PURGE_TXABORT != 0 {
        state.abort(OpKind::Write);
    }
    if flags & PURGE_RXABORT != 0 {
        state.abort(OpKind::Read);
    }
    let flush = |q| tcflush(file.fd(), q).map_err(|e| Error::new(vanished(e, false), API));
    if flags & PURGE_TXCLEAR != 0 {
        flush(QueueSelector::OFlush)?;
    }
    if flags & PURGE_RXCLEAR != 0 {
        flush(QueueSelector::IFlush)?;
    }
    Ok(())
}

/// `ClearCommError`—the line errors since the last call (CE_* bits; a real UART's
/// counters, always 0 on a pseudo-terminal) and the COMSTAT with the queue counts.
///
/// # Linux mechanism
/// TIOCGICOUNT differences (frame, overrun, parity, break, buffer overrun), TIOCINQ
/// and TIOCOUTQ; fXoffHold from nothing Linux reports (0).
pub fn clear_comm_error(h: Handle) -> Result<(u32, ComStat)> {
    const API: &str = "ClearCommError";
    let (file, state) = port(h, API)?;
    let fd = file.fd();
    let inq = sys::in_queue(fd).map_err(|e| Error::new(vanished(e, false), API))?;
    let outq = sys::out_queue(fd).unwrap_or(0);
    let mut errors = 0;
    if let Ok(now) = sys::counters(fd) {
        let mut base = state.errors_base.locked();
        if let Some(b) = *base {
            for (n, old, bit) in [
                (now.buf_overrun, b.buf_overrun, CE_RXOVER),
                (now.overrun, b.overrun, CE_OVERRUN),
                (now.parity, b.parity, CE_RXPARITY),
                (now.frame, b.frame, CE_FRAME),
                (now.brk, b.brk, CE_BREAK),
            ] {
                if n != old {
                    errors |= bit;
                }
            }
        }
        *base = Some(now);
    }
    Ok((errors, ComStat { cbInQue: inq, cbOutQue: outq, ..ComStat::default() }))
}

/// `SetupComm`—the recommended queue sizes. Linux's tty buffers have fixed sizes, so
/// the sizes are recorded only.
///
/// # Linux mechanism
/// Kept on the handle.
pub fn setup_comm(h: Handle, in_queue: u32, out_queue: u32) -> Result<()> {
    const API: &str = "SetupComm";
    let (_, state) = port(h, API)?;
    *state.queues.locked() = (in_queue, out_queue);
    Ok(())
}
