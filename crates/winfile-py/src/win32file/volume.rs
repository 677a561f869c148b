//! Paths, drives and volumes: GetLongPathName, GetFinalPathNameByHandle,
//! GetLogicalDrives, QueryDosDevice, DefineDosDevice(W), GetDriveType(W),
//! GetDiskFreeSpace(Ex), GetVolumeNameForVolumeMountPoint, GetVolumePathName,
//! GetVolumePathNamesForVolumeName, SetVolumeMountPoint, DeleteVolumeMountPoint,
//! SetVolumeLabel.

use super::no_transaction;
use crate::conv::{Dword, HandleArg, PathArg, WideArg};
use crate::error::IntoPy;
use pyo3::prelude::*;

/// GetLongPathName(ShortPath, Transaction=None)
#[pyfunction]
#[pyo3(name = "GetLongPathName", signature = (ShortPath, Transaction=None))]
#[allow(non_snake_case)]
fn get_long_path_name(py: Python<'_>, ShortPath: PathArg, Transaction: Option<Bound<'_, PyAny>>) -> PyResult<String> {
    no_transaction(Transaction.as_ref(), "GetLongPathName")?;
    Ok(py.detach(|| winfile::volume::get_long_path_name(&ShortPath.text)).py_api("GetLongPathName")?)
}

/// GetFinalPathNameByHandle(File, Flags)
#[pyfunction]
#[pyo3(name = "GetFinalPathNameByHandle", signature = (File, Flags))]
#[allow(non_snake_case)]
fn get_final_path_name_by_handle(py: Python<'_>, File: HandleArg, Flags: Dword) -> PyResult<String> {
    Ok(py
        .detach(|| winfile::volume::get_final_path_name_by_handle(File.0, Flags.0))
        .py_api("GetFinalPathNameByHandle")?)
}

/// GetLogicalDrives() -> int (signed 32-bit, as SWIG converts a DWORD)
#[pyfunction]
#[pyo3(name = "GetLogicalDrives", signature = ())]
fn get_logical_drives(py: Python<'_>) -> i32 {
    py.detach(winfile::volume::get_logical_drives) as i32
}

/// QueryDosDevice(DeviceName, /) -> the raw NUL-separated multi-string
#[pyfunction]
#[pyo3(name = "QueryDosDevice", signature = (DeviceName, /))]
#[allow(non_snake_case)]
fn query_dos_device(py: Python<'_>, DeviceName: Option<WideArg>) -> PyResult<String> {
    let name = DeviceName.map(|n| n.0);
    Ok(py.detach(|| winfile::volume::query_dos_device(name.as_deref())).py_api("QueryDosDevice")?)
}

fn define(py: Python<'_>, flags: u32, name: String, target: String, func: &'static str) -> PyResult<()> {
    Ok(py.detach(|| winfile::volume::define_dos_device(flags, &name, Some(&target))).py_api(func)?)
}

/// DefineDosDevice(flags, deviceName, targetPath, /)
#[pyfunction]
#[pyo3(name = "DefineDosDevice", signature = (flags, deviceName, targetPath, /))]
#[allow(non_snake_case)]
fn define_dos_device(py: Python<'_>, flags: Dword, deviceName: WideArg, targetPath: WideArg) -> PyResult<()> {
    define(py, flags.0, deviceName.0, targetPath.0, "DefineDosDevice")
}

/// DefineDosDeviceW(flags, deviceName, targetPath, /)
#[pyfunction]
#[pyo3(name = "DefineDosDeviceW", signature = (flags, deviceName, targetPath, /))]
#[allow(non_snake_case)]
fn define_dos_device_w(py: Python<'_>, flags: Dword, deviceName: WideArg, targetPath: WideArg) -> PyResult<()> {
    define(py, flags.0, deviceName.0, targetPath.0, "DefineDosDeviceW")
}

/// GetDriveType(rootPathName, /) -> DRIVE_*; never raises
#[pyfunction]
#[pyo3(name = "GetDriveType", signature = (rootPathName, /))]
#[allow(non_snake_case)]
fn get_drive_type(py: Python<'_>, rootPathName: Option<PathArg>) -> i32 {
    let root = rootPathName.map(|r| r.text);
    py.detach(|| winfile::volume::get_drive_type(root.as_deref())) as i32
}

/// GetDriveTypeW(rootPathName, /) -> DRIVE_*; never raises
#[pyfunction]
#[pyo3(name = "GetDriveTypeW", signature = (rootPathName, /))]
#[allow(non_snake_case)]
fn get_drive_type_w(py: Python<'_>, rootPathName: Option<WideArg>) -> i32 {
    let root = rootPathName.map(|r| r.0);
    py.detach(|| winfile::volume::get_drive_type(root.as_deref())) as i32
}

/// GetDiskFreeSpace(rootPathName, /) -> [sectorsPerCluster, bytesPerSector,
/// numberOfFreeClusters, totalNumberOfClusters] (signed 32-bit each)
#[pyfunction]
#[pyo3(name = "GetDiskFreeSpace", signature = (rootPathName, /))]
#[allow(non_snake_case)]
fn get_disk_free_space(py: Python<'_>, rootPathName: PathArg) -> PyResult<Vec<i32>> {
    let (a, b, c, d) =
        py.detach(|| winfile::volume::get_disk_free_space(Some(&rootPathName.text))).py_api("GetDiskFreeSpace")?;
    Ok(vec![a as i32, b as i32, c as i32, d as i32])
}

