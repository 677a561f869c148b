//! The process's surroundings as the Win32 system calls report them: environment
//! variables (`GetEnvironmentVariable`, `ExpandEnvironmentStrings`), the temporary
//! directory and names in it (`GetTempPath`, `GetTempFileName`), who and where we are
//! (`GetComputerName`, `GetUserName`, `GetCurrentProcessId`, `GetCurrentThreadId`) and
//! time (`GetTickCount`, `Sleep`); `DuplicateHandle` within the process.
//!
//! Layer 4: uses `path`, `open` and `handle` (GetTempFileName creates its file with
//! CreateFile's rules).

mod env;
mod handles;
mod identity;
mod temp;

pub use env::{expand_environment_strings, get_environment_variable};
pub use handles::{duplicate_handle, CURRENT_PROCESS, DUPLICATE_CLOSE_SOURCE, DUPLICATE_SAME_ACCESS};
pub use identity::{
    get_computer_name, get_current_process_id, get_current_thread_id, get_tick_count, get_user_name, sleep,
};
pub use temp::{get_temp_file_name, get_temp_path};
