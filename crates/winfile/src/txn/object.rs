//! The transaction object: its id and outcome, the handles naming it (waitable: signaled
//! once the outcome is decided), commit, rollback, and the timeout.

use super::isolation::Work;
use super::shadow;
use crate::error::Win32Error;
use crate::handle::hub::{self, HubCell, HubGuard, WaitSlot, Waitable};
use crate::handle::{self, Handle, Object};
use crate::poison::MutexExt;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// How a transaction ended, if it has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
    /// Still open to changes.
    Active,
    /// Committed: every change is applied (or will be by recovery).
    Committed,
    /// Rolled back (explicitly, by closing its last handle, or by its timeout).
    RolledBack,
}

/// A transaction (KTM's transaction object).
pub struct Transaction {
    id: [u8; 16],
    description: String,
    pub(crate) work: Mutex<Work>,
    outcome: HubCell<Outcome>,
    handles: AtomicUsize,
}

static REGISTRY: LazyLock<Mutex<HashMap<[u8; 16], Weak<Transaction>>>> = LazyLock::new(Default::default);

/// What a transaction handle refers to.
pub struct TxnHandle(pub(crate) Arc<Transaction>);

impl Object for TxnHandle {
    fn as_waitable(&self) -> Option<&dyn Waitable> {
        Some(self)
    }

    /// Closing the last handle of a transaction that was not committed rolls it back.
    fn on_close(&self) {
        if self.0.handles.fetch_sub(1, Ordering::AcqRel) == 1 {
            let _ = self.0.rollback();
        }
    }
}

impl Waitable for TxnHandle {
    fn ready(&self, hub: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        self.0.outcome.with(hub, |o| *o != Outcome::Active)
    }

    fn consume(&self, _hub: &HubGuard<'_>, _tid: ThreadId, _slot: &WaitSlot) -> bool {
        false
    }
}

fn new_id() -> [u8; 16] {
    let mut id = [0u8; 16];
    use std::io::Read;
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut id));
    if read.is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        id.copy_from_slice(&t.to_le_bytes());
    }
    id[7] = (id[7] & 0x0F) | 0x40; // a version-4 GUID (Data3 is little-endian)
    id[8] = (id[8] & 0x3F) | 0x80;
    id
}

fn new_handle(t: &Arc<Transaction>) -> Handle {
    t.handles.fetch_add(1, Ordering::AcqRel);
    handle::insert(Arc::new(TxnHandle(t.clone())))
}

impl Transaction {
    /// The transaction's GUID (16 bytes, Windows' in-memory GUID layout).
    pub fn id(&self) -> [u8; 16] {
        self.id
    }

    /// The description given at creation.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The outcome so far.
    pub fn outcome(&self) -> Outcome {
        let g = hub::lock();
        self.outcome.with(&g, |o| *o)
    }

    /// ERROR_TRANSACTION_NOT_ACTIVE unless the transaction is still open to changes.
    pub(crate) fn check_active(&self) -> Result<(), Win32Error> {
        match self.outcome() {
            Outcome::Active => Ok(()),
            _ => Err(Win32Error::TRANSACTION_NOT_ACTIVE),
        }
    }

    fn end(&self, work: &mut Work, outcome: Outcome) {
        let code = Win32Error::TRANSACTION_NOT_ACTIVE;
        for f in work.handles.drain(..) {
            if let Some(f) = f.upgrade() {
                f.retire(code);
            }
        }
        work.release_claims();
        hub::signal(|g| self.outcome.with(g, |o| *o = outcome));
        REGISTRY.locked().remove(&self.id);
    }

    /// `CommitTransaction`: the shadows are made durable, the decision record is
    /// written (fsync, rename, fsync), then the redo steps run (renames, unlinks) and
    /// the journal goes. See docs/transactions.md.
    pub fn commit(&self) -> Result<(), Win32Error> {
        let mut work = self.work.locked();
        match self.outcome() {
            Outcome::Active => {}
            Outcome::Committed => return Err(Win32Error::TRANSACTION_ALREADY_COMMITTED),
            Outcome::RolledBack => return Err(Win32Error::TRANSACTION_ALREADY_ABORTED),
        }
        // Handles opened in the transaction stop working before anything is decided,
        // so no write can land in a shadow after it was made durable.
        for f in &work.handles {
            if let Some(f) = f.upgrade() {
                f.retire(Win32Error::TRANSACTION_NOT_ACTIVE);
            }
        }
        if let Some(j) = work.journal.as_ref() {
            let (ops, sync) = work.plan();
            let r = sync.iter().try_for_each(|s| shadow::sync(s)).and_then(|()| j.decide(&ops));
            if let Err(e) = r {
                j.finish();
                self.end(&mut work, Outcome::RolledBack);
                return Err(e);
            }
            crate::txnlog::recover::crash_point("decided", 0);
            crate::txnlog::recover::apply(&ops);
            crate::txnlog::recover::crash_point("applied", 0);
            j.finish();
        }
        self.end(&mut work, Outcome::Committed);
        Ok(())
    }

    /// `RollbackTransaction`: the shadows and the journal go; the tree was never touched.
    pub fn rollback(&self) -> Result<(), Win32Error> {
        let mut work = self.work.locked();
        match self.outcome() {
            Outcome::Active => {}
            Outcome::Committed => return Err(Win32Error::TRANSACTION_ALREADY_COMMITTED),
            Outcome::RolledBack => return Err(Win32Error::TRANSACTION_ALREADY_ABORTED),
        }
        if let Some(j) = work.journal.as_ref() {
            j.finish();
        }
        self.end(&mut work, Outcome::RolledBack);
        Ok(())
    }
}

/// `CreateTransaction`—a new transaction; `timeout_ms` 0 means none, else it rolls
/// back by itself when the time is up (a thread sleeping on it, holding it weakly).
///
/// # Linux mechanism
/// An in-process object; its journal directory is made at its first change
/// (`.winfile-txn/<id>/` at the volume's mount root).
pub fn create_transaction(timeout_ms: u32, description: &str) -> Handle {
    let t = Arc::new(Transaction {
        id: new_id(),
        description: description.to_owned(),
        work: Mutex::new(Work::default()),
        outcome: HubCell::new(Outcome::Active),
        handles: AtomicUsize::new(0),
    });
    REGISTRY.locked().insert(t.id, Arc::downgrade(&t));
    if timeout_ms != 0 {
        let weak = Arc::downgrade(&t);
        let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
        std::thread::spawn(move || loop {
            let now = Instant::now();
            let Some(t) = weak.upgrade() else { return };
            if t.outcome() != Outcome::Active {
                return;
            }
            if now >= deadline {
                let _ = t.rollback();
                return;
            }
            drop(t);
            std::thread::sleep((deadline - now).min(Duration::from_millis(50)));
        });
    }
    new_handle(&t)
}

/// The transaction behind handle `h` (ERROR_INVALID_HANDLE for anything else).
pub fn get(h: Handle) -> Result<Arc<Transaction>, Win32Error> {
    handle::get::<TxnHandle>(h).map(|t| t.0.clone())
}

/// `OpenTransaction`—another handle to the live transaction with this GUID (of this
/// process); ERROR_TRANSACTION_NOT_FOUND otherwise.
pub fn open_transaction(id: [u8; 16]) -> Result<Handle, Win32Error> {
    let t = REGISTRY.locked().get(&id).and_then(Weak::upgrade).ok_or(Win32Error::TRANSACTION_NOT_FOUND)?;
    Ok(new_handle(&t))
}
