//! Overlapped I/O and completion ports: the asynchronous ReadFile/WriteFile paths,
//! GetOverlappedResult, CancelIo, CreateIoCompletionPort, GetQueuedCompletionStatus,
//! PostQueuedCompletionStatus.
//!
//! Buffers are lent to the operation (a buffer export, see `lent`) and OVERLAPPED
//! objects travel with it as its token, so both stay alive until it ends, whatever
//! Python does with its own references.
//!
//! # Safety
//! An OVERLAPPED travels as a packet's token by its pointer: one strong reference,
//! made by `token_of` and either taken back by `object_of` or given up by the token's
//! release function.
#![allow(unsafe_code)]

use crate::conv::{HandleArg, Qword};
use crate::error::{IntoPy, PyWinError};
use crate::interrupt::{blocking, detached};
use crate::pywintypes::{PyHandle, PyOverlapped};
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyInt, PyMemoryView, PyTuple};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Duration;
use winfile::overlapped::{self as ov, Submit, Token, TokenKind};
use winfile::{Handle, Win32Error};

/// The kind of the tokens that are PyOVERLAPPED objects (a strong reference each).
static OVERLAPPED_TOKEN: TokenKind = TokenKind::foreign(release_overlapped);

/// A dropped PyOVERLAPPED token's reference, given up on any thread (see
/// `lent::release_reference`).
///
/// # Safety
/// `p` is a strong reference made by [`token_of`].
unsafe fn release_overlapped(p: NonNull<()>) {
    // SAFETY: see above.
    unsafe { crate::lent::release_reference(p.cast()) }
}

/// The token of a request on `ol`: a strong reference to the object itself (no box).
fn token_of(ol: &Bound<'_, PyOverlapped>) -> Token {
    let p = ol.clone().into_ptr();
    // SAFETY: `into_ptr` gives a new strong reference (never null), which the token owns
    // and `release_overlapped` gives up on any thread.
    unsafe { Token::from_raw(NonNull::new_unchecked(p).cast(), &OVERLAPPED_TOKEN) }
}

/// The object of a packet's token: the PyOVERLAPPED (its reference, now the caller's),
/// or None for a packet without one.
/// (A `Bound`, not a `Py`: a `Py` dropped in a fast entry, which pyo3 does not know
/// holds the GIL, would only queue its reference for a later pyo3 call.)
fn object_of(py: Python<'_>, token: Option<Token>) -> Bound<'_, PyAny> {
    match token.map(|t| t.into_raw(&OVERLAPPED_TOKEN)) {
        // SAFETY: a strong reference made by `token_of`, taken back from its token.
        Some(Ok(p)) => unsafe { Bound::from_owned_ptr(py, p.cast::<ffi::PyObject>().as_ptr()) },
        _ => py.None().into_bound(py),
    }
}

pub(crate) fn submit_of(ol: &Bound<'_, PyOverlapped>) -> Submit {
    let py = ol.py();
    let b = ol.get();
    Submit { ol: b.inner.clone(), event: b.event_handle(py), token: Some(token_of(ol)) }
}

/// The TypeError pywin32 gives for a ReadFile target that is not a writable buffer.
const NOT_WRITABLE: &str = "Second param must be an integer or writeable buffer object";

/// ReadFile with an OVERLAPPED: into `buffer_or_size` itself (a writable buffer,
/// returned as it is) or into a new zeroed bytearray of that size (returned as a
/// memoryview). rc 997 when queued, 0 when a synchronous handle completed it.
pub(super) fn read<'py>(
    h: Handle,
    buffer_or_size: &Bound<'py, PyAny>,
    ol: &Bound<'py, PyOverlapped>,
) -> PyResult<(u32, Bound<'py, PyAny>)> {
    let py = buffer_or_size.py();
    let (target, result) = if buffer_or_size.is_instance_of::<PyInt>() {
        let len = super::io::buffer_size(buffer_or_size)?;
        if len > super::io::CHECK_BEFORE_ALLOCATING {
            // A call that cannot succeed allocates nothing.
            winfile::io::check_read_file(h, len, Some(ol.borrow().offset64())).py_api("ReadFile")?;
        }
        let ba = PyByteArray::new_with(py, len, |_| Ok(()))?; // zeroed, allocated once
        let mv = PyMemoryView::from(&ba)?.into_any();
        (ba.into_any(), mv)
    } else {
        (buffer_or_size.clone(), buffer_or_size.clone())
    };
    let mem = crate::lent::writable(&target, NOT_WRITABLE)?;
    let submit = submit_of(ol);
    let issued = blocking(py, "ReadFile", || ov::read_file(h, mem, submit))?;
    Ok((rc(issued), result))
}

