//! `winfile._native`: which completion-engine backend runs, and a test hook.

use pyo3::prelude::*;

/// engine_name() -> "uring" or "pool"
#[pyfunction]
fn engine_name() -> &'static str {
    winfile::engine::backend_name()
}

/// engine_fallback_reason() -> why io_uring is not used (None when it is, or when the
/// thread pool was asked for)
#[pyfunction]
fn engine_fallback_reason() -> Option<&'static str> {
    winfile::engine::fallback_reason()
}

/// _inject_completion_panic(n): the next `n` overlapped operations panic inside the
/// engine while being finished (a test hook: each must still complete, with
/// ERROR_INTERNAL_ERROR, and later I/O must go on).
#[pyfunction]
fn _inject_completion_panic(n: u32) {
    winfile::engine::inject_finish_panic(n);
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(engine_name, m)?)?;
    m.add_function(wrap_pyfunction!(engine_fallback_reason, m)?)?;
    m.add_function(wrap_pyfunction!(_inject_completion_panic, m)?)
}
