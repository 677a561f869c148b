//! The DOS device tables as last read, kept while nothing they were read from changed:
//! a drive-letter open then costs no stat(2) of the tables, their base directories or the
//! drive's target.
//!
//! # Linux mechanism
//! While the tables are read, every path looked at (`note`) is recorded. Each is then
//! walked component by component, following symbolic links, and every directory on the
//! way gets an inotify watch for the names looked up in it (created, deleted, renamed
//! or changed attributes). Before each use the cache reads its inotify descriptor
//! (non-blocking, one read(2) that usually returns EAGAIN); an event for a recorded
//! name, a removed watch or an overflowed queue drops the cache. inotify events are
//! queued by the call that makes the change, so a change another process finished
//! before our call began is seen by it. The environment variables the tables come from
//! and the effective user are compared on each use too.
//!
//! What it does not see: mounts and unmounts on the way (no inotify event), nor
//! permission changes through ACLs of a directory that is not itself renamed or
//! chmod'ed. Both only matter when a drive's target is replaced by a mount while a
//! process keeps running; `WINFILE_DRIVE_CACHE=0` turns the cache off.

use crate::poison::MutexExt;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rustix::fs::inotify;
use rustix::io::Errno;

const VARS: [&str; 5] = ["XDG_RUNTIME_DIR", "TMPDIR", "XDG_CONFIG_HOME", "HOME", "XDG_CACHE_HOME"];

/// What the tables' locations depend on besides the file system.
#[derive(PartialEq, Eq)]
struct Key {
    euid: u32,
    vars: [Option<OsString>; 5],
}

impl Key {
    fn now() -> Key {
        Key { euid: rustix::process::geteuid().as_raw(), vars: VARS.map(std::env::var_os) }
    }
}

/// Watches on the directories the tables were read through.
struct Watcher {
    fd: OwnedFd,
    names: HashMap<i32, HashSet<OsString>>,
}

impl Watcher {
    fn new() -> Option<Watcher> {
        let fd = inotify::init(inotify::CreateFlags::CLOEXEC | inotify::CreateFlags::NONBLOCK).ok()?;
        Some(Watcher { fd, names: HashMap::new() })
    }

    /// Watches every directory the lookup of each path goes through.
    fn watch(&mut self, paths: &[PathBuf]) -> Result<(), Errno> {
        let mut dirs: HashMap<PathBuf, HashSet<OsString>> = HashMap::new();
        for p in paths {
            lookups(p, &mut dirs)?;
        }
        let mask = inotify::WatchFlags::CREATE
            | inotify::WatchFlags::DELETE
            | inotify::WatchFlags::MOVED_FROM
            | inotify::WatchFlags::MOVED_TO
            | inotify::WatchFlags::ATTRIB
            | inotify::WatchFlags::DELETE_SELF
            | inotify::WatchFlags::MOVE_SELF
            | inotify::WatchFlags::ONLYDIR
            | inotify::WatchFlags::DONT_FOLLOW;
        for (dir, names) in dirs {
            let wd = inotify::add_watch(&self.fd, &dir, mask)?;
            self.names.entry(wd).or_default().extend(names);
        }
        Ok(())
    }

    /// Reads the queued events: false if one concerns a recorded name.
    fn clean(&self) -> bool {
        let mut buf = [MaybeUninit::<u8>::uninit(); 4096];
        let mut reader = inotify::Reader::new(&self.fd, &mut buf);
        let mut clean = true;
        loop {
            match reader.next() {
                Ok(ev) => {
                    let relevant = match (self.names.get(&ev.wd()), ev.file_name()) {
                        (Some(names), Some(name)) => {
                            let name = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name.to_bytes());
                            names.contains(name)
                        }
                        // The directory itself, a removed watch, an overflowed queue.
                        _ => true,
                    };
                    clean &= !relevant;
                }
                Err(Errno::AGAIN) => return clean,
                Err(Errno::INTR) => continue,
                Err(_) => return false,
            }
        }
    }
}

