//! Change notification: `ReadDirectoryChangesW` and the change-notification handles,
//! on one process-wide inotify instance with a reader thread.
//!
//! Windows behaviour kept: the first call's filter and subtree flag stay for the
//! handle; changes queue between calls; renames in one directory pair into
//! RENAMED_OLD_NAME/RENAMED_NEW_NAME (moves between directories are REMOVED + ADDED,
//! moves across the tree's boundary ADDED or REMOVED); subtree watches follow new and
//! moved-in directories, and scan new ones after watching them so nothing created in
//! the same instant is missed. Nothing is lost silently: a queue or kernel overflow
//! makes the next read return no records (ERROR_NOTIFY_ENUM_DIR semantics).

mod change;
mod engine;
mod filter;
mod read;
mod record;
mod watch;

pub use change::{find_close_change_notification, find_first_change_notification, find_next_change_notification};
pub use filter::*;
pub(crate) use read::{queue_read, watch_for};
pub use read::{read_changes_async, read_directory_changes, CancelToken};
pub use record::{
    decode, encode, record_len, Change, FILE_ACTION_ADDED, FILE_ACTION_MODIFIED, FILE_ACTION_REMOVED,
    FILE_ACTION_RENAMED_NEW_NAME, FILE_ACTION_RENAMED_OLD_NAME,
};
pub use watch::Done;
