//! Copy, move and replace with progress: CopyFileEx, MoveFileWithProgress, ReplaceFile;
//! links: CreateHardLink, CreateSymbolicLink, FindFileNames.

use super::{no_transaction, transaction};
use crate::conv::{Dword, Flag, WideArg};
use crate::error::IntoPy;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use std::sync::atomic::AtomicBool;
use winfile::consts::PROGRESS_CANCEL;
use winfile::copy::Progress;

/// A Python progress routine: called with the GIL held, its exception kept for later.
struct Routine {
    func: Py<PyAny>,
    data: Py<PyAny>,
    raised: Option<PyErr>,
}

impl Routine {
    fn new(func: Option<Bound<'_, PyAny>>, data: Option<Bound<'_, PyAny>>) -> PyResult<Option<Self>> {
        let Some(func) = func.filter(|f| !f.is_none()) else { return Ok(None) };
        if !func.is_callable() {
            return Err(PyTypeError::new_err("ProgressRoutine must be callable"));
        }
        let py = func.py();
        let data = data.map_or_else(|| py.None(), Bound::unbind);
        Ok(Some(Self { func: func.unbind(), data, raised: None }))
    }

    /// Calls the routine; an exception (or a result that is not an int) cancels.
    fn call(&mut self, p: &Progress) -> u32 {
        Python::attach(|py| {
            let args = (
                p.total_size,
                p.total_transferred,
                p.stream_size,
                p.stream_transferred,
                p.stream_number,
                p.reason,
                p.source.raw(),
                p.destination.raw(),
                self.data.clone_ref(py),
            );
            let result = self.func.bind(py).call1(args).and_then(|r| r.extract::<i64>());
            match result {
                Ok(v) => (v as u64 & 0xFFFF_FFFF) as u32,
                Err(e) => {
                    self.raised = Some(e);
                    PROGRESS_CANCEL
                }
            }
        })
    }

    /// The routine's own exception wins over the ERROR_REQUEST_ABORTED it caused.
    fn finish(routine: Option<Routine>, result: winfile::Result<()>, func: &'static str) -> PyResult<()> {
        if let Some(err) = routine.and_then(|r| r.raised) {
            return Err(err);
        }
        Ok(result.py_api(func)?)
    }
}

