//! Serial ports: `COMn` names, the DCB, COMMTIMEOUTS, modem lines, queues and comm
//! events, on Linux terminals.
//!
//! - names: `COMn` / `\\.\COMn` resolve through the DOS device table (`comn` entries,
//!   else the default mapping of `path::serial`); opening one takes the port
//!   exclusively and puts it in raw mode ([`port`]);
//! - [`dcb`]: GetCommState/SetCommState through termios2; [`build`]: BuildCommDCB;
//! - [`timeouts`]: COMMTIMEOUTS and the port's own ReadFile/WriteFile (synchronous and
//!   overlapped: every wait is poll(2) on the tty and an eventfd);
//! - [`modem`]: modem status, escape functions, break, TransmitCommChar;
//! - [`purge`]: PurgeComm, ClearCommError, SetupComm; [`events`]: the event mask and
//!   WaitCommEvent.
//!
//! Any terminal handle works with the comm calls (a tty opened by its Linux path
//! becomes a serial port at its first comm call); other handles get
//! ERROR_INVALID_FUNCTION (1). A terminal that went away (USB adapter unplugged, the
//! other end of a pseudo-terminal closed) gives ERROR_BAD_COMMAND (22) on comm calls
//! and ERROR_ACCESS_DENIED (5) on transfers, at once.

pub mod build;
pub mod dcb;
pub mod events;
pub mod modem;
pub(crate) mod port;
pub mod purge;
mod sys;
pub mod timeouts;

pub use build::build_comm_dcb;
pub use dcb::{get_comm_state, set_comm_state, Dcb};
pub use events::{get_comm_mask, set_comm_mask, wait_comm_event, wait_comm_event_overlapped};
pub use modem::{clear_comm_break, escape_comm_function, get_comm_modem_status, set_comm_break, transmit_comm_char};
pub use purge::{clear_comm_error, purge_comm, setup_comm, ComStat};
pub use timeouts::{get_comm_timeouts, set_comm_timeouts, CommTimeouts};
