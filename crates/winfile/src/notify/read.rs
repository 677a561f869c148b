//! `ReadDirectoryChangesW` on directory handles: the watch of a handle is made by its
//! first call (whose filter and subtree flag stay), changes queue between calls.

use super::engine::engine;
use super::filter;
use super::watch::{run, Done, Pending, Watch};
use crate::consts::FILE_LIST_DIRECTORY;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, FileKind, Handle, PathStyle};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, Weak};

const API: &str = "ReadDirectoryChangesW";

pub(super) static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Directory handles with a watch, keyed by the address of their `File` (kept alive
/// by the entry, so the key cannot be reused while registered).
type HandleWatches = Mutex<HashMap<usize, (Arc<File>, Arc<Watch>)>>;
static HANDLES: LazyLock<HandleWatches> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn key(file: &File) -> usize {
    std::ptr::from_ref(file) as usize
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

fn watch_for(dir: Handle, subtree: bool, filter: u32) -> Result<Arc<Watch>> {
    let file = handle::get::<File>(dir).api(API)?;
    if file.kind() != FileKind::Directory {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    if file.access() & FILE_LIST_DIRECTORY == 0 {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    filter::validate(filter).api(API)?;
    let eng = engine().api(API)?;
    let mut map = HANDLES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, w)) = map.get(&key(&file)) {
        return Ok(w.clone());
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let windows = file.style() == PathStyle::Windows;
    let w = Arc::new(Watch::new(id, file.path().to_path_buf(), windows, subtree, filter, None));
    eng.start(w.clone()).api(API)?;
    map.insert(key(&file), (file.clone(), w.clone()));
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
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut out = Vec::new();
    {
        let mut st = w.lock();
        if st.closed {
            return Err(Error::new(Win32Error::INVALID_HANDLE, API));
        }
        st.pending.push_back(Pending { id, buf_len, done });
        Watch::deliver(&mut st, &mut out);
    }
    run(out);
    Ok(CancelToken { watch: Arc::downgrade(&w), id })
}

/// `ReadDirectoryChangesW` (synchronous form)—waits for changes and returns the
/// FILE_NOTIFY_INFORMATION bytes (empty: changes were lost or the handle closed).
///
/// # Linux mechanism
/// [`read_changes_async`] and a channel.
pub fn read_directory_changes(dir: Handle, buf_len: usize, subtree: bool, filter: u32) -> Result<Vec<u8>> {
    let (tx, rx) = std::sync::mpsc::channel();
    read_changes_async(dir, buf_len, subtree, filter, Box::new(move |r| {
        let _ = tx.send(r);
    }))?;
    rx.recv().unwrap_or(Err(Win32Error::OPERATION_ABORTED)).api(API)
}

/// Called by a directory handle's `on_close`: ends its watch, if it has one.
pub(crate) fn file_closed(file: &File) {
    let entry = HANDLES.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&key(file));
    if let Some((_, w)) = entry {
        if let Ok(eng) = engine() {
            eng.stop(&w);
        }
    }
}
