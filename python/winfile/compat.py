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
_SAMBA_STREAMS = ("Samba-compatible (tests/interop/test_stream_handles.py): a named stream written through a `file:stream` "
                  "handle is listed and read byte for byte by an SMB client, a client's stream is read by winfile, and "
                  "DeleteFile of `file:stream` removes it for the client, against `vfs objects = streams_xattr` for streams "
                  "within the ~4 KiB ext4 xattr budget and against `streams_depot` (its `streams_depot:directory` = "
                  "WINFILE_STREAMS_DEPOT) for larger ones, or for all sizes with WINFILE_STREAMS_LAYOUT=depot. While a "
                  "winfile handle has a stream open it is in the depot only, which a streams_xattr share does not show "
                  "(docs/across-machines.md).")
_SAMBA_ATTRS = ("Samba-compatible (`store dos attributes = yes`; tests/interop/test_attributes_times.py): READONLY, "
                "HIDDEN, SYSTEM, ARCHIVE and the creation time agree both ways; a READONLY an SMB client sets is reported "
                "but does not stop winfile writers (docs/across-machines.md).")
_LOCKS = ("Binding for processes using winfile only: Linux cannot make other processes honour them. "
          "Samba-compatible (tests/interop/test_locks.py): smbd with `posix locking = yes` refuses SMB clients' "
          "conflicting I/O and locks, and SMB clients' locks stop LockFileEx; ReadFile/WriteFile see them on "
          "network file systems and under WINFILE_FOREIGN_LOCKS directories (docs/across-machines.md).")
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

_PIPE_OPEN = ("`\\\\.\\pipe\\NAME` (also `\\\\?\\pipe\\`, any case) opens a named pipe client (see the win32pipe table); "
              "`\\\\server\\pipe\\NAME` raises 53 (ERROR_BAD_NETPATH), Windows' error for an unreachable server: "
              "winfile has no remote pipes.")
