//! `CreateFileW`.

/// Arguments of `CreateFileW`, as Windows takes them.
#[derive(Clone, Debug, Default)]
pub struct CreateParams {
    /// dwDesiredAccess.
    pub access: u32,
    /// dwShareMode.
    pub share: u32,
    /// dwCreationDisposition.
    pub disposition: u32,
    /// dwFlagsAndAttributes.
    pub flags_and_attributes: u32,
    /// SECURITY_ATTRIBUTES.bInheritHandle.
    pub inherit: bool,
}

/// `CreateFileW`—opens or creates a file or directory and returns its handle.
pub fn create_file(name: &str, params: &CreateParams) -> crate::Result<crate::Handle> {
    let _ = (name, params);
    Err(crate::Error::new(crate::Win32Error::CALL_NOT_IMPLEMENTED, "CreateFileW"))
}
