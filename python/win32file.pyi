"""Type stubs for winfile's ``win32file``: pywin32's Win32 file API on Linux.

Constants have pywin32's values (see win32file.py). Functions are listed for
the ones winfile implements; their signatures follow pywin32's runtime.
"""

from datetime import datetime
from collections.abc import Callable
from typing import Any, TypeVar, final, overload

from _typeshed import ReadableBuffer, WriteableBuffer
from pywintypes import PyHANDLE, PyOVERLAPPED, PySECURITY_ATTRIBUTES, TimeType
from pywintypes import error as error

_HandleArg = PyHANDLE | int | None
_B = TypeVar("_B", bound=WriteableBuffer)
_S = TypeVar("_S", str, bytes)

# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------

CALLBACK_CHUNK_FINISHED: int
CALLBACK_STREAM_SWITCH: int
CBR_110: int
CBR_115200: int
CBR_1200: int
CBR_128000: int
CBR_14400: int
CBR_19200: int
CBR_2400: int
CBR_256000: int
CBR_300: int
CBR_38400: int
CBR_4800: int
CBR_56000: int
CBR_57600: int
CBR_600: int
CBR_9600: int
CLRBREAK: int
CLRDTR: int
CLRRTS: int
COPY_FILE_ALLOW_DECRYPTED_DESTINATION: int
COPY_FILE_COPY_SYMLINK: int
COPY_FILE_FAIL_IF_EXISTS: int
COPY_FILE_OPEN_SOURCE_FOR_WRITE: int
COPY_FILE_RESTARTABLE: int
CREATE_ALWAYS: int
CREATE_FOR_DIR: int
CREATE_FOR_IMPORT: int
CREATE_NEW: int
DRIVE_CDROM: int
DRIVE_FIXED: int
DRIVE_NO_ROOT_DIR: int
DRIVE_RAMDISK: int
DRIVE_REMOTE: int
DRIVE_REMOVABLE: int
DRIVE_UNKNOWN: int
DTR_CONTROL_DISABLE: int
DTR_CONTROL_ENABLE: int
DTR_CONTROL_HANDSHAKE: int
EVENPARITY: int
EV_BREAK: int
EV_CTS: int
EV_DSR: int
EV_ERR: int
EV_RING: int
EV_RLSD: int
EV_RXCHAR: int
EV_RXFLAG: int
EV_TXEMPTY: int
FD_ACCEPT: int
FD_ADDRESS_LIST_CHANGE: int
FD_CLOSE: int
FD_CONNECT: int
FD_GROUP_QOS: int
FD_OOB: int
FD_QOS: int
FD_READ: int
FD_ROUTING_INTERFACE_CHANGE: int
FD_WRITE: int
FILE_ALL_ACCESS: int
FILE_ATTRIBUTE_ARCHIVE: int
FILE_ATTRIBUTE_COMPRESSED: int
FILE_ATTRIBUTE_DIRECTORY: int
FILE_ATTRIBUTE_HIDDEN: int
FILE_ATTRIBUTE_NORMAL: int
FILE_ATTRIBUTE_OFFLINE: int
FILE_ATTRIBUTE_READONLY: int
FILE_ATTRIBUTE_SYSTEM: int
FILE_ATTRIBUTE_TEMPORARY: int
FILE_BEGIN: int
FILE_CURRENT: int
FILE_ENCRYPTABLE: int
FILE_END: int
FILE_FLAG_BACKUP_SEMANTICS: int
FILE_FLAG_DELETE_ON_CLOSE: int
FILE_FLAG_NO_BUFFERING: int
FILE_FLAG_OPEN_REPARSE_POINT: int
FILE_FLAG_OVERLAPPED: int
FILE_FLAG_POSIX_SEMANTICS: int
FILE_FLAG_RANDOM_ACCESS: int
FILE_FLAG_SEQUENTIAL_SCAN: int
FILE_FLAG_WRITE_THROUGH: int
FILE_GENERIC_READ: int
FILE_GENERIC_WRITE: int
FILE_IS_ENCRYPTED: int
FILE_READ_ONLY: int
FILE_ROOT_DIR: int
FILE_SHARE_DELETE: int
FILE_SHARE_READ: int
FILE_SHARE_WRITE: int
FILE_SYSTEM_ATTR: int
FILE_SYSTEM_DIR: int
FILE_SYSTEM_NOT_SUPPORT: int
FILE_TYPE_CHAR: int
FILE_TYPE_DISK: int
FILE_TYPE_PIPE: int
FILE_TYPE_UNKNOWN: int
FILE_UNKNOWN: int
FILE_USER_DISALLOWED: int
FileAllocationInfo: int
FileAttributeTagInfo: int
FileBasicInfo: int
FileCompressionInfo: int
FileDispositionInfo: int
FileEndOfFileInfo: int
FileIdBothDirectoryInfo: int
FileIdBothDirectoryRestartInfo: int
FileIdType: int
FileIoPriorityHintInfo: int
FileNameInfo: int
FileRenameInfo: int
FileStandardInfo: int
FileStreamInfo: int
GENERIC_EXECUTE: int
GENERIC_READ: int
GENERIC_WRITE: int
GetFileExInfoStandard: int
INVALID_HANDLE_VALUE: int
IoPriorityHintLow: int
IoPriorityHintNormal: int
IoPriorityHintVeryLow: int
MARKPARITY: int
MOVEFILE_COPY_ALLOWED: int
MOVEFILE_CREATE_HARDLINK: int
MOVEFILE_DELAY_UNTIL_REBOOT: int
MOVEFILE_FAIL_IF_NOT_TRACKABLE: int
MOVEFILE_REPLACE_EXISTING: int
MOVEFILE_WRITE_THROUGH: int
NOPARITY: int
ODDPARITY: int
ONE5STOPBITS: int
ONESTOPBIT: int
OPEN_ALWAYS: int
OPEN_EXISTING: int
OVERWRITE_HIDDEN: int
ObjectIdType: int
PROGRESS_CANCEL: int
PROGRESS_CONTINUE: int
PROGRESS_QUIET: int
PROGRESS_STOP: int
PURGE_RXABORT: int
PURGE_RXCLEAR: int
PURGE_TXABORT: int
PURGE_TXCLEAR: int
REPLACEFILE_IGNORE_MERGE_ERRORS: int
REPLACEFILE_WRITE_THROUGH: int
RTS_CONTROL_DISABLE: int
RTS_CONTROL_ENABLE: int
RTS_CONTROL_HANDSHAKE: int
RTS_CONTROL_TOGGLE: int
SCS_32BIT_BINARY: int
SCS_DOS_BINARY: int
SCS_OS216_BINARY: int
SCS_PIF_BINARY: int
SCS_POSIX_BINARY: int
SCS_WOW_BINARY: int
SECURITY_ANONYMOUS: int
SECURITY_CONTEXT_TRACKING: int
SECURITY_DELEGATION: int
SECURITY_EFFECTIVE_ONLY: int
SECURITY_IDENTIFICATION: int
SECURITY_IMPERSONATION: int
SETBREAK: int
SETDTR: int
SETRTS: int
SETXOFF: int
SETXON: int
SO_CONNECT_TIME: int
SO_UPDATE_ACCEPT_CONTEXT: int
SO_UPDATE_CONNECT_CONTEXT: int
SPACEPARITY: int
SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE: int
SYMBOLIC_LINK_FLAG_DIRECTORY: int
TF_DISCONNECT: int
TF_REUSE_SOCKET: int
TF_USE_DEFAULT_WORKER: int
TF_USE_KERNEL_APC: int
TF_USE_SYSTEM_THREAD: int
TF_WRITE_BEHIND: int
TRUNCATE_EXISTING: int
TWOSTOPBITS: int
UNICODE: int
WSAECONNABORTED: int
WSAECONNRESET: int
WSAEDISCON: int
WSAEFAULT: int
WSAEINPROGRESS: int
WSAEINTR: int
WSAEINVAL: int
WSAEMSGSIZE: int
WSAENETDOWN: int
WSAENETRESET: int
WSAENOBUFS: int
WSAENOTCONN: int
WSAENOTSOCK: int
WSAEOPNOTSUPP: int
WSAESHUTDOWN: int
WSAEWOULDBLOCK: int
WSA_IO_PENDING: int
WSA_OPERATION_ABORTED: int

