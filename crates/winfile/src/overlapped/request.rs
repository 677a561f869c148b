//! ReadFile/WriteFile/LockFileEx/ReadDirectoryChangesW with an OVERLAPPED,
//! `GetOverlappedResult`, `CancelIo`, and aborting a closing handle's I/O.
//!
//! Every entry point validates everything it can before it touches any state: a
//! rejected call returns its error and leaves the OVERLAPPED, its event and the handle
//! as they were. Once an operation is begun (`begin`), it completes exactly once.

use super::port::{self, Packet};
use super::state::Overlapped;
use super::token::Token;
use crate::consts::FILE_FLAG_OVERLAPPED;
use crate::engine::{self, Ctl, Job, Lent, OpCtl, OpCtlRef};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, hub, Extension, File, Handle};
use crate::poison::MutexExt;
use crate::sync::Event;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::thread::ThreadId;

/// What the caller's OVERLAPPED brings to a request.
pub struct Submit {
    /// The completion state shared with the caller's object.
    pub ol: Arc<Overlapped>,
    /// `hEvent` (0 = none). With its low bit set, no packet goes to a completion port.
    pub event: Handle,
    /// Returned with the completion packet (the caller's OVERLAPPED object).
    pub token: Option<Token>,
}

impl Submit {
    /// Whether the completion goes to the handle's port: not when hEvent's low bit is set.
    fn posts(&self) -> bool {
        self.event.raw() & 1 == 0
    }
}

/// How a request with an OVERLAPPED went.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Issued {
    /// Queued: the caller sees ERROR_IO_PENDING; the OVERLAPPED completes later.
    Pending,
    /// Done before returning (a synchronous handle): this many bytes; the OVERLAPPED
    /// already holds the result and its event is set.
    Completed(usize),
}

/// A file handle's overlapped state: its operations in flight and its completion port.
#[derive(Default)]
pub(crate) struct IoState {
    /// The operations in flight with a control block of their own.
    inflight: Mutex<Vec<Arc<OpCtl>>>,
    /// How many light operations (see [`LightCtl`]) are in flight: CancelIo and the
    /// close wake the socket reactor for them only when some are. Written by every
    /// socket operation that waits (when it begins, and on the thread that completes
    /// it): on a cache line of its own, apart from what every completion reads (the
    /// port association, the cancellation count).
    light: Apart<AtomicUsize>,
    /// Counts the CancelIo calls that found light operations in flight; [`CLOSED`] once
    /// the handle closed. A light operation is cancelled if it changed since the
    /// operation began and ...
    cancel_gen: AtomicU64,
    /// ... the handle closed, or its issuer's last CancelIo came after it began: each
    /// thread's last CancelIo (its count), one entry per thread that called it.
    cancels: Mutex<Vec<(ThreadId, u64)>>,
    /// The port its completions go to, with the key (`CreateIoCompletionPort`): set once
    /// for the life of the file object, as on Windows (the file object holds the port's
    /// object, which a closed port's handle no longer reaches: its packets are dropped);
    /// read without a lock by each completion.
    pub(super) port: OnceLock<port::Association>,
}

/// A value on a cache line of its own (see [`IoState::light`]).
#[derive(Default)]
#[repr(align(64))]
struct Apart<T>(T);

impl<T> std::ops::Deref for Apart<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// [`IoState::cancel_gen`]'s mark of a closed handle.
const CLOSED: u64 = 1 << 63;

