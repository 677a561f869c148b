//! Typed extension slots of a file object: the per-handle state of the modules above
//! `handle` (a directory's change watch, a listing kept between calls, the I/O in
//! flight, the completion port association) lives on the handle it belongs to, not in
//! global maps keyed by addresses, and goes away with it.

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

/// How many extensions a file object keeps in lock-free slots (the rest, rarely any, go
/// to a list behind a lock): a socket carries its performer, its reactor registration,
/// its overlapped state, its owner's record and perhaps an event selection; a pipe end
/// its end, its two device hooks and its overlapped state; a file its lock state, its
/// overlapped state, perhaps a watch and a listing.
const SLOTS: usize = 8;

type Slot = (TypeId, Arc<dyn Extension>);

/// An extension borrowed from its file object ([`Extensions::get_ref`]): in a slot, by
/// reference; in the overflow list, by a counted reference.
pub(crate) enum ExtRef<'a, T> {
    Slot(&'a T),
    Shared(Arc<T>),
}

impl<T> std::ops::Deref for ExtRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            ExtRef::Slot(t) => t,
            ExtRef::Shared(t) => t,
        }
    }
}

/// The extension slots of one file object. Extensions are only ever added while the
/// object lives (and all taken away when it drops), so the first [`SLOTS`] live in
/// write-once cells, filled in order under the insertion lock: a look-up (every
/// overlapped operation makes one or two) reads them with no lock and no
/// read-modify-write. Only when they are all taken does a look-up read the overflow list.
#[derive(Default)]
pub(crate) struct Extensions {
    slots: [OnceLock<Slot>; SLOTS],
    /// The extensions beyond the slots; its write lock also serializes insertions.
    more: RwLock<Vec<Slot>>,
}

impl Extensions {
    /// The extension of type `id`, by reference; `None` if the handle has none.
    #[inline]
    fn find_ref(&self, id: TypeId) -> Option<&Arc<dyn Extension>> {
        for slot in &self.slots {
            match slot.get() {
                Some((t, e)) if *t == id => return Some(e),
                Some(_) => {}
                // Slots fill in order, and the list only once they are all taken.
                None => return None,
            }
        }
        None
    }

    /// The extension of type `T` in a slot, by reference, with no virtual `type_id` call:
    /// the slot's recorded `TypeId` already says what the value is.
    #[inline]
    #[allow(unsafe_code)]
    fn slot_ref<T: Extension>(&self) -> Option<&T> {
        let e = self.find_ref(TypeId::of::<T>())?;
        // SAFETY: a slot's `TypeId` is set only together with its value, from the same
        // `T` (`get_or_insert_with` stores `(TypeId::of::<T>(), Arc<T>)`), so the value
        // behind this `dyn Extension` is a `T`; dropping the vtable from the fat pointer
        // leaves the pointer to it. The reference lives as long as `&self` (slots are
        // emptied only by `dropped`, which takes the `Extensions` by value).
        Some(unsafe { &*(Arc::as_ptr(e) as *const T) })
    }

    fn downcast<T: Extension>(ext: &Arc<dyn Extension>) -> Option<Arc<T>> {
        let any: Arc<dyn Any + Send + Sync> = ext.clone();
        any.downcast::<T>().ok()
    }

    fn find_more<T: Extension>(list: &[Slot]) -> Option<Arc<T>> {
        let id = TypeId::of::<T>();
        let (_, ext) = list.iter().find(|(t, _)| *t == id)?;
        Self::downcast::<T>(ext)
    }

    /// Whether every slot is taken (only then can the list hold anything).
    fn full(&self) -> bool {
        self.slots[SLOTS - 1].get().is_some()
    }

