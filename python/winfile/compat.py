"""winfile's compatibility registry: one entry per function of pywin32's ``win32file``.

This is the single source of truth for the README's compatibility table
(``scripts/compat_table.py --write`` renders it) and for
``tests/test_compat_table.py``, which checks it against the module: a ``full`` or
``partial`` function is exported by ``win32file``; a ``planned`` one is absent; an
``unsupported`` one is exported and raises ``pywintypes.error`` with a fitting Windows
code (never a stub that pretends to succeed).

Statuses:

* ``full``: pywin32's signature and behaviour, as far as Linux can tell the difference.
* ``partial``: exported, with the limits given in the notes.
* ``planned``: not exported yet; ``group`` names the piece of work that will add it.
* ``unsupported``: exported with pywin32's signature; it checks its arguments' types as
  pywin32 does, then raises ``pywintypes.error`` with the code the notes give and why
  (``crates/winfile/src/unsupported.rs``).

The mechanism of a built function is the ``# Linux mechanism`` line of its doc comment
in ``crates/winfile/src``; for a planned one it is the mechanism intended.
"""

from typing import NamedTuple

FULL = "full"
PARTIAL = "partial"
PLANNED = "planned"
UNSUPPORTED = "unsupported"
STATUSES = (FULL, PARTIAL, PLANNED, UNSUPPORTED)


class Entry(NamedTuple):
    name: str
    status: str
    mechanism: str
    notes: str = ""
    group: str = ""


# Notes shared by several entries.
_TX = ("Transaction= (a win32transaction handle) is refused with error 50 (ERROR_NOT_SUPPORTED): the transacted "
       "form is not built yet (docs/transactions.md).")
# Functions whose Transaction= works (winfile::txn, docs/transactions.md).
_TXOK = ("Transaction= (a win32transaction handle) works, with TxF's isolation: changes go to shadows in the volume's "
         "`.winfile-txn/` journal and appear at CommitTransaction (atomic and durable; a crash leaves the before- or "
         "after-state, recovered by the next winfile process); other writers and transactions get 6800. "
         "One volume per transaction; ")
_TXOK_ONE = _TXOK + "see docs/transactions.md."
_OVL = (
    "On a FILE_FLAG_OVERLAPPED handle with an OVERLAPPED: returns ERROR_IO_PENDING and completes "
    "through the completion engine (io_uring, else a thread pool; WINFILE_ENGINE=uring|pool forces one), "
    "filling the buffer, then Internal/InternalHigh, then hEvent, then the handle's completion port. Reads of "
    "cached data may complete before the call returns (still ERROR_IO_PENDING, event and packet as usual), as "
    "Windows' cached fast path does. On a synchronous handle the OVERLAPPED gives the offset and the call "
    "completes before returning."
)
_LOCKS = "Binding for processes using winfile only: Linux cannot make other processes honour them."
_EFS = ("Raises error 6014 (ERROR_VOLUME_NOT_SUPPORT_EFS), Windows' answer on a volume without EFS (2/3 first for a "
        "missing file): Linux has no EFS (per-user certificate encryption of single files); fscrypt is a per-directory policy.")
_EFS_RAW = ("Raises error 87 (ERROR_INVALID_PARAMETER) for any capsule (TypeError otherwise): OpenEncryptedFileRaw never "
            "gives a raw context, since Linux has no EFS.")
_REFUSED = "Refused in `crates/winfile/src/unsupported.rs` (no Linux mechanism)."

_DELAY = (
    "MOVEFILE_DELAY_UNTIL_REBOOT is refused with error 50 (ERROR_NOT_SUPPORTED): Linux has no boot-time "
    "rename queue and winfile keeps none (see the README); MOVEFILE_CREATE_HARDLINK adds the new name as a hard "
    "link and keeps the old one; MOVEFILE_FAIL_IF_NOT_TRACKABLE is accepted (no Linux file is a link-tracking source)."
)
_MOVE_MECH = "renameat2(2) (RENAME_NOREPLACE unless replacing); across file systems the chunked copy of CopyFileEx, then unlink(2); fsync(2) for write-through; linkat(2) for CREATE_HARDLINK."

# Planned groups (the allowlist in .typeshed-stubtest-allowlist uses the same names).
G_LOCK = "byte-range locks"
G_OVL = "overlapped I/O"
G_NOTIFY = "directory changes"
G_FIND = "find"
G_LINKS = "links"
G_COPY = "copy and move with progress"
G_VOLUME = "drives and volumes"
G_HANDLE = "handle information"
G_SERIAL = "serial ports"
G_MAILSLOT = "mailslots"
G_BACKUP = "backup streams"
G_SOCKET = "sockets"
G_PATH = "paths"