_PIPE_IO = ("Pipe handles: message pipes keep message boundaries and a read of part of a message gives rc 234 "
            "(ERROR_MORE_DATA) with the data (GetOverlappedResult raises 234); the other end closed gives 109 to reads "
            "and 232 to writes; a listening server instance 536, a disconnected one 233. Overlapped pipe I/O waits in "
            "one poller thread (poll(2)) and completes like any other (event, completion port, CancelIo: 995).")

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
          "hTemplateFile (GENERIC_READ) gives a file being created the template's attributes and `user.*` extended attributes. "
          "`file:stream` opens a named stream (its vfs_streams_depot file, folded back into Samba's xattr layout by the last "
          "handle when small); `\\\\.\\mailslot\\name` opens a mailslot client (docs/streams.md). "
          + _PIPE_OPEN + " " + _SAMBA_STREAMS),
    Entry("CreateFileW", PARTIAL,
          "As CreateFile.",
          "As CreateFile. " + _TXOK + "FILE_FLAG_DELETE_ON_CLOSE, writes to directories and device names in a "
          "transaction are refused (50); a transacted handle fails with 6701 once its transaction ends; the first write "
          "access to an existing file copies it (FICLONE where the file system reflinks)."),
    Entry("CloseHandle", FULL, "Removes the handle from the handle table; the object's descriptor is closed with its last handle.",
          "0 and None are no-ops, as in pywin32."),
    Entry("ReadFile", FULL, "read(2) on the handle's own open file description; pread(2) at an OVERLAPPED offset; overlapped handles: io_uring (IORING_OP_READ; preadv2(RWF_NOWAIT) first for cached data), else a thread pool.", _OVL + " " + _PIPE_IO),
    Entry("WriteFile", FULL,
          "write(2) on the handle's own open file description (pwrite(2) at an OVERLAPPED offset); overlapped handles: io_uring (IORING_OP_WRITE), else a thread pool; ARCHIVE set on first write.",
          _OVL + " " + _PIPE_IO),
    Entry("GetOverlappedResult", FULL, "Completion state (set by the engine: io_uring, else a thread pool) under the wait hub; the wait sleeps on its condition variable.",
          "Waits release the GIL and stay interruptible by Ctrl-C."),
    Entry("CancelIo", FULL, "Cancellation flags checked by the completion engine, plus IORING_OP_ASYNC_CANCEL on io_uring; the calling thread's I/O completes with 995."),
    Entry("CreateIoCompletionPort", PARTIAL, "In-process packet queue with LIFO hand-off to waiting threads; the file's completions post to it.",
          "Associating returns the same object passed as existing; sockets (socket.socket or fileno()) associate too. The concurrency value counts threads released by the port "
          "until they call GetQueuedCompletionStatus again or exit; Linux cannot tell when such a thread blocks elsewhere. "
          "A file object is associated once, for its life (87 after, also once the port is closed); a completion posts to the "
          "port associated when it completes, as on Windows."),
    Entry("GetQueuedCompletionStatus", FULL, "Per-waiter condition variable; waiters stacked for LIFO wake-up.",
          "Never raises an API error: (rc, bytes, key, overlapped), (258, 0, 0, None) on timeout, 735 when the port closes."),
    Entry("PostQueuedCompletionStatus", FULL, "Push onto the port's queue, handed straight to the newest waiter if any.",
          "The OVERLAPPED object is kept alive until dequeued."),
    Entry("SetFilePointer", FULL, "lseek(2) on the handle's open file description."),
    Entry("SetEndOfFile", FULL, "ftruncate(2) at lseek(fd, 0, SEEK_CUR)."),
    Entry("FlushFileBuffers", FULL, "fsync(2); pipes: SIOCOUTQ polled (backoff to 10 ms) until the other end has read everything.",
          "On a pipe it waits, as Windows does, until the other end has read all the data written (interruptible)."),
    Entry("GetFileSize", FULL, "fstat(2) st_size."),
    Entry("GetFileType", FULL, "The file type from fstat(2) recorded at open.",
          "FILE_TYPE_PIPE for named and anonymous pipe handles (and FIFOs); a socket (socket.socket or its fileno()) is "
          "FILE_TYPE_PIPE too, as Windows reports."),
    Entry("AllocateReadBuffer", FULL, "A zeroed bytearray, returned as a writable memoryview.",
          "pywin32 returns its own PyOVERLAPPEDReadBuffer type; both support the buffer protocol."),
    Entry("OVERLAPPED", FULL, "A plain object holding Offset/OffsetHigh/hEvent/Internal/InternalHigh/object.",
          "win32file.OVERLAPPED is pywintypes.OVERLAPPED, the type itself (pywin32 has a factory function)."),
    # -- Names and directories --------------------------------------------------
    Entry("DeleteFile", FULL, "unlinkat(2), after an lstat for Windows' refusals and a share-token probe (32 unless every handle shares delete).", "Removes the name at once, as Windows 10 does (POSIX delete semantics). `file:stream` removes that named stream; a file's vfs_streams_depot directory goes with its last name. " + _SAMBA_STREAMS),
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
          "`user.DOSATTRIB` v5 (as Samba stores it, READONLY included); READONLY also clears the mode's write bits.",
          _SAMBA_ATTRS),
    Entry("SetFileAttributesW", PARTIAL,
          "`user.DOSATTRIB` v5 (as Samba stores it, READONLY included); READONLY also clears the mode's write bits.",
          _SAMBA_ATTRS + " " + _TXOK + "attributes of directories that exist outside the transaction are refused (50)."),
    Entry("GetFileTime", FULL, "statx(2) btime/atime/mtime; creation from `user.DOSATTRIB` when one was set."),
    Entry("SetFileTime", FULL,
          "futimens(2) for access/write; creation time into `user.DOSATTRIB` (Linux cannot set btime).",
          "UTCTimes is accepted and ignored, as in pywin32 on Python 3. Samba-compatible: an SMB client of a Samba share "
          "reads the four times set (tests/interop/test_attributes_times.py)."),
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
    Entry("FindStreams", PARTIAL, "statx(2), then listxattr(2)/getxattr(2) of the `user.DosStream.*` xattrs Samba writes, then readdir(3) of the file's vfs_streams_depot directory.",
          "Lists `::$DATA` and every named stream in either of Samba's layouts (vfs_streams_xattr: size = xattr length - 1; "
          "vfs_streams_depot, when the file carries `user.SAMBA_STREAMS`); `file:stream` names open with CreateFile "
          "(docs/streams.md). [] for a directory without named streams. Samba-compatible: streams an SMB "
          "client writes through `vfs_streams_xattr` are listed with their sizes (tests/interop/test_share_streams_notify.py), "
          "and through `vfs_streams_depot` too (tests/interop/test_stream_handles.py)."),
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
          "destination). ALLOW_DECRYPTED_DESTINATION is accepted (no EFS). Named streams are copied, in either of Samba's layouts (docs/streams.md). "
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
    # -- Serial ports (crates/winfile/src/comm) -------------------------------------
    Entry("DCB", FULL, "A DCB object (every member, bit fields as ints); applied with termios2 (TCSETS2).",
          "Characters are one-character str, as pywin32's T_CHAR members."),
    Entry("COMSTAT", PARTIAL, "The COMSTAT object ClearCommError returns (PyCOMSTAT).",
          "Queue counts are real; the hold reasons (fCtsHold, fXoffHold, ...) are 0: Linux does not report them."),
    Entry("BuildCommDCB", FULL, "A parser of the `mode` syntax: `baud=9600 parity=N data=8 stop=1` (with to/xon/odsr/octs/dtr/rts/idsr) "
          "and `9600,n,8,1[,x|p]`; fills the DCB in place.",
          "Returns None and fills the given DCB, as pywin32's runtime does; 87 for a string it cannot parse (the DCB unchanged)."),
    Entry("GetCommState", PARTIAL, "termios2 (TCGETS2): any baud rate (BOTHER), data bits, PARENB/PARODD/CMSPAR parity, CSTOPB, "
          "CRTSCTS, IXON/IXOFF with VSTART/VSTOP; fields termios cannot hold kept on the handle.",
          "Pseudo-terminals force 8 data bits and no parity (Linux's pty driver), so only real ports show them; "
          "fOutxDsrFlow, fDsrSensitivity, fErrorChar, fNull, fAbortOnError, XonLim/XoffLim, ErrorChar/EofChar/EvtChar are stored, not enforced."),
    Entry("SetCommState", PARTIAL, "One TCSETS2 (TCSANOW) with BOTHER for the rate, CMSPAR for mark/space, CSTOPB, CRTSCTS, "
          "IXON/IXOFF; DTR/RTS by TIOCMBIS/TIOCMBIC.",
          "87 for invalid fields (data bits, parity, stop bits, 1.5/2 stop-bit rules, baud 0, equal XON/XOFF, control values). "
          "DTR/DSR handshake has no Linux mechanism (stored only); RTS_CONTROL_TOGGLE raises 50. 1.5 stop bits = CSTOPB with 5 data bits (hardware)."),
    Entry("GetCommTimeouts", FULL, "The COMMTIMEOUTS kept on the handle (all 0 after open)."),
    Entry("SetCommTimeouts", FULL, "Kept on the handle; every serial ReadFile/WriteFile waits in poll(2) on the tty and an eventfd "
          "with Windows' rules (MAXDWORD/0/0 at once; interval and total timeouts; MAXDWORD/MAXDWORD/n first byte).",
          "MAXDWORD/MAXDWORD/MAXDWORD is 87."),
    Entry("GetCommMask", FULL, "The event mask kept on the handle."),
    Entry("SetCommMask", FULL, "Kept on the handle; a pending WaitCommEvent is woken through its eventfd and completes with 0.",
          "87 for bits beyond EV_EVENT2."),
    Entry("WaitCommEvent", PARTIAL, "poll(2) on the tty (EV_RXCHAR: TIOCINQ > 0) and an eventfd (EV_TXEMPTY after a write once TIOCOUTQ is 0, "
          "SetCommMask, CloseHandle, CancelIo); a TIOCMIWAIT helper thread and TIOCGICOUNT differences for EV_CTS/DSR/RLSD/RING/BREAK/ERR. "
          "Overlapped: the mask lands in OVERLAPPED.dword, then the event and the port.",
          "EV_RXCHAR is level-triggered (fires while input is queued; Windows fires once per arrival). EV_RXFLAG is accepted but never fires. "
          "Line, break and error events need a real UART or USB adapter (hardware only: pseudo-terminals have no modem lines or counters)."),
    Entry("GetCommModemStatus", PARTIAL, "TIOCMGET → MS_CTS_ON/DSR_ON/RING_ON/RLSD_ON.",
          "0 on pseudo-terminals (no modem lines); real lines on hardware only."),
    Entry("ClearCommError", PARTIAL, "TIOCINQ/TIOCOUTQ for the COMSTAT queue counts; TIOCGICOUNT differences for CE_FRAME/OVERRUN/RXPARITY/BREAK/RXOVER.",
          "Error bits on hardware only (pseudo-terminals have no counters); hold reasons are 0."),
    Entry("ClearCommBreak", FULL, "TIOCCBRK.", "Accepted without effect on pseudo-terminals (no break); hardware only."),
    Entry("SetCommBreak", FULL, "TIOCSBRK.", "Accepted without effect on pseudo-terminals (no break); hardware only."),
    Entry("EscapeCommFunction", FULL, "TIOCMBIS/TIOCMBIC for SETDTR/CLRDTR/SETRTS/CLRRTS, TIOCSBRK/TIOCCBRK, tcflow(3) TCOOFF/TCOON for SETXOFF/SETXON.",
          "Takes a function code, as pywin32's runtime does; 87 for others. Line changes are no-ops on pseudo-terminals (hardware only)."),
    Entry("PurgeComm", FULL, "Pending reads/writes woken through their eventfds (they complete with 995), then tcflush(3) TCIFLUSH/TCOFLUSH.",
          "87 for bits beyond PURGE_RXCLEAR."),
    Entry("SetupComm", PARTIAL, "Recorded on the handle.", "Linux sizes tty queues itself: the sizes have no effect."),
    Entry("TransmitCommChar", PARTIAL, "write(2) of the byte, waiting in poll(2) for room.",
          "The tty has no priority slot: the byte follows output already in the kernel's queue."),
    # -- Planned: mailslots --------------------------------------------------------
    Entry("CreateMailslot", PARTIAL,
          "An AF_UNIX SOCK_DGRAM socket bound under `<runtime>/winfile/mailslot/` (mode 0700; `$XDG_RUNTIME_DIR` or the private fallback), the maximum message size beside it.",
          "Per user: any process of the user reaches it, nobody else. Clients open `\\\\.\\mailslot\\name` with CreateFile; `\\\\*\\mailslot\\name` and `\\\\domain\\mailslot\\name` are delivered to this machine only (no network broadcast). ReadFile gives one whole message, 122 for a short buffer (the message stays), 121 when the read timeout passes; overlapped reads run on the engine's thread pool. Names are case-insensitive; 183 while another live server has the name. SecurityAttributes is type-checked only."),
    Entry("GetMailslotInfo", FULL, "recv(2) with MSG_PEEK|MSG_TRUNC moves waiting datagrams into the handle's queue; its counts.",
          "(MaxMessageSize, NextSize or MAILSLOT_NO_MESSAGE, MessageCount, ReadTimeout)."),
    Entry("SetMailslotInfo", FULL, "The read timeout kept on the handle; reads poll(2) the socket until it passes."),
    # -- Planned: backup streams -----------------------------------------------------
    Entry("BackupRead", PARTIAL,
          "WIN32_STREAM_ID records: security descriptor from owner/group/mode, user.* xattrs as BACKUP_EA_DATA, pread(2) data (SEEK_DATA/SEEK_HOLE sparse blocks), readlink(2) reparse data, named streams from both Samba layouts.",
          "Context is an int, 0 first; bAbort=True frees it. Security: owner S-1-22-1-uid, group S-1-22-2-gid (Samba's Unix SIDs) and ACEs from the rwx triplets and the named users and groups of the POSIX access ACL (effective bits). DOS attributes and times are not in the stream, as on Windows (the program applies them). See docs/streams.md."),
    Entry("BackupSeek", FULL, "Moves the context's position within the current record's body.",
          "Stops at the next header when asked to go past the body (the bytes moved are returned); 25 inside a header."),
    Entry("BackupWrite", PARTIAL,
          "pwrite(2) and ftruncate(2) for data and sparse blocks, fsetxattr(2) for EAs and named streams (vfs_streams_xattr, else the vfs_streams_depot file), fchown(2)/fchmod(2) for security, symlink(2)+rename(2) for reparse data.",
          "Records may be split anywhere across calls. Security applies owner/group where permitted and the permission bits. Reparse data replaces the handle's name by the symbolic link (the handle keeps the old file). Records without a Linux meaning (object ids, property data) are skipped. Named streams are never truncated."),
    # -- Planned: sockets --------------------------------------------------------------
    Entry("AcceptEx", FULL,
          "accept4(2) on epoll readiness (the per-process reactor thread), recv(2) of the first data, getsockname/getpeername "
          "into the buffer, then dup3(2) of the connection onto the accept socket's descriptor number.",
          "Receive-first as Windows: completes with the data byte count once the first bytes arrive (at once for a buffer of "
          "exactly CalculateSocketEndPointSize); the completion goes to the listener's OVERLAPPED, event and port; the accept "
          "socket keeps its port association. str/bytes buffers are TypeError. setsockopt(SO_UPDATE_ACCEPT_CONTEXT) is "
          "Python's socket module on Linux and fails there (ENOPROTOOPT): not needed, the socket already is the connection."),
    Entry("ConnectEx", FULL,
          "connect(2) with O_NONBLOCK for the call only, completion on epoll writability and SO_ERROR, then send(2) of the "
          "optional buffer.",
          "The socket must be bound first (WSAEINVAL otherwise, as Windows). name resolved by getaddrinfo in the socket's "
          "family. A refused connection completes with 1225 (ERROR_CONNECTION_REFUSED)."),
    Entry("GetAcceptExSockaddrs", PARTIAL, "Parses the endpoint areas AcceptEx wrote after the data.",
          "(family, local, remote): IPv4 addresses as pywin32 gives them, (b'a.b.c.d', port); IPv6 in the socket "
          "module's shape (host, port, flowinfo, scope_id) with family 23 (Winsock's AF_INET6), where pywin32 gives 14 raw "
          "bytes that cannot hold the address."),
    Entry("CalculateSocketEndPointSize", FULL, "getsockname(2) for the family; (iMaxSockAddr + 16) * 2 with Windows' "
          "iMaxSockAddr values (64 for IPv4, 88 for IPv6)."),
    Entry("TransmitFile", PARTIAL,
          "A reactor operation on the socket's write queue (no thread per call): send(2) of the head, then the file "
          "range from the OVERLAPPED's offset (256 KiB per call: sendfile(2) on a socket the caller made non-blocking; "
          "pread(2) into a buffer and send(2) with MSG_DONTWAIT on a blocking one, whose mode is never changed), "
          "send(2) of the tail; first on the caller's thread, then at each epoll writable edge, at most 1 MiB per step "
          "before the other ready sockets' turn. Overlapped=None blocks (Ctrl-C stops it), starting at the file "
          "pointer, which moves past the bytes sent.",
          "NumberOfBytesPerSend is ignored (the kernel sizes sends). TF_DISCONNECT shuts the sending side down after the "
          "data; TF_REUSE_SOCKET does the same but a Linux socket cannot be reused after a connection (use a new socket; "
          "AcceptEx replaces the accept socket anyway)."),
    Entry("WSARecv", FULL,
          "recv(2) with MSG_DONTWAIT on the caller's thread (completing in the call when the data is there), then on epoll "
          "readiness in the reactor thread, into the caller's buffer itself.",
          "(rc, bytes) as pywin32: (0, n) when received in the call, (997, 0) when queued (the completion is published "
          "either way: OVERLAPPED, event, port packet), (0, n) without an OVERLAPPED (a blocking recv). MSG_PEEK/MSG_OOB. "
          "An orderly close completes with 0 bytes; a reset with 64 (ERROR_NETNAME_DELETED), as GetOverlappedResult reports "
          "on Windows; an error met in the call raises its WSA code (WSAECONNRESET) and publishes nothing, as Windows. "
          "str/bytes buffers are TypeError."),
    Entry("WSASend", FULL, "send(2) with MSG_DONTWAIT | MSG_NOSIGNAL on the caller's thread (completing in the call when the socket "
          "takes it whole), continued on epoll readiness until all is sent.",
          "(rc, bytes): with an OVERLAPPED (0, n) when sent whole in the call, (997, 0) when queued (the completion is "
          "published either way); an error met in the call raises its WSA code and publishes nothing, as Windows; "
          "(0, n) without an OVERLAPPED (a blocking send)."),
    Entry("WSAEventSelect", PARTIAL,
          "O_NONBLOCK on the socket (as Windows) and two edge-triggered epoll registrations (input, output) in the reactor "
          "thread, which records FD_* events and sets the event.",
          "Mask 0 cancels (the socket stays non-blocking). Re-enable rules: FD_READ re-armed when WSAEnumNetworkEvents "
          "reports it (Windows: by recv, which winfile cannot see) and reported only while data is queued; FD_WRITE at "
          "connect/select and after the send buffer was full (the kernel's EAGAIN wake-up), never after the peer closed; FD_ACCEPT per new connection; "
          "FD_CONNECT with its error; FD_CLOSE once. FD_OOB, FD_QOS and the address-change events are never recorded."),
    Entry("WSAEnumNetworkEvents", FULL, "The records kept by the reactor (FD_READ checked against FIONREAD).",
          "{FD_x: error} with WSA codes (WSAECONNRESET, WSAECONNREFUSED...); resets the event if given; WSAENOTSOCK for a "
          "value that is not a socket or an hEvent that is not an event, as Windows."),
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

