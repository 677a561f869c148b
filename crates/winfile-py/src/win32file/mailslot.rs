//! CreateMailslot, GetMailslotInfo, SetMailslotInfo.

use crate::conv::{Dword, HandleArg, PathArg};
use crate::error::IntoPy;
use crate::pywintypes::PyHandle;
use pyo3::prelude::*;

/// CreateMailslot(Name, MaxMessageSize, ReadTimeout, SecurityAttributes, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "CreateMailslot", signature = (Name, MaxMessageSize, ReadTimeout, SecurityAttributes, /))]
#[allow(non_snake_case)]
fn create_mailslot(
    py: Python<'_>,
    Name: PathArg,
    MaxMessageSize: Dword,
    ReadTimeout: Dword,
    SecurityAttributes: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyHandle>> {
    crate::conv::security_attributes(SecurityAttributes.as_ref())?;
    let r = py.detach(|| winfile::mailslot::create_mailslot(&Name.text, MaxMessageSize.0, ReadTimeout.0));
    crate::pywintypes::new_handle(py, r, "CreateMailslot")
}

/// GetMailslotInfo(Mailslot, /) -> (MaxMessageSize, NextSize, MessageCount, ReadTimeout)
#[pyfunction]
#[pyo3(name = "GetMailslotInfo", signature = (Mailslot, /))]
#[allow(non_snake_case)]
fn get_mailslot_info(py: Python<'_>, Mailslot: HandleArg) -> PyResult<(u32, u32, u32, u32)> {
    Ok(py.detach(|| winfile::mailslot::get_mailslot_info(Mailslot.0)).py_api("GetMailslotInfo")?)
}

/// SetMailslotInfo(Mailslot, ReadTimeout, /) -> None
#[pyfunction]
#[pyo3(name = "SetMailslotInfo", signature = (Mailslot, ReadTimeout, /))]
#[allow(non_snake_case)]
fn set_mailslot_info(Mailslot: HandleArg, ReadTimeout: Dword) -> PyResult<()> {
    Ok(winfile::mailslot::set_mailslot_info(Mailslot.0, ReadTimeout.0).py_api("SetMailslotInfo")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(create_mailslot, m)?)?;
    m.add_function(wrap_pyfunction!(get_mailslot_info, m)?)?;
    m.add_function(wrap_pyfunction!(set_mailslot_info, m)?)?;
    Ok(())
}
