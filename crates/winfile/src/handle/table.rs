//! Handle values and the table behind them.
//!
//! Values look like Windows handles: non-zero multiples of 4, never `INVALID_HANDLE_VALUE`.
//! A value is a slot index and that slot's generation, and is never handed out twice, so a
//! stale handle fails with `ERROR_INVALID_HANDLE` instead of reaching another object.
//!
//! Every value is at least 2^32 ([`FIRST`]): Linux descriptor numbers are below 2^31, so
//! a value names a winfile handle or a descriptor (a socket's `fileno()`, see `net`) by
//! its range alone, and one is never taken for the other.
//!
//! Look-ups take no lock and write no cache line other threads use (but the object's
//! reference count, when they take a reference): the slot is found by the value's index,
//! read under the thread's hazard cell, and its entry's value compared with the handle
//! (see [`pin`]). Inserting and closing take one lock.
//!
//! # Safety
//! The `unsafe` here reads entries through the slots' raw pointers; an entry is freed by
//! `close` only after it left its slot and no hazard cell holds it.

#![allow(unsafe_code)]

use crate::error::Win32Error;
use crate::poison::MutexExt;
use std::any::Any;
use std::cell::Cell;
use std::collections::VecDeque;
use std::hash::Hasher;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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

/// One handle: its value, its object, and the count of handles to that object it shares
/// with its duplicates (`DuplicateHandle`), so the object's close hook runs with the
/// last one.
struct Entry {
    raw: u64,
    obj: Arc<dyn Object>,
    handles: Arc<AtomicUsize>,
}

/// A handle value is `generation << 32 | index << 2`: the index names a slot, the
/// generation (1 to 2^30 - 1) tells this slot's handles apart, so a closed handle's value
/// never matches the slot's next occupant. A slot whose generation would wrap is never
/// used again (a value is never handed out twice).
const INDEX_BITS: u32 = 30;
const GENERATIONS: u32 = 1 << 30;
/// Slots come in chunks allocated on first use (32 KiB each); the chunk directory is
/// 2 MiB of zeroed memory, touched only where chunks are used.
const CHUNK_BITS: u32 = 12;
const CHUNK: usize = 1 << CHUNK_BITS;
const CHUNKS: usize = 1 << (INDEX_BITS - CHUNK_BITS);
type Chunk = [AtomicPtr<Entry>; CHUNK];
static CHUNK_DIR: [AtomicPtr<Chunk>; CHUNKS] = [const { AtomicPtr::new(ptr::null_mut()) }; CHUNKS];

/// The first handle value: above every descriptor number (< 2^31). Indices start at 16.
pub const FIRST: u64 = 0x1_0000_0040;
const FIRST_INDEX: u32 = (FIRST as u32) >> 2;

/// The writers' state (insert, close, the look-up fallback), under one lock.
struct Writer {
    /// Free indices, oldest first (a slot's generations advance evenly).
    free: VecDeque<u32>,
    /// The next generation of every index ever used.
    generation: Vec<u32>,
    /// The next never-used index.
    next: u32,
}

static WRITER: Mutex<Writer> = Mutex::new(Writer { free: VecDeque::new(), generation: Vec::new(), next: FIRST_INDEX });

/// The slot of a value's index, if its chunk exists.
#[inline(always)]
fn slot_of(h: Handle) -> Option<&'static AtomicPtr<Entry>> {
    let index = (h.0 >> 2) as usize & ((1 << INDEX_BITS) - 1);
    let chunk = CHUNK_DIR[index >> CHUNK_BITS].load(Ordering::Acquire);
    // SAFETY: chunks are allocated once, published with Release, and never freed.
    let chunk: &'static Chunk = unsafe { chunk.as_ref()? };
    Some(&chunk[index & (CHUNK - 1)])
}

/// Hazard cells: a thread reading an entry without a lock first publishes its address in
/// its own cell, and `close` frees an entry only once no cell holds it. One cell per
/// thread (claimed at its first look-up, given back when it exits); a thread finding
/// none free, or looking up within a look-up, takes the writers' lock instead.
#[repr(align(64))] // one cache line each: readers on different threads share nothing
struct Hazard {
    ptr: AtomicPtr<Entry>,
    taken: AtomicBool,
}
const HAZARDS: usize = 256;
static HAZARD: [Hazard; HAZARDS] =
    [const { Hazard { ptr: AtomicPtr::new(ptr::null_mut()), taken: AtomicBool::new(false) } }; HAZARDS];
