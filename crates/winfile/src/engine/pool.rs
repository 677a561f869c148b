//! Thread-pool backend: workers run pread/pwrite straight into or out of the lent
//! memory; pipes and devices are polled in short slices so cancellation is noticed.

use super::Job;
use super::OpCtlRef;
use crate::error::Win32Error;
use crate::handle::{File, FileKind};
use crate::poison::MutexExt;
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
    /// Starts the workers; ERROR_NO_SYSTEM_RESOURCES when not even one thread starts
    /// (a pool without workers would leave every request pending).
    pub(super) fn start() -> Result<Self, Win32Error> {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let mut started = 0;
        for i in 0..WORKERS {
            let rx = rx.clone();
            match thread::Builder::new().name(format!("winfile-io-{i}")).spawn(move || worker(&rx)) {
                Ok(_) => started += 1,
                Err(e) => log::debug!("could not start I/O worker {i}: {e}"),
            }
        }
        if started == 0 {
            return Err(Win32Error::NO_SYSTEM_RESOURCES);
        }
        Ok(Pool { tx: Mutex::new(tx) })
    }

    pub(super) fn submit(&self, job: Job) {
        let tx = self.tx.locked();
        if let Err(failed) = tx.send(job) {
            let job = failed.0;
            job.done.call(Win32Error::NO_SYSTEM_RESOURCES, 0);
        }
    }

    /// Workers poll in slices and check their job's flag: nothing to wake explicitly.
    pub(super) fn wake_cancelled(&self) {}
}

fn worker(rx: &Arc<Mutex<Receiver<Job>>>) {
    loop {
        let job = {
            let rx = rx.locked();
            match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        run(job);
    }
}

/// Waits until the descriptor is ready or the operation is cancelled.
fn wait_ready(file: &File, ctl: &OpCtlRef, flags: PollFlags) -> bool {
    let timeout = Timespec { tv_sec: 0, tv_nsec: POLL_SLICE_MS * 1_000_000 };
    loop {
        if ctl.is_cancelled() {
            return false;
        }
        let fd = file.fd();
        let mut fds = [PollFd::new(&fd, flags)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) | Err(rustix::io::Errno::INTR) => {}
            Ok(_) | Err(_) => return true,
        }
    }
}

fn run(job: Job) {
    let Job { file, write, mem, offset, ctl, done } = job;
    let stream = file.kind() != FileKind::Disk;
    super::finish(done, mem, |mem| {
        if ctl.is_cancelled() {
            return (Win32Error::OPERATION_ABORTED, 0);
        }
        if let Some(dev) = crate::io::device::device_of(&file) {
            // A device's own rules (whole messages, read timeouts) decide the wait.
            let r = if write {
                dev.write(&file, mem.bytes())
            } else {
                let Some(buf) = mem.bytes_mut() else { return (Win32Error::NOACCESS, 0) };
                dev.read_async(&file, crate::io::device::as_uninit(buf), &|| ctl.is_cancelled())
            };
            return match r {
                Ok(n) => (Win32Error::SUCCESS, n),
                Err(e) => (e.code(), 0),
            };
        }
        let flags = if write { PollFlags::OUT } else { PollFlags::IN };
        if stream && !wait_ready(&file, &ctl, flags) {
            return (Win32Error::OPERATION_ABORTED, 0);
        }
        // Streams have no offsets: Windows ignores the OVERLAPPED's for pipes too.
        let at = (!stream).then_some(offset);
        if write {
            return match crate::io::transfer_out(&file, mem.bytes(), at) {
                Ok(n) => (Win32Error::SUCCESS, n),
                Err(e) => (Win32Error::from(e), 0),
            };
        }
        let len = mem.len();
        let Some(buf) = mem.bytes_mut() else { return (Win32Error::NOACCESS, 0) };
        match crate::io::transfer(&file, buf, at) {
            Ok(0) if len > 0 && !stream => (Win32Error::HANDLE_EOF, 0),
            Ok(0) if len > 0 => (Win32Error::BROKEN_PIPE, 0),
            Ok(n) => (Win32Error::SUCCESS, n),
            Err(e) => (Win32Error::from(e), 0),
        }
    });
}