impl IoState {
    fn inflight(&self) -> std::sync::MutexGuard<'_, Vec<Arc<OpCtl>>> {
        self.inflight.locked()
    }

    /// A light operation begins: counted in flight; its ticket (see [`Ticket::Light`]).
    fn begin_light(&self) -> (ThreadId, u64) {
        // Counted first: a CancelIo or a close that does not see it counted (they store,
        // then load; as this, sequentially consistent) made their change before the
        // load below, which then sees it.
        self.light.fetch_add(1, Ordering::SeqCst);
        let gen = self.cancel_gen.load(Ordering::SeqCst);
        // Begun on a closed handle: never equal to the count, so always looked at (and
        // cancelled).
        let since = if gen & CLOSED != 0 { u64::MAX } else { gen };
        (engine::current_id(), since)
    }

    /// Whether a light operation that `issuer` began at count `since` is cancelled. One
    /// load while no CancelIo or close came since it began.
    fn light_cancelled(&self, issuer: ThreadId, since: u64) -> bool {
        let gen = self.cancel_gen.load(Ordering::SeqCst);
        if gen == since {
            return false;
        }
        if gen & CLOSED != 0 {
            return true;
        }
        self.cancels.locked().iter().any(|&(t, at)| t == issuer && at > since)
    }

    /// CancelIo by `me`: cancels the light operations it began (if any are in flight:
    /// its own, counted before this call), and wakes the reactor they wait in.
    fn cancel_light(&self, me: ThreadId) {
        if self.light.load(Ordering::SeqCst) == 0 {
            return;
        }
        {
            let mut cancels = self.cancels.locked();
            // Under the lock: a reader that sees the new count finds the entry.
            let at = (self.cancel_gen.fetch_add(1, Ordering::SeqCst) + 1) & !CLOSED;
            match cancels.iter_mut().find(|(t, _)| *t == me) {
                Some(entry) => entry.1 = at,
                None => cancels.push((me, at)),
            }
        }
        engine::run_cancel_waker();
    }

    /// The handle closes: every light operation in flight is cancelled.
    fn close_light(&self) {
        self.cancel_gen.fetch_or(CLOSED, Ordering::SeqCst);
        if self.light.load(Ordering::SeqCst) > 0 {
            engine::run_cancel_waker();
        }
    }
}

/// The cancellation of a light operation (the socket operations of `net`): its handle's
/// overlapped state, its issuer and the cancellation count when it began. No control
/// block and no in-flight list entry: CancelIo and the close change the count, and the
/// operation (waiting in the socket reactor, which they wake) reads it.
#[derive(Clone)]
pub(crate) struct LightCtl {
    state: Arc<IoState>,
    issuer: ThreadId,
    since: u64,
}

impl LightCtl {
    pub(crate) fn is_cancelled(&self) -> bool {
        self.state.light_cancelled(self.issuer, self.since)
    }
}

/// How a completion finds its operation's cancellation.
enum Ticket {
    /// Its control block on the in-flight list, by address (the list holds it until
    /// then: no reference of its own).
    Listed(usize),
    /// A light operation: its issuer and the cancellation count when it began.
    Light { issuer: ThreadId, since: u64 },
}

impl Extension for IoState {
    /// After change watches (which complete their reads themselves), before the rest.
    fn close_order(&self) -> u8 {
        1
    }

    /// The handle closes: its pending I/O completes with ERROR_OPERATION_ABORTED (and
    /// still posts to the port: the association lasts as long as the file object).
    fn on_close(&self, _file: &File) {
        let ctls = self.inflight().clone();
        for ctl in &ctls {
            ctl.cancel();
        }
        if !ctls.is_empty() {
            engine::wake_cancelled();
        }
        self.close_light();
    }
}

/// The event of an OVERLAPPED's `hEvent` (its low bit, which only keeps the packet
/// from the port, aside); ERROR_INVALID_HANDLE for a value that is not an event.
fn event_of(h: Handle, api: &'static str) -> Result<Option<Arc<Event>>> {
    let raw = h.raw() & !1;
    if raw == 0 {
        return Ok(None);
    }
    handle::get::<Event>(Handle::from_raw(raw)).map(Some).api(api)
}

/// A validated request, not yet begun: what its completion needs.
struct Checked {
    file: Arc<File>,
    event: Option<Arc<Event>>,
    submit: Submit,
}

