//! Isolation: the transaction's private view of the tree (an overlay of the names it
//! changed over the committed tree) and its claims on the files it changed, which keep
//! other writers and other transactions out (ERROR_TRANSACTIONAL_CONFLICT) across
//! processes through the share-token machinery (`lock::share::txn_claim`).

use crate::error::Win32Error;
use crate::handle::File;
use crate::txnlog::journal::{Journal, Op};
use rustix::fs::{AtFlags, Mode, OFlags, CWD};
use std::collections::{BTreeMap, HashMap};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Weak;

/// What the transaction did to one name.
#[derive(Clone, Debug)]
pub(crate) enum Entry {
    /// The name is (now) a file whose content is `shadow`. `existed`: a committed file
    /// of that name existed when the transaction first touched it. `linked`: the shadow
    /// is a second link to a committed file (a move) and must be copied before writes.
    File { shadow: PathBuf, existed: bool, linked: bool },
    /// A directory created by the transaction; `shadow` is an empty stand-in carrying
    /// its attributes, renamed into place at commit.
    Dir { shadow: PathBuf, existed: bool },
    /// A committed name (file, or directory when `dir`) the transaction removed.
    Gone { dir: bool },
}

/// What a name is inside the transaction.
pub(crate) enum View {
    /// As committed (nothing changed here): look at the real path.
    Real,
    /// Changed by the transaction.
    Changed(Entry),
    /// Absent inside the transaction (removed, or under a removed or new directory).
    Missing,
}

/// The transaction's changes and everything it holds while active.
#[derive(Default)]
pub(crate) struct Work {
    pub(crate) journal: Option<Journal>,
    pub(crate) map: BTreeMap<PathBuf, Entry>,
    claims: HashMap<PathBuf, OwnedFd>,
    pub(crate) handles: Vec<Weak<File>>,
}

impl Work {
    /// The name `path` inside the transaction.
    pub(crate) fn view(&self, path: &Path) -> View {
        if let Some(e) = self.map.get(path) {
            return match e {
                Entry::Gone { .. } => View::Missing,
                e => View::Changed(e.clone()),
            };
        }
        for anc in path.ancestors().skip(1) {
            if let Some(e) = self.map.get(anc) {
                return match e {
                    // A new directory holds only what the map lists under it.
                    Entry::Dir { .. } | Entry::Gone { .. } | Entry::File { .. } => View::Missing,
                };
            }
        }
        View::Real
    }

    /// Whether `path` names a directory inside the transaction.
    pub(crate) fn is_dir(&self, path: &Path) -> bool {
        match self.view(path) {
            View::Real => std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()),
            View::Changed(Entry::Dir { .. }) => true,
            _ => false,
        }
    }

    /// Whether `path` names anything inside the transaction.
    pub(crate) fn exists(&self, path: &Path) -> bool {
        match self.view(path) {
            View::Real => std::fs::symlink_metadata(path).is_ok(),
            View::Changed(_) => true,
            View::Missing => false,
        }
    }

    /// Claims the committed file at `path` for the transaction (once): other writers and
    /// deleters get ERROR_TRANSACTIONAL_CONFLICT until the transaction ends.
    pub(crate) fn claim(&mut self, path: &Path) -> Result<(), Win32Error> {
        if self.claims.contains_key(path) {
            return Ok(());
        }
        let fd = match rustix::fs::openat(
            CWD,
            path,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::NOENT) => return Ok(()),
            // A symbolic link or unreadable file: not bound, as other opens.
            Err(_) => return Ok(()),
        };
        crate::lock::share::txn_claim(fd.as_fd())?;
        self.claims.insert(path.to_path_buf(), fd);
        Ok(())
    }

    /// Lets go of every claim.
    pub(crate) fn release_claims(&mut self) {
        for (_, fd) in self.claims.drain() {
            crate::lock::share::txn_release(fd.as_fd());
        }
    }

    /// The redo steps that turn the committed tree into the transaction's view, and the
    /// shadows whose data must be durable first. Order: file removals, directory
    /// removals (deepest first), installs (shallowest first, so new directories come
    /// before their contents).
    pub(crate) fn plan(&self) -> (Vec<Op>, Vec<PathBuf>) {
        let mut unlinks = Vec::new();
        let mut rmdirs = Vec::new();
        let mut installs = Vec::new();
        let mut sync = Vec::new();
        for (path, e) in &self.map {
            match e {
                Entry::Gone { dir: false } => unlinks.push(Op::Unlink(path.clone())),
                Entry::Gone { dir: true } => rmdirs.push(path.clone()),
                Entry::File { shadow, linked, .. } => {
                    // A committed file of that name is replaced by the rename itself.
                    if !linked {
                        sync.push(shadow.clone());
                    }
                    installs.push((path.clone(), shadow.clone()));
                }
                Entry::Dir { shadow, existed } => {
                    if *existed {
                        rmdirs.push(path.clone());
                    }
                    installs.push((path.clone(), shadow.clone()));
                }
            }
        }
        rmdirs.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        installs.sort_by_key(|(p, _)| p.components().count());
        let mut ops = unlinks;
        ops.extend(rmdirs.into_iter().map(Op::Rmdir));
        ops.extend(installs.into_iter().map(|(p, s)| Op::Install(s, p)));
        (ops, sync)
    }

    /// The names directly under directory `dir` that the transaction changed.
    pub(crate) fn children(&self, dir: &Path) -> Vec<(PathBuf, Entry)> {
        self.map
            .range(dir.to_path_buf()..)
            .skip_while(|(p, _)| p.as_path() == dir)
            .take_while(|(p, _)| p.starts_with(dir))
            .filter(|(p, _)| p.parent() == Some(dir))
            .map(|(p, e)| (p.clone(), e.clone()))
            .collect()
    }
}

/// Whether `path` exists in the committed tree (without following a final link).
pub(crate) fn real_exists(path: &Path) -> bool {
    rustix::fs::statat(CWD, path, AtFlags::SYMLINK_NOFOLLOW).is_ok()
}