# ---------------------------------------------------------------------------
# Functions. Signatures are pywin32's runtime ones: parameter names, "/" for
# positional-only parameters, defaults. DWORD arguments are masked to 32 bits
# (negative constants such as GENERIC_READ are accepted). Failures raise
# pywintypes.error(winerror, funcname, strerror) unless noted.
# ---------------------------------------------------------------------------

# Opening and closing

def CreateFile(
    fileName: str,
    desiredAccess: int,
    shareMode: int,
    attributes: PySECURITY_ATTRIBUTES | None,
    CreationDisposition: int,
    flagsAndAttributes: int,
    hTemplateFile: _HandleArg,
    /,
) -> PyHANDLE:
    """Open or create a file, directory or device; returns a PyHANDLE.

    All seven arguments are required; raises error 'CreateFile'.
    """

def CreateFileW(
    FileName: str,
    DesiredAccess: int,
    ShareMode: int,
    SecurityAttributes: PySECURITY_ATTRIBUTES | None,
    CreationDisposition: int,
    FlagsAndAttributes: int,
    TemplateFile: _HandleArg = None,
    Transaction: PyHANDLE | None = None,
    MiniVersion: int | None = None,
    ExtendedParameter: None = None,
) -> PyHANDLE:
    """Wide-character CreateFile that accepts keywords; raises error 'CreateFileW'."""

def CloseHandle(handle: _HandleArg, /) -> None:
    """Close a handle: a PyHANDLE is closed through its Close(); 0 and None are no-ops."""

def _get_osfhandle(fd: int, /) -> int:
    """Return the handle (a plain int) behind a C file descriptor; OSError if fd is invalid."""

def _open_osfhandle(osfhandle: PyHANDLE | int, flags: int, /) -> int:
    """Return a new C file descriptor for a handle; OSError on failure."""

def _getmaxstdio() -> int:
    """Return the maximum number of simultaneously open C streams."""

def _setmaxstdio(newmax: int, /) -> int:
    """Set the maximum number of open C streams; returns the new value or -1, never raises."""

# Reading and writing

