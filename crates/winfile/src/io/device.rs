//! Devices that do their own synchronous transfers (serial ports: COMMTIMEOUTS): a
//! character-device handle may carry a [`DeviceIo`], and `ReadFile`/`WriteFile` on it
//! go there instead of a plain read(2)/write(2). Only `FileKind::Char` handles are
//! looked at, so disk I/O pays nothing for this.

use crate::error::Result;
use crate::handle::{Extension, File, FileKind};
use std::sync::{Arc, OnceLock};

/// A device's own synchronous ReadFile/WriteFile.
pub trait DeviceIo: Send + Sync + 'static {
    /// ReadFile of up to `buf.len()` bytes (the file position is not used).
    fn read(&self, file: &File, buf: &mut [u8]) -> Result<usize>;
    /// WriteFile of `data`.
    fn write(&self, file: &File, data: &[u8]) -> Result<usize>;
}

#[derive(Default)]
struct DeviceSlot(OnceLock<Arc<dyn DeviceIo>>);

impl Extension for DeviceSlot {}

/// Gives the character-device handle `file` its own transfers (once; later calls keep
/// the first).
pub fn attach_device(file: &File, dev: Arc<dyn DeviceIo>) {
    let _ = file.ext_or_default::<DeviceSlot>().0.set(dev);
}

/// The device transfers of `file`, if it is a character device that has them.
pub(crate) fn device_of(file: &File) -> Option<Arc<dyn DeviceIo>> {
    if file.kind() != FileKind::Char {
        return None;
    }
    file.with_ext::<DeviceSlot, _>(|s| s.and_then(|s| s.0.get().cloned()))
}
