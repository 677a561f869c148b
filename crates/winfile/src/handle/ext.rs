//! Typed extension slots of a file object: the per-handle state of the modules above
//! `handle` (a directory's change watch, a listing kept between calls, the I/O in
//! flight, the completion port association) lives on the handle it belongs to, not in
//! global maps keyed by addresses, and goes away with it.

use super::file::File;
use crate::poison::RwLockExt;
use std::any::{Any, TypeId};
use std::sync::{Arc, RwLock};

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

/// The extension slots of one file object.
#[derive(Default)]
pub(crate) struct Extensions(RwLock<Vec<(TypeId, Arc<dyn Extension>)>>);

impl Extensions {
    fn find<T: Extension>(list: &[(TypeId, Arc<dyn Extension>)]) -> Option<Arc<T>> {
        let id = TypeId::of::<T>();
        let (_, ext) = list.iter().find(|(t, _)| *t == id)?;
        let any: Arc<dyn Any + Send + Sync> = ext.clone();
        any.downcast::<T>().ok()
    }

    /// Runs `f` with the extension of type `T` (if any), under the slots' read lock.
    pub(crate) fn with<T: Extension, R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let list = self.0.read_locked();
        let id = TypeId::of::<T>();
        let ext = list.iter().find(|(t, _)| *t == id).and_then(|(_, e)| {
            let any: &dyn Any = &**e;
            any.downcast_ref::<T>()
        });
        f(ext)
    }

    /// The extension of type `T`, if the handle has one.
    pub(crate) fn get<T: Extension>(&self) -> Option<Arc<T>> {
        Self::find::<T>(&self.0.read_locked())
    }

    /// The extension of type `T`, created by `make` if the handle has none yet.
    pub(crate) fn get_or_insert_with<T: Extension>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(ext) = self.get::<T>() {
            return ext;
        }
        let mut list = self.0.write_locked();
        if let Some(ext) = Self::find::<T>(&list) {
            return ext;
        }
        let ext = Arc::new(make());
        list.push((TypeId::of::<T>(), ext.clone()));
        ext
    }

    /// Runs every extension's drop hook.
    pub(crate) fn dropped(&self, file: &File) {
        let exts = std::mem::take(&mut *self.0.write_locked());
        for (_, ext) in exts {
            ext.on_drop(file);
        }
    }

    /// Runs every extension's close hook, in close order.
    pub(crate) fn close(&self, file: &File) {
        let mut exts: Vec<Arc<dyn Extension>> = self.0.read_locked().iter().map(|(_, e)| e.clone()).collect();
        exts.sort_by_key(|e| e.close_order());
        for ext in exts {
            ext.on_close(file);
        }
    }
}
