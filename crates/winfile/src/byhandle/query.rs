//! `GetFileInformationByHandleEx`: one information class at a time.

use super::class;
use super::names::{current_path, proc_path};
use crate::consts::{FILE_ATTRIBUTE_COMPRESSED, FILE_LIST_DIRECTORY};
use crate::error::{Context, Error, Result, Win32Error};
use crate::find::{FindData, Finder};
use crate::handle::{self, File, FileKind, Handle};
use crate::info::{self, FileInfo, FileTime};
use crate::lock::share;
use crate::poison::MutexExt;
use std::path::Path;

const API: &str = "GetFileInformationByHandleEx";
/// Bytes of FILE_ID_BOTH_DIR_INFO records one call returns at most, as a caller's
/// 64 KiB buffer would hold them.
const LISTING_BUDGET: usize = 64 * 1024;

/// FILE_BASIC_INFO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicInfo {
    /// CreationTime.
    pub creation: FileTime,
    /// LastAccessTime.
    pub last_access: FileTime,
    /// LastWriteTime.
    pub last_write: FileTime,
    /// ChangeTime (ctime).
    pub change: FileTime,
    /// FileAttributes.
    pub attributes: u32,
}

/// FILE_STANDARD_INFO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StandardInfo {
    /// AllocationSize: bytes allocated on disk.
    pub allocation: u64,
    /// EndOfFile: the size.
    pub end_of_file: u64,
    /// NumberOfLinks.
    pub links: u32,
    /// DeletePending: marked for deletion by FileDispositionInfo or a closed
    /// delete-on-close handle, with handles still open.
    pub delete_pending: bool,
    /// Directory.
    pub directory: bool,
}

/// FILE_COMPRESSION_INFO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompressionInfo {
    /// CompressedFileSize: allocated bytes when fewer than the size, else the size.
    pub compressed_size: u64,
    /// CompressionFormat: COMPRESSION_FORMAT_NONE (0), or DEFAULT (1) for a file the
    /// file system compresses.
    pub format: u16,
    /// CompressionUnitShift.
    pub unit_shift: u8,
    /// ChunkShift.
    pub chunk_shift: u8,
    /// ClusterShift.
    pub cluster_shift: u8,
}

/// One FILE_ID_BOTH_DIR_INFO record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// FileIndex (0, as NTFS reports it).
    pub file_index: u32,
    /// CreationTime.
    pub creation: FileTime,
    /// LastAccessTime.
    pub last_access: FileTime,
    /// LastWriteTime.
    pub last_write: FileTime,
    /// ChangeTime.
    pub change: FileTime,
    /// EndOfFile.
    pub end_of_file: u64,
    /// AllocationSize.
    pub allocation: u64,
    /// FileAttributes.
    pub attributes: u32,
    /// EaSize (0: no extended attributes in Windows' sense).
    pub ea_size: u32,
    /// ShortName (empty: no 8.3 names on Linux).
    pub short_name: String,
    /// FileId: the inode number.
    pub file_id: u64,
    /// FileName.
    pub name: String,
}

/// One FILE_STREAM_INFO record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamInfo {
    /// StreamSize.
    pub size: u64,
    /// StreamAllocationSize.
    pub allocation: u64,
    /// StreamName (`::$DATA` for the unnamed data stream).
    pub name: String,
}

/// What one information class returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandleInfo {
    /// FileBasicInfo.
    Basic(BasicInfo),
    /// FileStandardInfo.
    Standard(StandardInfo),
    /// FileNameInfo: the path without its drive (`\dir\file`).
    Name(String),
    /// FileCompressionInfo.
    Compression(CompressionInfo),
    /// FileAttributeTagInfo: (FileAttributes, ReparseTag).
    AttributeTag(u32, u32),
    /// FileIdBothDirectoryInfo / FileIdBothDirectoryRestartInfo: the next batch of
    /// entries; empty once the listing is over (ERROR_NO_MORE_FILES).
    Directory(Vec<DirEntry>),
    /// FileStreamInfo: empty for a directory (ERROR_HANDLE_EOF).
    Streams(Vec<StreamInfo>),
}

