//! Sockets: Winsock's overlapped extensions and event selection over Linux sockets.
//!
//! One concern per file: `adopt` (how a socket descriptor becomes a winfile handle, and
//! why handle values and descriptors never collide), `reactor` (the per-process epoll
//! thread), `sendrecv` (WSASend/WSARecv, and ReadFile/WriteFile on socket handles),
//! `accept` (AcceptEx, GetAcceptExSockaddrs, CalculateSocketEndPointSize), `connect`
//! (ConnectEx), `transmit` (TransmitFile), `select` (WSAEventSelect,
//! WSAEnumNetworkEvents), `addr` (endpoint sizes and layouts). errno → WSA codes live
//! with the other errno tables (`error::wsa_from_errno`, `error::socket_status_from_errno`).
//!
//! Every overlapped socket operation is checked, then begun on the completion path
//! (`overlapped::begin_with`), so it completes as file I/O does: status and count in the
//! OVERLAPPED, then its event, then the port packet; CancelIo and closing the socket
//! complete it with ERROR_OPERATION_ABORTED (995). The readiness waits run on the
//! reactor whichever engine backend runs file I/O (engine jobs on socket handles are
//! handed to it).
//!
//! Layering: `net` sits with `overlapped` (layer 4); the engine's one call into it
//! (`submit_job`, routing socket jobs) is the only upward edge, through a function.

mod accept;
mod addr;
mod adopt;
mod connect;
mod reactor;
mod select;
mod sendrecv;
mod transmit;

pub use accept::{accept_ex, calculate_socket_end_point_size, get_accept_ex_sockaddrs};
pub use addr::Endpoint;
pub use adopt::{adopted_count, resolve};
pub use connect::connect_ex;
pub use select::{
    wsa_enum_network_events, wsa_event_select, FD_ACCEPT, FD_CLOSE, FD_CONNECT, FD_OOB, FD_READ, FD_WRITE,
};
pub use sendrecv::{recv_sync, send_sync, wsa_recv, wsa_send};
pub use transmit::{transmit_file, TF_DISCONNECT, TF_REUSE_SOCKET};

pub(crate) use adopt::is_socket;
pub(crate) use sendrecv::submit_job;
