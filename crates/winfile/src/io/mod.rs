//! Synchronous reads and writes, the file pointer, size, flush and type of a handle.

pub mod device;
mod info;
mod nowait;
mod pointer;
mod read_write;

pub(crate) use device::as_uninit;
pub use device::{attach_device, Device, DeviceSlot};
pub use info::{get_file_information_by_handle, get_file_time, set_file_time};
pub use pointer::{flush_file_buffers, get_file_size, get_file_type, set_end_of_file, set_file_pointer};
pub(crate) use read_write::{check_queued, note_written, transfer, transfer_out};
pub use read_write::{
    check_read_file, read_file, read_file_at, read_file_nowait, read_file_uninit, write_file, write_file_at,
};