fn check(h: Handle, s: Submit, api: &'static str) -> Result<Checked> {
    let file = handle::get::<File>(h).api(api)?;
    let event = event_of(s.event, api)?;
    Ok(Checked { file, event, submit: s })
}

/// Begins a checked operation (it can no longer fail): registers it on the file and
/// marks the OVERLAPPED pending, the file object and the event non-signaled. The
/// returned completion stores the result in the OVERLAPPED, then signals the file
/// object and the event, then posts to the file's port (unless hEvent's low bit is set).
fn begin(c: Checked) -> (OpCtlRef, Done) {
    begin_as(c, None)
}

/// [`begin`], the operation light (`light`, the handle's overlapped state: see
/// [`LightCtl`]) or with a control block on the handle's in-flight list.
fn begin_as(c: Checked, light: Option<Arc<IoState>>) -> (OpCtlRef, Done) {
    let Checked { file, event, submit: s } = c;
    let (ctl, ticket) = if let Some(state) = light {
        let (issuer, since) = state.begin_light();
        (Ctl::Light(LightCtl { state, issuer, since }), Ticket::Light { issuer, since })
    } else {
        let ctl = Arc::new(OpCtl::new());
        file.ext_ref_or_default::<IoState>().inflight().push(ctl.clone());
        let op = Arc::as_ptr(&ctl) as usize;
        (Ctl::Block(ctl), Ticket::Listed(op))
    };
    let post = s.posts();
    if let Some(ev) = &event {
        // One hub lock for the whole start: the OVERLAPPED, the file object, the event
        // (a wait on several of them sees all three change at once).
        let g = hub::lock();
        s.ol.begin_locked(&g);
        file.reset_signal_locked(&g);
        ev.reset_locked(&g);
    } else {
        // No event: the OVERLAPPED and the file object become pending and non-signaled
        // without the hub lock. Taking a signal away wakes no one, and a wait that
        // checks them meanwhile sees either state, as if the operation began just after
        // its check; the completion's changes, under the lock, follow these.
        s.ol.begin_unlocked();
        file.reset_signal_unlocked();
    }
    let done = Done { ticket, ol: s.ol, file, event, post, token: s.token };
    (ctl, done)
}

/// The completion of a begun operation: publishes its outcome exactly once
/// ([`Done::call`]). A plain value (what the completion needs, moved along with the
/// operation), not a boxed closure: completing costs no allocation.
pub(crate) struct Done {
    /// Where its cancellation is read.
    ticket: Ticket,
    ol: Arc<Overlapped>,
    file: Arc<File>,
    event: Option<Arc<Event>>,
    /// A packet goes to the file's port, if it has one when the operation completes
    /// (hEvent's low bit clear).
    post: bool,
    token: Option<Token>,
}

impl Done {
    /// The handle's object the operation runs on.
    pub(crate) fn file(&self) -> &Arc<File> {
        &self.file
    }