/// GetDiskFreeSpaceEx(rootPathName, /) -> [freeBytesAvailableToCaller,
/// totalNumberOfBytes, totalNumberOfFreeBytes]
#[pyfunction]
#[pyo3(name = "GetDiskFreeSpaceEx", signature = (rootPathName, /))]
#[allow(non_snake_case)]
fn get_disk_free_space_ex(py: Python<'_>, rootPathName: PathArg) -> PyResult<Vec<u64>> {
    let (a, b, c) =
        py.detach(|| winfile::volume::get_disk_free_space_ex(Some(&rootPathName.text))).py_api("GetDiskFreeSpaceEx")?;
    Ok(vec![a, b, c])
}

/// GetVolumeNameForVolumeMountPoint(VolumeMountPoint)
#[pyfunction]
#[pyo3(name = "GetVolumeNameForVolumeMountPoint", signature = (VolumeMountPoint))]
#[allow(non_snake_case)]
fn get_volume_name_for_volume_mount_point(py: Python<'_>, VolumeMountPoint: PathArg) -> PyResult<String> {
    Ok(py
        .detach(|| winfile::volume::get_volume_name_for_volume_mount_point(&VolumeMountPoint.text))
        .py_api("GetVolumeNameForVolumeMountPoint")?)
}

/// GetVolumePathName(FileName, BufferLength=0); pywin32 sizes the buffer
/// len(FileName)+2 unless BufferLength > 0.
#[pyfunction]
#[pyo3(name = "GetVolumePathName", signature = (FileName, BufferLength=0))]
#[allow(non_snake_case)]
fn get_volume_path_name(py: Python<'_>, FileName: PathArg, BufferLength: i64) -> PyResult<String> {
    let buf = if BufferLength > 0 {
        u32::try_from(BufferLength).unwrap_or(u32::MAX)
    } else {
        u32::try_from(FileName.text.chars().count() + 2).unwrap_or(u32::MAX)
    };
    Ok(py.detach(|| winfile::volume::get_volume_path_name(&FileName.text, buf)).py_api("GetVolumePathName")?)
}

/// GetVolumePathNamesForVolumeName(VolumeName) -> list[str]
#[pyfunction]
#[pyo3(name = "GetVolumePathNamesForVolumeName", signature = (VolumeName))]
#[allow(non_snake_case)]
fn get_volume_path_names_for_volume_name(py: Python<'_>, VolumeName: PathArg) -> PyResult<Vec<String>> {
    Ok(py
        .detach(|| winfile::volume::get_volume_path_names_for_volume_name(&VolumeName.text))
        .py_api("GetVolumePathNamesForVolumeName")?)
}

/// SetVolumeMountPoint(VolumeMountPoint, VolumeName) -> the volume name
#[pyfunction]
#[pyo3(name = "SetVolumeMountPoint", signature = (VolumeMountPoint, VolumeName))]
#[allow(non_snake_case)]
fn set_volume_mount_point(py: Python<'_>, VolumeMountPoint: PathArg, VolumeName: PathArg) -> PyResult<String> {
    Ok(py
        .detach(|| winfile::volume::set_volume_mount_point(&VolumeMountPoint.text, &VolumeName.text))
        .py_api("SetVolumeMountPoint")?)
}

/// DeleteVolumeMountPoint(VolumeMountPoint)
#[pyfunction]
#[pyo3(name = "DeleteVolumeMountPoint", signature = (VolumeMountPoint))]
#[allow(non_snake_case)]
fn delete_volume_mount_point(py: Python<'_>, VolumeMountPoint: PathArg) -> PyResult<()> {
    Ok(py
        .detach(|| winfile::volume::delete_volume_mount_point(&VolumeMountPoint.text))
        .py_api("DeleteVolumeMountPoint")?)
}

/// SetVolumeLabel(rootPathName, volumeName, /)
#[pyfunction]
#[pyo3(name = "SetVolumeLabel", signature = (rootPathName, volumeName, /))]
#[allow(non_snake_case)]
fn set_volume_label(py: Python<'_>, rootPathName: WideArg, volumeName: WideArg) -> PyResult<()> {
    Ok(py
        .detach(|| winfile::volume::set_volume_label(Some(&rootPathName.0), Some(&volumeName.0)))
        .py_api("SetVolumeLabel")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(get_long_path_name, m)?)?;
    m.add_function(wrap_pyfunction!(get_final_path_name_by_handle, m)?)?;
    m.add_function(wrap_pyfunction!(get_logical_drives, m)?)?;
    m.add_function(wrap_pyfunction!(query_dos_device, m)?)?;
    m.add_function(wrap_pyfunction!(define_dos_device, m)?)?;
    m.add_function(wrap_pyfunction!(define_dos_device_w, m)?)?;
    m.add_function(wrap_pyfunction!(get_drive_type, m)?)?;
    m.add_function(wrap_pyfunction!(get_drive_type_w, m)?)?;
    m.add_function(wrap_pyfunction!(get_disk_free_space, m)?)?;
    m.add_function(wrap_pyfunction!(get_disk_free_space_ex, m)?)?;
    m.add_function(wrap_pyfunction!(get_volume_name_for_volume_mount_point, m)?)?;
    m.add_function(wrap_pyfunction!(get_volume_path_name, m)?)?;
    m.add_function(wrap_pyfunction!(get_volume_path_names_for_volume_name, m)?)?;
    m.add_function(wrap_pyfunction!(set_volume_mount_point, m)?)?;
    m.add_function(wrap_pyfunction!(delete_volume_mount_point, m)?)?;
    m.add_function(wrap_pyfunction!(set_volume_label, m)?)?;
    Ok(())
}
