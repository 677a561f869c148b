//! Handle values and the table behind them.
//!
//! Values look like Windows handles: non-zero multiples of 4, never `INVALID_HANDLE_VALUE`.
//! They are handed out from a counter and not reused until it wraps (2^62 values), so a
//! stale handle fails with `ERROR_INVALID_HANDLE` instead of reaching another object.
//!
//! Every value is at least 2^32 ([`FIRST`]): Linux descriptor numbers are below 2^31, so
//! a value names a winfile handle or a descriptor (a socket's `fileno()`, see `net`) by
//! its range alone, and one is never taken for the other.

use crate::error::Win32Error;
use crate::poison::RwLockExt;
use std::any::Any;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

/// A Win32 handle value (`HANDLE`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Handle(u64);

impl Handle {
    /// `INVALID_HANDLE_VALUE` (-1 as a pointer).
    pub const INVALID: Handle = Handle(u64::MAX);

    /// The handle with this raw value (as it travels through Python ints).
    pub const fn from_raw(raw: u64) -> Self {
        Handle(raw)
    }

    /// The raw value.
    pub const fn raw(self) -> u64 {
        self.0
    }
}

/// Anything a handle can refer to: files, directories, and later events, ports, finds...
pub trait Object: Any + Send + Sync {
    /// The object's wait behaviour, for objects the wait functions accept.
    fn as_waitable(&self) -> Option<&dyn super::hub::Waitable> {
        None
    }

    /// Called once when the last handle to the object is closed (`CloseHandle`),
    /// before in-flight operations drop their own references.
    fn on_close(&self) {}

    /// Whether the object went away behind the handle's back (a CRT-tied file handle
    /// whose descriptor was closed): the next lookup then closes the handle.
    fn is_stale(&self) -> bool {
        false
    }

    /// Why the object can no longer be used although its handle is still open (a file
    /// opened in a transaction that has ended): every lookup then fails with this code
    /// until the handle is closed.
    fn retired(&self) -> Option<Win32Error> {
        None
    }
}

/// Fibonacci hashing of numbers winfile hands out itself (handle values, the socket
/// reactor's tokens), with one multiply: SipHash's flood resistance buys nothing for
/// keys nobody else chooses, and every call on a handle pays for the lookup. `SHIFT`
/// drops the low bits that never vary (handle values are multiples of 4).
#[derive(Default)]
pub(crate) struct FibHasher<const SHIFT: u32>(u64);

