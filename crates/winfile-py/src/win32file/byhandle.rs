//! GetFileInformationByHandleEx, SetFileInformationByHandle, ReOpenFile, OpenFileById.

use crate::conv::{Dword, HandleArg, LargeInteger};
use crate::error::IntoPy;
use crate::pywintypes::{filetime_from_py, filetime_to_py, PyHandle};
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyTuple};
use winfile::byhandle::{class, DirEntry, HandleInfo, SetInfo};

fn dir_entry<'py>(py: Python<'py>, e: DirEntry) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("FileIndex", e.file_index)?;
    d.set_item("CreationTime", filetime_to_py(py, e.creation)?)?;
    d.set_item("LastAccessTime", filetime_to_py(py, e.last_access)?)?;
    d.set_item("LastWriteTime", filetime_to_py(py, e.last_write)?)?;
    d.set_item("ChangeTime", filetime_to_py(py, e.change)?)?;
    d.set_item("EndOfFile", e.end_of_file)?;
    d.set_item("AllocationSize", e.allocation)?;
    d.set_item("FileAttributes", e.attributes)?;
    d.set_item("EaSize", e.ea_size)?;
    d.set_item("ShortName", e.short_name)?;
    d.set_item("FileId", e.file_id)?;
    d.set_item("FileName", e.name)?;
    Ok(d)
}

fn to_py<'py>(py: Python<'py>, info: HandleInfo) -> PyResult<Bound<'py, PyAny>> {
    Ok(match info {
        HandleInfo::Basic(b) => {
            let d = PyDict::new(py);
            d.set_item("CreationTime", filetime_to_py(py, b.creation)?)?;
            d.set_item("LastAccessTime", filetime_to_py(py, b.last_access)?)?;
            d.set_item("LastWriteTime", filetime_to_py(py, b.last_write)?)?;
            d.set_item("ChangeTime", filetime_to_py(py, b.change)?)?;
            d.set_item("FileAttributes", b.attributes)?;
            d.into_any()
        }
        HandleInfo::Standard(s) => {
            let d = PyDict::new(py);
            d.set_item("AllocationSize", s.allocation)?;
            d.set_item("EndOfFile", s.end_of_file)?;
            d.set_item("NumberOfLinks", s.links)?;
            d.set_item("DeletePending", s.delete_pending)?;
            d.set_item("Directory", s.directory)?;
            d.into_any()
        }
        HandleInfo::Name(n) => n.into_pyobject(py)?.into_any(),
        HandleInfo::Compression(c) => {
            let d = PyDict::new(py);
            d.set_item("CompressedFileSize", c.compressed_size)?;
            d.set_item("CompressionFormat", c.format)?;
            d.set_item("CompressionUnitShift", c.unit_shift)?;
            d.set_item("ChunkShift", c.chunk_shift)?;
            d.set_item("ClusterShift", c.cluster_shift)?;
            d.set_item("Reserved", PyTuple::new(py, [0u8, 0, 0])?)?;
            d.into_any()
        }
        HandleInfo::AttributeTag(attributes, tag) => {
            let d = PyDict::new(py);
            d.set_item("FileAttributes", attributes)?;
            d.set_item("ReparseTag", tag)?;
            d.into_any()
        }
        HandleInfo::Directory(entries) => {
            let items = entries.into_iter().map(|e| dir_entry(py, e)).collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, items)?.into_any()
        }
        HandleInfo::Streams(streams) => {
            let mut items = Vec::with_capacity(streams.len());
            for s in streams {
                let d = PyDict::new(py);
                d.set_item("StreamSize", s.size)?;
                d.set_item("StreamAllocationSize", s.allocation)?;
                d.set_item("StreamName", s.name)?;
                items.push(d);
            }
            PyTuple::new(py, items)?.into_any()
        }
    })
}

/// GetFileInformationByHandleEx(File, FileInformationClass) -> dict | str | tuple
#[pyfunction]
#[pyo3(name = "GetFileInformationByHandleEx", signature = (File, FileInformationClass))]
#[allow(non_snake_case)]
fn get_file_information_by_handle_ex<'py>(
    py: Python<'py>,
    File: HandleArg,
    FileInformationClass: i32,
) -> PyResult<Bound<'py, PyAny>> {
    let class = FileInformationClass as u32;
    let info = py
        .detach(|| winfile::byhandle::get_file_information_by_handle_ex(File.0, class))
        .py_api("GetFileInformationByHandleEx")?;
    to_py(py, info)
}

fn item<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    d.get_item(key)?.ok_or_else(|| PyKeyError::new_err(key.to_string()))
}

