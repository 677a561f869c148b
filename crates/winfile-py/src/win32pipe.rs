//! The native half of `win32pipe`: named and anonymous pipes. Conversion only; the
//! pipes themselves are `winfile::pipe`.

use crate::buffer::new_bytes_filled;
use crate::conv::{Dword, Flag, HandleArg, WideArg};
use crate::error::{IntoPy, PyWinError};
use crate::interrupt::blocking;
use crate::pywintypes::{PyHandle, PyOverlapped};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyMemoryView};
use winfile::overlapped::Issued;
use winfile::{pipe, Win32Error};

/// A read that ended with ERROR_MORE_DATA filled the whole buffer: `(n, rc)`, with the
/// thread's last error set as Windows leaves it.
fn with_more(r: winfile::Result<(usize, bool)>, func: &'static str) -> PyResult<(usize, u32)> {
    let (n, more) = r.py_api(func)?;
    if more {
        winfile::error::set_last_error(Win32Error::MORE_DATA);
        return Ok((n, Win32Error::MORE_DATA.0));
    }
    Ok((n, 0))
}

/// CreateNamedPipe(pipeName, openMode, pipeMode, nMaxInstances, nOutBufferSize,
/// nInBufferSize, nDefaultTimeOut, sa, /) -> PyHANDLE
#[pyfunction]
#[pyo3(name = "CreateNamedPipe", signature = (pipeName, openMode, pipeMode, nMaxInstances, nOutBufferSize, nInBufferSize, nDefaultTimeOut, sa, /))]
#[allow(non_snake_case, clippy::too_many_arguments)]
fn create_named_pipe(
    py: Python<'_>,
    pipeName: WideArg,
    openMode: Dword,
    pipeMode: Dword,
    nMaxInstances: Dword,
    nOutBufferSize: Dword,
    nInBufferSize: Dword,
    nDefaultTimeOut: Dword,
    sa: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyHandle>> {
    crate::conv::security_attributes(sa.as_ref())?;
    let r = py.detach(|| {
        pipe::create_named_pipe(
            &pipeName.0,
            openMode.0,
            pipeMode.0,
            nMaxInstances.0,
            nOutBufferSize.0,
            nInBufferSize.0,
            nDefaultTimeOut.0,
        )
    });
    crate::pywintypes::new_handle(py, r, "CreateNamedPipe")
}

/// ConnectNamedPipe(hPipe, overlapped=None, /) -> 0, ERROR_IO_PENDING or ERROR_PIPE_CONNECTED
#[pyfunction]
#[pyo3(name = "ConnectNamedPipe", signature = (hPipe, overlapped=None, /))]
#[allow(non_snake_case)]
fn connect_named_pipe(py: Python<'_>, hPipe: HandleArg, overlapped: Option<Bound<'_, PyOverlapped>>) -> PyResult<u32> {
    const API: &str = "ConnectNamedPipe";
    let h = hPipe.0;
    let code = match &overlapped {
        None => blocking(py, API, || pipe::connect_named_pipe(h))?,
        Some(ol) => {
            let submit = crate::win32file::submit_of(ol);
            blocking(py, API, || pipe::connect_named_pipe_overlapped(h, submit))?
        }
    };
    if code != Win32Error::SUCCESS {
        winfile::error::set_last_error(code);
    }
    Ok(code.0)
}

/// DisconnectNamedPipe(hFile, /)
#[pyfunction]
#[pyo3(name = "DisconnectNamedPipe", signature = (hFile, /))]
#[allow(non_snake_case)]
fn disconnect_named_pipe(hFile: HandleArg) -> PyResult<()> {
    Ok(pipe::disconnect_named_pipe(hFile.0).py_api("DisconnectNamedPipe")?)
}

/// WaitNamedPipe(pipeName, timeout, /)
#[pyfunction]
#[pyo3(name = "WaitNamedPipe", signature = (pipeName, timeout, /))]
#[allow(non_snake_case)]
fn wait_named_pipe(py: Python<'_>, pipeName: WideArg, timeout: Dword) -> PyResult<()> {
    blocking(py, "WaitNamedPipe", || pipe::wait_named_pipe(&pipeName.0, timeout.0))
}

/// CallNamedPipe(pipeName, data, bufSize, timeOut, /) -> bytes
#[pyfunction]
#[pyo3(name = "CallNamedPipe", signature = (pipeName, data, bufSize, timeOut, /))]
#[allow(non_snake_case)]
fn call_named_pipe<'py>(
    py: Python<'py>,
    pipeName: WideArg,
    data: &Bound<'py, PyAny>,
    bufSize: i32,
    timeOut: i32,
) -> PyResult<Bound<'py, PyBytes>> {
    const API: &str = "CallNamedPipe";
    let data = crate::lent::exported(data)?;
    let len = usize::try_from(bufSize).map_err(|_| PyValueError::new_err("bufSize must not be negative"))?;
    let bytes = data.as_slice();
    let timeout = timeOut as u32;
    new_bytes_filled(py, len, |buf| {
        let (n, _) = blocking(py, API, || pipe::call_named_pipe(&pipeName.0, bytes, buf, timeout)).and_then(|r| {
            if r.1 {
                Err(PyWinError::new(Win32Error::MORE_DATA, API).into())
            } else {
                Ok(r)
            }
        })?;
        Ok(n)
    })
}