@overload
def ReadFile(hFile: _HandleArg, buffer_or_bufSize: int, overlapped: None = None, /) -> tuple[int, bytes]:
    """Read from a file: returns (rc, data); rc is 0, ERROR_MORE_DATA or ERROR_IO_PENDING.

    With a size and no overlapped, data is the bytes read (b'' at end of file);
    with a size and an overlapped, a new memoryview filled asynchronously; with a
    writable buffer and no overlapped, a bytes copy of what was read; with a
    buffer and an overlapped, the same buffer object.
    """

@overload
def ReadFile(hFile: _HandleArg, buffer_or_bufSize: int, overlapped: PyOVERLAPPED, /) -> tuple[int, memoryview]: ...
@overload
def ReadFile(hFile: _HandleArg, buffer_or_bufSize: WriteableBuffer, overlapped: None = None, /) -> tuple[int, bytes]: ...
@overload
def ReadFile(hFile: _HandleArg, buffer_or_bufSize: _B, overlapped: PyOVERLAPPED, /) -> tuple[int, _B]: ...
def WriteFile(hFile: _HandleArg, data: ReadableBuffer, ol: PyOVERLAPPED | None = None, /) -> tuple[int, int]:
    """Write bytes-like data: returns (rc, bytesWritten); rc is 0 or ERROR_IO_PENDING."""

def GetOverlappedResult(hFile: _HandleArg, overlapped: PyOVERLAPPED | None, bWait: int, /) -> int:
    """Bytes transferred by the OVERLAPPED's operation; raises 996 while pending
    (bWait false), or the operation's error (38 end of file, 995 aborted)."""

def CancelIo(handle: _HandleArg, /) -> None:
    """Cancel the calling thread's pending I/O on the handle (each completes with 995)."""

def CreateIoCompletionPort(handle: _HandleArg, existing: _HandleArg, completionKey: int, numThreads: int, /) -> PyHANDLE:
    """Create a port (handle=INVALID_HANDLE_VALUE) or associate a handle with one;
    associating returns the same object passed as existing."""

def GetQueuedCompletionStatus(hPort: _HandleArg, timeOut: int, /) -> tuple[int, int, int, PyOVERLAPPED | None]:
    """(rc, bytes, key, overlapped); never raises an API error: (258, 0, 0, None) on timeout."""

def PostQueuedCompletionStatus(
    handle: _HandleArg, numberOfBytes: int = 0, completionKey: int | None = None, overlapped: PyOVERLAPPED | None = None, /
) -> None:
    """Queue a packet of your own on the port."""

def AllocateReadBuffer(bufSize: int, /) -> memoryview:
    """Return a zero-filled writable memoryview of bufSize bytes, for overlapped reads."""

def SetFilePointer(handle: _HandleArg, offset: int | tuple[int, int], moveMethod: int, /) -> int:
    """Move the file pointer (FILE_BEGIN/FILE_CURRENT/FILE_END); returns the new position."""

def SetEndOfFile(hFile: _HandleArg, /) -> int:
    """Truncate or extend the file at the file pointer; returns 1 or 0 and never raises."""

def FlushFileBuffers(hFile: _HandleArg, /) -> None:
    """Flush the file's buffers to disk."""

def GetFileSize(handle: _HandleArg, /) -> int:
    """Return the file's size in bytes (64-bit)."""

def GetFileType(hFile: _HandleArg, /) -> int:
    """Return FILE_TYPE_DISK, FILE_TYPE_CHAR, FILE_TYPE_PIPE or FILE_TYPE_UNKNOWN; never raises."""

# Files and directories by name

def DeleteFile(fileName: str, /) -> None:
    """Delete a file."""

def DeleteFileW(FileName: str, Transaction: PyHANDLE | None = None) -> None:
    """Delete a file; accepts keywords."""

def CreateDirectory(name: str, sa: PySECURITY_ATTRIBUTES | None, /) -> None:
    """Create a directory; sa is required (may be None)."""

def CreateDirectoryW(name: str, sa: PySECURITY_ATTRIBUTES | None, /) -> None:
    """Create a directory; sa is required (may be None)."""

def CreateDirectoryEx(templateName: str, newDirectory: str, sa: PySECURITY_ATTRIBUTES | None, /) -> None:
    """Create a directory with the attributes of a template directory."""

def CreateDirectoryExW(
    TemplateDirectory: str | None,
    NewDirectory: str,
    SecurityAttributes: PySECURITY_ATTRIBUTES | None = None,
    Transaction: PyHANDLE | None = None,
) -> None:
    """Create a directory, optionally from a template; accepts keywords."""

def RemoveDirectory(PathName: str, Transaction: PyHANDLE | None = None) -> None:
    """Remove an empty directory; accepts keywords."""

def MoveFile(existingFileName: str, newFileName: str, /) -> None:
    """Rename a file or directory."""

def MoveFileW(existingFileName: str, newFileName: str, /) -> None:
    """Rename a file or directory."""

def MoveFileEx(existingFileName: str, newFileName: str | None, flags: int, /) -> None:
    """Rename a file with MOVEFILE_* flags."""

def MoveFileExW(existingFileName: str, newFileName: str | None, flags: int, /) -> None:
    """Rename a file with MOVEFILE_* flags."""

def CopyFile(_from: str, to: str, bFailIfExists: int, /) -> None:
    """Copy a file (pywin32 names these parameters from, to, bFailIfExists; ``from`` is a keyword)."""

