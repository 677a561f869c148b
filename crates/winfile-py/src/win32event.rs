//! The native half of `win32event`: events, mutexes, semaphores, waitable timers, waits.

use crate::conv::{CInt, Dword, Flag, HandleArg, PathArg};
use crate::error::{IntoPy, PyWinError};
use crate::pywintypes::{new_handle, PyHandle};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::time::Duration;
use winfile::sync;

/// INFINITE (0xFFFFFFFF) means no timeout.
fn timeout(ms: Dword) -> Option<Duration> {
    (ms.0 != u32::MAX).then(|| Duration::from_millis(u64::from(ms.0)))
}

fn name_of(name: Option<PathArg>) -> Option<String> {
    name.map(|n| n.text)
}

/// The shared body of OpenEvent/OpenMutex/OpenSemaphore/OpenWaitableTimer: the core
/// `open` by access and name; bInheritHandle is ignored (no child process inherits
/// winfile handles).
fn open_named(
    py: Python<'_>,
    open: fn(u32, &str) -> winfile::Result<winfile::Handle>,
    access: Dword,
    inherit: Flag,
    name: PathArg,
    func: &'static str,
) -> PyResult<Py<PyHandle>> {
    let _ = inherit;
    new_handle(py, open(access.0, &name.text), func)
}

/// CreateEvent(EventAttributes, bManualReset.0, bInitialState.0, Name, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "CreateEvent", signature = (EventAttributes, bManualReset, bInitialState, Name, /))]
#[allow(non_snake_case)]
fn create_event(
    py: Python<'_>,
    EventAttributes: Option<Bound<'_, PyAny>>,
    bManualReset: Flag,
    bInitialState: Flag,
    Name: Option<PathArg>,
) -> PyResult<Py<PyHandle>> {
    let _ = EventAttributes;
    new_handle(py, sync::create_event(bManualReset.0, bInitialState.0, name_of(Name).as_deref()), "CreateEvent")
}

/// OpenEvent(desiredAccess, bInheritHandle, name, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "OpenEvent", signature = (desiredAccess, bInheritHandle, name, /))]
#[allow(non_snake_case)]
fn open_event(py: Python<'_>, desiredAccess: Dword, bInheritHandle: Flag, name: PathArg) -> PyResult<Py<PyHandle>> {
    open_named(py, sync::open_event, desiredAccess, bInheritHandle, name, "OpenEvent")
}

/// SetEvent(hEvent, /)
#[pyfunction]
#[pyo3(name = "SetEvent", signature = (hEvent, /))]
#[allow(non_snake_case)]
fn set_event(hEvent: HandleArg) -> PyResult<()> {
    Ok(sync::set_event(hEvent.0).py_api("SetEvent")?)
}

/// ResetEvent(hEvent, /)
#[pyfunction]
#[pyo3(name = "ResetEvent", signature = (hEvent, /))]
#[allow(non_snake_case)]
fn reset_event(hEvent: HandleArg) -> PyResult<()> {
    Ok(sync::reset_event(hEvent.0).py_api("ResetEvent")?)
}

/// PulseEvent(hEvent, /)
#[pyfunction]
#[pyo3(name = "PulseEvent", signature = (hEvent, /))]
#[allow(non_snake_case)]
fn pulse_event(hEvent: HandleArg) -> PyResult<()> {
    Ok(sync::pulse_event(hEvent.0).py_api("PulseEvent")?)
}

/// CreateMutex(MutexAttributes, InitialOwner, Name, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "CreateMutex", signature = (MutexAttributes, InitialOwner, Name, /))]
#[allow(non_snake_case)]
fn create_mutex(
    py: Python<'_>,
    MutexAttributes: Option<Bound<'_, PyAny>>,
    InitialOwner: Flag,
    Name: Option<PathArg>,
) -> PyResult<Py<PyHandle>> {
    let _ = MutexAttributes;
    new_handle(py, sync::create_mutex(InitialOwner.0, name_of(Name).as_deref()), "CreateMutex")
}

