//! Name-based calls: DeleteFile(W), CreateDirectory(W/Ex/ExW), RemoveDirectory,
//! MoveFile(W), MoveFileEx(W), CopyFile(W), GetFullPathName, SetCurrentDirectory.

use super::transaction;
use crate::conv::{name_to_py, AnsiOrWidePath, Dword, PathArg, WideArg};
use crate::error::IntoPy;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// DeleteFile(fileName, /)
#[pyfunction]
#[pyo3(name = "DeleteFile", signature = (fileName, /))]
#[allow(non_snake_case)]
fn delete_file(py: Python<'_>, fileName: PathArg) -> PyResult<()> {
    Ok(py.detach(|| winfile::fs::delete_file(&fileName.text)).py_api("DeleteFile")?)
}

/// DeleteFileW(FileName, Transaction=None)
#[pyfunction]
#[pyo3(name = "DeleteFileW", signature = (FileName, Transaction=None))]
#[allow(non_snake_case)]
fn delete_file_w(py: Python<'_>, FileName: PathArg, Transaction: Option<Bound<'_, PyAny>>) -> PyResult<()> {
    if let Some(t) = transaction(Transaction.as_ref(), "DeleteFileW")? {
        return Ok(py.detach(|| winfile::txn::delete_file(&t, &FileName.text)).py_api("DeleteFileW")?);
    }
    Ok(py.detach(|| winfile::fs::delete_file(&FileName.text)).py_api("DeleteFileW")?)
}

fn mkdir(
    py: Python<'_>,
    template: Option<String>,
    name: String,
    sa: Option<&Bound<'_, PyAny>>,
    func: &'static str,
) -> PyResult<()> {
    crate::conv::security_attributes(sa)?;
    Ok(py.detach(|| winfile::fs::create_directory(&name, template.as_deref())).py_api(func)?)
}

/// CreateDirectory(name, sa, /)
#[pyfunction]
#[pyo3(name = "CreateDirectory", signature = (name, sa, /))]
fn create_directory(py: Python<'_>, name: PathArg, sa: Option<Bound<'_, PyAny>>) -> PyResult<()> {
    mkdir(py, None, name.text, sa.as_ref(), "CreateDirectory")
}

/// CreateDirectoryW(name, sa, /)
#[pyfunction]
#[pyo3(name = "CreateDirectoryW", signature = (name, sa, /))]
fn create_directory_w(py: Python<'_>, name: PathArg, sa: Option<Bound<'_, PyAny>>) -> PyResult<()> {
    mkdir(py, None, name.text, sa.as_ref(), "CreateDirectoryW")
}

/// CreateDirectoryEx(templateName, newDirectory, sa, /)
#[pyfunction]
#[pyo3(name = "CreateDirectoryEx", signature = (templateName, newDirectory, sa, /))]
#[allow(non_snake_case)]
fn create_directory_ex(
    py: Python<'_>,
    templateName: WideArg,
    newDirectory: PathArg,
    sa: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    mkdir(py, Some(templateName.0), newDirectory.text, sa.as_ref(), "CreateDirectoryEx")
}

/// CreateDirectoryExW(TemplateDirectory, NewDirectory, SecurityAttributes=None, Transaction=None)
#[pyfunction]
#[pyo3(name = "CreateDirectoryExW", signature = (TemplateDirectory, NewDirectory, SecurityAttributes=None, Transaction=None))]
#[allow(non_snake_case)]
fn create_directory_ex_w(
    py: Python<'_>,
    TemplateDirectory: Option<PathArg>,
    NewDirectory: PathArg,
    SecurityAttributes: Option<Bound<'_, PyAny>>,
    Transaction: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    let txn = transaction(Transaction.as_ref(), "CreateDirectoryExW")?;
    let template = TemplateDirectory.map(|t| t.text);
    if let Some(t) = txn {
        crate::conv::security_attributes(SecurityAttributes.as_ref())?;
        let name = NewDirectory.text;
        return Ok(py
            .detach(|| winfile::txn::create_directory(&t, &name, template.as_deref()))
            .py_api("CreateDirectoryExW")?);
    }
    mkdir(py, template, NewDirectory.text, SecurityAttributes.as_ref(), "CreateDirectoryExW")
}

/// RemoveDirectory(PathName, Transaction=None)
#[pyfunction]
#[pyo3(name = "RemoveDirectory", signature = (PathName, Transaction=None))]
#[allow(non_snake_case)]
fn remove_directory(py: Python<'_>, PathName: PathArg, Transaction: Option<Bound<'_, PyAny>>) -> PyResult<()> {
    if let Some(t) = transaction(Transaction.as_ref(), "RemoveDirectory")? {
        return Ok(py.detach(|| winfile::txn::remove_directory(&t, &PathName.text)).py_api("RemoveDirectory")?);
    }
    Ok(py.detach(|| winfile::fs::remove_directory(&PathName.text)).py_api("RemoveDirectory")?)
}

fn mv(py: Python<'_>, from: PathArg, to: Option<PathArg>, flags: u32, func: &'static str) -> PyResult<()> {
    let to = to.map(|t| t.text);
    Ok(py.detach(|| winfile::fs::move_file(&from.text, to.as_deref(), flags)).py_api(func)?)
}

/// MoveFile moves files across file systems too (it implies MOVEFILE_COPY_ALLOWED).
const MOVEFILE_DEFAULT: u32 = winfile::consts::MOVEFILE_COPY_ALLOWED;

