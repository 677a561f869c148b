//! Thread-pool backend: workers run pread/pwrite; pipes and devices are polled in short
//! slices so cancellation is noticed.

use super::{Job, JobKind};
use crate::error::Win32Error;
use crate::handle::FileKind;
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;

/// Worker count: enough for queue depth on disks without flooding small machines.
const WORKERS: usize = 8;
/// How long a worker blocks in poll before re-checking cancellation (pipes, devices).
const POLL_SLICE_MS: i64 = 50;

pub(super) struct Pool {
    tx: Mutex<Sender<Job>>,
}

impl Pool {
    pub(super) fn start() -> Self {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..WORKERS {
            let rx = rx.clone();
            let spawned = thread::Builder::new().name(format!("winfile-io-{i}")).spawn(move || worker(&rx));
            if let Err(e) = spawned {
                log::debug!("could not start I/O worker {i}: {e}");
            }
        }
        Pool { tx: Mutex::new(tx) }
    }

    pub(super) fn submit(&self, job: Job) {
        let tx = self.tx.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(failed) = tx.send(job) {
            let job = failed.0;
            (job.done)(Win32Error::NOT_ENOUGH_MEMORY, 0, Vec::new());
        }
    }

    /// Workers poll in slices and check their job's flag: nothing to wake explicitly.
    pub(super) fn wake_cancelled(&self) {}
}

fn worker(rx: &Arc<Mutex<Receiver<Job>>>) {
    loop {
        let job = {
            let rx = rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        run(job);
    }
}

/// Waits until the descriptor is ready or the job is cancelled.
fn wait_ready(job: &Job, flags: PollFlags) -> bool {
    let timeout = Timespec { tv_sec: 0, tv_nsec: POLL_SLICE_MS * 1_000_000 };
    loop {
        if job.ctl.is_cancelled() {
            return false;
        }
        let fd = job.file.fd();
        let mut fds = [PollFd::new(&fd, flags)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) | Err(rustix::io::Errno::INTR) => {}
            Ok(_) | Err(_) => return true,
        }
    }
}

fn run(job: Job) {
    if job.ctl.is_cancelled() {
        return (job.done)(Win32Error::OPERATION_ABORTED, 0, Vec::new());
    }
    let stream = job.file.kind() != FileKind::Disk;
    match &job.kind {
        JobKind::Read(len) => {
            if stream && !wait_ready(&job, PollFlags::IN) {
                return (job.done)(Win32Error::OPERATION_ABORTED, 0, Vec::new());
            }
            let mut buf = vec![0u8; *len];
            // Streams have no offsets: Windows ignores the OVERLAPPED's for pipes too.
            let r = if stream {
                crate::io::read_file(job.handle, &mut buf)
            } else {
                crate::io::read_file_at(job.handle, &mut buf, job.offset)
            };
            let (status, n) = match r {
                Ok(0) if *len > 0 && !stream => (Win32Error::HANDLE_EOF, 0),
                Ok(0) if *len > 0 => (Win32Error::BROKEN_PIPE, 0),
                Ok(n) => (Win32Error::SUCCESS, n),
                Err(e) => (e.code(), 0),
            };
            (job.done)(status, n, buf);
        }
        JobKind::Write(data) => {
            if stream && !wait_ready(&job, PollFlags::OUT) {
                return (job.done)(Win32Error::OPERATION_ABORTED, 0, Vec::new());
            }
            let r = if stream {
                crate::io::write_file(job.handle, data)
            } else {
                crate::io::write_file_at(job.handle, data, job.offset)
            };
            let (status, n) = match r {
                Ok(n) => (Win32Error::SUCCESS, n),
                Err(e) => (e.code(), 0),
            };
            (job.done)(status, n, Vec::new());
        }
    }
}