/// TransactNamedPipe(pipeName, writeData, buffer/bufSize, overlapped=None, /) -> (rc, data)
#[pyfunction]
#[pyo3(name = "TransactNamedPipe", signature = (pipeName, writeData, buffer_bufSize, overlapped=None, /))]
#[allow(non_snake_case)]
fn transact_named_pipe<'py>(
    py: Python<'py>,
    pipeName: HandleArg,
    writeData: &Bound<'py, PyAny>,
    buffer_bufSize: &Bound<'py, PyAny>,
    overlapped: Option<Bound<'py, PyOverlapped>>,
) -> PyResult<(u32, Bound<'py, PyAny>)> {
    const API: &str = "TransactNamedPipe";
    let h = pipeName.0;
    let data = crate::lent::exported(writeData)?;
    if let Some(ol) = &overlapped {
        let (target, result) = if buffer_bufSize.is_instance_of::<PyInt>() {
            let len: usize = buffer_bufSize.extract()?;
            let ba = PyByteArray::new_with(py, len, |_| Ok(()))?;
            let mv = PyMemoryView::from(&ba)?.into_any();
            (ba.into_any(), mv)
        } else {
            (buffer_bufSize.clone(), buffer_bufSize.clone())
        };
        let mem = crate::lent::writable(&target, "buffer must be an integer or a writable buffer")?;
        let bytes = data.as_slice().to_vec();
        let submit = crate::win32file::submit_of(ol);
        let issued = crate::interrupt::detached(py, || pipe::transact_named_pipe_overlapped(h, bytes, mem, submit))?;
        let rc = match issued {
            Ok(Issued::Pending) => Win32Error::IO_PENDING.0,
            Ok(Issued::Completed(_)) => 0,
            // A synchronous handle: the reply did not fit (the OVERLAPPED says so too).
            Err(e) if e.code() == Win32Error::MORE_DATA => {
                winfile::error::set_last_error(Win32Error::MORE_DATA);
                Win32Error::MORE_DATA.0
            }
            Err(e) => return Err(winfile::Result::<()>::Err(e).py_api(API).unwrap_err().into()),
        };
        return Ok((rc, result));
    }
    let bytes = data.as_slice();
    if buffer_bufSize.is_instance_of::<PyInt>() {
        let len = usize::try_from(buffer_bufSize.extract::<i64>()?)
            .map_err(|_| PyValueError::new_err("the buffer size must not be negative"))?;
        let mut rc = 0;
        let out = new_bytes_filled(py, len, |buf| {
            let (n, code) =
                with_more(crate::interrupt::detached(py, || pipe::transact_named_pipe(h, bytes, buf))?, API)?;
            rc = code;
            Ok(n)
        })?;
        return Ok((rc, out.into_any()));
    }
    let mut target = crate::lent::exported_mut(buffer_bufSize, "buffer must be an integer or a writable buffer")?;
    let buf = target.as_mut_slice();
    let (n, rc) = with_more(crate::interrupt::detached(py, || pipe::transact_named_pipe_into(h, bytes, buf))?, API)?;
    Ok((rc, PyBytes::new(py, &target.as_slice()[..n]).into_any()))
}

/// PeekNamedPipe(hPipe, size, /) -> (data, bytesAvailable, bytesLeftThisMessage)
#[pyfunction]
#[pyo3(name = "PeekNamedPipe", signature = (hPipe, size, /))]
#[allow(non_snake_case)]
fn peek_named_pipe<'py>(py: Python<'py>, hPipe: HandleArg, size: i32) -> PyResult<(Bound<'py, PyBytes>, i64, i64)> {
    let size = usize::try_from(size).map_err(|_| pyo3::exceptions::PyMemoryError::new_err(""))?;
    let (data, avail, left) = pipe::peek_named_pipe(hPipe.0, size).py_api("PeekNamedPipe")?;
    Ok((PyBytes::new(py, &data), i64::from(avail as i32), i64::from(left as i32)))
}

