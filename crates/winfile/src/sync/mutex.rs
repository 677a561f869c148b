//! Mutexes: `CreateMutex`, `OpenMutex`, `ReleaseMutex`, with recursion and abandonment.

use super::hub::{self, HubCell, HubGuard, WaitSlot, Waitable};
use super::named::{self, Init, Kind, NamedHandle};
use crate::error::{set_last_error, Context, Error, Result, Win32Error};
use crate::handle::{self, Handle, Object};
use std::cell::RefCell;
use std::sync::{Arc, Weak};
use std::thread::{self, ThreadId};

#[derive(Default)]
struct State {
    owner: Option<ThreadId>,
    recursion: u32,
    abandoned: bool,
}

/// A mutex object: owned by a thread, recursive, abandoned if its owner thread exits.
/// In-process (unnamed) or one handle to a named mutex shared across processes.
pub struct Mutex {
    state: HubCell<State>,
    named: Option<NamedHandle>,
}

/// Mutexes the current thread owns; at thread exit they become abandoned.
struct Owned(RefCell<Vec<Weak<Mutex>>>);

impl Drop for Owned {
    fn drop(&mut self) {
        let me = thread::current().id();
        let list = std::mem::take(&mut *self.0.borrow_mut());
        hub::signal(|g| {
            for m in list.iter().filter_map(Weak::upgrade) {
                m.state.with(g, |s| {
                    if s.owner == Some(me) {
                        *s = State { owner: None, recursion: 0, abandoned: true };
                    }
                });
            }
        });
    }
}

thread_local! {
    static OWNED: Owned = const { Owned(RefCell::new(Vec::new())) };
}

impl Mutex {
    /// Takes ownership for `tid` (one more recursion level); true if it was abandoned.
    fn acquire(&self, g: &HubGuard<'_>, tid: ThreadId) -> bool {
        self.state.with(g, |s| {
            s.owner = Some(tid);
            s.recursion += 1;
            std::mem::take(&mut s.abandoned)
        })
    }
}

/// After a wait acquired `obj` on this thread: if it is a mutex, make sure the thread's
/// exit abandons it.
pub(super) fn register_owner(obj: &Arc<dyn Object>) {
    let any: Arc<dyn std::any::Any + Send + Sync> = obj.clone();
    let Ok(m) = any.downcast::<Mutex>() else { return };
    if let Some(n) = &m.named {
        named::note_owned(&n.map);
        return;
    }
    let weak = Arc::downgrade(&m);
    let _ = OWNED.try_with(|o| {
        let mut list = o.0.borrow_mut();
        list.retain(|w| w.strong_count() > 0);
        if !list.iter().any(|w| w.ptr_eq(&weak)) {
            list.push(weak);
        }
    });
}

impl Object for Mutex {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(self)
    }
}

impl Mutex {
    /// The named object behind this handle, if any.
    pub(crate) fn named(&self) -> Option<&NamedHandle> {
        self.named.as_ref()
    }
}

impl Waitable for Mutex {
    fn ready(&self, g: &HubGuard<'_>, tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.named.is_none() && self.state.with(g, |s| s.owner.is_none() || s.owner == Some(tid))
    }
    fn consume(&self, g: &HubGuard<'_>, tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.acquire(g, tid)
    }
}

/// `CreateMutexW`—a new mutex (owned by the caller if `initial_owner`), or the
/// existing one with that name (GetLastError ERROR_ALREADY_EXISTS, and ownership is
/// not requested then; 0 otherwise).
///
/// # Linux mechanism
/// Unnamed: in-process object under the hub lock; owner thread tracked by a
/// thread-local guard so a thread that exits while owning it leaves it abandoned.
/// Named: a shared-memory object (`sync::named`) owned by (pid, process start time,
/// tid); a dead owner process is seen by the next waiter, which gets it abandoned.
pub fn create_mutex(initial_owner: bool, name: Option<&str>) -> Result<Handle> {
    const API: &str = "CreateMutexW";
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        let m = Arc::new(Mutex { state: HubCell::new(State::default()), named: None });
        if initial_owner {
            let g = hub::lock();
            m.acquire(&g, thread::current().id());
            drop(g);
            register_owner(&(m.clone() as Arc<dyn Object>));
        }
        set_last_error(Win32Error::SUCCESS);
        return Ok(handle::insert(m));
    };
    let (n, existed) = named::create(name, Init::Mutex { owned: initial_owner }, named::ALL_ACCESS).api(API)?;
    if initial_owner && !existed {
        named::note_owned(&n.map);
    }
    Ok(handle::insert(Arc::new(Mutex { state: HubCell::new(State::default()), named: Some(n) })))
}

/// `OpenMutexW`—a new handle with `access` to the named mutex (ERROR_FILE_NOT_FOUND if
/// none exists, ERROR_INVALID_PARAMETER for rights mutexes do not have).
///
/// # Linux mechanism
/// The object file in the namespace directory, mapped and attached (`sync::named`).
pub fn open_mutex(access: u32, name: &str) -> Result<Handle> {
    const API: &str = "OpenMutexW";
    let n = named::open(name, Kind::Mutex, access).api(API)?;
    Ok(handle::insert(Arc::new(Mutex { state: HubCell::new(State::default()), named: Some(n) })))
}

/// `ReleaseMutex`—gives up one level of ownership; `ERROR_NOT_OWNER` if the calling
/// thread does not own it.
///
/// # Linux mechanism
/// State change under the hub lock, then a condition-variable broadcast; named: under
/// the object's shared lock, then a futex wake.
pub fn release_mutex(h: Handle) -> Result<()> {
    let m = handle::get::<Mutex>(h).api("ReleaseMutex")?;
    if let Some(n) = &m.named {
        return n.lock().mutex_release(&named::me()).api("ReleaseMutex");
    }
    let me = thread::current().id();
    hub::signal(|g| {
        m.state.with(g, |s| {
            if s.owner != Some(me) {
                return Err(Error::new(Win32Error::NOT_OWNER, "ReleaseMutex"));
            }
            s.recursion -= 1;
            if s.recursion == 0 {
                s.owner = None;
            }
            Ok(())
        })
    })
}
