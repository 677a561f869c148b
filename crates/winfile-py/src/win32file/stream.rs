//! FindStreams.

use super::no_transaction;
use crate::conv::PathArg;
use crate::error::IntoPy;
use pyo3::prelude::*;

/// FindStreams(FileName, Transaction=None) -> [(StreamSize, StreamName), ...]
#[pyfunction]
#[pyo3(name = "FindStreams", signature = (FileName, Transaction=None))]
#[allow(non_snake_case)]
fn find_streams(
    py: Python<'_>,
    FileName: PathArg,
    Transaction: Option<Bound<'_, PyAny>>,
) -> PyResult<Vec<(u64, String)>> {
    no_transaction(Transaction.as_ref(), "FindFirstStreamW")?;
    match py.detach(|| winfile::stream::find_streams_by_name(&FileName.text)) {
        // A directory without named streams: no stream to list.
        Err(e) if e.code() == winfile::Win32Error::HANDLE_EOF => Ok(Vec::new()),
        r => Ok(r.py_api("FindFirstStreamW")?.into_iter().map(|s| (s.size, s.name)).collect()),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(find_streams, m)?)?;
    Ok(())
}
