//! A completion packet's token: what the poster of an operation gets back with its
//! packet (in Python, the OVERLAPPED object).
//!
//! # Safety
//! A token owns one pointer: a box it made itself, or a foreign reference whose
//! release function the maker vouched for (`Token::from_raw`). It is released once
//! (dropped) or handed back once (`into_raw`, `downcast`, which forget the token).

#![allow(unsafe_code)]

use std::any::{Any, TypeId};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// What a packet carries for its poster (in Python, a strong reference to the
/// OVERLAPPED object itself): an owned value behind one pointer, with the function that
/// gives it up ([`TokenKind`]). A Rust value is boxed ([`Token::new`], taken back with
/// [`Token::downcast`]); a foreign reference (a Python object) travels as its own
/// pointer ([`Token::from_raw`], taken back with [`Token::into_raw`]): no allocation,
/// no dynamic type check per packet.
pub struct Token {
    ptr: NonNull<()>,
    kind: &'static TokenKind,
}

/// How a [`Token`]'s value is given up, and (for a boxed Rust value) its type.
pub struct TokenKind {
    release: unsafe fn(NonNull<()>),
    type_id: Option<fn() -> TypeId>,
}

impl TokenKind {
    /// The kind of foreign references given up by `release` (called once per token
    /// dropped, on whichever thread drops it: a completion engine's thread, a port's
    /// closer...). Keep it in a `static`: tokens are told apart by its address.
    pub const fn foreign(release: unsafe fn(NonNull<()>)) -> Self {
        TokenKind { release, type_id: None }
    }
}

/// The kind of a boxed `T`.
struct Boxed<T>(PhantomData<T>);

impl<T: Any + Send + Sync> Boxed<T> {
    const KIND: TokenKind = TokenKind { release: release_box::<T>, type_id: Some(TypeId::of::<T>) };
}

/// # Safety
/// `p` came from `Box::<T>::into_raw` and is released once.
unsafe fn release_box<T>(p: NonNull<()>) {
    // SAFETY: see above.
    drop(unsafe { Box::from_raw(p.cast::<T>().as_ptr()) });
}

impl Token {
    /// A token owning `value` (boxed).
    pub fn new<T: Any + Send + Sync>(value: T) -> Self {
        Token { ptr: NonNull::from(Box::leak(Box::new(value))).cast(), kind: &Boxed::<T>::KIND }
    }

    /// A token owning the foreign reference `ptr`, given up by `kind`'s release function
    /// when the token is dropped, unless [`Token::into_raw`] takes it back first.
    ///
    /// # Safety
    /// `ptr` must stay valid until it is released or taken back, and `kind`'s release
    /// function must accept it on any thread (the token is `Send` and `Sync`; it never
    /// dereferences `ptr` itself).
    pub unsafe fn from_raw(ptr: NonNull<()>, kind: &'static TokenKind) -> Self {
        Token { ptr, kind }
    }

    /// The foreign reference of a token made by [`Token::from_raw`] with `kind` (the
    /// same static), now the caller's; the token itself if it is of another kind.
    pub fn into_raw(self, kind: &'static TokenKind) -> std::result::Result<NonNull<()>, Self> {
        if !std::ptr::eq(self.kind, kind) {
            return Err(self);
        }
        let ptr = self.ptr;
        std::mem::forget(self);
        Ok(ptr)
    }

    fn is<T: Any>(&self) -> bool {
        self.kind.type_id.is_some_and(|id| id() == TypeId::of::<T>())
    }

    /// The boxed value of a token made by [`Token::new`] with a `T`; the token itself
    /// otherwise.
    pub fn downcast<T: Any>(self) -> std::result::Result<Box<T>, Self> {
        if !self.is::<T>() {
            return Err(self);
        }
        let ptr = self.ptr;
        std::mem::forget(self);
        // SAFETY: a `Token::new::<T>` (the kind's type is `T`), owned by this token.
        Ok(unsafe { Box::from_raw(ptr.cast::<T>().as_ptr()) })
    }

    /// The value of a token made by [`Token::new`] with a `T`.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        // SAFETY: a `Token::new::<T>` (the kind's type is `T`), alive while `self` is.
        self.is::<T>().then(|| unsafe { self.ptr.cast::<T>().as_ref() })
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        // SAFETY: the token owns its pointer (it was not taken back: `into_raw` and
        // `downcast` forget the token), released once, as its kind says.
        unsafe { (self.kind.release)(self.ptr) }
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token").field("ptr", &self.ptr).finish_non_exhaustive()
    }
}

// SAFETY: a boxed value is `Send + Sync` (`Token::new`'s bound); a foreign reference's
// release works on any thread and the token never dereferences it (`from_raw`'s contract).
unsafe impl Send for Token {}
// SAFETY: as for `Send`; `downcast_ref` lends only boxed `Sync` values.
unsafe impl Sync for Token {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_boxed_token_is_taken_back_as_its_own_type_only() {
        let t = Token::new(7u64);
        assert_eq!(t.downcast_ref::<u64>(), Some(&7));
        assert!(t.downcast_ref::<u32>().is_none());
        let t = t.downcast::<i64>().unwrap_err();
        static OTHER: TokenKind = TokenKind::foreign(never);
        unsafe fn never(_: NonNull<()>) {
            unreachable!("not a foreign token");
        }
        let t = t.into_raw(&OTHER).unwrap_err();
        assert_eq!(*t.downcast::<u64>().unwrap(), 7);
    }

    #[test]
    fn a_dropped_boxed_token_drops_its_value_once() {
        let value = Arc::new(());
        let t = Token::new(value.clone());
        assert_eq!(Arc::strong_count(&value), 2);
        drop(t);
        assert_eq!(Arc::strong_count(&value), 1);
    }

    #[test]
    fn a_foreign_token_is_released_once_unless_taken_back() {
        static RELEASES: AtomicUsize = AtomicUsize::new(0);
        unsafe fn release(p: NonNull<()>) {
            assert_eq!(p.as_ptr() as usize, 0x40);
            RELEASES.fetch_add(1, Ordering::SeqCst);
        }
        static KIND: TokenKind = TokenKind::foreign(release);
        let ptr = NonNull::new(0x40 as *mut ()).unwrap();
        // SAFETY: `release` never dereferences the pointer.
        let t = unsafe { Token::from_raw(ptr, &KIND) };
        assert!(t.downcast_ref::<usize>().is_none(), "a foreign token is no boxed value");
        let t = t.downcast::<usize>().unwrap_err();
        assert_eq!(t.into_raw(&KIND).unwrap(), ptr);
        assert_eq!(RELEASES.load(Ordering::SeqCst), 0);
        // SAFETY: as above.
        drop(unsafe { Token::from_raw(ptr, &KIND) });
        assert_eq!(RELEASES.load(Ordering::SeqCst), 1);
    }
}
