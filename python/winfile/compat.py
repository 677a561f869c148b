"""winfile's compatibility registry: one entry per function of pywin32's ``win32file``.

This is the single source of truth for the README's compatibility table
(``scripts/compat_table.py --write`` renders it) and for
``tests/test_compat_table.py``, which checks it against the module: a ``full`` or
``partial`` function is exported by ``win32file``; a ``planned`` or ``unsupported``
one is absent (never a stub that pretends).

Statuses:

* ``full``: pywin32's signature and behaviour, as far as Linux can tell the difference.
* ``partial``: exported, with the limits given in the notes.
* ``planned``: not exported yet; ``group`` names the piece of work that will add it.
* ``unsupported``: not exported, with no plan to; the notes say why.

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
_TX = "Transaction other than None/0 is refused with error 50 (ERROR_NOT_SUPPORTED) until transactions land."
_OVL = (
    "On a FILE_FLAG_OVERLAPPED handle with an OVERLAPPED: returns ERROR_IO_PENDING and completes "
    "through the completion engine (thread pool; io_uring backend planned), filling the buffer, then "
    "Internal/InternalHigh, then hEvent, then the handle's completion port. On a synchronous handle the "
    "OVERLAPPED gives the offset and the call completes before returning."
)
_LOCKS = "Binding for processes using winfile only: Linux cannot make other processes honour them."
_EFS = "Linux has no EFS (per-user certificate encryption of single files); fscrypt is a per-directory policy."

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
          "A killed holder never leaves a file locked: its kernel locks die with it, and the next opener finishes a pending delete."),
    Entry("CreateFileW", PARTIAL,
          "As CreateFile.",
          "As CreateFile. " + _TX),
    Entry("CloseHandle", FULL, "Removes the handle from the handle table; the object's descriptor is closed with its last handle.",
          "0 and None are no-ops, as in pywin32."),
    Entry("ReadFile", FULL, "read(2) on the handle's own open file description; pread(2) at an OVERLAPPED offset; the completion engine for overlapped handles.", _OVL),
    Entry("WriteFile", FULL,
          "write(2) on the handle's own open file description (pwrite(2) at an OVERLAPPED offset); ARCHIVE set on first write.",
          _OVL),
    Entry("GetOverlappedResult", FULL, "Completion state under the wait hub; the wait sleeps on its condition variable.",
          "Waits release the GIL and stay interruptible by Ctrl-C."),
    Entry("CancelIo", FULL, "Cancellation flags checked by the completion engine; the calling thread's I/O completes with 995."),
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
    Entry("DeleteFileW", PARTIAL, "unlinkat(2), after an lstat for Windows' refusals.", _TX),
    Entry("CreateDirectory", FULL, "mkdirat(2) with mode 0777 & ~umask."),
    Entry("CreateDirectoryW", FULL, "mkdirat(2) with mode 0777 & ~umask."),
    Entry("CreateDirectoryEx", FULL, "mkdirat(2) with mode 0777 & ~umask; template attributes copied via `user.DOSATTRIB`."),
    Entry("CreateDirectoryExW", PARTIAL,
          "mkdirat(2) with mode 0777 & ~umask; template attributes copied via `user.DOSATTRIB`.", _TX),
    Entry("RemoveDirectory", PARTIAL, "unlinkat(2) with AT_REMOVEDIR.", _TX),
    Entry("MoveFile", FULL, "renameat2(2) with RENAME_NOREPLACE."),
    Entry("MoveFileW", FULL, "renameat2(2) with RENAME_NOREPLACE."),
    Entry("MoveFileEx", PARTIAL, _MOVE_MECH, _DELAY),
    Entry("MoveFileExW", PARTIAL, _MOVE_MECH, _DELAY),
    Entry("CopyFile", FULL,
          "FICLONE, else copy_file_range(2), else read/write; fchmod and `user.DOSATTRIB` after."),
    Entry("CopyFileW", FULL,
          "FICLONE, else copy_file_range(2), else read/write; fchmod and `user.DOSATTRIB` after."),
    Entry("SetCurrentDirectory", FULL, "chdir(2) to the resolved directory."),
    Entry("GetFullPathName", PARTIAL, "Pure string normalisation against getcwd(2) and the drive table.", _TX),
    # -- Attributes and times -------------------------------------------------
    Entry("GetFileAttributes", FULL, "statx(2) without following a final symlink, plus `user.DOSATTRIB`.",
          "A missing file returns -1 without raising, as in pywin32."),
    Entry("GetFileAttributesW", FULL, "statx(2) without following a final symlink, plus `user.DOSATTRIB`.",
          "A missing file returns -1 without raising, as in pywin32."),
    Entry("GetFileAttributesEx", PARTIAL, "statx(2) without following a final symlink, plus `user.DOSATTRIB`.",
          "Accepts the exported GetFileExInfoStandard value 1 as well as 0 (pywin32 rejects its own constant). " + _TX),
    Entry("GetFileAttributesExW", PARTIAL, "statx(2) without following a final symlink, plus `user.DOSATTRIB`.",
          "Accepts GetFileExInfoStandard (1) and 0. " + _TX),
    Entry("SetFileAttributes", FULL,
          "`user.DOSATTRIB` v5 (as Samba stores it); READONLY also clears the mode's write bits."),
    Entry("SetFileAttributesW", PARTIAL,
          "`user.DOSATTRIB` v5 (as Samba stores it); READONLY also clears the mode's write bits.", _TX),
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
    Entry("LockFileEx", FULL, "F_OFD_SETLK/SETLKW on the handle's lock descriptor (an extra read-write descriptor bridges read-only and write-only handles); waits release the GIL and are interruptible.", _LOCKS + " On an overlapped handle a waiting lock completes synchronously (no ERROR_IO_PENDING yet)."),
    Entry("UnlockFile", FULL, "F_OFD_SETLK F_UNLCK for the exact range (ERROR_NOT_LOCKED otherwise).", _LOCKS),
    Entry("UnlockFileEx", FULL, "F_OFD_SETLK F_UNLCK for the exact range (ERROR_NOT_LOCKED otherwise).", _LOCKS),
    # -- Planned: directory changes ---------------------------------------------
    Entry("ReadDirectoryChangesW", FULL, "One process-wide inotify instance and reader thread; subtree watches follow new directories (watch, then scan); per-handle queues; overflow gives an empty result.", "Synchronous form (int size) releases the GIL and is interruptible; the buffer + OVERLAPPED form completes through the event or completion port. Takes pywin32's sixth argument (overlappedRoutine, must be None). Moves between directories of the tree are REMOVED + ADDED."),
    Entry("FILE_NOTIFY_INFORMATION", FULL, "Decodes the FILE_NOTIFY_INFORMATION records (Windows byte layout) of a buffer."),
    Entry("FindFirstChangeNotification", FULL, "An inotify watch behind a waitable handle (win32event waits accept it).", "Returns a plain int handle, as pywin32 does."),
    Entry("FindNextChangeNotification", FULL, "Re-arms the inotify-backed handle."),
    Entry("FindCloseChangeNotification", FULL, "Closes the inotify watch."),
    # -- Planned: find ------------------------------------------------------------
    Entry("FindFilesW", FULL, "getdents64 batches with Windows wildcard matching (*, ?, <, >, \"), statx and user.DOSATTRIB per entry.", "alternateName is always empty: Linux file systems have no 8.3 names. " + _TX),
    Entry("FindFilesIterator", FULL, "Streams getdents64 batches (never the whole directory), statx and user.DOSATTRIB per entry.", _TX),
    Entry("FindClose", FULL, "Closes a find handle."),
    Entry("FindFileNames", PARTIAL,
          "The file's own name; with more links, a readdir walk of its mount (or drive, if inside it) for the same (st_dev, inode).",
          "Names as Windows lists them (`\\dir\\name`, no drive letter; Linux paths for a Linux-style argument), the name given first. "
          "A file with one link answers at once; with more, the walk costs one readdir per directory of the mount: not for loops over many files. "
          "Names in unreadable directories are not found. " + _TX),
    Entry("FindStreams", PLANNED, "The unnamed data stream plus streams stored in `user.DosStream.*` xattrs.", group=G_FIND),
    # -- Links ------------------------------------------------------------------
    Entry("CreateHardLink", PARTIAL, "linkat(2) (a symbolic link is linked itself).",
          "183 for an existing name, 17 across file systems, 5 for a directory; SecurityAttributes type-checked only. " + _TX),
    Entry("CreateSymbolicLink", PARTIAL, "symlinkat(2), the target converted to a Linux path.",
          "Relative Windows targets (`..\\x\\y`) are written relative in Linux form (`../x/y`); absolute ones (`C:\\x`, `\\x`) "
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
          "destination). ALLOW_DECRYPTED_DESTINATION is accepted (no EFS). Named streams are not copied yet. " + _TX),
    Entry("MoveFileWithProgress", PARTIAL, _MOVE_MECH,
          "The routine is called only when a move across file systems copies data (as CopyFileEx); a canceled or stopped "
          "move keeps the source and removes the partial copy (1235). " + _DELAY + " " + _TX),
    Entry("ReplaceFile", FULL,
          "Metadata merged onto the replacement, linkat(2) + rename(2) for the backup, then one atomic rename(2) over the replaced file.",
          "Argument order as documented (first = the file replaced): pywin32's C code passes the two names to Windows "
          "swapped, a bug winfile does not copy. The result keeps the replaced file's attributes, creation time, mode and "
          "(as root) owner. Errors: 2/3 missing, 5 directory or READONLY replaced, 1175 replaced in use or backup not made, "
          "1176 replacement in use, on another file system or not renamed; 1177 cannot occur (the replaced name is never "
          "without a file). Exclude/Reserved must be None (ValueError)."),
    # -- Planned: drives, volumes, device names -----------------------------------
    Entry("GetLogicalDrives", PLANNED, "`readdir` of each drive table directory, keeping the `x:` entries.", group=G_VOLUME),
    Entry("QueryDosDevice", PLANNED, "`lstat` + `realpath` of `<table>/x:` in the runtime then the per-user table.", group=G_VOLUME),
    Entry("DefineDosDevice", PLANNED, "Symlinks in the runtime drive table `$XDG_RUNTIME_DIR/winfile/dosdevices`.", group=G_VOLUME),
    Entry("DefineDosDeviceW", PLANNED, "Symlinks in the runtime drive table `$XDG_RUNTIME_DIR/winfile/dosdevices`.", group=G_VOLUME),
    Entry("GetDriveType", PLANNED, "statfs(2) f_type and `/sys/block/*/removable`.", group=G_VOLUME),
    Entry("GetDriveTypeW", PLANNED, "statfs(2) f_type and `/sys/block/*/removable`.", group=G_VOLUME),
    Entry("GetDiskFreeSpace", PLANNED, "statfs(2) block counts and sizes.", group=G_VOLUME),
    Entry("GetDiskFreeSpaceEx", PLANNED, "statfs(2) f_bavail/f_blocks/f_bfree times f_bsize.", group=G_VOLUME),
    Entry("GetVolumePathName", PLANNED, "Walks up while statx STATX_MNT_ID is unchanged.", group=G_VOLUME),
    Entry("GetVolumeNameForVolumeMountPoint", PLANNED, "A `\\\\?\\Volume{...}\\` name derived from the file system's id.", group=G_VOLUME),
    Entry("GetVolumePathNamesForVolumeName", PLANNED, "Mount points from /proc/self/mountinfo.", group=G_VOLUME),
    Entry("GetCompressedFileSize", PLANNED, "statx(2) st_blocks × 512.", group=G_VOLUME),
    # -- Planned: handle information --------------------------------------------
    Entry("GetFileInformationByHandleEx", PLANNED, "statx(2) and `user.DOSATTRIB` per information class.", group=G_HANDLE),
    Entry("SetFileInformationByHandle", PLANNED, "futimens/ftruncate/renameat2/unlink per information class.", group=G_HANDLE),
    Entry("GetFinalPathNameByHandle", PLANNED, "readlink of /proc/self/fd/N mapped back through the drive table.", group=G_HANDLE),
    Entry("OpenFileById", PLANNED, "open_by_handle_at(2) (needs CAP_DAC_READ_SEARCH).", group=G_HANDLE),
    Entry("ReOpenFile", PLANNED, "open(2) of /proc/self/fd/N with the new access.", group=G_HANDLE),
    Entry("GetLongPathName", PLANNED, "Case-insensitive lookup of each component; names are already long.", group=G_PATH),
    Entry("GetBinaryType", PLANNED, "Reads the MZ/PE header of the file.", group=G_PATH),
    Entry("DeviceIoControl", PLANNED, "A small set of FSCTL codes mapped to ioctls (sparse files, reparse points).", group=G_HANDLE),
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
    # -- Unsupported ---------------------------------------------------------------------
    Entry("WSAAsyncSelect", UNSUPPORTED, "—", "Posts window messages to an HWND; Linux has no window message queue."),
    Entry("AddUsersToEncryptedFile", UNSUPPORTED, "—", _EFS),
    Entry("RemoveUsersFromEncryptedFile", UNSUPPORTED, "—", _EFS),
    Entry("QueryUsersOnEncryptedFile", UNSUPPORTED, "—", _EFS),
    Entry("QueryRecoveryAgentsOnEncryptedFile", UNSUPPORTED, "—", _EFS),
    Entry("DuplicateEncryptionInfoFile", UNSUPPORTED, "—", _EFS),
    Entry("EncryptFile", UNSUPPORTED, "—", _EFS),
    Entry("DecryptFile", UNSUPPORTED, "—", _EFS),
    Entry("EncryptionDisable", UNSUPPORTED, "—", _EFS),
    Entry("FileEncryptionStatus", UNSUPPORTED, "—", _EFS),
    Entry("OpenEncryptedFileRaw", UNSUPPORTED, "—", _EFS),
    Entry("ReadEncryptedFileRaw", UNSUPPORTED, "—", _EFS),
    Entry("WriteEncryptedFileRaw", UNSUPPORTED, "—", _EFS),
    Entry("CloseEncryptedFileRaw", UNSUPPORTED, "—", _EFS),
    Entry("SetFileShortName", UNSUPPORTED, "—", "Linux file systems keep no 8.3 short names."),
    Entry("SetVolumeLabel", UNSUPPORTED, "—", "Labels are set by each file system's own tool (e2label, fatlabel), usually as root."),
    Entry("SetVolumeMountPoint", UNSUPPORTED, "—", "Mounting is system administration (mount(2) needs CAP_SYS_ADMIN)."),
    Entry("DeleteVolumeMountPoint", UNSUPPORTED, "—", "Unmounting is system administration (umount(2) needs CAP_SYS_ADMIN)."),
    Entry("SfcGetNextProtectedFile", UNSUPPORTED, "—", "Windows File Protection has no Linux counterpart."),
    Entry("SfcIsFileProtected", UNSUPPORTED, "—", "Windows File Protection has no Linux counterpart."),
    Entry("Wow64DisableWow64FsRedirection", UNSUPPORTED, "—", "No WOW64 file system redirection on Linux."),
    Entry("Wow64RevertWow64FsRedirection", UNSUPPORTED, "—", "No WOW64 file system redirection on Linux."),
]

BY_NAME = {e.name: e for e in ENTRIES}
if len(BY_NAME) != len(ENTRIES):  # pragma: no cover - caught by the tests
    raise RuntimeError("duplicate entries in winfile.compat.ENTRIES")


def exported(status):
    """Whether a function with this status is exported by ``win32file``."""
    return status in (FULL, PARTIAL)


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
