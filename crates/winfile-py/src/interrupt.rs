//! Ctrl-C in blocking calls: the core's one interrupt check (`winfile::interrupt`),
//! answered by Python's signal handlers, and the helper every blocking binding uses.

use crate::error::IntoPy;
use pyo3::prelude::*;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

thread_local! {
    /// The exception a signal handler raised while this thread was blocked in the core.
    static RAISED: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// The core's interrupt check: runs pending Python signal handlers; an exception from one
/// stops the wait and is kept to be raised. CPython runs signal handlers on its main
/// thread only: another thread returns at once, without taking the GIL (a worker woken
/// in a wait would otherwise queue for the GIL a running worker holds).
fn check() -> bool {
    let main = MAIN.load(Ordering::Relaxed);
    if main != UNKNOWN && main != thread_ident() {
        return false;
    }
    Python::attach(|py| {
        // Learning runs Python code, which may run a pending handler itself: its
        // exception is the one to raise.
        let r =
            if main == UNKNOWN { learn_main_thread(py).and_then(|()| py.check_signals()) } else { py.check_signals() };
        match r {
            Ok(()) => false,
            Err(e) => {
                RAISED.with(|r| *r.borrow_mut() = Some(e));
                true
            }
        }
    })
}

/// `threading.get_ident()` of Python's main thread (see [`check`]), learnt at the first
/// check; [`UNKNOWN`] before.
static MAIN: AtomicU64 = AtomicU64::new(UNKNOWN);
const UNKNOWN: u64 = 0;

/// Reads the main thread's id, and has a forked child update it: the thread that forks
/// is the child's main thread (CPython's own record moves the same way).
fn learn_main_thread(py: Python<'_>) -> PyResult<()> {
    let main = py.import("threading")?.call_method0("main_thread")?.getattr("ident")?.extract::<u64>()?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("after_in_child", wrap_pyfunction!(main_after_fork, py)?)?;
    py.import("os")?.call_method("register_at_fork", (), Some(&kwargs))?;
    MAIN.store(main, Ordering::Relaxed);
    Ok(())
}

/// `os.register_at_fork(after_in_child=...)`: the calling thread is the child's main thread.
#[pyfunction]
fn main_after_fork() {
    MAIN.store(thread_ident(), Ordering::Relaxed);
}

/// `threading.get_ident()` of the calling thread, without the GIL.
#[allow(unsafe_code)]
#[allow(clippy::useless_conversion)] // c_ulong is 32 bits wide on some targets
fn thread_ident() -> u64 {
    // SAFETY: PyThread_get_thread_ident reads the calling thread's id (pthread_self)
    // and touches no interpreter state: callable with or without the GIL.
    u64::from(unsafe { pyo3::ffi::PyThread_get_thread_ident() })
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