    /// Publishes (status, bytes transferred): the operation leaves the handle's
    /// in-flight list (or, light, its count of light operations); status and count in the OVERLAPPED, then the file object and the
    /// event, under one hub lock (one wake-up; without an event and while no thread
    /// waits, with no lock: `hub::raise`); then the packet, to the port the file is
    /// associated with now (as Windows, which looks at the file object's completion
    /// context when the I/O completes). A cancelled operation completes with
    /// ERROR_OPERATION_ABORTED and 0 bytes.
    pub(crate) fn call(self, status: Win32Error, bytes: usize) {
        let Done { ticket, ol, file, event, post, token } = self;
        // The operation leaves the handle's in-flight list first (a CancelIo or a close
        // that comes later finds it done, as on Windows), and its cancellation is read
        // from the control block the list held. (The overlapped state is never taken
        // from a live file object: it was made at begin.)
        let state = file.ext_ref::<IoState>();
        let (ctl, cancelled) = match (ticket, state.as_ref()) {
            (Ticket::Listed(op), Some(state)) => {
                let ctl = {
                    let mut list = state.inflight();
                    list.iter().position(|c| Arc::as_ptr(c) as usize == op).map(|i| list.remove(i))
                };
                let cancelled = ctl.as_ref().is_some_and(|c| c.is_cancelled());
                (ctl, cancelled)
            }
            (Ticket::Light { issuer, since }, Some(state)) => {
                // Read, then no longer counted in flight (a CancelIo after this finds it
                // done, as on Windows).
                let cancelled = state.light_cancelled(issuer, since);
                state.light.fetch_sub(1, Ordering::SeqCst);
                (None, cancelled)
            }
            (_, None) => (None, false),
        };
        let (status, bytes) = if cancelled { (Win32Error::OPERATION_ABORTED, 0) } else { (status, bytes) };
        // The port the file is associated with now (as Windows, which looks at the file
        // object's completion context when the I/O completes).
        let port = state.as_ref().filter(|_| post).and_then(|s| s.port.get());
        publish(&ol, &file, event.as_ref(), port, token, status, bytes);
        drop(ctl);
    }
}

/// Publishes an operation's outcome: status and count in the OVERLAPPED, then the file
/// object and the event, under one hub lock (one wake-up; without an event and while no
/// thread waits, with no lock: `hub::raise`); then the port packet.
fn publish(
    ol: &Overlapped,
    file: &File,
    event: Option<&Arc<Event>>,
    port: Option<&port::Association>,
    token: Option<Token>,
    status: Win32Error,
    bytes: usize,
) {
    match event {
        // No event: while no thread waits, the OVERLAPPED and the file object change
        // without the hub lock (`hub::raise`: the result, then the signal; a waiter
        // that comes meanwhile is woken to look again).
        None => hub::raise(
            || {
                ol.finish_quiet(status, bytes);
                file.set_signal_quiet();
            },
            |g| {
                ol.finish_locked(g, status, bytes);
                file.set_signal_locked(g);
            },
        ),
        Some(ev) => hub::signal(|g| {
            ol.finish_locked(g, status, bytes);
            file.set_signal_locked(g);
            ev.set_locked(g);
        }),
    }
    if let Some((port, key)) = port {
        port.post(Packet { status, bytes, key: *key, token });
    }
}

/// Completes an OVERLAPPED for an operation done synchronously (a synchronous handle):
/// Internal 0, InternalHigh `bytes`, then its event is set. No port: only overlapped
/// handles queue packets.
fn complete_checked(c: &Checked, bytes: usize) {
    complete_with(&c.submit.ol, c.event.as_ref(), Win32Error::SUCCESS, bytes);
}

/// Status and count in the OVERLAPPED, then its event, under one hub signal.
fn complete_with(ol: &Overlapped, event: Option<&Arc<Event>>, status: Win32Error, bytes: usize) {
    hub::signal(|g| {
        ol.finish_locked(g, status, bytes);
        if let Some(ev) = event {
            ev.set_locked(g);
        }
    });
}

/// An operation that finished before returning (DeviceIoControl, ...) with an
/// OVERLAPPED: Internal 0, InternalHigh `bytes`, then the event of `event` (hEvent, its
/// low bit aside) is set; an `event` that is no event is ignored.
///
/// # Linux mechanism
/// The OVERLAPPED's completion state under the wait hub.
pub fn complete_now(ol: &Overlapped, event: Handle, bytes: usize) {
    complete_now_with(ol, event, Win32Error::SUCCESS, bytes);
}

/// [`complete_now`] for an operation that ended with `status` having transferred `bytes`
/// (a message longer than the buffer: ERROR_MORE_DATA, which GetOverlappedResult then
/// reports as Windows does).
///
/// # Linux mechanism
/// As [`complete_now`].
pub fn complete_now_with(ol: &Overlapped, event: Handle, status: Win32Error, bytes: usize) {
    let event = event_of(event, "").ok().flatten();
    complete_with(ol, event.as_ref(), status, bytes);
}

