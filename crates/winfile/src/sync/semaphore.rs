//! Semaphores: `CreateSemaphore`, `OpenSemaphore`, `ReleaseSemaphore`.

use super::hub::{self, HubCell, HubGuard, WaitSlot, Waitable};
use super::named::{self, Init, Kind, NamedHandle};
use crate::error::{set_last_error, Context, Error, Result, Win32Error};
use crate::handle::{self, Handle, Object};
use std::sync::Arc;
use std::thread::ThreadId;

/// A counting semaphore.
pub struct Semaphore {
    maximum: i32,
    count: HubCell<i32>,
    named: Option<NamedHandle>,
}

impl Semaphore {
    /// The named object behind this handle, if any.
    pub(crate) fn named(&self) -> Option<&NamedHandle> {
        self.named.as_ref()
    }
}

impl Object for Semaphore {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(self)
    }
}

impl Waitable for Semaphore {
    fn ready(&self, g: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.named.is_none() && self.count.with(g, |c| *c > 0)
    }
    fn consume(&self, g: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.count.with(g, |c| *c -= 1);
        false
    }
}

/// `CreateSemaphoreW`—a semaphore with `initial` of `maximum` counts (87 unless
/// 0 ≤ initial ≤ maximum and maximum > 0), or the existing one with that name
/// (GetLastError ERROR_ALREADY_EXISTS; 0 otherwise).
///
/// # Linux mechanism
/// Unnamed: in-process counter under the hub lock. Named: a counter in a shared-memory
/// object (`sync::named`) with a futex word.
pub fn create_semaphore(initial: i32, maximum: i32, name: Option<&str>) -> Result<Handle> {
    const API: &str = "CreateSemaphoreW";
    if maximum <= 0 || initial < 0 || initial > maximum {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        set_last_error(Win32Error::SUCCESS);
        return Ok(handle::insert(Arc::new(Semaphore { maximum, count: HubCell::new(initial), named: None })));
    };
    let init = Init::Semaphore { initial, maximum };
    let (n, _) = named::create(name, init, named::ALL_ACCESS).api(API)?;
    Ok(handle::insert(Arc::new(Semaphore { maximum, count: HubCell::new(0), named: Some(n) })))
}

/// `OpenSemaphoreW`—a new handle with `access` to the named semaphore.
///
/// # Linux mechanism
/// The object file in the namespace directory, mapped and attached (`sync::named`).
pub fn open_semaphore(access: u32, name: &str) -> Result<Handle> {
    const API: &str = "OpenSemaphoreW";
    let n = named::open(name, Kind::Semaphore, access).api(API)?;
    Ok(handle::insert(Arc::new(Semaphore { maximum: 0, count: HubCell::new(0), named: Some(n) })))
}

/// `ReleaseSemaphore`—adds `n` counts and returns the previous count;
/// `ERROR_TOO_MANY_POSTS` past the maximum (nothing is added then).
///
/// # Linux mechanism
/// State change under the hub lock, then a condition-variable broadcast; named: under
/// the object's shared lock, then a futex wake.
pub fn release_semaphore(h: Handle, n: i32) -> Result<i32> {
    const API: &str = "ReleaseSemaphore";
    let s = handle::get::<Semaphore>(h).api(API)?;
    if n <= 0 {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    if let Some(named) = &s.named {
        named.require(0x2).api(API)?; // SEMAPHORE_MODIFY_STATE
        return named.lock().semaphore_release(n).api(API);
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