def CopyFileW(_from: str, to: str, bFailIfExists: int, /) -> None:
    """Copy a file (pywin32 names these parameters from, to, bFailIfExists; ``from`` is a keyword)."""

def CopyFileEx(
    ExistingFileName: str,
    NewFileName: str,
    ProgressRoutine: Callable[[int, int, int, int, int, int, int, int, Any], int] | None = None,
    Data: Any = None,
    Cancel: int = False,
    CopyFlags: int = 0,
    Transaction: PyHANDLE | None = None,
) -> None:
    """Copy a file with COPY_FILE_* flags; ProgressRoutine(TotalFileSize, TotalBytesTransferred,
    StreamSize, StreamBytesTransferred, StreamNumber, CallbackReason, hSourceFile, hDestinationFile,
    Data) returns a PROGRESS_* value."""

def MoveFileWithProgress(
    ExistingFileName: str,
    NewFileName: str | None,
    ProgressRoutine: Callable[[int, int, int, int, int, int, int, int, Any], int] | None = None,
    Data: Any = None,
    Flags: int = 0,
    Transaction: PyHANDLE | None = None,
) -> None:
    """Move a file with MOVEFILE_* flags; the routine is called while a move across file systems copies."""

def ReplaceFile(
    ReplacedFileName: str,
    ReplacementFileName: str,
    BackupFileName: str | None = None,
    ReplaceFlags: int = 0,
    Exclude: None = None,
    Reserved: None = None,
    /,
) -> None:
    """Replace the first file by the second (documented order), optionally keeping a backup."""

def CreateHardLink(
    FileName: str,
    ExistingFileName: str,
    SecurityAttributes: PySECURITY_ATTRIBUTES | None = None,
    Transaction: PyHANDLE | None = None,
) -> None:
    """Give an existing file another name."""

def CreateSymbolicLink(SymlinkFileName: str, TargetFileName: str, Flags: int = 0, Transaction: PyHANDLE | None = None) -> None:
    """Create a symbolic link; Windows-form targets are written in Linux form."""

def FindFileNames(FileName: str, Transaction: PyHANDLE | None = None) -> list[str]:
    """Every name of a file on its volume (``\\dir\\name``, without the drive letter)."""

def GetFileAttributes(fileName: str, /) -> int:
    """Return the FILE_ATTRIBUTE_* bits; -1 (not an exception) if the file is missing."""

def GetFileAttributesW(fileName: str, /) -> int:
    """Return the FILE_ATTRIBUTE_* bits; -1 (not an exception) if the file is missing."""

def GetFileAttributesEx(
    FileName: str, InfoLevelId: int = 0, Transaction: PyHANDLE | None = None
) -> tuple[int, TimeType, TimeType, TimeType, int]:
    """Return (attributes, creationTime, lastAccessTime, lastWriteTime, fileSize).

    Times are aware UTC datetimes. InfoLevelId is the standard level, 0 or the exported
    GetFileExInfoStandard (1); other levels raise ValueError.
    """

def GetFileAttributesExW(
    FileName: str, InfoLevelId: int = 0, Transaction: PyHANDLE | None = None
) -> tuple[int, TimeType, TimeType, TimeType, int]:
    """Same as GetFileAttributesEx."""

def SetFileAttributes(filename: str, newAttributes: int, /) -> None:
    """Set a file's FILE_ATTRIBUTE_* bits."""

def SetFileAttributesW(FileName: str, FileAttributes: int, Transaction: PyHANDLE | None = None) -> None:
    """Set a file's FILE_ATTRIBUTE_* bits; accepts keywords."""

def GetFullPathName(FileName: _S, Transaction: PyHANDLE | None = None) -> _S:
    """Return the absolute path; str in, str out; bytes in, bytes out."""

def SetCurrentDirectory(lpPathName: str, /) -> None:
    """Change the process's current directory."""

# Information by handle

def GetFileTime(handle: _HandleArg, /) -> list[TimeType]:
    """Return [creationTime, lastAccessTime, lastWriteTime], aware UTC datetimes (ms precision)."""

def SetFileTime(
    File: _HandleArg,
    CreationTime: datetime | None = None,
    LastAccessTime: datetime | None = None,
    LastWriteTime: datetime | None = None,
    UTCTimes: bool = False,
) -> None:
    """Set a file's times; None leaves a time unchanged.

    Aware datetimes are converted to UTC, naive ones are taken as local time;
    UTCTimes is accepted and ignored, as in pywin32 on Python 3.
    """

def GetFileInformationByHandle(handle: _HandleArg, /) -> tuple[int, TimeType, TimeType, TimeType, int, int, int, int, int, int]:
    """Return (dwFileAttributes, ftCreationTime, ftLastAccessTime, ftLastWriteTime,
    dwVolumeSerialNumber, nFileSizeHigh, nFileSizeLow, nNumberOfLinks, nFileIndexHigh,
    nFileIndexLow); times are aware UTC datetimes.
    """

# File API code page (no effect on Linux: paths are always Unicode)

def AreFileApisANSI() -> int:
    """Return 1 if the file APIs use the ANSI code page, else 0."""

def SetFileApisToANSI() -> None:
    """Make the file APIs use the ANSI code page."""

