//! `ReadDirectoryChangesW` on directory handles: the watch of a handle is made by its
//! first call (whose filter and subtree flag stay), changes queue between calls.

use super::engine::engine;
use super::filter;
use super::watch::{run, Done, Pending, Watch};
use crate::consts::FILE_LIST_DIRECTORY;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Extension, File, FileKind, Handle, PathStyle};
use crate::poison::MutexExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

const API: &str = "ReadDirectoryChangesW";

pub(super) static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A directory handle's watch, made by its first ReadDirectoryChangesW.
#[derive(Default)]
struct HandleWatch(Mutex<Option<Arc<Watch>>>);

impl Extension for HandleWatch {
    /// Watches end first: a pending read completes before the handle's I/O is aborted.
    fn close_order(&self) -> u8 {
        0
    }

    /// The handle closes: its watch ends and its pending reads complete (with no records).
    fn on_close(&self, _file: &File) {
        let w = self.0.locked().take();
        if let (Some(w), Ok(eng)) = (w, engine()) {
            eng.stop(&w);
        }
    }
}

/// A pending read, cancellable (`CancelIoEx`).
pub struct CancelToken {
    watch: Weak<Watch>,
    id: u64,
}

impl CancelToken {
    /// Cancels the read if it is still waiting: its completion gets
    /// ERROR_OPERATION_ABORTED (995). Returns whether it was still waiting.
    pub fn cancel(&self) -> bool {
        let Some(w) = self.watch.upgrade() else { return false };
        let p = {
            let mut st = w.lock();
            let i = st.pending.iter().position(|p| p.id == self.id);
            i.and_then(|i| st.pending.remove(i))
        };
        match p {
            Some(p) => {
                (p.done)(Err(Win32Error::OPERATION_ABORTED));
                true
            }
            None => false,
        }
    }
}

/// The watch of directory handle `dir`, made by its first call: checks the handle (87
/// not a directory, 5 no FILE_LIST_DIRECTORY) and the filter (87) before anything
/// else, so that a rejected request changes nothing.
pub(crate) fn watch_for(dir: Handle, subtree: bool, filter: u32) -> Result<Arc<Watch>> {
    let file = handle::get::<File>(dir).api(API)?;
    if file.kind() != FileKind::Directory {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    if file.access() & FILE_LIST_DIRECTORY == 0 {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    filter::validate(filter).api(API)?;
    let eng = engine().api(API)?;
    let slot = file.ext_or_default::<HandleWatch>();
    let mut slot = slot.0.locked();
    if let Some(w) = slot.as_ref() {
        return Ok(w.clone());
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let windows = file.style() == PathStyle::Windows;
    let w = Arc::new(Watch::new(id, file.path().to_path_buf(), windows, subtree, filter, None));
    eng.start(w.clone()).api(API)?;
    *slot = Some(w.clone());
    Ok(w)
}

/// `ReadDirectoryChangesW` (overlapped form)—queues a read of the changes under the
/// directory `dir`; `done` is called exactly once, from any thread (possibly this one,
/// before returning, when changes are already queued), with FILE_NOTIFY_INFORMATION
/// records of at most `buf_len` bytes; with no records when changes were lost (queue or
/// kernel overflow, a record larger than the buffer: ERROR_NOTIFY_ENUM_DIR semantics)
/// or when the handle closes (STATUS_NOTIFY_CLEANUP); with ERROR_OPERATION_ABORTED
/// when the token cancels it.
///
/// The first call on a handle fixes its filter and subtree flag, as on Windows.
/// Errors: not a directory handle → 87; no FILE_LIST_DIRECTORY → 5; bad filter → 87.
///
/// # Linux mechanism
/// One process-wide inotify instance; subtree watches add a watch per directory.
#[doc(alias = "ReadDirectoryChangesW")]
pub fn read_changes_async(dir: Handle, buf_len: usize, subtree: bool, filter: u32, done: Done) -> Result<CancelToken> {
    let w = watch_for(dir, subtree, filter)?;
    Ok(queue_read(&w, buf_len, done))
}

/// Queues a read on a watch (it cannot fail: a watch closed meanwhile completes the
/// read at once with no records, as a closing handle does).
pub(crate) fn queue_read(w: &Arc<Watch>, buf_len: usize, done: Done) -> CancelToken {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut out = Vec::new();
    {
        let mut st = w.lock();
        if st.closed {
            out.push((done, Ok(Vec::new())));
        } else {
            st.pending.push_back(Pending { id, buf_len, done });
            Watch::deliver(&mut st, &mut out);
        }
    }
    run(out);
    CancelToken { watch: Arc::downgrade(w), id }
}

/// `ReadDirectoryChangesW` (synchronous form)—waits for changes and returns the
/// FILE_NOTIFY_INFORMATION bytes (empty: changes were lost or the handle closed). A
/// wait stopped by the caller's interrupt check (`crate::interrupt`) cancels the read
/// and fails with 995.
///
/// # Linux mechanism
/// [`read_changes_async`] and a channel, polled in interrupt-check slices.
pub fn read_directory_changes(dir: Handle, buf_len: usize, subtree: bool, filter: u32) -> Result<Vec<u8>> {
    use std::sync::mpsc::RecvTimeoutError;
    let (tx, rx) = std::sync::mpsc::channel();
    let token = read_changes_async(
        dir,
        buf_len,
        subtree,
        filter,
        Box::new(move |r| {
            let _ = tx.send(r);
        }),
    )?;
    loop {
        match rx.recv_timeout(crate::interrupt::SLICE) {
            Ok(r) => return r.api(API),
            Err(RecvTimeoutError::Disconnected) => return Err(Error::new(Win32Error::OPERATION_ABORTED, API)),
            Err(RecvTimeoutError::Timeout) if crate::interrupt::requested() => {
                token.cancel();
                return Err(Error::new(Win32Error::OPERATION_ABORTED, API));
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}
