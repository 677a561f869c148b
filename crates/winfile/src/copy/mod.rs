//! Copying and replacing files: `CopyFileW`, `CopyFileExW` (progress routine, cancel,
//! restartable copies), the copy half of `MoveFileWithProgressW`, and `ReplaceFileW`.
//!
//! | Win32 | Linux mechanism |
//! |---|---|
//! | [`copy_file`] / [`copy_file_ex`] | FICLONE, else copy_file_range(2) in 16 MiB chunks, else pread/pwrite; `user.DOSATTRIB`, fchmod, futimens after |
//! | restartable copies | xattr `user.winfile.copyrestart` on the destination: source identity and bytes done |
//! | [`replace_file`] | link(2) of the replaced file to the backup name, metadata merged onto the replacement, rename(2) over the replaced file |
//!
//! While data moves, the source and destination are open as real winfile handles
//! (share tokens taken as Windows' CopyFile takes them) whose values the progress
//! routine receives; they are closed when the copy ends.

mod data;
mod file;
mod replace;
mod restart;

pub use file::{copy_file, copy_file_ex};
pub(crate) use file::{copy_path, CopyRequest};
pub use replace::replace_file;

use crate::handle::Handle;

/// What the progress routine is told (`LPPROGRESS_ROUTINE`'s arguments, without Data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// TotalFileSize.
    pub total_size: u64,
    /// TotalBytesTransferred.
    pub total_transferred: u64,
    /// StreamSize (the unnamed data stream: the file's size).
    pub stream_size: u64,
    /// StreamBytesTransferred.
    pub stream_transferred: u64,
    /// dwStreamNumber: 1 for the unnamed data stream.
    pub stream_number: u32,
    /// CALLBACK_STREAM_SWITCH (first call) or CALLBACK_CHUNK_FINISHED.
    pub reason: u32,
    /// hSourceFile: a winfile handle valid while the routine runs.
    pub source: Handle,
    /// hDestinationFile: a winfile handle valid while the routine runs.
    pub destination: Handle,
}

/// A progress routine: returns PROGRESS_CONTINUE, PROGRESS_CANCEL, PROGRESS_STOP or
/// PROGRESS_QUIET (any other value continues).
pub type ProgressFn<'a> = dyn FnMut(&Progress) -> u32 + Send + 'a;

/// Why a copy stopped before the end (both give ERROR_REQUEST_ABORTED).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// PROGRESS_CANCEL or the cancel flag: the partial destination is deleted.
    Cancel,
    /// PROGRESS_STOP: the partial destination stays (restartable with the flag).
    Stop,
}