/// A device whose overlapped transfers are not plain reads and writes of the handle's
/// descriptor (pipes: framing and connection state; serial ports: COMMTIMEOUTS): it is
/// handed the begun operation and calls `done` exactly once (through `engine::finish`,
/// which gives the memory back first); CancelIo and CloseHandle reach it through the
/// operation's canceller.
pub(crate) trait AsyncDevice: Send + Sync + 'static {
    /// What the device refuses synchronously (a pipe not connected: 536, 233), checked
    /// before the operation is begun.
    fn check(&self, _file: &File, _write: bool) -> std::result::Result<(), Win32Error> {
        Ok(())
    }
    /// Performs the transfer of a begun operation (checked: access, memory).
    fn start(&self, file: Arc<File>, write: bool, mem: Lent, ctl: OpCtlRef, done: Done);
}

/// The asynchronous half of a device (see `io::DeviceSlot`), an extension of its file.
pub(crate) struct AsyncSlot(pub Arc<dyn AsyncDevice>);

impl Extension for AsyncSlot {}

/// Checks `h` and the OVERLAPPED, then begins an operation another module performs
/// (ConnectNamedPipe, TransactNamedPipe, WaitCommEvent): the caller has made every check of its own
/// before, and must call the returned `Done` exactly once.
pub(crate) fn begin_op(h: Handle, s: Submit, api: &'static str) -> Result<Begun> {
    check(h, s, api).map(|c| begun(c, None))
}

/// The data transfer shared by ReadFile and WriteFile with an OVERLAPPED.
fn transfer(h: Handle, mut mem: Lent, s: Submit, write: bool) -> Result<Issued> {
    let api = if write { "WriteFile" } else { "ReadFile" };
    let c = check(h, s, api)?;
    let offset = c.submit.ol.offset();
    if !write && !mem.writable() {
        return Err(Error::new(Win32Error::NOACCESS, api));
    }
    let device = if matches!(c.file.kind(), crate::handle::FileKind::Disk | crate::handle::FileKind::Directory) {
        None
    } else {
        c.file.with_ext::<AsyncSlot, _>(|d| d.map(|d| d.0.clone()))
    };
    if let (Some(dev), true) = (&device, c.file.flags() & FILE_FLAG_OVERLAPPED != 0) {
        if !(if write { c.file.can_write() } else { c.file.can_read() }) {
            return Err(Error::new(Win32Error::ACCESS_DENIED, api));
        }
        dev.check(&c.file, write).api(api)?;
        let Begun { file, ctl, done } = begun(c, None);
        dev.start(file, write, mem, ctl, done);
        return Ok(Issued::Pending);
    }
    if c.file.flags() & FILE_FLAG_OVERLAPPED == 0 {
        // A synchronous handle: the transfer happens now, at the OVERLAPPED's offset
        // (the file pointer follows), and the OVERLAPPED is completed before returning.
        let n = if write {
            crate::io::write_file_at(h, mem.bytes(), offset)?
        } else {
            let len = mem.len();
            let buf = mem.bytes_mut().unwrap_or_default();
            let n = crate::io::read_file_at(h, buf, offset)?;
            if n == 0 && len > 0 && device.is_none() {
                return Err(Error::new(Win32Error::HANDLE_EOF, api));
            }
            n
        };
        complete_checked(&c, n);
        return Ok(Issued::Completed(n));
    }
    crate::io::check_queued(&c.file, mem.len(), offset, write, api)?;
    engine::ready(api)?;
    let Begun { file, ctl, done } = begun(c, None);
    engine::submit(Job { file, write, mem, offset, ctl, done });
    Ok(Issued::Pending)
}

