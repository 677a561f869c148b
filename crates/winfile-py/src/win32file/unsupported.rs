//! The functions with no meaning on Linux (see `winfile::unsupported`): exported with
//! pywin32's signatures, their arguments converted as pywin32 converts them (a wrong type
//! is still a TypeError), then refused with the core's Win32 error.

use crate::conv::{Dword, Flag, HandleArg, PathArg, WideArg};
use crate::error::IntoPy;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyInt, PyString};
use winfile::unsupported as core;

/// A sequence of 3-item sequences whose second and third items pass `check`.
fn triples(
    obj: &Bound<'_, PyAny>,
    what: &str,
    check: impl Fn(&Bound<'_, PyAny>, &Bound<'_, PyAny>) -> bool,
) -> PyResult<()> {
    let bad = || PyTypeError::new_err(format!("{what} must be a sequence of 3-item sequences"));
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(bad());
    }
    for entry in obj.try_iter().map_err(|_| bad())? {
        let entry = entry?;
        if entry.is_instance_of::<PyString>() || entry.len().ok() != Some(3) {
            return Err(bad());
        }
        if !check(&entry.get_item(1)?, &entry.get_item(2)?) {
            return Err(bad());
        }
    }
    Ok(())
}

/// A raw EFS context: pywin32 takes the capsule OpenEncryptedFileRaw returned.
fn raw_context(context: &Bound<'_, PyAny>, func: &'static str) -> PyResult<()> {
    if !context.is_instance_of::<PyCapsule>() {
        return Err(PyTypeError::new_err("Context must be a PyCapsule from OpenEncryptedFileRaw"));
    }
    Ok(core::encrypted_file_raw_context(func).py_api(func)?)
}

/// EncryptFile(filename, /)
#[pyfunction]
#[pyo3(name = "EncryptFile", signature = (filename, /))]
fn encrypt_file(py: Python<'_>, filename: PathArg) -> PyResult<()> {
    Ok(py.detach(|| core::encrypt_file(&filename.text)).py_api("EncryptFile")?)
}

/// AddUsersToEncryptedFile(FileName, pUsers, /)
#[pyfunction]
#[pyo3(name = "AddUsersToEncryptedFile", signature = (FileName, pUsers, /))]
#[allow(non_snake_case)]
fn add_users_to_encrypted_file(py: Python<'_>, FileName: PathArg, pUsers: Bound<'_, PyAny>) -> PyResult<()> {
    triples(&pUsers, "pUsers", |kind, cert| kind.is_instance_of::<PyInt>() && cert.is_instance_of::<PyBytes>())?;
    Ok(py.detach(|| core::add_users_to_encrypted_file(&FileName.text)).py_api("AddUsersToEncryptedFile")?)
}

/// RemoveUsersFromEncryptedFile(FileName, pHashes, /)
#[pyfunction]
#[pyo3(name = "RemoveUsersFromEncryptedFile", signature = (FileName, pHashes, /))]
#[allow(non_snake_case)]
fn remove_users_from_encrypted_file(py: Python<'_>, FileName: PathArg, pHashes: Bound<'_, PyAny>) -> PyResult<()> {
    triples(&pHashes, "pHashes", |hash, text| {
        hash.is_instance_of::<PyBytes>() && (text.is_none() || text.is_instance_of::<PyString>())
    })?;
    Ok(py.detach(|| core::remove_users_from_encrypted_file(&FileName.text)).py_api("RemoveUsersFromEncryptedFile")?)
}

/// QueryUsersOnEncryptedFile(FileName, /)
#[pyfunction]
#[pyo3(name = "QueryUsersOnEncryptedFile", signature = (FileName, /))]
#[allow(non_snake_case)]
fn query_users_on_encrypted_file(py: Python<'_>, FileName: PathArg) -> PyResult<()> {
    Ok(py.detach(|| core::query_users_on_encrypted_file(&FileName.text)).py_api("QueryUsersOnEncryptedFile")?)
}

/// QueryRecoveryAgentsOnEncryptedFile(FileName, /)
#[pyfunction]
#[pyo3(name = "QueryRecoveryAgentsOnEncryptedFile", signature = (FileName, /))]
#[allow(non_snake_case)]
fn query_recovery_agents_on_encrypted_file(py: Python<'_>, FileName: PathArg) -> PyResult<()> {
    Ok(py
        .detach(|| core::query_recovery_agents_on_encrypted_file(&FileName.text))
        .py_api("QueryRecoveryAgentsOnEncryptedFile")?)
}

/// DuplicateEncryptionInfoFile(SrcFileName, DstFileName, CreationDisposition, Attributes, SecurityAttributes=None)
#[pyfunction]
#[pyo3(name = "DuplicateEncryptionInfoFile", signature = (SrcFileName, DstFileName, CreationDisposition, Attributes, SecurityAttributes=None))]
#[allow(non_snake_case)]
fn duplicate_encryption_info_file(
    py: Python<'_>,
    SrcFileName: PathArg,
    DstFileName: PathArg,
    CreationDisposition: Dword,
    Attributes: Dword,
    SecurityAttributes: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    let _ = (DstFileName, CreationDisposition, Attributes);
    crate::conv::security_attributes(SecurityAttributes.as_ref())?;
    Ok(py.detach(|| core::duplicate_encryption_info_file(&SrcFileName.text)).py_api("DuplicateEncryptionInfoFile")?)
}

