//! The native half of `win32transaction`: KTM transactions as winfile implements them
//! (`winfile::txn`). GetTransactionId and OpenTransaction take and give pywintypes IIDs
//! in the Python module; here they travel as 16 bytes.

use crate::conv::{Dword, HandleArg};
use crate::error::PyWinError;
use crate::pywintypes::PyHandle;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use winfile::Win32Error;

fn txn(h: HandleArg, func: &'static str) -> PyResult<std::sync::Arc<winfile::txn::Transaction>> {
    winfile::txn::get(h.0).map_err(|c| PyWinError::new(c, func).into())
}

/// CreateTransaction(TransactionAttributes=None, UOW=None, CreateOptions=0,
/// IsolationLevel=0, IsolationFlags=0, Timeout=0, Description=None)
#[pyfunction]
#[pyo3(name = "CreateTransaction", signature = (TransactionAttributes=None, UOW=None, CreateOptions=Dword(0), IsolationLevel=Dword(0), IsolationFlags=Dword(0), Timeout=Dword(0), Description=None), text_signature = "(TransactionAttributes=None, UOW=None, CreateOptions=0, IsolationLevel=0, IsolationFlags=0, Timeout=0, Description=None)")]
#[allow(non_snake_case, clippy::too_many_arguments)]
fn create_transaction(
    py: Python<'_>,
    TransactionAttributes: Option<Bound<'_, PyAny>>,
    UOW: Option<Bound<'_, PyAny>>,
    CreateOptions: Dword,
    IsolationLevel: Dword,
    IsolationFlags: Dword,
    Timeout: Dword,
    Description: Option<String>,
) -> PyResult<Py<PyHandle>> {
    crate::conv::security_attributes(TransactionAttributes.as_ref())?;
    // UOW is reserved (must be NULL); the options, isolation level and flags are
    // reserved or meaningless without a transaction manager: accepted and ignored.
    let _ = (CreateOptions, IsolationLevel, IsolationFlags);
    if UOW.as_ref().is_some_and(|u| !u.is_none()) {
        return Err(PyWinError::new(Win32Error::INVALID_PARAMETER, "CreateTransaction").into());
    }
    let timeout = if Timeout.0 == u32::MAX { 0 } else { Timeout.0 };
    let h = winfile::txn::create_transaction(timeout, Description.as_deref().unwrap_or(""));
    crate::pywintypes::new_handle(py, Ok(h), "CreateTransaction")
}

/// CommitTransaction(TransactionHandle)
#[pyfunction]
#[pyo3(name = "CommitTransaction", signature = (TransactionHandle))]
#[allow(non_snake_case)]
fn commit_transaction(py: Python<'_>, TransactionHandle: HandleArg) -> PyResult<()> {
    let t = txn(TransactionHandle, "CommitTransaction")?;
    py.detach(|| t.commit()).map_err(|c| PyWinError::new(c, "CommitTransaction").into())
}

/// CommitTransactionAsync(TransactionHandle): the commit runs on another thread; waiting
/// on the handle tells when the outcome is decided.
#[pyfunction]
#[pyo3(name = "CommitTransactionAsync", signature = (TransactionHandle))]
#[allow(non_snake_case)]
fn commit_transaction_async(TransactionHandle: HandleArg) -> PyResult<()> {
    let t = txn(TransactionHandle, "CommitTransactionAsync")?;
    check_active(&t, "CommitTransactionAsync")?;
    std::thread::spawn(move || {
        // The outcome is what waiters see; the error itself has nobody to go to.
        let _ = t.commit();
    });
    Ok(())
}

fn check_active(t: &winfile::txn::Transaction, func: &'static str) -> PyResult<()> {
    match t.outcome() {
        winfile::txn::Outcome::Active => Ok(()),
        winfile::txn::Outcome::Committed => {
            Err(PyWinError::new(Win32Error::TRANSACTION_ALREADY_COMMITTED, func).into())
        }
        winfile::txn::Outcome::RolledBack => Err(PyWinError::new(Win32Error::TRANSACTION_ALREADY_ABORTED, func).into()),
    }
}

/// RollbackTransaction(TransactionHandle)
#[pyfunction]
#[pyo3(name = "RollbackTransaction", signature = (TransactionHandle))]
#[allow(non_snake_case)]
fn rollback_transaction(py: Python<'_>, TransactionHandle: HandleArg) -> PyResult<()> {
    let t = txn(TransactionHandle, "RollbackTransaction")?;
    py.detach(|| t.rollback()).map_err(|c| PyWinError::new(c, "RollbackTransaction").into())
}

/// RollbackTransactionAsync(TransactionHandle)
#[pyfunction]
#[pyo3(name = "RollbackTransactionAsync", signature = (TransactionHandle))]
#[allow(non_snake_case)]
fn rollback_transaction_async(TransactionHandle: HandleArg) -> PyResult<()> {
    let t = txn(TransactionHandle, "RollbackTransactionAsync")?;
    check_active(&t, "RollbackTransactionAsync")?;
    std::thread::spawn(move || {
        let _ = t.rollback();
    });
    Ok(())
}

/// The transaction's GUID as 16 bytes (the Python module makes the IID).
#[pyfunction]
#[pyo3(name = "_transaction_id", signature = (TransactionHandle))]
#[allow(non_snake_case)]
fn transaction_id<'py>(py: Python<'py>, TransactionHandle: HandleArg) -> PyResult<Bound<'py, PyBytes>> {
    let t = txn(TransactionHandle, "GetTransactionId")?;
    Ok(PyBytes::new(py, &t.id()))
}

/// Opens the transaction whose GUID is these 16 bytes.
#[pyfunction]
#[pyo3(name = "_open_transaction", signature = (DesiredAccess, TransactionId))]
#[allow(non_snake_case)]
fn open_transaction(py: Python<'_>, DesiredAccess: Dword, TransactionId: &[u8]) -> PyResult<Py<PyHandle>> {
    let _ = DesiredAccess;
    let id: [u8; 16] = TransactionId.try_into().map_err(|_| PyValueError::new_err("a GUID is 16 bytes"))?;
    let r = winfile::txn::open_transaction(id).map_err(|c| winfile::Error::new(c, "OpenTransaction"));
    crate::pywintypes::new_handle(py, r, "OpenTransaction")
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(create_transaction, m)?)?;
    m.add_function(wrap_pyfunction!(commit_transaction, m)?)?;
    m.add_function(wrap_pyfunction!(commit_transaction_async, m)?)?;
    m.add_function(wrap_pyfunction!(rollback_transaction, m)?)?;
    m.add_function(wrap_pyfunction!(rollback_transaction_async, m)?)?;
    m.add_function(wrap_pyfunction!(transaction_id, m)?)?;
    m.add_function(wrap_pyfunction!(open_transaction, m)?)?;
    Ok(())
}
