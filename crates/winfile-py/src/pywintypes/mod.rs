//! The native half of `pywintypes`: PyHANDLE, PyOVERLAPPED, PySECURITY_ATTRIBUTES and
//! time conversion through the pure-Python `pywintypes` helpers.

mod handle;
mod overlapped;
mod security;
mod time;

pub use handle::{new_handle, PyHandle};
pub use overlapped::PyOverlapped;
pub use security::PySecurityAttributes;
pub use time::{filetime_from_py, filetime_to_py, TimeMaker};

use pyo3::prelude::*;

/// Fills the `winfile._native.pywintypes` submodule.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyHandle>()?;
    m.add_class::<PyOverlapped>()?;
    m.add_class::<PySecurityAttributes>()?;
    m.add_function(wrap_pyfunction!(handle::handle_factory, m)?)?;
    m.add_function(wrap_pyfunction!(time::filetime_to_datetime, m)?)?;
    Ok(())
}
