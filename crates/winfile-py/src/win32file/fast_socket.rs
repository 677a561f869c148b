//! Fast entries for the per-request calls of a completion-port socket server (issue 10):
//! WSARecv, WSASend, GetQueuedCompletionStatus and PostQueuedCompletionStatus. As for
//! ReadFile/WriteFile (`fast.rs`), each is a hand-written METH_FASTCALL function in
//! front of the PyO3 function of the same name: it takes the call's common exact shapes
//! itself (a `socket.socket` or an int, a PyOVERLAPPED, a PyHANDLE, ints that fit) and
//! calls the very code the PyO3 function calls with the values the PyO3 conversions
//! would have made of them; every other shape (keywords, subclasses, None for the
//! OVERLAPPED, ints out of range...) is handed unchanged to the PyO3 function's own C
//! entry, so results and errors are the same whichever entry runs
//! (`tests/win32file/test_socket_fast_entry.py`). What the fast entry saves per call:
//! PyO3's trampoline and argument description, `SocketArg`'s attribute probing of a
//! socket object and its `fileno()` call (the descriptor is read where the socket
//! object holds it: `held_descriptor`), and PyO3's conversion of the result
//! (`(997, 0)`, kept, not rebuilt; `(0, n)` packed in one call); and, for a
//! `socket.socket` passed to WSARecv/WSASend, the tie check's system call while the same
//! object names the same number (the object is passed to the core as the number's
//! owner: `winfile::net::Owner`, implemented in `conv.rs`).

#![allow(unsafe_code)]

use crate::pywintypes::PyOverlapped;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;
use std::sync::atomic::{AtomicPtr, AtomicU8, Ordering};
use std::sync::OnceLock;

/// The type objects the exact-shape checks compare with (static types of this module,
/// alive while it is loaded).
static OVERLAPPED_TYPE: AtomicPtr<ffi::PyTypeObject> = AtomicPtr::new(std::ptr::null_mut());
/// The interned name `fileno`.
static FILENO: OnceLock<Py<PyString>> = OnceLock::new();

/// Adds `name` to `m` with the fast entry `fast` in front of the PyO3 function `slow`
/// (`fast::add`), once this file's exact types are known.
pub fn add(
    m: &Bound<'_, PyModule>,
    name: &'static str,
    slow: &Bound<'_, PyAny>,
    fast: super::fast::FastFn,
) -> PyResult<()> {
    let py = m.py();
    OVERLAPPED_TYPE.store(py.get_type::<PyOverlapped>().as_type_ptr(), Ordering::Relaxed);
    let _ = FILENO.set(PyString::intern(py, "fileno").unbind());
    super::fast::add(m, name, slow, fast)
}

/// The value of an exact `int` that fits an `i64`, `None` for anything else (an int
/// subclass, an `__index__` object, a larger int: the PyO3 entry converts those).
fn exact_i64(obj: *mut ffi::PyObject) -> Option<i64> {
    // SAFETY: `obj` is a live argument; PyLong_AsLongLong on an exact int raises only
    // OverflowError, cleared here.
    unsafe {
        if ffi::Py_TYPE(obj) != &raw mut ffi::PyLong_Type {
            return None;
        }
        let v = ffi::PyLong_AsLongLong(obj);
        if v == -1 && !ffi::PyErr_Occurred().is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        Some(v)
    }
}

/// An `i32` argument (a flags word, a timeout, a byte count) from an exact int in
/// range: what PyO3's `i32` conversion gives it; `None` otherwise.
pub fn exact_i32(obj: *mut ffi::PyObject) -> Option<i32> {
    exact_i64(obj).and_then(|v| i32::try_from(v).ok())
}

/// A SOCKET argument, as `conv::SocketArg` converts it, from an exact int or an exact
/// `socket.socket` (its `fileno()`), and whether it was the socket object; `None` for
/// anything else, or if `fileno()` fails or gives something else than an int that fits
/// (the PyO3 entry then calls it again and reports it its own way).
fn socket(py: Python<'_>, obj: *mut ffi::PyObject) -> Option<(u64, bool)> {
    if let Some(v) = exact_i64(obj) {
        return Some((v as u64, false));
    }
    let ty = crate::conv::socket_class(py)?.as_ptr();
    // SAFETY: `obj` is a live argument; only its type is read.
    if unsafe { ffi::Py_TYPE(obj).cast::<ffi::PyObject>() } != ty {
        return None;
    }
    if let Some(fd) = held_descriptor(py, obj) {
        return Some((fd as u64, true));
    }
    let name = FILENO.get()?;
    // SAFETY: `obj` is a live argument, exactly a socket.socket: its `fileno` method is
    // called with no arguments; the new reference is owned by `fd`.
    unsafe {
        let fd = Bound::from_owned_ptr_or_opt(
            py,
            ffi::PyObject_CallMethodObjArgs(obj, name.as_ptr(), std::ptr::null_mut::<ffi::PyObject>()),
        );
        match fd {
            Some(fd) => exact_i64(fd.as_ptr()).map(|v| (v as u64, true)),
            None => {
                ffi::PyErr_Clear();
                None
            }
        }
    }
}

