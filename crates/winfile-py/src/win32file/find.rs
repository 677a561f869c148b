//! Directory enumeration: FindFilesW, FindFilesIterator, FindClose.

use super::transaction;
use crate::conv::{HandleArg, WideArg};
use crate::error::{IntoPy, PyWinError};
use crate::pywintypes::TimeMaker;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use std::collections::VecDeque;
use winfile::find::{self, FindData};
use winfile::{Handle, Win32Error};

/// Entries fetched per GIL release by the iterator.
const BATCH: usize = 1024;

/// WIN32_FIND_DATA as pywin32's 10-tuple.
fn find_data<'py>(py: Python<'py>, t: &mut TimeMaker, d: &FindData) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(
        py,
        [
            d.attributes.into_pyobject(py)?.into_any(),
            t.make(py, d.creation)?,
            t.make(py, d.last_access)?,
            t.make(py, d.last_write)?,
            ((d.size >> 32) as u32).into_pyobject(py)?.into_any(),
            (d.size as u32).into_pyobject(py)?.into_any(),
            d.reparse_tag.into_pyobject(py)?.into_any(),
            0u32.into_pyobject(py)?.into_any(),
            crate::conv::name_to_py(py, &d.name)?.into_any(),
            d.alternate_name.as_str().into_pyobject(py)?.into_any(),
        ],
    )
}

/// FindFilesW(FileName, Transaction=None) -> list of WIN32_FIND_DATA tuples
#[pyfunction]
#[pyo3(name = "FindFilesW", signature = (FileName, Transaction=None))]
#[allow(non_snake_case)]
fn find_files_w<'py>(
    py: Python<'py>,
    FileName: WideArg,
    Transaction: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let txn = transaction(Transaction.as_ref(), "FindFilesW")?;
    let found = py.detach(|| -> winfile::Result<Vec<FindData>> {
        let opened = match txn {
            Some(t) => match winfile::txn::find_files(&t, &FileName.0) {
                Ok(all) => return Ok(all),
                Err(e) => Err(e),
            },
            None => find::Finder::open(&FileName.0),
        };
        match opened {
            Ok(mut f) => {
                let mut all = Vec::new();
                while f.next_batch(BATCH, &mut all)? {}
                Ok(all)
            }
            Err(e) if e.code() == Win32Error::FILE_NOT_FOUND => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    });
    let found = found.py_api("FindFirstFileW")?;
    let mut times = TimeMaker::new(py)?;
    let list = PyList::empty(py);
    for d in &found {
        list.append(find_data(py, &mut times, d)?)?;
    }
    Ok(list)
}

/// The iterator FindFilesIterator returns: one find handle, read in batches.
#[pyclass(module = "win32file", name = "FindFileIterator")]
pub struct FindFileIterator {
    handle: Option<Handle>,
    ready: VecDeque<FindData>,
    times: TimeMaker,
}

impl FindFileIterator {
    fn close(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = find::find_close(h);
        }
    }
}

impl Drop for FindFileIterator {
    fn drop(&mut self) {
        self.close();
    }
}

#[pymethods]
impl FindFileIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(mut slf: PyRefMut<'py, Self>, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        if slf.ready.is_empty() {
            let Some(h) = slf.handle else { return Ok(None) };
            let mut batch = Vec::with_capacity(BATCH);
            let more = py.detach(|| find::find_next_files(h, BATCH, &mut batch));
            slf.ready.extend(batch);
            match more {
                Ok(true) => {}
                Ok(false) => slf.close(),
                Err(e) => {
                    slf.close();
                    if slf.ready.is_empty() {
                        return Err(PyWinError::new(e.code(), "FindNextFileW").into());
                    }
                }
            }
        }
        let Some(d) = slf.ready.pop_front() else { return Ok(None) };
        let this = &mut *slf;
        find_data(py, &mut this.times, &d).map(Some)
    }
}

/// FindFilesIterator(FileName, Transaction=None) -> FindFileIterator
#[pyfunction]
#[pyo3(name = "FindFilesIterator", signature = (FileName, Transaction=None))]
#[allow(non_snake_case)]
fn find_files_iterator<'py>(
    py: Python<'py>,
    FileName: WideArg,
    Transaction: Option<Bound<'py, PyAny>>,
) -> PyResult<FindFileIterator> {
    if let Some(t) = transaction(Transaction.as_ref(), "FindFilesIterator")? {
        let all = py.detach(|| winfile::txn::find_files(&t, &FileName.0));
        let ready = match all {
            Ok(all) => VecDeque::from(all),
            Err(e) if e.code() == Win32Error::FILE_NOT_FOUND => VecDeque::new(),
            Err(e) => return Err(PyWinError::new(e.code(), "FindFirstFileW").into()),
        };
        return Ok(FindFileIterator { handle: None, ready, times: TimeMaker::new(py)? });
    }
    let first = py.detach(|| find::find_first_file(&FileName.0));
    let (handle, ready) = match first {
        Ok((h, d)) => (Some(h), VecDeque::from([d])),
        Err(e) if e.code() == Win32Error::FILE_NOT_FOUND => (None, VecDeque::new()),
        Err(e) => return Err(PyWinError::new(e.code(), "FindFirstFileW").into()),
    };
    Ok(FindFileIterator { handle, ready, times: TimeMaker::new(py)? })
}

/// FindClose(hFindFile, /) -> None
#[pyfunction]
#[pyo3(name = "FindClose", signature = (hFindFile, /))]
#[allow(non_snake_case)]
fn find_close(hFindFile: HandleArg) -> PyResult<()> {
    find::find_close(hFindFile.0).py_api("FindClose")?;
    Ok(())
}

/// Adds the functions of this file to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<FindFileIterator>()?;
    m.add_function(wrap_pyfunction!(find_files_w, m)?)?;
    m.add_function(wrap_pyfunction!(find_files_iterator, m)?)?;
    m.add_function(wrap_pyfunction!(find_close, m)?)?;
    Ok(())
}
