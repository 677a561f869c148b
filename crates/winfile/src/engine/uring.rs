//! io_uring backend: one ring per process, owned by one engine thread that submits the
//! queued jobs in batches and reaps their completions.
//!
//! Callers never touch the ring: `submit` pushes the job onto a mutex'd queue and wakes
//! the engine thread (through an eventfd whose read is always armed in the ring) only if
//! it is asleep. The engine thread runs the mandatory-lock and alignment checks, pushes
//! `IORING_OP_READ`/`WRITE` at the job's offset (-1, the current position, for pipes and
//! character devices, which io_uring polls internally), calls `submit_and_wait`, and for
//! each CQE calls the job's `done`. Ring ownership by one long-lived thread also means no
//! request is ever cancelled because the thread that issued the Win32 call exited
//! (io_uring cancels a task's requests when it exits; Windows keeps I/O of port-bound
//! handles alive).
//!
//! Cancellation: `wake_cancelled` asks the engine thread to send `IORING_OP_ASYNC_CANCEL`
//! (keyed by user_data) for every operation whose control block is cancelled; a pending
//! FIFO read then ends with -ECANCELED and completes with ERROR_OPERATION_ABORTED.
//!
//! Reads go straight into the caller's lent memory (see `overlapped::memory`); only
//! FILE_FLAG_NO_BUFFERING transfers whose memory is not sector-aligned go through an
//! aligned bounce buffer.
//!
//! # Safety
//! This is the only module of the engine with `unsafe` code: pushing an SQE hands the
//! kernel raw pointers to memory and a file descriptor. Both stay valid until the CQE
//! is reaped because the in-flight table owns them: the `Op` owns its lent memory (valid
//! until dropped, by the `IoMemory` contract) and bounce buffer (a `Vec` never resized
//! while in flight), and its `Arc<File>` keeps the descriptor open — an owned duplicate
//! even for CRT-lent handles, see `handle::osf`. An `Op` leaves the table only after its
//! last CQE is reaped; if the engine loop itself fails, the memory of every operation
//! still in the kernel is leaked rather than freed. The eventfd buffer lives in the
//! engine thread's frame, which never returns while the ring exists.

#![allow(unsafe_code)]

