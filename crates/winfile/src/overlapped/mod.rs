//! Overlapped I/O: OVERLAPPED completion state, asynchronous ReadFile/WriteFile,
//! `GetOverlappedResult`, `CancelIo`, and I/O completion ports.
//!
//! Completion order is Windows': the status and byte count are stored first, then the
//! OVERLAPPED's event is signaled, then a packet goes to the handle's completion port.

mod port;
mod request;
mod state;

pub use port::{
    associate, create_io_completion_port, get_queued_completion_status, get_queued_completion_status_with,
    post_queued_completion_status,
    Packet, Port, Token,
};
pub use request::{
    abort_file, cancel_io, get_overlapped_result, is_overlapped_handle, submit_directory_changes, submit_lock, submit_read,
    submit_write, Deliver,
    Submit,
};
pub use state::{Overlapped, STATUS_PENDING};
pub(crate) use request::OpCtlRef;