/// OpenMutex(desiredAccess, bInheritHandle, name, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "OpenMutex", signature = (desiredAccess, bInheritHandle, name, /))]
#[allow(non_snake_case)]
fn open_mutex(py: Python<'_>, desiredAccess: Dword, bInheritHandle: Flag, name: PathArg) -> PyResult<Py<PyHandle>> {
    open_named(py, sync::open_mutex, desiredAccess, bInheritHandle, name, "OpenMutex")
}

/// ReleaseMutex(hEvent, /)
#[pyfunction]
#[pyo3(name = "ReleaseMutex", signature = (hEvent, /))]
#[allow(non_snake_case)]
fn release_mutex(hEvent: HandleArg) -> PyResult<()> {
    Ok(sync::release_mutex(hEvent.0).py_api("ReleaseMutex")?)
}

/// CreateSemaphore(SemaphoreAttributes, InitialCount, MaximumCount, SemaphoreName, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "CreateSemaphore", signature = (SemaphoreAttributes, InitialCount, MaximumCount, SemaphoreName, /))]
#[allow(non_snake_case)]
fn create_semaphore(
    py: Python<'_>,
    SemaphoreAttributes: Option<Bound<'_, PyAny>>,
    InitialCount: CInt,
    MaximumCount: CInt,
    SemaphoreName: Option<PathArg>,
) -> PyResult<Py<PyHandle>> {
    let _ = SemaphoreAttributes;
    new_handle(
        py,
        sync::create_semaphore(InitialCount.0, MaximumCount.0, name_of(SemaphoreName).as_deref()),
        "CreateSemaphore",
    )
}

/// OpenSemaphore(desiredAccess, bInheritHandle, name, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "OpenSemaphore", signature = (desiredAccess, bInheritHandle, name, /))]
#[allow(non_snake_case)]
fn open_semaphore(py: Python<'_>, desiredAccess: Dword, bInheritHandle: Flag, name: PathArg) -> PyResult<Py<PyHandle>> {
    open_named(py, sync::open_semaphore, desiredAccess, bInheritHandle, name, "OpenSemaphore")
}

/// ReleaseSemaphore(hEvent, lReleaseCount, /) -> previous count
#[pyfunction]
#[pyo3(name = "ReleaseSemaphore", signature = (hEvent, lReleaseCount, /))]
#[allow(non_snake_case)]
fn release_semaphore(hEvent: HandleArg, lReleaseCount: CInt) -> PyResult<i32> {
    Ok(sync::release_semaphore(hEvent.0, lReleaseCount.0).py_api("ReleaseSemaphore")?)
}

/// CreateWaitableTimer(TimerAttributes, ManualReset, TimerName, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "CreateWaitableTimer", signature = (TimerAttributes, ManualReset, TimerName, /))]
#[allow(non_snake_case)]
fn create_waitable_timer(
    py: Python<'_>,
    TimerAttributes: Option<Bound<'_, PyAny>>,
    ManualReset: Flag,
    TimerName: Option<PathArg>,
) -> PyResult<Py<PyHandle>> {
    let _ = TimerAttributes;
    new_handle(py, sync::create_waitable_timer(ManualReset.0, name_of(TimerName).as_deref()), "CreateWaitableTimer")
}

/// OpenWaitableTimer(desiredAccess, bInheritHandle, timerName, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "OpenWaitableTimer", signature = (desiredAccess, bInheritHandle, timerName, /))]
#[allow(non_snake_case)]
fn open_waitable_timer(
    py: Python<'_>,
    desiredAccess: Dword,
    bInheritHandle: Flag,
    timerName: PathArg,
) -> PyResult<Py<PyHandle>> {
    open_named(py, sync::open_waitable_timer, desiredAccess, bInheritHandle, timerName, "OpenWaitableTimer")
}