/// `ReadFile` with an OVERLAPPED. On a handle opened with FILE_FLAG_OVERLAPPED the read
/// of `mem.len()` bytes at the OVERLAPPED's offset is queued ([`Issued::Pending`]) and
/// lands in `mem` itself before the OVERLAPPED completes; on a synchronous handle it
/// happens now ([`Issued::Completed`]; 0 bytes at end of file is ERROR_HANDLE_EOF).
///
/// # Linux mechanism
/// The completion engine: io_uring (preadv2 with RWF_NOWAIT for cached data on the
/// caller's thread, else IORING_OP_READ into the lent memory), or a thread pool doing
/// pread(2); synchronous handles: pread(2) and lseek(2).
pub fn read_file(h: Handle, mem: Lent, s: Submit) -> Result<Issued> {
    transfer(h, mem, s, false)
}

/// `WriteFile` with an OVERLAPPED: as [`read_file`], writing `mem` at the offset.
///
/// # Linux mechanism
/// The completion engine: io_uring (IORING_OP_WRITE from the lent memory), or a thread
/// pool doing pwrite(2); synchronous handles: pwrite(2) and lseek(2).
pub fn write_file(h: Handle, mem: Lent, s: Submit) -> Result<Issued> {
    transfer(h, mem, s, true)
}

/// `LockFileEx` with an OVERLAPPED. On a synchronous handle: waits for the lock (the
/// caller's interrupt check can stop the wait: 995), then completes the OVERLAPPED.
/// On an overlapped handle: granted at once → the OVERLAPPED completes before the call
/// returns ([`Issued::Completed`]); contended without LOCKFILE_FAIL_IMMEDIATELY → the
/// wait continues in the background and completes the OVERLAPPED, its event and the
/// port when the lock is granted ([`Issued::Pending`]); CancelIo or closing the handle
/// ends that wait with 995.
///
/// # Linux mechanism
/// F_OFD_SETLK; a contended wait retries from a worker thread with a backoff capped at
/// 10 ms (a blocked F_OFD_SETLKW could not be cancelled).
pub fn lock_file(h: Handle, flags: u32, offset: u64, len: u64, s: Submit) -> Result<Issued> {
    const API: &str = "LockFileEx";
    use crate::lock::{lock_file_ex, LOCKFILE_FAIL_IMMEDIATELY};
    let c = check(h, s, API)?;
    if c.file.flags() & FILE_FLAG_OVERLAPPED == 0 {
        lock_file_ex(h, flags, offset, len)?;
        complete_checked(&c, 0);
        return Ok(Issued::Completed(0));
    }
    let attempt = move || lock_file_ex(h, flags | LOCKFILE_FAIL_IMMEDIATELY, offset, len);
    match attempt() {
        Ok(()) => {
            let (_, done) = begin(c);
            done.call(Win32Error::SUCCESS, 0);
            Ok(Issued::Completed(0))
        }
        Err(e) if e.code() == Win32Error::LOCK_VIOLATION && flags & LOCKFILE_FAIL_IMMEDIATELY == 0 => {
            // The waiting thread starts before the operation begins: if it cannot, the
            // call fails and nothing is left pending.
            let (tx, rx) = std::sync::mpsc::channel::<(OpCtlRef, Done)>();
            thread::Builder::new()
                .name("winfile-lock-wait".into())
                .spawn(move || {
                    let Ok((ctl, done)) = rx.recv() else { return };
                    let mut nap = std::time::Duration::from_micros(100);
                    let status = loop {
                        if ctl.is_cancelled() {
                            break Win32Error::OPERATION_ABORTED;
                        }
                        match attempt() {
                            Ok(()) => break Win32Error::SUCCESS,
                            Err(e) if e.code() == Win32Error::LOCK_VIOLATION => {}
                            Err(e) => break e.code(),
                        }
                        thread::sleep(nap);
                        nap = (nap * 2).min(std::time::Duration::from_millis(10));
                    };
                    done.call(status, 0);
                })
                .map_err(|_| Error::new(Win32Error::NO_SYSTEM_RESOURCES, API))?;
            let _ = tx.send(begin(c));
            Ok(Issued::Pending)
        }
        Err(e) => Err(e),
    }
}

