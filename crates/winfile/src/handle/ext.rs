//! Typed extension slots of a file object: the per-handle state of the modules above
//! `handle` (a directory's change watch, a listing kept between calls, the I/O in
//! flight, the completion port association) lives on the handle it belongs to, not in
//! global maps keyed by addresses, and goes away with it.
//!
//! Every I/O looks its handle's extensions up (its I/O state, the reactor registration
//! of a socket, the owner of an adopted socket's number), and an extension, once added,
//! stays until the file object is dropped: so the first [`SLOTS`] are set-once cells,
//! read with plain acquire loads and no lock (no write to a shared cache line per
//! lookup); adding one takes a lock, as do the rare ones past the cells.

use super::file::File;
use crate::poison::RwLockExt;
use std::any::{Any, TypeId};
use std::sync::{Arc, OnceLock, RwLock};

/// Per-handle state of one concern. At most one value of each type per file object.
pub trait Extension: Any + Send + Sync {
    /// When the handle closes, extensions run [`Extension::on_close`] in ascending order
    /// of this value (change watches first, then in-flight I/O, then the rest).
    fn close_order(&self) -> u8 {
        u8::MAX
    }

    /// The handle is closing (`CloseHandle`): end what depends on it.
    fn on_close(&self, _file: &File) {}

    /// The file object is dropped without having been closed (torn down).
    fn on_drop(&self, _file: &File) {}
}

/// How many extensions a file object holds in lock-free cells (more than any kind of
/// handle has today: a socket has five or six).
const SLOTS: usize = 8;

type Slot = (TypeId, Arc<dyn Extension>);

/// The extension slots of one file object: cells filled in order, then a list.
#[derive(Default)]
pub(crate) struct Extensions {
    cells: [OnceLock<Slot>; SLOTS],
    /// The extensions past the cells; its write lock is also taken by every insertion
    /// (so cells fill in order, one type once).
    more: RwLock<Vec<Slot>>,
}

impl Extensions {
    fn downcast<T: Extension>(ext: &Arc<dyn Extension>) -> Option<Arc<T>> {
        let any: Arc<dyn Any + Send + Sync> = ext.clone();
        any.downcast::<T>().ok()
    }

    /// Runs `f` with the extension of type `T` (if any), under no lock when it is in a
    /// cell.
    pub(crate) fn with<T: Extension, R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let id = TypeId::of::<T>();
        for cell in &self.cells {
            match cell.get() {
                Some((t, ext)) if *t == id => {
                    let any: &dyn Any = &**ext;
                    return f(any.downcast_ref::<T>());
                }
                Some(_) => {}
                // Cells fill in order: no later one is set.
                None => return f(None),
            }
        }
        let more = self.more.read_locked();
        let ext = more.iter().find(|(t, _)| *t == id).and_then(|(_, e)| {
            let any: &dyn Any = &**e;
            any.downcast_ref::<T>()
        });
        f(ext)
    }

    /// The extension of type `T`, if the handle has one.
    pub(crate) fn get<T: Extension>(&self) -> Option<Arc<T>> {
        let id = TypeId::of::<T>();
        for cell in &self.cells {
            match cell.get() {
                Some((t, ext)) if *t == id => return Self::downcast(ext),
                Some(_) => {}
                None => return None,
            }
        }
        self.more.read_locked().iter().find(|(t, _)| *t == id).and_then(|(_, e)| Self::downcast(e))
    }

    /// The extension of type `T`, created by `make` if the handle has none yet.
    pub(crate) fn get_or_insert_with<T: Extension>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(ext) = self.get::<T>() {
            return ext;
        }
        let mut more = self.more.write_locked();
        if let Some(ext) = self.get_locked::<T>(&more) {
            return ext;
        }
        let ext = Arc::new(make());
        let slot: Slot = (TypeId::of::<T>(), ext.clone());
        match self.cells.iter().find(|c| c.get().is_none()) {
            // The insertion lock is held: nobody else sets this cell.
            Some(cell) => {
                let _ = cell.set(slot);
            }
            None => more.push(slot),
        }
        ext
    }

    /// [`Extensions::get`] with the insertion lock held (the list is read through it).
    fn get_locked<T: Extension>(&self, more: &[Slot]) -> Option<Arc<T>> {
        let id = TypeId::of::<T>();
        self.cells
            .iter()
            .filter_map(OnceLock::get)
            .chain(more.iter())
            .find(|(t, _)| *t == id)
            .and_then(|(_, e)| Self::downcast(e))
    }

    /// Takes every extension out (the file object is being dropped).
    pub(crate) fn drain(&mut self) -> Vec<Arc<dyn Extension>> {
        let mut all: Vec<Arc<dyn Extension>> = self.cells.iter_mut().filter_map(|c| c.take()).map(|(_, e)| e).collect();
        all.extend(
            std::mem::take(self.more.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner))
                .into_iter()
                .map(|(_, e)| e),
        );
        all
    }

    /// Runs every extension's close hook, in close order.
    pub(crate) fn close(&self, file: &File) {
        let mut exts: Vec<Arc<dyn Extension>> = {
            let more = self.more.read_locked();
            self.cells.iter().filter_map(OnceLock::get).chain(more.iter()).map(|(_, e)| e.clone()).collect()
        };
        exts.sort_by_key(|e| e.close_order());
        for ext in exts {
            ext.on_close(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Ext<const N: usize>;
    impl<const N: usize> Extension for Ext<N> {}

    #[test]
    fn extensions_past_the_cells_are_kept_too() {
        let exts = Extensions::default();
        let first = exts.get_or_insert_with(Ext::<0>::default);
        assert!(Arc::ptr_eq(&first, &exts.get_or_insert_with(Ext::<0>::default)), "one value per type");
        macro_rules! add {
            ($($n:literal)*) => { $( exts.get_or_insert_with(Ext::<$n>::default); )* };
        }
        add!(1 2 3 4 5 6 7 8 9 10);
        assert!(exts.more.read_locked().len() == 11 - SLOTS, "the cells filled first");
        assert!(exts.get::<Ext<10>>().is_some() && exts.get::<Ext<3>>().is_some());
        assert!(exts.with::<Ext<9>, _>(|e| e.is_some()));
        assert!(exts.get::<Ext<11>>().is_none() && exts.with::<Ext<11>, _>(|e| e.is_none()));
        let mut exts = exts;
        assert_eq!(exts.drain().len(), 11);
        assert!(exts.get::<Ext<0>>().is_none());
    }
}