# -- win32api: the subset file-handling programs use ---------------------------------
# pywin32's win32api has some 300 functions (registry, windows, keyboard, resources...);
# winfile provides these and nothing else: every other name is absent (AttributeError),
# never a stub that pretends.
WIN32API_ENTRIES = [
    Entry("CloseHandle", FULL, "Removes the handle from the handle table; the object's close hook runs with its last handle.",
          "Any winfile handle (files, directories, events, mutexes, semaphores, timers, completion ports, change "
          "notifications); 6 for a closed or foreign value; 0 and None are no-ops, as in pywin32."),
    Entry("DuplicateHandle", PARTIAL, "A second handle-table entry for the same object (no descriptor is duplicated).",
          "Within the process only: both process handles must be GetCurrentProcess() (-1), anything else is error 6 (winfile "
          "has no handles to other processes). The duplicate shares the file object (pointer, share access, locks, completion "
          "port), as on Windows; DUPLICATE_CLOSE_SOURCE closes the source whatever the outcome. Without DUPLICATE_SAME_ACCESS a "
          "file's duplicate may not ask for rights the source lacks (5: the descriptor's mode cannot grow) and a narrower "
          "request is not narrowed; a pseudo-handle as source is error 50; bInheritHandle has no effect."),
    Entry("ExpandEnvironmentStrings", FULL, "Windows' %NAME% rules over the process environment (environ).",
          "Names match exactly, then ignoring case, as on Windows; unknown names and unpaired % stay as written."),
    Entry("FormatMessage", PARTIAL, "winfile's copy of Windows' English message table (`crates/winfile/src/error/text.rs`); no message files.",
          "Both pywin32 forms: FormatMessage(errCode=0) (0 = GetLastError()) and (flags, source, messageId, languageID, inserts). "
          "Texts end with `\\r\\n` as Windows gives them; a code not in the table is error 317, a language other than neutral/English "
          "1815, FORMAT_MESSAGE_FROM_HMODULE alone 1813 (no message-table modules on Linux). FROM_STRING, inserts (%1..%99, "
          "!fmt! ignored), %0 %n %r %t %% and IGNORE_INSERTS as Windows; a non-zero width turns line breaks into spaces but does "
          "not re-wrap lines; a missing insert raises pywin32's SystemError."),
    Entry("GetComputerName", FULL, "gethostname(2): the name up to its first dot, upper case, at most 15 characters (the NetBIOS name)."),
    Entry("GetCurrentProcess", FULL, "The pseudo-handle -1, as an int.", "Accepted by DuplicateHandle and CloseHandle (a no-op)."),
    Entry("GetCurrentProcessId", FULL, "getpid(2)."),
    Entry("GetCurrentThreadId", FULL, "gettid(2) (threading.get_native_id())."),
    Entry("GetDiskFreeSpaceEx", FULL, "statvfs(3): f_bavail, f_blocks, f_bfree times f_frsize.",
          "A tuple of three ints; None = the current drive. Errors name \"GetDiskSpaceFreeEx\", as pywin32's do."),
    Entry("GetEnvironmentVariable", FULL, "getenv(3), else a scan of environ comparing names ignoring case.",
          "None when the variable is not set, as pywin32."),
    Entry("GetFileAttributes", FULL, "statx(2) without following a final symlink, plus `user.DOSATTRIB` (as win32file's).",
          "Raises pywintypes.error on failure (win32file's returns -1)."),
    Entry("GetFullPathName", FULL, "Win32 path normalisation against the current directory (as win32file's); Linux paths stay Linux paths."),
    Entry("GetLastError", FULL, "The calling thread's last-error value, kept in a thread-local.",
          "Every pywintypes.error raised by winfile records its code there; CreateFile's OPEN_ALWAYS/CREATE_ALWAYS of an existing file sets 183."),
    Entry("GetLogicalDriveStrings", FULL, "The drive tables (as GetLogicalDrives).",
          "The roots (`C:\\`), each followed by NUL: `.split('\\0')[:-1]` lists them."),
    Entry("GetLongPathName", FULL, "lstat(2) per component; readdir of the parent for a component not spelled as on disk.",
          "Each component spelled as on disk; 2/3 when missing."),
    Entry("GetShortPathName", FULL, "As GetLongPathName.",
          "Linux file systems keep no 8.3 names, so the answer is the long name as stored on disk, as Windows answers on a "
          "volume with 8.3 names disabled; 2/3 when missing."),
    Entry("GetTempFileName", FULL, "CreateFile(CREATE_NEW) of the core: openat(2) O_CREAT|O_EXCL, so no two processes get one name.",
          "`<path><sep><first 3 of prefix><HEX>.tmp`, returned as (name, number). nUnique=0 starts from the tick count and moves "
          "past existing names (80 when all 65535 are taken) and creates the empty file; a non-zero nUnique (low 16 bits) only "
          "builds the name. A missing directory is 267 (ERROR_DIRECTORY), a path over MAX_PATH-14 is 111."),
    Entry("GetTempPath", FULL, "$TMPDIR, else $TEMP, else $TMP, else /tmp (Python's tempfile order), made absolute, with a trailing /.",
          "Not checked for existence, as on Windows."),
    Entry("GetTickCount", FULL, "clock_gettime(2) CLOCK_BOOTTIME in milliseconds, wrapped to 32 bits.",
          "A signed 32-bit int, as pywin32 builds it from a C long (negative after 24.8 days of uptime)."),
    Entry("GetUserName", FULL, "getpwuid_r(3) of geteuid(2).", "The numeric uid when the user has no passwd entry."),
    Entry("GetVolumeInformation", PARTIAL, "FS_IOC_GETFSLABEL on the mount root, statvfs(3) (f_fsid, f_namemax, ST_RDONLY), the mountinfo type, listxattr(2).",
          "(label, serial, maxComponentLength, flags, fsName) with pywin32's signed ints. The path must end with a separator "
          "(123) and be a drive, share or volume root or a mount point (144); a missing drive is 3. The serial is the one "
          "GetFileInformationByHandle reports for files there (f_fsid folded; ext4/xfs/btrfs derive it from the file system "
          "UUID); the label is \"\" where the file system has none (tmpfs...). Flags: case-sensitive and case-preserving names, "
          "Unicode, persistent ACLs, hard links, reparse points, sparse files, extended attributes when available, read-only "
          "volume; FAT/exFAT/ISO: case-preserving and Unicode only. fsName: FAT32, exFAT, NTFS, CDFS, UDF for those, else the "
          "Linux type (ext4, btrfs, xfs, tmpfs...)."),
    Entry("SetConsoleCtrlHandler", PARTIAL, "Python's signal module (python/win32api.py): SIGINT → CTRL_C_EVENT, SIGTERM and SIGHUP → CTRL_CLOSE_EVENT.",
          "Handlers are called last registered first until one returns True; otherwise the Python handler installed before "
          "runs (KeyboardInterrupt for Ctrl-C). A close event then ends the process by the signal's default action, as "
          "Windows ends it after its handlers. (None, True) ignores SIGINT (SIG_IGN, inherited by child processes as Windows' "
          "flag is); (None, False) restores it. Handlers run in the main thread when Python handles the signal (also inside "
          "winfile's blocking waits), not in a new thread; the first registration must come from the main thread (5 "
          "otherwise). Removing a handler that is not registered is error 87."),
    Entry("SetFileAttributes", FULL, "`user.DOSATTRIB` v5 (as Samba stores it); READONLY also clears the mode's write bits (as win32file's)."),
    Entry("SetLastError", FULL, "Sets the calling thread's last-error value (a DWORD: masked to 32 bits)."),
    Entry("Sleep", FULL, "nanosleep(2) in slices of at most 100 ms with the GIL released; Ctrl-C (a Python exception from a signal handler) ends it.",
          "Returns 0: no APCs are ever queued, so an alertable sleep is never cut short (WAIT_IO_COMPLETION never happens); -1 is INFINITE."),
]

