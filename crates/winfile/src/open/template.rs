//! `CreateFile` with `hTemplateFile`: a new file takes the template's attributes and
//! extended attributes.

use super::create::{create_file_noting, CreateParams};
use crate::error::{Context, Error, Result, Win32Error};
use crate::handle::{self, File, Handle};
use crate::info::{self, SETTABLE_ATTRIBUTES};
use std::os::fd::BorrowedFd;

const API: &str = "CreateFileW";

/// `CreateFileW` with a template handle (opened with GENERIC_READ): when the call creates
/// the file, its FILE_ATTRIBUTE_* bits come from the template and the template's
/// extended attributes (Linux `user.*` xattrs, winfile's own excepted) are copied; an
/// existing file opened ignores the template, as on Windows.
///
/// # Linux mechanism
/// statx/`user.DOSATTRIB` of the template's descriptor; flistxattr/fgetxattr/fsetxattr.
pub fn create_file_with_template(name: &str, params: &CreateParams, template: Handle) -> Result<Handle> {
    create_file_with_template_noting(name, params, template).map(|(h, _)| h)
}

/// [`create_file_with_template`], also telling whether the file existed (see
/// [`super::create_file_noting`]).
///
/// # Linux mechanism
/// As [`create_file_with_template`].
pub fn create_file_with_template_noting(name: &str, params: &CreateParams, template: Handle) -> Result<(Handle, bool)> {
    let existed = crate::path::resolve(name, false)
        .is_ok_and(|r| rustix::fs::statat(rustix::fs::CWD, &r.linux, rustix::fs::AtFlags::empty()).is_ok());
    if existed && params.disposition != crate::consts::CREATE_ALWAYS {
        return create_file_noting(name, params); // opening an existing file: the template is ignored
    }
    let tmpl = handle::get::<File>(template).api(API)?;
    if !tmpl.can_read() {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let attrs = info::query_fd(tmpl.fd(), tmpl.path()).api(API)?.attributes & SETTABLE_ATTRIBUTES;
    let with_template =
        CreateParams { flags_and_attributes: (params.flags_and_attributes & !0xFFFF) | attrs, ..params.clone() };
    let (h, existed) = create_file_noting(name, &with_template)?;
    if !existed {
        if let Ok(new) = handle::get::<File>(h) {
            copy_user_xattrs(tmpl.fd(), new.fd());
        }
    }
    Ok((h, existed))
}

/// Copies `user.*` extended attributes, leaving out the ones winfile keeps itself (DOS
/// attributes are set from the template above; delete-pending and copy state are
/// winfile's own). Failures only lose the copy, as a file system without xattrs would.
fn copy_user_xattrs(from: BorrowedFd<'_>, to: BorrowedFd<'_>) {
    let mut names = vec![0u8; 64 * 1024];
    let Ok(n) = rustix::fs::flistxattr(from, &mut names[..]) else { return };
    for name in names[..n].split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let Ok(name) = std::str::from_utf8(name) else { continue };
        if !name.starts_with("user.") || name == "user.DOSATTRIB" || name.starts_with("user.winfile.") {
            continue;
        }
        let mut value = vec![0u8; 64 * 1024];
        if let Ok(len) = rustix::fs::fgetxattr(from, name, &mut value[..]) {
            let flags = rustix::fs::XattrFlags::empty();
            if let Err(e) = rustix::fs::fsetxattr(to, name, &value[..len], flags) {
                log::debug!("template xattr {name} not copied: {e}");
            }
        }
    }
}
