//! Fast entries for the hottest calls (ReadFile, WriteFile): a hand-written
//! METH_FASTCALL function that takes the call's common shape itself and hands every
//! other shape, unchanged, to the PyO3 function of the same name. The PyO3 entry costs
//! about as much as a 4 KiB cached read (its argument description, the GIL-count
//! bookkeeping of its trampoline, a type-object lookup per class check); the fast entry
//! checks two exact types and calls the same code the PyO3 function calls, so the
//! behaviour is the PyO3 function's by construction.

#![allow(unsafe_code)]

use crate::pywintypes::PyHandle;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// A fast body: `None` when the arguments are not its shape (the PyO3 entry runs
/// instead), else the call's result.
pub type FastFn = for<'py> fn(Python<'py>, &[*mut ffi::PyObject]) -> Option<PyResult<Bound<'py, PyAny>>>;

struct Entry {
    /// The PyO3 function object, kept alive for `meth` and `slf`.
    _slow: Py<PyAny>,
    /// Its C entry (METH_FASTCALL | METH_KEYWORDS) and `self`.
    meth: ffi::PyCFunctionFastWithKeywords,
    slf: usize,
    fast: FastFn,
}

/// ReadFile, WriteFile (here); WSARecv, WSASend, GetQueuedCompletionStatus,
/// PostQueuedCompletionStatus (`fast_socket`).
const SLOTS: usize = 6;
static ENTRIES: [OnceLock<Entry>; SLOTS] = [const { OnceLock::new() }; SLOTS];
static NEXT: AtomicUsize = AtomicUsize::new(0);
/// `PyHANDLE`'s type object (a static type of this module, alive while it is loaded).
static HANDLE_TYPE: AtomicPtr<ffi::PyTypeObject> = AtomicPtr::new(std::ptr::null_mut());

/// Adds `name` to `m`: the fast entry `fast` in front of the PyO3 function `slow`, or
/// `slow` itself if it is not a METH_FASTCALL | METH_KEYWORDS function or the slots are
/// used up (the fast entry is only ever an optimisation).
pub fn add(m: &Bound<'_, PyModule>, name: &'static str, slow: &Bound<'_, PyAny>, fast: FastFn) -> PyResult<()> {
    let py = m.py();
    HANDLE_TYPE.store(py.get_type::<PyHandle>().as_type_ptr(), Ordering::Relaxed);
    // SAFETY: `slow` is a live object; the three calls only read a PyCFunction's fields
    // and are used only after the type check.
    let (flags, meth, slf) = unsafe {
        if ffi::PyCFunction_Check(slow.as_ptr()) == 0 {
            return m.add(name, slow);
        }
        (
            ffi::PyCFunction_GetFlags(slow.as_ptr()),
            ffi::PyCFunction_GetFunction(slow.as_ptr()),
            ffi::PyCFunction_GetSelf(slow.as_ptr()),
        )
    };
    let want = ffi::METH_FASTCALL | ffi::METH_KEYWORDS;
    let slot = NEXT.fetch_add(1, Ordering::Relaxed);
    let (Some(meth), true, true) = (meth, flags & want == want, slot < SLOTS) else {
        return m.add(name, slow);
    };
    // SAFETY: METH_FASTCALL | METH_KEYWORDS says the entry has this signature.
    let meth: ffi::PyCFunctionFastWithKeywords = unsafe { std::mem::transmute(meth) };
    let entry = Entry { _slow: slow.clone().unbind(), meth, slf: slf as usize, fast };
    if ENTRIES[slot].set(entry).is_err() {
        return m.add(name, slow);
    }
    // The same name, signature and doc as the PyO3 function (inspect and stubtest read
    // __text_signature__ from the doc's first line).
    let sig: String = slow.getattr("__text_signature__")?.extract().unwrap_or_default();
    let doc: String = slow.getattr("__doc__")?.extract().unwrap_or_default();
    let doc = CString::new(format!("{name}{sig}\n--\n\n{doc}")).unwrap_or_default();
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: CString::new(name).unwrap_or_default().into_raw(),
        ml_meth: ffi::PyMethodDefPointer { PyCFunctionFastWithKeywords: ENTRY_FNS[slot] },
        ml_flags: want,
        ml_doc: doc.into_raw(),
    }));
    let module_name = m.name()?;
    // SAFETY: `def` is leaked (lives for the process, as CPython requires of a
    // PyMethodDef); a NULL result carries the raised exception into Err.
    let func = unsafe {
        Bound::from_owned_ptr_or_err(py, ffi::PyCFunction_NewEx(def, std::ptr::null_mut(), module_name.as_ptr()))?
    };
    m.add(name, func)
}

