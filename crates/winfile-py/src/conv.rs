//! Argument conversion, in one place: pywin32's rules for DWORDs (masked, negatives
//! accepted), pointer-sized values and handles (range-checked, negatives as two's
//! complement), buffer sizes (a C long) and path names (str only, as pywin32's wide
//! API; non-UTF-8 Linux names as surrogateescape).

use crate::pywintypes::PyHandle;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyString, PyWeakrefReference};
use pyo3::Borrowed;
use std::sync::{Mutex, PoisonError};
use winfile::handle::{Extension, File};

/// A DWORD converted as `PyLong_AsUnsignedLongMask` does: any int, taken modulo 2^32.
#[derive(Clone, Copy, Debug)]
pub struct Dword(pub u32);

impl<'a, 'py> FromPyObject<'a, 'py> for Dword {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        mask_int(&obj, 0xFFFF_FFFF).map(|v| Dword(v as u32))
    }
}

/// A pointer-sized value (completion keys, OVERLAPPED.Internal, handle values) converted
/// as pywin32's `PyWinLong_AsVoidPtr`: an int from -2^63 to 2^64-1, negatives taken as
/// two's complement; anything else, a larger int included, is a TypeError ("Unable to
/// convert int to pointer-sized value"): never reduced modulo 2^64.
#[derive(Clone, Copy, Debug)]
pub struct Qword(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Qword {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match pointer_sized(&obj) {
            Some(v) => Ok(Qword(v)),
            None => Err(PyTypeError::new_err(format!(
                "Unable to convert {} to pointer-sized value",
                obj.get_type().name()?
            ))),
        }
    }
}

/// A LARGE_INTEGER argument (file sizes, file ids): an int of -2^63 ..= 2^64-1,
/// negatives as two's complement (the core range-checks the value); a wider int is
/// pywin32's OverflowError, never taken modulo 2^64.
#[derive(Clone, Copy, Debug)]
pub struct LargeInteger(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for LargeInteger {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if !obj.is_instance_of::<PyInt>() {
            return mask_int(&obj, u64::MAX).map(LargeInteger);
        }
        pointer_sized(&obj)
            .map(LargeInteger)
            .ok_or_else(|| pyo3::exceptions::PyOverflowError::new_err("int too big to convert"))
    }
}

/// The value of an int (or an object with `__index__`, which `PyNumber_Long` also takes)
/// that fits a pointer: -2^63 ..= 2^64-1, negatives as two's complement. None for
/// anything else, including an `__index__` that raises.
pub fn pointer_sized(obj: &Bound<'_, PyAny>) -> Option<u64> {
    let index = as_index(obj).ok()?;
    if let Ok(v) = index.extract::<i64>() {
        return Some(v as u64);
    }
    index.extract::<u64>().ok()
}

/// A buffer size given as an int, converted as pywin32's `PyLong_AsLong` (a C long,
/// 32 bits on Windows): `None` when the int does not fit, where pywin32 falls back to
/// treating the argument as a buffer and raises its TypeError. Sizes are therefore
/// below 2 GiB, and nothing is allocated for a size that could never be valid.
pub fn c_long_size(obj: &Bound<'_, PyAny>) -> Option<i32> {
    obj.extract::<i32>().ok()
}

fn mask_int(obj: &Bound<'_, PyAny>, mask: u64) -> PyResult<u64> {
    let index = if obj.is_instance_of::<PyInt>() {
        obj.clone()
    } else if obj.hasattr("__index__")? && !obj.is_instance_of::<pyo3::types::PyFloat>() {
        obj.call_method0("__index__")?
    } else {
        return Err(PyTypeError::new_err(format!("an integer is required (got type {})", obj.get_type().name()?)));
    };
    if let Ok(v) = index.extract::<i64>() {
        return Ok((v as u64) & mask);
    }
    // Larger than 64 bits: mask in Python, then it fits.
    let masked = index.call_method1("__and__", (mask,))?;
    masked.extract::<u64>()
}

/// A handle argument as pywin32's `PyWinObject_AsHANDLE` takes it: a PyHANDLE, None (0)
/// or an int that fits a pointer (see [`Qword`]); anything else, an int out of range
/// included, is a TypeError. `CloseHandle(int(h) + 2**64)` must not close `h`.
#[derive(Clone, Copy, Debug)]
pub struct HandleArg(pub winfile::Handle);

impl<'a, 'py> FromPyObject<'a, 'py> for HandleArg {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(HandleArg(winfile::Handle::from_raw(0)));
        }
        if let Ok(h) = obj.cast::<PyHandle>() {
            return Ok(HandleArg(resolved(h.get().value())));
        }
        match pointer_sized(&obj) {
            Some(v) => Ok(HandleArg(resolved(v))),
            None => match socket_object(&obj) {
                // An exact socket.socket vouches for its number (see [`SocketObject`]).
                Some(true) => Ok(HandleArg(resolved_by(socket_value(&obj)?, &SocketObject(&obj)))),
                Some(false) => Ok(HandleArg(resolved(socket_value(&obj)?))),
                None => Err(PyTypeError::new_err("The object is not a PyHANDLE object")),
            },
        }
    }
}

