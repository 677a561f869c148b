//! The transacted Win32 calls: each resolves its names, looks them up in the
//! transaction's view, and changes shadows and the overlay, never the committed tree.

use super::isolation::{real_exists, Entry, View, Work};
use super::object::Transaction;
use super::shadow;
use crate::consts::{
    CREATE_ALWAYS, CREATE_NEW, DELETE, FILE_APPEND_DATA, FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_READONLY,
    FILE_FLAG_DELETE_ON_CLOSE, FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA, FILE_WRITE_EA, GENERIC_ALL, GENERIC_WRITE,
    OPEN_ALWAYS, OPEN_EXISTING, TRUNCATE_EXISTING, WRITE_DAC, WRITE_OWNER,
};
use crate::error::{Error, Result, Win32Error};
use crate::find::{FindData, Finder, Mask};
use crate::handle::{self, File, Handle};
use crate::info::FileInfo;
use crate::open::CreateParams;
use crate::poison::MutexExt;
use crate::txnlog::journal::{self, Journal};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MOVEFILE_REPLACE_EXISTING: u32 = 1;

fn resolve(name: &str, api: &'static str) -> Result<PathBuf> {
    let r = crate::path::resolve(name, false).map_err(|c| Error::new(c, api))?;
    if r.device.is_some() {
        return Err(Error::new(Win32Error::NOT_SUPPORTED, api));
    }
    Ok(r.linux)
}

fn text<'p>(p: &'p Path, api: &'static str) -> Result<&'p str> {
    p.to_str().ok_or(Error::new(Win32Error::NOT_SUPPORTED, api))
}

/// The journal, created at the transaction's first change. A transaction spans one
/// volume: a name on another one is refused (ERROR_NOT_SUPPORTED) before any change.
fn journal<'w>(work: &'w mut Work, t: &Transaction, path: &Path, api: &'static str) -> Result<&'w mut Journal> {
    match &work.journal {
        Some(j) if j.mnt.is_none() || j.mnt != journal::mount_id(path) => {
            return Err(Error::new(Win32Error::NOT_SUPPORTED, api));
        }
        Some(_) => {}
        None => {
            let root = journal::root_for(path).map_err(|c| Error::new(c, api))?;
            crate::txnlog::recover::recover_root(&root);
            work.journal = Some(Journal::create(&root, &t.id()).map_err(|c| Error::new(c, api))?);
        }
    }
    Ok(work.journal.as_mut().expect("journal just made"))
}

fn active<'a>(t: &'a Transaction, api: &'static str) -> Result<std::sync::MutexGuard<'a, Work>> {
    let work = t.work.locked();
    t.check_active().map_err(|c| Error::new(c, api))?;
    Ok(work)
}

fn not_found(work: &Work, path: &Path) -> Win32Error {
    match path.parent() {
        Some(p) if !work.is_dir(p) => Win32Error::PATH_NOT_FOUND,
        _ => Win32Error::FILE_NOT_FOUND,
    }
}

/// Gives the file `path` a private shadow (a copy of the committed file, or of its
/// linked shadow), claiming the committed file first. Returns the shadow.
fn private_shadow(work: &mut Work, t: &Transaction, path: &Path, api: &'static str) -> Result<PathBuf> {
    let err = |c| Error::new(c, api);
    match work.view(path) {
        View::Changed(Entry::File { shadow, linked: false, .. }) => Ok(shadow),
        View::Changed(Entry::File { shadow: old, existed, linked: true }) => {
            let fresh = journal(work, t, path, api)?.shadow_name();
            shadow::unshare(&old, &fresh).map_err(err)?;
            work.map.insert(path.to_path_buf(), Entry::File { shadow: fresh.clone(), existed, linked: false });
            Ok(fresh)
        }
        View::Real => {
            work.claim(path).map_err(err)?;
            let s = journal(work, t, path, api)?.shadow_name();
            shadow::copy_of(path, &s).map_err(err)?;
            work.map.insert(path.to_path_buf(), Entry::File { shadow: s.clone(), existed: true, linked: false });
            Ok(s)
        }
        _ => Err(err(Win32Error::NOT_SUPPORTED)),
    }
}