ENTRIES = [
    # -- CRT interop ---------------------------------------------------------
    Entry("_get_osfhandle", FULL, "The CRT descriptor's handle from the handle table; the fd is borrowed, never closed by winfile.",
          "Errors raise OSError from errno, as the CRT does."),
    Entry("_getmaxstdio", FULL, "A process-wide value (default 512 as the CRT's), kept within RLIMIT_NOFILE."),
    Entry("_open_osfhandle", FULL, "A new descriptor for the handle's file; the descriptor then owns the handle.",
          "Errors raise OSError from errno."),
    Entry("_setmaxstdio", FULL, "setrlimit(RLIMIT_NOFILE) raised to at least the new value.",
          "Returns -1 out of range (32..8192), never raises."),
    # -- Opening, closing, reading, writing -------------------------------------
    Entry("CreateFile", FULL,
          "`openat` with O_CREAT|O_EXCL for creation (race-free dispositions), one open file description per handle; "
          "share modes as OFD read locks on reserved bytes of a per-handle token descriptor (checked under flock, before "
          "any truncation); delete-on-close via a `user.winfile.delpend` marker finished by the last handle of any process; "
          "READONLY/HIDDEN/SYSTEM checks from the DOS attributes.",
          "Share modes and delete-pending bind processes using winfile only (Linux has no mandatory open-deny). "
          "A killed holder never leaves a file locked: its kernel locks die with it, and the next opener finishes a pending delete. "
          "hTemplateFile (GENERIC_READ) gives a file being created the template's attributes and `user.*` extended attributes."),
    Entry("CreateFileW", PARTIAL,
          "As CreateFile.",
          "As CreateFile. " + _TXOK + "FILE_FLAG_DELETE_ON_CLOSE, writes to directories and device names in a "
          "transaction are refused (50); a transacted handle fails with 6701 once its transaction ends; the first write "
          "access to an existing file copies it (FICLONE where the file system reflinks)."),
    Entry("CloseHandle", FULL, "Removes the handle from the handle table; the object's descriptor is closed with its last handle.",
          "0 and None are no-ops, as in pywin32."),
    Entry("ReadFile", FULL, "read(2) on the handle's own open file description; pread(2) at an OVERLAPPED offset; overlapped handles: io_uring (IORING_OP_READ; preadv2(RWF_NOWAIT) first for cached data), else a thread pool.", _OVL),
    Entry("WriteFile", FULL,
          "write(2) on the handle's own open file description (pwrite(2) at an OVERLAPPED offset); overlapped handles: io_uring (IORING_OP_WRITE), else a thread pool; ARCHIVE set on first write.",
          _OVL),
    Entry("GetOverlappedResult", FULL, "Completion state (set by the engine: io_uring, else a thread pool) under the wait hub; the wait sleeps on its condition variable.",
          "Waits release the GIL and stay interruptible by Ctrl-C."),
    Entry("CancelIo", FULL, "Cancellation flags checked by the completion engine, plus IORING_OP_ASYNC_CANCEL on io_uring; the calling thread's I/O completes with 995."),
    Entry("CreateIoCompletionPort", PARTIAL, "In-process packet queue with LIFO hand-off to waiting threads; the file's completions post to it.",
          "Associating returns the same object passed as existing. The concurrency value counts threads released by the port "
          "until they call GetQueuedCompletionStatus again or exit; Linux cannot tell when such a thread blocks elsewhere."),
    Entry("GetQueuedCompletionStatus", FULL, "Per-waiter condition variable; waiters stacked for LIFO wake-up.",
          "Never raises an API error: (rc, bytes, key, overlapped), (258, 0, 0, None) on timeout, 735 when the port closes."),
    Entry("PostQueuedCompletionStatus", FULL, "Push onto the port's queue, handed straight to the newest waiter if any.",
          "The OVERLAPPED object is kept alive until dequeued."),
    Entry("SetFilePointer", FULL, "lseek(2) on the handle's open file description."),
    Entry("SetEndOfFile", FULL, "ftruncate(2) at lseek(fd, 0, SEEK_CUR)."),
    Entry("FlushFileBuffers", FULL, "fsync(2)."),
    Entry("GetFileSize", FULL, "fstat(2) st_size."),
    Entry("GetFileType", FULL, "The file type from fstat(2) recorded at open."),
    Entry("AllocateReadBuffer", FULL, "A zeroed bytearray, returned as a writable memoryview.",
          "pywin32 returns its own PyOVERLAPPEDReadBuffer type; both support the buffer protocol."),
    Entry("OVERLAPPED", FULL, "A plain object holding Offset/OffsetHigh/hEvent/Internal/InternalHigh/object.",
          "win32file.OVERLAPPED is pywintypes.OVERLAPPED, the type itself (pywin32 has a factory function)."),
    # -- Names and directories --------------------------------------------------
    Entry("DeleteFile", FULL, "unlinkat(2), after an lstat for Windows' refusals and a share-token probe (32 unless every handle shares delete).", "Removes the name at once, as Windows 10 does (POSIX delete semantics)."),
    Entry("DeleteFileW", PARTIAL, "unlinkat(2), after an lstat for Windows' refusals.", _TXOK_ONE),
    Entry("CreateDirectory", FULL, "mkdirat(2) with mode 0777 & ~umask."),
    Entry("CreateDirectoryW", FULL, "mkdirat(2) with mode 0777 & ~umask."),
    Entry("CreateDirectoryEx", FULL, "mkdirat(2) with mode 0777 & ~umask; template attributes copied via `user.DOSATTRIB`."),
    Entry("CreateDirectoryExW", PARTIAL,
          "mkdirat(2) with mode 0777 & ~umask; template attributes copied via `user.DOSATTRIB`.", _TXOK_ONE),
    Entry("RemoveDirectory", PARTIAL, "unlinkat(2) with AT_REMOVEDIR.", _TXOK_ONE),
    Entry("MoveFile", FULL, "renameat2(2) with RENAME_NOREPLACE."),
    Entry("MoveFileW", FULL, "renameat2(2) with RENAME_NOREPLACE."),
    Entry("MoveFileEx", PARTIAL, _MOVE_MECH, _DELAY),
    Entry("MoveFileExW", PARTIAL, _MOVE_MECH, _DELAY),
    Entry("CopyFile", FULL,
          "FICLONE, else copy_file_range(2), else read/write; fchmod and `user.DOSATTRIB` after."),
    Entry("CopyFileW", FULL,
          "FICLONE, else copy_file_range(2), else read/write; fchmod and `user.DOSATTRIB` after."),
    Entry("SetCurrentDirectory", FULL, "chdir(2) to the resolved directory."),
    Entry("GetFullPathName", PARTIAL, "Pure string normalisation against getcwd(2) and the drive table.",
          "Transaction= is accepted (the answer does not depend on the tree; 6701 once the transaction ended)."),
    # -- Attributes and times -------------------------------------------------
    Entry("GetFileAttributes", FULL, "statx(2) without following a final symlink, plus `user.DOSATTRIB`.",
          "A missing file returns -1 without raising, as in pywin32."),
    Entry("GetFileAttributesW", FULL, "statx(2) without following a final symlink, plus `user.DOSATTRIB`.",
          "A missing file returns -1 without raising, as in pywin32."),
    Entry("GetFileAttributesEx", PARTIAL, "statx(2) without following a final symlink, plus `user.DOSATTRIB`.",
          "Accepts the exported GetFileExInfoStandard value 1 as well as 0 (pywin32 rejects its own constant). " + _TXOK_ONE),
    Entry("GetFileAttributesExW", PARTIAL, "statx(2) without following a final symlink, plus `user.DOSATTRIB`.",
          "Accepts GetFileExInfoStandard (1) and 0. " + _TXOK_ONE),
    Entry("SetFileAttributes", FULL,
          "`user.DOSATTRIB` v5 (as Samba stores it); READONLY also clears the mode's write bits."),
    Entry("SetFileAttributesW", PARTIAL,
          "`user.DOSATTRIB` v5 (as Samba stores it); READONLY also clears the mode's write bits.",
          _TXOK + "attributes of directories that exist outside the transaction are refused (50)."),
    Entry("GetFileTime", FULL, "statx(2) btime/atime/mtime; creation from `user.DOSATTRIB` when one was set."),
    Entry("SetFileTime", FULL,
          "futimens(2) for access/write; creation time into `user.DOSATTRIB` (Linux cannot set btime).",
          "UTCTimes is accepted and ignored, as in pywin32 on Python 3."),
    Entry("GetFileInformationByHandle", FULL,
          "statx(2) and the `user.DOSATTRIB` xattr of the open descriptor, fstatfs(2) f_fsid."),
    # -- File API code page ---------------------------------------------------
    Entry("AreFileApisANSI", FULL, "A process-wide flag; byte paths are passed to Linux unchanged either way."),
    Entry("SetFileApisToANSI", FULL, "A process-wide flag."),
    Entry("SetFileApisToOEM", FULL, "A process-wide flag."),
    # -- Planned: byte-range locks ----------------------------------------------
    Entry("LockFile", FULL, "OFD locks on the handle's lock descriptor, mirrored from a per-handle lock list; mandatory for winfile I/O.", _LOCKS),
    Entry("LockFileEx", FULL, "F_OFD_SETLK/SETLKW on the handle's lock descriptor (an extra read-write descriptor bridges read-only and write-only handles); waits release the GIL and are interruptible.", _LOCKS + " On an overlapped handle with an OVERLAPPED: a granted lock completes the OVERLAPPED (event, port) at once; a contended one raises error 997 as pywin32 reports ERROR_IO_PENDING and completes when granted (a worker retries F_OFD_SETLK with a backoff capped at 10 ms; CancelIo or closing the handle ends it with 995)."),
    Entry("UnlockFile", FULL, "F_OFD_SETLK F_UNLCK for the exact range (ERROR_NOT_LOCKED otherwise).", _LOCKS),
    Entry("UnlockFileEx", FULL, "F_OFD_SETLK F_UNLCK for the exact range (ERROR_NOT_LOCKED otherwise).", _LOCKS),
    # -- Planned: directory changes ---------------------------------------------
    Entry("ReadDirectoryChangesW", FULL, "One process-wide inotify instance and reader thread; subtree watches follow new directories (watch, then scan); per-handle queues; overflow gives an empty result.", "Synchronous form (int size) releases the GIL and is interruptible; the buffer + OVERLAPPED form completes through the event or completion port. Takes pywin32's sixth argument (overlappedRoutine, must be None). Moves between directories of the tree are REMOVED + ADDED."),
    Entry("FILE_NOTIFY_INFORMATION", FULL, "Decodes the FILE_NOTIFY_INFORMATION records (Windows byte layout) of a buffer."),
    Entry("FindFirstChangeNotification", FULL, "An inotify watch behind a waitable handle (win32event waits accept it).", "Returns a plain int handle, as pywin32 does."),
    Entry("FindNextChangeNotification", FULL, "Re-arms the inotify-backed handle."),
    Entry("FindCloseChangeNotification", FULL, "Closes the inotify watch."),
    # -- Planned: find ------------------------------------------------------------
    Entry("FindFilesW", FULL, "getdents64 batches with Windows wildcard matching (*, ?, <, >, \"), statx and user.DOSATTRIB per entry.", "alternateName is always empty: Linux file systems have no 8.3 names. " + _TXOK_ONE),
    Entry("FindFilesIterator", FULL, "Streams getdents64 batches (never the whole directory), statx and user.DOSATTRIB per entry.",
          "With Transaction= the transaction's listing is made at the first call (not streamed). " + _TXOK_ONE),
    Entry("FindClose", FULL, "Closes a find handle."),
    Entry("FindFileNames", PARTIAL,
          "The file's own name; with more links, a readdir walk of its mount (or drive, if inside it) for the same (st_dev, inode).",
          "Names as Windows lists them (`\\dir\\name`, no drive letter; Linux paths for a Linux-style argument), the name given first. "
          "A file with one link answers at once; with more, the walk costs one readdir per directory of the mount: not for loops over many files. "
          "Names in unreadable directories are not found. " + _TX),
    Entry("FindStreams", PARTIAL, "statx(2), then listxattr(2)/getxattr(2) of the `user.DosStream.*` xattrs Samba writes.",
          "Lists `::$DATA` and every named stream stored the way Samba's vfs_streams_xattr stores them (size = xattr length - 1); "
          "opening `file:stream` names is not built yet. [] for a directory without named streams."),
    # -- Links ------------------------------------------------------------------
    Entry("CreateHardLink", PARTIAL, "linkat(2) (a symbolic link is linked itself).",
          "183 for an existing name, 17 across file systems, 5 for a directory; SecurityAttributes type-checked only. "
          + _TXOK + "the new link is a second link in the journal, renamed into place at commit."),
    Entry("CreateSymbolicLink", PARTIAL, "symlinkat(2), the target converted to a Linux path.",
          "Relative Windows targets (`..\\x\\y`) are written relative in Linux form (`../x/y`), `..` never climbing above the link's drive root (as Windows resolves them); absolute ones (`C:\\x`, `\\x`) "
          "through the drive table. SYMBOLIC_LINK_FLAG_DIRECTORY and ALLOW_UNPRIVILEGED_CREATE are accepted (Linux links are "
          "untyped and need no privilege; the directory flag is not stored). " + _TX),
    # -- Copy, move, replace with progress ------------------------------------------
    Entry("CopyFileEx", PARTIAL,
          "FICLONE, else copy_file_range(2) in 16 MiB chunks, else pread/pwrite, the progress routine between chunks; "
          "xattr `user.winfile.copyrestart` for restartable copies.",
          "Routine called with CALLBACK_STREAM_SWITCH first, then CALLBACK_CHUNK_FINISHED per chunk, with real winfile "
          "handles; CANCEL removes the partial destination, STOP keeps it (both 1235), an exception cancels and propagates. "
          "Cancel: pywin32 passes its own copy of the BOOL, so only a true value given up front counts (1235 before anything "
          "is created). COPY_FILE_RESTARTABLE resumes a stopped copy of the unchanged source (needs user xattrs on the "
          "destination). ALLOW_DECRYPTED_DESTINATION is accepted (no EFS). Named streams are not copied yet. "
          + _TXOK + "a transacted copy calls no progress routine and takes only COPY_FILE_FAIL_IF_EXISTS of the flags."),
    Entry("MoveFileWithProgress", PARTIAL, _MOVE_MECH,
          "The routine is called only when a move across file systems copies data (as CopyFileEx); a canceled or stopped "
          "move keeps the source and removes the partial copy (1235). " + _DELAY + " "
          + _TXOK + "transacted moves are of files only (directories: 50), take only MOVEFILE_REPLACE_EXISTING of the flags, "
          "call no progress routine, and link rather than copy (the source's Linux ctime moves even on rollback)."),
    Entry("ReplaceFile", FULL,
          "Metadata merged onto the replacement, linkat(2) + rename(2) for the backup, then one atomic rename(2) over the replaced file.",
          "Argument order as documented (first = the file replaced): pywin32's C code passes the two names to Windows "
          "swapped, a bug winfile does not copy. The result keeps the replaced file's attributes, creation time, mode and "
          "(as root) owner. Errors: 2/3 missing, 5 directory or READONLY replaced, 1175 replaced in use or backup not made, "
          "1176 replacement in use, on another file system or not renamed; 1177 cannot occur (the replaced name is never "
          "without a file). Exclude/Reserved must be None (ValueError)."),
    # -- Planned: drives, volumes, device names -----------------------------------
    Entry("GetLogicalDrives", FULL, "`readdir` of each drive table directory, keeping the `x:` entries; `z:` → `/` by default."),
    Entry("QueryDosDevice", FULL,
          "The runtime definition stacks, `readdir`/`readlink` of the drive tables, and /proc/self/mountinfo for `\\Device\\HarddiskVolumeN`.",
          "Returns pywin32's raw NUL-separated multi-string, current definition first. Targets: `\\??\\` + the path given to "
          "DefineDosDevice (`\\??\\C:\\data`, `\\??\\/srv` for a Unix path), raw targets as given, a table entry as "
          "`\\Device\\HarddiskVolumeN` when its root is a mount root (N = the mount ID of the file system's first mount) else "
          "`\\??\\<linux path>`. For None: NUL, the drives and the table names (no Volume{GUID} names)."),
    Entry("DefineDosDevice", FULL,
          "Symlinks in the runtime drive table `$XDG_RUNTIME_DIR/winfile/dosdevices` (fallback `${TMPDIR:-/tmp}/winfile-<uid>`, or a private directory under `~/.cache` when another user holds that name; only directories of the user's, mode 0700, never through a symlink), replaced with rename(2); the definition stack in a side file under flock(2).",
          "Per user, effective at once for every later path lookup. A stack per name as on Windows: removal brings the previous "
          "definition back. A non-raw target is resolved to its Linux directory when defined (Windows resolves at lookup). "
          "DDD_RAW_TARGET_PATH understands `\\??\\...` and `\\Device\\HarddiskVolumeN\\...`; other raw targets lead nowhere. "
          "Entries of the per-user configuration table cannot be removed (error 5)."),
    Entry("DefineDosDeviceW", FULL,
          "Symlinks in the runtime drive table `$XDG_RUNTIME_DIR/winfile/dosdevices` (fallback `${TMPDIR:-/tmp}/winfile-<uid>`, or a private directory under `~/.cache` when another user holds that name; only directories of the user's, mode 0700, never through a symlink), replaced with rename(2); the definition stack in a side file under flock(2).",
          "Per user, effective at once for every later path lookup. A stack per name as on Windows: removal brings the previous "
          "definition back. A non-raw target is resolved to its Linux directory when defined (Windows resolves at lookup). "
          "DDD_RAW_TARGET_PATH understands `\\??\\...` and `\\Device\\HarddiskVolumeN\\...`; other raw targets lead nowhere. "
          "Entries of the per-user configuration table cannot be removed (error 5)."),
    Entry("GetDriveType", FULL, "statfs(2) `f_type` and the mountinfo type; `/sys/dev/block/M:m/removable`.",
          "tmpfs/ramfs report DRIVE_RAMDISK (Wine says FIXED); network file systems (nfs, cifs/smb, 9p, ceph, sshfs...) and UNC "
          "shares DRIVE_REMOTE; iso9660/udf DRIVE_CDROM. A path that is not an existing drive root or mount point gives DRIVE_NO_ROOT_DIR."),
    Entry("GetDriveTypeW", FULL, "statfs(2) `f_type` and the mountinfo type; `/sys/dev/block/M:m/removable`.",
          "tmpfs/ramfs report DRIVE_RAMDISK (Wine says FIXED); network file systems (nfs, cifs/smb, 9p, ceph, sshfs...) and UNC "
          "shares DRIVE_REMOTE; iso9660/udf DRIVE_CDROM. A path that is not an existing drive root or mount point gives DRIVE_NO_ROOT_DIR."),
    Entry("GetDiskFreeSpace", FULL, "statvfs(3) `f_frsize`, `f_blocks`, `f_bavail`.",
          "512-byte sectors, clusters of the file system's fragment size; free clusters are the caller's (`f_bavail`). Any existing directory is accepted."),
    Entry("GetDiskFreeSpaceEx", FULL, "statvfs(3): `f_bavail`, `f_blocks`, `f_bfree` times `f_frsize`."),
    Entry("GetVolumePathName", FULL,
          "statx(2) `STATX_MNT_ID` of the nearest existing ancestor, matched in /proc/self/mountinfo (walking up with `STATX_ATTR_MOUNT_ROOT` as the fallback).",
          "Answers in the caller's style: the drive, share or volume root written, or a deeper mount point below it (`C:\\mnt\\usb\\`, `/mnt/usb/`)."),
    Entry("GetVolumeNameForVolumeMountPoint", FULL,
          "`FS_IOC_GETFSUUID` (Linux 6.5+) on the mount root, else fstatvfs(2) `f_fsid` + fstat(2) `st_dev` + fstatfs(2) `f_type` hashed.",
          "The GUID is the file system UUID as blkid prints it where the kernel reports one; stable per file system, shared by its bind mounts."),
    Entry("GetVolumePathNamesForVolumeName", FULL,
          "/proc/self/mountinfo grouped by device, one `FS_IOC_GETFSUUID` per file system; the drive table's roots compared by `st_dev`.",
          "Drive letters whose root lies on the volume first, then its mount points through the covering drive."),
    Entry("SetVolumeLabel", PARTIAL, "`FS_IOC_SETFSLABEL` on the mount root (ext4, btrfs, xfs, f2fs...).",
          "Needs CAP_SYS_ADMIN (else 1314); file systems without labels (tmpfs...) give 1 (ERROR_INVALID_FUNCTION)."),
    Entry("SetVolumeMountPoint", PARTIAL, "mount(2) `MS_BIND` of a mount of the volume's root onto the empty directory.",
          "Needs CAP_SYS_ADMIN (else 1314); the mount lasts until unmounted or reboot (Windows keeps it in the registry)."),
    Entry("DeleteVolumeMountPoint", PARTIAL, "umount2(2) with `MNT_DETACH`.",
          "Needs CAP_SYS_ADMIN (else 1314). A drive root is refused (87): drive letters are DOS device table entries."),
    Entry("GetCompressedFileSize", FULL, "stat(2) (following links): min(st_size, st_blocks × 512).",
          "Sparse and file-system-compressed files report their allocated bytes, other files their size, as Windows does; 0 for a directory."),
    # -- Planned: handle information --------------------------------------------
    Entry("GetFileInformationByHandleEx", PARTIAL,
          "statx(2) and `user.DOSATTRIB` per class; readlink of /proc/self/fd/N through the drive table for FileNameInfo; a getdents64 listing kept on the handle for the directory classes.",
          "Classes FileBasicInfo, FileStandardInfo (DeletePending from the delete-pending marker), FileNameInfo, FileCompressionInfo, "
          "FileAttributeTagInfo (ReparseTag IO_REPARSE_TAG_SYMLINK for links), FileIdBothDirectoryInfo/RestartInfo (batches of about 64 KiB "
          "of records, () at the end; FileId is the inode; ShortName empty), FileStreamInfo (`::$DATA` plus Samba-stored named streams; () for "
          "a directory). Other classes raise error 87 (ERROR_INVALID_PARAMETER, as Windows for a class it does not query) where pywin32 raises "
          "a not-implemented error."),
    Entry("SetFileInformationByHandle", PARTIAL,
          "futimens(2) and `user.DOSATTRIB`; renameat2(2); the `user.winfile.delpend` marker of the share-mode code; fallocate(2)/ftruncate(2).",
          "FileBasicInfo (ChangeTime is accepted and not applied: Linux sets ctime itself), FileRenameInfo (needs DELETE access; bare name = same "
          "directory; 183/5/17 as Windows), FileDispositionInfo (needs DELETE; new opens then get 5 and the last handle deletes; false clears; "
          "no effect on a delete-on-close handle; 145 for a non-empty directory), FileAllocationInfo (fallocate KEEP_SIZE, or truncation below "
          "the size), FileEndOfFileInfo, FileIoPriorityHintInfo (0..2 accepted without effect: Linux I/O priority is per thread, not per handle). "
          "Other classes raise error 87 where pywin32 raises a not-implemented error."),
    Entry("GetFinalPathNameByHandle", FULL,
          "readlink(2) of `/proc/self/fd/N`; statx(2) `STATX_MNT_ID` matched in /proc/self/mountinfo for the volume forms.",
          "The current name after renames. FILE_NAME_NORMALIZED and FILE_NAME_OPENED agree (no short names). VOLUME_NAME_DOS through "
          "the longest-prefix drive; GUID/NT/NONE relative to the file system's root (bind mounts accounted for)."),
    Entry("OpenFileById", PARTIAL, "name_to_handle_at(2)/open_by_handle_at(2) with an (inode, generation 0) handle, then as ReOpenFile.",
          "FileID is the inode number GetFileInformationByHandle reports. Without CAP_DAC_READ_SEARCH raises 1314 (ERROR_PRIVILEGE_NOT_HELD); "
          "an id naming no file gives 87; file systems whose export handles are not (inode, generation) pairs (ext4 is; xfs, btrfs are not) "
          "give 50 unless the id is the given handle's own file. GUID object ids: TypeError (no PyIID in winfile, no object ids on Linux)."),
    Entry("ReOpenFile", FULL, "open(2) of /proc/self/fd/N with the new access (a new open file description), share token taken as CreateFile takes it.",
          "The share rules apply between the new handle and every open one, the original included (32 on conflict)."),
    Entry("GetLongPathName", FULL,
          "lstat(2) per component; `readdir` of the parent only for a component whose exact spelling is missing.",
          "Linux keeps no 8.3 names: only the case of each component changes. " + _TX),
    Entry("GetBinaryType", FULL, "Reads the MZ/PE (or ELF) header of the file.",
          "PE images give SCS_32BIT_BINARY/SCS_64BIT_BINARY by machine, MZ alone SCS_DOS_BINARY, ELF SCS_POSIX_BINARY (Linux's native "
          "executables); anything else raises 193 (ERROR_BAD_EXE_FORMAT)."),
    Entry("DeviceIoControl", PARTIAL,
          "FSCTL_SET_SPARSE → SPARSE_FILE in `user.DOSATTRIB`; FSCTL_SET_ZERO_DATA → fallocate(PUNCH_HOLE); "
          "FSCTL_QUERY_ALLOCATED_RANGES → lseek(SEEK_DATA/SEEK_HOLE); FSCTL_GET_REPARSE_POINT → readlink of a link opened "
          "with FILE_FLAG_OPEN_REPARSE_POINT (IO_REPARSE_TAG_SYMLINK data).",
          "Other control codes raise error 1 (ERROR_INVALID_FUNCTION), Windows' answer for a code the device does not "
          "implement. With an OVERLAPPED the call completes before returning (Internal/InternalHigh set, hEvent signaled)."),
    # -- Planned: serial ports ----------------------------------------------------
    Entry("DCB", PLANNED, "A DCB structure object applied with termios2 (TCSETS2).", group=G_SERIAL),
    Entry("COMSTAT", PLANNED, "A COMSTAT structure object.", group=G_SERIAL),
    Entry("BuildCommDCB", PLANNED, "Parses a mode string (`baud=... parity=...`) into a DCB.", group=G_SERIAL),
    Entry("GetCommState", PLANNED, "termios2 (TCGETS2) read back into a DCB.", group=G_SERIAL),
    Entry("SetCommState", PLANNED, "One TCSETS2 with TCSANOW built from the DCB.", group=G_SERIAL),
    Entry("GetCommTimeouts", PLANNED, "The COMMTIMEOUTS kept on the handle.", group=G_SERIAL),
    Entry("SetCommTimeouts", PLANNED, "Kept on the handle; reads and writes poll with deadlines.", group=G_SERIAL),
    Entry("GetCommMask", PLANNED, "The event mask kept on the handle.", group=G_SERIAL),
    Entry("SetCommMask", PLANNED, "Kept on the handle; wakes a pending WaitCommEvent.", group=G_SERIAL),
    Entry("WaitCommEvent", PLANNED, "poll(2) for RXCHAR/TXEMPTY, TIOCMIWAIT for line events.", group=G_SERIAL),
    Entry("GetCommModemStatus", PLANNED, "TIOCMGET (0 on pseudo-terminals).", group=G_SERIAL),
    Entry("ClearCommError", PLANNED, "TIOCINQ and TIOCOUTQ for the COMSTAT queue counts.", group=G_SERIAL),
    Entry("ClearCommBreak", PLANNED, "TIOCCBRK.", group=G_SERIAL),
    Entry("SetCommBreak", PLANNED, "TIOCSBRK.", group=G_SERIAL),
    Entry("EscapeCommFunction", PLANNED, "TIOCMBIS/TIOCMBIC, TIOCSBRK/TIOCCBRK, tcflow(3).",
          "Takes a function code, as pywin32's runtime does.", group=G_SERIAL),
    Entry("PurgeComm", PLANNED, "tcflush(3) and cancellation of pending requests.", group=G_SERIAL),
    Entry("SetupComm", PLANNED, "Accepted; Linux sizes tty queues itself.", group=G_SERIAL),
    Entry("TransmitCommChar", PLANNED, "write(2) of the character ahead of queued output.", group=G_SERIAL),
    # -- Planned: mailslots --------------------------------------------------------
    Entry("CreateMailslot", PLANNED, "An AF_UNIX SOCK_DGRAM socket under `$XDG_RUNTIME_DIR/winfile/mailslot/`.", group=G_MAILSLOT),
    Entry("GetMailslotInfo", PLANNED, "SIOCINQ for the next message size, plus the settings kept on the handle.", group=G_MAILSLOT),
    Entry("SetMailslotInfo", PLANNED, "The read timeout kept on the handle.", group=G_MAILSLOT),
    # -- Planned: backup streams -----------------------------------------------------
    Entry("BackupRead", PLANNED, "Emits WIN32_STREAM_ID records: data, xattr-stored streams, security from the mode.", group=G_BACKUP),
    Entry("BackupSeek", PLANNED, "Skips within the current stream of the backup context.", group=G_BACKUP),
    Entry("BackupWrite", PLANNED, "Parses WIN32_STREAM_ID records back into data, streams and xattrs.", group=G_BACKUP),
    # -- Planned: sockets --------------------------------------------------------------
    Entry("AcceptEx", PLANNED, "accept4(2) on the completion engine.", group=G_SOCKET),
    Entry("ConnectEx", PLANNED, "connect(2) on the completion engine, then send of the optional buffer.", group=G_SOCKET),
    Entry("GetAcceptExSockaddrs", PLANNED, "Parses the addresses AcceptEx stored in its buffer.", group=G_SOCKET),
    Entry("CalculateSocketEndPointSize", PLANNED, "sizeof the socket family's sockaddr plus 16, as Windows reserves.", group=G_SOCKET),
    Entry("TransmitFile", PLANNED, "sendfile(2) with optional head and tail buffers.", group=G_SOCKET),
    Entry("WSARecv", PLANNED, "recv(2) on the completion engine.", group=G_SOCKET),
    Entry("WSASend", PLANNED, "send(2) on the completion engine.", group=G_SOCKET),
    Entry("WSAEventSelect", PLANNED, "epoll readiness signalling an event handle.", group=G_SOCKET),
    Entry("WSAEnumNetworkEvents", PLANNED, "The readiness recorded since the last call.", group=G_SOCKET),
    # -- Unsupported: exported, raising pywintypes.error -------------------------------------
    Entry("WSAAsyncSelect", UNSUPPORTED, _REFUSED, "Raises error 50 (ERROR_NOT_SUPPORTED): it posts window messages to an HWND, and Linux has no window message queue."),
    Entry("AddUsersToEncryptedFile", UNSUPPORTED, _REFUSED, _EFS),
    Entry("RemoveUsersFromEncryptedFile", UNSUPPORTED, _REFUSED, _EFS),
    Entry("QueryUsersOnEncryptedFile", UNSUPPORTED, _REFUSED, _EFS),
    Entry("QueryRecoveryAgentsOnEncryptedFile", UNSUPPORTED, _REFUSED, _EFS),
    Entry("DuplicateEncryptionInfoFile", UNSUPPORTED, _REFUSED, _EFS),
    Entry("EncryptFile", UNSUPPORTED, _REFUSED, _EFS),
    Entry("EncryptionDisable", UNSUPPORTED, _REFUSED, _EFS + " (Windows records the choice for EFS alone.)"),
    Entry("OpenEncryptedFileRaw", UNSUPPORTED, _REFUSED, _EFS),
    Entry("ReadEncryptedFileRaw", UNSUPPORTED, _REFUSED, _EFS_RAW),
    Entry("WriteEncryptedFileRaw", UNSUPPORTED, _REFUSED, _EFS_RAW),
    Entry("CloseEncryptedFileRaw", UNSUPPORTED, _REFUSED, _EFS_RAW),
    Entry("SetFileShortName", UNSUPPORTED, _REFUSED, "Raises error 50 (ERROR_NOT_SUPPORTED) after the handle check (6): Linux file systems keep no 8.3 short names."),
    # -- Windows features with a fixed, true answer on Linux (built, not refused) --------
    Entry("DecryptFile", FULL, "stat(2) for existence; nothing to decrypt.",
          "No Linux file is EFS-encrypted, and Windows documents DecryptFile on a file that is not encrypted as a successful no-op; 2/3 for a missing file."),
    Entry("FileEncryptionStatus", FULL, "stat(2) for existence, then FILE_SYSTEM_NOT_SUPPORT (6).",
          "Windows' answer for a file on a volume without EFS, which every Linux file system is; 2/3 for a missing file."),
    Entry("SfcIsFileProtected", FULL, "A constant False: no Linux file is under Windows File Protection."),
    Entry("SfcGetNextProtectedFile", FULL, "An empty list: Windows File Protection guards no Linux file."),
    Entry("Wow64DisableWow64FsRedirection", FULL, "No redirection exists on Linux: returns the state value 0 and changes nothing.",
          "As for a native 64-bit process on Windows, where the call succeeds with nothing to redirect; code that then opens System32 paths works unchanged."),
    Entry("Wow64RevertWow64FsRedirection", FULL, "Accepts the state value and changes nothing.", "The pair's other half; any int is accepted (TypeError otherwise)."),
]

BY_NAME = {e.name: e for e in ENTRIES}
if len(BY_NAME) != len(ENTRIES):  # pragma: no cover - caught by the tests
    raise RuntimeError("duplicate entries in winfile.compat.ENTRIES")


def exported(status):
    """Whether a function with this status is exported by ``win32file``."""
    return status in (FULL, PARTIAL, UNSUPPORTED)


def _cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def render_table():
    """The README's Markdown table: one row per function, sorted case-insensitively."""
    counts = {s: sum(1 for e in ENTRIES if e.status == s) for s in STATUSES}
    lines = [
        "%d functions: %s." % (len(ENTRIES), ", ".join("%d %s" % (counts[s], s) for s in STATUSES)),
        "",
        "| function | status | Linux mechanism | notes |",
        "| --- | --- | --- | --- |",
    ]
    for e in sorted(ENTRIES, key=lambda e: (e.name.lstrip("_").lower(), e.name)):
        notes = e.notes
        if e.status == PLANNED and e.group:
            notes = ("planned with %s. " % e.group) + notes
        lines.append("| `%s` | %s | %s | %s |" % (e.name, e.status, _cell(e.mechanism), _cell(notes.strip())))
    return "\n".join(lines) + "\n"
