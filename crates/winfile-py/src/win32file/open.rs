//! CreateFile, CreateFileW, CloseHandle.

use super::transaction;
use crate::conv::{Dword, HandleArg, PathArg};
use crate::error::PyWinError;
use crate::pywintypes::PyHandle;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use winfile::open::{create_file_noting, create_file_with_template_noting, CreateParams};

#[allow(clippy::too_many_arguments)]
fn open(
    py: Python<'_>,
    name: PathArg,
    access: Dword,
    share: Dword,
    sa: Option<&Bound<'_, PyAny>>,
    disposition: Dword,
    flags: Dword,
    template: Option<HandleArg>,
    txn: Option<std::sync::Arc<winfile::txn::Transaction>>,
    func: &'static str,
) -> PyResult<Py<PyHandle>> {
    let params = CreateParams {
        access: access.0,
        share: share.0,
        disposition: disposition.0,
        flags_and_attributes: flags.0,
        inherit: crate::conv::security_attributes(sa)?,
    };
    let template = template.map(|t| t.0).filter(|t| t.raw() != 0);
    let r = py.detach(|| match (txn, template) {
        (Some(txn), _) => winfile::txn::create_file(&txn, &name.text, &params).map(|h| (h, false)),
        (None, Some(t)) => create_file_with_template_noting(&name.text, &params, t),
        (None, None) => create_file_noting(&name.text, &params),
    });
    let r = r.map(|(h, existed)| {
        // As Windows: 183 when OPEN_ALWAYS/CREATE_ALWAYS found the file, else 0.
        let noted =
            existed && matches!(params.disposition, winfile::consts::OPEN_ALWAYS | winfile::consts::CREATE_ALWAYS);
        winfile::error::set_last_error(if noted {
            winfile::Win32Error::ALREADY_EXISTS
        } else {
            winfile::Win32Error(0)
        });
        h
    });
    crate::pywintypes::new_handle(py, r, func)
}

/// CreateFile(fileName, desiredAccess, shareMode, attributes, CreationDisposition,
/// flagsAndAttributes, hTemplateFile, /)
#[pyfunction]
#[pyo3(name = "CreateFile", signature = (fileName, desiredAccess, shareMode, attributes, CreationDisposition, flagsAndAttributes, hTemplateFile, /))]
#[allow(non_snake_case, clippy::too_many_arguments)]
fn create_file_py(
    py: Python<'_>,
    fileName: PathArg,
    desiredAccess: Dword,
    shareMode: Dword,
    attributes: Option<Bound<'_, PyAny>>,
    CreationDisposition: Dword,
    flagsAndAttributes: Dword,
    hTemplateFile: HandleArg,
) -> PyResult<Py<PyHandle>> {
    open(
        py,
        fileName,
        desiredAccess,
        shareMode,
        attributes.as_ref(),
        CreationDisposition,
        flagsAndAttributes,
        Some(hTemplateFile),
        None,
        "CreateFile",
    )
}

/// CreateFileW(FileName, DesiredAccess, ShareMode, SecurityAttributes,
/// CreationDisposition, FlagsAndAttributes, TemplateFile=None, Transaction=None,
/// MiniVersion=None, ExtendedParameter=None)
#[pyfunction]
#[pyo3(name = "CreateFileW", signature = (FileName, DesiredAccess, ShareMode, SecurityAttributes, CreationDisposition, FlagsAndAttributes, TemplateFile=None, Transaction=None, MiniVersion=None, ExtendedParameter=None))]
#[allow(non_snake_case, clippy::too_many_arguments)]
fn create_file_w(
    py: Python<'_>,
    FileName: PathArg,
    DesiredAccess: Dword,
    ShareMode: Dword,
    SecurityAttributes: Option<Bound<'_, PyAny>>,
    CreationDisposition: Dword,
    FlagsAndAttributes: Dword,
    TemplateFile: Option<HandleArg>,
    Transaction: Option<Bound<'_, PyAny>>,
    MiniVersion: Option<Bound<'_, PyAny>>,
    ExtendedParameter: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyHandle>> {
    if ExtendedParameter.as_ref().is_some_and(|e| !e.is_none()) {
        return Err(PyTypeError::new_err("ExtendedParameter must be None"));
    }
    if MiniVersion.as_ref().is_some_and(|m| !m.is_none()) && Transaction.as_ref().is_none_or(|t| t.is_none()) {
        return Err(PyValueError::new_err("MiniVersion requires a Transaction"));
    }
    let txn = transaction(Transaction.as_ref(), "CreateFileW")?;
    open(
        py,
        FileName,
        DesiredAccess,
        ShareMode,
        SecurityAttributes.as_ref(),
        CreationDisposition,
        FlagsAndAttributes,
        TemplateFile,
        txn,
        "CreateFileW",
    )
}

/// CloseHandle(handle, /): any winfile handle (win32file's and win32api's); a PyHANDLE
/// is left holding 0.
#[pyfunction]
#[pyo3(name = "CloseHandle", signature = (handle, /))]
pub(crate) fn close_handle(handle: &Bound<'_, PyAny>) -> PyResult<()> {
    if let Ok(h) = handle.cast::<PyHandle>() {
        return h.get().close_handle();
    }
    let HandleArg(h) = handle.extract()?;
    if h.raw() == 0 {
        return Ok(());
    }
    winfile::handle::close(h).map_err(|code| PyWinError::new(code, "CloseHandle").into())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(create_file_py, m)?)?;
    m.add_function(wrap_pyfunction!(create_file_w, m)?)?;
    m.add_function(wrap_pyfunction!(close_handle, m)?)?;
    Ok(())
}