/// Where CPython's socket object keeps its descriptor and the three ints after it
/// (`PySocketSockObject`: `sock_fd`, `sock_family`, `sock_type`, `sock_proto`, right
/// after the object header): the state of [`held_descriptor`].
static LAYOUT: AtomicU8 = AtomicU8::new(LAYOUT_UNKNOWN);
const LAYOUT_UNKNOWN: u8 = 0;
const LAYOUT_CONFIRMED: u8 = 1;
const LAYOUT_REFUSED: u8 = 2;
/// The offset of `sock_fd`: the object header (reference count and type).
const SOCK_FD_AT: usize = std::mem::size_of::<ffi::PyObject>();

/// The descriptor an exact `socket.socket` holds, read where the interpreter keeps it,
/// which is what its `fileno()` returns (-1 once it is closed or detached: the owner
/// rule of `winfile::net::adopt`), without calling it: the method call (a type lookup,
/// a bound call, an int) cost more than the rest of the conversion. The stable ABI does
/// not describe the object's layout, so it is confirmed once, on the first socket seen
/// (its four ints read there must equal its `fileno()`, `family`, `type` and `proto`,
/// and the class must not replace `fileno`); otherwise, and on any doubt, `None`: the
/// caller calls `fileno()`. (What this cannot see, `socket.socket.fileno` replaced on
/// the class after that first check, is outside the owner rule, as `os.dup2` over the
/// number is.)
fn held_descriptor(py: Python<'_>, obj: *mut ffi::PyObject) -> Option<i32> {
    match LAYOUT.load(Ordering::Relaxed) {
        LAYOUT_CONFIRMED => {}
        LAYOUT_UNKNOWN => {
            let ok = layout_matches(py, obj);
            LAYOUT.store(if ok { LAYOUT_CONFIRMED } else { LAYOUT_REFUSED }, Ordering::Relaxed);
            if !ok {
                return None;
            }
        }
        _ => return None,
    }
    // SAFETY: `obj` is a live exact socket.socket, whose layout was confirmed to hold
    // `sock_fd` (a C int) at this offset; the GIL is held, so no other thread changes it
    // during the read.
    Some(unsafe { obj.cast::<u8>().add(SOCK_FD_AT).cast::<std::ffi::c_int>().read_unaligned() })
}

/// Whether the socket object `obj` (exactly a `socket.socket`) holds its descriptor,
/// family, type and protocol as four C ints after its header (see [`held_descriptor`]).
fn layout_matches(py: Python<'_>, obj: *mut ffi::PyObject) -> bool {
    // SAFETY: `obj` is a live argument, borrowed for the call.
    let sock = unsafe { Bound::ref_from_ptr(py, &obj) };
    let check = || -> PyResult<bool> {
        let ty = sock.get_type();
        let base = ty.getattr("__mro__")?.get_item(1)?;
        let basic: usize = base.getattr("__basicsize__")?.extract()?;
        if basic < SOCK_FD_AT + 16 || !ty.getattr("fileno")?.is(&base.getattr("fileno")?) {
            return Ok(false);
        }
        let want: [i64; 4] = [
            sock.call_method0("fileno")?.extract()?,
            sock.getattr("family")?.extract()?,
            sock.getattr("type")?.extract()?,
            sock.getattr("proto")?.extract()?,
        ];
        // SAFETY: the base type's instances are at least `basic` bytes (checked above),
        // so the four ints after the header are within the object.
        let got: [i64; 4] = std::array::from_fn(|i| unsafe {
            i64::from(obj.cast::<u8>().add(SOCK_FD_AT + 4 * i).cast::<std::ffi::c_int>().read_unaligned())
        });
        Ok(got == want)
    };
    // (An error is cleared, not dropped: this runs in a fast entry; see
    // `conv::ok_or_clear`.)
    crate::conv::ok_or_clear(py, check()).unwrap_or(false)
}

