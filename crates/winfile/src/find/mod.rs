//! Directory enumeration: `FindFirstFileW`, `FindNextFileW`, `FindClose`, with
//! Windows' mask rules (`*`, `?`, `*.*`, `*.`, DOS wildcards, case-insensitive).

mod finder;
mod handles;
mod mask;

pub use finder::{FindData, Finder};
pub use handles::{find_close, find_first_file, find_next_file, find_next_files};
pub use mask::{has_wildcards, Mask};