/// GetNamedPipeInfo(hNamedPipe, /) -> (flags, outBufferSize, inBufferSize, maxInstances)
#[pyfunction]
#[pyo3(name = "GetNamedPipeInfo", signature = (hNamedPipe, /))]
#[allow(non_snake_case)]
fn get_named_pipe_info(hNamedPipe: HandleArg) -> PyResult<(u32, u32, u32, u32)> {
    Ok(pipe::get_named_pipe_info(hNamedPipe.0).py_api("GetNamedPipeInfo")?)
}

/// (state, curInstances, maxCollectionCount, collectDataTimeout, userName).
type HandleState = (i32, i32, Py<PyAny>, Py<PyAny>, String);

/// GetNamedPipeHandleState(hPipe, bGetCollectionData=0, bGetUserName=0, /)
/// -> (state, curInstances, maxCollectionCount, collectDataTimeout, userName)
#[pyfunction]
#[pyo3(name = "GetNamedPipeHandleState", signature = (hPipe, bGetCollectionData=Flag(false), bGetUserName=Flag(false), /))]
#[allow(non_snake_case)]
fn get_named_pipe_handle_state(
    py: Python<'_>,
    hPipe: HandleArg,
    bGetCollectionData: Flag,
    bGetUserName: Flag,
) -> PyResult<HandleState> {
    let _ = bGetUserName;
    let (state, count) = pipe::get_named_pipe_handle_state(hPipe.0).py_api("GetNamedPipeHandleState")?;
    let (a, b) = if bGetCollectionData.0 {
        (0i32.into_pyobject(py)?.into_any().unbind(), 0i32.into_pyobject(py)?.into_any().unbind())
    } else {
        (py.None(), py.None())
    };
    Ok((state as i32, count as i32, a, b, String::new()))
}

/// SetNamedPipeHandleState(hPipe, Mode, MaxCollectionCount, CollectDataTimeout, /)
#[pyfunction]
#[pyo3(name = "SetNamedPipeHandleState", signature = (hPipe, Mode, MaxCollectionCount, CollectDataTimeout, /))]
#[allow(non_snake_case)]
fn set_named_pipe_handle_state(
    hPipe: HandleArg,
    Mode: &Bound<'_, PyAny>,
    MaxCollectionCount: &Bound<'_, PyAny>,
    CollectDataTimeout: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let opt = |obj: &Bound<'_, PyAny>, what: &str| -> PyResult<Option<u32>> {
        if obj.is_none() {
            return Ok(None);
        }
        if !obj.is_instance_of::<PyInt>() {
            return Err(PyTypeError::new_err(format!(
                "{what} param must be None or an integer (got {})",
                obj.get_type().name()?
            )));
        }
        Ok(Some(obj.extract::<i64>()? as u32))
    };
    let mode = opt(Mode, "mode")?;
    opt(MaxCollectionCount, "maxCollectionCount")?;
    opt(CollectDataTimeout, "collectDataTimeout")?;
    Ok(pipe::set_named_pipe_handle_state(hPipe.0, mode).py_api("SetNamedPipeHandleState")?)
}

/// CreatePipe(sa, nSize, /) -> (readHandle, writeHandle)
#[pyfunction]
#[pyo3(name = "CreatePipe", signature = (sa, nSize, /))]
#[allow(non_snake_case)]
fn create_pipe(py: Python<'_>, sa: Option<Bound<'_, PyAny>>, nSize: Dword) -> PyResult<(Py<PyHandle>, Py<PyHandle>)> {
    crate::conv::security_attributes(sa.as_ref())?;
    let (r, w) = pipe::create_pipe(nSize.0).py_api("CreatePipe")?;
    Ok((Py::new(py, PyHandle::owning(r))?, Py::new(py, PyHandle::owning(w))?))
}

/// FdCreatePipe(sa, nSize, mode, /) -> (readFd, writeFd)
#[pyfunction]
#[pyo3(name = "FdCreatePipe", signature = (sa, nSize, mode, /))]
#[allow(non_snake_case)]
fn fd_create_pipe(sa: Option<Bound<'_, PyAny>>, nSize: Dword, mode: i32) -> PyResult<(i32, i32)> {
    const O_TEXT: i32 = 0x4000;
    const O_BINARY: i32 = 0x8000;
    crate::conv::security_attributes(sa.as_ref())?;
    if mode != O_TEXT && mode != O_BINARY {
        return Err(PyValueError::new_err("mode must be O_TEXT or O_BINARY"));
    }
    let (r, w) = pipe::create_pipe(nSize.0).py_api("CreatePipe")?;
    let fd = |h| winfile::handle::open_osfhandle(h, mode).map_err(|e| PyWinError::new(e, "CreatePipe"));
    Ok((fd(r)?, fd(w)?))
}