/// A handle value, or the handle adopting a socket descriptor (`winfile::net`): winfile
/// handle values are ≥ 2^32 and descriptors < 2^31, so a value is never ambiguous.
pub(crate) fn resolved(v: u64) -> winfile::Handle {
    winfile::net::resolve(v).unwrap_or(winfile::Handle::from_raw(v))
}

/// [`resolved`] of a number passed by the object that owns it.
fn resolved_by(v: u64, owner: &dyn winfile::net::Owner) -> winfile::Handle {
    winfile::net::resolve(winfile::net::Sock::owned(v, owner)).unwrap_or(winfile::Handle::from_raw(v))
}

/// Whether `obj` is a `socket.socket` (where a HANDLE is taken, winfile accepts one):
/// `Some(true)` for exactly one, `Some(false)` for a subclass' instance.
fn socket_object(obj: &Bound<'_, PyAny>) -> Option<bool> {
    let t = socket_class(obj.py())?.bind(obj.py());
    if obj.get_type().is(t) {
        return Some(true);
    }
    obj.is_instance(t).unwrap_or(false).then_some(false)
}

/// The value of `r`, or `None` with its error given back to the interpreter and cleared
/// there, never dropped: code reached from a fast entry (`win32file::fast`) runs with
/// the GIL but outside pyo3's count of it, where a dropped error's objects would wait
/// in pyo3's deferred pool for its next call.
#[allow(unsafe_code)]
pub(crate) fn ok_or_clear<T>(py: Python<'_>, r: PyResult<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            e.restore(py);
            // SAFETY: the GIL is held (`py`); clears the error just restored, releasing
            // its objects now.
            unsafe { pyo3::ffi::PyErr_Clear() };
            None
        }
    }
}

