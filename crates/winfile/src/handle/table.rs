//! Handle values and the table behind them.
//!
//! Values look like Windows handles: non-zero multiples of 4, never `INVALID_HANDLE_VALUE`.
//! They are handed out from a counter and not reused until it wraps (2^62 values), so a
//! stale handle fails with `ERROR_INVALID_HANDLE` instead of reaching another object.

use crate::error::Win32Error;
use crate::poison::RwLockExt;
use std::any::Any;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
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

/// Hashes handle values (distinct multiples of 4 from a counter) with one multiply:
/// SipHash's flood resistance buys nothing for keys we hand out ourselves, and every
/// call on a handle pays for the lookup.
#[derive(Default)]
struct HandleHasher(u64);

impl Hasher for HandleHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing: the high bits (hashbrown's control bytes) and the low bits
        // (its bucket index) both depend on every bit of the value.
        let h = (n >> 2).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

type Table = RwLock<HashMap<u64, Arc<dyn Object>, BuildHasherDefault<HandleHasher>>>;

static TABLE: LazyLock<Table> = LazyLock::new(|| RwLock::new(HashMap::default()));
static NEXT: AtomicU64 = AtomicU64::new(0x40);

/// Stores `obj` and returns its new handle.
pub fn insert(obj: Arc<dyn Object>) -> Handle {
    let mut table = TABLE.write_locked();
    loop {
        let raw = NEXT.fetch_add(4, Ordering::Relaxed) & 0x3FFF_FFFF_FFFF_FFFC;
        if raw != 0 && !table.contains_key(&raw) {
            table.insert(raw, obj);
            return Handle(raw);
        }
    }
}

/// The object behind `h`, whatever its type; `ERROR_INVALID_HANDLE` if none.
pub fn get_any(h: Handle) -> Result<Arc<dyn Object>, Win32Error> {
    let obj = {
        let table = TABLE.read_locked();
        table.get(&h.0).cloned().ok_or(Win32Error::INVALID_HANDLE)?
    };
    if obj.is_stale() {
        // As the CRT's _close would have: the handle is gone.
        let _ = close(h);
        return Err(Win32Error::INVALID_HANDLE);
    }
    if let Some(code) = obj.retired() {
        return Err(code);
    }
    Ok(obj)
}

/// The object behind `h` if it is a `T`; `ERROR_INVALID_HANDLE` otherwise.
pub fn get<T: Object>(h: Handle) -> Result<Arc<T>, Win32Error> {
    let any: Arc<dyn Any + Send + Sync> = get_any(h)?;
    any.downcast::<T>().map_err(|_| Win32Error::INVALID_HANDLE)
}

/// `GetCurrentProcess()` (-1, the same value as `INVALID_HANDLE_VALUE`) and
/// `GetCurrentThread()` (-2): pseudo-handles that closing leaves alone.
const PSEUDO_HANDLES: [u64; 2] = [u64::MAX, u64::MAX - 1];

/// `CloseHandle`—removes `h` from the table and tells its object. Closing a
/// pseudo-handle succeeds and does nothing, as on Windows.
pub fn close(h: Handle) -> Result<(), Win32Error> {
    if PSEUDO_HANDLES.contains(&h.0) {
        return Ok(());
    }
    let obj = {
        let mut table = TABLE.write_locked();
        table.remove(&h.0).ok_or(Win32Error::INVALID_HANDLE)?
    };
    obj.on_close();
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
        close(a).unwrap();
        let b = insert(Arc::new(Dummy));
        assert_ne!(a, b);
        assert_eq!(get::<Dummy>(a).err(), Some(Win32Error::INVALID_HANDLE));
        assert!(get::<Dummy>(b).is_ok());
        assert_eq!(get::<Other>(b).err(), Some(Win32Error::INVALID_HANDLE));
        assert_eq!(close(a), Err(Win32Error::INVALID_HANDLE));
        close(b).unwrap();
    }
}
