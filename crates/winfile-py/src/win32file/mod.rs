//! The native half of `win32file`: one file per concern, each with its `register`.

mod backup;
mod byhandle;
mod comm;
mod copy;
mod crt;
mod fast;
mod fast_socket;
mod find;
mod fsctl;
mod info;
mod io;
mod legacy;
mod lock;
mod mailslot;
mod namespace;
mod notify;
mod open;
mod overlapped;
mod socket;
mod stream;
mod unsupported;
mod volume;

pub(crate) use open::close_handle;
pub(crate) use overlapped::submit_of;

use pyo3::prelude::*;

/// Fills the `winfile._native.win32file` submodule.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    open::register(m)?;
    io::register(m)?;
    lock::register(m)?;
    info::register(m)?;
    namespace::register(m)?;
    copy::register(m)?;
    crt::register(m)?;
    overlapped::register(m)?;
    find::register(m)?;
    fsctl::register(m)?;
    notify::register(m)?;
    byhandle::register(m)?;
    legacy::register(m)?;
    unsupported::register(m)?;
    stream::register(m)?;
    volume::register(m)?;
    socket::register(m)?;
    mailslot::register(m)?;
    backup::register(m)?;
    comm::register(m)?;
    Ok(())
}

/// pywin32 calls the transacted API when a Transaction is given; transactions are not
/// built yet, so such a call fails honestly instead of running untransacted.
pub(crate) fn no_transaction(t: Option<&Bound<'_, PyAny>>, func: &'static str) -> PyResult<()> {
    match t {
        Some(obj) if !obj.is_none() && !obj.extract::<i64>().is_ok_and(|v| v == 0) => {
            Err(crate::error::PyWinError::new(winfile::Win32Error::NOT_SUPPORTED, func).into())
        }
        _ => Ok(()),
    }
}

/// The transaction a `Transaction=` argument names: None (or 0) for none; a handle that
/// is not a transaction fails with ERROR_INVALID_HANDLE, as the transacted calls do.
pub(crate) fn transaction(
    t: Option<&Bound<'_, PyAny>>,
    func: &'static str,
) -> PyResult<Option<std::sync::Arc<winfile::txn::Transaction>>> {
    match t {
        Some(obj) if !obj.is_none() && !obj.extract::<i64>().is_ok_and(|v| v == 0) => {
            let crate::conv::HandleArg(h) = obj.extract()?;
            match winfile::txn::get(h) {
                Ok(t) => Ok(Some(t)),
                Err(code) => Err(crate::error::PyWinError::new(code, func).into()),
            }
        }
        _ => Ok(None),
    }
}
