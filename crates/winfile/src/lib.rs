//! winfile: the Win32 file API with Windows semantics, on Linux.
//!
//! Translation rules, applied everywhere:
//! - a Win32 `BOOL` plus `GetLastError` becomes [`Result`], whose [`Error`] carries the
//!   Win32 error code and the API name;
//! - out-parameters become return values; high/low `DWORD` pairs become `u64`;
//! - buffers are slices; times are [`info::FileTime`] (100 ns ticks since 1601);
//! - handles are [`handle::Handle`] values checked on every use.
#![deny(missing_docs)]

pub mod backup;
pub mod byhandle;
pub mod comm;
pub mod consts;
pub mod copy;
pub mod engine;
pub mod error;
pub mod find;
pub mod fs;
pub mod fsctl;
pub mod handle;
pub mod info;
pub mod interrupt;
pub mod io;
pub mod link;
pub mod lock;
pub mod mailslot;
pub mod mountinfo;
pub mod net;
pub mod notify;
pub mod open;
pub mod overlapped;
pub mod path;
pub mod pipe;
mod poison;
pub mod stream;
pub mod sync;
pub mod system;
pub mod txn;
pub mod txnlog;
pub mod unsupported;
pub mod volume;

pub use error::{Error, Result, Win32Error};
pub use handle::Handle;