/// `GetFileInformationByHandleEx`—the information of one class about the file open as
/// `h`. Classes only `SetFileInformationByHandle` takes, and classes Linux has nothing
/// for (remote protocol, storage, alignment, full/extended directory listings, ids),
/// give ERROR_INVALID_PARAMETER, as Windows gives for a class it does not query.
///
/// # Linux mechanism
/// statx(2) and the `user.DOSATTRIB` xattr of the open descriptor per class; readlink of
/// /proc/self/fd/N mapped through the drive table for the name; a getdents64 listing kept
/// on the handle for the directory classes; the delete-pending marker of `lock::share`.
pub fn get_file_information_by_handle_ex(h: Handle, class: u32) -> Result<HandleInfo> {
    let file = handle::get::<File>(h).api(API)?;
    let need_attributes = |file: &File| {
        if file.can_read_attributes() {
            Ok(())
        } else {
            Err(Error::new(Win32Error::ACCESS_DENIED, API))
        }
    };
    match class {
        class::BASIC => {
            need_attributes(&file)?;
            let i = query(&file)?;
            Ok(HandleInfo::Basic(BasicInfo {
                creation: i.creation,
                last_access: i.last_access,
                last_write: i.last_write,
                change: i.change,
                attributes: i.attributes,
            }))
        }
        class::STANDARD => {
            let i = query(&file)?;
            Ok(HandleInfo::Standard(StandardInfo {
                allocation: i.allocation,
                end_of_file: i.size,
                links: i.links,
                delete_pending: delete_pending(&file),
                directory: file.kind() == FileKind::Directory,
            }))
        }
        class::NAME => Ok(HandleInfo::Name(volume_relative_name(&current_path(&file)))),
        class::COMPRESSION => {
            let i = query(&file)?;
            let compressed = i.attributes & FILE_ATTRIBUTE_COMPRESSED != 0;
            Ok(HandleInfo::Compression(CompressionInfo {
                compressed_size: crate::fs::compressed_size(i.size, i.allocation / 512),
                format: u16::from(compressed),
                unit_shift: 0,
                chunk_shift: 0,
                cluster_shift: 0,
            }))
        }
        class::ATTRIBUTE_TAG => {
            need_attributes(&file)?;
            let i = query(&file)?;
            let tag = crate::info::reparse_tag(i.attributes);
            Ok(HandleInfo::AttributeTag(i.attributes, tag))
        }
        class::STREAM => {
            let mut streams = Vec::new();
            if file.kind() != FileKind::Directory {
                let i = query(&file)?;
                streams.push(StreamInfo { size: i.size, allocation: i.allocation, name: "::$DATA".to_string() });
            }
            // Named streams as Samba stores them (user.DosStream.* xattrs).
            streams.extend(crate::stream::list_fd(file.fd()).into_iter().map(|s| StreamInfo {
                size: s.size,
                allocation: s.size,
                name: s.name,
            }));
            Ok(HandleInfo::Streams(streams))
        }
        class::ID_BOTH_DIRECTORY | class::ID_BOTH_DIRECTORY_RESTART => {
            list(&file, class == class::ID_BOTH_DIRECTORY_RESTART).map(HandleInfo::Directory)
        }
        _ => Err(Error::new(Win32Error::INVALID_PARAMETER, API)),
    }
}

fn query(file: &File) -> Result<FileInfo> {
    info::query_fd(file.fd(), file.path()).api(API)
}

fn delete_pending(file: &File) -> bool {
    crate::lock::with_token(file, |t| match t {
        Some(t) => share::delete_pending(t.fd(file.fd()), t.armed()),
        None => false,
    })
}

/// `\dir\file` for `/drive_c/dir/file` when C: maps to `/drive_c`: the name on its
/// volume, as FileNameInfo gives it. A path no drive covers keeps its Linux spelling
/// with backslashes.
fn volume_relative_name(linux: &Path) -> String {
    match crate::path::unix_to_windows(linux) {
        Some(w) if w.len() >= 2 => w[2..].to_string(),
        _ => linux.to_string_lossy().replace('/', "\\"),
    }
}

/// The size a FILE_ID_BOTH_DIR_INFO record for `name` takes (104 bytes of fixed part,
/// the UTF-16 name, 8-byte alignment).
fn record_len(name: &str) -> usize {
    (104 + 2 * name.encode_utf16().count() + 7) & !7
}

fn entry(d: FindData) -> DirEntry {
    DirEntry {
        file_index: 0,
        creation: d.creation,
        last_access: d.last_access,
        last_write: d.last_write,
        change: d.change,
        end_of_file: d.size,
        allocation: d.allocation,
        attributes: d.attributes,
        ea_size: 0,
        short_name: String::new(),
        file_id: d.index,
        name: d.name,
    }
}

/// The directory listing of FileIdBothDirectoryInfo, kept on the handle between calls.
#[derive(Default)]
struct Listing(std::sync::Mutex<Option<Finder>>);

impl crate::handle::Extension for Listing {}

/// The next batch of the handle's directory listing (from the start when `restart`).
fn list(file: &File, restart: bool) -> Result<Vec<DirEntry>> {
    if file.kind() != FileKind::Directory {
        return Err(Error::new(Win32Error::INVALID_PARAMETER, API));
    }
    if file.access() & FILE_LIST_DIRECTORY == 0 {
        return Err(Error::new(Win32Error::ACCESS_DENIED, API));
    }
    let listing = file.ext_or_default::<Listing>();
    let mut slot = listing.0.locked();
    if restart || slot.is_none() {
        let spec = format!("{}/*", proc_path(file).display());
        *slot = Some(Finder::open(&spec).map_err(|e| Error::new(e.code(), API))?);
    }
    let Some(finder) = slot.as_mut() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    let mut used = 0;
    while used < LISTING_BUDGET {
        match finder.next_entry().map_err(|e| Error::new(e.code(), API))? {
            Some(d) => {
                used += record_len(&d.name);
                out.push(entry(d));
            }
            None => break,
        }
    }
    Ok(out)
}
