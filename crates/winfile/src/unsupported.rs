//! Win32 file APIs that have no meaning on Linux: each is a documented refusal with the
//! Win32 error code Windows itself gives where the feature is absent (rustix's
//! `not_implemented.rs` plays the same part). Nothing here pretends to succeed.
//!
//! Where a Linux answer does exist, the function is not here but built for real:
//! `DecryptFile`, `FileEncryptionStatus`, `SfcIsFileProtected`,
//! `SfcGetNextProtectedFile` and the `Wow64*FsRedirection` pair live in
//! [`crate::fs`] (`fs/legacy.rs`).
//!
//! | API family | code | why |
//! |---|---|---|
//! | EFS (`EncryptFile`, users, raw backup) | 6014 `ERROR_VOLUME_NOT_SUPPORT_EFS` | no Linux file system carries EFS; Windows answers 6014 on volumes without it |
//! | `SetFileShortName` | 50 `ERROR_NOT_SUPPORTED` | no 8.3 names on Linux file systems |
//! | `WSAAsyncSelect` | 50 | no window message queue |
//! | win32pipe `popen`, `popen2`, `popen3`, `popen4` | 50 | pywin32's Python 3 builds have no command pipes either (`subprocess` does it) |

use crate::error::{not_found_for, Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle};

/// The refusal of an EFS call naming `name`: a missing file is reported as Windows
/// would (2 or 3), an existing one with ERROR_VOLUME_NOT_SUPPORT_EFS.
fn efs_refusal(name: &str, api: &'static str) -> Result<()> {
    let r = crate::path::resolve(name, false).api(api)?;
    if r.device.is_some() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, api));
    }
    match rustix::fs::statat(rustix::fs::CWD, &r.linux, rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
        Ok(_) => Err(Error::new(Win32Error::VOLUME_NOT_SUPPORT_EFS, api)),
        Err(_) => Err(Error::new(not_found_for(&r.linux), api)),
    }
}

/// `EncryptFile`—would encrypt a file with the user's EFS certificate.
///
/// # Linux mechanism
/// Refused with ERROR_VOLUME_NOT_SUPPORT_EFS (6014): Linux has no EFS (fscrypt is a
/// per-directory policy set before files exist, not per-file encryption).
#[doc(alias = "EncryptFileW")]
pub fn encrypt_file(name: &str) -> Result<()> {
    efs_refusal(name, "EncryptFile")
}

/// `AddUsersToEncryptedFile`—would grant more users' certificates access to an EFS file.
///
/// # Linux mechanism
/// Refused with 6014: no file is EFS-encrypted on Linux, so none has a user list.
pub fn add_users_to_encrypted_file(name: &str) -> Result<()> {
    efs_refusal(name, "AddUsersToEncryptedFile")
}

/// `RemoveUsersFromEncryptedFile`—would remove users from an EFS file's key list.
///
/// # Linux mechanism
/// Refused with 6014: no EFS key lists exist on Linux.
pub fn remove_users_from_encrypted_file(name: &str) -> Result<()> {
    efs_refusal(name, "RemoveUsersFromEncryptedFile")
}

/// `QueryUsersOnEncryptedFile`—would list the users who can decrypt an EFS file.
///
/// # Linux mechanism
/// Refused with 6014: no EFS key lists exist on Linux.
pub fn query_users_on_encrypted_file(name: &str) -> Result<()> {
    efs_refusal(name, "QueryUsersOnEncryptedFile")
}

/// `QueryRecoveryAgentsOnEncryptedFile`—would list an EFS file's recovery agents.
///
/// # Linux mechanism
/// Refused with 6014: no EFS recovery policy exists on Linux.
pub fn query_recovery_agents_on_encrypted_file(name: &str) -> Result<()> {
    efs_refusal(name, "QueryRecoveryAgentsOnEncryptedFile")
}

/// `DuplicateEncryptionInfoFile`—would copy one EFS file's key metadata to another.
///
/// # Linux mechanism
/// Refused with 6014 (after Windows' not-found answer for a missing source).
pub fn duplicate_encryption_info_file(src: &str) -> Result<()> {
    efs_refusal(src, "DuplicateEncryptionInfoFile")
}

/// `EncryptionDisable`—would mark a directory so that EFS refuses to encrypt in it.
///
/// # Linux mechanism
/// Refused with 6014: with no EFS there is nothing to disable (Windows records the
/// choice in the directory's Desktop.ini for EFS alone).
pub fn encryption_disable(dir: &str) -> Result<()> {
    efs_refusal(dir, "EncryptionDisable")
}

/// `OpenEncryptedFileRaw`—would open an EFS file for raw (still encrypted) backup.
///
/// # Linux mechanism
/// Refused with 6014: there is no encrypted representation to export or import.
pub fn open_encrypted_file_raw(name: &str, flags: u32) -> Result<()> {
    const API: &str = "OpenEncryptedFileRaw";
    // CREATE_FOR_IMPORT names a file that need not exist yet.
    if flags & 1 != 0 {
        return Err(Error::new(Win32Error::VOLUME_NOT_SUPPORT_EFS, API));
    }
    efs_refusal(name, API)
}

/// `ReadEncryptedFileRaw`/`WriteEncryptedFileRaw`/`CloseEncryptedFileRaw`—use a raw
/// context from `OpenEncryptedFileRaw`, which never gives one: any context passed is
/// not one of ours.
///
/// # Linux mechanism
/// Refused with ERROR_INVALID_PARAMETER (87): no raw context can exist.
#[doc(alias = "ReadEncryptedFileRaw")]
#[doc(alias = "WriteEncryptedFileRaw")]
#[doc(alias = "CloseEncryptedFileRaw")]
pub fn encrypted_file_raw_context(api: &'static str) -> Result<()> {
    Err(Error::new(Win32Error::INVALID_PARAMETER, api))
}

/// `SetFileShortName`—would set the 8.3 alias of the file open as `h`.
///
/// # Linux mechanism
/// Refused with ERROR_NOT_SUPPORTED (50) after the handle check: Linux file systems keep
/// no 8.3 short names (FindFiles reports them empty).
pub fn set_file_short_name(h: Handle) -> Result<()> {
    const API: &str = "SetFileShortName";
    handle::get::<File>(h).api(API)?;
    Err(Error::new(Win32Error::NOT_SUPPORTED, API))
}

/// `WSAAsyncSelect`—would post socket readiness as window messages to an HWND.
///
/// # Linux mechanism
/// Refused with ERROR_NOT_SUPPORTED (50): Linux has no window message queue.
pub fn wsa_async_select() -> Result<()> {
    Err(Error::new(Win32Error::NOT_SUPPORTED, "WSAAsyncSelect"))
}

/// win32pipe's `popen` family (`api`: "popen", "popen2", "popen3", "popen4")—command
/// pipes of pywin32's Python 2 builds, which its Python 3 builds do not provide.
///
/// # Linux mechanism
/// Refused with ERROR_NOT_SUPPORTED (50): Python's `subprocess` runs commands with pipes.
pub fn popen(api: &'static str) -> Result<()> {
    Err(Error::new(Win32Error::NOT_SUPPORTED, api))
}