/// WriteFile with an OVERLAPPED: `data` (any contiguous buffer) is written from its own
/// memory. (rc, bytes): (997, 0) when queued, (0, n) when completed.
pub(super) fn write(h: Handle, data: &Bound<'_, PyAny>, ol: &Bound<'_, PyOverlapped>) -> PyResult<(u32, usize)> {
    let mem = crate::lent::readable(data)?;
    let submit = submit_of(ol);
    let issued = blocking(data.py(), "WriteFile", || ov::write_file(h, mem, submit))?;
    Ok(rc_and_count(issued))
}

/// ReadDirectoryChangesW with an OVERLAPPED: the records land in `buffer` (a writable
/// buffer object).
pub(super) fn directory_changes(
    h: Handle,
    subtree: bool,
    filter: u32,
    buffer: &Bound<'_, PyAny>,
    ol: &Bound<'_, PyOverlapped>,
) -> PyResult<()> {
    let mem = crate::lent::writable(buffer, "buffer param must be an integer or a buffer object")?;
    let submit = submit_of(ol);
    blocking(buffer.py(), "ReadDirectoryChangesW", || ov::read_directory_changes(h, mem, subtree, filter, submit))
}

/// ReadDirectoryChangesW with a size and an OVERLAPPED: queued into a private buffer.
pub(super) fn directory_changes_sized(
    h: Handle,
    subtree: bool,
    filter: u32,
    size: usize,
    ol: &Bound<'_, PyOverlapped>,
) -> PyResult<()> {
    let mem = winfile::overlapped::Lent::new(crate::buffer::zeroed_vec(size)?);
    let submit = submit_of(ol);
    blocking(ol.py(), "ReadDirectoryChangesW", || ov::read_directory_changes(h, mem, subtree, filter, submit))
}

/// The rc pywin32 returns for a request with an OVERLAPPED.
pub(super) fn rc(issued: ov::Issued) -> u32 {
    rc_and_count(issued).0
}

/// `(rc, bytes)` as pywin32 returns them for a request with an OVERLAPPED: `(0, n)` when
/// it completed in the call (Windows returns 0 and fills in the count), `(997, 0)` when
/// it is queued.
pub(super) fn rc_and_count(issued: ov::Issued) -> (u32, usize) {
    match issued {
        ov::Issued::Pending => (Win32Error::IO_PENDING.0, 0),
        ov::Issued::Completed(n) => (0, n),
    }
}

/// GetOverlappedResult(hFile, overlapped, bWait, /) -> bytes transferred
#[pyfunction]
#[pyo3(name = "GetOverlappedResult", signature = (hFile, overlapped, bWait, /))]
#[allow(non_snake_case)]
fn get_overlapped_result(
    py: Python<'_>,
    hFile: HandleArg,
    overlapped: Option<Bound<'_, PyOverlapped>>,
    bWait: crate::conv::Flag,
) -> PyResult<i64> {
    const API: &str = "GetOverlappedResult";
    let Some(ol) = overlapped else {
        return Err(PyWinError::new(Win32Error::INVALID_PARAMETER, API).into());
    };
    let inner = ol.borrow().inner.clone();
    let n = blocking(py, API, || ov::get_overlapped_result(hFile.0, &inner, bWait.0))?;
    // pywin32 converts the DWORD count with a signed 32-bit conversion.
    Ok(i64::from(n as u32 as i32))
}

