//! `winfile._native.engine_name()`: which completion-engine backend this process uses.

use pyo3::prelude::*;

/// engine_name() -> "uring" or "pool"
#[pyfunction]
fn engine_name() -> &'static str {
    winfile::engine::backend_name()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(engine_name, m)?)
}
