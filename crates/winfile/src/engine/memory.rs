//! Memory lent to an overlapped operation: the caller's buffer itself, written (or read)
//! in place by the completion engine, as Windows writes an overlapped ReadFile's data
//! straight into the caller's buffer. No copy, and no call back into the caller's
//! runtime at completion: the engine thread only touches the memory.
//!
//! # Safety
//! Besides the io_uring backend, this is the only `unsafe` of the engine: turning lent
//! memory into slices.
//! The [`IoMemory`] contract (an `unsafe trait`) makes the lender promise what those
//! slices need: the memory stays valid, at the same address and length, until the lent
//! value is dropped, and nobody writes it meanwhile (the Win32 rule: a buffer belongs
//! to the operation until it completes).
#![allow(unsafe_code)]

/// Memory an overlapped operation may use until it drops the value.
///
/// # Safety
/// Implementors guarantee that `ptr()` points to `len()` bytes that stay allocated, at
/// that address, until the value is dropped; that no one else writes them meanwhile;
/// and, when `writable()` is true, that they may be written through `ptr()`.
pub unsafe trait IoMemory: Send + 'static {
    /// The first byte.
    fn ptr(&self) -> *mut u8;
    /// The length in bytes.
    fn len(&self) -> usize;
    /// Whether the memory may be written (a read's target).
    fn writable(&self) -> bool;
    /// Whether the length is zero.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The operation ended having transferred `n` bytes (0 when it failed); called on
    /// the thread that finishes it, just before the memory is given back (dropped).
    fn completed(&mut self, _n: usize) {}
    /// The operation is over with the memory: the lender gets it back (by default the
    /// value is dropped). Called once, on whichever thread drops the [`Lent`]; a lender
    /// whose memory must be given back elsewhere (the Python bindings: with the GIL
    /// held) queues the box itself, so the memory's bookkeeping stays at its address
    /// with no second allocation.
    fn give_back(self: Box<Self>) {}
}

// SAFETY: a Vec owned by the value: its heap block stays put while the Vec is not
// resized, and the trait gives no way to resize it.
unsafe impl IoMemory for Vec<u8> {
    fn ptr(&self) -> *mut u8 {
        self.as_ptr().cast_mut()
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn writable(&self) -> bool {
        true
    }
}

/// Lent memory, owned by the operation until it ends (then given back:
/// [`IoMemory::give_back`]).
pub struct Lent(std::mem::ManuallyDrop<Box<dyn IoMemory>>);

impl Drop for Lent {
    fn drop(&mut self) {
        // SAFETY: the box is taken out once, here, and `self.0` is never used again.
        let mem = unsafe { std::mem::ManuallyDrop::take(&mut self.0) };
        mem.give_back();
    }
}

/// Receives the bytes a read delivered.
type Deliver = Box<dyn FnOnce(&[u8]) + Send>;

/// A read buffer that hands the bytes read to a callback when its operation ends.
struct Delivering {
    buf: Vec<u8>,
    deliver: Option<Deliver>,
}

// SAFETY: an owned Vec, never resized while lent.
unsafe impl IoMemory for Delivering {
    fn ptr(&self) -> *mut u8 {
        self.buf.as_ptr().cast_mut()
    }
    fn len(&self) -> usize {
        self.buf.len()
    }
    fn writable(&self) -> bool {
        true
    }
    fn completed(&mut self, n: usize) {
        if let Some(deliver) = self.deliver.take() {
            deliver(&self.buf[..n.min(self.buf.len())]);
        }
    }
}

impl Lent {
    /// Lends `mem` to an operation.
    pub fn new(mem: impl IoMemory) -> Self {
        Lent(std::mem::ManuallyDrop::new(Box::new(mem)))
    }

    /// Lends memory its lender has already boxed (one allocation for the memory's
    /// bookkeeping and the loan: the Python bindings' buffer exports).
    pub fn from_box(mem: Box<dyn IoMemory>) -> Self {
        Lent(std::mem::ManuallyDrop::new(mem))
    }

    /// A read target of `len` zero bytes whose data goes to `deliver` when the read ends
    /// (on the thread that finishes it, before the OVERLAPPED completes; an empty slice
    /// when the read failed).
    pub fn delivering(len: usize, deliver: impl FnOnce(&[u8]) + Send + 'static) -> Self {
        Lent::new(Delivering { buf: vec![0; len], deliver: Some(Box::new(deliver)) })
    }

    /// Tells the lender how many bytes the operation that ended with `status`
    /// transferred (none when it failed), before the memory is given back.
    pub(crate) fn ended(&mut self, status: crate::error::Win32Error, n: usize) {
        self.0.completed(if status == crate::error::Win32Error::SUCCESS { n } else { 0 });
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the length is zero.
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// Whether the memory may be written.
    pub fn writable(&self) -> bool {
        self.0.writable()
    }

    /// The raw address, for the kernel (io_uring SQEs).
    pub(crate) fn ptr(&self) -> *mut u8 {
        self.0.ptr()
    }

    /// The bytes, to be written to a file.
    pub(crate) fn bytes(&self) -> &[u8] {
        if self.0.is_empty() {
            return &[];
        }
        // SAFETY: the IoMemory contract: `len` bytes at `ptr`, allocated and not written
        // by anyone else while lent.
        unsafe { std::slice::from_raw_parts(self.0.ptr(), self.0.len()) }
    }

    /// The bytes, to be filled from a file; `None` for read-only memory.
    pub(crate) fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        if !self.0.writable() {
            return None;
        }
        if self.0.is_empty() {
            return Some(&mut []);
        }
        // SAFETY: the IoMemory contract: `len` writable bytes at `ptr` that nobody else
        // uses while lent; `&mut self` makes this the only slice made from them.
        Some(unsafe { std::slice::from_raw_parts_mut(self.0.ptr(), self.0.len()) })
    }
}

/// Memory a socket transfer uses in place during the call (its first step, run on the
/// caller's thread), and lends ([`Lent`]) only if the operation must wait: a lender for
/// whom lending costs (the Python bindings: a boxed buffer export, released later with
/// the GIL) pays it only then. `Lent` itself is lent as it is (see `net`).
pub trait CallMemory {
    /// The bytes (a send's data).
    fn bytes(&self) -> &[u8];
    /// The bytes to be written (a receive's target); `None` for read-only memory.
    fn bytes_mut(&mut self) -> Option<&mut [u8]>;
    /// The same memory, lent to the operation that waits; called at most once, before
    /// the operation is begun. A send's memory must always be lendable (copied if need
    /// be): its first step may already have sent part of it.
    fn lend(&mut self) -> crate::Result<Lent>;
    /// The operation ended during the call having transferred `n` bytes with `status`
    /// (the memory is not lent then).
    fn ended(&mut self, _status: crate::error::Win32Error, _n: usize) {}
}

impl std::fmt::Debug for Lent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lent").field("len", &self.len()).field("writable", &self.writable()).finish()
    }
}
