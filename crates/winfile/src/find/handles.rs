//! Find handles: `FindFirstFileW`, `FindNextFileW`, `FindClose`.

use super::finder::{FindData, Finder};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Handle, Object};
use crate::poison::MutexExt;
use std::sync::{Arc, Mutex};

/// The object behind a find handle.
struct FindObject(Mutex<Finder>);

impl Object for FindObject {}

fn finder(h: Handle, api: &'static str) -> Result<Arc<FindObject>> {
    handle::get::<FindObject>(h).api(api)
}

/// `FindFirstFileW`—starts a search for `spec` (`dir\mask`, Windows wildcard rules)
/// and returns its handle with the first match.
///
/// No match fails with ERROR_FILE_NOT_FOUND (2); a missing directory with
/// ERROR_PATH_NOT_FOUND (3).
///
/// # Linux mechanism
/// openat(O_DIRECTORY) + getdents64, statx per matching entry.
#[doc(alias = "FindFirstFileW")]
pub fn find_first_file(spec: &str) -> Result<(Handle, FindData)> {
    let mut f = Finder::open(spec)?;
    match f.next_entry().map_err(|e| Error::new(e.code(), "FindFirstFileW"))? {
        Some(first) => Ok((handle::insert(Arc::new(FindObject(Mutex::new(f)))), first)),
        None => Err(Error::new(Win32Error::FILE_NOT_FOUND, "FindFirstFileW")),
    }
}

/// `FindNextFileW`—the next match of a search; `Ok(None)` where Windows fails with
/// ERROR_NO_MORE_FILES.
///
/// # Linux mechanism
/// getdents64 (buffered), statx per matching entry.
#[doc(alias = "FindNextFileW")]
pub fn find_next_file(h: Handle) -> Result<Option<FindData>> {
    let f = finder(h, "FindNextFileW")?;
    let mut g = f.0.locked();
    g.next_entry()
}

/// Up to `max` further matches of a search appended to `out` (one handle lookup for
/// many entries); returns false at the end of the search.
///
/// # Linux mechanism
/// As [`find_next_file`].
pub fn find_next_files(h: Handle, max: usize, out: &mut Vec<FindData>) -> Result<bool> {
    let f = finder(h, "FindNextFileW")?;
    let mut g = f.0.locked();
    g.next_batch(max, out)
}

/// `FindClose`—ends a search (only find handles are accepted).
///
/// # Linux mechanism
/// Closes the directory descriptor.
#[doc(alias = "FindClose")]
pub fn find_close(h: Handle) -> Result<()> {
    finder(h, "FindClose")?;
    handle::close(h).api("FindClose")
}
