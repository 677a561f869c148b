//! Devices that run their own overlapped transfers (serial ports, whose reads follow
//! COMMTIMEOUTS): a character-device handle may carry a [`DeviceQueue`], and an
//! overlapped ReadFile/WriteFile on it is begun as usual (registered, OVERLAPPED
//! pending, event reset) and then handed to the device instead of the engine. The
//! device completes it exactly once through its `Done`; CancelIo and CloseHandle reach
//! it through the operation's canceller. [`begin_request`] is the same check-then-begin
//! for a device's own requests (WaitCommEvent).

use super::request::{begin_checked, Submit};
use crate::engine::{Done, Lent, OpCtlRef};
use crate::error::Result;
use crate::handle::{Extension, File, FileKind, Handle};
use std::sync::{Arc, OnceLock};

/// A device's own overlapped ReadFile/WriteFile.
pub(crate) trait DeviceQueue: Send + Sync + 'static {
    /// Performs the begun transfer (`write`: from `mem`, else into it) and calls `done`
    /// once (through `engine::finish`, which gives `mem` back first). `ctl` is the
    /// operation's cancellation (CancelIo, CloseHandle, PurgeComm).
    fn start(&self, file: Arc<File>, write: bool, mem: Lent, ctl: OpCtlRef, done: Done);
}

#[derive(Default)]
struct QueueSlot(OnceLock<Arc<dyn DeviceQueue>>);

impl Extension for QueueSlot {}

/// Gives the character-device handle `file` its own overlapped transfers (once).
pub(crate) fn attach_queue(file: &File, q: Arc<dyn DeviceQueue>) {
    let _ = file.ext_or_default::<QueueSlot>().0.set(q);
}

/// The device queue of `file`, if it is a character device that has one.
pub(super) fn queue_of(file: &File) -> Option<Arc<dyn DeviceQueue>> {
    if file.kind() != FileKind::Char {
        return None;
    }
    file.with_ext::<QueueSlot, _>(|s| s.and_then(|s| s.0.get().cloned()))
}

/// Checks a device request's handle and OVERLAPPED (as ReadFile does), then begins it:
/// from here the caller must complete it exactly once through the returned `Done`.
pub(crate) fn begin_request(h: Handle, s: Submit, api: &'static str) -> Result<(Arc<File>, OpCtlRef, Done)> {
    begin_checked(h, s, api)
}
