//! Ctrl-C in blocking calls: the core's one interrupt check (`winfile::interrupt`),
//! answered by Python's signal handlers, and the helper every blocking binding uses.

use crate::error::IntoPy;
use pyo3::prelude::*;
use std::cell::RefCell;

thread_local! {
    /// The exception a signal handler raised while this thread was blocked in the core.
    static RAISED: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// The core's interrupt check: runs pending Python signal handlers (main thread only,
/// as CPython does); an exception from one stops the wait and is kept to be raised.
fn check() -> bool {
    Python::attach(|py| match py.check_signals() {
        Ok(()) => false,
        Err(e) => {
            RAISED.with(|r| *r.borrow_mut() = Some(e));
            true
        }
    })
}

/// Registers the check with the core (module initialisation).
pub fn install() {
    winfile::interrupt::set_check(check);
}

/// Runs a blocking core call with the GIL released. A signal handler's exception that
/// stopped it is raised as it is; the core's own errors become `pywintypes.error`
/// naming `func`. Buffers of operations that ended meanwhile are released.
pub fn blocking<T: Send>(
    py: Python<'_>,
    func: &'static str,
    call: impl FnOnce() -> winfile::Result<T> + Send,
) -> PyResult<T> {
    let r = detached(py, call);
    Ok(r?.py_api(func)?)
}

/// [`blocking`] for core calls with their own error type: the signal handler's
/// exception, else the call's result as it is.
pub fn detached<T: Send>(py: Python<'_>, call: impl FnOnce() -> T + Send) -> PyResult<T> {
    RAISED.with(|r| r.borrow_mut().take());
    let r = py.detach(call);
    crate::lent::release_pending(py);
    match RAISED.with(|r| r.borrow_mut().take()) {
        Some(e) => Err(e),
        None => Ok(r),
    }
}