def SetFileApisToOEM() -> None:
    """Make the file APIs use the OEM code page."""

# Overlapped I/O

OVERLAPPED = PyOVERLAPPED

# Byte-range locks

def LockFile(hFile: _HandleArg, offsetLow: int, offsetHigh: int, nNumberOfBytesToLockLow: int, nNumberOfBytesToLockHigh: int, /) -> None:
    """Lock a byte range exclusively for this handle; fails at once with ERROR_LOCK_VIOLATION."""
def UnlockFile(hFile: _HandleArg, offsetLow: int, offsetHigh: int, nNumberOfBytesToUnlockLow: int, nNumberOfBytesToUnlockHigh: int, /) -> None:
    """Remove the lock with exactly this range (ERROR_NOT_LOCKED otherwise)."""
def LockFileEx(hFile: _HandleArg, dwFlags: int, nbytesLow: int, nbytesHigh: int, ol: PyOVERLAPPED | None, /) -> None:
    """Lock nbytes at ol's offset: shared, or exclusive with LOCKFILE_EXCLUSIVE_LOCK; waits
    (interruptibly, GIL released) unless LOCKFILE_FAIL_IMMEDIATELY."""
def UnlockFileEx(hFile: _HandleArg, nbytesLow: int, nbytesHigh: int, ol: PyOVERLAPPED | None, /) -> None:
    """Remove the lock of nbytes at ol's offset with exactly this range."""

# ---------------------------------------------------------------------------
# Directory enumeration
# ---------------------------------------------------------------------------

_FindData = tuple[int, TimeType, TimeType, TimeType, int, int, int, int, str, str]

def FindFilesW(FileName: str, Transaction: PyHANDLE | None = None) -> list[_FindData]:
    """WIN32_FIND_DATA tuples (attrs, ctime, atime, wtime, sizeHigh, sizeLow, reserved0,
    reserved1, name, alternateName) for a spec with Windows wildcards; [] when nothing
    matches; pywintypes.error(3, 'FindFirstFileW') for a missing directory."""

@final
class FindFileIterator:
    """Streams WIN32_FIND_DATA tuples; the find handle closes at the end or on deletion."""
    def __iter__(self) -> FindFileIterator: ...
    def __next__(self) -> _FindData: ...

def FindFilesIterator(FileName: str, Transaction: PyHANDLE | None = None) -> FindFileIterator:
    """Like FindFilesW, streaming; FindFirstFile runs at call time (errors are immediate)."""

def DeviceIoControl(
    Device: _HandleArg, IoControlCode: int, InBuffer: ReadableBuffer | None, OutBuffer: int | WriteableBuffer, Overlapped: PyOVERLAPPED | None = None
) -> bytes | memoryview | WriteableBuffer:
    """Run a control code: FSCTL_SET_SPARSE, FSCTL_SET_ZERO_DATA, FSCTL_QUERY_ALLOCATED_RANGES,
    FSCTL_GET_REPARSE_POINT (symbolic links); any other code raises error 1."""

def FindStreams(FileName: str, Transaction: PyHANDLE | None = None) -> list[tuple[int, str]]:
    """[(StreamSize, StreamName)]: ('::$DATA' for a file's data, then ':name:$DATA' for each
    named stream Samba stores as a user.DosStream.* xattr); [] for a directory without."""

def FindClose(hFindFile: _HandleArg, /) -> None:
    """Closes a find handle."""

# ---------------------------------------------------------------------------
# Change notification
# ---------------------------------------------------------------------------

def FindFirstChangeNotification(pathName: str, bWatchSubtree: int, notifyFilter: int, /) -> int:
    """A plain int handle, signaled (for win32event waits) by the first matching change."""

def FindNextChangeNotification(hChangeHandle: _HandleArg, /) -> None:
    """Re-arms a change-notification handle."""

def FindCloseChangeNotification(hChangeHandle: _HandleArg, /) -> None:
    """Closes a change-notification handle."""

def ReadDirectoryChangesW(
    handle: _HandleArg,
    size_or_buffer: int | WriteableBuffer,
    bWatchSubtree: int,
    dwNotifyFilter: int,
    overlapped: PyOVERLAPPED | None = None,
    overlappedRoutine: None = None,
    /,
) -> list[tuple[int, str]] | None:
    """Synchronous form (int size): blocks, returns [(action, name), ...] ([] when changes
    were lost: rescan). The overlapped form (buffer) is not wired yet (error 50)."""

def FILE_NOTIFY_INFORMATION(buffer: ReadableBuffer, size: int, /) -> list[tuple[int, str]]:
    """Decodes FILE_NOTIFY_INFORMATION records."""

# ---------------------------------------------------------------------------
# Information by handle (classes: FileBasicInfo .. FileIoPriorityHintInfo)
# ---------------------------------------------------------------------------

def GetFileInformationByHandleEx(File: _HandleArg, FileInformationClass: int) -> dict[str, object] | str | tuple[dict[str, object], ...]:
    """Return one class of information about the open file: a dict (FileBasicInfo,
    FileStandardInfo, FileCompressionInfo, FileAttributeTagInfo), a str (FileNameInfo,
    the path without its drive) or a tuple of dicts (FileIdBothDirectoryInfo /
    RestartInfo batches, () at the end; FileStreamInfo). Other classes raise error 87.
    """