/// `socket.socket` once the socket module is loaded (it is not imported here: without
/// it no argument is a `socket.socket`), looked up once and kept.
#[inline]
pub(crate) fn socket_class(py: Python<'_>) -> Option<&'static Py<PyAny>> {
    match SOCKET_CLASS.get() {
        Some(t) => Some(t),
        None => find_socket_class(py),
    }
}

static SOCKET_CLASS: std::sync::OnceLock<Py<PyAny>> = std::sync::OnceLock::new();

/// [`socket_class`]'s first look-up.
#[cold]
fn find_socket_class(py: Python<'_>) -> Option<&'static Py<PyAny>> {
    // (Reached from fast entries: errors are cleared, not dropped; see `ok_or_clear`.)
    let module = ok_or_clear(py, py.import("sys").and_then(|m| m.getattr("modules")?.get_item("socket")))?;
    let t = ok_or_clear(py, module.getattr("socket"))?;
    if !t.is_instance_of::<pyo3::types::PyType>() {
        return None;
    }
    Some(SOCKET_CLASS.get_or_init(|| t.unbind()))
}

/// The value of a socket object: its `fileno()` (-1 once closed).
fn socket_value(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    let fd = obj.call_method0("fileno")?;
    pointer_sized(&fd).ok_or_else(|| PyTypeError::new_err("socket.fileno() did not return an int"))
}

/// The owner rule's record on an adopted socket (see `winfile::net::Owner` and the
/// core's `net::adopt` docs): a weak reference to the `socket.socket` object that last
/// passed the full tie check for it. Never a strong one: the program still drops its
/// socket objects, whose finalizer closes the number. The first object is kept in a
/// set-once cell, read without a lock on every call (one object per adoption is the
/// rule: a new socket is a new adoption); a later one (the same socket re-wrapped in a
/// new object, after `detach()`) replaces the one before it under a lock.
#[derive(Default)]
struct LastOwner {
    first: std::sync::OnceLock<Py<PyWeakrefReference>>,
    later: Mutex<Option<Py<PyWeakrefReference>>>,
    /// Whether `later` was ever set (read before taking its lock).
    any_later: std::sync::atomic::AtomicBool,
}

impl Extension for LastOwner {}

/// Whether `weak` refers to `obj` (a live weak referent compared by identity: a dead
/// one's reference answers None, so an object made later at the same address never
/// matches). The referent is only compared, never used: no strong reference is taken
/// (two calls into the interpreter fewer on every vouch).
#[allow(unsafe_code, deprecated)]
fn refers_to(weak: &Py<PyWeakrefReference>, obj: &Bound<'_, PyAny>) -> bool {
    // SAFETY: `weak` is a live weak reference and the GIL is held (`obj` is bound);
    // PyWeakref_GetObject returns a borrowed pointer (None once the referent is dead),
    // compared here and dropped at once. (Deprecated from 3.13 in favour of
    // PyWeakref_GetRef, which the 3.11 stable ABI lacks; kept by the stable ABI.)
    unsafe { pyo3::ffi::PyWeakref_GetObject(weak.as_ptr()) == obj.as_ptr() }
}

/// A `socket.socket` passed as a SOCKET: the owner of its `fileno()` while it is open
/// (closing or detaching it through the object makes `fileno()` -1 for good). Passed
/// with the number by WSARecv/WSASend's fast entries and by [`HandleArg`]. Only an
/// exact `socket.socket` is taken as one: a subclass may override `fileno()`, and is
/// checked every time.
pub(crate) struct SocketObject<'a, 'py>(pub &'a Bound<'py, PyAny>);

impl winfile::net::Owner for SocketObject<'_, '_> {
    fn vouches(&self, file: &File) -> bool {
        use std::sync::atomic::Ordering;
        file.with_ext::<LastOwner, _>(|last| {
            let Some(last) = last else { return false };
            if last.any_later.load(Ordering::Acquire) {
                let later = last.later.lock().unwrap_or_else(PoisonError::into_inner);
                return later.as_ref().is_some_and(|w| refers_to(w, self.0));
            }
            last.first.get().is_some_and(|w| refers_to(w, self.0))
        })
    }

    fn verified(&self, file: &File) {
        use std::sync::atomic::Ordering;
        // Made before any lock is taken (allocating may run a collection, and finalizers).
        let Some(weak) = ok_or_clear(self.0.py(), PyWeakrefReference::new(self.0)) else { return };
        let last = file.ext_or_default::<LastOwner>();
        let Err(weak) = last.first.set(weak.unbind()) else { return };
        let old = last.later.lock().unwrap_or_else(PoisonError::into_inner).replace(weak);
        last.any_later.store(true, Ordering::Release);
        // Released now (the fast entries run without PyO3's attach count, where a plain
        // drop would wait for the next PyO3 call).
        if let Some(old) = old {
            old.drop_ref(self.0.py());
        }
    }
}

/// A SOCKET argument as pywin32's `PySocket_AsSOCKET` takes it: an int, or an object
/// with `fileno()` (a `socket.socket`); anything else is a TypeError. The value is the
/// descriptor number (-1, a closed socket, is WSAENOTSOCK in the core).
#[derive(Clone, Copy, Debug)]
pub struct SocketArg(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for SocketArg {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyInt>() {
            return pointer_sized(&obj).map(SocketArg).ok_or_else(|| PyTypeError::new_err("socket value out of range"));
        }
        if let Ok(h) = obj.cast::<PyHandle>() {
            return Ok(SocketArg(h.get().value()));
        }
        if obj.hasattr("fileno").unwrap_or(false) {
            return socket_value(&obj).map(SocketArg);
        }
        Err(PyTypeError::new_err(format!("Expected a socket object or an int, got {}", obj.get_type().name()?)))
    }
}

/// A name argument of pywin32's wide (TCHAR = WCHAR) API: str only, as
/// `PyWinObject_AsWCHAR` converts it (PyUnicode.cpp): bytes and other types raise
/// "Objects of type '<type>' can not be converted to Unicode.". A str carrying a Linux
/// name that is not UTF-8 (surrogateescape, as `os.listdir` gives it) travels with
/// its bytes escaped for the core (`winfile::path::escape`).
#[derive(Clone, Debug)]
pub struct PathArg {
    /// The name as text.
    pub text: String,
    /// Whether the caller passed bytes (only [`AnsiOrWidePath`] accepts them).
    pub was_bytes: bool,
}

/// Text for the core from a str, lone surrogates from `surrogateescape` included.
fn str_text(s: &Bound<'_, PyString>) -> PyResult<String> {
    if let Ok(text) = s.to_cow() {
        return Ok(text.into_owned());
    }
    // Not valid UTF-8: the bytes the os module would pass to Linux for this str.
    let raw = s.call_method1("encode", ("utf-8", "surrogateescape"))?;
    let raw = raw.cast::<PyBytes>()?;
    Ok(winfile::path::escape::from_os(std::os::unix::ffi::OsStrExt::from_bytes(raw.as_bytes())).into_owned())
}

/// A name from the core as a str: escaped bytes come back as `surrogateescape`'s
/// lone surrogates, so `os` functions reach the same file.
pub fn name_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyString>> {
    if !text.chars().any(|c| winfile::path::escape::escaped_byte(c).is_some()) {
        return Ok(PyString::new(py, text));
    }
    let os = winfile::path::escape::to_os(text);
    let raw = PyBytes::new(py, std::os::unix::ffi::OsStrExt::as_bytes(&*os));
    Ok(raw.call_method1("decode", ("utf-8", "surrogateescape"))?.cast_into::<PyString>()?)
}

fn not_unicode(obj: &Bound<'_, PyAny>) -> PyResult<PyErr> {
    Ok(PyTypeError::new_err(format!("Objects of type '{}' can not be converted to Unicode.", obj.get_type().name()?)))
}

fn no_nul(text: String) -> PyResult<String> {
    if text.contains('\0') {
        return Err(PyValueError::new_err("embedded null character"));
    }
    Ok(text)
}

impl<'a, 'py> FromPyObject<'a, 'py> for PathArg {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let Ok(s) = obj.cast::<PyString>() else {
            return Err(not_unicode(&obj)?);
        };
        Ok(PathArg { text: no_nul(str_text(&s)?)?, was_bytes: false })
    }
}

/// GetFullPathName's argument: str (the W call) or bytes (the A call, answered in bytes).
#[derive(Clone, Debug)]
pub struct AnsiOrWidePath(pub PathArg);

impl<'a, 'py> FromPyObject<'a, 'py> for AnsiOrWidePath {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            let os = std::os::unix::ffi::OsStrExt::from_bytes(b.as_bytes());
            let text = no_nul(winfile::path::escape::from_os(os).into_owned())?;
            return Ok(AnsiOrWidePath(PathArg { text, was_bytes: true }));
        }
        if obj.cast::<PyString>().is_err() {
            return Err(PyTypeError::new_err(format!(
                "Objects of type '{}' can not be used as Unicode strings",
                obj.get_type().name()?
            )));
        }
        PathArg::extract(obj).map(AnsiOrWidePath)
    }
}