fn remember(work: &mut Work, h: Handle) {
    if let Ok(f) = handle::get::<File>(h) {
        work.handles.retain(|w| w.strong_count() > 0);
        work.handles.push(Arc::downgrade(&f));
    }
}

/// `CreateFileTransactedW` (CreateFileW with `Transaction=`).
///
/// # Linux mechanism
/// Reads of unchanged files open the committed file; anything that may change a file
/// opens its shadow in the journal (a copy made on this first write, claimed against
/// other writers), and new files are created as shadows. The handle fails with
/// ERROR_TRANSACTION_NOT_ACTIVE once the transaction ends.
pub fn create_file(t: &Transaction, name: &str, params: &CreateParams) -> Result<Handle> {
    const API: &str = "CreateFileTransactedW";
    let err = |c| Error::new(c, API);
    if params.flags_and_attributes & FILE_FLAG_DELETE_ON_CLOSE != 0 {
        return Err(err(Win32Error::NOT_SUPPORTED));
    }
    let path = resolve(name, API)?;
    let mut work = active(t, API)?;
    let writes = params.access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE) != 0
        || params.access & (FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA | WRITE_DAC | WRITE_OWNER) != 0
        || matches!(params.disposition, CREATE_ALWAYS | TRUNCATE_EXISTING);
    let d = params.disposition;
    let target = match work.view(&path) {
        View::Real if real_exists(&path) => {
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                if writes {
                    return Err(err(Win32Error::NOT_SUPPORTED));
                }
                path.clone()
            } else if d == CREATE_NEW {
                return Err(err(Win32Error::FILE_EXISTS));
            } else if writes {
                private_shadow(&mut work, t, &path, API)?
            } else {
                path.clone()
            }
        }
        View::Changed(Entry::File { .. }) => {
            if d == CREATE_NEW {
                return Err(err(Win32Error::FILE_EXISTS));
            }
            if writes {
                private_shadow(&mut work, t, &path, API)?
            } else {
                match work.view(&path) {
                    View::Changed(Entry::File { shadow, .. }) => shadow,
                    _ => unreachable!("checked above"),
                }
            }
        }
        View::Changed(Entry::Dir { shadow, .. }) => {
            if writes {
                return Err(err(Win32Error::NOT_SUPPORTED));
            }
            shadow
        }
        _ => {
            // The name is absent inside the transaction.
            if matches!(d, OPEN_EXISTING | TRUNCATE_EXISTING) {
                return Err(err(not_found(&work, &path)));
            }
            let parent = path.parent().unwrap_or(Path::new("/"));
            if !work.is_dir(parent) {
                return Err(err(Win32Error::PATH_NOT_FOUND));
            }
            let existed = real_exists(&path);
            if existed {
                work.claim(&path).map_err(err)?;
            }
            let s = journal(&mut work, t, &path, API)?.shadow_name();
            let mut p = params.clone();
            p.disposition = CREATE_NEW;
            let h = crate::open::create_file(text(&s, API)?, &p).map_err(|e| err(e.code()))?;
            work.map.insert(path.clone(), Entry::File { shadow: s, existed, linked: false });
            remember(&mut work, h);
            crate::error::set_last_error(Win32Error::SUCCESS);
            return Ok(h);
        }
    };
    let mut p = params.clone();
    if d == CREATE_NEW {
        p.disposition = OPEN_EXISTING;
    }
    let h = crate::open::create_file(text(&target, API)?, &p).map_err(|e| err(e.code()))?;
    // Read handles of unchanged files too: every transacted handle ends with it.
    remember(&mut work, h);
    if matches!(d, CREATE_ALWAYS | OPEN_ALWAYS) {
        crate::error::set_last_error(Win32Error::ALREADY_EXISTS);
    }
    Ok(h)
}