const ENTRY_FNS: [ffi::PyCFunctionFastWithKeywords; SLOTS] =
    [entry::<0>, entry::<1>, entry::<2>, entry::<3>, entry::<4>, entry::<5>];

/// The C entry of slot `K`.
unsafe extern "C" fn entry<const K: usize>(
    _slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls a C function with the calling thread attached.
    let py = unsafe { Python::assume_attached() };
    let Some(e) = ENTRIES[K].get() else {
        pyo3::exceptions::PySystemError::new_err("winfile: fast entry without its function").restore(py);
        return std::ptr::null_mut();
    };
    if kwnames.is_null() && !args.is_null() {
        if let Ok(n) = usize::try_from(nargs) {
            // SAFETY: CPython passes `nargs` positional arguments at `args`.
            let args = unsafe { std::slice::from_raw_parts(args, n) };
            // A panic must not unwind into CPython: it becomes an exception here.
            match catch_unwind(AssertUnwindSafe(|| (e.fast)(py, args).map(|r| r.map(Bound::into_ptr)))) {
                Ok(None) => {}
                Ok(Some(Ok(obj))) => return obj,
                Ok(Some(Err(err))) => {
                    err.restore(py);
                    return std::ptr::null_mut();
                }
                Err(_) => {
                    pyo3::panic::PanicException::new_err("winfile: panic in a fast entry").restore(py);
                    return std::ptr::null_mut();
                }
            }
        }
    }
    // SAFETY: the PyO3 entry takes exactly what CPython gave this one, and catches its
    // own panics.
    unsafe { (e.meth)(e.slf as *mut ffi::PyObject, args, nargs, kwnames) }
}

/// The handle of an exact `PyHANDLE` argument (resolved as `HandleArg` resolves it),
/// `None` for anything else.
pub fn handle(_py: Python<'_>, obj: *mut ffi::PyObject) -> Option<winfile::Handle> {
    let ty = HANDLE_TYPE.load(Ordering::Relaxed);
    // SAFETY: `obj` is a live argument; reading its type is always valid.
    if ty.is_null() || unsafe { ffi::Py_TYPE(obj) } != ty {
        return None;
    }
    // SAFETY: its type is exactly PyHANDLE's, so it holds a PyHandle.
    let h = unsafe { Bound::ref_from_ptr(_py, &obj).cast_unchecked::<PyHandle>() };
    Some(crate::conv::resolved(h.get().value()))
}

/// A ReadFile size from an exact `int` in 0..2^31 (what `buffer_size` accepts without
/// an error), `None` otherwise.
pub fn size(obj: *mut ffi::PyObject) -> Option<usize> {
    // SAFETY: `obj` is a live argument; PyLong_AsLong on an exact int raises only
    // OverflowError, cleared here (the PyO3 entry then reports the value its own way).
    unsafe {
        if ffi::Py_TYPE(obj) != &raw mut ffi::PyLong_Type {
            return None;
        }
        let v = ffi::PyLong_AsLong(obj);
        if v < 0 {
            ffi::PyErr_Clear();
            return None;
        }
        usize::try_from(v).ok().filter(|&n| n <= i32::MAX as usize)
    }
}

/// An exact `bytes` argument, `None` for anything else.
pub fn exact_bytes<'a, 'py>(py: Python<'py>, obj: &'a *mut ffi::PyObject) -> Option<&'a Bound<'py, PyBytes>> {
    // SAFETY: `obj` is a live argument, borrowed for the call; its type is checked
    // before it is seen as bytes.
    unsafe {
        if ffi::Py_TYPE(*obj) != &raw mut ffi::PyBytes_Type {
            return None;
        }
        Some(Bound::ref_from_ptr(py, obj).cast_unchecked::<PyBytes>())
    }
}

/// pywin32's `(rc, value)` result: a new 2-tuple, in one call. rc 0 (nearly every call)
/// is the interpreter's own small int 0, kept from the first use and lent to the tuple.
pub fn rc_tuple<'py>(py: Python<'py>, rc: u32, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    static ZERO: OnceLock<Py<PyAny>> = OnceLock::new();
    let other;
    let rc = match rc {
        0 => ZERO
            .get_or_init(|| {
                let Ok(zero) = 0u32.into_pyobject(py);
                zero.into_any().unbind()
            })
            .as_ptr(),
        n => {
            other = n.into_pyobject(py)?;
            other.as_ptr()
        }
    };
    // SAFETY: both arguments are live objects (ZERO lives for the process, `other` and
    // `value` to the end of this function); PyTuple_Pack takes its own references and
    // returns a new one (NULL with an exception set on failure).
    unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyTuple_Pack(2, rc, value.as_ptr())) }
}
