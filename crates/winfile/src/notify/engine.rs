//! The process-wide inotify instance (one for every watch: users get 128 instances)
//! and its reader thread, which pairs renames and dispatches events to the watches.

use super::filter::{self, *};
use super::record::*;
use super::watch::{run, Completion, Watch, WatchState};
use crate::error::Win32Error;
use crate::poison::MutexExt;
use rustix::event::{PollFd, PollFlags, Timespec};
use rustix::fs::{inotify, Dir, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// Read buffer of the reader thread.
const READ_BUF: usize = 64 * 1024;
/// How long an unpaired IN_MOVED_FROM waits for its IN_MOVED_TO.
const PAIRING_WINDOW_NS: i64 = 2_000_000;
/// Reads added to a batch while looking for a MOVED_TO (bounds the batch under load).
const MAX_PAIRING_ROUNDS: usize = 4;

struct Registry {
    /// wd → the watches covering that directory.
    wds: HashMap<i32, Vec<u64>>,
    watches: HashMap<u64, Arc<Watch>>,
}

pub(super) struct Engine {
    fd: OwnedFd,
    reg: Mutex<Registry>,
}

struct Ev {
    wd: i32,
    mask: u32,
    cookie: u32,
    name: Option<Vec<u8>>,
}

/// The engine, started on first use.
pub(super) fn engine() -> Result<&'static Engine, Win32Error> {
    static ENGINE: OnceLock<Result<Engine, Win32Error>> = OnceLock::new();
    let e = ENGINE.get_or_init(|| {
        let fd = inotify::init(inotify::CreateFlags::CLOEXEC).map_err(Win32Error::from)?;
        Ok(Engine { fd, reg: Mutex::new(Registry { wds: HashMap::new(), watches: HashMap::new() }) })
    });
    let e = e.as_ref().map_err(|c| *c)?;
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let spawned = std::thread::Builder::new().name("winfile-notify".into()).spawn(move || e.reader());
        if let Err(err) = spawned {
            log::debug!("cannot start the notify reader: {err}");
        }
    });
    Ok(e)
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        format!("{rel}/{name}")
    }
}

fn under(path: &str, prefix: &str) -> bool {
    path == prefix || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
}

fn parse(buf: &[u8], out: &mut Vec<Ev>) {
    let u32_at = |o: usize| buf.get(o..o + 4).map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
    let mut off = 0;
    while let (Some(wd), Some(mask), Some(cookie), Some(len)) =
        (u32_at(off), u32_at(off + 4), u32_at(off + 8), u32_at(off + 12))
    {
        let start = off + 16;
        let raw = buf.get(start..start + len as usize).unwrap_or(&[]);
        let name = raw.split(|&b| b == 0).next().filter(|n| !n.is_empty()).map(<[u8]>::to_vec);
        out.push(Ev { wd: wd as i32, mask, cookie, name });
        off = start + len as usize;
    }
}