/// `DeleteFileTransactedW`: the name disappears inside the transaction; the committed
/// file is claimed (nobody else may write or delete it) and unlinked at commit.
pub fn delete_file(t: &Transaction, name: &str) -> Result<()> {
    const API: &str = "DeleteFileTransactedW";
    let err = |c| Error::new(c, API);
    let path = resolve(name, API)?;
    let mut work = active(t, API)?;
    match work.view(&path) {
        View::Real => {
            let m = std::fs::symlink_metadata(&path).map_err(|_| err(not_found(&work, &path)))?;
            if m.is_dir() {
                return Err(err(Win32Error::ACCESS_DENIED));
            }
            let info = crate::info::query_path(&path).map_err(err)?;
            if info.attributes & FILE_ATTRIBUTE_READONLY != 0 {
                return Err(err(Win32Error::ACCESS_DENIED));
            }
            work.claim(&path).map_err(err)?;
            journal(&mut work, t, &path, API)?;
            work.map.insert(path, Entry::Gone { dir: false });
        }
        View::Changed(Entry::File { shadow, existed, .. }) => {
            let _ = std::fs::remove_file(&shadow);
            if existed {
                work.map.insert(path, Entry::Gone { dir: false });
            } else {
                work.map.remove(&path);
            }
        }
        View::Changed(Entry::Dir { .. }) => return Err(err(Win32Error::ACCESS_DENIED)),
        _ => return Err(err(not_found(&work, &path))),
    }
    Ok(())
}

/// `CreateDirectoryTransactedW`: an empty stand-in directory in the journal, renamed
/// into place at commit; `template` gives its attributes, as CreateDirectoryEx.
pub fn create_directory(t: &Transaction, name: &str, template: Option<&str>) -> Result<()> {
    const API: &str = "CreateDirectoryTransactedW";
    let err = |c| Error::new(c, API);
    let path = resolve(name, API)?;
    let mut work = active(t, API)?;
    if work.exists(&path) {
        return Err(err(Win32Error::ALREADY_EXISTS));
    }
    let parent = path.parent().unwrap_or(Path::new("/"));
    if !work.is_dir(parent) {
        return Err(err(Win32Error::PATH_NOT_FOUND));
    }
    let existed = matches!(work.map.get(&path), Some(Entry::Gone { dir: true }));
    let s = journal(&mut work, t, &path, API)?.shadow_name();
    crate::fs::create_directory(text(&s, API)?, template).map_err(|e| err(e.code()))?;
    work.map.insert(path, Entry::Dir { shadow: s, existed });
    Ok(())
}

/// The names inside directory `dir` as the transaction sees them.
fn listing(work: &Work, dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = Vec::new();
    if matches!(work.view(dir), View::Real) {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                if matches!(work.view(&p), View::Real) {
                    names.push(p);
                }
            }
        }
    }
    for (p, e) in work.children(dir) {
        if !matches!(e, Entry::Gone { .. }) {
            names.push(p);
        }
    }
    names.sort();
    names
}

/// `RemoveDirectoryTransactedW`: the directory must be empty inside the transaction.
pub fn remove_directory(t: &Transaction, name: &str) -> Result<()> {
    const API: &str = "RemoveDirectoryTransactedW";
    let err = |c| Error::new(c, API);
    let path = resolve(name, API)?;
    let mut work = active(t, API)?;
    if !work.exists(&path) {
        return Err(err(not_found(&work, &path)));
    }
    if !work.is_dir(&path) {
        return Err(err(Win32Error::DIRECTORY));
    }
    if !listing(&work, &path).is_empty() {
        return Err(err(Win32Error::DIR_NOT_EMPTY));
    }
    match work.view(&path) {
        View::Changed(Entry::Dir { shadow, existed }) => {
            let _ = std::fs::remove_dir(&shadow);
            if existed {
                work.map.insert(path, Entry::Gone { dir: true });
            } else {
                work.map.remove(&path);
            }
        }
        _ => {
            journal(&mut work, t, &path, API)?;
            work.map.insert(path, Entry::Gone { dir: true });
        }
    }
    Ok(())
}

