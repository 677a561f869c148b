//! Overlapped I/O: OVERLAPPED completion state, asynchronous ReadFile/WriteFile,
//! `GetOverlappedResult`, `CancelIo`, and I/O completion ports.
//!
//! Completion order is Windows': the status and byte count are stored first, then the
//! OVERLAPPED's event is signaled, then a packet goes to the handle's completion port.

mod port;
mod request;
mod state;
mod token;

pub use crate::engine::{CallMemory, IoMemory, Lent};
pub use port::{
    associate, create_io_completion_port, create_or_associate, get_queued_completion_status,
    post_queued_completion_status, with_port, Packet, Port,
};
pub(crate) use port::{association_of, consumer_activity, restore_association, set_idle_hooks, IdleHooks};
pub(crate) use port::{end_lease_here, for_consumers, look as look_at_leases, set_looking};
pub(crate) use request::IoState;
pub(crate) use request::{begin_op, AsyncDevice, AsyncSlot};
pub(crate) use request::{begin_with, prepare, Begun, Done, LightCtl};
pub use request::{
    cancel_io, complete_now, complete_now_with, get_overlapped_result, lock_file, read_directory_changes, read_file,
    write_file, Issued, Submit,
};
pub use state::{Overlapped, STATUS_PENDING};
pub use token::{Token, TokenKind};