/// CreateWaitableTimerEx(TimerAttributes, TimerName, Flags, DesiredAccess, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "CreateWaitableTimerEx", signature = (TimerAttributes, TimerName, Flags, DesiredAccess, /))]
#[allow(non_snake_case)]
fn create_waitable_timer_ex(
    py: Python<'_>,
    TimerAttributes: Option<Bound<'_, PyAny>>,
    TimerName: Option<PathArg>,
    Flags: Dword,
    DesiredAccess: Dword,
) -> PyResult<Py<PyHandle>> {
    let _ = TimerAttributes;
    new_handle(
        py,
        sync::create_waitable_timer_ex(name_of(TimerName).as_deref(), Flags.0, DesiredAccess.0),
        "CreateWaitableTimerEx",
    )
}

/// SignalObjectAndWait(hObjectToSignal, hObjectToWaitOn, dwMilliseconds, bAlertable, /) -> None
///
/// win32event.i declares it BOOLAPI: the DWORD result is read as a BOOL, so
/// WAIT_OBJECT_0 (0) raises pywintypes.error with the thread's last error (0) and every
/// other outcome (WAIT_TIMEOUT, WAIT_ABANDONED) returns None. winfile does the same.
#[pyfunction]
#[pyo3(name = "SignalObjectAndWait", signature = (hObjectToSignal, hObjectToWaitOn, dwMilliseconds, bAlertable, /))]
#[allow(non_snake_case)]
fn signal_object_and_wait(
    py: Python<'_>,
    hObjectToSignal: HandleArg,
    hObjectToWaitOn: HandleArg,
    dwMilliseconds: Dword,
    bAlertable: Flag,
) -> PyResult<()> {
    let _ = bAlertable;
    const FUNC: &str = "SignalObjectAndWait";
    let t = timeout(dwMilliseconds);
    let outcome =
        crate::interrupt::blocking(py, FUNC, || sync::signal_object_and_wait(hObjectToSignal.0, hObjectToWaitOn.0, t))?;
    if outcome.code() == 0 {
        winfile::error::set_last_error(winfile::Win32Error::SUCCESS);
        return Err(PyWinError::new(winfile::Win32Error::SUCCESS, FUNC).into());
    }
    Ok(())
}

/// SetWaitableTimer(handle, dueTime, period, func, param, resume_state, /)
#[pyfunction]
#[pyo3(name = "SetWaitableTimer", signature = (handle, dueTime, period, func, param, resume_state, /))]
#[allow(non_snake_case)]
fn set_waitable_timer(
    handle: HandleArg,
    dueTime: i64,
    period: CInt,
    func: Option<Bound<'_, PyAny>>,
    param: Option<Bound<'_, PyAny>>,
    resume_state: Flag,
) -> PyResult<()> {
    // No system suspend to resume from on Linux.
    let _ = resume_state;
    // win32event.i's PTIMERAPCROUTINE and NULL_ONLY typemaps: the completion routine
    // and its argument must be None (pywin32 cannot call back into Python from an APC).
    if func.is_some() || param.is_some() {
        return Err(PyTypeError::new_err("This param must be None"));
    }
    Ok(sync::set_waitable_timer(handle.0, dueTime, period.0).py_api("SetWaitableTimer")?)
}

/// CancelWaitableTimer(handle, /)
#[pyfunction]
#[pyo3(name = "CancelWaitableTimer", signature = (handle, /))]
fn cancel_waitable_timer(handle: HandleArg) -> PyResult<()> {
    Ok(sync::cancel_waitable_timer(handle.0).py_api("CancelWaitableTimer")?)
}

/// Waits with the GIL released; Ctrl-C (KeyboardInterrupt) still ends the wait.
fn wait(py: Python<'_>, handles: &[winfile::Handle], all: bool, ms: Dword, func: &'static str) -> PyResult<u32> {
    let timeout = timeout(ms);
    let outcome = crate::interrupt::blocking(py, func, || sync::wait_for_multiple(handles, all, timeout))?;
    Ok(outcome.code())
}

/// WaitForSingleObject(hHandle, milliseconds, /) -> WAIT_*
#[pyfunction]
#[pyo3(name = "WaitForSingleObject", signature = (hHandle, milliseconds, /))]
#[allow(non_snake_case)]
fn wait_for_single_object(py: Python<'_>, hHandle: HandleArg, milliseconds: Dword) -> PyResult<u32> {
    wait(py, &[hHandle.0], false, milliseconds, "WaitForSingleObject")
}

