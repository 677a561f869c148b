//! FILE_NOTIFY_CHANGE_* filters and what they mean on inotify.
//!
//! | Filter | inotify | Reported as |
//! |---|---|---|
//! | FILE_NAME / DIR_NAME | CREATE, DELETE, MOVED_FROM/TO (split on IN_ISDIR) | ADDED, REMOVED, RENAMED_* |
//! | SIZE, LAST_WRITE | MODIFY (LAST_WRITE also ATTRIB: utimes) | MODIFIED |
//! | ATTRIBUTES, SECURITY, CREATION | ATTRIB (chmod, chown, xattrs such as DOSATTRIB) | MODIFIED |
//! | LAST_ACCESS | ACCESS | MODIFIED |

use crate::error::Win32Error;

/// FILE_NOTIFY_CHANGE_FILE_NAME.
pub const FILE_NOTIFY_CHANGE_FILE_NAME: u32 = 0x1;
/// FILE_NOTIFY_CHANGE_DIR_NAME.
pub const FILE_NOTIFY_CHANGE_DIR_NAME: u32 = 0x2;
/// FILE_NOTIFY_CHANGE_ATTRIBUTES.
pub const FILE_NOTIFY_CHANGE_ATTRIBUTES: u32 = 0x4;
/// FILE_NOTIFY_CHANGE_SIZE.
pub const FILE_NOTIFY_CHANGE_SIZE: u32 = 0x8;
/// FILE_NOTIFY_CHANGE_LAST_WRITE.
pub const FILE_NOTIFY_CHANGE_LAST_WRITE: u32 = 0x10;
/// FILE_NOTIFY_CHANGE_LAST_ACCESS.
pub const FILE_NOTIFY_CHANGE_LAST_ACCESS: u32 = 0x20;
/// FILE_NOTIFY_CHANGE_CREATION.
pub const FILE_NOTIFY_CHANGE_CREATION: u32 = 0x40;
/// FILE_NOTIFY_CHANGE_SECURITY.
pub const FILE_NOTIFY_CHANGE_SECURITY: u32 = 0x100;
/// Every defined filter bit.
pub const FILE_NOTIFY_VALID_MASK: u32 = 0x17F;

pub(super) const IN_ACCESS: u32 = 0x1;
pub(super) const IN_MODIFY: u32 = 0x2;
pub(super) const IN_ATTRIB: u32 = 0x4;
pub(super) const IN_MOVED_FROM: u32 = 0x40;
pub(super) const IN_MOVED_TO: u32 = 0x80;
pub(super) const IN_CREATE: u32 = 0x100;
pub(super) const IN_DELETE: u32 = 0x200;
pub(super) const IN_DELETE_SELF: u32 = 0x400;
pub(super) const IN_MOVE_SELF: u32 = 0x800;
pub(super) const IN_Q_OVERFLOW: u32 = 0x4000;
pub(super) const IN_IGNORED: u32 = 0x8000;
pub(super) const IN_ONLYDIR: u32 = 0x0100_0000;
pub(super) const IN_DONT_FOLLOW: u32 = 0x0200_0000;
pub(super) const IN_EXCL_UNLINK: u32 = 0x0400_0000;
pub(super) const IN_MASK_ADD: u32 = 0x2000_0000;
pub(super) const IN_ISDIR: u32 = 0x4000_0000;

const WRITE_CLASSES: u32 = FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE;
const ATTRIB_CLASSES: u32 = FILE_NOTIFY_CHANGE_ATTRIBUTES
    | FILE_NOTIFY_CHANGE_SECURITY
    | FILE_NOTIFY_CHANGE_CREATION
    | FILE_NOTIFY_CHANGE_LAST_WRITE;

/// A filter of 0 or with undefined bits is ERROR_INVALID_PARAMETER, as on Windows.
pub fn validate(filter: u32) -> Result<(), Win32Error> {
    if filter == 0 || filter & !FILE_NOTIFY_VALID_MASK != 0 {
        Err(Win32Error::INVALID_PARAMETER)
    } else {
        Ok(())
    }
}

/// The inotify mask a watched directory needs for `filter` (added to other watchers'
/// masks on the same directory with IN_MASK_ADD).
pub(super) fn inotify_mask(filter: u32) -> u32 {
    let mut m = IN_CREATE
        | IN_DELETE
        | IN_MOVED_FROM
        | IN_MOVED_TO
        | IN_DELETE_SELF
        | IN_MOVE_SELF
        | IN_ONLYDIR
        | IN_EXCL_UNLINK
        | IN_DONT_FOLLOW
        | IN_MASK_ADD;
    if filter & WRITE_CLASSES != 0 {
        m |= IN_MODIFY;
    }
    if filter & ATTRIB_CLASSES != 0 {
        m |= IN_ATTRIB;
    }
    if filter & FILE_NOTIFY_CHANGE_LAST_ACCESS != 0 {
        m |= IN_ACCESS;
    }
    m
}

/// The filter classes a content or metadata event belongs to.
pub(super) fn classes_of(mask: u32) -> u32 {
    let mut c = 0;
    if mask & IN_MODIFY != 0 {
        c |= WRITE_CLASSES;
    }
    if mask & IN_ATTRIB != 0 {
        c |= ATTRIB_CLASSES;
    }
    if mask & IN_ACCESS != 0 {
        c |= FILE_NOTIFY_CHANGE_LAST_ACCESS;
    }
    c
}

/// The name class of an entry: DIR_NAME for directories, FILE_NAME otherwise.
pub(super) fn name_class(is_dir: bool) -> u32 {
    if is_dir {
        FILE_NOTIFY_CHANGE_DIR_NAME
    } else {
        FILE_NOTIFY_CHANGE_FILE_NAME
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        assert!(validate(0).is_err());
        assert!(validate(0x80).is_err());
        assert!(validate(0x1000).is_err());
        assert!(validate(FILE_NOTIFY_VALID_MASK).is_ok());
        assert_eq!(inotify_mask(FILE_NOTIFY_CHANGE_FILE_NAME) & (IN_MODIFY | IN_ATTRIB | IN_ACCESS), 0);
        assert_ne!(inotify_mask(FILE_NOTIFY_CHANGE_SIZE) & IN_MODIFY, 0);
        assert_ne!(inotify_mask(FILE_NOTIFY_CHANGE_SECURITY) & IN_ATTRIB, 0);
        assert_ne!(inotify_mask(FILE_NOTIFY_CHANGE_LAST_ACCESS) & IN_ACCESS, 0);
        assert_eq!(classes_of(IN_MODIFY) & FILE_NOTIFY_CHANGE_ATTRIBUTES, 0);
        assert_ne!(classes_of(IN_ATTRIB) & FILE_NOTIFY_CHANGE_ATTRIBUTES, 0);
    }
}
