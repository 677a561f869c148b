//! Devices whose data transfers are not plain read(2)/write(2) of the handle's
//! descriptor (named and anonymous pipes: message framing, connection state). The
//! module that makes such a handle puts a [`DeviceSlot`] on its file object; ReadFile,
//! WriteFile and FlushFileBuffers hand the transfer to it, as Windows hands an IRP to
//! the driver of the device object.

use crate::error::Result;
use crate::handle::{Extension, File, FileKind};
use std::mem::MaybeUninit;
use std::sync::Arc;

/// The synchronous transfers of a device.
pub trait Device: Send + Sync + 'static {
    /// ReadFile: fills a prefix of `buf` and returns its length. ERROR_MORE_DATA means
    /// the whole buffer was filled and the message goes on.
    fn read(&self, file: &File, buf: &mut [MaybeUninit<u8>]) -> Result<usize>;
    /// WriteFile: writes `data`, returns the bytes written.
    fn write(&self, file: &File, data: &[u8]) -> Result<usize>;
    /// FlushFileBuffers.
    fn flush(&self, file: &File) -> Result<()>;
}

/// The device of a file object (an extension, so it goes away with the handle).
pub struct DeviceSlot(pub Arc<dyn Device>);

impl Extension for DeviceSlot {}

/// The device behind `file`, if it has one (only pipe handles can).
pub(crate) fn device_of(file: &File) -> Option<Arc<dyn Device>> {
    if file.kind() != FileKind::Pipe {
        return None;
    }
    file.with_ext::<DeviceSlot, _>(|d| d.map(|d| d.0.clone()))
}

/// A `MaybeUninit` view of an initialised buffer, for [`Device::read`].
#[allow(unsafe_code)]
pub(crate) fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`. The view is handed only to
    // `Device::read`, whose implementations write initialised bytes (what the kernel
    // or a copy gives), never uninitialised ones, so `buf` stays initialised.
    unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<MaybeUninit<u8>>(), buf.len()) }
}