/// `MoveFileTransactedW` (MoveFileWithProgress with `Transaction=`), for files: the
/// destination takes the source's shadow (a second link to a committed file: no copy),
/// the source name goes. Directories are refused (ERROR_NOT_SUPPORTED).
pub fn move_file(t: &Transaction, src: &str, dst: &str, flags: u32) -> Result<()> {
    const API: &str = "MoveFileTransactedW";
    let err = |c| Error::new(c, API);
    let from = resolve(src, API)?;
    let to = resolve(dst, API)?;
    let mut work = active(t, API)?;
    let entry = match work.view(&from) {
        View::Real => {
            let m = std::fs::symlink_metadata(&from).map_err(|_| err(not_found(&work, &from)))?;
            if m.is_dir() {
                return Err(err(Win32Error::NOT_SUPPORTED));
            }
            None
        }
        View::Changed(e @ Entry::File { .. }) => Some(e),
        View::Changed(_) => return Err(err(Win32Error::NOT_SUPPORTED)),
        View::Missing => return Err(err(not_found(&work, &from))),
    };
    if from == to {
        return Ok(());
    }
    if work.exists(&to) {
        if flags & MOVEFILE_REPLACE_EXISTING == 0 {
            return Err(err(Win32Error::ALREADY_EXISTS));
        }
        if work.is_dir(&to) {
            return Err(err(Win32Error::ACCESS_DENIED));
        }
    }
    let to_parent = to.parent().unwrap_or(Path::new("/"));
    if !work.is_dir(to_parent) {
        return Err(err(Win32Error::PATH_NOT_FOUND));
    }
    let to_existed = match work.map.get(&to) {
        Some(Entry::File { existed, .. }) | Some(Entry::Dir { existed, .. }) => *existed,
        Some(Entry::Gone { .. }) => true,
        None => real_exists(&to),
    };
    if to_existed {
        work.claim(&to).map_err(err)?;
    }
    let (shadow, from_existed, linked) = match entry {
        Some(Entry::File { shadow, existed, linked }) => (shadow, existed, linked),
        _ => {
            work.claim(&from).map_err(err)?;
            let s = journal(&mut work, t, &from, API)?.shadow_name();
            journal(&mut work, t, &to, API)?;
            shadow::link_of(&from, &s).map_err(err)?;
            (s, true, true)
        }
    };
    journal(&mut work, t, &to, API)?;
    if let Some(Entry::File { shadow: old, .. }) = work.map.get(&to) {
        let _ = std::fs::remove_file(old);
    }
    work.map.insert(to, Entry::File { shadow, existed: to_existed, linked });
    if from_existed {
        work.map.insert(from, Entry::Gone { dir: false });
    } else {
        work.map.remove(&from);
    }
    Ok(())
}