impl Engine {
    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.reg.locked()
    }

    fn read_into(&self, buf: &mut [u8], events: &mut Vec<Ev>) -> bool {
        loop {
            match rustix::io::read(&self.fd, &mut *buf) {
                Ok(n) => {
                    parse(&buf[..n], events);
                    return true;
                }
                Err(Errno::INTR) => continue,
                Err(e) => {
                    log::debug!("inotify read failed: {e}");
                    return false;
                }
            }
        }
    }

    fn reader(&self) {
        let mut buf = vec![0u8; READ_BUF];
        loop {
            let mut events = Vec::new();
            if !self.read_into(&mut buf, &mut events) {
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            }
            // A MOVED_FROM whose MOVED_TO is not in this batch: give it a moment.
            let mut rounds = 0;
            while rounds < MAX_PAIRING_ROUNDS && has_unpaired_from(&events) {
                rounds += 1;
                let mut fds = [PollFd::new(&self.fd, PollFlags::IN)];
                let window = Timespec { tv_sec: 0, tv_nsec: PAIRING_WINDOW_NS };
                match rustix::event::poll(&mut fds, Some(&window)) {
                    Ok(n) if n > 0 => {
                        if !self.read_into(&mut buf, &mut events) {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            self.dispatch(events);
        }
    }

    fn dispatch(&self, events: Vec<Ev>) {
        let mut out: Vec<Completion> = Vec::new();
        {
            let mut reg = self.lock();
            let mut paired = vec![false; events.len()];
            for (i, ev) in events.iter().enumerate() {
                if paired[i] {
                    continue;
                }
                if ev.mask & IN_Q_OVERFLOW != 0 {
                    log::debug!("inotify queue overflowed");
                    for w in reg.watches.values() {
                        w.overflow(&mut w.lock(), &mut out);
                    }
                    continue;
                }
                if ev.mask & IN_IGNORED != 0 {
                    self.forget_wd(&mut reg, ev.wd, &mut out);
                    continue;
                }
                let Some(name) = &ev.name else { continue };
                if ev.mask & IN_MOVED_FROM != 0 {
                    let to = (i + 1..events.len())
                        .find(|&j| !paired[j] && events[j].mask & IN_MOVED_TO != 0 && events[j].cookie == ev.cookie);
                    if let Some(j) = to {
                        paired[j] = true;
                    }
                    let to = to.and_then(|j| events[j].name.as_ref().map(|n| (events[j].wd, n.as_slice())));
                    self.moved(&mut reg, Some((ev.wd, name)), to, ev.mask & IN_ISDIR != 0, &mut out);
                } else if ev.mask & IN_MOVED_TO != 0 {
                    self.moved(&mut reg, None, Some((ev.wd, name)), ev.mask & IN_ISDIR != 0, &mut out);
                } else {
                    self.simple(&mut reg, ev, name, &mut out);
                }
            }
        }
        run(out);
    }

    fn watches_of(reg: &Registry, wd: i32) -> Vec<Arc<Watch>> {
        reg.wds
            .get(&wd)
            .map(|ids| ids.iter().filter_map(|id| reg.watches.get(id).cloned()).collect())
            .unwrap_or_default()
    }

    fn simple(&self, reg: &mut Registry, ev: &Ev, name: &[u8], out: &mut Vec<Completion>) {
        let is_dir = ev.mask & IN_ISDIR != 0;
        let name = String::from_utf8_lossy(name);
        for w in Self::watches_of(reg, ev.wd) {
            let mut st = w.lock();
            let Some(rel) = st.dirs.get(&ev.wd).map(|r| join(r, &name)) else { continue };
            if ev.mask & IN_CREATE != 0 {
                let seen = st.scanned.remove(&rel);
                if !seen {
                    w.report(&mut st, filter::name_class(is_dir), FILE_ACTION_ADDED, &rel, out);
                }
                if is_dir && w.subtree {
                    self.add_dir(reg, &w, &mut st, &rel, true, out);
                }
            } else if ev.mask & IN_DELETE != 0 {
                st.scanned.remove(&rel);
                w.report(&mut st, filter::name_class(is_dir), FILE_ACTION_REMOVED, &rel, out);
            } else {
                let classes = filter::classes_of(ev.mask);
                if classes != 0 {
                    w.report(&mut st, classes, FILE_ACTION_MODIFIED, &rel, out);
                }
            }
        }
    }

    fn moved(
        &self,
        reg: &mut Registry,
        from: Option<(i32, &[u8])>,
        to: Option<(i32, &[u8])>,
        is_dir: bool,
        out: &mut Vec<Completion>,
    ) {
        let mut ws = from.map(|f| Self::watches_of(reg, f.0)).unwrap_or_default();
        for w in to.map(|t| Self::watches_of(reg, t.0)).unwrap_or_default() {
            if !ws.iter().any(|x| x.id == w.id) {
                ws.push(w);
            }
        }
        let class = filter::name_class(is_dir);
        for w in ws {
            let mut st = w.lock();
            let rel_of = |st: &WatchState, e: Option<(i32, &[u8])>| {
                e.and_then(|(wd, n)| st.dirs.get(&wd).map(|r| (wd, join(r, &String::from_utf8_lossy(n)))))
            };
            let (f, t) = (rel_of(&st, from), rel_of(&st, to));
            if let Some((_, fr)) = &f {
                st.scanned.remove(fr);
            }
            match (f, t) {
                (Some((fwd, fr)), Some((twd, tr))) => {
                    if fwd == twd {
                        w.report(&mut st, class, FILE_ACTION_RENAMED_OLD_NAME, &fr, out);
                        w.report(&mut st, class, FILE_ACTION_RENAMED_NEW_NAME, &tr, out);
                    } else {
                        w.report(&mut st, class, FILE_ACTION_REMOVED, &fr, out);
                        w.report(&mut st, class, FILE_ACTION_ADDED, &tr, out);
                    }
                    if is_dir {
                        for rel in st.dirs.values_mut() {
                            if under(rel, &fr) {
                                *rel = format!("{tr}{}", &rel[fr.len()..]);
                            }
                        }
                    }
                }
                (Some((_, fr)), None) => {
                    w.report(&mut st, class, FILE_ACTION_REMOVED, &fr, out);
                    if is_dir {
                        let gone: Vec<i32> = st.dirs.iter().filter(|(_, r)| under(r, &fr)).map(|(wd, _)| *wd).collect();
                        for wd in gone {
                            st.dirs.remove(&wd);
                            self.drop_user(reg, wd, w.id);
                        }
                    }
                }
                (None, Some((_, tr))) => {
                    w.report(&mut st, class, FILE_ACTION_ADDED, &tr, out);
                    if is_dir && w.subtree {
                        self.add_dir(reg, &w, &mut st, &tr, false, out);
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn drop_user(&self, reg: &mut Registry, wd: i32, id: u64) {
        if let Some(ids) = reg.wds.get_mut(&wd) {
            ids.retain(|&x| x != id);
            if ids.is_empty() {
                reg.wds.remove(&wd);
                let _ = inotify::remove_watch(&self.fd, wd);
            }
        }
    }

    /// The kernel dropped `wd` (directory deleted or unwatched).
    fn forget_wd(&self, reg: &mut Registry, wd: i32, out: &mut Vec<Completion>) {
        for w in Self::watches_of(reg, wd) {
            let mut st = w.lock();
            if st.dirs.remove(&wd).is_some_and(|rel| rel.is_empty()) {
                // The watched directory itself is gone: make the caller look.
                w.overflow(&mut st, out);
            }
        }
        reg.wds.remove(&wd);
    }

    /// Watches the directory `rel` of `w` (and, for a subtree watch, every directory
    /// below it). With `scan`, what is found there is reported as ADDED: the directory
    /// was just created, and entries made before its watch existed have no event.
    fn add_dir(
        &self,
        reg: &mut Registry,
        w: &Arc<Watch>,
        st: &mut WatchState,
        rel: &str,
        scan: bool,
        out: &mut Vec<Completion>,
    ) {
        let path = if rel.is_empty() { w.root.clone() } else { w.root.join(rel) };
        let mask = inotify::WatchFlags::from_bits_retain(filter::inotify_mask(w.filter));
        let wd = match inotify::add_watch(&self.fd, &path, mask) {
            Ok(wd) => wd,
            Err(Errno::NOSPC) => {
                log::debug!("inotify watch limit reached at {path:?}");
                w.overflow(st, out);
                return;
            }
            Err(e) => {
                log::debug!("cannot watch {path:?}: {e}");
                return;
            }
        };
        if st.dirs.get(&wd).is_some_and(|r| r == rel) {
            return; // already watched (and scanned) through an earlier event
        }
        let ids = reg.wds.entry(wd).or_default();
        if !ids.contains(&w.id) {
            ids.push(w.id);
        }
        st.dirs.insert(wd, rel.to_string());
        if !(scan || w.subtree) {
            return;
        }
        let Ok(fd) =
            rustix::fs::openat(CWD, &path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
        else {
            return;
        };
        let Ok(dir) = Dir::read_from(fd.as_fd()) else { return };
        for entry in dir.flatten() {
            let raw = entry.file_name().to_bytes();
            if raw == b"." || raw == b".." {
                continue;
            }
            let name = String::from_utf8_lossy(raw);
            let child = join(rel, &name);
            let is_dir = match entry.file_type() {
                FileType::Unknown => {
                    rustix::fs::statat(&fd, OsStr::from_bytes(raw), rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
                        .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Directory)
                }
                t => t == FileType::Directory,
            };
            if scan {
                w.report(st, filter::name_class(is_dir), FILE_ACTION_ADDED, &child, out);
                st.scanned.insert(child.clone());
            }
            if is_dir && w.subtree {
                self.add_dir(reg, w, st, &child, scan, out);
            }
        }
    }

    /// Starts `w`: watches its root (and subtree). Fails when the root cannot be watched.
    pub fn start(&self, w: Arc<Watch>) -> Result<(), Win32Error> {
        let mut out = Vec::new();
        {
            let mut reg = self.lock();
            reg.watches.insert(w.id, w.clone());
            let mut st = w.lock();
            self.add_dir(&mut reg, &w, &mut st, "", false, &mut out);
            if st.dirs.is_empty() {
                drop(st);
                reg.watches.remove(&w.id);
                return Err(Win32Error::ACCESS_DENIED);
            }
        }
        run(out);
        Ok(())
    }

    /// Stops `w`: its directories are unwatched and waiting reads complete.
    pub fn stop(&self, w: &Arc<Watch>) {
        let mut out = Vec::new();
        {
            let mut reg = self.lock();
            reg.watches.remove(&w.id);
            let mut st = w.lock();
            let wds: Vec<i32> = st.dirs.drain().map(|(wd, _)| wd).collect();
            for wd in wds {
                self.drop_user(&mut reg, wd, w.id);
            }
            w.close(&mut st, &mut out);
        }
        run(out);
    }
}

fn has_unpaired_from(events: &[Ev]) -> bool {
    events.iter().enumerate().any(|(i, e)| {
        e.mask & IN_MOVED_FROM != 0
            && !events[i + 1..].iter().any(|t| t.mask & IN_MOVED_TO != 0 && t.cookie == e.cookie)
    })
}