/// CopyFileEx(ExistingFileName, NewFileName, ProgressRoutine=None, Data=None, Cancel=False, CopyFlags=0, Transaction=None)
#[pyfunction]
#[pyo3(name = "CopyFileEx", signature = (ExistingFileName, NewFileName, ProgressRoutine=None, Data=None, Cancel=Flag(false), CopyFlags=Dword(0), Transaction=None), text_signature = "(ExistingFileName, NewFileName, ProgressRoutine=None, Data=None, Cancel=False, CopyFlags=0, Transaction=None)")]
#[allow(non_snake_case, clippy::too_many_arguments)]
fn copy_file_ex(
    py: Python<'_>,
    ExistingFileName: WideArg,
    NewFileName: WideArg,
    ProgressRoutine: Option<Bound<'_, PyAny>>,
    Data: Option<Bound<'_, PyAny>>,
    Cancel: Flag,
    CopyFlags: Dword,
    Transaction: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    const FUNC: &str = "CopyFileEx";
    if let Some(t) = transaction(Transaction.as_ref(), FUNC)? {
        // Transacted copies report no progress (the routine is not called).
        Routine::new(ProgressRoutine, Data)?;
        if Cancel.0 {
            return Err(crate::error::PyWinError::new(winfile::Win32Error::REQUEST_ABORTED, FUNC).into());
        }
        let fail = CopyFlags.0 & winfile::consts::COPY_FILE_FAIL_IF_EXISTS != 0;
        return Ok(py
            .detach(|| winfile::txn::copy_file(&t, &ExistingFileName.0, &NewFileName.0, fail))
            .py_api(FUNC)?);
    }
    let mut routine = Routine::new(ProgressRoutine, Data)?;
    // pywin32 passes a pointer to its own copy of the BOOL: only the value given counts.
    let cancel = AtomicBool::new(Cancel.0);
    let result = py.detach(|| {
        let mut call = routine.as_mut().map(|r| move |p: &Progress| r.call(p));
        let cb = call.as_mut().map(|c| c as &mut winfile::copy::ProgressFn<'_>);
        winfile::copy::copy_file_ex(&ExistingFileName.0, &NewFileName.0, CopyFlags.0, cb, Some(&cancel))
    });
    Routine::finish(routine, result, FUNC)
}

/// MoveFileWithProgress(ExistingFileName, NewFileName, ProgressRoutine=None, Data=None, Flags=0, Transaction=None)
#[pyfunction]
#[pyo3(name = "MoveFileWithProgress", signature = (ExistingFileName, NewFileName, ProgressRoutine=None, Data=None, Flags=Dword(0), Transaction=None), text_signature = "(ExistingFileName, NewFileName, ProgressRoutine=None, Data=None, Flags=0, Transaction=None)")]
#[allow(non_snake_case)]
fn move_file_with_progress(
    py: Python<'_>,
    ExistingFileName: WideArg,
    NewFileName: Option<WideArg>,
    ProgressRoutine: Option<Bound<'_, PyAny>>,
    Data: Option<Bound<'_, PyAny>>,
    Flags: Dword,
    Transaction: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    const FUNC: &str = "MoveFileWithProgress";
    let txn = transaction(Transaction.as_ref(), FUNC)?;
    let mut routine = Routine::new(ProgressRoutine, Data)?;
    let to = NewFileName.map(|n| n.0);
    if let Some(t) = txn {
        // Transacted moves report no progress; a move to None (delete) is DeleteFile's.
        return Ok(py
            .detach(|| match to.as_deref() {
                Some(to) => winfile::txn::move_file(&t, &ExistingFileName.0, to, Flags.0),
                None => winfile::txn::delete_file(&t, &ExistingFileName.0),
            })
            .py_api(FUNC)?);
    }
    let result = py.detach(|| {
        let mut call = routine.as_mut().map(|r| move |p: &Progress| r.call(p));
        let cb = call.as_mut().map(|c| c as &mut winfile::copy::ProgressFn<'_>);
        winfile::fs::move_file_with_progress(&ExistingFileName.0, to.as_deref(), Flags.0, cb)
    });
    Routine::finish(routine, result, FUNC)
}

/// ReplaceFile(ReplacedFileName, ReplacementFileName, BackupFileName=None, ReplaceFlags=0, Exclude=None, Reserved=None, /)
///
/// The first name is the file replaced, as documented (pywin32's C code hands the two
/// to Windows the other way round; that bug is not copied).
#[pyfunction]
#[pyo3(name = "ReplaceFile", signature = (ReplacedFileName, ReplacementFileName, BackupFileName=None, ReplaceFlags=Dword(0), Exclude=None, Reserved=None, /), text_signature = "(ReplacedFileName, ReplacementFileName, BackupFileName=None, ReplaceFlags=0, Exclude=None, Reserved=None, /)")]
#[allow(non_snake_case)]
fn replace_file(
    py: Python<'_>,
    ReplacedFileName: WideArg,
    ReplacementFileName: WideArg,
    BackupFileName: Option<WideArg>,
    ReplaceFlags: Dword,
    Exclude: Option<Bound<'_, PyAny>>,
    Reserved: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    if Exclude.is_some_and(|e| !e.is_none()) || Reserved.is_some_and(|r| !r.is_none()) {
        return Err(PyValueError::new_err("Exclude and Reserved must be None"));
    }
    let backup = BackupFileName.map(|b| b.0);
    Ok(py
        .detach(|| {
            winfile::copy::replace_file(&ReplacedFileName.0, &ReplacementFileName.0, backup.as_deref(), ReplaceFlags.0)
        })
        .py_api("ReplaceFile")?)
}

/// CreateHardLink(FileName, ExistingFileName, SecurityAttributes=None, Transaction=None)
#[pyfunction]
#[pyo3(name = "CreateHardLink", signature = (FileName, ExistingFileName, SecurityAttributes=None, Transaction=None))]
#[allow(non_snake_case)]
fn create_hard_link(
    py: Python<'_>,
    FileName: WideArg,
    ExistingFileName: WideArg,
    SecurityAttributes: Option<Bound<'_, PyAny>>,
    Transaction: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    let txn = transaction(Transaction.as_ref(), "CreateHardLink")?;
    crate::conv::security_attributes(SecurityAttributes.as_ref())?;
    if let Some(t) = txn {
        return Ok(py
            .detach(|| winfile::txn::create_hard_link(&t, &FileName.0, &ExistingFileName.0))
            .py_api("CreateHardLink")?);
    }
    Ok(py.detach(|| winfile::link::create_hard_link(&FileName.0, &ExistingFileName.0)).py_api("CreateHardLink")?)
}

/// CreateSymbolicLink(SymlinkFileName, TargetFileName, Flags=0, Transaction=None)
#[pyfunction]
#[pyo3(name = "CreateSymbolicLink", signature = (SymlinkFileName, TargetFileName, Flags=Dword(0), Transaction=None), text_signature = "(SymlinkFileName, TargetFileName, Flags=0, Transaction=None)")]
#[allow(non_snake_case)]
fn create_symbolic_link(
    py: Python<'_>,
    SymlinkFileName: WideArg,
    TargetFileName: WideArg,
    Flags: Dword,
    Transaction: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    no_transaction(Transaction.as_ref(), "CreateSymbolicLink")?;
    Ok(py
        .detach(|| winfile::link::create_symbolic_link(&SymlinkFileName.0, &TargetFileName.0, Flags.0))
        .py_api("CreateSymbolicLink")?)
}

/// FindFileNames(FileName, Transaction=None) -> list[str]
#[pyfunction]
#[pyo3(name = "FindFileNames", signature = (FileName, Transaction=None))]
#[allow(non_snake_case)]
fn find_file_names(py: Python<'_>, FileName: WideArg, Transaction: Option<Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    no_transaction(Transaction.as_ref(), "FindFileNames")?;
    Ok(py.detach(|| winfile::link::find_file_names(&FileName.0)).py_api("FindFileNames")?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(copy_file_ex, m)?)?;
    m.add_function(wrap_pyfunction!(move_file_with_progress, m)?)?;
    m.add_function(wrap_pyfunction!(replace_file, m)?)?;
    m.add_function(wrap_pyfunction!(create_hard_link, m)?)?;
    m.add_function(wrap_pyfunction!(create_symbolic_link, m)?)?;
    m.add_function(wrap_pyfunction!(find_file_names, m)?)?;
    Ok(())
}