/// An exact PyOVERLAPPED argument, `None` for anything else (None included).
pub fn overlapped<'a, 'py>(py: Python<'py>, obj: &'a *mut ffi::PyObject) -> Option<&'a Bound<'py, PyOverlapped>> {
    let ty = OVERLAPPED_TYPE.load(Ordering::Relaxed);
    // SAFETY: `obj` is a live argument, borrowed for the call; its type is checked to be
    // exactly PyOVERLAPPED's before it is seen as one.
    unsafe {
        if ty.is_null() || ffi::Py_TYPE(*obj) != ty {
            return None;
        }
        Some(Bound::ref_from_ptr(py, obj).cast_unchecked::<PyOverlapped>())
    }
}

/// The result of an overlapped WSARecv/WSASend, as pywin32 builds it: `(0, n)` for a
/// transfer completed in the call, `(997, 0)` for one that waits. Tuples are immutable:
/// `(997, 0)` and each `(0, n)` of a count below [`DONE_CACHED`] are made once and
/// shared (a transfer's count is nearly always one of a few message sizes), which spares
/// a tuple's allocation and release per call.
pub fn transfer_result(py: Python<'_>, issued: winfile::overlapped::Issued) -> PyResult<Bound<'_, PyAny>> {
    static PENDING: AtomicPtr<ffi::PyObject> = AtomicPtr::new(std::ptr::null_mut());
    static DONE: [AtomicPtr<ffi::PyObject>; DONE_CACHED] =
        [const { AtomicPtr::new(std::ptr::null_mut()) }; DONE_CACHED];
    let cell = match issued {
        winfile::overlapped::Issued::Pending => &PENDING,
        winfile::overlapped::Issued::Completed(n) => match DONE.get(n) {
            Some(cell) => cell,
            None => return super::fast::rc_tuple(py, 0, n.into_pyobject(py)?.into_any()),
        },
    };
    let p = cell.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: a tuple the cell owns a reference to for the life of the process; a
        // new reference for the caller.
        return Ok(unsafe { Bound::from_borrowed_ptr(py, p) });
    }
    let t = super::overlapped::rc_and_count(issued).into_pyobject(py)?.into_any();
    // The cell keeps a reference of its own (never given up); a thread that lost the
    // race keeps the winner's.
    match cell.compare_exchange(std::ptr::null_mut(), t.clone().into_ptr(), Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => Ok(t),
        Err(winner) => {
            // SAFETY: `t`'s extra reference was not stored: given back (GIL held, as
            // `t` is bound); the winner's tuple is owned by its cell.
            unsafe { ffi::Py_DecRef(t.as_ptr()) };
            // SAFETY: the winner's tuple, owned by its cell for the life of the process;
            // a new reference for the caller.
            Ok(unsafe { Bound::from_borrowed_ptr(py, winner) })
        }
    }
}

/// How many counts have their `(0, n)` result kept (n below this): message sizes up to
/// 4 KiB, at most 4096 small tuples kept for the life of the process.
const DONE_CACHED: usize = 1 << 12;

// ---- The fast bodies --------------------------------------------------------------------
// Each checks the cheap arguments first and the socket last (its `fileno()` may be a call).

/// The arguments of WSARecv/WSASend in their common shape: (socket, buffer, ol[, flags]);
/// with the socket object, when one was passed (not an int), as the number's owner.
#[allow(clippy::type_complexity)]
fn transfer_args<'a, 'py>(
    py: Python<'py>,
    args: &'a [*mut ffi::PyObject],
) -> Option<(u64, Option<&'a Bound<'py, PyAny>>, &'a Bound<'py, PyAny>, &'a Bound<'py, PyOverlapped>, i32)> {
    let flags = match args.len() {
        3 => 0,
        // A literal 0 (nearly every call) told by identity, without a conversion.
        4 => common_timeout(py, args[3]).or_else(|| exact_i32(args[3]))?,
        _ => return None,
    };
    let ol = overlapped(py, &args[2])?;
    let (s, is_object) = socket(py, args[0])?;
    // SAFETY: live arguments, borrowed for the call; taken as any object, as the PyO3
    // function takes them.
    let (sock, buffer) = unsafe { (Bound::ref_from_ptr(py, &args[0]), Bound::ref_from_ptr(py, &args[1])) };
    Some((s, is_object.then_some(sock), buffer, ol, flags))
}

