//! `DeviceIoControl` on files and directories: the file-system control codes that have a
//! Linux meaning (sparse files, zeroed ranges, allocated ranges, symbolic links as
//! reparse points). Any other code gets ERROR_INVALID_FUNCTION, as Windows answers a
//! code the device does not implement.

mod codes;

pub(crate) use codes::symlink_reparse_data;

pub use codes::{
    device_io_control, input_needed, FSCTL_GET_REPARSE_POINT, FSCTL_QUERY_ALLOCATED_RANGES, FSCTL_SET_SPARSE,
    FSCTL_SET_ZERO_DATA,
};