/// One past the highest cell ever claimed (what `close` scans).
static HAZARD_HIGH: AtomicUsize = AtomicUsize::new(0);

/// This thread's cell (`None`: not claimed yet; `Some(None)`: none was free).
struct Claim(Cell<Option<Option<&'static Hazard>>>);

impl Claim {
    #[inline(always)]
    fn cell(&self) -> Option<&'static Hazard> {
        if let Some(c) = self.0.get() {
            return c;
        }
        forget_hazards_in_children();
        let c = HAZARD.iter().enumerate().find_map(|(i, c)| {
            c.taken.compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed).is_ok().then(|| {
                // SeqCst: before this cell's first hazard in the order `close` reads them in.
                HAZARD_HIGH.fetch_max(i + 1, Ordering::SeqCst);
                c
            })
        });
        self.0.set(Some(c));
        c
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(Some(c)) = self.0.get() {
            c.ptr.store(ptr::null_mut(), Ordering::Release);
            c.taken.store(false, Ordering::Release);
        }
    }
}

/// Registers (once) a fork handler that empties, in the child, the hazard cells of the
/// parent's other threads: they do not exist there, and an entry one of them was reading
/// at the fork would otherwise never be freed — its CloseHandle would wait forever. The
/// forking thread's own cell is kept (it is not in a look-up: fork is not called from
/// one). Cells stay claimed (a child past the 256th thread takes the lock instead).
fn forget_hazards_in_children() {
    static FORK_HANDLER: std::sync::Once = std::sync::Once::new();
    extern "C" fn forget() {
        let own = CLAIM.try_with(|c| c.0.get().flatten().map(|h| h as *const Hazard)).ok().flatten();
        for cell in &HAZARD {
            if Some(cell as *const Hazard) != own {
                cell.ptr.store(ptr::null_mut(), Ordering::SeqCst);
            }
        }
    }
    FORK_HANDLER.call_once(|| {
        // SAFETY: registers a plain function that only reads this thread's claim and
        // stores to atomics.
        unsafe { libc::pthread_atfork(None, None, Some(forget)) };
    });
}

thread_local! {
    static CLAIM: Claim = const { Claim(Cell::new(None)) };
}

/// An entry held for reading: protected by this thread's hazard cell, or (the fallback)
/// by references taken under the writers' lock.
enum Pin {
    Hazard(&'static Hazard, NonNull<Entry>),
    Owned(Arc<dyn Object>, Arc<AtomicUsize>),
}

impl Pin {
    fn obj(&self) -> &Arc<dyn Object> {
        match self {
            // SAFETY: the cell holds the entry's address and `close` freed nothing a
            // cell held since before the slot was re-read (see `pin`).
            Pin::Hazard(_, p) => unsafe { &p.as_ref().obj },
            Pin::Owned(obj, _) => obj,
        }
    }

