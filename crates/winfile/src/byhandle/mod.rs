//! Information by handle: `GetFileInformationByHandleEx`, `SetFileInformationByHandle`,
//! `ReOpenFile`, `OpenFileById`.
//!
//! | Win32 | Linux mechanism |
//! |---|---|
//! | [`get_file_information_by_handle_ex`] | statx + `user.DOSATTRIB` per class; /proc/self/fd readlink for the name; a getdents listing kept on the handle |
//! | [`set_file_information_by_handle`] | futimens / DOSATTRIB, renameat2, the delete-pending marker of `lock::share`, fallocate, ftruncate |
//! | [`reopen_file`] | open(2) of /proc/self/fd/N, share token taken as CreateFile does |
//! | [`open_file_by_id`] | name_to_handle_at / open_by_handle_at (CAP_DAC_READ_SEARCH), then as ReOpenFile |

mod fhandle;
mod names;
mod query;
mod reopen;
mod set;

pub use query::{
    get_file_information_by_handle_ex, BasicInfo, CompressionInfo, DirEntry, HandleInfo, StandardInfo, StreamInfo,
};
pub use reopen::{open_file_by_id, reopen_file};
pub use set::{set_file_information_by_handle, SetInfo};

/// `FILE_INFO_BY_HANDLE_CLASS` values.
pub mod class {
    /// `FileBasicInfo`.
    pub const BASIC: u32 = 0;
    /// `FileStandardInfo`.
    pub const STANDARD: u32 = 1;
    /// `FileNameInfo`.
    pub const NAME: u32 = 2;
    /// `FileRenameInfo`.
    pub const RENAME: u32 = 3;
    /// `FileDispositionInfo`.
    pub const DISPOSITION: u32 = 4;
    /// `FileAllocationInfo`.
    pub const ALLOCATION: u32 = 5;
    /// `FileEndOfFileInfo`.
    pub const END_OF_FILE: u32 = 6;
    /// `FileStreamInfo`.
    pub const STREAM: u32 = 7;
    /// `FileCompressionInfo`.
    pub const COMPRESSION: u32 = 8;
    /// `FileAttributeTagInfo`.
    pub const ATTRIBUTE_TAG: u32 = 9;
    /// `FileIdBothDirectoryInfo`.
    pub const ID_BOTH_DIRECTORY: u32 = 10;
    /// `FileIdBothDirectoryRestartInfo`.
    pub const ID_BOTH_DIRECTORY_RESTART: u32 = 11;
    /// `FileIoPriorityHintInfo`.
    pub const IO_PRIORITY_HINT: u32 = 12;
}
