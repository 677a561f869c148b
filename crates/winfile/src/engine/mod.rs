//! The completion engine: performs overlapped operations off the caller's thread.
//!
//! Required operations of every backend: `submit(Job)` (perform, then call `job.done`
//! exactly once), and `wake_cancelled()` (let operations whose `ctl` was cancelled end
//! promptly). One engine per process, chosen at first use: io_uring where the kernel
//! allows it (probed by creating a ring and running a NOP), else a thread pool;
//! `WINFILE_ENGINE=uring|pool` forces the choice (a forced io_uring that the kernel
//! refuses still falls back to the pool, with a debug log).

mod pool;
mod uring;

use crate::error::Win32Error;
use crate::handle::{File, Handle};
use crate::overlapped::OpCtlRef;
use std::sync::{Arc, OnceLock};

/// An operation to perform.
pub(crate) enum JobKind {
    /// Read up to this many bytes.
    Read(usize),
    /// Write these bytes.
    Write(Vec<u8>),
}

/// One overlapped operation handed to the engine.
pub(crate) struct Job {
    pub handle: Handle,
    pub file: Arc<File>,
    pub kind: JobKind,
    pub offset: u64,
    pub ctl: OpCtlRef,
    /// Called once with (status, bytes, read data).
    pub done: Box<dyn FnOnce(Win32Error, usize, Vec<u8>) + Send>,
}

/// The backends.
enum Backend {
    Uring(uring::Uring),
    Pool(pool::Pool),
}

static ENGINE: OnceLock<Backend> = OnceLock::new();

fn engine() -> &'static Backend {
    ENGINE.get_or_init(|| {
        let forced = std::env::var("WINFILE_ENGINE").unwrap_or_default();
        if forced == "pool" {
            log::debug!("WINFILE_ENGINE=pool: using the thread pool");
            return Backend::Pool(pool::Pool::start());
        }
        if !forced.is_empty() && forced != "uring" {
            log::debug!("WINFILE_ENGINE={forced:?} is not uring or pool; probing");
        }
        match uring::Uring::start() {
            Some(u) => Backend::Uring(u),
            None => {
                log::debug!("io_uring backend unavailable; using the thread pool");
                Backend::Pool(pool::Pool::start())
            }
        }
    })
}

/// The backend in use: "uring" or "pool" (chosen, by probing, at the first call).
pub fn backend_name() -> &'static str {
    match engine() {
        Backend::Uring(_) => "uring",
        Backend::Pool(_) => "pool",
    }
}

pub(crate) fn submit(job: Job) {
    match engine() {
        Backend::Uring(u) => u.submit(job),
        Backend::Pool(p) => p.submit(job),
    }
}

pub(crate) fn wake_cancelled() {
    match ENGINE.get() {
        Some(Backend::Uring(u)) => u.wake_cancelled(),
        Some(Backend::Pool(p)) => p.wake_cancelled(),
        None => {}
    }
}