/// A name that must be str (pywin32's wide-only functions); the same conversion as
/// [`PathArg`].
#[derive(Clone, Debug)]
pub struct WideArg(pub String);

impl<'a, 'py> FromPyObject<'a, 'py> for WideArg {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        PathArg::extract(obj).map(|p| WideArg(p.text))
    }
}

/// A Win32 BOOL argument parsed as pywin32's `i` format (SWIG's `typedef int BOOL`,
/// and the `i` of its hand-written PyArg_ParseTuple calls): an int (or an object with
/// `__index__`) that fits a C int, true when non-zero. Out of range is the
/// OverflowError Windows' 32-bit C long gives ("Python int too large to convert to C
/// long"), never reduced modulo anything: `bWaitAll=2**64` is not False.
#[derive(Clone, Copy, Debug)]
pub struct Flag(pub bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Flag {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        c_int(&obj).map(|v| Flag(v != 0))
    }
}

/// A LONG or int argument (pywin32's `l` / `i` formats, SWIG's `long` and `int`):
/// a 32-bit signed value, converted by [`c_int`].
#[derive(Clone, Copy, Debug)]
pub struct CInt(pub i32);

impl<'a, 'py> FromPyObject<'a, 'py> for CInt {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        c_int(&obj).map(CInt)
    }
}

/// An int argument as PyArg_ParseTuple's `i` (and `l`, a C long being 32 bits on
/// Windows) converts it: `PyLong_AsLong` (ints and `__index__`; a float or None is
/// "'float' object cannot be interpreted as an integer"), then the 32-bit range.
pub fn c_int(obj: &Bound<'_, PyAny>) -> PyResult<i32> {
    let too_large = || pyo3::exceptions::PyOverflowError::new_err("Python int too large to convert to C long");
    match as_index(obj)?.extract::<i64>() {
        Ok(v) => i32::try_from(v).map_err(|_| too_large()),
        Err(_) => Err(too_large()),
    }
}

/// A SECURITY_ATTRIBUTES argument: None or a PySECURITY_ATTRIBUTES (TypeError
/// otherwise, pywin32's text); gives its bInheritHandle. The security descriptor itself
/// has no Linux meaning here (permissions come from the umask).
pub fn security_attributes(sa: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
    match sa {
        Some(obj) if !obj.is_none() => match obj.cast::<crate::pywintypes::PySecurityAttributes>() {
            Ok(sa) => Ok(sa.borrow().inherit != 0),
            Err(_) => Err(PyTypeError::new_err("The object is not a PySECURITY_ATTRIBUTES object")),
        },
        _ => Ok(false),
    }
}

/// An int, or what an object's `__index__` gives (`PyNumber_Index`: a float is never an
/// integer); CPython's TypeError otherwise.
pub fn as_index<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if obj.is_instance_of::<PyInt>() {
        return Ok(obj.clone());
    }
    if !obj.is_instance_of::<pyo3::types::PyFloat>() && obj.hasattr("__index__")? {
        return obj.call_method0("__index__");
    }
    Err(PyTypeError::new_err(format!("'{}' object cannot be interpreted as an integer", obj.get_type().name()?)))
}
