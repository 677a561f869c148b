//! The calling thread's last-error value: `GetLastError` / `SetLastError`.
//!
//! Windows keeps one per thread; so does winfile, in a thread-local. Failed calls that reach
//! a binding record their code here, and calls that succeed with a note (a named object that
//! already existed: `ERROR_ALREADY_EXISTS`) record it themselves.

use super::Win32Error;
use std::cell::Cell;

thread_local! {
    static LAST: Cell<u32> = const { Cell::new(0) };
}

/// `SetLastError`: sets the calling thread's last-error value.
pub fn set_last_error(code: Win32Error) {
    LAST.with(|c| c.set(code.0));
}

/// `GetLastError`: the calling thread's last-error value (0 until something sets it).
pub fn last_error() -> Win32Error {
    Win32Error(LAST.with(Cell::get))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_thread() {
        set_last_error(Win32Error::ALREADY_EXISTS);
        assert_eq!(last_error(), Win32Error::ALREADY_EXISTS);
        std::thread::spawn(|| assert_eq!(last_error(), Win32Error(0))).join().unwrap();
        set_last_error(Win32Error(0));
    }
}