/// MoveFile(existingFileName, newFileName, /)
#[pyfunction]
#[pyo3(name = "MoveFile", signature = (existingFileName, newFileName, /))]
#[allow(non_snake_case)]
fn move_file(py: Python<'_>, existingFileName: PathArg, newFileName: PathArg) -> PyResult<()> {
    mv(py, existingFileName, Some(newFileName), MOVEFILE_DEFAULT, "MoveFile")
}

/// MoveFileW(existingFileName, newFileName, /)
#[pyfunction]
#[pyo3(name = "MoveFileW", signature = (existingFileName, newFileName, /))]
#[allow(non_snake_case)]
fn move_file_w(py: Python<'_>, existingFileName: PathArg, newFileName: PathArg) -> PyResult<()> {
    mv(py, existingFileName, Some(newFileName), MOVEFILE_DEFAULT, "MoveFileW")
}

/// MoveFileEx(existingFileName, newFileName, flags, /)
#[pyfunction]
#[pyo3(name = "MoveFileEx", signature = (existingFileName, newFileName, flags, /))]
#[allow(non_snake_case)]
fn move_file_ex(py: Python<'_>, existingFileName: PathArg, newFileName: Option<PathArg>, flags: Dword) -> PyResult<()> {
    mv(py, existingFileName, newFileName, flags.0, "MoveFileEx")
}

/// MoveFileExW(existingFileName, newFileName, flags, /)
#[pyfunction]
#[pyo3(name = "MoveFileExW", signature = (existingFileName, newFileName, flags, /))]
#[allow(non_snake_case)]
fn move_file_ex_w(
    py: Python<'_>,
    existingFileName: PathArg,
    newFileName: Option<PathArg>,
    flags: Dword,
) -> PyResult<()> {
    mv(py, existingFileName, newFileName, flags.0, "MoveFileExW")
}

/// CopyFile(from, to, bFailIfExists, /); `from` is a Python keyword, so the name is `_from`.
#[pyfunction]
#[pyo3(name = "CopyFile", signature = (_from, to, bFailIfExists, /))]
#[allow(non_snake_case, clippy::used_underscore_binding)]
fn copy_file(py: Python<'_>, _from: WideArg, to: WideArg, bFailIfExists: i32) -> PyResult<()> {
    let fail = bFailIfExists != 0;
    Ok(py.detach(|| winfile::copy::copy_file(&_from.0, &to.0, fail)).py_api("CopyFile")?)
}

/// CopyFileW(from, to, bFailIfExists, /); `from` is a Python keyword, so the name is `_from`.
#[pyfunction]
#[pyo3(name = "CopyFileW", signature = (_from, to, bFailIfExists, /))]
#[allow(non_snake_case, clippy::used_underscore_binding)]
fn copy_file_w(py: Python<'_>, _from: WideArg, to: WideArg, bFailIfExists: i32) -> PyResult<()> {
    let fail = bFailIfExists != 0;
    Ok(py.detach(|| winfile::copy::copy_file(&_from.0, &to.0, fail)).py_api("CopyFileW")?)
}

/// GetFullPathName(FileName, Transaction=None) -> str, or bytes for bytes
#[pyfunction]
#[pyo3(name = "GetFullPathName", signature = (FileName, Transaction=None))]
#[allow(non_snake_case)]
fn get_full_path_name<'py>(
    py: Python<'py>,
    FileName: AnsiOrWidePath,
    Transaction: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let FileName = FileName.0;
    let func = if FileName.was_bytes { "GetFullPathNameA" } else { "GetFullPathNameW" };
    if let Some(t) = transaction(Transaction.as_ref(), func)? {
        winfile::txn::ensure_active(&t, func).py_api(func)?;
    }
    let full = winfile::fs::get_full_path_name(&FileName.text).py_api(func)?;
    if FileName.was_bytes {
        let os = winfile::path::escape::to_os(&full);
        Ok(PyBytes::new(py, std::os::unix::ffi::OsStrExt::as_bytes(&*os)).into_any())
    } else {
        Ok(name_to_py(py, &full)?.into_any())
    }
}

/// SetCurrentDirectory(lpPathName, /)
#[pyfunction]
#[pyo3(name = "SetCurrentDirectory", signature = (lpPathName, /))]
#[allow(non_snake_case)]
fn set_current_directory(lpPathName: PathArg) -> PyResult<()> {
    Ok(winfile::fs::set_current_directory(&lpPathName.text).py_api("SetCurrentDirectory")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(delete_file, m)?)?;
    m.add_function(wrap_pyfunction!(delete_file_w, m)?)?;
    m.add_function(wrap_pyfunction!(create_directory, m)?)?;
    m.add_function(wrap_pyfunction!(create_directory_w, m)?)?;
    m.add_function(wrap_pyfunction!(create_directory_ex, m)?)?;
    m.add_function(wrap_pyfunction!(create_directory_ex_w, m)?)?;
    m.add_function(wrap_pyfunction!(remove_directory, m)?)?;
    m.add_function(wrap_pyfunction!(move_file, m)?)?;
    m.add_function(wrap_pyfunction!(move_file_w, m)?)?;
    m.add_function(wrap_pyfunction!(move_file_ex, m)?)?;
    m.add_function(wrap_pyfunction!(move_file_ex_w, m)?)?;
    m.add_function(wrap_pyfunction!(copy_file, m)?)?;
    m.add_function(wrap_pyfunction!(copy_file_w, m)?)?;
    m.add_function(wrap_pyfunction!(get_full_path_name, m)?)?;
    m.add_function(wrap_pyfunction!(set_current_directory, m)?)?;
    Ok(())
}
