//! pywin32-compatible bindings for winfile. Bindings only convert: each function
//! extracts its arguments (`conv`), calls the core, and converts the result or the
//! error (`error`).

mod buffer;
mod conv;
mod engine;
mod error;
mod interrupt;
mod lent;
mod paths;
mod pywintypes;
mod win32api;
mod win32event;
mod win32file;
mod win32pipe;
mod win32transaction;

use pyo3::prelude::*;

/// `winfile._native`: the submodules the pure-Python drop-in modules re-export.
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    interrupt::install();
    let pwt = PyModule::new(py, "pywintypes")?;
    pywintypes::register(&pwt)?;
    m.add_submodule(&pwt)?;
    let w32f = PyModule::new(py, "win32file")?;
    win32file::register(&w32f)?;
    m.add_submodule(&w32f)?;
    let w32e = PyModule::new(py, "win32event")?;
    win32event::register(&w32e)?;
    m.add_submodule(&w32e)?;
    let w32a = PyModule::new(py, "win32api")?;
    win32api::register(&w32a)?;
    m.add_submodule(&w32a)?;
    let w32p = PyModule::new(py, "win32pipe")?;
    win32pipe::register(&w32p)?;
    m.add_submodule(&w32p)?;
    let w32t = PyModule::new(py, "win32transaction")?;
    win32transaction::register(&w32t)?;
    m.add_submodule(&w32t)?;
    engine::register(m)?;
    paths::register(m)?;
    Ok(())
}