/// `CopyFileTransactedW` (CopyFileEx with `Transaction=`): the destination is a new
/// shadow copied from what the transaction sees as the source.
pub fn copy_file(t: &Transaction, src: &str, dst: &str, fail_if_exists: bool) -> Result<()> {
    const API: &str = "CopyFileTransactedW";
    let err = |c| Error::new(c, API);
    let from = resolve(src, API)?;
    let to = resolve(dst, API)?;
    let mut work = active(t, API)?;
    let source = match work.view(&from) {
        View::Real if real_exists(&from) => from.clone(),
        View::Changed(Entry::File { shadow, .. }) => shadow,
        View::Changed(Entry::Dir { .. }) => return Err(err(Win32Error::ACCESS_DENIED)),
        _ => return Err(err(not_found(&work, &from))),
    };
    if std::fs::metadata(&source).is_ok_and(|m| m.is_dir()) {
        return Err(err(Win32Error::ACCESS_DENIED));
    }
    if work.exists(&to) {
        if fail_if_exists {
            return Err(err(Win32Error::FILE_EXISTS));
        }
        if work.is_dir(&to) {
            return Err(err(Win32Error::ACCESS_DENIED));
        }
    }
    if !work.is_dir(to.parent().unwrap_or(Path::new("/"))) {
        return Err(err(Win32Error::PATH_NOT_FOUND));
    }
    let existed = match work.map.get(&to) {
        Some(Entry::File { existed, .. }) | Some(Entry::Dir { existed, .. }) => *existed,
        Some(Entry::Gone { .. }) => true,
        None => real_exists(&to),
    };
    if existed {
        work.claim(&to).map_err(err)?;
    }
    let s = journal(&mut work, t, &to, API)?.shadow_name();
    shadow::copy_of(&source, &s).map_err(err)?;
    if let Some(Entry::File { shadow: old, .. }) = work.map.get(&to) {
        let _ = std::fs::remove_file(old);
    }
    work.map.insert(to, Entry::File { shadow: s, existed, linked: false });
    Ok(())
}

/// The path to look at for name `path` inside the transaction.
fn seen_path(work: &Work, path: &Path) -> std::result::Result<PathBuf, Win32Error> {
    match work.view(path) {
        View::Real => Ok(path.to_path_buf()),
        View::Changed(Entry::File { shadow, .. }) | View::Changed(Entry::Dir { shadow, .. }) => Ok(shadow),
        _ => Err(not_found(work, path)),
    }
}

/// `GetFileAttributesTransactedW`: the attributes of the name inside the transaction.
pub fn get_file_attributes_ex(t: &Transaction, name: &str) -> Result<FileInfo> {
    const API: &str = "GetFileAttributesTransactedW";
    let path = resolve(name, API)?;
    let work = active(t, API)?;
    let seen = seen_path(&work, &path).map_err(|c| Error::new(c, API))?;
    crate::info::query_path(&seen).map_err(|c| Error::new(c, API))
}

/// `SetFileAttributesTransactedW`: a file gets a private shadow carrying the new
/// attributes; a directory created in the transaction has them set on its stand-in.
/// Attributes of committed directories are refused (ERROR_NOT_SUPPORTED).
pub fn set_file_attributes(t: &Transaction, name: &str, attributes: u32) -> Result<()> {
    const API: &str = "SetFileAttributesTransactedW";
    let err = |c| Error::new(c, API);
    let path = resolve(name, API)?;
    let mut work = active(t, API)?;
    let target = match work.view(&path) {
        View::Changed(Entry::Dir { shadow, .. }) => shadow,
        View::Real if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) => {
            return Err(err(Win32Error::NOT_SUPPORTED));
        }
        View::Real if !real_exists(&path) => return Err(err(not_found(&work, &path))),
        View::Missing => return Err(err(not_found(&work, &path))),
        _ => private_shadow(&mut work, t, &path, API)?,
    };
    crate::fs::set_file_attributes(text(&target, API)?, attributes).map_err(|e| err(e.code()))
}

fn data_of(path: &Path, name: &str) -> Option<FindData> {
    let info = crate::info::query_path(path).ok()?;
    Some(FindData {
        attributes: info.attributes,
        creation: info.creation,
        last_access: info.last_access,
        last_write: info.last_write,
        size: if info.attributes & FILE_ATTRIBUTE_DIRECTORY != 0 { 0 } else { info.size },
        name: name.to_owned(),
        alternate_name: String::new(),
        reparse_tag: crate::info::reparse_tag(info.attributes),
        change: info.change,
        allocation: info.allocation,
        index: info.index,
    })
}

