//! The native half of `win32api`: the subset file-handling programs use. Each function
//! converts its arguments as pywin32's win32apimodule.cpp parses them (all positional)
//! and calls one core function. `SetConsoleCtrlHandler` is pure Python (python/win32api.py).

use crate::conv::{name_to_py, CInt, Dword, Flag, HandleArg, PathArg};
use crate::error::IntoPy;
use crate::pywintypes::PyHandle;
use pyo3::exceptions::{PySystemError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

/// GetLastError() -> int: the calling thread's last Win32 error.
#[pyfunction]
#[pyo3(name = "GetLastError", signature = ())]
fn get_last_error() -> u32 {
    winfile::error::last_error().0
}

/// SetLastError(errVal, /) -> None
#[pyfunction]
#[pyo3(name = "SetLastError", signature = (errVal, /))]
#[allow(non_snake_case)]
fn set_last_error(errVal: Dword) {
    winfile::error::set_last_error(winfile::Win32Error(errVal.0));
}

/// DuplicateHandle(hSourceProcess, hSource, hTargetProcessHandle, desiredAccess,
/// bInheritHandle, options, /) -> PyHANDLE
#[pyfunction]
#[pyo3(
    name = "DuplicateHandle",
    signature = (hSourceProcess, hSource, hTargetProcessHandle, desiredAccess, bInheritHandle, options, /)
)]
#[allow(non_snake_case)]
fn duplicate_handle(
    py: Python<'_>,
    hSourceProcess: HandleArg,
    hSource: HandleArg,
    hTargetProcessHandle: HandleArg,
    desiredAccess: CInt,
    bInheritHandle: Flag,
    options: CInt,
) -> PyResult<Py<PyHandle>> {
    let _ = bInheritHandle;
    let r = winfile::system::duplicate_handle(
        hSourceProcess.0,
        hSource.0,
        hTargetProcessHandle.0,
        desiredAccess.0 as u32,
        options.0 as u32,
    );
    crate::pywintypes::new_handle(py, r, "DuplicateHandle")
}

/// GetCurrentProcess() -> int: the pseudo-handle -1.
#[pyfunction]
#[pyo3(name = "GetCurrentProcess", signature = ())]
fn get_current_process() -> i64 {
    winfile::system::CURRENT_PROCESS.raw() as i64
}

/// The text of a FormatMessage argument that must be str (PyWinObject_AsWCHAR).
fn wide(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if obj.cast::<PyString>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "Objects of type '{}' can not be converted to Unicode.",
            obj.get_type().name()?
        )));
    }
    obj.extract::<PathArg>().map(|p| p.text)
}

