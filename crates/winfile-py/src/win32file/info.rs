//! Attributes and times: GetFileAttributes(W), GetFileAttributesEx(W),
//! SetFileAttributes(W), GetFileTime, SetFileTime, GetFileInformationByHandle.

use super::transaction;
use crate::conv::{Dword, HandleArg, PathArg, WideArg};
use crate::error::IntoPy;
use crate::pywintypes::{filetime_from_py, filetime_to_py};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

/// GetFileAttributes(fileName, /) -> int; -1 (INVALID_FILE_ATTRIBUTES) when it fails
fn attributes_or_minus_one(py: Python<'_>, name: PathArg) -> i64 {
    match py.detach(|| winfile::fs::get_file_attributes(&name.text)) {
        Ok(a) => i64::from(a as i32),
        Err(_) => -1,
    }
}

#[pyfunction]
#[pyo3(name = "GetFileAttributes", signature = (fileName, /))]
#[allow(non_snake_case)]
fn get_file_attributes(py: Python<'_>, fileName: PathArg) -> i64 {
    attributes_or_minus_one(py, fileName)
}

#[pyfunction]
#[pyo3(name = "GetFileAttributesW", signature = (fileName, /))]
#[allow(non_snake_case)]
fn get_file_attributes_w(py: Python<'_>, fileName: PathArg) -> i64 {
    attributes_or_minus_one(py, fileName)
}

fn attributes_ex<'py>(
    py: Python<'py>,
    name: WideArg,
    level: u32,
    transaction: Option<&Bound<'py, PyAny>>,
    func: &'static str,
) -> PyResult<Bound<'py, PyTuple>> {
    // pywin32 exports GetFileExInfoStandard as 1 but accepts only 0; both mean the
    // standard level here (the reference's meaning).
    if level > 1 {
        return Err(PyValueError::new_err(format!("Level '{level}' is not supported")));
    }
    let txn = super::transaction(transaction, func)?;
    let i = py
        .detach(|| match txn {
            Some(t) => winfile::txn::get_file_attributes_ex(&t, &name.0),
            None => winfile::fs::get_file_attributes_ex(&name.0),
        })
        .py_api(func)?;
    PyTuple::new(
        py,
        [
            i.attributes.into_pyobject(py)?.into_any(),
            filetime_to_py(py, i.creation)?,
            filetime_to_py(py, i.last_access)?,
            filetime_to_py(py, i.last_write)?,
            i.size.into_pyobject(py)?.into_any(),
        ],
    )
}

#[pyfunction]
#[pyo3(name = "GetFileAttributesEx", signature = (FileName, InfoLevelId=Dword(0), Transaction=None), text_signature = "(FileName, InfoLevelId=0, Transaction=None)")]
#[allow(non_snake_case)]
fn get_file_attributes_ex<'py>(
    py: Python<'py>,
    FileName: WideArg,
    InfoLevelId: Dword,
    Transaction: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    attributes_ex(py, FileName, InfoLevelId.0, Transaction.as_ref(), "GetFileAttributesEx")
}

/// SetFileAttributes(filename, newAttributes, /)
#[pyfunction]
#[pyo3(name = "SetFileAttributes", signature = (filename, newAttributes, /))]
#[allow(non_snake_case)]
fn set_file_attributes(py: Python<'_>, filename: PathArg, newAttributes: Dword) -> PyResult<()> {
    Ok(py.detach(|| winfile::fs::set_file_attributes(&filename.text, newAttributes.0)).py_api("SetFileAttributes")?)
}

/// SetFileAttributesW(FileName, FileAttributes, Transaction=None)
#[pyfunction]
#[pyo3(name = "SetFileAttributesW", signature = (FileName, FileAttributes, Transaction=None))]
#[allow(non_snake_case)]
fn set_file_attributes_w(
    py: Python<'_>,
    FileName: PathArg,
    FileAttributes: Dword,
    Transaction: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    if let Some(t) = transaction(Transaction.as_ref(), "SetFileAttributesW")? {
        return Ok(py
            .detach(|| winfile::txn::set_file_attributes(&t, &FileName.text, FileAttributes.0))
            .py_api("SetFileAttributesW")?);
    }
    Ok(py.detach(|| winfile::fs::set_file_attributes(&FileName.text, FileAttributes.0)).py_api("SetFileAttributesW")?)
}