WIN32API_BY_NAME = {e.name: e for e in WIN32API_ENTRIES}


def render_win32api_table():
    """The README's table of the win32api subset."""
    lines = [
        "### win32api",
        "",
        "%d functions of pywin32's `win32api`, the ones file-handling programs use; the rest of win32api "
        "(registry, windows, keyboard, resources, DLLs...) is absent: importing `win32api` works, other names raise "
        "AttributeError. `win32api.error` is `pywintypes.error`." % len(WIN32API_ENTRIES),
        "",
        "| function | status | Linux mechanism | notes |",
        "| --- | --- | --- | --- |",
    ]
    for e in sorted(WIN32API_ENTRIES, key=lambda e: e.name.lower()):
        lines.append("| `%s` | %s | %s | %s |" % (e.name, e.status, _cell(e.mechanism), _cell(e.notes.strip())))
    return "\n".join(lines) + "\n"


# win32pipe: every function of pywin32's module (a second table in the README).
_NS = ("AF_UNIX sockets in a per-user directory under the runtime base (`$XDG_RUNTIME_DIR/winfile/pipe/`, mode 0700): "
       "one listening socket per instance (backlog 0), SOCK_SEQPACKET for message pipes, SOCK_STREAM for byte pipes; "
       "instances counted by `flock`ed lock files; changes under the pipe directory's flock.")