/// The SOCKET of a transfer: the number, vouched for by its socket object if one was
/// passed (`winfile::net::Owner`: the tie check's system call is then skipped while the
/// same object names the same number).
fn with_sock<R>(s: u64, owner: Option<&Bound<'_, PyAny>>, f: impl FnOnce(winfile::net::Sock<'_>) -> R) -> R {
    match owner {
        Some(obj) => f(winfile::net::Sock::owned(s, &crate::conv::SocketObject(obj))),
        None => f(winfile::net::Sock::from(s)),
    }
}

/// `WSARecv(s, buffer, ol, dwFlags=0)` with an OVERLAPPED.
pub fn wsa_recv<'py>(py: Python<'py>, args: &[*mut ffi::PyObject]) -> Option<PyResult<Bound<'py, PyAny>>> {
    let (s, owner, buffer, ol, flags) = transfer_args(py, args)?;
    let issued = with_sock(s, owner, |s| super::socket::wsa_recv_overlapped(py, s, buffer, ol, flags));
    Some(issued.and_then(|issued| transfer_result(py, issued)))
}

/// `WSASend(s, data, ol, dwFlags=0)` with an OVERLAPPED.
pub fn wsa_send<'py>(py: Python<'py>, args: &[*mut ffi::PyObject]) -> Option<PyResult<Bound<'py, PyAny>>> {
    let (s, owner, buffer, ol, flags) = transfer_args(py, args)?;
    let issued = with_sock(s, owner, |s| super::socket::wsa_send_overlapped(py, s, buffer, ol, flags));
    Some(issued.and_then(|issued| transfer_result(py, issued)))
}

/// The timeouts nearly every GetQueuedCompletionStatus passes, -1 (INFINITE) and 0, told
/// by identity: the interpreter keeps one object for each small int, and a literal
/// `-1` or `0` is that object (no conversion call). `None` for any other object.
fn common_timeout(py: Python<'_>, obj: *mut ffi::PyObject) -> Option<i32> {
    static COMMON: OnceLock<[Py<PyAny>; 2]> = OnceLock::new();
    let [infinite, zero] = COMMON.get_or_init(|| {
        let int = |v: i32| {
            let Ok(o) = v.into_pyobject(py);
            o.into_any().unbind()
        };
        [int(-1), int(0)]
    });
    if obj == infinite.as_ptr() {
        Some(-1)
    } else if obj == zero.as_ptr() {
        Some(0)
    } else {
        None
    }
}

/// `GetQueuedCompletionStatus(port, timeout)` with a PyHANDLE and an int.
pub fn get_queued_completion_status<'py>(
    py: Python<'py>,
    args: &[*mut ffi::PyObject],
) -> Option<PyResult<Bound<'py, PyAny>>> {
    let [port, timeout] = *args else { return None };
    let timeout = common_timeout(py, timeout).or_else(|| exact_i32(timeout))?;
    let port = super::fast::handle(py, port)?;
    Some(super::overlapped::queued_completion(py, port, timeout).map(Bound::into_any))
}

/// `PostQueuedCompletionStatus(port, numberOfBytes=0, completionKey=None,
/// overlapped=None)` with a PyHANDLE, ints (or None) and a PyOVERLAPPED (or None).
pub fn post_queued_completion_status<'py>(
    py: Python<'py>,
    args: &[*mut ffi::PyObject],
) -> Option<PyResult<Bound<'py, PyAny>>> {
    if args.is_empty() || args.len() > 4 {
        return None;
    }
    // SAFETY (for `is_none`): the arguments are live objects.
    let is_none = |obj: *mut ffi::PyObject| unsafe { obj == ffi::Py_None() };
    let bytes = match args.get(1) {
        Some(&n) => exact_i32(n)?,
        None => 0,
    };
    let key = match args.get(2) {
        Some(&k) if is_none(k) => 0,
        Some(&k) => exact_i64(k)? as u64,
        None => 0,
    };
    let ol = match args.get(3) {
        Some(&o) if is_none(o) => None,
        Some(o) => Some(overlapped(py, o)?),
        None => None,
    };
    let port = super::fast::handle(py, args[0])?;
    Some(super::overlapped::post_completion(port, bytes, key, ol).map(|()| py.None().into_bound(py)))
}
