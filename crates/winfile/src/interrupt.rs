//! The one way a blocking call learns that its caller wants it to stop (Ctrl-C in a
//! Python program): a check registered once by the embedding runtime, polled by every
//! blocking wait of the core at least every [`SLICE`]. A wait stopped this way fails
//! with ERROR_OPERATION_ABORTED (995); the runtime then raises its own exception.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The longest a blocking wait sleeps between two checks.
pub const SLICE: Duration = Duration::from_millis(100);

static CHECK: OnceLock<fn() -> bool> = OnceLock::new();

/// Registers the check (once per process; later calls are ignored). It runs on the
/// blocked thread, without any winfile lock held, and returns true to stop the wait.
pub fn set_check(check: fn() -> bool) {
    let _ = CHECK.set(check);
}

/// Whether the blocked caller asked to stop.
pub(crate) fn requested() -> bool {
    CHECK.get().is_some_and(|check| check())
}

/// When a wait that ends at `end` (None: never) should next wake up to check.
pub(crate) fn next_check(end: Option<Instant>) -> Instant {
    let slice = Instant::now() + SLICE;
    end.map_or(slice, |e| e.min(slice))
}
