//! Asynchronous ReadFile/WriteFile on handles opened with FILE_FLAG_OVERLAPPED,
//! `GetOverlappedResult`, `CancelIo`, and aborting a closing handle's I/O.

use super::port::{self, Packet, Token};
use super::state::Overlapped;
use crate::consts::FILE_FLAG_OVERLAPPED;
use crate::engine::{self, Job, JobKind};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, FileKind, Handle};
use crate::sync::hub;
use crate::sync::Event;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::thread::{self, ThreadId};

/// Receives the bytes of a completed read before anything is signaled (the caller's
/// buffer is filled, then the event, then the port).
pub type Deliver = Box<dyn FnOnce(&[u8]) + Send>;

/// What the caller's OVERLAPPED brings to a submission.
pub struct Submit {
    /// The completion state shared with the caller's object.
    pub ol: Arc<Overlapped>,
    /// `hEvent` (0 = none). With its low bit set, no packet goes to a completion port.
    pub event: Handle,
    /// Returned with the completion packet (the caller's OVERLAPPED object).
    pub token: Option<Token>,
}

/// Shared reference to an operation's control block.
pub(crate) type OpCtlRef = Arc<OpCtl>;

/// Control block of one operation in flight.
pub(crate) struct OpCtl {
    cancelled: AtomicBool,
    issuer: ThreadId,
    /// For operations not run by the engine (directory changes): how to stop them.
    canceller: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl OpCtl {
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        let stop = self.canceller.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(stop) = stop {
            stop();
        }
    }
}

/// Completion callback: (status, bytes, data).
type Finish = Box<dyn FnOnce(Win32Error, usize, Vec<u8>) + Send>;

/// Operations in flight, per file object.
static INFLIGHT: LazyLock<Mutex<HashMap<usize, Vec<Arc<OpCtl>>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn inflight() -> std::sync::MutexGuard<'static, HashMap<usize, Vec<Arc<OpCtl>>>> {
    INFLIGHT.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether `h` is a file handle opened with FILE_FLAG_OVERLAPPED.
pub fn is_overlapped_handle(h: Handle) -> bool {
    handle::get::<File>(h).is_ok_and(|f| f.flags() & FILE_FLAG_OVERLAPPED != 0)
}

fn event_of(h: Handle, api: &'static str) -> Result<Option<Arc<Event>>> {
    let raw = h.raw() & !1;
    if raw == 0 {
        return Ok(None);
    }
    handle::get::<Event>(Handle::from_raw(raw)).map(Some).api(api)
}

/// Registers an operation on `file` and builds its completion: deliver the data, store
/// the result in the OVERLAPPED, signal its event, post to the file's port.
fn begin(file: &Arc<File>, s: Submit, deliver: Option<Deliver>, api: &'static str) -> Result<(OpCtlRef, Finish)> {
    let event = event_of(s.event, api)?;
    let key = port::file_key(file);
    let port = if s.event.raw() & 1 == 0 { port::association(key) } else { None };
    let ctl = Arc::new(OpCtl { cancelled: AtomicBool::new(false), issuer: thread::current().id(), canceller: Mutex::new(None) });
    inflight().entry(key).or_default().push(ctl.clone());
    {
        // One hub lock for the whole start: the OVERLAPPED, the file object, the event.
        let g = hub::lock();
        s.ol.begin_locked(&g);
        file.reset_signal_locked(&g);
        if let Some(ev) = &event {
            ev.reset_locked(&g);
        }
    }
    let signal_file = file.clone();
    let ol = s.ol;
    let token = s.token;
    let done_ctl = ctl.clone();
    let finish: Finish = Box::new(move |status: Win32Error, bytes: usize, data: Vec<u8>| {
        let (status, bytes) = if done_ctl.is_cancelled() { (Win32Error::OPERATION_ABORTED, 0) } else { (status, bytes) };
        if status == Win32Error::SUCCESS {
            if let Some(deliver) = deliver {
                deliver(&data[..bytes.min(data.len())]);
            }
        }
        // Status and count, then the file object and the event, under one hub lock
        // (one wake-up); the port packet follows.
        hub::signal(|g| {
            ol.finish_locked(g, status, bytes);
            signal_file.set_signal_locked(g);
            if let Some(ev) = &event {
                ev.set_locked(g);
            }
        });
        if let Some((port, port_key)) = port {
            port.post(Packet { status, bytes, key: port_key, token });
        }
        let mut map = inflight();
        if let Some(list) = map.get_mut(&key) {
            list.retain(|c| !Arc::ptr_eq(c, &done_ctl));
            if list.is_empty() {
                map.remove(&key);
            }
        }
    });
    Ok((ctl, finish))
}