/// The Information argument converted for its class, as pywin32 reads it.
fn set_info(class: u32, info: &Bound<'_, PyAny>) -> PyResult<SetInfo> {
    let dict = || -> PyResult<Bound<'_, PyDict>> {
        info.cast::<PyDict>().cloned().map_err(|_| PyTypeError::new_err("Information must be a dict"))
    };
    Ok(match class {
        class::BASIC => {
            let d = dict()?;
            SetInfo::Basic {
                creation: filetime_from_py(&item(&d, "CreationTime")?)?,
                last_access: filetime_from_py(&item(&d, "LastAccessTime")?)?,
                last_write: filetime_from_py(&item(&d, "LastWriteTime")?)?,
                change: filetime_from_py(&item(&d, "ChangeTime")?)?,
                attributes: item(&d, "FileAttributes")?.extract::<Dword>()?.0,
            }
        }
        class::RENAME => {
            let d = dict()?;
            let root = item(&d, "RootDirectory")?.extract::<HandleArg>()?.0;
            SetInfo::Rename {
                replace: item(&d, "ReplaceIfExists")?.is_truthy()?,
                root: (root.raw() != 0).then_some(root),
                name: item(&d, "FileName")?.extract::<crate::conv::WideArg>()?.0,
            }
        }
        class::DISPOSITION => SetInfo::Disposition(info.is_truthy()?),
        class::ALLOCATION => SetInfo::Allocation(int64(info)?),
        class::END_OF_FILE => SetInfo::EndOfFile(int64(info)?),
        class::IO_PRIORITY_HINT => SetInfo::IoPriorityHint(info.extract::<Dword>()?.0),
        other => SetInfo::Other(other),
    })
}

/// A LARGE_INTEGER argument: an int (negative sizes are refused by the core as huge).
fn int64(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    if !obj.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err("an integer is required"));
    }
    Ok(obj.extract::<LargeInteger>()?.0)
}

/// SetFileInformationByHandle(File, FileInformationClass, Information)
#[pyfunction]
#[pyo3(name = "SetFileInformationByHandle", signature = (File, FileInformationClass, Information))]
#[allow(non_snake_case)]
fn set_file_information_by_handle(
    py: Python<'_>,
    File: HandleArg,
    FileInformationClass: i32,
    Information: Bound<'_, PyAny>,
) -> PyResult<()> {
    let info = set_info(FileInformationClass as u32, &Information)?;
    Ok(py
        .detach(|| winfile::byhandle::set_file_information_by_handle(File.0, &info))
        .py_api("SetFileInformationByHandle")?)
}

/// ReOpenFile(OriginalFile, DesiredAccess, ShareMode, Flags) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "ReOpenFile", signature = (OriginalFile, DesiredAccess, ShareMode, Flags))]
#[allow(non_snake_case)]
fn reopen_file(
    py: Python<'_>,
    OriginalFile: HandleArg,
    DesiredAccess: Dword,
    ShareMode: Dword,
    Flags: Dword,
) -> PyResult<Py<PyHandle>> {
    let r = py.detach(|| winfile::byhandle::reopen_file(OriginalFile.0, DesiredAccess.0, ShareMode.0, Flags.0));
    crate::pywintypes::new_handle(py, r, "ReOpenFile")
}

/// OpenFileById(File, FileID, DesiredAccess, ShareMode, Flags, SecurityAttributes=None)
#[pyfunction]
#[pyo3(name = "OpenFileById", signature = (File, FileID, DesiredAccess, ShareMode, Flags, SecurityAttributes=None))]
#[allow(non_snake_case)]
fn open_file_by_id(
    py: Python<'_>,
    File: HandleArg,
    FileID: Bound<'_, PyAny>,
    DesiredAccess: Dword,
    ShareMode: Dword,
    Flags: Dword,
    SecurityAttributes: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyHandle>> {
    // pywin32 takes an int (a file id) or a GUID (an object id); Linux files have no
    // object ids, and winfile provides no PyIID: only ints are file ids here.
    if !FileID.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err("FileId must be an integer or GUID"));
    }
    let id = FileID.extract::<LargeInteger>()?.0;
    crate::conv::security_attributes(SecurityAttributes.as_ref())?;
    let r = py.detach(|| winfile::byhandle::open_file_by_id(File.0, id, DesiredAccess.0, ShareMode.0, Flags.0));
    crate::pywintypes::new_handle(py, r, "OpenFileById")
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_file_information_by_handle_ex, m)?)?;
    m.add_function(wrap_pyfunction!(set_file_information_by_handle, m)?)?;
    m.add_function(wrap_pyfunction!(reopen_file, m)?)?;
    m.add_function(wrap_pyfunction!(open_file_by_id, m)?)?;
    Ok(())
}