def SetFileInformationByHandle(File: _HandleArg, FileInformationClass: int, Information: object) -> None:
    """Set one class of information: FileBasicInfo (dict of the four times and
    FileAttributes), FileRenameInfo (dict ReplaceIfExists, RootDirectory, FileName),
    FileDispositionInfo (truthiness), FileAllocationInfo / FileEndOfFileInfo (int),
    FileIoPriorityHintInfo (int). Other classes raise error 87.
    """

def ReOpenFile(OriginalFile: _HandleArg, DesiredAccess: int, ShareMode: int, Flags: int) -> PyHANDLE:
    """Return a new handle to the same file with its own access, share mode and flags."""

def OpenFileById(
    File: _HandleArg,
    FileID: int,
    DesiredAccess: int,
    ShareMode: int,
    Flags: int,
    SecurityAttributes: PySECURITY_ATTRIBUTES | None = None,
) -> PyHANDLE:
    """Open the file whose id (inode number) is FileID on the volume holding File."""

def GetCompressedFileSize(fileName: str, /) -> int:
    """Return the bytes the file takes on disk if it is sparse or compressed, else its size."""

def GetBinaryType(appName: str, /) -> int:
    """Return the SCS_* kind of an executable (SCS_POSIX_BINARY for ELF); error 193 otherwise."""

# ---------------------------------------------------------------------------
# Windows features with a fixed answer on Linux
# ---------------------------------------------------------------------------

def DecryptFile(filename: str, /) -> None:
    """Succeed on an existing file: no Linux file is EFS-encrypted."""

def FileEncryptionStatus(FileName: str, /) -> int:
    """Return FILE_SYSTEM_NOT_SUPPORT (6): no Linux file system has EFS."""

def SfcIsFileProtected(ProtFileName: str, /) -> bool:
    """Return False: Windows File Protection guards no Linux file."""

def SfcGetNextProtectedFile() -> list[str]:
    """Return []: Windows File Protection guards no Linux file."""

def Wow64DisableWow64FsRedirection() -> int:
    """Return the state value 0: a native process has no WOW64 redirection."""

def Wow64RevertWow64FsRedirection(OldValue: int, /) -> None:
    """Accept the state value; there is no redirection to restore."""

# ---------------------------------------------------------------------------
# Unsupported on Linux: arguments are checked, then pywintypes.error is raised
# ---------------------------------------------------------------------------

def EncryptFile(filename: str, /) -> None:
    """Raise error 6014 (ERROR_VOLUME_NOT_SUPPORT_EFS): Linux has no EFS."""

def AddUsersToEncryptedFile(FileName: str, pUsers: object, /) -> None:
    """Raise error 6014: Linux has no EFS."""

def RemoveUsersFromEncryptedFile(FileName: str, pHashes: object, /) -> None:
    """Raise error 6014: Linux has no EFS."""

def QueryUsersOnEncryptedFile(FileName: str, /) -> tuple[tuple[object, bytes, str], ...]:
    """Raise error 6014: Linux has no EFS."""

def QueryRecoveryAgentsOnEncryptedFile(FileName: str, /) -> tuple[tuple[object, bytes, str], ...]:
    """Raise error 6014: Linux has no EFS."""

def DuplicateEncryptionInfoFile(
    SrcFileName: str,
    DstFileName: str,
    CreationDisposition: int,
    Attributes: int,
    SecurityAttributes: PySECURITY_ATTRIBUTES | None = None,
) -> None:
    """Raise error 6014: Linux has no EFS."""

def EncryptionDisable(DirName: str, Disable: int, /) -> None:
    """Raise error 6014: Linux has no EFS."""

def OpenEncryptedFileRaw(FileName: str, Flags: int, /) -> object:
    """Raise error 6014: Linux has no EFS."""

def ReadEncryptedFileRaw(ExportCallback: object, CallbackContext: object, Context: object, /) -> None:
    """Raise error 87: no raw EFS context can exist."""

def WriteEncryptedFileRaw(ImportCallback: object, CallbackContext: object, Context: object, /) -> None:
    """Raise error 87: no raw EFS context can exist."""

def CloseEncryptedFileRaw(Context: object, /) -> None:
    """Raise error 87: no raw EFS context can exist."""

def SetFileShortName(hFile: _HandleArg, ShortName: str, /) -> None:
    """Raise error 50: Linux file systems keep no 8.3 names."""

def WSAAsyncSelect(socket: object, hwnd: _HandleArg, wMsg: int, networkEvents: int, /) -> None:
    """Raise error 50: Linux has no window message queue."""

# Sockets (a SOCKET is a socket.socket or its fileno())
# ---------------------------------------------------------------------------

def AcceptEx(sListening: object, sAccepting: object, buffer: WriteableBuffer, ol: PyOVERLAPPED, /) -> int:
    """Accept a connection (and its first data) into sAccepting; 997 (ERROR_IO_PENDING)."""

def GetAcceptExSockaddrs(sAccepting: object, buffer: ReadableBuffer, /) -> tuple[int, Any, Any]:
    """Return (family, local, remote) from an AcceptEx buffer."""

def CalculateSocketEndPointSize(socket: object, /) -> int:
    """Return the buffer room AcceptEx needs for the two endpoints."""