/// `ReadDirectoryChangesW` with an OVERLAPPED—queues a read of the directory's changes;
/// the FILE_NOTIFY_INFORMATION records land in `mem` (none: rescan, changes lost)
/// before the OVERLAPPED completes with their length.
///
/// # Linux mechanism
/// The process-wide inotify reader completes it (see `notify`).
pub fn read_directory_changes(h: Handle, mem: Lent, subtree: bool, filter: u32, s: Submit) -> Result<()> {
    const API: &str = "ReadDirectoryChangesW";
    let c = check(h, s, API)?;
    if !mem.writable() {
        return Err(Error::new(Win32Error::NOACCESS, API));
    }
    let watch = crate::notify::watch_for(h, subtree, filter)?;
    let (ctl, done) = begin(c);
    let len = mem.len();
    let token = crate::notify::queue_read(
        &watch,
        len,
        Box::new(move |r| match r {
            Ok(records) => engine::finish(done, mem, |mem| {
                let dst = mem.bytes_mut().unwrap_or_default();
                let n = records.len().min(dst.len());
                dst[..n].copy_from_slice(&records[..n]);
                (Win32Error::SUCCESS, n)
            }),
            Err(code) => engine::finish(done, mem, |_| (code, 0)),
        }),
    );
    ctl.set_canceller(Box::new(move || {
        token.cancel();
    }));
    Ok(())
}

/// `GetOverlappedResult`—the bytes transferred by the OVERLAPPED's operation; while it
/// is pending, waits (`wait`) or fails with ERROR_IO_INCOMPLETE (996). A failed
/// operation gives its status (38 end of file, 995 aborted, ...). A wait stopped by the
/// caller's interrupt check (`crate::interrupt`) fails with 995.
///
/// As on Windows, the handle is only used to wait: a finished operation's result is
/// read from the OVERLAPPED alone, so it stays readable after the handle is closed
/// (a directory watch ended by CloseHandle reports 0 bytes, STATUS_NOTIFY_CLEANUP); a
/// wait for a pending operation on an invalid handle fails with ERROR_INVALID_HANDLE.
///
/// # Linux mechanism
/// Completion state (set by the engine: io_uring, else a thread pool) under the wait
/// hub; the wait sleeps on its condition variable.
pub fn get_overlapped_result(h: Handle, ol: &Overlapped, wait: bool) -> Result<usize> {
    const API: &str = "GetOverlappedResult";
    let (status, bytes) = match ol.result() {
        Some(r) => r,
        None if !wait => return Err(Error::new(Win32Error::IO_INCOMPLETE, API)),
        None => {
            handle::get_any(h).api(API)?;
            ol.wait().ok_or_else(|| Error::new(Win32Error::OPERATION_ABORTED, API))?
        }
    };
    if status == Win32Error::SUCCESS {
        Ok(bytes)
    } else {
        Err(Error::new(status, API))
    }
}

/// `CancelIo`—cancels the I/O the calling thread issued on the handle; each completes
/// with ERROR_OPERATION_ABORTED (995).
///
/// # Linux mechanism
/// Cancellation flags checked by the engine (and IORING_OP_ASYNC_CANCEL on io_uring).
pub fn cancel_io(h: Handle) -> Result<()> {
    let file = handle::get::<File>(h).api("CancelIo")?;
    let Some(state) = file.ext::<IoState>() else { return Ok(()) };
    let me = engine::current_id();
    let ctls = state.inflight().clone();
    let mut any = false;
    for ctl in ctls.iter().filter(|c| c.issuer() == me) {
        ctl.cancel();
        any = true;
    }
    // Light operations (sockets) wait in the reactor, which their cancellation wakes;
    // the engine is woken only for operations of its own.
    state.cancel_light(me);
    if any {
        engine::wake_cancelled();
    }
    Ok(())
}