    /// Runs `f` with the extension of type `T` (if any).
    pub(crate) fn with<T: Extension, R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let id = TypeId::of::<T>();
        if let Some(e) = self.slot_ref::<T>() {
            return f(Some(e));
        }
        if !self.full() {
            return f(None);
        }
        let list = self.more.read_locked();
        let ext = list.iter().find(|(t, _)| *t == id).and_then(|(_, e)| {
            let any: &dyn Any = &**e;
            any.downcast_ref::<T>()
        });
        f(ext)
    }

    /// The extension of type `T`, if the handle has one, borrowed for as long as the
    /// file object is (no reference count traffic for one in a slot: slots are only
    /// emptied when the object drops).
    pub(crate) fn get_ref<T: Extension>(&self) -> Option<ExtRef<'_, T>> {
        if let Some(e) = self.slot_ref::<T>() {
            return Some(ExtRef::Slot(e));
        }
        if !self.full() {
            return None;
        }
        Self::find_more::<T>(&self.more.read_locked()).map(ExtRef::Shared)
    }

    /// As [`Extensions::get_ref`], creating the extension with `make` if the handle has
    /// none yet.
    pub(crate) fn get_ref_or_insert_with<T: Extension>(&self, make: impl FnOnce() -> T) -> ExtRef<'_, T> {
        if let Some(e) = self.get_ref::<T>() {
            return e;
        }
        let ext = self.get_or_insert_with(make);
        match self.get_ref::<T>() {
            Some(ExtRef::Slot(t)) => ExtRef::Slot(t),
            _ => ExtRef::Shared(ext),
        }
    }

    /// The extension of type `T`, if the handle has one.
    pub(crate) fn get<T: Extension>(&self) -> Option<Arc<T>> {
        if let Some(e) = self.find_ref(TypeId::of::<T>()) {
            return Self::downcast::<T>(e);
        }
        if !self.full() {
            return None;
        }
        Self::find_more::<T>(&self.more.read_locked())
    }

    /// The extension of type `T`, created by `make` if the handle has none yet.
    pub(crate) fn get_or_insert_with<T: Extension>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(ext) = self.get::<T>() {
            return ext;
        }
        let mut list = self.more.write_locked();
        if let Some(ext) = self.find_ref(TypeId::of::<T>()).and_then(Self::downcast::<T>) {
            return ext;
        }
        if let Some(ext) = Self::find_more::<T>(&list) {
            return ext;
        }
        let ext = Arc::new(make());
        let entry: Slot = (TypeId::of::<T>(), ext.clone());
        // Under the insertion lock: the first empty slot stays empty until set here.
        match self.slots.iter().find(|s| s.get().is_none()) {
            Some(slot) => {
                let _ = slot.set(entry);
            }
            None => list.push(entry),
        }
        ext
    }

    fn all(&self) -> Vec<Arc<dyn Extension>> {
        let mut exts: Vec<Arc<dyn Extension>> =
            self.slots.iter().filter_map(|s| s.get().map(|(_, e)| e.clone())).collect();
        exts.extend(self.more.read_locked().iter().map(|(_, e)| e.clone()));
        exts
    }

    /// Runs every extension's drop hook, taking them all away (the file object drops).
    pub(crate) fn dropped(mut self, file: &File) {
        let mut exts: Vec<Arc<dyn Extension>> =
            self.slots.iter_mut().filter_map(|s| s.take().map(|(_, e)| e)).collect();
        exts.extend(std::mem::take(&mut *self.more.write_locked()).into_iter().map(|(_, e)| e));
        for ext in exts {
            ext.on_drop(file);
        }
    }

    /// Runs every extension's close hook, in close order.
    pub(crate) fn close(&self, file: &File) {
        let mut exts = self.all();
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
    fn extensions_past_the_slots_are_kept_too() {
        let exts = Extensions::default();
        let first = exts.get_or_insert_with(Ext::<0>::default);
        assert!(Arc::ptr_eq(&first, &exts.get_or_insert_with(Ext::<0>::default)), "one value per type");
        macro_rules! add {
            ($($n:literal)*) => { $( exts.get_or_insert_with(Ext::<$n>::default); )* };
        }
        add!(1 2 3 4 5 6 7 8 9 10);
        assert!(exts.more.read_locked().len() == 11 - SLOTS, "the slots filled first");
        assert!(exts.get::<Ext<10>>().is_some() && exts.get::<Ext<3>>().is_some());
        assert!(matches!(exts.get_ref::<Ext<3>>(), Some(ExtRef::Slot(_))));
        assert!(matches!(exts.get_ref::<Ext<10>>(), Some(ExtRef::Shared(_))));
        assert!(exts.with::<Ext<9>, _>(|e| e.is_some()));
        assert!(exts.get::<Ext<11>>().is_none() && exts.with::<Ext<11>, _>(|e| e.is_none()));
        assert_eq!(exts.all().len(), 11);
    }

    struct Hinted(u32);
    impl Extension for Hinted {}

    #[test]
    fn a_type_is_found_in_whichever_slot_it_took() {
        // The type in slot 0 of one object and slot 3 of the other: each look-up finds
        // its own object's value, whichever object was looked at last.
        let a = Extensions::default();
        a.get_or_insert_with(|| Hinted(1));
        let b = Extensions::default();
        b.get_or_insert_with(Ext::<0>::default);
        b.get_or_insert_with(Ext::<1>::default);
        b.get_or_insert_with(Ext::<2>::default);
        b.get_or_insert_with(|| Hinted(2));
        let c = Extensions::default();
        c.get_or_insert_with(Ext::<0>::default);
        for _ in 0..3 {
            assert_eq!(a.get_ref::<Hinted>().map(|e| e.0), Some(1));
            assert_eq!(b.get_ref::<Hinted>().map(|e| e.0), Some(2));
            assert_eq!(b.with::<Hinted, _>(|e| e.map(|e| e.0)), Some(2));
            assert_eq!(a.get::<Hinted>().map(|e| e.0), Some(1));
            // The hinted slot holds another type here, or nothing.
            assert!(c.get_ref::<Hinted>().is_none() && c.get::<Hinted>().is_none());
            assert!(matches!(b.get_ref::<Ext<2>>(), Some(ExtRef::Slot(_))));
        }
        assert_eq!(b.get_or_insert_with(|| Hinted(3)).0, 2, "one value per type");
    }
}
