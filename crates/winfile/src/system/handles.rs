//! `DuplicateHandle` within the process.

use crate::error::{Error, Result, Win32Error};
use crate::handle::{self, File, Handle};
use std::any::Any;
use std::sync::Arc;

/// `DUPLICATE_CLOSE_SOURCE`.
pub const DUPLICATE_CLOSE_SOURCE: u32 = 1;
/// `DUPLICATE_SAME_ACCESS`.
pub const DUPLICATE_SAME_ACCESS: u32 = 2;

/// `GetCurrentProcess()`: the pseudo-handle -1.
pub const CURRENT_PROCESS: Handle = Handle::INVALID;

/// `DuplicateHandle`—a new handle in this process to the object behind `source` (a
/// file, directory, event, mutex, semaphore, timer, completion port, find or change
/// notification handle): the same object, so a file's pointer, share access, locks and
/// completion port are shared, as on Windows. Both process handles must be
/// `GetCurrentProcess()` (-1): winfile has no handles to other processes, and any
/// other value is ERROR_INVALID_HANDLE (6), Windows' answer for a value that is not a
/// process handle. A pseudo-handle as `source` → ERROR_NOT_SUPPORTED (50) (there is no
/// process or thread object to give a real handle to). `DUPLICATE_CLOSE_SOURCE` closes
/// `source` whatever the outcome, once the source process is known.
///
/// Access: `DUPLICATE_SAME_ACCESS` keeps the source's; otherwise, for a file, rights
/// beyond those the source handle holds → ERROR_ACCESS_DENIED (5) (the descriptor's
/// open mode cannot grow), and a narrower request is granted but not narrowed (the
/// handles share one open file description). Other objects ignore `access`: the new
/// handle has the source's rights (a named event, mutex, semaphore or timer checks them
/// per handle, and the duplicate shares the source's). `inherit` has no effect: no
/// process inherits winfile handles.
///
/// # Linux mechanism
/// A second handle-table entry for the same object (`handle::duplicate`); no
/// descriptor is duplicated.
pub fn duplicate_handle(
    source_process: Handle,
    source: Handle,
    target_process: Handle,
    access: u32,
    options: u32,
) -> Result<Handle> {
    const API: &str = "DuplicateHandle";
    if source_process != CURRENT_PROCESS {
        return Err(Error::new(Win32Error::INVALID_HANDLE, API));
    }
    let result = duplicate_in_process(source, target_process, access, options);
    if options & DUPLICATE_CLOSE_SOURCE != 0 {
        let _ = handle::close(source);
    }
    result.map_err(|c| Error::new(c, API))
}

fn duplicate_in_process(
    source: Handle,
    target_process: Handle,
    access: u32,
    options: u32,
) -> std::result::Result<Handle, Win32Error> {
    if handle::is_pseudo(source) {
        return Err(Win32Error::NOT_SUPPORTED);
    }
    if target_process != CURRENT_PROCESS {
        // The source is looked at first, as Windows does (an unknown one is 6 either way).
        handle::get_any(source)?;
        return Err(Win32Error::INVALID_HANDLE);
    }
    // The object looked up once: a second handle to it, sharing its handle count.
    handle::duplicate_if(source, |obj| {
        if options & DUPLICATE_SAME_ACCESS == 0 {
            let any: Arc<dyn Any + Send + Sync> = obj.clone();
            if let Ok(file) = any.downcast::<File>() {
                let wanted = crate::open::map_generic(access);
                if wanted & !file.access() != 0 {
                    return Err(Win32Error::ACCESS_DENIED);
                }
            }
        }
        Ok(())
    })
}
