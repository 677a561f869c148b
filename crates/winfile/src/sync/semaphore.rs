//! Semaphores: `CreateSemaphore`, `OpenSemaphore`, `ReleaseSemaphore`.

use super::hub::{self, HubCell, HubGuard, WaitSlot, Waitable};
use super::names;
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, Handle, Object};
use std::thread::ThreadId;

/// A counting semaphore.
pub struct Semaphore {
    maximum: i32,
    count: HubCell<i32>,
}

impl Object for Semaphore {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(self)
    }
}

impl Waitable for Semaphore {
    fn ready(&self, g: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.count.with(g, |c| *c > 0)
    }
    fn consume(&self, g: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.count.with(g, |c| *c -= 1);
        false
    }
}

/// `CreateSemaphoreW`—a semaphore with `initial` of `maximum` counts (87 unless
/// 0 ≤ initial ≤ maximum and maximum > 0), or the existing one with that name.
///
/// # Linux mechanism
/// In-process counter under the hub lock and condition variable.
pub fn create_semaphore(initial: i32, maximum: i32, name: Option<&str>) -> Result<Handle> {
    const API: &str = "CreateSemaphoreW";
    if maximum <= 0 || initial < 0 || initial > maximum {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let (s, _) = names::create_or_open(name, || Semaphore { maximum, count: HubCell::new(initial) }).api(API)?;
    Ok(handle::insert(s))
}

/// `OpenSemaphoreW`—a new handle to a named semaphore of this process.
///
/// # Linux mechanism
/// Lookup in the process's object namespace.
pub fn open_semaphore(name: &str) -> Result<Handle> {
    match names::find::<Semaphore>(name).api("OpenSemaphoreW")? {
        Some(s) => Ok(handle::insert(s)),
        None => Err(Error::new(Win32Error::FILE_NOT_FOUND, "OpenSemaphoreW")),
    }
}

/// `ReleaseSemaphore`—adds `n` counts and returns the previous count;
/// `ERROR_TOO_MANY_POSTS` past the maximum (nothing is added then).
///
/// # Linux mechanism
/// State change under the hub lock, then a condition-variable broadcast.
pub fn release_semaphore(h: Handle, n: i32) -> Result<i32> {
    const API: &str = "ReleaseSemaphore";
    let s = handle::get::<Semaphore>(h).api(API)?;
    if n <= 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    hub::signal(|g| {
        s.count.with(g, |c| {
            let previous = *c;
            match previous.checked_add(n) {
                Some(v) if v <= s.maximum => {
                    *c = v;
                    Ok(previous)
                }
                _ => Err(Error::new(Win32Error::TOO_MANY_POSTS, API)),
            }
        })
    })
}