impl<const SHIFT: u32> Hasher for FibHasher<SHIFT> {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        // Descriptor numbers (`i32` keys hash as `u32`): one multiply, not four.
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        // The high bits (hashbrown's control bytes) and the low bits (its bucket index)
        // both depend on every bit of the value.
        let h = (n >> SHIFT).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

/// Handle values are multiples of 4.
type HandleHasher = FibHasher<2>;

/// One handle: its object, and the count of handles to that object it shares with its
/// duplicates (`DuplicateHandle`), so the object's close hook runs with the last one.
struct Entry {
    obj: Arc<dyn Object>,
    handles: Arc<AtomicUsize>,
}

#[derive(Default)]
struct Handles {
    by_value: HashMap<u64, Entry, BuildHasherDefault<HandleHasher>>,
}

type Table = RwLock<Handles>;

static TABLE: LazyLock<Table> = LazyLock::new(|| RwLock::new(Handles::default()));
/// The first handle value: above every descriptor number (< 2^31).
pub const FIRST: u64 = 0x1_0000_0040;
static NEXT: AtomicU64 = AtomicU64::new(FIRST);

/// Stores `obj` and returns its new handle (its first: closing it runs the object's
/// close hook unless it was duplicated).
pub fn insert(obj: Arc<dyn Object>) -> Handle {
    insert_entry(Entry { obj, handles: Arc::new(AtomicUsize::new(1)) })
}

fn insert_entry(entry: Entry) -> Handle {
    let mut table = TABLE.write_locked();
    loop {
        let raw = NEXT.fetch_add(4, Ordering::Relaxed) & 0x3FFF_FFFF_FFFF_FFFC;
        if raw >= FIRST && !table.by_value.contains_key(&raw) {
            table.by_value.insert(raw, entry);
            return Handle(raw);
        }
    }
}

/// `DuplicateHandle` within the process: a new handle to the object behind `h` (the
/// same file object, so the file pointer, share access and locks are shared, as on
/// Windows). Closing either handle leaves the other working; the object's close hook
/// runs when its last handle is closed. `ERROR_INVALID_HANDLE` for an unknown handle
/// or a pseudo-handle.
///
/// # Linux mechanism
/// A second entry in the handle table for the same object (no new descriptor).
pub fn duplicate(h: Handle) -> Result<Handle, Win32Error> {
    duplicate_if(h, |_| Ok(()))
}

/// [`duplicate`] once `allow` accepts the object (DuplicateHandle's access check).
pub fn duplicate_if(
    h: Handle,
    allow: impl FnOnce(&Arc<dyn Object>) -> Result<(), Win32Error>,
) -> Result<Handle, Win32Error> {
    let (obj, handles) = lookup(h)?;
    allow(&obj)?;
    handles.fetch_add(1, Ordering::AcqRel);
    Ok(insert_entry(Entry { obj, handles }))
}

/// The object behind `h`, whatever its type; `ERROR_INVALID_HANDLE` if none.
pub fn get_any(h: Handle) -> Result<Arc<dyn Object>, Win32Error> {
    let obj = TABLE.read_locked().by_value.get(&h.0).map(|e| e.obj.clone()).ok_or(Win32Error::INVALID_HANDLE)?;
    usable(h, &obj)?;
    Ok(obj)
}

fn lookup(h: Handle) -> Result<(Arc<dyn Object>, Arc<AtomicUsize>), Win32Error> {
    let (obj, handles) = TABLE
        .read_locked()
        .by_value
        .get(&h.0)
        .map(|e| (e.obj.clone(), e.handles.clone()))
        .ok_or(Win32Error::INVALID_HANDLE)?;
    usable(h, &obj)?;
    Ok((obj, handles))
}

/// The checks of a lookup: a stale CRT tie closes the handle; a retired object gives
/// its code.
fn usable(h: Handle, obj: &Arc<dyn Object>) -> Result<(), Win32Error> {
    if obj.is_stale() {
        // As the CRT's _close would have: the handle is gone.
        let _ = close(h);
        return Err(Win32Error::INVALID_HANDLE);
    }
    match obj.retired() {
        Some(code) => Err(code),
        None => Ok(()),
    }
}

/// The object behind `h` if it is a `T`; `ERROR_INVALID_HANDLE` otherwise.
pub fn get<T: Object>(h: Handle) -> Result<Arc<T>, Win32Error> {
    let any: Arc<dyn Any + Send + Sync> = get_any(h)?;
    any.downcast::<T>().map_err(|_| Win32Error::INVALID_HANDLE)
}

/// [`get`] without the CRT tie check (`Object::is_stale`, a system call for a socket):
/// for a caller that knows the tie holds, or checks it itself (`net::adopt`: the socket's
/// owner vouches for it). A retired object still gives its code.
pub(crate) fn get_untied<T: Object>(h: Handle) -> Result<Arc<T>, Win32Error> {
    let obj = TABLE.read_locked().by_value.get(&h.0).map(|e| e.obj.clone()).ok_or(Win32Error::INVALID_HANDLE)?;
    if let Some(code) = obj.retired() {
        return Err(code);
    }
    let any: Arc<dyn Any + Send + Sync> = obj;
    any.downcast::<T>().map_err(|_| Win32Error::INVALID_HANDLE)
}

/// Runs `f` on the object behind `h` if it is a `T` (`ERROR_INVALID_HANDLE` otherwise,
/// as [`get`]), without taking a reference to it: the table's read lock is held while
/// `f` runs instead, which saves the reference count's two atomic operations on the
/// per-I/O path. `f` must be short and must not use the handle table (a writer queued
/// behind this lock would make it wait for itself).
pub fn with<T: Object, R>(h: Handle, f: impl FnOnce(&T) -> R) -> Result<R, Win32Error> {
    let table = TABLE.read_locked();
    let entry = table.by_value.get(&h.0).ok_or(Win32Error::INVALID_HANDLE)?;
    let any: &dyn Any = &*entry.obj;
    let Some(t) = any.downcast_ref::<T>() else {
        // Another type: the error `get` gives (a stale handle is closed, a retired
        // object gives its code, anything else is ERROR_INVALID_HANDLE).
        drop(table);
        return Err(get::<T>(h).err().unwrap_or(Win32Error::INVALID_HANDLE));
    };
    // The checks of `get_any`, on the concrete type (no dynamic calls).
    if t.is_stale() {
        drop(table);
        // As the CRT's _close would have: the handle is gone.
        let _ = close(h);
        return Err(Win32Error::INVALID_HANDLE);
    }
    if let Some(code) = t.retired() {
        return Err(code);
    }
    Ok(f(t))
}

/// `GetCurrentProcess()` (-1, the same value as `INVALID_HANDLE_VALUE`) and
/// `GetCurrentThread()` (-2): pseudo-handles that closing leaves alone.
const PSEUDO_HANDLES: [u64; 2] = [u64::MAX, u64::MAX - 1];

/// Whether `h` is `GetCurrentProcess()` (-1) or `GetCurrentThread()` (-2).
pub fn is_pseudo(h: Handle) -> bool {
    PSEUDO_HANDLES.contains(&h.0)
}

/// `CloseHandle`—removes `h` from the table; the object's close hook runs when this
/// was its last handle. Closing a pseudo-handle succeeds and does nothing, as on
/// Windows.
pub fn close(h: Handle) -> Result<(), Win32Error> {
    if PSEUDO_HANDLES.contains(&h.0) {
        return Ok(());
    }
    let entry = TABLE.write_locked().by_value.remove(&h.0).ok_or(Win32Error::INVALID_HANDLE)?;
    if entry.handles.fetch_sub(1, Ordering::AcqRel) == 1 {
        entry.obj.on_close();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dummy;
    impl Object for Dummy {}
    struct Other;
    impl Object for Other {}

    #[test]
    fn values_look_like_windows_handles_and_are_not_reused() {
        let a = insert(Arc::new(Dummy));
        assert!(a.raw() != 0 && a.raw() % 4 == 0);
        assert!(a.raw() > i32::MAX as u64, "handle values never look like descriptors");
        close(a).unwrap();
        let b = insert(Arc::new(Dummy));
        assert_ne!(a, b);
        assert_eq!(get::<Dummy>(a).err(), Some(Win32Error::INVALID_HANDLE));
        assert!(get::<Dummy>(b).is_ok());
        assert_eq!(get::<Other>(b).err(), Some(Win32Error::INVALID_HANDLE));
        assert_eq!(close(a), Err(Win32Error::INVALID_HANDLE));
        close(b).unwrap();
    }

    struct Counted(std::sync::atomic::AtomicUsize);
    impl Object for Counted {
        fn on_close(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn close_hook_runs_with_the_last_duplicate() {
        let obj = Arc::new(Counted(Default::default()));
        let a = insert(obj.clone());
        let b = duplicate(a).unwrap();
        assert_ne!(a, b);
        close(a).unwrap();
        assert_eq!(obj.0.load(Ordering::SeqCst), 0);
        assert!(get::<Counted>(b).is_ok());
        close(b).unwrap();
        assert_eq!(obj.0.load(Ordering::SeqCst), 1);
        assert_eq!(duplicate(a), Err(Win32Error::INVALID_HANDLE));
        assert_eq!(duplicate(Handle::INVALID), Err(Win32Error::INVALID_HANDLE));
    }
}
