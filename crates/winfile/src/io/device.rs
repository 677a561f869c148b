//! The device hook: handles whose transfers are not plain read(2)/write(2) on their
//! descriptor (pipes: message framing and connection state; mailslots: whole-message
//! reads with a read timeout; serial ports: COMMTIMEOUTS) carry a [`Device`] in a
//! [`DeviceSlot`] extension; ReadFile/WriteFile/FlushFileBuffers and the completion
//! engine's pool hand the transfer to it, as Windows hands an IRP to the driver of the
//! device object. Disk files and directories never look further than their
//! [`FileKind`](crate::handle::FileKind).

#![allow(unsafe_code)] // one slice cast, see `as_uninit`

use crate::error::Result;
use crate::handle::{Extension, File, FileKind};
use std::mem::MaybeUninit;
use std::sync::Arc;

/// A transfer that is not plain read(2)/write(2) on the handle's descriptor.
pub trait Device: Send + Sync {
    /// `ReadFile`: fills the start of `buf`, returns the bytes read (the first `n` of
    /// `buf` are then initialised). Blocks as the device's rules say (polling the
    /// interrupt check at least every [`crate::interrupt::SLICE`]).
    fn read(&self, file: &File, buf: &mut [MaybeUninit<u8>]) -> Result<usize>;
    /// `WriteFile`: sends `data`, returns the bytes taken.
    fn write(&self, file: &File, data: &[u8]) -> Result<usize>;
    /// `FlushFileBuffers`.
    fn flush(&self, _file: &File) -> Result<()> {
        Ok(())
    }
    /// An overlapped read on an engine thread: as [`Device::read`], but the wait also
    /// ends (ERROR_OPERATION_ABORTED) when `cancelled` says so.
    fn read_async(&self, file: &File, buf: &mut [MaybeUninit<u8>], cancelled: &dyn Fn() -> bool) -> Result<usize> {
        let _ = cancelled;
        self.read(file, buf)
    }
}

/// The handle's device.
pub struct DeviceSlot(pub Arc<dyn Device>);

impl Extension for DeviceSlot {}

/// The device of `file`, if it has one (pipes and character devices only are looked at).
pub(crate) fn device_of(file: &File) -> Option<Arc<dyn Device>> {
    if matches!(file.kind(), FileKind::Disk | FileKind::Directory) {
        return None;
    }
    file.ext::<DeviceSlot>().map(|d| d.0.clone())
}

/// Views an initialised byte slice as one that may be written uninitialised bytes;
/// only initialised bytes are ever written through it.
pub(crate) fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: MaybeUninit<u8> has u8's layout; every writer through the returned slice
    // (the devices) stores initialised bytes only, so `buf` stays initialised.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}

/// Gives `file` its device transfers (once; a later call keeps the first).
pub fn attach_device(file: &File, dev: Arc<dyn Device>) {
    file.ext_or_insert_with(move || DeviceSlot(dev));
}

/// Zeroes `buf` and views it as initialised bytes, for devices whose reads fill a `&mut [u8]`.
pub(crate) fn zeroed(buf: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    buf.fill(MaybeUninit::new(0));
    // SAFETY: every element was initialised just above; MaybeUninit<u8> has u8's layout.
    unsafe { &mut *(buf as *mut [MaybeUninit<u8>] as *mut [u8]) }
}
