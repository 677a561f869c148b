//! Named and anonymous pipes (win32pipe, and pipe handles in win32file).
//!
//! A pipe handle is a file object of kind `FileKind::Pipe` carrying its [`PipeEnd`]
//! (connection, read mode, a message read in part) and the device hooks through
//! which ReadFile, WriteFile, FlushFileBuffers and the overlapped paths reach it.
//! Named pipes live in a per-user namespace shared by all processes (`namespace`):
//! AF_UNIX sockets, SOCK_SEQPACKET for message-type pipes and SOCK_STREAM for byte-type
//! ones, under the runtime directory (mode 0700). See docs/pipes.md.
//!
//! - `name`: pipe names and their case-insensitive keys;
//! - `namespace`: the shared directory: instances, limits, listening, connecting;
//! - `server`: CreateNamedPipe, ConnectNamedPipe, DisconnectNamedPipe;
//! - `client`: CreateFile of a pipe, WaitNamedPipe, CallNamedPipe, TransactNamedPipe;
//! - `end`: a pipe end's state and message framing (ReadFile/WriteFile);
//! - `info`: GetNamedPipeInfo, Get/SetNamedPipeHandleState, PeekNamedPipe, process ids;
//! - `anon`: CreatePipe;
//! - `pending`: the poller thread of pending overlapped pipe operations.

mod anon;
mod client;
mod end;
mod info;
mod name;
mod namespace;
mod pending;
mod server;

pub use anon::create_pipe;
pub use client::{
    call_named_pipe, is_pipe_name, open_client, transact_named_pipe, transact_named_pipe_into,
    transact_named_pipe_overlapped, wait_named_pipe, NMPWAIT_USE_DEFAULT_WAIT, NMPWAIT_WAIT_FOREVER,
};
pub use end::{PipeEnd, PIPE_NOWAIT, PIPE_READMODE_MESSAGE};
pub use info::{
    get_named_pipe_client_process_id, get_named_pipe_client_session_id, get_named_pipe_handle_state,
    get_named_pipe_info, get_named_pipe_server_process_id, get_named_pipe_server_session_id, peek_named_pipe,
    set_named_pipe_handle_state, PIPE_SERVER_END,
};
pub use name::{parse, PipeName};
pub use server::{
    connect_named_pipe, connect_named_pipe_overlapped, create_named_pipe, disconnect_named_pipe,
    FILE_FLAG_FIRST_PIPE_INSTANCE, PIPE_ACCESS_INBOUND, PIPE_ACCESS_OUTBOUND, PIPE_REJECT_REMOTE_CLIENTS,
    PIPE_TYPE_MESSAGE, PIPE_UNLIMITED_INSTANCES,
};