fn submit(h: Handle, kind: JobKind, s: Submit, deliver: Option<Deliver>, api: &'static str) -> Result<()> {
    let file = handle::get::<File>(h).api(api)?;
    let reading = matches!(kind, JobKind::Read(_));
    if file.kind() == FileKind::Directory {
        return Err(Error::new(Win32Error::INVALID_FUNCTION, api));
    }
    if (reading && !file.can_read()) || (!reading && !file.can_write()) {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    let offset = s.ol.offset();
    let (ctl, done) = begin(&file, s, deliver, api)?;
    engine::submit(Job { handle: h, file, kind, offset, ctl, done });
    Ok(())
}

/// `LockFileEx` on an overlapped handle: granted at once → the OVERLAPPED completes
/// before the call returns (`Ok(false)`); contended without LOCKFILE_FAIL_IMMEDIATELY →
/// the wait continues in the background and completes the OVERLAPPED, its event and
/// the port when the lock is granted (`Ok(true)`: the caller sees ERROR_IO_PENDING);
/// CancelIo or closing the handle ends the wait with 995.
///
/// # Linux mechanism
/// F_OFD_SETLK; a contended wait retries from a worker thread with a backoff capped at
/// 10 ms (a blocked F_OFD_SETLKW could not be cancelled).
pub fn submit_lock(h: Handle, flags: u32, offset: u64, len: u64, s: Submit) -> Result<bool> {
    const API: &str = "LockFileEx";
    use crate::lock::{lock_file_ex, LOCKFILE_FAIL_IMMEDIATELY};
    let file = handle::get::<File>(h).api(API)?;
    let attempt = move || lock_file_ex(h, flags | LOCKFILE_FAIL_IMMEDIATELY, offset, len, &|| false);
    match attempt() {
        Ok(()) => {
            let (_, finish) = begin(&file, s, None, API)?;
            finish(Win32Error::SUCCESS, 0, Vec::new());
            Ok(false)
        }
        Err(e) if e.code() == Win32Error::LOCK_VIOLATION && flags & LOCKFILE_FAIL_IMMEDIATELY == 0 => {
            let (ctl, finish) = begin(&file, s, None, API)?;
            drop(file);
            std::thread::Builder::new()
                .name("winfile-lock-wait".into())
                .spawn(move || {
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
                    finish(status, 0, Vec::new());
                })
                .map_err(|_| Error::new(Win32Error::NOT_ENOUGH_MEMORY, API))?;
            Ok(true)
        }
        Err(e) => Err(e),
    }
}

/// `ReadDirectoryChangesW` with an OVERLAPPED—queues a read of the directory's changes;
/// `deliver` receives the FILE_NOTIFY_INFORMATION records (none: rescan, changes lost).
///
/// # Linux mechanism
/// The process-wide inotify reader completes it (see `notify`).
pub fn submit_directory_changes(h: Handle, buf_len: usize, subtree: bool, filter: u32, s: Submit, deliver: Deliver) -> Result<()> {
    const API: &str = "ReadDirectoryChangesW";
    let file = handle::get::<File>(h).api(API)?;
    let (ctl, finish) = begin(&file, s, Some(deliver), API)?;
    let finish = Arc::new(Mutex::new(Some(finish)));
    let run = finish.clone();
    let started = crate::notify::read_changes_async(h, buf_len, subtree, filter, Box::new(move |r| {
        let f = run.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(f) = f {
            match r {
                Ok(bytes) => f(Win32Error::SUCCESS, bytes.len(), bytes),
                Err(code) => f(code, 0, Vec::new()),
            }
        }
    }));
    match started {
        Ok(token) => {
            *ctl.canceller.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Box::new(move || {
                token.cancel();
            }));
            Ok(())
        }
        Err(e) => {
            // Not started: complete nothing, undo the registration.
            let f = finish.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
            drop(f);
            let mut map = inflight();
            if let Some(list) = map.get_mut(&port::file_key(&file)) {
                list.retain(|c| !Arc::ptr_eq(c, &ctl));
            }
            Err(e)
        }
    }
}

/// `ReadFile` on an overlapped handle—queues a read of `len` bytes at the OVERLAPPED's
/// offset; the caller then sees ERROR_IO_PENDING. `deliver` receives the data.
///
/// # Linux mechanism
/// The completion engine: io_uring (preadv2 with RWF_NOWAIT for cached data, else
/// IORING_OP_READ), or a thread pool doing pread(2).
pub fn submit_read(h: Handle, len: usize, s: Submit, deliver: Option<Deliver>) -> Result<()> {
    submit(h, JobKind::Read(len), s, deliver, "ReadFile")
}

/// `WriteFile` on an overlapped handle—queues a write of `data` at the OVERLAPPED's offset.
///
/// # Linux mechanism
/// The completion engine: io_uring (IORING_OP_WRITE), or a thread pool doing pwrite(2).
pub fn submit_write(h: Handle, data: Vec<u8>, s: Submit) -> Result<()> {
    submit(h, JobKind::Write(data), s, None, "WriteFile")
}

/// `GetOverlappedResult`—the bytes transferred by the OVERLAPPED's operation; while it
/// is pending, waits (`wait`) or fails with ERROR_IO_INCOMPLETE (996). A failed
/// operation gives its status (38 end of file, 995 aborted, ...).
///
/// # Linux mechanism
/// Completion state (set by the engine: io_uring, else a thread pool) under the wait
/// hub; the wait sleeps on its condition variable.
pub fn get_overlapped_result(h: Handle, ol: &Overlapped, wait: bool) -> Result<usize> {
    const API: &str = "GetOverlappedResult";
    handle::get_any(h).api(API)?;
    let (status, bytes) = match ol.result() {
        Some(r) => r,
        None if !wait => return Err(Error::new(Win32Error::IO_INCOMPLETE, API)),
        None => ol.wait(),
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
    let me = thread::current().id();
    let ctls: Vec<_> = inflight().get(&port::file_key(&file)).cloned().unwrap_or_default();
    for ctl in ctls.iter().filter(|c| c.issuer == me) {
        ctl.cancel();
    }
    engine::wake_cancelled();
    Ok(())
}

/// A file handle is closing: its pending I/O completes with ERROR_OPERATION_ABORTED and
/// its port association ends.
pub fn abort_file(file: &File) {
    let key = std::ptr::from_ref(file) as usize;
    let ctls = inflight().get(&key).cloned().unwrap_or_default();
    for ctl in &ctls {
        ctl.cancel();
    }
    if !ctls.is_empty() {
        engine::wake_cancelled();
    }
    port::forget(key);
}