/// `FindFirstFileTransactedW` (FindFilesW with `Transaction=`): the directory's listing
/// inside the transaction — committed entries it did not change, plus its own.
pub fn find_files(t: &Transaction, spec: &str) -> Result<Vec<FindData>> {
    const API: &str = "FindFirstFileTransactedW";
    let err = |c| Error::new(c, API);
    let path = resolve(spec, API)?;
    let work = active(t, API)?;
    let (dir, mask) = match (path.parent(), path.file_name()) {
        (Some(d), Some(m)) => (d.to_path_buf(), m.to_string_lossy().into_owned()),
        _ => return Err(err(Win32Error::FILE_NOT_FOUND)),
    };
    if !work.is_dir(&dir) {
        return Err(err(Win32Error::PATH_NOT_FOUND));
    }
    if matches!(work.view(&dir), View::Real) && !work.map.keys().any(|p| p.parent() == Some(dir.as_path())) {
        // Nothing changed in this directory: the ordinary listing.
        return match Finder::open(text(&path, API)?) {
            Ok(mut f) => {
                let mut all = Vec::new();
                while f.next_batch(256, &mut all)? {}
                Ok(all)
            }
            Err(e) => Err(err(e.code())),
        };
    }
    let m = Mask::new(&mask);
    let mut out = Vec::new();
    for name in [".", ".."] {
        if m.matches(name) && matches!(work.view(&dir), View::Real) && dir != Path::new("/") {
            if let Some(d) = data_of(&dir.join(name), name) {
                out.push(d);
            }
        }
    }
    for p in listing(&work, &dir) {
        let Some(n) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
        if !m.matches(&n) {
            continue;
        }
        let Ok(seen) = seen_path(&work, &p) else { continue };
        if let Some(d) = data_of(&seen, &n) {
            out.push(d);
        }
    }
    if out.is_empty() {
        return Err(err(Win32Error::FILE_NOT_FOUND));
    }
    Ok(out)
}

/// `CreateHardLinkTransactedW`: the new name gets a shadow that is a second link to
/// what the transaction sees as the existing file (the committed inode, or its shadow),
/// renamed into place at commit, so both names share one inode afterwards. Inside the
/// transaction, writing the committed file through its old name gives that name a
/// private copy (copy on first write), which the new link does not follow.
pub fn create_hard_link(t: &Transaction, new_name: &str, existing: &str) -> Result<()> {
    const API: &str = "CreateHardLinkTransactedW";
    let err = |c| Error::new(c, API);
    let from = resolve(existing, API)?;
    let to = resolve(new_name, API)?;
    let mut work = active(t, API)?;
    let (source, linked) = match work.view(&from) {
        View::Real if real_exists(&from) => {
            if std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_dir()) {
                return Err(err(Win32Error::ACCESS_DENIED));
            }
            (from.clone(), true)
        }
        View::Changed(Entry::File { shadow, linked, .. }) => (shadow, linked),
        View::Changed(Entry::Dir { .. }) => return Err(err(Win32Error::ACCESS_DENIED)),
        _ => return Err(err(not_found(&work, &from))),
    };
    if work.exists(&to) {
        return Err(err(Win32Error::ALREADY_EXISTS));
    }
    if !work.is_dir(to.parent().unwrap_or(Path::new("/"))) {
        return Err(err(Win32Error::PATH_NOT_FOUND));
    }
    let existed = matches!(work.map.get(&to), Some(Entry::Gone { .. }));
    if linked && source == from {
        work.claim(&from).map_err(err)?;
    }
    let s = journal(&mut work, t, &to, API)?.shadow_name();
    shadow::link_of(&source, &s).map_err(err)?;
    work.map.insert(to, Entry::File { shadow: s, existed, linked });
    Ok(())
}

/// Fails with ERROR_TRANSACTION_NOT_ACTIVE unless `t` is active (calls whose answer
/// does not depend on the tree, such as GetFullPathName).
pub fn ensure_active(t: &Transaction, api: &'static str) -> Result<()> {
    t.check_active().map_err(|c| Error::new(c, api))
}