/// CancelIo(handle, /)
#[pyfunction]
#[pyo3(name = "CancelIo", signature = (handle, /))]
fn cancel_io(handle: HandleArg) -> PyResult<()> {
    Ok(ov::cancel_io(handle.0).py_api("CancelIo")?)
}

/// CreateIoCompletionPort(handle, existing, completionKey, numThreads, /)
#[pyfunction]
#[pyo3(name = "CreateIoCompletionPort", signature = (handle, existing, completionKey, numThreads, /))]
#[allow(non_snake_case)]
fn create_io_completion_port(
    py: Python<'_>,
    handle: HandleArg,
    existing: &Bound<'_, PyAny>,
    completionKey: Qword,
    numThreads: i32,
) -> PyResult<Py<PyAny>> {
    let HandleArg(port) = existing.extract()?;
    let threads = u32::try_from(numThreads).unwrap_or(0);
    match ov::create_or_associate(handle.0, port, completionKey.0, threads).py_api("CreateIoCompletionPort")? {
        Some(new_port) => Ok(Py::new(py, PyHandle::owning(new_port))?.into_any()),
        None => Ok(existing.clone().unbind()), // the same object, as pywin32 returns it
    }
}

/// GetQueuedCompletionStatus(hPort, timeOut, /) -> (rc, bytes, key, overlapped)
#[pyfunction]
#[pyo3(name = "GetQueuedCompletionStatus", signature = (hPort, timeOut, /))]
#[allow(non_snake_case)]
fn get_queued_completion_status(py: Python<'_>, hPort: HandleArg, timeOut: i32) -> PyResult<Bound<'_, PyTuple>> {
    queued_completion(py, hPort.0, timeOut)
}

/// GetQueuedCompletionStatus's body (the PyO3 function and its fast entry).
pub(super) fn queued_completion(py: Python<'_>, port: Handle, timeout: i32) -> PyResult<Bound<'_, PyTuple>> {
    let timeout = (timeout != -1).then(|| Duration::from_millis(u64::from(timeout as u32)));
    // A packet already queued is taken with the GIL held: releasing it (and waking a
    // thread waiting for it) would cost more than the dequeue. Only a wait releases it.
    // The first try uses the port this thread kept from its last call while that is
    // still valid (`ov::with_port`: no handle look-up); a wait holds a reference to it.
    let waits = timeout.is_none_or(|t| !t.is_zero());
    let first = ov::with_port(port, |p| match p.dequeue(Some(Duration::ZERO)) {
        Err(Win32Error::WAIT_TIMEOUT) if waits => Err(p.clone()),
        r => Ok(r),
    });
    let r = match first {
        Ok(Ok(r)) => r,
        Ok(Err(port)) => detached(py, || port.dequeue(timeout))?,
        Err(code) => Err(code),
    };
    // (After a wait, `detached` released them already: one load then.)
    crate::lent::release_pending(py);
    match r {
        Err(code) => completion_tuple(py, code.0, 0, 0, None),
        Ok(p) => completion_tuple(py, p.status.0, i64::from(p.bytes as u32 as i32), p.key, p.token),
    }
}

/// The interpreter's small ints 0..=256, taken once at registration (it keeps one
/// object for each: they are never freed), lent to result tuples with no call.
static SMALL: [AtomicPtr<ffi::PyObject>; 257] = [const { AtomicPtr::new(std::ptr::null_mut()) }; 257];

/// Fills [`SMALL`] (module registration, with the GIL).
fn keep_small_ints(py: Python<'_>) {
    for (i, cell) in SMALL.iter().enumerate() {
        let Ok(obj) = (i as u32).into_pyobject(py);
        // One reference kept for the process (the interpreter's cached object anyway).
        cell.store(obj.into_any().unbind().into_ptr(), Ordering::Relaxed);
    }
}

/// An int argument of PyTuple_Pack: a small int lent by [`SMALL`] (no new reference,
/// no call), or a new one.
enum IntArg<'py> {
    Lent(*mut ffi::PyObject),
    New(Bound<'py, PyAny>),
}

impl<'py> IntArg<'py> {
    /// `v`, an i64 or a u64 (rc, byte count, key).
    fn new<T>(py: Python<'py>, v: T) -> Self
    where
        T: IntoPyObject<'py, Output = Bound<'py, PyInt>, Error = std::convert::Infallible> + TryInto<usize> + Copy,
    {
        if let Some(cell) = v.try_into().ok().and_then(|i| SMALL.get(i)) {
            let p = cell.load(Ordering::Relaxed);
            if !p.is_null() {
                return IntArg::Lent(p);
            }
        }
        let Ok(obj) = v.into_pyobject(py);
        IntArg::New(obj.into_any())
    }

    fn as_ptr(&self) -> *mut ffi::PyObject {
        match self {
            IntArg::Lent(p) => *p,
            IntArg::New(b) => b.as_ptr(),
        }
    }
}

/// GetQueuedCompletionStatus's `(rc, bytes, key, overlapped)`: one PyTuple_Pack of small
/// ints the interpreter keeps (rc, key and short counts nearly always are) and the
/// packet's OVERLAPPED (its token's reference, given up after) or None.
fn completion_tuple(
    py: Python<'_>,
    rc: u32,
    bytes: i64,
    key: u64,
    token: Option<Token>,
) -> PyResult<Bound<'_, PyTuple>> {
    let ol = object_of(py, token);
    let (rc, bytes, key) = (IntArg::new(py, rc), IntArg::new(py, bytes), IntArg::new(py, key));
    // SAFETY: four live objects (lent small ints, new ints and `ol` alive until the end
    // of this function, None); PyTuple_Pack takes its own references and returns a new
    // tuple (NULL with an exception set on failure).
    unsafe {
        Bound::from_owned_ptr_or_err(py, ffi::PyTuple_Pack(4, rc.as_ptr(), bytes.as_ptr(), key.as_ptr(), ol.as_ptr()))
            .map(|t| t.cast_into_unchecked())
    }
}

/// PostQueuedCompletionStatus(handle, numberOfBytes=0, completionKey=None, overlapped=None, /)
#[pyfunction]
#[pyo3(name = "PostQueuedCompletionStatus", signature = (handle, numberOfBytes=0, completionKey=None, overlapped=None, /))]
#[allow(non_snake_case)]
fn post_queued_completion_status(
    handle: HandleArg,
    numberOfBytes: i32,
    completionKey: Option<Qword>,
    overlapped: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    let ol = match overlapped {
        None => None,
        Some(o) if o.is_none() => None,
        Some(o) => match o.cast_into::<PyOverlapped>() {
            Ok(ol) => Some(ol),
            Err(_) => return Err(PyValueError::new_err("overlapped must be a PyOVERLAPPED or None")),
        },
    };
    post_completion(handle.0, numberOfBytes, completionKey.map_or(0, |k| k.0), ol.as_ref())
}

/// PostQueuedCompletionStatus's body (the PyO3 function and its fast entry).
pub(super) fn post_completion(
    port: Handle,
    bytes: i32,
    key: u64,
    ol: Option<&Bound<'_, PyOverlapped>>,
) -> PyResult<()> {
    let token = ol.map(token_of);
    Ok(ov::post_queued_completion_status(port, bytes as u32 as usize, key, token)
        .py_api("PostQueuedCompletionStatus")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    keep_small_ints(m.py());
    m.add_function(wrap_pyfunction!(get_overlapped_result, m)?)?;
    m.add_function(wrap_pyfunction!(cancel_io, m)?)?;
    m.add_function(wrap_pyfunction!(create_io_completion_port, m)?)?;
    let fast: [(&'static str, _, super::fast::FastFn); 2] = [
        (
            "GetQueuedCompletionStatus",
            wrap_pyfunction!(get_queued_completion_status, m)?,
            super::fast_socket::get_queued_completion_status,
        ),
        (
            "PostQueuedCompletionStatus",
            wrap_pyfunction!(post_queued_completion_status, m)?,
            super::fast_socket::post_queued_completion_status,
        ),
    ];
    for (name, slow, entry) in fast {
        super::fast_socket::add(m, name, slow.as_any(), entry)?;
    }
    Ok(())
}
