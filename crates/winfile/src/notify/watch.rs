//! The per-handle state of a directory watch: its fixed filter and subtree flag, the
//! directories it covers, the queue of changes not yet read, and the calls waiting.

use super::record::{encode, Change, FILE_ACTION_MODIFIED};
use crate::error::Win32Error;
use crate::poison::MutexExt;
use crate::sync::Event;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// What a pending read hands its caller: the encoded records, or an error.
pub type Done = Box<dyn FnOnce(Result<Vec<u8>, Win32Error>) + Send>;

/// A completion to run once every lock is released.
pub(super) type Completion = (Done, Result<Vec<u8>, Win32Error>);

/// Default bound of the queue of unread changes, in records (`WINFILE_NOTIFY_QUEUE_LIMIT`).
const DEFAULT_QUEUE_LIMIT: usize = 1 << 17;

/// The per-handle queue bound, read once from `WINFILE_NOTIFY_QUEUE_LIMIT`.
pub(super) fn queue_limit() -> usize {
    static LIMIT: OnceLock<usize> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("WINFILE_NOTIFY_QUEUE_LIMIT")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(DEFAULT_QUEUE_LIMIT)
    })
}

pub(super) struct Pending {
    pub id: u64,
    pub buf_len: usize,
    pub done: Done,
}

/// A change-notification handle's signal: armed until the first change, then set;
/// changes seen while it is set are remembered for the next re-arm.
pub(super) struct Signal {
    pub event: Arc<Event>,
    pub armed: bool,
    pub dirty: bool,
}

pub(super) struct WatchState {
    pub queue: VecDeque<Change>,
    pub overflow: bool,
    pub closed: bool,
    pub pending: VecDeque<Pending>,
    /// Watched directories: inotify wd → path relative to the root ('/'-separated).
    pub dirs: HashMap<i32, String>,
    /// Entries reported by the scan of a new directory, whose own IN_CREATE is dropped.
    pub scanned: HashSet<String>,
    pub signal: Option<Signal>,
}

/// One directory watch (one per directory handle or change-notification handle).
pub(crate) struct Watch {
    pub(super) id: u64,
    pub(super) root: PathBuf,
    pub(super) windows: bool,
    pub(super) subtree: bool,
    pub(super) filter: u32,
    pub(super) st: Mutex<WatchState>,
}

impl Watch {
    pub(super) fn new(
        id: u64,
        root: PathBuf,
        windows: bool,
        subtree: bool,
        filter: u32,
        signal: Option<Arc<Event>>,
    ) -> Self {
        Self {
            id,
            root,
            windows,
            subtree,
            filter,
            st: Mutex::new(WatchState {
                queue: VecDeque::new(),
                overflow: false,
                closed: false,
                pending: VecDeque::new(),
                dirs: HashMap::new(),
                scanned: HashSet::new(),
                signal: signal.map(|event| Signal { event, armed: true, dirty: false }),
            }),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, WatchState> {
        self.st.locked()
    }

    /// For change-notification handles (FindFirstChangeNotification): signals the
    /// handle, or remembers the change until it is re-armed. False for read watches.
    fn notify_signal(st: &mut WatchState) -> bool {
        let Some(sig) = &mut st.signal else { return false };
        if sig.armed {
            sig.armed = false;
            sig.event.set();
        } else {
            sig.dirty = true;
        }
        true
    }

    /// Records a change (`rel` is '/'-separated) if the filter has `class`.
    pub(super) fn report(&self, st: &mut WatchState, class: u32, action: u32, rel: &str, out: &mut Vec<Completion>) {
        if self.filter & class == 0 || st.closed {
            return;
        }
        if Self::notify_signal(st) {
            return;
        }
        if st.overflow {
            return;
        }
        let name = if self.windows { rel.replace('/', "\\") } else { rel.to_string() };
        // Back-to-back identical MODIFIED records say nothing more than one.
        let dup =
            action == FILE_ACTION_MODIFIED && st.queue.back().is_some_and(|c| c.action == action && c.name == name);
        if !dup {
            if st.queue.len() >= queue_limit() {
                log::debug!("change queue of {:?} overflowed", self.root);
                st.overflow = true;
                st.queue.clear();
            } else {
                st.queue.push_back(Change { action, name });
            }
        }
        Self::deliver(st, out);
    }

    /// Marks the watch as having lost changes: the next read returns no records
    /// (ERROR_NOTIFY_ENUM_DIR semantics) so that the caller rescans.
    pub(super) fn overflow(&self, st: &mut WatchState, out: &mut Vec<Completion>) {
        if st.closed {
            return;
        }
        if Self::notify_signal(st) {
            return;
        }
        st.overflow = true;
        st.queue.clear();
        Self::deliver(st, out);
    }

    /// Completes waiting reads from the queue: as many records as fit in each buffer;
    /// an empty result after an overflow or when one record does not fit.
    pub(super) fn deliver(st: &mut WatchState, out: &mut Vec<Completion>) {
        while !st.pending.is_empty() && (st.overflow || !st.queue.is_empty()) {
            let Some(p) = st.pending.pop_front() else { break };
            if st.overflow {
                st.overflow = false;
                out.push((p.done, Ok(Vec::new())));
                continue;
            }
            let (bytes, n) = encode(st.queue.iter(), p.buf_len);
            if n == 0 {
                st.queue.clear();
                out.push((p.done, Ok(Vec::new())));
            } else {
                st.queue.drain(..n);
                out.push((p.done, Ok(bytes)));
            }
        }
    }

    /// Ends the watch: waiting reads complete with no records (STATUS_NOTIFY_CLEANUP).
    pub(super) fn close(&self, st: &mut WatchState, out: &mut Vec<Completion>) {
        st.closed = true;
        st.queue.clear();
        for p in st.pending.drain(..) {
            out.push((p.done, Ok(Vec::new())));
        }
    }
}

/// Runs completions (no lock may be held).
pub(super) fn run(out: Vec<Completion>) {
    for (done, r) in out {
        done(r);
    }
}