/// An operation that passed its checks and has begun (`net`, pipes, comm): the handle's
/// object, the operation's cancellation (a control block, or light: see [`LightCtl`])
/// and its completion, which stores the result in
/// the OVERLAPPED, signals the handle and the event, then posts to the handle's port.
pub(crate) struct Begun {
    pub file: Arc<File>,
    pub ctl: OpCtlRef,
    pub done: Done,
}

/// Checks the OVERLAPPED's event, then begins an operation on the handle's object
/// `file` that the caller performs itself (the socket operations of `net`: WSASend,
/// WSARecv, AcceptEx, ConnectEx, TransmitFile). From here on it completes exactly once,
/// through `done`.
///
/// These operations are light (see [`LightCtl`]): no control block, no in-flight list
/// entry; they must wait, if they wait, in the socket reactor (which CancelIo and the
/// close wake through the cancel waker), and take no canceller.
pub(crate) fn begin_with(file: Arc<File>, s: Submit, api: &'static str) -> Result<Begun> {
    prepare(s, api).map(|p| p.begin(file))
}

/// A checked request on a handle's object whose operation the caller performs itself
/// and may finish during the call (a socket transfer that the kernel takes or gives at
/// once): it is then completed without being begun ([`Prepared::complete`]: no control
/// block, no in-flight entry; nothing could cancel it, as nothing could on Windows
/// between the call's start and its end), else begun ([`Prepared::begin`]). The caller
/// keeps the handle's object, and passes it (and its overlapped state, if it has it at
/// hand) to either.
pub(crate) struct Prepared {
    event: Option<Arc<Event>>,
    submit: Submit,
}

/// Checks the OVERLAPPED's event (as [`begin_with`]), before anything is performed.
pub(crate) fn prepare(s: Submit, api: &'static str) -> Result<Prepared> {
    let event = event_of(s.event, api)?;
    Ok(Prepared { event, submit: s })
}

impl Prepared {
    /// Begins the operation on the handle's object `file`, light (see [`begin_with`]).
    pub(crate) fn begin(self, file: Arc<File>) -> Begun {
        let io = file.ext_or_default::<IoState>();
        let Prepared { event, submit } = self;
        begun(Checked { file, event, submit }, Some(io))
    }

    /// [`Prepared::begin`], with the handle's overlapped state `io` at hand: the
    /// operation's cancellation and its completion (which holds `file`).
    pub(crate) fn begin_light(self, file: Arc<File>, io: Arc<IoState>) -> (OpCtlRef, Done) {
        let Prepared { event, submit } = self;
        begin_as(Checked { file, event, submit }, Some(io))
    }

    /// Completes an operation on the handle's object `file` (its overlapped state `io`)
    /// that ended during the call with (status, bytes), its data already in place: the
    /// OVERLAPPED, then the file object and the event, then the packet to the port the
    /// file is associated with (unless hEvent's low bit is set), as [`Done::call`]
    /// publishes them. The OVERLAPPED goes from its last result to this one (the pending
    /// state in between could only be seen by a thread reading it while the call runs, a
    /// race on Windows too).
    pub(crate) fn complete(self, file: &File, io: &IoState, status: Win32Error, bytes: usize) {
        let Prepared { event, submit: s } = self;
        let port = if s.posts() { io.port.get() } else { None };
        publish(&s.ol, file, event.as_ref(), port, s.token, status, bytes);
    }
}

/// [`begin_as`], keeping the handle's object beside the operation.
fn begun(c: Checked, light: Option<Arc<IoState>>) -> Begun {
    let file = c.file.clone();
    let (ctl, done) = begin_as(c, light);
    Begun { file, ctl, done }
}
