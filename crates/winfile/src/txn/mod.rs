//! Transactions (KTM + TxF as `win32transaction` and the `Transaction=` arguments use
//! them), with no daemon: a per-volume redo journal, shadow copies, claims through the
//! share-token locks, one durable decision record, idempotent redo, and recovery by any
//! winfile process on first touch. The protocol and its invariants:
//! docs/transactions.md.
//!
//! - (`txnlog`, a layer below: the journal's place and format, redo and recovery);
//! - `shadow`: shadow copies (clone/copy on first write, links for moves);
//! - `isolation`: the transaction's view of the tree and its claims (conflicts);
//! - `object`: the transaction object, its handles, commit, rollback, timeout;
//! - `ops`: the transacted Win32 calls.

mod isolation;
mod object;
mod ops;
mod shadow;

pub use crate::txnlog::{recover_once, recover_root};
pub use object::{create_transaction, get, open_transaction, Outcome, Transaction, TxnHandle};
pub use ops::{
    copy_file, create_directory, create_file, create_hard_link, delete_file, ensure_active, find_files,
    get_file_attributes_ex, move_file, remove_directory, set_file_attributes,
};
