//! Result conversion for reads: a new `bytes` filled in place, as `os.read` builds one.
//!
//! # Safety
//! CPython's `PyBytes_FromStringAndSize(NULL, n)` returns a `bytes` whose `n` bytes are
//! not initialised and which may be written until it is shared. [`new_bytes_filled`]
//! hands that memory out only as `MaybeUninit<u8>`, to a callback, while it holds the
//! only reference, and reads back only the prefix the callback reports as written.
#![allow(unsafe_code)]

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::mem::MaybeUninit;

/// A new `bytes` of `len` bytes written by `fill`, which returns how many it wrote from
/// the start; a shorter count gives a `bytes` of that many (a copy, as at end of file).
/// Saves `PyBytes::new_with`'s zeroing and a copy on the hot path of `ReadFile`.
pub fn new_bytes_filled<'py>(
    py: Python<'py>,
    len: usize,
    fill: impl FnOnce(&mut [MaybeUninit<u8>]) -> PyResult<usize>,
) -> PyResult<Bound<'py, PyBytes>> {
    let size = isize::try_from(len).map_err(|_| pyo3::exceptions::PyOverflowError::new_err("read size too large"))?;
    // SAFETY: a NULL source asks CPython for an uninitialised buffer of `size` bytes; a
    // NULL result (MemoryError set) becomes Err.
    let obj =
        unsafe { Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyBytes_FromStringAndSize(std::ptr::null(), size))? };
    // SAFETY: `obj` is a fresh bytes object that nothing else references and that lives
    // until the end of this function, so its `len` data bytes are ours to write; they are
    // exposed as MaybeUninit, never read before being written.
    let buf: &mut [MaybeUninit<u8>] = unsafe {
        let data = pyo3::ffi::PyBytes_AsString(obj.as_ptr()).cast::<MaybeUninit<u8>>();
        std::slice::from_raw_parts_mut(data, len)
    };
    let n = fill(buf)?.min(len);
    if n == len {
        // SAFETY: `obj` was made by PyBytes_FromStringAndSize, so it is a bytes object.
        return Ok(unsafe { obj.cast_into_unchecked::<PyBytes>() });
    }
    // SAFETY: `fill` reported the first `n` bytes as written (initialised).
    let written = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
    Ok(PyBytes::new(py, written))
}

/// A zeroed read buffer of `len` bytes, or MemoryError. The memory comes zeroed from
/// the allocator (calloc), so a huge size that a read fills only in part commits only
/// the pages the read touches.
pub fn zeroed_vec(len: usize) -> PyResult<Vec<u8>> {
    let oom = || pyo3::exceptions::PyMemoryError::new_err("cannot allocate the read buffer");
    if len == 0 {
        return Ok(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).map_err(|_| oom())?;
    // SAFETY: `layout` has a non-zero size. A non-null block from the global allocator
    // with u8's layout holds `len` initialised (zero) bytes, which is what
    // `Vec::from_raw_parts` requires for length and capacity `len`.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(oom());
    }
    // SAFETY: see above; the block came from the global allocator with this layout.
    Ok(unsafe { Vec::from_raw_parts(ptr, len, len) })
}