    fn handles(&self) -> &Arc<AtomicUsize> {
        match self {
            // SAFETY: as in `obj`.
            Pin::Hazard(_, p) => unsafe { &p.as_ref().handles },
            Pin::Owned(_, handles) => handles,
        }
    }
}

impl Drop for Pin {
    fn drop(&mut self) {
        if let Pin::Hazard(cell, _) = self {
            cell.ptr.store(ptr::null_mut(), Ordering::Release);
        }
    }
}

/// The entry of `h`, held for reading; `None` if `h` is not open.
///
/// Lock-free: the slot's address is published in the thread's hazard cell, then the
/// slot is read again; if it still holds the entry, `close` (which empties the slot
/// before it scans the cells, both sequentially consistent) sees the cell and waits.
/// The entry's value is then compared with `h`: a slot's later occupant has another
/// generation.
#[inline(always)]
fn pin(h: Handle) -> Option<Pin> {
    let slot = slot_of(h)?;
    // A cell already holding an address: a look-up within a look-up, or the cell's
    // thread is exiting; the fallback then.
    let cell = CLAIM.try_with(Claim::cell).ok().flatten().filter(|c| c.ptr.load(Ordering::Relaxed).is_null());
    let Some(cell) = cell else {
        let _w = WRITER.locked();
        let p = slot.load(Ordering::Acquire);
        // SAFETY: entries are freed only after their slot is emptied under this lock.
        let e = unsafe { p.as_ref()? };
        return (e.raw == h.0).then(|| Pin::Owned(e.obj.clone(), e.handles.clone()));
    };
    let mut p = slot.load(Ordering::Acquire);
    loop {
        let entry = NonNull::new(p)?;
        cell.ptr.store(p, Ordering::SeqCst);
        let again = slot.load(Ordering::SeqCst);
        if again == p {
            let pin = Pin::Hazard(cell, entry);
            // SAFETY: protected by the cell from here on (see above).
            return (unsafe { entry.as_ref() }.raw == h.0).then_some(pin);
        }
        cell.ptr.store(ptr::null_mut(), Ordering::Release);
        p = again;
    }
}

/// Stores `obj` and returns its new handle (its first: closing it runs the object's
/// close hook unless it was duplicated).
pub fn insert(obj: Arc<dyn Object>) -> Handle {
    insert_entry(obj, Arc::new(AtomicUsize::new(1)))
}

fn insert_entry(obj: Arc<dyn Object>, handles: Arc<AtomicUsize>) -> Handle {
    let mut w = WRITER.locked();
    let index = match w.free.pop_front() {
        Some(index) => index,
        None => {
            let index = w.next;
            assert!(index < 1 << INDEX_BITS, "2^30 handles open at once");
            w.next += 1;
            index
        }
    } as usize;
    if w.generation.len() <= index {
        w.generation.resize(index + 1, 1);
    }
    let generation = w.generation[index];
    w.generation[index] += 1;
    let dir = &CHUNK_DIR[index >> CHUNK_BITS];
    if dir.load(Ordering::Acquire).is_null() {
        let chunk: Box<Chunk> = Box::new([const { AtomicPtr::new(ptr::null_mut()) }; CHUNK]);
        dir.store(Box::into_raw(chunk), Ordering::Release);
    }
    let raw = u64::from(generation) << 32 | (index as u64) << 2;
    let slot = slot_of(Handle(raw)).unwrap_or_else(|| unreachable!("its chunk was just made"));
    slot.store(Box::into_raw(Box::new(Entry { raw, obj, handles })), Ordering::Release);
    Handle(raw)
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
    Ok(insert_entry(obj, handles))
}

/// The object behind `h`, whatever its type; `ERROR_INVALID_HANDLE` if none.
pub fn get_any(h: Handle) -> Result<Arc<dyn Object>, Win32Error> {
    let obj = pin(h).map(|p| p.obj().clone()).ok_or(Win32Error::INVALID_HANDLE)?;
    usable(h, &obj)?;
    Ok(obj)
}

fn lookup(h: Handle) -> Result<(Arc<dyn Object>, Arc<AtomicUsize>), Win32Error> {
    let (obj, handles) = pin(h).map(|p| (p.obj().clone(), p.handles().clone())).ok_or(Win32Error::INVALID_HANDLE)?;
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
    let pin = pin(h).ok_or(Win32Error::INVALID_HANDLE)?;
    // The type told once (one dynamic call), the retirement read on the concrete type.
    let any: Arc<dyn Any + Send + Sync> = pin.obj().clone();
    match any.downcast::<T>() {
        Ok(t) => t.retired().map_or(Ok(t), Err),
        // Another type: a retired object still gives its code, as `get` does.
        Err(_) => Err(pin.obj().retired().unwrap_or(Win32Error::INVALID_HANDLE)),
    }
}

/// Runs `f` on the object behind `h` if it is a `T` (`ERROR_INVALID_HANDLE` otherwise,
/// as [`get`]), without taking a reference to it: the entry is held by the thread's
/// hazard cell while `f` runs instead, which saves the reference count's two atomic
/// operations on the per-I/O path. `f` must be short (a `CloseHandle` of `h` on another
/// thread waits for it) and must not close `h` itself.
pub fn with<T: Object, R>(h: Handle, f: impl FnOnce(&T) -> R) -> Result<R, Win32Error> {
    let pin = pin(h).ok_or(Win32Error::INVALID_HANDLE)?;
    let any: &dyn Any = &**pin.obj();
    let Some(t) = any.downcast_ref::<T>() else {
        // Another type: the error `get` gives (a stale handle is closed, a retired
        // object gives its code, anything else is ERROR_INVALID_HANDLE).
        drop(pin);
        return Err(get::<T>(h).err().unwrap_or(Win32Error::INVALID_HANDLE));
    };
    // The checks of `get_any`, on the concrete type (no dynamic calls).
    if t.is_stale() {
        drop(pin);
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

/// Handles closed so far (each counted as its slot is emptied).
static CLOSES: AtomicU64 = AtomicU64::new(0);

/// How many handles have been closed: while it stays the same, a handle value that
/// named an object still names it (values are never reused), so a caller may keep the
/// object it looked up by a value and use it again without a look-up
/// (`overlapped::with_port`'s per-thread port). Only for objects that are never stale
/// or retired (a port): the look-up skipped is also where those are told. One load of a
/// line only closes write.
pub(crate) fn closes() -> u64 {
    CLOSES.load(Ordering::SeqCst)
}

/// `CloseHandle`—removes `h` from the table; the object's close hook runs when this
/// was its last handle. Closing a pseudo-handle succeeds and does nothing, as on
/// Windows.
pub fn close(h: Handle) -> Result<(), Win32Error> {
    if PSEUDO_HANDLES.contains(&h.0) {
        return Ok(());
    }
    let slot = slot_of(h).ok_or(Win32Error::INVALID_HANDLE)?;
    let p = {
        let mut w = WRITER.locked();
        let p = slot.load(Ordering::Acquire);
        // SAFETY: entries are freed only after their slot is emptied under this lock.
        match unsafe { p.as_ref() } {
            Some(e) if e.raw == h.0 => {}
            _ => return Err(Win32Error::INVALID_HANDLE),
        }
        slot.store(ptr::null_mut(), Ordering::SeqCst);
        CLOSES.fetch_add(1, Ordering::SeqCst);
        let index = (h.0 >> 2) as u32 & ((1 << INDEX_BITS) - 1);
        if w.generation[index as usize] < GENERATIONS {
            w.free.push_back(index);
        }
        p
    };
    // A reader that published `p` before the slot was emptied may still use the entry:
    // wait until none holds it (readers hold an entry for a few loads, or `with`'s
    // short body). One published afterwards re-reads the slot and lets it go.
    for cell in &HAZARD[..HAZARD_HIGH.load(Ordering::SeqCst)] {
        while cell.ptr.load(Ordering::SeqCst) == p {
            std::thread::yield_now();
        }
    }
    // SAFETY: made by `Box::into_raw` in `insert_entry`, out of its slot, and no
    // reader holds it (above): this is its only owner.
    let entry = unsafe { Box::from_raw(p) };
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

    /// A handle another thread was reading when the process forked: in the child (where
    /// that thread does not exist) CloseHandle returns instead of waiting for it forever.
    #[test]
    fn a_child_closes_a_handle_a_parent_thread_was_reading_at_the_fork() {
        let h = insert(Arc::new(Dummy));
        let (reading_tx, reading_rx) = std::sync::mpsc::channel();
        let (forked_tx, forked_rx) = std::sync::mpsc::channel::<()>();
        let reader = std::thread::spawn(move || {
            with::<Dummy, _>(h, |_| {
                reading_tx.send(()).unwrap();
                let _ = forked_rx.recv();
            })
        });
        reading_rx.recv().unwrap();
        // The writers' lock held across the fork: no other thread holds it in the child.
        let guard = WRITER.locked();
        // SAFETY: the child only closes the handle (atomics and the lock released here)
        // and leaves with _exit.
        let pid = unsafe { libc::fork() };
        drop(guard);
        if pid == 0 {
            let code = if close(h).is_ok() { 0 } else { 1 };
            // SAFETY: ends the child without running the parent's destructors.
            unsafe { libc::_exit(code) };
        }
        assert!(pid > 0, "fork failed");
        let mut status = 0;
        let mut waited = 0;
        // SAFETY: waits for our own child without blocking.
        while unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } == 0 {
            if waited == 3000 {
                // SAFETY: our own child.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                unsafe { libc::waitpid(pid, &mut status, 0) };
                panic!("the child's CloseHandle waited for a thread that does not exist there");
            }
            waited += 1;
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "status {status:#x}");
        forked_tx.send(()).unwrap();
        reader.join().unwrap().unwrap();
        close(h).unwrap();
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

    #[test]
    fn a_reused_slot_never_answers_to_an_old_value() {
        let index = |h: Handle| (h.raw() >> 2) & ((1 << INDEX_BITS) - 1);
        let a = insert(Arc::new(Dummy));
        assert!(a.raw() >= FIRST);
        close(a).unwrap();
        // Free slots are reused oldest first: cycle until `a`'s comes back.
        let mut reused = None;
        for _ in 0..1_000_000 {
            let b = insert(Arc::new(Other));
            if index(b) == index(a) {
                reused = Some(b);
                break;
            }
            close(b).unwrap();
        }
        let b = reused.expect("the slot came back");
        assert_ne!(a, b);
        assert_eq!(get_any(a).err(), Some(Win32Error::INVALID_HANDLE));
        assert_eq!(with::<Other, _>(a, |_| ()).err(), Some(Win32Error::INVALID_HANDLE));
        assert_eq!(close(a), Err(Win32Error::INVALID_HANDLE));
        assert!(get::<Other>(b).is_ok());
        close(b).unwrap();
        // Values outside any chunk, and the pseudo-handles, name nothing.
        assert_eq!(get_any(Handle::from_raw(0xFFFF_FFFC)).err(), Some(Win32Error::INVALID_HANDLE));
        assert_eq!(get_any(Handle::from_raw(u64::MAX - 1)).err(), Some(Win32Error::INVALID_HANDLE));
    }

    #[test]
    fn a_look_up_within_a_look_up_works() {
        let a = insert(Arc::new(Dummy));
        let b = insert(Arc::new(Other));
        // The inner look-up finds the thread's hazard cell in use and takes the lock.
        let inner = with::<Dummy, _>(a, |_| (get::<Other>(b).is_ok(), with::<Dummy, _>(a, |_| 7)));
        assert_eq!(inner, Ok((true, Ok(7))));
        close(a).unwrap();
        close(b).unwrap();
        assert_eq!(with::<Dummy, _>(a, |_| ()).err(), Some(Win32Error::INVALID_HANDLE));
    }

    /// An object that knows whether it is still alive, and counts its close hooks.
    struct Probe {
        magic: AtomicUsize,
        closes: Arc<AtomicUsize>,
    }
    const MAGIC: usize = 0x5EED_F00D;
    static PROBES_ALIVE: AtomicUsize = AtomicUsize::new(0);
    impl Probe {
        fn new(closes: Arc<AtomicUsize>) -> Arc<Self> {
            PROBES_ALIVE.fetch_add(1, Ordering::SeqCst);
            Arc::new(Probe { magic: AtomicUsize::new(MAGIC), closes })
        }
        fn check(&self) {
            assert_eq!(self.magic.load(Ordering::SeqCst), MAGIC, "a freed object was returned");
        }
    }
    impl Object for Probe {
        fn on_close(&self) {
            self.check();
            self.closes.fetch_add(1, Ordering::SeqCst);
        }
    }
    impl Drop for Probe {
        fn drop(&mut self) {
            self.magic.store(0, Ordering::SeqCst);
            PROBES_ALIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Threads opening, duplicating, looking up and closing handles at once, some of them
    /// closing handles the others are looking up: every look-up gets a live object or
    /// ERROR_INVALID_HANDLE, every object's close hook runs once (with its last handle),
    /// and every object is freed in the end.
    #[test]
    fn concurrent_open_duplicate_look_up_close() {
        use std::sync::atomic::AtomicU64;
        const THREADS: usize = 6;
        const ROUNDS: usize = 50_000;
        // Handles published for other threads to look up (and sometimes close).
        let shared: Arc<Vec<AtomicU64>> = Arc::new((0..64).map(|_| AtomicU64::new(0)).collect());
        let closes = Arc::new(AtomicUsize::new(0));
        let made = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (shared, closes, made) = (shared.clone(), closes.clone(), made.clone());
                std::thread::spawn(move || {
                    let mut rng = fastrand::Rng::with_seed(t as u64);
                    for _ in 0..ROUNDS {
                        let a = insert(Probe::new(closes.clone()));
                        made.fetch_add(1, Ordering::SeqCst);
                        let b = duplicate(a).unwrap();
                        assert_eq!(get::<Probe>(b).map(|p| p.check()), Ok(()));
                        // Publish `a`; whoever replaces it closes it (racing look-ups).
                        let old = shared[rng.usize(..shared.len())].swap(a.raw(), Ordering::SeqCst);
                        for _ in 0..4 {
                            let h = Handle::from_raw(shared[rng.usize(..shared.len())].load(Ordering::SeqCst));
                            match rng.u8(..3) {
                                0 => drop(get::<Probe>(h).map(|p| p.check())),
                                1 => drop(get_untied::<Probe>(h).map(|p| p.check())),
                                _ => drop(with::<Probe, _>(h, Probe::check)),
                            }
                        }
                        if old != 0 {
                            close(Handle::from_raw(old)).unwrap();
                        }
                        // The duplicate outlives `a` or not: either way one hook.
                        close(b).unwrap();
                        assert_eq!(close(b), Err(Win32Error::INVALID_HANDLE));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        for h in shared.iter() {
            close(Handle::from_raw(h.load(Ordering::SeqCst))).unwrap();
        }
        assert_eq!(closes.load(Ordering::SeqCst), made.load(Ordering::SeqCst));
        assert_eq!(PROBES_ALIVE.load(Ordering::SeqCst), 0, "every object freed");
    }

    /// The look-ups' cost on one thread (`cargo test --release -p winfile --lib
    /// lookup_cost -- --ignored --nocapture`).
    #[test]
    #[ignore]
    #[allow(clippy::print_stdout)] // its report is its output
    fn lookup_cost() {
        use std::time::Instant;
        let h = insert(Arc::new(Dummy));
        const N: u32 = 5_000_000;
        let time = |name: &str, f: &mut dyn FnMut()| {
            let t = Instant::now();
            for _ in 0..N {
                f();
            }
            println!("{name:28} {:6.1} ns", t.elapsed().as_nanos() as f64 / f64::from(N));
        };
        time("get", &mut || drop(std::hint::black_box(get::<Dummy>(std::hint::black_box(h)))));
        time("get_untied", &mut || drop(std::hint::black_box(get_untied::<Dummy>(std::hint::black_box(h)))));
        time("with", &mut || {
            let _ = std::hint::black_box(with::<Dummy, _>(std::hint::black_box(h), |_| 1));
        });
        close(h).unwrap();
    }

    /// The look-ups' cost with two threads looking up the same handle at once
    /// (`cargo test --release -p winfile --lib lookup_contended -- --ignored --nocapture`).
    #[test]
    #[ignore]
    #[allow(clippy::print_stdout)] // its report is its output
    fn lookup_contended() {
        use std::time::Instant;
        struct Thing;
        impl Object for Thing {}
        let h = insert(Arc::new(Thing));
        const N: u32 = 2_000_000;
        let run = |name: &str, f: fn(Handle)| {
            let t = Instant::now();
            std::thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(move || {
                        for _ in 0..N {
                            f(std::hint::black_box(h));
                        }
                    });
                }
            });
            let ns = t.elapsed().as_nanos() as f64 / f64::from(N);
            println!("{name:28} {ns:6.1} ns (2 threads, wall time per look-up pair)");
        };
        run("get_untied", |h| drop(std::hint::black_box(get_untied::<Thing>(h))));
        run("with", |h| {
            let _ = std::hint::black_box(with::<Thing, _>(h, |_| 1));
        });
        close(h).unwrap();
    }
}
