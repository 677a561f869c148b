//! The context a path is resolved in: the DOS device tables and the current directory.
//!
//! Win32's current directory is the process's (`getcwd`); its Windows form is the
//! drive whose root is its longest prefix (`/tmp` → `Z:\tmp`).

use super::dosdev::DosDevices;
use crate::error::Win32Error;
use std::ffi::OsString;
use std::path::{Component, PathBuf};

/// Where paths are resolved: the drive tables and the current directory.
#[derive(Clone, Debug)]
pub struct Namespace {
    /// The DOS device tables.
    pub tables: DosDevices,
    /// The current directory; `None` reads the process's on each use.
    pub cwd: Option<PathBuf>,
}

/// The current directory seen as a drive: its letter, the drive root, the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CwdLocation {
    /// The drive letter (uppercase), `None` if no drive covers the directory.
    pub letter: Option<char>,
    /// The Linux root of that drive (`/` when none covers it).
    pub root: PathBuf,
    /// The components from the root to the current directory.
    pub rest: Vec<OsString>,
}

impl CwdLocation {
    /// The components after the root as strings, if all are UTF-8.
    pub fn rest_utf8(&self) -> Option<Vec<String>> {
        self.rest.iter().map(|c| c.to_str().map(String::from)).collect()
    }

    /// The Linux current directory itself.
    pub fn linux(&self) -> PathBuf {
        let mut p = self.root.clone();
        p.extend(&self.rest);
        p
    }
}

impl Namespace {
    /// The tables named by the environment and the process's current directory.
    pub fn from_env() -> Self {
        Self { tables: DosDevices::from_env(), cwd: None }
    }

    /// Explicit tables and current directory (tests, tools).
    pub fn new(tables: DosDevices, cwd: Option<PathBuf>) -> Self {
        Self { tables, cwd }
    }

    /// The current directory (`getcwd`); a deleted one → `ERROR_PATH_NOT_FOUND`.
    pub fn cwd(&self) -> Result<PathBuf, Win32Error> {
        match &self.cwd {
            Some(c) => Ok(c.clone()),
            None => std::env::current_dir().map_err(|_| Win32Error::PATH_NOT_FOUND),
        }
    }

    /// The current directory split into drive, drive root and the rest.
    pub fn cwd_location(&self) -> Result<CwdLocation, Win32Error> {
        let cwd = self.cwd()?;
        let (letter, root) = match self.tables.locate(&cwd) {
            Some((l, r)) => (Some(l), r),
            None => (None, PathBuf::from("/")),
        };
        let rest = cwd
            .strip_prefix(&root)
            .map(|r| {
                r.components()
                    .filter_map(|c| match c {
                        Component::Normal(s) => Some(s.to_os_string()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(CwdLocation { letter, root, rest })
    }

    /// The Linux root of drive `letter` → `ERROR_PATH_NOT_FOUND` when undefined.
    pub fn drive_root(&self, letter: char) -> Result<PathBuf, Win32Error> {
        self.tables.drive_root(letter).ok_or(Win32Error::PATH_NOT_FOUND)
    }
}