/// FormatMessage(errCode=0, /) or FormatMessage(flags, source, messageId, languageID,
/// inserts, /): pywin32 tries the one-int form first, then the five-argument form.
#[pyfunction]
#[pyo3(name = "FormatMessage", signature = (*args))]
fn format_message(py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<String> {
    use winfile::error::format::{
        format_message, system_message, FORMAT_MESSAGE_FROM_HMODULE, FORMAT_MESSAGE_FROM_STRING,
        FORMAT_MESSAGE_FROM_SYSTEM,
    };
    if args.len() <= 1 {
        let code = match args.len() {
            0 => Some(0),
            _ => args.get_item(0)?.extract::<Dword>().ok().map(|d| d.0),
        };
        if let Some(code) = code {
            let code = if code == 0 { winfile::error::last_error().0 } else { code };
            return Ok(system_message(code).py_api("FormatMessageW")?);
        }
    }
    if args.len() != 5 {
        return Err(PyTypeError::new_err(format!("FormatMessageW() takes exactly 5 arguments ({} given)", args.len())));
    }
    let flags = args.get_item(0)?.extract::<Dword>()?.0;
    let source = args.get_item(1)?;
    let text = if flags & FORMAT_MESSAGE_FROM_HMODULE != 0 {
        HandleArg::extract(source.as_borrowed())?;
        None
    } else if flags & FORMAT_MESSAGE_FROM_STRING != 0 {
        Some(wide(&source)?)
    } else {
        None
    };
    let id = args.get_item(2)?.extract::<Dword>()?.0;
    let lang = args.get_item(3)?.extract::<Dword>()?.0;
    let inserts_ob = args.get_item(4)?;
    let inserts = if inserts_ob.is_none() {
        None
    } else {
        let seq = inserts_ob
            .try_iter()
            .map_err(|_| PyTypeError::new_err("Inserts must be a sequence"))?
            .map(|item| wide(&item?))
            .collect::<PyResult<Vec<String>>>()?;
        Some(seq)
    };
    let r = py.detach(|| format_message(flags, text.as_deref(), id, lang, inserts.as_deref()));
    match r {
        // A message asking for an insert the caller did not give: Windows reads past the
        // array, which pywin32 reports as this SystemError.
        Err(e)
            if e.code() == winfile::Win32Error::INVALID_PARAMETER
                && flags & (FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_FROM_SYSTEM) != 0 =>
        {
            Err(PySystemError::new_err("Access violation (probably due to missing string inserts)"))
        }
        r => Ok(r.py_api("FormatMessageW")?),
    }
}

/// GetTempPath() -> str, with a trailing separator.
#[pyfunction]
#[pyo3(name = "GetTempPath", signature = ())]
fn get_temp_path(py: Python<'_>) -> PyResult<Bound<'_, PyString>> {
    let p = winfile::system::get_temp_path().py_api("GetTempPath")?;
    name_to_py(py, &p)
}

/// GetTempFileName(path, prefix, nUnique=0, /) -> (name, number)
#[pyfunction]
#[pyo3(name = "GetTempFileName", signature = (path, prefix, nUnique=CInt(0), /), text_signature = "(path, prefix, nUnique=0, /)")]
#[allow(non_snake_case)]
fn get_temp_file_name<'py>(
    py: Python<'py>,
    path: PathArg,
    prefix: PathArg,
    nUnique: CInt,
) -> PyResult<(Bound<'py, PyString>, i32)> {
    let (name, n) = py
        .detach(|| winfile::system::get_temp_file_name(&path.text, &prefix.text, nUnique.0 as u32))
        .py_api("GetTempFileName")?;
    Ok((name_to_py(py, &name)?, n as i32))
}

/// GetFullPathName(fileName, /) -> str
#[pyfunction]
#[pyo3(name = "GetFullPathName", signature = (fileName, /))]
#[allow(non_snake_case)]
fn get_full_path_name(py: Python<'_>, fileName: PathArg) -> PyResult<Bound<'_, PyString>> {
    let full = winfile::fs::get_full_path_name(&fileName.text).py_api("GetFullPathName")?;
    name_to_py(py, &full)
}

/// GetLongPathName(fileName, /) -> str
#[pyfunction]
#[pyo3(name = "GetLongPathName", signature = (fileName, /))]
#[allow(non_snake_case)]
fn get_long_path_name(py: Python<'_>, fileName: PathArg) -> PyResult<Bound<'_, PyString>> {
    let long = py.detach(|| winfile::volume::get_long_path_name(&fileName.text)).py_api("GetLongPathNameW")?;
    name_to_py(py, &long)
}

/// GetShortPathName(path, /) -> str: the long name (no 8.3 names on Linux).
#[pyfunction]
#[pyo3(name = "GetShortPathName", signature = (path, /))]
fn get_short_path_name(py: Python<'_>, path: PathArg) -> PyResult<Bound<'_, PyString>> {
    let short = py.detach(|| winfile::volume::get_short_path_name(&path.text)).py_api("GetShortPathNameW")?;
    name_to_py(py, &short)
}

/// GetFileAttributes(pathName, /) -> int; raises on failure (unlike win32file's).
#[pyfunction]
#[pyo3(name = "GetFileAttributes", signature = (pathName, /))]
#[allow(non_snake_case)]
fn get_file_attributes(py: Python<'_>, pathName: PathArg) -> PyResult<i32> {
    let a = py.detach(|| winfile::fs::get_file_attributes(&pathName.text)).py_api("GetFileAttributes")?;
    Ok(a as i32)
}

/// SetFileAttributes(pathName, attrs, /)
#[pyfunction]
#[pyo3(name = "SetFileAttributes", signature = (pathName, attrs, /))]
#[allow(non_snake_case)]
fn set_file_attributes(py: Python<'_>, pathName: PathArg, attrs: CInt) -> PyResult<()> {
    Ok(py.detach(|| winfile::fs::set_file_attributes(&pathName.text, attrs.0 as u32)).py_api("SetFileAttributes")?)
}

/// GetLogicalDriveStrings() -> "A:\\\0C:\\\0..." (the roots, each NUL-terminated)
#[pyfunction]
#[pyo3(name = "GetLogicalDriveStrings", signature = ())]
fn get_logical_drive_strings(py: Python<'_>) -> String {
    py.detach(winfile::volume::get_logical_drive_strings)
}

/// GetVolumeInformation(path, /) -> (label, serial, maxComponentLength, flags, fsName),
/// the numbers as pywin32's signed C longs.
#[pyfunction]
#[pyo3(name = "GetVolumeInformation", signature = (path, /))]
fn get_volume_information(py: Python<'_>, path: PathArg) -> PyResult<(String, i32, i32, i32, String)> {
    let v = py.detach(|| winfile::volume::get_volume_information(Some(&path.text))).py_api("GetVolumeInformation")?;
    Ok((v.label, v.serial as i32, v.max_component_length as i32, v.flags as i32, v.file_system))
}

/// GetDiskFreeSpaceEx(rootPath=None, /) -> (freeToCaller, total, totalFree)
#[pyfunction]
#[pyo3(name = "GetDiskFreeSpaceEx", signature = (rootPath=None, /))]
#[allow(non_snake_case)]
fn get_disk_free_space_ex(py: Python<'_>, rootPath: Option<PathArg>) -> PyResult<(i64, i64, i64)> {
    let root = rootPath.map(|r| r.text);
    // pywin32 reports the error under this (misspelt) name.
    let (a, b, c) =
        py.detach(|| winfile::volume::get_disk_free_space_ex(root.as_deref())).py_api("GetDiskSpaceFreeEx")?;
    Ok((a as i64, b as i64, c as i64))
}

/// GetCurrentProcessId() -> int
#[pyfunction]
#[pyo3(name = "GetCurrentProcessId", signature = ())]
fn get_current_process_id() -> u32 {
    winfile::system::get_current_process_id()
}

/// GetCurrentThreadId() -> int
#[pyfunction]
#[pyo3(name = "GetCurrentThreadId", signature = ())]
fn get_current_thread_id() -> u32 {
    winfile::system::get_current_thread_id()
}

/// GetTickCount() -> int: a signed 32-bit value, as pywin32 builds it from a C long
/// (negative after 24.8 days of uptime, as on Windows).
#[pyfunction]
#[pyo3(name = "GetTickCount", signature = ())]
fn get_tick_count() -> i32 {
    winfile::system::get_tick_count() as i32
}

/// Sleep(time, bAlterable=0, /) -> int (0): releases the GIL; Ctrl-C ends it.
#[pyfunction]
#[pyo3(name = "Sleep", signature = (time, bAlterable=CInt(0), /), text_signature = "(time, bAlterable=0, /)")]
#[allow(non_snake_case)]
fn sleep(py: Python<'_>, time: CInt, bAlterable: CInt) -> PyResult<u32> {
    let _ = bAlterable;
    let ms = time.0 as u32;
    crate::interrupt::blocking(py, "Sleep", move || winfile::system::sleep(ms))
}

/// GetComputerName() -> str
#[pyfunction]
#[pyo3(name = "GetComputerName", signature = ())]
fn get_computer_name() -> PyResult<String> {
    Ok(winfile::system::get_computer_name().py_api("GetComputerName")?)
}

/// GetUserName() -> str
#[pyfunction]
#[pyo3(name = "GetUserName", signature = ())]
fn get_user_name(py: Python<'_>) -> PyResult<Bound<'_, PyString>> {
    let name = winfile::system::get_user_name().py_api("GetUserName")?;
    name_to_py(py, &name)
}

/// GetEnvironmentVariable(variable, /) -> str or None
#[pyfunction]
#[pyo3(name = "GetEnvironmentVariable", signature = (variable, /))]
fn get_environment_variable(py: Python<'_>, variable: PathArg) -> PyResult<Option<Bound<'_, PyString>>> {
    winfile::system::get_environment_variable(&variable.text).map(|v| name_to_py(py, &v)).transpose()
}

/// ExpandEnvironmentStrings(in, /) -> str
#[pyfunction]
#[pyo3(name = "ExpandEnvironmentStrings", signature = (_in, /))]
fn expand_environment_strings(py: Python<'_>, _in: PathArg) -> PyResult<Bound<'_, PyString>> {
    name_to_py(py, &winfile::system::expand_environment_strings(&_in.text))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_last_error, m)?)?;
    m.add_function(wrap_pyfunction!(set_last_error, m)?)?;
    m.add_function(wrap_pyfunction!(crate::win32file::close_handle, m)?)?;
    m.add_function(wrap_pyfunction!(duplicate_handle, m)?)?;
    m.add_function(wrap_pyfunction!(get_current_process, m)?)?;
    m.add_function(wrap_pyfunction!(format_message, m)?)?;
    m.add_function(wrap_pyfunction!(get_temp_path, m)?)?;
    m.add_function(wrap_pyfunction!(get_temp_file_name, m)?)?;
    m.add_function(wrap_pyfunction!(get_full_path_name, m)?)?;
    m.add_function(wrap_pyfunction!(get_long_path_name, m)?)?;
    m.add_function(wrap_pyfunction!(get_short_path_name, m)?)?;
    m.add_function(wrap_pyfunction!(get_file_attributes, m)?)?;
    m.add_function(wrap_pyfunction!(set_file_attributes, m)?)?;
    m.add_function(wrap_pyfunction!(get_logical_drive_strings, m)?)?;
    m.add_function(wrap_pyfunction!(get_volume_information, m)?)?;
    m.add_function(wrap_pyfunction!(get_disk_free_space_ex, m)?)?;
    m.add_function(wrap_pyfunction!(get_current_process_id, m)?)?;
    m.add_function(wrap_pyfunction!(get_current_thread_id, m)?)?;
    m.add_function(wrap_pyfunction!(get_tick_count, m)?)?;
    m.add_function(wrap_pyfunction!(sleep, m)?)?;
    m.add_function(wrap_pyfunction!(get_computer_name, m)?)?;
    m.add_function(wrap_pyfunction!(get_user_name, m)?)?;
    m.add_function(wrap_pyfunction!(get_environment_variable, m)?)?;
    m.add_function(wrap_pyfunction!(expand_environment_strings, m)?)?;
    Ok(())
}