def ConnectEx(s: object, name: tuple[Any, ...], Overlapped: PyOVERLAPPED, SendBuffer: ReadableBuffer | None = None) -> tuple[int, int]:
    """Connect a bound socket, then send SendBuffer; (997, 0)."""

def WSASend(s: object, buffer: ReadableBuffer, ol: PyOVERLAPPED | None, dwFlags: int = 0, /) -> tuple[int, int]:
    """Send buffer; with an OVERLAPPED (0, bytes) if sent in the call, (997, 0) if queued; (0, bytes) without."""

def WSARecv(s: object, buffer: WriteableBuffer, ol: PyOVERLAPPED | None, dwFlags: int = 0, /) -> tuple[int, int]:
    """Receive into buffer; with an OVERLAPPED (0, bytes) if received in the call, (997, 0) if queued; (0, bytes) without."""

def TransmitFile(
    Socket: object,
    File: _HandleArg,
    NumberOfBytesToWrite: int,
    NumberOfBytesPerSend: int,
    Overlapped: PyOVERLAPPED | None,
    Flags: int,
    Head: ReadableBuffer | None = None,
    Tail: ReadableBuffer | None = None,
) -> int:
    """Send Head, the file's bytes from the OVERLAPPED's offset (None: from the file
    pointer, blocking), then Tail; 997 with an OVERLAPPED, else 0."""

def WSAEventSelect(socket: object, hEvent: _HandleArg, networkEvents: int, /) -> None:
    """Record the FD_* events of networkEvents and set hEvent for each (0 cancels)."""

def WSAEnumNetworkEvents(s: object, hEvent: _HandleArg = None, /) -> dict[int, int]:
    """Return {FD_x: error} recorded since the last call; resets hEvent if given."""

# Paths, drives and volumes
# ---------------------------------------------------------------------------

def GetLongPathName(ShortPath: str | bytes, Transaction: PyHANDLE | None = None) -> str:
    """Return the path with each component spelled as on disk."""

def GetFinalPathNameByHandle(File: _HandleArg, Flags: int) -> str:
    """Return the open file's current path (FILE_NAME_* | VOLUME_NAME_*)."""

def GetLogicalDrives() -> int:
    """Return the defined drives as a bitmask (bit 0 = A:)."""

def QueryDosDevice(DeviceName: str | None, /) -> str:
    """Return the raw NUL-separated multi-string of targets (or of names for None)."""

def DefineDosDevice(flags: int, deviceName: str, targetPath: str, /) -> None:
    """Define, redefine or remove a DOS device name (per user, effective at once)."""

def DefineDosDeviceW(flags: int, deviceName: str, targetPath: str, /) -> None:
    """Same as DefineDosDevice."""

def GetDriveType(rootPathName: str | bytes | None, /) -> int:
    """Return the DRIVE_* type of a root directory; never raises."""

def GetDriveTypeW(rootPathName: str | None, /) -> int:
    """Same as GetDriveType."""

def GetDiskFreeSpace(rootPathName: str | bytes, /) -> list[int]:
    """Return [sectorsPerCluster, bytesPerSector, numberOfFreeClusters, totalNumberOfClusters]."""

def GetDiskFreeSpaceEx(rootPathName: str | bytes, /) -> list[int]:
    """Return [freeBytesAvailableToCaller, totalNumberOfBytes, totalNumberOfFreeBytes]."""

def GetVolumeNameForVolumeMountPoint(VolumeMountPoint: str | bytes) -> str:
    """Return the \\\\?\\Volume{GUID}\\ name of the volume mounted there."""

def GetVolumePathName(FileName: str | bytes, BufferLength: int = 0) -> str:
    """Return the mount point holding the path, in the caller's style."""

def GetVolumePathNamesForVolumeName(VolumeName: str | bytes) -> list[str]:
    """Return every drive and mount point of the volume."""

def SetVolumeMountPoint(VolumeMountPoint: str | bytes, VolumeName: str | bytes) -> str:
    """Mount the volume on an empty directory; return the volume name."""

def DeleteVolumeMountPoint(VolumeMountPoint: str | bytes) -> None:
    """Unmount the volume mounted at the directory."""

def SetVolumeLabel(rootPathName: str, volumeName: str, /) -> None:
    """Set the label of the volume holding the root."""

# ---------------------------------------------------------------------------
# Mailslots
# ---------------------------------------------------------------------------

def CreateMailslot(Name: str, MaxMessageSize: int, ReadTimeout: int, SecurityAttributes: PySECURITY_ATTRIBUTES | None, /) -> PyHANDLE:
    """The server end of mailslot Name (\\\\.\\mailslot\\...): an AF_UNIX datagram socket in the
    per-user runtime directory. ReadTimeout in ms, 0 or MAILSLOT_WAIT_FOREVER (0xFFFFFFFF)."""

def GetMailslotInfo(Mailslot: _HandleArg, /) -> tuple[int, int, int, int]:
    """(MaxMessageSize, NextSize or MAILSLOT_NO_MESSAGE, MessageCount, ReadTimeout)."""

def SetMailslotInfo(Mailslot: _HandleArg, ReadTimeout: int, /) -> None:
    """Sets the read timeout (ms, 0, or MAILSLOT_WAIT_FOREVER)."""

# ---------------------------------------------------------------------------
# Backup streams
# ---------------------------------------------------------------------------