_POPEN = ("Raises error 50 (ERROR_NOT_SUPPORTED): command pipes of pywin32's Python 2 builds, which its Python 3 builds "
          "do not provide either; Python's subprocess runs commands with pipes.")
PIPE_ENTRIES = [
    Entry("CreateNamedPipe", FULL, "Binds and listens an instance socket; the first instance writes the pipe's type, limit, sizes and timeout. " + _NS,
          "Per user: pipes are shared by every process of the user, not across users (no DACLs; the SECURITY_ATTRIBUTES "
          "is accepted and not applied). 231 when the instance limit (across processes) is reached, 5 for "
          "FILE_FLAG_FIRST_PIPE_INSTANCE when an instance exists, 123 for a name that is not `\\\\.\\pipe\\NAME`. "
          "PIPE_REJECT_REMOTE_CLIENTS is accepted (every client is local). Messages of any size: longer ones travel as "
          "64 KiB records, reassembled by the reader."),
    Entry("ConnectNamedPipe", FULL, "poll(2) on the instance's listening socket, then accept4(2) under the pipe directory's flock, which removes the socket's name (the instance is busy); overlapped: the pipe poller thread.",
          "Returns 0, 997 (overlapped: completes through the event and completion port) or 535 when the client came "
          "first (nothing queued then); 232 when that client has already gone."),
    Entry("DisconnectNamedPipe", PARTIAL, "shutdown(2) of the connected socket.",
          "The client's next read gives 109 (Windows: 233), and data its socket already holds stays readable (Windows discards it)."),
    Entry("WaitNamedPipe", FULL, "Looks for a listening instance's socket name under the pipe directory's flock, every 5 ms.",
          "121 on timeout, 2 when no instance exists, 53 for a remote name; NMPWAIT_USE_DEFAULT_WAIT takes the server's timeout (0: 50 ms)."),
    Entry("CallNamedPipe", FULL, "CreateFile, WaitNamedPipe while busy, message read mode, TransactNamedPipe, CloseHandle.", ""),
    Entry("TransactNamedPipe", FULL, "One sendmsg(2) record, then the message read of ReadFile; overlapped: the pipe poller.",
          "230 unless a message pipe in message read mode; rc 234 with the data when the reply is longer than the buffer."),
    Entry("PeekNamedPipe", PARTIAL, "recv(2) with MSG_PEEK (MSG_TRUNC for the message length); FIONREAD for byte pipes.",
          "(data, available, left_in_message). For message pipes `available` counts the message being read and the next one only "
          "(its first 64 KiB when longer)."),
    Entry("GetNamedPipeInfo", FULL, "The pipe's parameters from its directory's `meta` file.", "(flags, out size, in size, max instances); 255 = unlimited."),
    Entry("GetNamedPipeHandleState", PARTIAL, "The handle's read and wait mode; instances counted by probing their lock files.",
          "Collection count and timeout are 0 (no remote pipes), the user name is empty."),
    Entry("SetNamedPipeHandleState", FULL, "The handle's mode word (PIPE_READMODE_MESSAGE, PIPE_NOWAIT).",
          "Message read mode on a byte pipe raises 87; collection values are accepted and unused (no remote pipes)."),
    Entry("CreatePipe", FULL, "socketpair(2) (AF_UNIX, SOCK_STREAM), each end shut down in the direction it does not use.",
          "Reads after the write end closed give 109, writes after the read end closed 232; PeekNamedPipe works."),
    Entry("FdCreatePipe", FULL, "CreatePipe, then `_open_osfhandle` of each end.", "mode must be O_TEXT or O_BINARY (ValueError)."),
    Entry("GetNamedPipeClientProcessId", FULL, "getsockopt(SO_PEERCRED) on the connected socket (the caller's own pid on a client handle).", ""),
    Entry("GetNamedPipeServerProcessId", FULL, "getsockopt(SO_PEERCRED) on the connected socket (the caller's own pid on a server handle).", ""),
    Entry("GetNamedPipeClientSessionId", PARTIAL, "SO_PEERCRED, then `/proc/PID/sessionid` (the audit login session).",
          "Linux's login session stands for the Windows session; 4294967295 for a process without one."),
    Entry("GetNamedPipeServerSessionId", PARTIAL, "SO_PEERCRED, then `/proc/PID/sessionid` (the audit login session).",
          "Linux's login session stands for the Windows session; 4294967295 for a process without one."),
    Entry("GetOverlappedResult", FULL, "win32file.GetOverlappedResult.", ""),
    Entry("popen", UNSUPPORTED, _REFUSED, _POPEN),
    Entry("popen2", UNSUPPORTED, _REFUSED, _POPEN),
    Entry("popen3", UNSUPPORTED, _REFUSED, _POPEN),
    Entry("popen4", UNSUPPORTED, _REFUSED, _POPEN),
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
    """The README's Markdown tables: win32file, then win32pipe, then the win32api subset."""
    return _render(ENTRIES) + "\n### win32pipe\n\n" + _render(PIPE_ENTRIES) + "\n" + render_win32api_table()


def _render(ENTRIES):
    """One Markdown table: one row per function, sorted case-insensitively."""
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