/// EncryptionDisable(DirName, Disable, /)
#[pyfunction]
#[pyo3(name = "EncryptionDisable", signature = (DirName, Disable, /))]
#[allow(non_snake_case)]
fn encryption_disable(py: Python<'_>, DirName: PathArg, Disable: Flag) -> PyResult<()> {
    let _ = Disable;
    Ok(py.detach(|| core::encryption_disable(&DirName.text)).py_api("EncryptionDisable")?)
}

/// OpenEncryptedFileRaw(FileName, Flags, /)
#[pyfunction]
#[pyo3(name = "OpenEncryptedFileRaw", signature = (FileName, Flags, /))]
#[allow(non_snake_case)]
fn open_encrypted_file_raw(py: Python<'_>, FileName: PathArg, Flags: Dword) -> PyResult<()> {
    Ok(py.detach(|| core::open_encrypted_file_raw(&FileName.text, Flags.0)).py_api("OpenEncryptedFileRaw")?)
}

/// ReadEncryptedFileRaw(ExportCallback, CallbackContext, Context, /)
#[pyfunction]
#[pyo3(name = "ReadEncryptedFileRaw", signature = (ExportCallback, CallbackContext, Context, /))]
#[allow(non_snake_case)]
fn read_encrypted_file_raw(
    ExportCallback: Bound<'_, PyAny>,
    CallbackContext: Bound<'_, PyAny>,
    Context: Bound<'_, PyAny>,
) -> PyResult<()> {
    let _ = (ExportCallback, CallbackContext);
    raw_context(&Context, "ReadEncryptedFileRaw")
}

/// WriteEncryptedFileRaw(ImportCallback, CallbackContext, Context, /)
#[pyfunction]
#[pyo3(name = "WriteEncryptedFileRaw", signature = (ImportCallback, CallbackContext, Context, /))]
#[allow(non_snake_case)]
fn write_encrypted_file_raw(
    ImportCallback: Bound<'_, PyAny>,
    CallbackContext: Bound<'_, PyAny>,
    Context: Bound<'_, PyAny>,
) -> PyResult<()> {
    let _ = (ImportCallback, CallbackContext);
    raw_context(&Context, "WriteEncryptedFileRaw")
}

/// CloseEncryptedFileRaw(Context, /)
#[pyfunction]
#[pyo3(name = "CloseEncryptedFileRaw", signature = (Context, /))]
#[allow(non_snake_case)]
fn close_encrypted_file_raw(Context: Bound<'_, PyAny>) -> PyResult<()> {
    raw_context(&Context, "CloseEncryptedFileRaw")
}

/// SetFileShortName(hFile, ShortName, /)
#[pyfunction]
#[pyo3(name = "SetFileShortName", signature = (hFile, ShortName, /))]
#[allow(non_snake_case)]
fn set_file_short_name(hFile: HandleArg, ShortName: WideArg) -> PyResult<()> {
    let _ = ShortName;
    Ok(core::set_file_short_name(hFile.0).py_api("SetFileShortName")?)
}

/// WSAAsyncSelect(socket, hwnd, wMsg, networkEvents, /)
#[pyfunction]
#[pyo3(name = "WSAAsyncSelect", signature = (socket, hwnd, wMsg, networkEvents, /))]
#[allow(non_snake_case)]
fn wsa_async_select(socket: Bound<'_, PyAny>, hwnd: HandleArg, wMsg: Dword, networkEvents: Dword) -> PyResult<()> {
    let _ = (hwnd, wMsg, networkEvents);
    // A SOCKET is an int or an object with fileno(), as pywin32 converts it.
    if !socket.is_instance_of::<PyInt>() {
        let fd = socket
            .call_method0("fileno")
            .map_err(|_| PyTypeError::new_err("socket must be a socket object or an int"))?;
        fd.extract::<i64>()?;
    }
    Ok(core::wsa_async_select().py_api("WSAAsyncSelect")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(encrypt_file, m)?)?;
    m.add_function(wrap_pyfunction!(add_users_to_encrypted_file, m)?)?;
    m.add_function(wrap_pyfunction!(remove_users_from_encrypted_file, m)?)?;
    m.add_function(wrap_pyfunction!(query_users_on_encrypted_file, m)?)?;
    m.add_function(wrap_pyfunction!(query_recovery_agents_on_encrypted_file, m)?)?;
    m.add_function(wrap_pyfunction!(duplicate_encryption_info_file, m)?)?;
    m.add_function(wrap_pyfunction!(encryption_disable, m)?)?;
    m.add_function(wrap_pyfunction!(open_encrypted_file_raw, m)?)?;
    m.add_function(wrap_pyfunction!(read_encrypted_file_raw, m)?)?;
    m.add_function(wrap_pyfunction!(write_encrypted_file_raw, m)?)?;
    m.add_function(wrap_pyfunction!(close_encrypted_file_raw, m)?)?;
    m.add_function(wrap_pyfunction!(set_file_short_name, m)?)?;
    m.add_function(wrap_pyfunction!(wsa_async_select, m)?)?;
    Ok(())
}