@overload
def BackupRead(
    hFile: _HandleArg, NumberOfBytesToRead: int, Buffer: None, bAbort: int, bProcessSecurity: int, lpContext: int, /
) -> tuple[int, memoryview, int]:
    """The next bytes of the file's WIN32_STREAM_ID stream: (bytes_read, buffer, context).
    Buffer None gives a new memoryview of NumberOfBytesToRead bytes; context 0 starts,
    bAbort=True frees it."""

@overload
def BackupRead(
    hFile: _HandleArg, NumberOfBytesToRead: int, Buffer: _B, bAbort: int, bProcessSecurity: int, lpContext: int, /
) -> tuple[int, _B, int]: ...
def BackupSeek(hFile: _HandleArg, NumberOfBytesToSeek: int | tuple[int, int], lpContext: int, /) -> int:
    """Skips forward within the current record's body; returns the bytes skipped."""

def BackupWrite(
    hFile: _HandleArg, NumberOfBytesToWrite: int, Buffer: ReadableBuffer, bAbort: int, bProcessSecurity: int, lpContext: int, /
) -> tuple[int, int]:
    """Restores from WIN32_STREAM_ID stream bytes: (bytes_written, context)."""

# ---------------------------------------------------------------------------
# Serial ports
# ---------------------------------------------------------------------------

@final
class PyDCB:
    """A DCB: every member as an attribute, bit fields as ints, characters as str."""
    DCBlength: int
    BaudRate: int
    wReserved: int
    XonLim: int
    XoffLim: int
    ByteSize: int
    Parity: int
    StopBits: int
    wReserved1: int
    XonChar: str
    XoffChar: str
    ErrorChar: str
    EofChar: str
    EvtChar: str
    fBinary: int
    fParity: int
    fOutxCtsFlow: int
    fOutxDsrFlow: int
    fDtrControl: int
    fDsrSensitivity: int
    fTXContinueOnXoff: int
    fOutX: int
    fInX: int
    fErrorChar: int
    fNull: int
    fRtsControl: int
    fAbortOnError: int
    fDummy2: int

@final
class PyCOMSTAT:
    """ClearCommError's COMSTAT: hold reasons and queue counts."""
    @property
    def cbInQue(self) -> int: ...
    @property
    def cbOutQue(self) -> int: ...
    @property
    def fCtsHold(self) -> int: ...
    @property
    def fDsrHold(self) -> int: ...
    @property
    def fRlsdHold(self) -> int: ...
    @property
    def fXoffHold(self) -> int: ...
    @property
    def fXoffSent(self) -> int: ...
    @property
    def fEof(self) -> int: ...
    @property
    def fTxim(self) -> int: ...
    @property
    def fReserved(self) -> int: ...

COMSTAT = PyCOMSTAT

def DCB() -> PyDCB:
    """Return a zeroed DCB with DCBlength set."""

def BuildCommDCB(_def: str, dcb: PyDCB | None, /) -> None:
    """Fill dcb in place from a mode string ('baud=9600 parity=N data=8 stop=1' or '9600,n,8,1')."""

def GetCommState(handle: _HandleArg, /) -> PyDCB:
    """Return the port's DCB."""

def SetCommState(handle: _HandleArg, dcb: PyDCB | None, /) -> None:
    """Apply a DCB to the port."""

def GetCommTimeouts(handle: _HandleArg, /) -> tuple[int, int, int, int, int]:
    """Return the COMMTIMEOUTS as a 5-tuple."""

def SetCommTimeouts(handle: _HandleArg, val: tuple[int, int, int, int, int], /) -> None:
    """Set the COMMTIMEOUTS from a 5-tuple."""

def SetupComm(handle: _HandleArg, dwInQueue: int, dwOutQueue: int, /) -> None:
    """Record the recommended queue sizes."""

def PurgeComm(handle: _HandleArg, action: int, /) -> None:
    """Abort pending transfers and/or discard the queues (PURGE_*)."""

def ClearCommError(handle: _HandleArg, /) -> tuple[int, PyCOMSTAT]:
    """Return (CE_* errors since the last call, COMSTAT)."""

def EscapeCommFunction(handle: _HandleArg, func: int, /) -> None:
    """Perform an extended function (SETDTR, CLRRTS, SETBREAK, SETXOFF, ...)."""

def SetCommBreak(handle: _HandleArg, /) -> None:
    """Hold the line in the break state."""

def ClearCommBreak(handle: _HandleArg, /) -> None:
    """End the break state."""

def TransmitCommChar(handle: _HandleArg, cChar: bytes | bytearray, /) -> None:
    """Send one character ahead of queued output."""

def GetCommModemStatus(handle: _HandleArg, /) -> int:
    """Return the MS_* modem status bits."""

def GetCommMask(handle: _HandleArg, /) -> int:
    """Return the EV_* event mask."""

def SetCommMask(handle: _HandleArg, val: int, /) -> None:
    """Set the EV_* event mask (a pending WaitCommEvent completes with 0)."""

def WaitCommEvent(handle: _HandleArg, overlapped: PyOVERLAPPED | None = None, /) -> tuple[int, int]:
    """Wait for an event of the mask: (0, mask), or (ERROR_IO_PENDING, 0) with an OVERLAPPED (the mask lands in its dword)."""
