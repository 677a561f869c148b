//! A caller's path split at its volume-ish root (`C:\`, `\\?\C:\`, `\\server\share\`,
//! `\\?\Volume{GUID}\`, `/`), so answers can be given back in the caller's style.

use crate::error::Win32Error;
use crate::mountinfo as names;
use crate::path::{self, casefold_walk, DosDevices, PathStyle, PathType, Root};
use std::path::PathBuf;

/// A caller's path located: the text of its root as the answer should spell it, the
/// Linux directory of that root, and the normalised components below it.
#[derive(Clone, Debug)]
pub struct Located {
    /// `C:\`, `\\?\c:\`, `\\server\share\`, `\\?\Volume{...}\` or `/`.
    pub root_text: String,
    /// The Linux directory of that root (it may not exist).
    pub root_linux: PathBuf,
    /// The components below the root.
    pub parts: Vec<String>,
    /// The caller's style (answers use `\` for Windows, `/` for Unix).
    pub style: PathStyle,
    /// A UNC share root (GetDriveType reports DRIVE_REMOTE).
    pub unc: bool,
}

impl Located {
    /// The Linux path of the whole name, matched case-insensitively (Windows style).
    pub fn linux(&self) -> PathBuf {
        match self.style {
            PathStyle::Windows => casefold_walk(&self.root_linux, &self.parts),
            PathStyle::Unix => {
                let mut p = self.root_linux.clone();
                p.extend(&self.parts);
                p
            }
        }
    }

    /// The separator of the caller's style.
    pub fn sep(&self) -> char {
        match self.style {
            PathStyle::Windows => '\\',
            PathStyle::Unix => '/',
        }
    }
}

/// True if the caller's path ends with a separator of its style.
pub fn ends_with_sep(path: &str) -> bool {
    match path::path_style(path) {
        PathStyle::Windows => path.ends_with('\\') || path.ends_with('/'),
        PathStyle::Unix => path.ends_with('/'),
    }
}

/// Locates `path`; relative forms are made absolute first (`GetFullPathName`).
/// Errors: unknown drive → `ERROR_FILE_NOT_FOUND`, a device name → `ERROR_INVALID_NAME`,
/// unknown volume GUID → `ERROR_FILE_NOT_FOUND`.
pub fn locate(path: &str) -> Result<Located, Win32Error> {
    if path.is_empty() {
        return Err(Win32Error::INVALID_NAME);
    }
    if let Some((id, _)) = names::parse_volume_path(path) {
        // Split as CreateFile does: `\\?\Volume{..}\` verbatim (`.`, `..`, `/` → 123),
        // `\\.\Volume{..}\` normalised, where climbing above the volume leaves it for
        // the device namespace (no volume path there: 123).
        let p = path::parse(path)?;
        path::validate(&p)?;
        let same_volume = match &p.root {
            Root::Device(name) => names::parse_volume_path(&format!(r"\\?\{name}\"))
                .is_some_and(|(other, rest)| other == id && rest == "\\"),
            _ => false,
        };
        if !same_volume {
            return Err(Win32Error::INVALID_NAME);
        }
        let root = names::volume_root_dir(&id).ok_or(Win32Error::FILE_NOT_FOUND)?;
        let parts = p.parts;
        return Ok(Located {
            root_text: names::volume_name(&id),
            root_linux: root,
            parts,
            style: PathStyle::Windows,
            unc: false,
        });
    }
    let full = path::full_path_name(path)?;
    if path::path_style(&full) == PathStyle::Unix {
        let parts = full.split('/').filter(|s| !s.is_empty()).map(String::from).collect();
        return Ok(Located {
            root_text: "/".into(),
            root_linux: PathBuf::from("/"),
            parts,
            style: PathStyle::Unix,
            unc: false,
        });
    }
    let p = path::parse(&full)?;
    let tables = DosDevices::from_env();
    let parts: Vec<String> = p.parts.iter().filter(|s| *s != ".").cloned().collect();
    // Each part is one directory entry below the root (`\\?\C:\a/..` holds a `/`).
    if !parts.iter().all(|s| path::is_single_name(s)) {
        return Err(Win32Error::INVALID_NAME);
    }
    let (root_text, root_linux, unc) = match &p.root {
        Root::Drive(letter) => {
            let root = tables.drive_root(*letter).ok_or(Win32Error::FILE_NOT_FOUND)?;
            let text = match p.kind {
                PathType::Verbatim => format!(r"\\?\{letter}:\"),
                PathType::LocalDevice => format!(r"\\.\{}:\", letter.to_ascii_uppercase()),
                _ => format!(r"{}:\", letter.to_ascii_uppercase()),
            };
            (text, root, false)
        }
        Root::Unc { server, share } if !server.is_empty() && !share.is_empty() => {
            path::check_unc_root(server, share)?;
            let unc = tables.unc_root().ok_or(Win32Error::BAD_NETPATH)?;
            let text = if p.kind == PathType::Unc {
                format!(r"\\{server}\{share}\")
            } else {
                format!(r"\\?\UNC\{server}\{share}\")
            };
            (text, unc.join(server).join(share), true)
        }
        Root::Unix => (r"\\?\unix\".to_string(), PathBuf::from("/"), false),
        Root::Unc { .. } => return Err(Win32Error::BAD_PATHNAME),
        _ => return Err(Win32Error::INVALID_NAME),
    };
    Ok(Located { root_text, root_linux, parts, style: PathStyle::Windows, unc })
}