/// WaitForSingleObjectEx(hHandle, milliseconds, bAlertable, /) -> WAIT_*
#[pyfunction]
#[pyo3(name = "WaitForSingleObjectEx", signature = (hHandle, milliseconds, bAlertable, /))]
#[allow(non_snake_case)]
fn wait_for_single_object_ex(
    py: Python<'_>,
    hHandle: HandleArg,
    milliseconds: Dword,
    bAlertable: Flag,
) -> PyResult<u32> {
    let _ = bAlertable; // nothing queues APCs, so no wait ends with WAIT_IO_COMPLETION
    wait(py, &[hHandle.0], false, milliseconds, "WaitForSingleObjectEx")
}

/// The handles of a wait list, read as pywin32's MakeHandleList does: a sequence
/// (`PySequence_Check`: a list, a tuple, any object whose type has `__getitem__`, dicts
/// excepted; an iterator or a set is a TypeError), each item a handle. At most
/// MAXIMUM_WAIT_OBJECTS items are read: a longer list fails with ERROR_INVALID_PARAMETER
/// (what WaitForMultipleObjects answers) as soon as item 65 exists, so neither an endless
/// `__getitem__` nor a lying `__len__` is read further.
fn handle_list(list: &Bound<'_, PyAny>, func: &'static str) -> PyResult<Vec<winfile::Handle>> {
    let not_handles = || PyTypeError::new_err("Handles must be a list of integers");
    // PySequence_Check: the type has item access and is not a dict.
    if list.is_instance_of::<PyDict>() || !list.get_type().hasattr(intern!(list.py(), "__getitem__"))? {
        return Err(not_handles());
    }
    let len = list.len()?;
    let mut handles = Vec::with_capacity(len.min(sync::MAXIMUM_WAIT_OBJECTS));
    for i in 0..len {
        if handles.len() == sync::MAXIMUM_WAIT_OBJECTS {
            return Err(PyWinError::new(winfile::Win32Error::INVALID_PARAMETER, func).into());
        }
        let item = list.get_item(i)?;
        handles.push(item.extract::<HandleArg>().map_err(|_| not_handles())?.0);
    }
    Ok(handles)
}

/// WaitForMultipleObjects(handlelist, bWaitAll, milliseconds, /) -> WAIT_*
#[pyfunction]
#[pyo3(name = "WaitForMultipleObjects", signature = (handlelist, bWaitAll, milliseconds, /))]
#[allow(non_snake_case)]
fn wait_for_multiple_objects(
    py: Python<'_>,
    handlelist: &Bound<'_, PyAny>,
    bWaitAll: Flag,
    milliseconds: Dword,
) -> PyResult<u32> {
    let handles = handle_list(handlelist, "WaitForMultipleObjects")?;
    wait(py, &handles, bWaitAll.0, milliseconds, "WaitForMultipleObjects")
}

/// WaitForMultipleObjectsEx(handlelist, bWaitAll, milliseconds, bAlertable, /) -> WAIT_*
#[pyfunction]
#[pyo3(name = "WaitForMultipleObjectsEx", signature = (handlelist, bWaitAll, milliseconds, bAlertable, /))]
#[allow(non_snake_case)]
fn wait_for_multiple_objects_ex(
    py: Python<'_>,
    handlelist: &Bound<'_, PyAny>,
    bWaitAll: Flag,
    milliseconds: Dword,
    bAlertable: Flag,
) -> PyResult<u32> {
    let _ = bAlertable;
    let handles = handle_list(handlelist, "WaitForMultipleObjectsEx")?;
    wait(py, &handles, bWaitAll.0, milliseconds, "WaitForMultipleObjectsEx")
}

