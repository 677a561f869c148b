//! Redo and recovery: applying a decided transaction's steps (idempotently, so a crash
//! in the middle is finished by running them again), and the scan any winfile process
//! makes of a volume's journal on first touch.

use super::journal::{self, Op};
use rustix::fs::{AtFlags, CWD};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Test hook for the crash tests: `WINFILE_TXN_TEST_KILL=decided` (after the decision
/// record), `apply:N` (after N redo steps) or `applied` (before the journal goes)
/// makes the process SIGKILL itself there. Read once; unset, it costs one load.
pub(crate) fn crash_point(stage: &str, n: usize) {
    static POINT: std::sync::LazyLock<Option<String>> =
        std::sync::LazyLock::new(|| std::env::var("WINFILE_TXN_TEST_KILL").ok());
    let Some(p) = POINT.as_deref() else { return };
    let here = if stage == "apply" { format!("apply:{n}") } else { stage.to_owned() };
    if p == here {
        let _ = rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::KILL);
    }
}

/// Applies the redo steps in order, then makes the changed directories durable.
/// Every step is idempotent: a step already done is skipped.
pub(crate) fn apply(ops: &[Op]) {
    let mut dirs = BTreeSet::new();
    for (i, op) in ops.iter().enumerate() {
        crash_point("apply", i);
        match op {
            Op::Unlink(p) => {
                match rustix::fs::statat(CWD, p, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) if !rustix::fs::FileType::from_raw_mode(st.st_mode).is_dir() => {
                        if let Err(e) = rustix::fs::unlinkat(CWD, p, AtFlags::empty()) {
                            log::warn!("transaction redo: unlink {p:?}: {e}");
                        }
                    }
                    _ => {}
                }
                parent(p, &mut dirs);
            }
            Op::Rmdir(p) => {
                match rustix::fs::unlinkat(CWD, p, AtFlags::REMOVEDIR) {
                    Ok(()) | Err(rustix::io::Errno::NOENT) => {}
                    Err(e) => log::warn!("transaction redo: rmdir {p:?}: {e}"),
                }
                parent(p, &mut dirs);
            }
            Op::Install(shadow, target) => {
                if rustix::fs::statat(CWD, shadow, AtFlags::SYMLINK_NOFOLLOW).is_ok() {
                    if let Err(e) = rustix::fs::renameat(CWD, shadow, CWD, target) {
                        log::warn!("transaction redo: rename {shadow:?} -> {target:?}: {e}");
                    }
                }
                parent(target, &mut dirs);
            }
        }
    }
    for d in dirs {
        journal::sync_dir(&d);
    }
}

fn parent(p: &Path, dirs: &mut BTreeSet<PathBuf>) {
    if let Some(d) = p.parent() {
        dirs.insert(d.to_path_buf());
    }
}

/// Recovers every abandoned transaction of the journal directory `root`: a decided one
/// (a complete `commit` record) is redone, an undecided one discarded; leftovers of
/// finished ones are removed. Live transactions (their lock held) are left alone.
pub fn recover_root(root: &Path) {
    if !journal::trusted(root) {
        return;
    }
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // Only our own journals (not links, not another user's: a record names files).
        if !entry.file_type().is_ok_and(|t| t.is_dir()) || !journal::ours(&path) {
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".done") {
            let _ = fs::remove_dir_all(&path);
            continue;
        }
        let Some(_lock) = journal::take_abandoned(&path) else {
            // A journal killed between its mkdir and its lock file has no lock: once
            // it is a minute old it cannot belong to a creator still starting up.
            let stale = fs::symlink_metadata(&path)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 60));
            if name.ends_with(".new") && !path.join("lock").exists() && stale {
                let _ = fs::remove_dir_all(&path);
            }
            continue; // live (or not ours to judge)
        };
        if name.ends_with(".new") {
            let _ = fs::remove_dir_all(&path);
            continue;
        }
        if let Ok(data) = fs::read(path.join("commit")) {
            if let Some(ops) = journal::decode(&data) {
                apply(&ops);
            }
        }
        journal::finish_dir(&path);
    }
}

static ONCE: Once = Once::new();

const REMOTE_OR_PSEUDO: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "9p",
    "ceph",
    "glusterfs",
    "afs",
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "devpts",
    "mqueue",
    "debugfs",
    "tracefs",
    "securityfs",
    "pstore",
    "bpf",
    "configfs",
    "fusectl",
    "autofs",
    "binfmt_misc",
    "hugetlbfs",
    "efivarfs",
    "rpc_pipefs",
    "nsfs",
];

/// First touch: once per process, every mounted volume's journal directory that exists
/// is recovered (a stat per mount; nothing more where no transaction ever ran).
pub fn recover_once() {
    if ONCE.is_completed() {
        return;
    }
    ONCE.call_once(|| {
        if std::env::var_os("WINFILE_TXN_RECOVERY").is_some_and(|v| v == "0") {
            return;
        }
        let mut seen = BTreeSet::new();
        for m in crate::mountinfo::mounts() {
            // Network and pseudo file systems are not looked at here (a stat of a hung
            // NFS server would hang every winfile process's first call); their
            // journals are recovered when a transaction next starts there.
            if REMOTE_OR_PSEUDO.iter().any(|t| m.fstype == *t || m.fstype.starts_with("fuse.")) {
                continue;
            }
            if !seen.insert(m.mount_point.clone()) {
                continue;
            }
            let root = m.mount_point.join(journal::DIR_NAME);
            if rustix::fs::statat(CWD, &root, AtFlags::SYMLINK_NOFOLLOW).is_ok() {
                recover_root(&root);
            }
        }
    });
}