/// Adds to `dirs` each (directory, name) the kernel looks up to reach `path`, following
/// symbolic links (at most 40, as the kernel). A missing component ends the walk: its
/// creation is what the watch on its directory will report.
fn lookups(path: &Path, dirs: &mut HashMap<PathBuf, HashSet<OsString>>) -> Result<(), Errno> {
    if !path.is_absolute() {
        return Err(Errno::INVAL);
    }
    let mut todo: Vec<OsString> = Vec::new();
    push_front(&mut todo, path);
    let mut dir = PathBuf::from("/");
    let mut links = 0;
    while let Some(name) = todo.pop() {
        if name == ".." {
            dir.pop();
            continue;
        }
        dirs.entry(dir.clone()).or_default().insert(name.clone());
        let next = dir.join(&name);
        match rustix::fs::lstat(&next) {
            Err(_) => return Ok(()),
            Ok(st) if rustix::fs::FileType::from_raw_mode(st.st_mode).is_symlink() => {
                links += 1;
                if links > 40 {
                    return Err(Errno::LOOP);
                }
                let raw = rustix::fs::readlink(&next, Vec::new())?.into_bytes();
                let target = PathBuf::from(<OsString as std::os::unix::ffi::OsStringExt>::from_vec(raw));
                if target.is_absolute() {
                    dir = PathBuf::from("/");
                }
                push_front(&mut todo, &target);
            }
            Ok(_) => dir = next,
        }
    }
    Ok(())
}

/// Puts the components of `p` before those still to walk (`todo` is a stack).
fn push_front(todo: &mut Vec<OsString>, p: &Path) {
    for c in p.components().rev() {
        match c {
            Component::Normal(n) => todo.push(n.to_os_string()),
            Component::ParentDir => todo.push(OsString::from("..")),
            _ => {}
        }
    }
}

struct Cache {
    key: Key,
    watcher: Watcher,
    dirs: Vec<PathBuf>,
    targets: HashMap<PathBuf, Option<PathBuf>>,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

thread_local! {
    static RECORDED: RefCell<Option<Vec<PathBuf>>> = const { RefCell::new(None) };
}

/// Records that the tables' reading looked at `path` (a no-op unless recording).
pub(super) fn note(path: &Path) {
    RECORDED.with(|r| {
        if let Some(list) = r.borrow_mut().as_mut() {
            list.push(path.to_path_buf());
        }
    });
}

fn recorded<T>(f: impl Fn() -> T) -> (T, Vec<PathBuf>) {
    RECORDED.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let out = f();
    let paths = RECORDED.with(|r| r.borrow_mut().take()).unwrap_or_default();
    (out, paths)
}

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WINFILE_DRIVE_CACHE").is_none_or(|v| v != "0"))
}

/// The table directories: `read` (which notes what it looks at) runs only when the
/// cache is missing or stale.
pub(super) fn dirs(read: impl Fn() -> Vec<PathBuf>) -> Vec<PathBuf> {
    if !enabled() {
        return read();
    }
    let key = Key::now();
    let mut cache = CACHE.locked();
    if let Some(c) = cache.as_ref() {
        if c.key == key && c.watcher.clean() {
            return c.dirs.clone();
        }
    }
    *cache = None;
    let (first, paths) = recorded(&read);
    let Some(mut watcher) = Watcher::new() else {
        return first;
    };
    if let Err(e) = watcher.watch(&paths) {
        log::debug!("DOS device tables not cached: {e}");
        return first;
    }
    // Read again with the watches in place: a change between the two readings shows
    // as a difference, and every later one as an event.
    watcher.clean();
    let (again, paths_again) = recorded(&read);
    if again == first && paths_again == paths {
        *cache = Some(Cache { key, watcher, dirs: again.clone(), targets: HashMap::new() });
    }
    again
}

/// The target of a table entry: `read` (which notes what it looks at) runs only when it
/// is not cached. Callers have just had [`dirs`] check the cache.
pub(super) fn target(entry: &Path, read: impl Fn() -> Option<PathBuf>) -> Option<PathBuf> {
    if !enabled() {
        return read();
    }
    let mut guard = CACHE.locked();
    let Some(cache) = guard.as_mut() else {
        return read();
    };
    if let Some(t) = cache.targets.get(entry) {
        return t.clone();
    }
    let (first, paths) = recorded(&read);
    if cache.watcher.watch(&paths).is_err() || !cache.watcher.clean() {
        *guard = None;
        return first;
    }
    let (again, paths_again) = recorded(&read);
    if again == first && paths_again == paths {
        cache.targets.insert(entry.to_path_buf(), again.clone());
    }
    again
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_follow_links_and_stop_at_missing_names() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        std::os::unix::fs::symlink("real", root.join("link")).unwrap();
        let mut dirs = HashMap::new();
        lookups(&root.join("link/missing/deeper"), &mut dirs).unwrap();
        let names = |p: &Path| dirs.get(p).cloned().unwrap_or_default();
        assert!(names(&root).contains(&OsString::from("link")));
        assert!(names(&root).contains(&OsString::from("real")));
        assert!(names(&root.join("real")).contains(&OsString::from("missing")));
        assert!(!dirs.contains_key(&root.join("real/missing")));
    }
}