/// A message wait with the GIL released; Ctrl-C still ends it.
fn msg_wait(py: Python<'_>, handles: &[winfile::Handle], flags: u32, ms: Dword, func: &'static str) -> PyResult<u32> {
    let timeout = timeout(ms);
    let outcome = crate::interrupt::blocking(py, func, || sync::msg_wait_for_multiple(handles, flags, timeout))?;
    Ok(outcome.code())
}

/// MsgWaitForMultipleObjects(handlelist, bWaitAll, milliseconds, wakeMask, /) -> WAIT_*
/// (no window message queue exists: input never ends the wait).
#[pyfunction]
#[pyo3(name = "MsgWaitForMultipleObjects", signature = (handlelist, bWaitAll, milliseconds, wakeMask, /))]
#[allow(non_snake_case)]
fn msg_wait_for_multiple_objects(
    py: Python<'_>,
    handlelist: &Bound<'_, PyAny>,
    bWaitAll: Flag,
    milliseconds: Dword,
    wakeMask: Dword,
) -> PyResult<u32> {
    let _ = wakeMask;
    let handles = handle_list(handlelist, "MsgWaitForMultipleObjects")?;
    let flags = if bWaitAll.0 { sync::MWMO_WAITALL } else { 0 };
    msg_wait(py, &handles, flags, milliseconds, "MsgWaitForMultipleObjects")
}

/// MsgWaitForMultipleObjectsEx(handlelist, milliseconds, wakeMask, waitFlags, /) -> WAIT_*
#[pyfunction]
#[pyo3(name = "MsgWaitForMultipleObjectsEx", signature = (handlelist, milliseconds, wakeMask, waitFlags, /))]
#[allow(non_snake_case)]
fn msg_wait_for_multiple_objects_ex(
    py: Python<'_>,
    handlelist: &Bound<'_, PyAny>,
    milliseconds: Dword,
    wakeMask: Dword,
    waitFlags: Dword,
) -> PyResult<u32> {
    let _ = wakeMask;
    let handles = handle_list(handlelist, "MsgWaitForMultipleObjectsEx")?;
    msg_wait(py, &handles, waitFlags.0, milliseconds, "MsgWaitForMultipleObjectsEx")
}

/// Fills the `winfile._native.win32event` submodule.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(create_event, m)?)?;
    m.add_function(wrap_pyfunction!(open_event, m)?)?;
    m.add_function(wrap_pyfunction!(set_event, m)?)?;
    m.add_function(wrap_pyfunction!(reset_event, m)?)?;
    m.add_function(wrap_pyfunction!(pulse_event, m)?)?;
    m.add_function(wrap_pyfunction!(create_mutex, m)?)?;
    m.add_function(wrap_pyfunction!(open_mutex, m)?)?;
    m.add_function(wrap_pyfunction!(release_mutex, m)?)?;
    m.add_function(wrap_pyfunction!(create_semaphore, m)?)?;
    m.add_function(wrap_pyfunction!(open_semaphore, m)?)?;
    m.add_function(wrap_pyfunction!(release_semaphore, m)?)?;
    m.add_function(wrap_pyfunction!(create_waitable_timer, m)?)?;
    m.add_function(wrap_pyfunction!(open_waitable_timer, m)?)?;
    m.add_function(wrap_pyfunction!(set_waitable_timer, m)?)?;
    m.add_function(wrap_pyfunction!(create_waitable_timer_ex, m)?)?;
    m.add_function(wrap_pyfunction!(signal_object_and_wait, m)?)?;
    m.add_function(wrap_pyfunction!(cancel_waitable_timer, m)?)?;
    m.add_function(wrap_pyfunction!(wait_for_single_object, m)?)?;
    m.add_function(wrap_pyfunction!(wait_for_single_object_ex, m)?)?;
    m.add_function(wrap_pyfunction!(wait_for_multiple_objects, m)?)?;
    m.add_function(wrap_pyfunction!(wait_for_multiple_objects_ex, m)?)?;
    m.add_function(wrap_pyfunction!(msg_wait_for_multiple_objects, m)?)?;
    m.add_function(wrap_pyfunction!(msg_wait_for_multiple_objects_ex, m)?)?;
    Ok(())
}