use super::Job;
use crate::consts::FILE_FLAG_NO_BUFFERING;
use crate::error::Win32Error;
use crate::handle::FileKind;
use crate::poison::MutexExt;
use io_uring::{cqueue, opcode, squeue, types, IoUring};
use rustix::io::Errno;
use std::os::fd::{AsRawFd, OwnedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use std::thread;

/// Submission queue entries; completions beyond the CQ's size are kept by the kernel
/// (IORING_FEAT_NODROP), so this bounds batching, not the operations in flight.
const ENTRIES: u32 = 256;
/// user_data of the armed eventfd read that wakes the engine thread.
const WAKE: u64 = u64::MAX;
/// user_data of cancellation requests (their own CQEs carry nothing we need).
const CANCEL: u64 = u64::MAX - 1;
/// Sector size of the FILE_FLAG_NO_BUFFERING rules (as the synchronous path).
const SECTOR: u64 = 512;
/// Buffer alignment for O_DIRECT transfers.
const MEM_ALIGN: usize = 4096;

/// What callers share with the engine thread.
struct Shared {
    /// Checked operations not yet taken by the engine thread.
    queue: Mutex<Vec<Op>>,
    /// Set by `wake_cancelled`: scan the table for cancelled operations.
    cancel: AtomicBool,
    /// The engine thread is (about to be) waiting in the kernel: wake it through `wake`.
    idle: AtomicBool,
    /// The engine loop failed: submissions go elsewhere (set under the `queue` lock).
    retired: AtomicBool,
    wake: OwnedFd,
}

impl Shared {
    fn kick(&self) {
        if let Err(e) = rustix::io::write(&self.wake, &1u64.to_ne_bytes()) {
            log::debug!("io_uring engine wake-up failed: {e}");
        }
    }
}

pub(super) struct Uring {
    shared: Arc<Shared>,
}

impl Uring {
    /// Starts the engine thread, which creates the ring and submits a NOP; the reason
    /// when the kernel refuses (ENOSYS, EPERM from seccomp, io_uring_disabled) or the
    /// thread cannot start.
    pub(super) fn start() -> Result<Self, String> {
        let wake =
            rustix::event::eventfd(0, rustix::event::EventfdFlags::CLOEXEC).map_err(|e| format!("eventfd: {e}"))?;
        let shared = Arc::new(Shared {
            queue: Mutex::new(Vec::new()),
            cancel: AtomicBool::new(false),
            idle: AtomicBool::new(false),
            retired: AtomicBool::new(false),
            wake,
        });
        let (tx, rx) = sync_channel::<Result<(), String>>(1);
        let engine = shared.clone();
        let spawned = thread::Builder::new().name("winfile-uring".into()).spawn(move || {
            // The ring is created on its only user's thread (IORING_SETUP_SINGLE_ISSUER).
            let ring = match probe() {
                Ok(ring) => ring,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            let _ = tx.send(Ok(()));
            Engine::new(ring, engine).run();
        });
        spawned.map_err(|e| format!("engine thread: {e}"))?;
        match rx.recv() {
            Ok(Ok(())) => Ok(Uring { shared }),
            Ok(Err(why)) => Err(why),
            Err(_) => Err("the engine thread ended during the probe".into()),
        }
    }

    /// Whether the engine loop failed and was retired.
    pub(super) fn retired(&self) -> bool {
        self.shared.retired.load(Ordering::SeqCst)
    }

    /// Reads at once, on the caller's thread, what the page cache holds (RWF_NOWAIT),
    /// and queues the rest; gives the job back when the engine was retired.
    // The job is given back whole (moved to the pool), once per retired engine at most.
    #[allow(clippy::result_large_err)]
    pub(super) fn submit(&self, job: Job) -> Result<(), Job> {
        if self.retired() {
            return Err(job);
        }
        let Some(mut op) = Op::prepare(job) else { return Ok(()) };
        if op.try_inline() {
            op.finish_inline();
            return Ok(());
        }
        {
            let mut queue = self.shared.queue.locked();
            if self.retired() {
                return Err(op.into_job());
            }
            queue.push(op);
        }
        if self.shared.idle.swap(false, Ordering::SeqCst) {
            self.shared.kick();
        }
        Ok(())
    }

    pub(super) fn wake_cancelled(&self) {
        self.shared.cancel.store(true, Ordering::SeqCst);
        self.shared.kick();
    }
}

/// Creates the ring (with the single-issuer hints where the kernel has them) and checks
/// that it runs an operation.
fn probe() -> std::io::Result<IoUring> {
    let ring = IoUring::builder().setup_single_issuer().setup_coop_taskrun().build(ENTRIES);
    let mut ring = match ring {
        Ok(r) => r,
        Err(e) if e.raw_os_error() == Some(Errno::INVAL.raw_os_error()) => IoUring::new(ENTRIES)?,
        Err(e) => return Err(e),
    };
    let nop = opcode::Nop::new().build().user_data(CANCEL);
    // SAFETY: a NOP references no memory.
    unsafe { ring.submission().push(&nop) }.map_err(|_| std::io::Error::other("submission queue full"))?;
    ring.submit_and_wait(1)?;
    let cqe = ring.completion().next().ok_or_else(|| std::io::Error::other("no completion for NOP"))?;
    if cqe.result() < 0 {
        return Err(std::io::Error::from_raw_os_error(-cqe.result()));
    }
    Ok(ring)
}

/// An aligned stand-in for lent memory that O_DIRECT (FILE_FLAG_NO_BUFFERING) cannot
/// use as it is.
struct Bounce {
    mem: Vec<u8>,
    start: usize,
}

impl Bounce {
    fn new(len: usize) -> Self {
        let mem = vec![0; len + MEM_ALIGN];
        let start = mem.as_ptr().align_offset(MEM_ALIGN).min(MEM_ALIGN);
        Bounce { mem, start }
    }

    fn bytes(&mut self, len: usize) -> &mut [u8] {
        &mut self.mem[self.start..self.start + len]
    }
}

/// One operation in flight.
struct Op {
    job: Job,
    /// The aligned copy an unbuffered transfer uses instead of unaligned lent memory.
    bounce: Option<Bounce>,
    len: usize,
    /// Bytes transferred so far (short transfers are continued, as the pool's loops do).
    progress: usize,
    stream: bool,
    /// An ASYNC_CANCEL was sent for it.
    cancel_sent: bool,
    /// Waiting on a POLL_ADD after -EAGAIN (descriptors opened O_NONBLOCK).
    polling: bool,
    generation: u32,
    /// The outcome of an operation completed on the caller's thread.
    inline: Option<Outcome>,
}

/// What an operation ended with: (status, bytes).
type Outcome = (Win32Error, usize);

impl Op {
    /// The transfer's memory; `None` when the job was completed here (nothing to do).
    fn prepare(job: Job) -> Option<Op> {
        let len = job.mem.len();
        let done_now = if job.ctl.is_cancelled() {
            Some(Win32Error::OPERATION_ABORTED)
        } else if len == 0 {
            Some(Win32Error::SUCCESS)
        } else if !job.write && !job.mem.writable() {
            Some(Win32Error::NOACCESS)
        } else {
            None
        };
        if let Some(status) = done_now {
            let Job { mem, done, .. } = job;
            super::finish(done, mem, |_| (status, 0));
            return None;
        }
        let stream = job.file.kind() != FileKind::Disk;
        let unbuffered = !stream && job.file.flags() & FILE_FLAG_NO_BUFFERING != 0;
        let bounce = (unbuffered && job.mem.ptr().align_offset(SECTOR as usize) != 0).then(|| {
            let mut b = Bounce::new(len);
            if job.write {
                b.bytes(len).copy_from_slice(job.mem.bytes());
            }
            b
        });
        Some(Op {
            job,
            bounce,
            len,
            progress: 0,
            stream,
            cancel_sent: false,
            polling: false,
            generation: 0,
            inline: None,
        })
    }

    /// The job back, for another engine (nothing was transferred yet).
    fn into_job(self) -> Job {
        self.job
    }

    /// Where the transfer's next byte goes (or comes from).
    fn cursor(&mut self) -> *mut u8 {
        let base = match self.bounce.as_mut() {
            Some(b) => b.bytes(self.len).as_mut_ptr(),
            None => self.job.mem.ptr(),
        };
        // SAFETY: progress <= len, so the pointer stays within (or one past) the memory.
        unsafe { base.add(self.progress) }
    }

    /// Reads of cached disk data need no kernel worker nor engine thread: preadv2 with
    /// RWF_NOWAIT gives what the page cache holds, or EAGAIN. True when the operation
    /// is over (then `finish_inline`); otherwise the ring does the rest from `progress`.
    fn try_inline(&mut self) -> bool {
        // O_DIRECT transfers (FILE_FLAG_NO_BUFFERING) go to the device: the ring does them.
        if self.job.write || self.stream || self.job.file.flags() & FILE_FLAG_NO_BUFFERING != 0 {
            return false;
        }
        let file = self.job.file.clone();
        loop {
            let offset = self.job.offset + self.progress as u64;
            let Some(all) = self.job.mem.bytes_mut() else { return false };
            let rest = &mut all[self.progress..];
            let r = rustix::io::preadv2(
                file.fd(),
                &mut [std::io::IoSliceMut::new(rest)],
                offset,
                rustix::io::ReadWriteFlags::NOWAIT,
            );
            match r {
                Ok(0) => {
                    self.inline = Some(if self.progress == 0 {
                        (Win32Error::HANDLE_EOF, 0)
                    } else {
                        (Win32Error::SUCCESS, self.progress)
                    });
                    return true;
                }
                Ok(n) => {
                    self.progress += n;
                    if self.progress == self.len {
                        self.inline = Some((Win32Error::SUCCESS, self.progress));
                        return true;
                    }
                }
                Err(Errno::INTR) => {}
                Err(Errno::AGAIN | Errno::OPNOTSUPP | Errno::INVAL) => return false,
                Err(e) => {
                    self.inline = Some((Win32Error::from(e), 0));
                    return true;
                }
            }
        }
    }

    fn finish_inline(self) {
        let (status, n) = self.inline.unwrap_or((Win32Error::SUCCESS, self.progress));
        self.finish(status, n);
    }

    /// Publishes the outcome (after copying a bounced read into the lent memory).
    fn finish(self, status: Win32Error, n: usize) {
        let Op { job, bounce, stream, .. } = self;
        let Job { file, write, mem, done, .. } = job;
        super::finish(done, mem, move |mem| {
            if write {
                if status == Win32Error::SUCCESS && !stream {
                    crate::io::note_written(&file);
                }
            } else if let (Some(mut b), Some(dst)) = (bounce, mem.bytes_mut()) {
                let n = n.min(dst.len());
                dst[..n].copy_from_slice(&b.bytes(n)[..n]);
            }
            (status, n)
        });
    }
}

/// Memory the kernel may still write after the engine loop failed: never freed.
fn leak(op: Op) {
    let Op { job, bounce, .. } = op;
    let Job { mem, done, .. } = job;
    std::mem::forget(mem);
    std::mem::forget(bounce);
    if std::panic::catch_unwind(AssertUnwindSafe(|| done.call(Win32Error::OPERATION_ABORTED, 0))).is_err() {
        log::error!("winfile: a panic while publishing an aborted result was contained");
    }
}

struct Engine {
    ring: IoUring,
    shared: Arc<Shared>,
    ops: Vec<Option<Op>>,
    free: Vec<u32>,
    generations: Vec<u32>,
}

fn user_data(idx: u32, generation: u32) -> u64 {
    (u64::from(generation) << 32) | u64::from(idx)
}

impl Engine {
    fn new(ring: IoUring, shared: Arc<Shared>) -> Self {
        Engine { ring, shared, ops: Vec::new(), free: Vec::new(), generations: Vec::new() }
    }

    /// Pushes an entry, flushing the submission queue first when it is full.
    ///
    /// # Safety
    /// Memory and descriptors the entry references must stay valid until its CQE is reaped.
    unsafe fn push(&mut self, sqe: &squeue::Entry) {
        loop {
            // SAFETY: forwarded to the caller.
            if unsafe { self.ring.submission().push(sqe) }.is_ok() {
                return;
            }
            if let Err(e) = self.ring.submit() {
                log::debug!("io_uring submit failed: {e}");
                thread::yield_now();
            }
        }
    }

    /// Runs the loop until it fails (a panic in the engine's own code), then retires.
    fn run(mut self) {
        // The eventfd read's target lives as long as the process: the kernel may still
        // write it after the loop has failed and this frame is gone.
        let wake_buf: &'static mut [u8; 8] = Box::leak(Box::new([0u8; 8]));
        self.arm_wake(wake_buf);
        loop {
            if catch_unwind(AssertUnwindSafe(|| self.step(wake_buf))).is_err() {
                return self.retire();
            }
        }
    }

    /// A failed loop: later submissions go to the thread pool, queued operations too;
    /// operations the kernel holds complete with ERROR_OPERATION_ABORTED and their
    /// memory is leaked (closing the ring cancels them, but not synchronously).
    fn retire(mut self) {
        log::error!("winfile: the io_uring engine loop failed; later I/O goes to the thread pool");
        let queued = {
            let mut queue = self.shared.queue.locked();
            self.shared.retired.store(true, Ordering::SeqCst);
            std::mem::take(&mut *queue)
        };
        for op in queued {
            super::resubmit(op.into_job());
        }
        for op in self.ops.iter_mut().filter_map(Option::take) {
            leak(op);
        }
    }

    /// One round: start queued operations, send cancellations, enter the kernel, reap.
    fn step(&mut self, wake_buf: &mut [u8; 8]) {
        {
            let jobs = std::mem::take(&mut *self.shared.queue.locked());
            for op in jobs {
                self.start(op);
            }
            if self.shared.cancel.swap(false, Ordering::SeqCst) {
                self.send_cancels();
            }
            self.shared.idle.store(true, Ordering::SeqCst);
            let more = !self.shared.queue.locked().is_empty() || self.shared.cancel.load(Ordering::SeqCst);
            let r = if more || !self.ring.completion().is_empty() {
                self.shared.idle.store(false, Ordering::SeqCst);
                self.ring.submit()
            } else {
                self.ring.submit_and_wait(1)
            };
            self.shared.idle.store(false, Ordering::SeqCst);
            if let Err(e) = r {
                let transient =
                    [Errno::INTR, Errno::BUSY, Errno::AGAIN].iter().any(|c| e.raw_os_error() == Some(c.raw_os_error()));
                if !transient {
                    log::debug!("io_uring_enter failed: {e}");
                    thread::yield_now();
                }
            }
            let cqes: Vec<cqueue::Entry> = self.ring.completion().collect();
            for cqe in cqes {
                match cqe.user_data() {
                    WAKE => self.arm_wake(wake_buf),
                    CANCEL => {}
                    ud => self.complete(ud, cqe.result()),
                }
            }
        }
    }

    fn arm_wake(&mut self, buf: &mut [u8; 8]) {
        let sqe = opcode::Read::new(types::Fd(self.shared.wake.as_raw_fd()), buf.as_mut_ptr(), 8)
            .offset(u64::MAX)
            .build()
            .user_data(WAKE);
        // SAFETY: `buf` is leaked by `run` (it outlives the ring), and `shared.wake`
        // lives as long as `self`.
        unsafe { self.push(&sqe) };
    }

    /// Gives a checked operation a slot and starts it.
    fn start(&mut self, mut op: Op) {
        if op.job.ctl.is_cancelled() {
            return op.finish(Win32Error::OPERATION_ABORTED, 0);
        }
        let idx = match self.free.pop() {
            Some(i) => i,
            None => {
                self.ops.push(None);
                self.generations.push(0);
                u32::try_from(self.ops.len() - 1).unwrap_or(u32::MAX)
            }
        };
        let generation = self.generations[idx as usize].wrapping_add(1);
        self.generations[idx as usize] = generation;
        op.generation = generation;
        self.ops[idx as usize] = Some(op);
        self.issue(idx);
    }

    /// Pushes the transfer (or its remainder) of op `idx`.
    fn issue(&mut self, idx: u32) {
        let Some(op) = self.ops[idx as usize].as_mut() else { return };
        let fd = types::Fd(op.job.file.fd().as_raw_fd());
        let rest = op.len - op.progress;
        // The memory is not touched again until the CQE is reaped.
        let ptr = op.cursor();
        let len = u32::try_from(rest.min(1 << 30)).unwrap_or(1 << 30);
        // Pipes and devices have no offsets (Windows ignores the OVERLAPPED's too).
        let offset = if op.stream { u64::MAX } else { op.job.offset + op.progress as u64 };
        let ud = user_data(idx, op.generation);
        let sqe = if op.job.write {
            opcode::Write::new(fd, ptr, len).offset(offset).build()
        } else {
            opcode::Read::new(fd, ptr, len).offset(offset).build()
        };
        // SAFETY: the op (its buffer and its Arc<File>) stays in `ops` until its CQE is
        // reaped in `complete`.
        unsafe { self.push(&sqe.user_data(ud)) };
    }

    /// Waits for the descriptor to be ready (descriptors opened O_NONBLOCK give -EAGAIN).
    fn poll(&mut self, idx: u32) {
        let Some(op) = self.ops[idx as usize].as_mut() else { return };
        op.polling = true;
        let fd = types::Fd(op.job.file.fd().as_raw_fd());
        let flags = if op.job.write { libc::POLLOUT } else { libc::POLLIN };
        let sqe = opcode::PollAdd::new(fd, u32::try_from(flags).unwrap_or(0))
            .build()
            .user_data(user_data(idx, op.generation));
        // SAFETY: the descriptor is kept open by the op's Arc<File> until its CQE is reaped.
        unsafe { self.push(&sqe) };
    }

    fn send_cancels(&mut self) {
        let mut targets = Vec::new();
        for (i, slot) in self.ops.iter_mut().enumerate() {
            if let Some(op) = slot {
                if !op.cancel_sent && op.job.ctl.is_cancelled() {
                    op.cancel_sent = true;
                    targets.push(user_data(u32::try_from(i).unwrap_or(u32::MAX), op.generation));
                }
            }
        }
        for ud in targets {
            let sqe = opcode::AsyncCancel::new(ud).build().user_data(CANCEL);
            // SAFETY: a cancellation request references no memory.
            unsafe { self.push(&sqe) };
        }
    }

    fn complete(&mut self, ud: u64, res: i32) {
        let idx = (ud & 0xffff_ffff) as u32;
        let generation = (ud >> 32) as u32;
        let live = self.ops.get(idx as usize).and_then(Option::as_ref).is_some_and(|op| op.generation == generation);
        if !live {
            return;
        }
        let cancelled = self.ops[idx as usize].as_ref().is_some_and(|op| op.job.ctl.is_cancelled());
        let op = self.ops[idx as usize].as_mut().expect("live op");
        if op.polling {
            op.polling = false;
            if res >= 0 && !cancelled {
                return self.issue(idx);
            }
            return self.finish(idx, Win32Error::OPERATION_ABORTED, 0);
        }
        if res < 0 {
            let e = Errno::from_raw_os_error(-res);
            if cancelled || e == Errno::CANCELED {
                return self.finish(idx, Win32Error::OPERATION_ABORTED, 0);
            }
            if e == Errno::INTR {
                return self.issue(idx);
            }
            if e == Errno::AGAIN && op.stream {
                return self.poll(idx);
            }
            // A write that got somewhere reports what it wrote (as the pool's loop does).
            if op.job.write && op.progress > 0 && e != Errno::BADF {
                let n = op.progress;
                return self.finish(idx, Win32Error::SUCCESS, n);
            }
            return self.finish(idx, Win32Error::from(e), 0);
        }
        let n = usize::try_from(res).unwrap_or(0);
        op.progress += n;
        let progress = op.progress;
        if n == 0 {
            let status = match (op.job.write, op.stream, progress) {
                (false, false, 0) => Win32Error::HANDLE_EOF,
                (false, true, 0) => Win32Error::BROKEN_PIPE,
                _ => Win32Error::SUCCESS,
            };
            return self.finish(idx, status, progress);
        }
        // Disk reads fill the buffer up to end of file; writes go on until all is written.
        let continues = progress < op.len && (op.job.write || !op.stream);
        if continues && !cancelled {
            return self.issue(idx);
        }
        self.finish(idx, Win32Error::SUCCESS, progress);
    }

    fn finish(&mut self, idx: u32, status: Win32Error, n: usize) {
        let Some(op) = self.ops[idx as usize].take() else { return };
        self.free.push(idx);
        op.finish(status, n);
    }
}
