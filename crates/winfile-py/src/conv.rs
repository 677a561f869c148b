//! Argument conversion, in one place: pywin32's rules for DWORDs (masked, negatives
//! accepted), pointer-sized values and handles (range-checked, negatives as two's
//! complement), buffer sizes (a C long) and path names.

use crate::pywintypes::PyHandle;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyString};
use pyo3::Borrowed;

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

/// A 64-bit value taken modulo 2^64 (LARGE_INTEGER arguments the core range-checks).
#[derive(Clone, Copy, Debug)]
pub struct Mask64(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Mask64 {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        mask_int(&obj, u64::MAX).map(Mask64)
    }
}

/// The value of an int (or an object with `__index__`, which `PyNumber_Long` also takes)
/// that fits a pointer: -2^63 ..= 2^64-1, negatives as two's complement. None for
/// anything else, including an `__index__` that raises.
pub fn pointer_sized(obj: &Bound<'_, PyAny>) -> Option<u64> {
    let index = if obj.is_instance_of::<PyInt>() {
        obj.clone()
    } else if !obj.is_instance_of::<pyo3::types::PyFloat>() && obj.hasattr("__index__").unwrap_or(false) {
        obj.call_method0("__index__").ok()?
    } else {
        return None;
    };
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
        return Err(PyTypeError::new_err(format!(
            "an integer is required (got type {})",
            obj.get_type().name()?
        )));
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
            return Ok(HandleArg(winfile::Handle::from_raw(h.get().value())));
        }
        match pointer_sized(&obj) {
            Some(v) => Ok(HandleArg(winfile::Handle::from_raw(v))),
            None => Err(PyTypeError::new_err("The object is not a PyHANDLE object")),
        }
    }
}

/// A path name given as str (bytes are decoded as the file system encoding would).
#[derive(Clone, Debug)]
pub struct PathArg {
    /// The name as text.
    pub text: String,
    /// Whether the caller passed bytes (functions answering in kind use it).
    pub was_bytes: bool,
}

impl<'a, 'py> FromPyObject<'a, 'py> for PathArg {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let (text, was_bytes) = if let Ok(s) = obj.cast::<PyString>() {
            (s.to_cow()?.into_owned(), false)
        } else if let Ok(b) = obj.cast::<PyBytes>() {
            (String::from_utf8_lossy(b.as_bytes()).into_owned(), true)
        } else {
            return Err(PyTypeError::new_err(format!(
                "Objects of type '{}' can not be used as Unicode strings",
                obj.get_type().name()?
            )));
        };
        if text.contains('\0') {
            return Err(PyValueError::new_err("embedded null character"));
        }
        Ok(PathArg { text, was_bytes })
    }
}

/// A path name that must be str (pywin32's wide-only functions reject bytes).
#[derive(Clone, Debug)]
pub struct WideArg(pub String);

impl<'a, 'py> FromPyObject<'a, 'py> for WideArg {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let Ok(s) = obj.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "Objects of type '{}' can not be converted to Unicode.",
                obj.get_type().name()?
            )));
        };
        let text = s.to_cow()?.into_owned();
        if text.contains('\0') {
            return Err(PyValueError::new_err("embedded null character"));
        }
        Ok(WideArg(text))
    }
}

/// A Win32 BOOL argument parsed as pywin32's `i` format: any int, true when non-zero.
#[derive(Clone, Copy, Debug)]
pub struct Flag(pub bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Flag {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        mask_int(&obj, u64::MAX).map(|v| Flag(v != 0))
    }
}
