//! Moving the bytes: a reflink when the file system shares extents, else
//! copy_file_range(2) in chunks, else pread/pwrite; the progress routine between chunks.

use super::{Progress, ProgressFn, Stop};
use crate::consts::{CALLBACK_CHUNK_FINISHED, CALLBACK_STREAM_SWITCH, PROGRESS_CANCEL, PROGRESS_QUIET, PROGRESS_STOP};
use crate::error::Win32Error;
use crate::handle::Handle;
use rustix::io::Errno;
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicBool, Ordering};

/// Bytes between two progress reports (and the unit of cancellation): big enough that
/// the kernel copy runs at full speed, small enough that progress and cancel respond.
pub(crate) const CHUNK: u64 = 16 << 20;

/// Buffer size of the read/write fallback.
const BUF: usize = 1 << 20;

/// How a data copy ended without an I/O error.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Every byte is there.
    Done,
    /// The routine (or the cancel flag) stopped the copy after `done` bytes.
    Stopped(Stop, u64),
}

/// The running copy: what the routine is told, and whether it still wants to hear.
pub(crate) struct Reporter<'a, 'b> {
    pub(crate) routine: Option<&'a mut ProgressFn<'b>>,
    pub(crate) cancel: Option<&'a AtomicBool>,
    pub(crate) source: Handle,
    pub(crate) destination: Handle,
    pub(crate) total: u64,
}

impl Reporter<'_, '_> {
    /// Calls the routine (unless it asked for quiet); `Some` means stop.
    fn report(&mut self, done: u64, reason: u32) -> Option<Stop> {
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Some(Stop::Cancel);
        }
        let routine = self.routine.as_mut()?;
        let p = Progress {
            total_size: self.total,
            total_transferred: done,
            stream_size: self.total,
            stream_transferred: done,
            stream_number: 1,
            reason,
            source: self.source,
            destination: self.destination,
        };
        match routine(&p) {
            PROGRESS_CANCEL => Some(Stop::Cancel),
            PROGRESS_STOP => Some(Stop::Stop),
            PROGRESS_QUIET => {
                self.routine = None;
                None
            }
            _ => None, // PROGRESS_CONTINUE (and values Windows does not define)
        }
    }
}

/// Copies `src[start..len]` to the same offsets of `dst`, reporting the stream switch
/// first (with `start` bytes already there) and each finished chunk after.
pub(crate) fn copy_data(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    start: u64,
    len: u64,
    rep: &mut Reporter<'_, '_>,
) -> Result<Outcome, Win32Error> {
    if let Some(stop) = rep.report(start, CALLBACK_STREAM_SWITCH) {
        return Ok(Outcome::Stopped(stop, start));
    }
    if start == 0 && len > 0 && rustix::fs::ioctl_ficlone(dst, src).is_ok() {
        return Ok(match rep.report(len, CALLBACK_CHUNK_FINISHED) {
            Some(stop) => Outcome::Stopped(stop, len),
            None => Outcome::Done,
        });
    }
    let mut done = start;
    let mut use_cfr = true;
    let mut buf = Vec::new();
    loop {
        let end = done.saturating_add(CHUNK).min(len.max(done));
        // The source may grow while it is copied: keep going until a read returns 0,
        // one chunk at a time, as Windows copies what it reads.
        let want = if done < len { end - done } else { CHUNK };
        let n = if use_cfr {
            match cfr_chunk(src, dst, done, want) {
                Ok(n) => n,
                Err(Errno::XDEV | Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP | Errno::PERM) if done == start => {
                    use_cfr = false;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        } else {
            rw_chunk(src, dst, done, want, &mut buf)?
        };
        done += n;
        if n == 0 {
            return Ok(Outcome::Done);
        }
        if let Some(stop) = rep.report(done, CALLBACK_CHUNK_FINISHED) {
            return Ok(Outcome::Stopped(stop, done));
        }
    }
}

/// Up to `want` bytes by copy_file_range at `off`; fewer only at end of file.
fn cfr_chunk(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, off: u64, want: u64) -> Result<u64, Errno> {
    let mut got = 0u64;
    while got < want {
        let (mut off_in, mut off_out) = (off + got, off + got);
        let ask = usize::try_from(want - got).unwrap_or(usize::MAX);
        match rustix::fs::copy_file_range(src, Some(&mut off_in), dst, Some(&mut off_out), ask) {
            Ok(0) => break,
            Ok(n) => got += n as u64,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Up to `want` bytes by pread/pwrite at `off`; fewer only at end of file.
fn rw_chunk(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    off: u64,
    want: u64,
    buf: &mut Vec<u8>,
) -> Result<u64, Win32Error> {
    buf.resize(BUF, 0);
    let mut got = 0u64;
    while got < want {
        let ask = usize::try_from(want - got).unwrap_or(BUF).min(BUF);
        let n = match rustix::io::pread(src, &mut buf[..ask], off + got) {
            Ok(0) => break,
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        };
        let mut written = 0;
        while written < n {
            match rustix::io::pwrite(dst, &buf[written..n], off + got + written as u64) {
                Ok(w) => written += w,
                Err(Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        got += n as u64;
    }
    Ok(got)
}
