//! Pending overlapped pipe operations: one poller thread per process waits, with
//! poll(2), for the descriptors of every pending pipe operation (a read with no data
//! yet, a write that did not fit, a ConnectNamedPipe with no client, a transaction) and
//! runs the operation's next non-blocking attempt when its descriptor is ready. A
//! pending pipe operation costs no thread, however long it waits (a server's
//! ConnectNamedPipe may wait for days), which the engine's workers could not give.
//! Cancellation (CancelIo, CloseHandle) wakes the poller through an eventfd; the
//! operation's attempt is then called once more with `cancelled` set and completes it
//! with ERROR_OPERATION_ABORTED.

use crate::engine::OpCtlRef;
use crate::error::Win32Error;
use crate::poison::MutexExt;
use rustix::event::{poll, PollFd, PollFlags};
use rustix::io::Errno;
use std::os::fd::OwnedFd;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, OnceLock};

/// What an attempt left to do.
pub(crate) enum Step {
    /// The operation completed (its `Done` was called).
    Finished,
    /// Try again when the descriptor is ready for this.
    Wait(PollFlags),
}

/// One attempt of a pending operation; `true`: it was cancelled, complete it so.
pub(crate) type Attempt = Box<dyn FnMut(bool) -> Step + Send>;

struct Waiter {
    fd: Arc<OwnedFd>,
    flags: PollFlags,
    ctl: OpCtlRef,
    attempt: Attempt,
}

struct Poller {
    incoming: Mutex<Vec<Waiter>>,
    wake: OwnedFd,
}

impl Poller {
    fn kick(&self) {
        let _ = rustix::io::write(&self.wake, &1u64.to_ne_bytes());
    }
}

static POLLER: OnceLock<Result<Arc<Poller>, Win32Error>> = OnceLock::new();

fn poller() -> Result<&'static Arc<Poller>, Win32Error> {
    POLLER
        .get_or_init(|| {
            let wake =
                rustix::event::eventfd(0, rustix::event::EventfdFlags::CLOEXEC | rustix::event::EventfdFlags::NONBLOCK)
                    .map_err(|_| Win32Error::NO_SYSTEM_RESOURCES)?;
            let p = Arc::new(Poller { incoming: Mutex::new(Vec::new()), wake });
            let run = p.clone();
            std::thread::Builder::new()
                .name("winfile-pipe-poll".into())
                .spawn(move || run_loop(&run))
                .map_err(|_| Win32Error::NO_SYSTEM_RESOURCES)?;
            Ok(p)
        })
        .as_ref()
        .map_err(|e| *e)
}

/// Whether the poller runs (checked before an operation is begun).
pub(crate) fn ready() -> Result<(), Win32Error> {
    poller().map(|_| ())
}

/// Waits for `fd` to be ready for `flags`, then runs `attempt` (on the poller thread),
/// until it reports the operation finished. `ready()` must have succeeded.
pub(crate) fn register(fd: Arc<OwnedFd>, flags: PollFlags, ctl: OpCtlRef, mut attempt: Attempt) {
    let Ok(p) = poller() else {
        attempt(true);
        return;
    };
    let kick = p.clone();
    ctl.set_canceller(Box::new(move || kick.kick()));
    p.incoming.locked().push(Waiter { fd, flags, ctl, attempt });
    p.kick();
}

fn run_attempt(w: &mut Waiter, cancelled: bool) -> Step {
    match catch_unwind(AssertUnwindSafe(|| (w.attempt)(cancelled))) {
        Ok(step) => step,
        Err(_) => {
            log::error!("winfile: a panic in a pending pipe operation was contained");
            Step::Finished
        }
    }
}

fn run_loop(p: &Poller) {
    let mut waiters: Vec<Waiter> = Vec::new();
    loop {
        waiters.append(&mut p.incoming.locked());
        let mut i = 0;
        while i < waiters.len() {
            if waiters[i].ctl.is_cancelled() {
                let mut w = waiters.swap_remove(i);
                run_attempt(&mut w, true);
            } else {
                i += 1;
            }
        }
        let ready: Vec<bool> = {
            let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(waiters.len() + 1);
            fds.push(PollFd::new(&p.wake, PollFlags::IN));
            for w in &waiters {
                fds.push(PollFd::new(&*w.fd, w.flags));
            }
            match poll(&mut fds, None) {
                Ok(_) | Err(Errno::INTR) => {}
                Err(e) => {
                    log::debug!("pipe poller: poll failed: {e}");
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
            fds.iter().map(|f| !f.revents().is_empty()).collect()
        };
        if ready[0] {
            let mut buf = [0u8; 8];
            let _ = rustix::io::read(&p.wake, &mut buf);
        }
        for i in (0..waiters.len()).rev() {
            if !ready[i + 1] {
                continue;
            }
            let cancelled = waiters[i].ctl.is_cancelled();
            match run_attempt(&mut waiters[i], cancelled) {
                Step::Finished => {
                    waiters.swap_remove(i);
                }
                Step::Wait(flags) if !cancelled => waiters[i].flags = flags,
                Step::Wait(_) => {
                    waiters.swap_remove(i);
                }
            }
        }
    }
}
