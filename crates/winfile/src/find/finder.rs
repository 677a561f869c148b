//! The streaming directory search behind `FindFirstFile`/`FindNextFile`: getdents64 in
//! batches through one open directory, a statx (and a `user.DOSATTRIB` read) only for
//! entries whose name matches the mask. Nothing is materialised: a search holds one
//! getdents buffer, whatever the directory's size.

use super::mask::Mask;
use crate::error::{Error, Result, Win32Error};
use crate::info::{self, FileInfo, FileTime};
use crate::lock::share;
use crate::path::{self, PathStyle};
use rustix::fs::{Dir, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

const API: &str = "FindFirstFileW";
/// Batches at least this large have their entries described on two threads.
const PARALLEL_MIN: usize = 128;

/// Whether more than one CPU is available (checked once).
fn parallel() -> bool {
    static P: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *P.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// One WIN32_FIND_DATA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindData {
    /// FILE_ATTRIBUTE_* bits, as GetFileAttributes reports them.
    pub attributes: u32,
    /// Creation time.
    pub creation: FileTime,
    /// Last access time.
    pub last_access: FileTime,
    /// Last write time.
    pub last_write: FileTime,
    /// Size in bytes (0 for directories).
    pub size: u64,
    /// The name as stored (bytes that are not UTF-8 escaped, see `path::escape`).
    pub name: String,
    /// The 8.3 alias: always empty, Linux file systems keep no short names.
    pub alternate_name: String,
    /// `dwReserved0`: the reparse tag of a reparse point (symbolic link), else 0.
    pub reparse_tag: u32,
    /// Change time (ctime), for FileIdBothDirectoryInfo.
    pub change: FileTime,
    /// Bytes allocated on disk, for FileIdBothDirectoryInfo.
    pub allocation: u64,
    /// The file id (inode number), for FileIdBothDirectoryInfo.
    pub index: u64,
}

impl FindData {
    fn new(i: &FileInfo, name: String) -> Self {
        Self {
            attributes: i.attributes,
            creation: i.creation,
            last_access: i.last_access,
            last_write: i.last_write,
            size: i.size,
            name,
            alternate_name: String::new(),
            reparse_tag: crate::info::reparse_tag(i.attributes),
            change: i.change,
            allocation: i.allocation,
            index: i.index,
        }
    }
}

enum Source {
    /// Entries still to read from the directory (`.` and `..` first, when due).
    Listing {
        dir: Dir,
        dots: Vec<&'static str>,
    },
    /// The spec named one file; it has been (or will be) returned.
    Single(Option<FindData>),
    Done,
}

/// An open search: a directory, a mask and a position.
pub struct Finder {
    dirfd: Option<OwnedFd>,
    dir_path: PathBuf,
    mask: Mask,
    source: Source,
}

/// Splits a spec into its directory part (None: the current directory) and its mask.
fn split(spec: &str, style: PathStyle) -> (Option<&str>, &str) {
    let is_sep = |c: char| c == '/' || (style == PathStyle::Windows && c == '\\');
    match spec.rfind(is_sep) {
        Some(i) => {
            let dir = &spec[..=i];
            // Keep the separator only where it is the root ("\", "C:\", "/").
            let trimmed = spec[..i].trim_end_matches(is_sep);
            let keep_root = trimmed.is_empty() || (trimmed.len() == 2 && trimmed.ends_with(':'));
            let dir = if keep_root { dir } else { &spec[..i] };
            (Some(dir), &spec[i + 1..])
        }
        None if style == PathStyle::Windows
            && spec.len() >= 2
            && spec.as_bytes()[1] == b':'
            && spec.as_bytes()[0].is_ascii_alphabetic() =>
        {
            (Some(&spec[..2]), &spec[2..])
        }
        None => (None, spec),
    }
}

/// Whether a directory part names the root of a drive or of the Linux tree (no `.`
/// and `..` entries there, as on Windows).
fn is_root(dir: Option<&str>, linux: &Path) -> bool {
    let Some(d) = dir else { return false };
    let d = d.trim_end_matches(['\\', '/']);
    d.is_empty() || (d.len() == 2 && d.ends_with(':')) || linux == Path::new("/")
}

fn open_error(linux: &Path, e: Errno) -> Error {
    let code = match e {
        Errno::NOTDIR if rustix::fs::stat(linux).is_ok() => Win32Error::DIRECTORY,
        Errno::NOENT | Errno::NOTDIR => Win32Error::PATH_NOT_FOUND,
        e => Win32Error::from(e),
    };
    Error::new(code, API)
}

fn lossy(name: &OsStr) -> String {
    crate::path::escape::from_os(name).into_owned()
}

impl Finder {
    /// `FindFirstFileW`'s search setup: resolves the directory part and opens it.
    /// A missing directory fails with ERROR_PATH_NOT_FOUND; a search that can match
    /// nothing (empty mask) with ERROR_FILE_NOT_FOUND.
    pub fn open(spec: &str) -> Result<Finder> {
        crate::txnlog::recover_once();
        if spec.is_empty() {
            return Err(Error::new(Win32Error::PATH_NOT_FOUND, API));
        }
        let style = path::path_style(spec);
        let (dir_part, mask_text) = split(spec, style);
        let resolved = path::resolve(dir_part.unwrap_or("."), false).map_err(|c| Error::new(c, API))?;
        if resolved.device.is_some() {
            return Err(Error::new(Win32Error::PATH_NOT_FOUND, API));
        }
        let linux = resolved.linux;
        let mask = Mask::new(mask_text);
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(CWD, &linux, flags, Mode::empty()).map_err(|e| open_error(&linux, e))?;
        if let Some(name) = mask.literal() {
            // A drive root has no `.` and `..` entries (its Linux parent is outside it).
            let dots_at_root = matches!(name, "." | "..") && is_root(dir_part, &linux);
            let found = if name.is_empty() || dots_at_root { None } else { Self::single(&fd, &linux, name, style) };
            return Ok(Finder { dirfd: None, dir_path: linux, mask, source: Source::Single(found) });
        }
        let dir = Dir::read_from(&fd).map_err(|e| open_error(&linux, e))?;
        let dots = if is_root(dir_part, &linux) { vec![] } else { vec!["..", "."] };
        Ok(Finder { dirfd: Some(fd), dir_path: linux, mask, source: Source::Listing { dir, dots } })
    }

    /// The entry a wildcard-free spec names: the exact name, else (Windows style) the
    /// first entry equal to it case-insensitively, reported with its on-disk name.
    fn single(fd: &OwnedFd, linux: &Path, name: &str, style: PathStyle) -> Option<FindData> {
        if let Some(i) = shown(fd, Path::new(name), &linux.join(name)) {
            return Some(FindData::new(&i, name.to_string()));
        }
        if style != PathStyle::Windows {
            return None;
        }
        let dir = Dir::read_from(fd).ok()?;
        for entry in dir.flatten() {
            let on_disk = OsStr::from_bytes(entry.file_name().to_bytes());
            let text = lossy(on_disk);
            if text != "." && text != ".." && path::eq_ignore_case(&text, name) {
                let full = linux.join(on_disk);
                let i = shown(fd, Path::new(on_disk), &full)?;
                return Some(FindData::new(&i, text));
            }
        }
        None
    }

    /// The next matching entry; `Ok(None)` at the end.
    pub fn next_entry(&mut self) -> Result<Option<FindData>> {
        loop {
            match &mut self.source {
                Source::Done => return Ok(None),
                Source::Single(found) => {
                    let f = found.take();
                    self.source = Source::Done;
                    return Ok(f);
                }
                Source::Listing { dir, dots } => {
                    if let Some(dot) = dots.pop() {
                        if let Some(d) = self.describe(OsStr::new(dot)) {
                            return Ok(Some(d));
                        }
                        continue;
                    }
                    match dir.read() {
                        None => {
                            self.source = Source::Done;
                            return Ok(None);
                        }
                        Some(Err(e)) => {
                            self.source = Source::Done;
                            return Err(Error::new(Win32Error::from(e), "FindNextFileW"));
                        }
                        Some(Ok(entry)) => {
                            let name = entry.file_name().to_bytes();
                            if name == b"." || name == b".." {
                                continue;
                            }
                            if let Some(d) = self.describe(OsStr::from_bytes(name)) {
                                return Ok(Some(d));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Up to `max` further matches appended to `out`; false once the search is over.
    /// The names come from getdents first; their statx and xattr reads are then
    /// split over two threads when the batch is large enough to pay for it.
    pub fn next_batch(&mut self, max: usize, out: &mut Vec<FindData>) -> Result<bool> {
        let Source::Listing { dir, dots } = &mut self.source else {
            while out.len() < max {
                match self.next_entry()? {
                    Some(d) => out.push(d),
                    None => return Ok(false),
                }
            }
            return Ok(true);
        };
        let mut names: Vec<(std::ffi::OsString, String)> = Vec::with_capacity(max);
        let mut more = true;
        while names.len() < max {
            let raw: std::ffi::OsString = if let Some(dot) = dots.pop() {
                dot.into()
            } else {
                match dir.read() {
                    None => {
                        more = false;
                        break;
                    }
                    Some(Err(e)) => return Err(Error::new(Win32Error::from(e), "FindNextFileW")),
                    Some(Ok(entry)) => {
                        let b = entry.file_name().to_bytes();
                        if b == b"." || b == b".." {
                            continue;
                        }
                        OsStr::from_bytes(b).to_os_string()
                    }
                }
            };
            let text = lossy(&raw);
            if self.mask.matches(&text) {
                names.push((raw, text));
            }
        }
        if !more {
            self.source = Source::Done;
        }
        let Some(fd) = self.dirfd.as_ref() else { return Ok(more) };
        let describe = |chunk: &[(std::ffi::OsString, String)]| -> Vec<Option<FindData>> {
            chunk
                .iter()
                .map(|(raw, text)| {
                    let full = self.dir_path.join(raw);
                    shown(fd, Path::new(raw), &full).map(|i| FindData::new(&i, text.clone()))
                })
                .collect()
        };
        if names.len() >= PARALLEL_MIN && parallel() {
            let (a, b) = names.split_at(names.len() / 2);
            let (ra, rb) = std::thread::scope(|s| {
                let h = s.spawn(|| describe(a));
                let rb = describe(b);
                (h.join(), rb)
            });
            let ra = ra.unwrap_or_else(|_| describe(a));
            out.extend(ra.into_iter().chain(rb).flatten());
        } else {
            out.extend(describe(&names).into_iter().flatten());
        }
        Ok(more)
    }

    /// The find data of `name` if it matches the mask and still exists.
    fn describe(&self, name: &OsStr) -> Option<FindData> {
        let text = lossy(name);
        if !self.mask.matches(&text) {
            return None;
        }
        let fd = self.dirfd.as_ref()?;
        let full = self.dir_path.join(name);
        let info = shown(fd, Path::new(name), &full)?;
        Some(FindData::new(&info, text))
    }
}

/// What a listing shows of `name` in the directory `dir` (`full` is its whole path):
/// nothing when it is gone, or when it was a delete-on-close file whose last holder
/// died, which this look deletes (see `lock::share::reap_at`).
fn shown(dir: &OwnedFd, name: &Path, full: &Path) -> Option<FileInfo> {
    let (info, mode) = info::query_at_mode(dir.as_fd(), name, full).ok()?;
    if share::hinted(mode) && share::reap_at(dir.as_fd(), name, full) {
        return None;
    }
    Some(info)
}

impl Iterator for Finder {
    type Item = Result<FindData>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_entry().transpose()
    }
}