/// GetFileTime(handle, /) -> [creationTime, lastAccessTime, lastWriteTime]
#[pyfunction]
#[pyo3(name = "GetFileTime", signature = (handle, /))]
fn get_file_time<'py>(py: Python<'py>, handle: HandleArg) -> PyResult<Bound<'py, PyList>> {
    let (c, a, w) = winfile::io::get_file_time(handle.0).py_api("GetFileTime")?;
    PyList::new(py, [filetime_to_py(py, c)?, filetime_to_py(py, a)?, filetime_to_py(py, w)?])
}

/// SetFileTime(File, CreationTime=None, LastAccessTime=None, LastWriteTime=None, UTCTimes=False)
#[pyfunction]
#[pyo3(name = "SetFileTime", signature = (File, CreationTime=None, LastAccessTime=None, LastWriteTime=None, UTCTimes=false))]
#[allow(non_snake_case)]
fn set_file_time(
    py: Python<'_>,
    File: HandleArg,
    CreationTime: Option<Bound<'_, PyAny>>,
    LastAccessTime: Option<Bound<'_, PyAny>>,
    LastWriteTime: Option<Bound<'_, PyAny>>,
    UTCTimes: bool,
) -> PyResult<()> {
    let _ = UTCTimes; // no effect on Python 3 (aware times carry their zone), as in pywin32
    let conv = |t: &Option<Bound<'_, PyAny>>| -> PyResult<_> {
        match t {
            Some(obj) if !obj.is_none() => filetime_from_py(obj).map(Some),
            _ => Ok(None),
        }
    };
    let (c, a, w) = (conv(&CreationTime)?, conv(&LastAccessTime)?, conv(&LastWriteTime)?);
    Ok(py.detach(|| winfile::io::set_file_time(File.0, c, a, w)).py_api("SetFileTime")?)
}

/// GetFileInformationByHandle(handle, /) -> 10-tuple
#[pyfunction]
#[pyo3(name = "GetFileInformationByHandle", signature = (handle, /))]
fn get_file_information_by_handle<'py>(py: Python<'py>, handle: HandleArg) -> PyResult<Bound<'py, PyTuple>> {
    let i = py.detach(|| winfile::io::get_file_information_by_handle(handle.0)).py_api("GetFileInformationByHandle")?;
    let int = |v: u64| -> PyResult<Bound<'py, PyAny>> { Ok(v.into_pyobject(py)?.into_any()) };
    PyTuple::new(
        py,
        [
            int(u64::from(i.attributes))?,
            filetime_to_py(py, i.creation)?,
            filetime_to_py(py, i.last_access)?,
            filetime_to_py(py, i.last_write)?,
            int(u64::from(i.volume_serial))?,
            int(i.size >> 32)?,
            int(i.size & 0xFFFF_FFFF)?,
            int(u64::from(i.links))?,
            int(i.index >> 32)?,
            int(i.index & 0xFFFF_FFFF)?,
        ],
    )
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_file_attributes, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_attributes_w, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_attributes_ex, m)?)?;
    // pywin32's GetFileAttributesExW is the very same C function as GetFileAttributesEx.
    m.add("GetFileAttributesExW", m.getattr("GetFileAttributesEx")?)?;
    m.add_function(wrap_pyfunction!(set_file_attributes, m)?)?;
    m.add_function(wrap_pyfunction!(set_file_attributes_w, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_time, m)?)?;
    m.add_function(wrap_pyfunction!(set_file_time, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_information_by_handle, m)?)?;
    Ok(())
}
