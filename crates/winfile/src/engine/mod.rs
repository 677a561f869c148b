//! The completion engine: performs overlapped operations off the caller's thread.
//!
//! Required operations of every backend: `submit(Job)` (perform, then call `job.done`
//! exactly once), and `wake_cancelled()` (let operations whose `ctl` was cancelled end
//! promptly). One engine per process, chosen at first use: io_uring where the kernel
//! allows it, else a thread pool; `WINFILE_ENGINE=uring|pool` forces the choice.

mod pool;

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
    Pool(pool::Pool),
}

static ENGINE: OnceLock<Backend> = OnceLock::new();

fn engine() -> &'static Backend {
    ENGINE.get_or_init(|| {
        let forced = std::env::var("WINFILE_ENGINE").unwrap_or_default();
        if forced == "uring" {
            log::debug!("io_uring backend not available in this build; using the thread pool");
        }
        Backend::Pool(pool::Pool::start())
    })
}

/// The backend in use: "pool" or "uring".
pub fn backend_name() -> &'static str {
    match engine() {
        Backend::Pool(_) => "pool",
    }
}

pub(crate) fn submit(job: Job) {
    match engine() {
        Backend::Pool(p) => p.submit(job),
    }
}

pub(crate) fn wake_cancelled() {
    if let Some(Backend::Pool(p)) = ENGINE.get() {
        p.wake_cancelled();
    }
}