/// GetNamedPipeClientProcessId(hPipe, /) -> int
#[pyfunction]
#[pyo3(name = "GetNamedPipeClientProcessId", signature = (hPipe, /))]
#[allow(non_snake_case)]
fn get_named_pipe_client_process_id(hPipe: HandleArg) -> PyResult<u32> {
    Ok(pipe::get_named_pipe_client_process_id(hPipe.0).py_api("GetNamedPipeClientProcessId")?)
}

/// GetNamedPipeServerProcessId(hPipe, /) -> int
#[pyfunction]
#[pyo3(name = "GetNamedPipeServerProcessId", signature = (hPipe, /))]
#[allow(non_snake_case)]
fn get_named_pipe_server_process_id(hPipe: HandleArg) -> PyResult<u32> {
    Ok(pipe::get_named_pipe_server_process_id(hPipe.0).py_api("GetNamedPipeServerProcessId")?)
}

/// GetNamedPipeClientSessionId(hPipe, /) -> int
#[pyfunction]
#[pyo3(name = "GetNamedPipeClientSessionId", signature = (hPipe, /))]
#[allow(non_snake_case)]
fn get_named_pipe_client_session_id(hPipe: HandleArg) -> PyResult<u32> {
    Ok(pipe::get_named_pipe_client_session_id(hPipe.0).py_api("GetNamedPipeClientSessionId")?)
}

/// GetNamedPipeServerSessionId(hPipe, /) -> int
#[pyfunction]
#[pyo3(name = "GetNamedPipeServerSessionId", signature = (hPipe, /))]
#[allow(non_snake_case)]
fn get_named_pipe_server_session_id(hPipe: HandleArg) -> PyResult<u32> {
    Ok(pipe::get_named_pipe_server_session_id(hPipe.0).py_api("GetNamedPipeServerSessionId")?)
}

/// popen(cmdstring, mode, /): refused with ERROR_NOT_SUPPORTED (no command pipes).
#[pyfunction]
#[pyo3(name = "popen", signature = (cmdstring, mode, /))]
fn popen(cmdstring: &Bound<'_, PyAny>, mode: &Bound<'_, PyAny>) -> PyResult<()> {
    let _ = (cmdstring, mode);
    Ok(winfile::unsupported::popen("popen").py_api("popen")?)
}

/// popen2(*args): refused with ERROR_NOT_SUPPORTED (no command pipes).
#[pyfunction]
#[pyo3(name = "popen2", signature = (*args))]
fn popen2(args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
    let _ = args;
    Ok(winfile::unsupported::popen("popen2").py_api("popen2")?)
}

/// popen3(*args): refused with ERROR_NOT_SUPPORTED (no command pipes).
#[pyfunction]
#[pyo3(name = "popen3", signature = (*args))]
fn popen3(args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
    let _ = args;
    Ok(winfile::unsupported::popen("popen3").py_api("popen3")?)
}

/// popen4(*args): refused with ERROR_NOT_SUPPORTED (no command pipes).
#[pyfunction]
#[pyo3(name = "popen4", signature = (*args))]
fn popen4(args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
    let _ = args;
    Ok(winfile::unsupported::popen("popen4").py_api("popen4")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(popen, m)?)?;
    m.add_function(wrap_pyfunction!(popen2, m)?)?;
    m.add_function(wrap_pyfunction!(popen3, m)?)?;
    m.add_function(wrap_pyfunction!(popen4, m)?)?;
    m.add_function(wrap_pyfunction!(create_named_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(connect_named_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(disconnect_named_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(wait_named_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(call_named_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(transact_named_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(peek_named_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(get_named_pipe_info, m)?)?;
    m.add_function(wrap_pyfunction!(get_named_pipe_handle_state, m)?)?;
    m.add_function(wrap_pyfunction!(set_named_pipe_handle_state, m)?)?;
    m.add_function(wrap_pyfunction!(create_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(fd_create_pipe, m)?)?;
    m.add_function(wrap_pyfunction!(get_named_pipe_client_process_id, m)?)?;
    m.add_function(wrap_pyfunction!(get_named_pipe_server_process_id, m)?)?;
    m.add_function(wrap_pyfunction!(get_named_pipe_client_session_id, m)?)?;
    m.add_function(wrap_pyfunction!(get_named_pipe_server_session_id, m)?)?;
    Ok(())
}
