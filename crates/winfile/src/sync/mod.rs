//! Synchronization objects and waits: events, mutexes, semaphores, waitable timers,
//! `WaitForSingleObject` / `WaitForMultipleObjects`.
//!
//! Unnamed objects: all signal state changes and wait decisions happen under one
//! process-wide hub lock with a condition variable, which makes wait-all atomic (every
//! object is acquired at once or none is), as Windows requires. Named objects are
//! shared by every winfile process of the user ([`named`], `docs/named-objects.md`);
//! a wait that involves one sleeps in `futex_waitv` on the objects' futex words and the
//! hub's.

mod event;
mod mutex;
mod named;
mod semaphore;
mod timer;
mod wait;

pub(crate) use crate::handle::hub;
pub use crate::handle::hub::Waitable;
pub use event::{create_event, open_event, pulse_event, reset_event, set_event, Event};
pub use mutex::{create_mutex, open_mutex, release_mutex, Mutex};
pub use named::MAX_NAME;
pub use semaphore::{create_semaphore, open_semaphore, release_semaphore, Semaphore};
pub use timer::{
    cancel_waitable_timer, create_waitable_timer, create_waitable_timer_ex, open_waitable_timer, set_waitable_timer,
    Timer, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, CREATE_WAITABLE_TIMER_MANUAL_RESET,
};
pub use wait::{
    msg_wait_for_multiple, signal_object_and_wait, wait_for_multiple, wait_for_single, WaitOutcome,
    MAXIMUM_WAIT_OBJECTS, MWMO_WAITALL,
};
