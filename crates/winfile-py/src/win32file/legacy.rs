//! Functions whose Linux answer is fixed (see `winfile::fs` legacy): FileEncryptionStatus,
//! DecryptFile, SfcIsFileProtected, SfcGetNextProtectedFile, the Wow64 redirection pair,
//! GetBinaryType, GetCompressedFileSize.

use crate::conv::{PathArg, Qword, WideArg};
use crate::error::IntoPy;
use pyo3::prelude::*;

/// FileEncryptionStatus(FileName, /) -> int
#[pyfunction]
#[pyo3(name = "FileEncryptionStatus", signature = (FileName, /))]
#[allow(non_snake_case)]
fn file_encryption_status(py: Python<'_>, FileName: PathArg) -> PyResult<u32> {
    Ok(py.detach(|| winfile::fs::file_encryption_status(&FileName.text)).py_api("FileEncryptionStatus")?)
}

/// DecryptFile(filename, /)
#[pyfunction]
#[pyo3(name = "DecryptFile", signature = (filename, /))]
fn decrypt_file(py: Python<'_>, filename: PathArg) -> PyResult<()> {
    Ok(py.detach(|| winfile::fs::decrypt_file(&filename.text)).py_api("DecryptFile")?)
}

/// SfcIsFileProtected(ProtFileName, /) -> bool
#[pyfunction]
#[pyo3(name = "SfcIsFileProtected", signature = (ProtFileName, /))]
#[allow(non_snake_case)]
fn sfc_is_file_protected(ProtFileName: WideArg) -> bool {
    winfile::fs::sfc_is_file_protected(&ProtFileName.0)
}

/// SfcGetNextProtectedFile() -> list[str]
#[pyfunction]
#[pyo3(name = "SfcGetNextProtectedFile", signature = ())]
fn sfc_get_next_protected_file() -> Vec<String> {
    winfile::fs::sfc_get_next_protected_file()
}

/// Wow64DisableWow64FsRedirection() -> int
#[pyfunction]
#[pyo3(name = "Wow64DisableWow64FsRedirection", signature = ())]
fn wow64_disable() -> u64 {
    winfile::fs::wow64_disable_fs_redirection()
}

/// Wow64RevertWow64FsRedirection(OldValue, /)
#[pyfunction]
#[pyo3(name = "Wow64RevertWow64FsRedirection", signature = (OldValue, /))]
#[allow(non_snake_case)]
fn wow64_revert(OldValue: Qword) {
    winfile::fs::wow64_revert_fs_redirection(OldValue.0);
}

/// GetBinaryType(appName, /) -> int
#[pyfunction]
#[pyo3(name = "GetBinaryType", signature = (appName, /))]
#[allow(non_snake_case)]
fn get_binary_type(py: Python<'_>, appName: PathArg) -> PyResult<u32> {
    Ok(py.detach(|| winfile::fs::get_binary_type(&appName.text)).py_api("GetBinaryType")?)
}

/// GetCompressedFileSize(fileName, /) -> int
#[pyfunction]
#[pyo3(name = "GetCompressedFileSize", signature = (fileName, /))]
#[allow(non_snake_case)]
fn get_compressed_file_size(py: Python<'_>, fileName: WideArg) -> PyResult<u64> {
    Ok(py.detach(|| winfile::fs::get_compressed_file_size(&fileName.0)).py_api("GetCompressedFileSize")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(file_encryption_status, m)?)?;
    m.add_function(wrap_pyfunction!(decrypt_file, m)?)?;
    m.add_function(wrap_pyfunction!(sfc_is_file_protected, m)?)?;
    m.add_function(wrap_pyfunction!(sfc_get_next_protected_file, m)?)?;
    m.add_function(wrap_pyfunction!(wow64_disable, m)?)?;
    m.add_function(wrap_pyfunction!(wow64_revert, m)?)?;
    m.add_function(wrap_pyfunction!(get_binary_type, m)?)?;
    m.add_function(wrap_pyfunction!(get_compressed_file_size, m)?)?;
    Ok(())
}
