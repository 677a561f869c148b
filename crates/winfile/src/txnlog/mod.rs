//! The transaction journal and its crash recovery, below the modules that open and
//! change files: `open`, `find` and `fs` run [`recover_once`] on first touch, and `txn`
//! (which builds on them) writes journals through [`journal`]. Keeping both here leaves
//! no import cycle between `txn` and the modules it uses.
//!
//! - `journal`: where the journal lives, the decision record's format;
//! - `recover`: redo of decided transactions, the first-touch scan.

pub(crate) mod journal;
pub(crate) mod recover;

pub use recover::{recover_once, recover_root};
