"""The Win32 file API, like pywin32's ``win32file``, implemented on Linux by winfile.

Constants are defined here with pywin32's exact values (signed as pywin32
exports them: ``GENERIC_READ = -2147483648``, ``INVALID_HANDLE_VALUE = -1``;
``GetFileExInfoStandard`` is 1 as pywin32 exports it, though the C enum
value that ``GetFileAttributesEx`` accepts is 0). The functions come from the
native extension ``winfile._native``; a function it does not provide yet is
absent, never stubbed.
"""

import pywintypes

error = pywintypes.error

# Access rights (CreateFile dwDesiredAccess)
FILE_GENERIC_READ = 1179785
FILE_GENERIC_WRITE = 1179926
FILE_ALL_ACCESS = 2032127
GENERIC_EXECUTE = 536870912
GENERIC_WRITE = 1073741824
GENERIC_READ = -2147483648

# Share modes
FILE_SHARE_READ = 1
FILE_SHARE_WRITE = 2
FILE_SHARE_DELETE = 4

# Creation dispositions
CREATE_NEW = 1
CREATE_ALWAYS = 2
OPEN_EXISTING = 3
OPEN_ALWAYS = 4
TRUNCATE_EXISTING = 5

# File attributes
FILE_ATTRIBUTE_READONLY = 1
FILE_ATTRIBUTE_HIDDEN = 2
FILE_ATTRIBUTE_SYSTEM = 4
FILE_ATTRIBUTE_DIRECTORY = 16
FILE_ATTRIBUTE_ARCHIVE = 32
FILE_ATTRIBUTE_NORMAL = 128
FILE_ATTRIBUTE_TEMPORARY = 256
FILE_ATTRIBUTE_COMPRESSED = 2048
FILE_ATTRIBUTE_OFFLINE = 4096

# File flags
FILE_FLAG_OPEN_REPARSE_POINT = 2097152
FILE_FLAG_POSIX_SEMANTICS = 16777216
FILE_FLAG_BACKUP_SEMANTICS = 33554432
FILE_FLAG_DELETE_ON_CLOSE = 67108864
FILE_FLAG_SEQUENTIAL_SCAN = 134217728
FILE_FLAG_RANDOM_ACCESS = 268435456
FILE_FLAG_NO_BUFFERING = 536870912
FILE_FLAG_OVERLAPPED = 1073741824
FILE_FLAG_WRITE_THROUGH = -2147483648

# Security quality of service (CreateFile on pipes)
SECURITY_ANONYMOUS = 0
SECURITY_IDENTIFICATION = 65536
SECURITY_IMPERSONATION = 131072
SECURITY_DELEGATION = 196608
SECURITY_CONTEXT_TRACKING = 262144
SECURITY_EFFECTIVE_ONLY = 524288

# Handles
INVALID_HANDLE_VALUE = -1

# SetFilePointer move methods
FILE_BEGIN = 0
FILE_CURRENT = 1
FILE_END = 2

# GetFileType results
FILE_TYPE_UNKNOWN = 0
FILE_TYPE_DISK = 1
FILE_TYPE_CHAR = 2
FILE_TYPE_PIPE = 3

# GetDriveType results
DRIVE_UNKNOWN = 0
DRIVE_NO_ROOT_DIR = 1
DRIVE_REMOVABLE = 2
DRIVE_FIXED = 3
DRIVE_REMOTE = 4
DRIVE_CDROM = 5
DRIVE_RAMDISK = 6

# MoveFileEx flags
MOVEFILE_REPLACE_EXISTING = 1
MOVEFILE_COPY_ALLOWED = 2
MOVEFILE_DELAY_UNTIL_REBOOT = 4
MOVEFILE_WRITE_THROUGH = 8
MOVEFILE_CREATE_HARDLINK = 16
MOVEFILE_FAIL_IF_NOT_TRACKABLE = 32

# CopyFileEx flags, progress callback reasons and results
CALLBACK_CHUNK_FINISHED = 0
PROGRESS_CONTINUE = 0
CALLBACK_STREAM_SWITCH = 1
COPY_FILE_FAIL_IF_EXISTS = 1
PROGRESS_CANCEL = 1
COPY_FILE_RESTARTABLE = 2
PROGRESS_STOP = 2
PROGRESS_QUIET = 3
COPY_FILE_OPEN_SOURCE_FOR_WRITE = 4
COPY_FILE_ALLOW_DECRYPTED_DESTINATION = 8
COPY_FILE_COPY_SYMLINK = 2048

# ReplaceFile flags
REPLACEFILE_WRITE_THROUGH = 1
REPLACEFILE_IGNORE_MERGE_ERRORS = 2

# CreateSymbolicLink flags
SYMBOLIC_LINK_FLAG_DIRECTORY = 1
SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE = 2

# GetFileAttributesEx information level (pywin32 exports 1; the C enum value is 0)
GetFileExInfoStandard = 1

# FILE_INFO_BY_HANDLE_CLASS (GetFileInformationByHandleEx / SetFileInformationByHandle)
FileBasicInfo = 0
FileStandardInfo = 1
FileNameInfo = 2
FileRenameInfo = 3
FileDispositionInfo = 4
FileAllocationInfo = 5
FileEndOfFileInfo = 6
FileStreamInfo = 7
FileCompressionInfo = 8
FileAttributeTagInfo = 9
FileIdBothDirectoryInfo = 10
FileIdBothDirectoryRestartInfo = 11
FileIoPriorityHintInfo = 12

# FILE_ID_TYPE (OpenFileById)
FileIdType = 0
ObjectIdType = 1

# PRIORITY_HINT
IoPriorityHintVeryLow = 0
IoPriorityHintLow = 1
IoPriorityHintNormal = 2

# FileEncryptionStatus results
FILE_ENCRYPTABLE = 0
FILE_IS_ENCRYPTED = 1
FILE_SYSTEM_ATTR = 2
FILE_ROOT_DIR = 3
FILE_SYSTEM_DIR = 4
FILE_UNKNOWN = 5
FILE_SYSTEM_NOT_SUPPORT = 6
FILE_USER_DISALLOWED = 7
FILE_READ_ONLY = 8

# OpenEncryptedFileRaw flags
CREATE_FOR_IMPORT = 1
CREATE_FOR_DIR = 2
OVERWRITE_HIDDEN = 4

# GetBinaryType results
SCS_32BIT_BINARY = 0
SCS_DOS_BINARY = 1
SCS_WOW_BINARY = 2
SCS_PIF_BINARY = 3
SCS_POSIX_BINARY = 4
SCS_OS216_BINARY = 5

# Serial ports: baud rates
CBR_110 = 110
CBR_300 = 300
CBR_600 = 600
CBR_1200 = 1200
CBR_2400 = 2400
CBR_4800 = 4800
CBR_9600 = 9600
CBR_14400 = 14400
CBR_19200 = 19200
CBR_38400 = 38400
CBR_56000 = 56000
CBR_57600 = 57600
CBR_115200 = 115200
CBR_128000 = 128000
CBR_256000 = 256000

# Serial ports: DCB fields
DTR_CONTROL_DISABLE = 0
NOPARITY = 0
ONESTOPBIT = 0
RTS_CONTROL_DISABLE = 0
DTR_CONTROL_ENABLE = 1
ODDPARITY = 1
ONE5STOPBITS = 1
RTS_CONTROL_ENABLE = 1
DTR_CONTROL_HANDSHAKE = 2
EVENPARITY = 2
RTS_CONTROL_HANDSHAKE = 2
TWOSTOPBITS = 2
MARKPARITY = 3
RTS_CONTROL_TOGGLE = 3
SPACEPARITY = 4

# Serial ports: EscapeCommFunction codes
SETXOFF = 1
SETXON = 2
SETRTS = 3
CLRRTS = 4
SETDTR = 5
CLRDTR = 6
SETBREAK = 8
CLRBREAK = 9

# Serial ports: comm events (SetCommMask / WaitCommEvent)
EV_RXCHAR = 1
EV_RXFLAG = 2
EV_TXEMPTY = 4
EV_CTS = 8
EV_DSR = 16
EV_RLSD = 32
EV_BREAK = 64
EV_ERR = 128
EV_RING = 256

# Serial ports: PurgeComm flags
PURGE_TXABORT = 1
PURGE_RXABORT = 2
PURGE_TXCLEAR = 4
PURGE_RXCLEAR = 8

# Sockets: WSAEventSelect network events
FD_READ = 1
FD_WRITE = 2
FD_OOB = 4
FD_ACCEPT = 8
FD_CONNECT = 16
FD_CLOSE = 32
FD_QOS = 64
FD_GROUP_QOS = 128
FD_ROUTING_INTERFACE_CHANGE = 256
FD_ADDRESS_LIST_CHANGE = 512

# Sockets: TransmitFile flags
TF_USE_DEFAULT_WORKER = 0
TF_DISCONNECT = 1
TF_REUSE_SOCKET = 2
TF_WRITE_BEHIND = 4
TF_USE_SYSTEM_THREAD = 16
TF_USE_KERNEL_APC = 32

# Sockets: socket options for AcceptEx / ConnectEx
SO_UPDATE_ACCEPT_CONTEXT = 28683
SO_CONNECT_TIME = 28684
SO_UPDATE_CONNECT_CONTEXT = 28688

# Sockets: Winsock error codes
WSA_OPERATION_ABORTED = 995
WSA_IO_PENDING = 997
WSAEINTR = 10004
WSAEFAULT = 10014
WSAEINVAL = 10022
WSAEWOULDBLOCK = 10035
WSAEINPROGRESS = 10036
WSAENOTSOCK = 10038
WSAEMSGSIZE = 10040
WSAEOPNOTSUPP = 10045
WSAENETDOWN = 10050
WSAENETRESET = 10052
WSAECONNABORTED = 10053
WSAECONNRESET = 10054
WSAENOBUFS = 10055
WSAENOTCONN = 10057
WSAESHUTDOWN = 10058
WSAEDISCON = 10101

# Build information
UNICODE = 1


# ---------------------------------------------------------------------------
# Functions, from the native module
# ---------------------------------------------------------------------------

from winfile import _native as _n  # noqa: E402

# The CRT helpers start with an underscore but are part of the API.
_CRT_NAMES = ("_get_osfhandle", "_open_osfhandle", "_getmaxstdio", "_setmaxstdio")


def _export_native(namespace):
    source = _n.win32file
    for name in dir(source):
        if name.startswith("__"):
            continue
        if name.startswith("_") and name not in _CRT_NAMES:
            continue
        # The constants and ``error`` defined above are authoritative.
        if name in namespace:
            continue
        namespace[name] = getattr(source, name)


_export_native(globals())
del _export_native

# pywin32's win32file.OVERLAPPED() is pywintypes.OVERLAPPED (a factory taking
# no arguments); export it only once the native type exists.
if "OVERLAPPED" not in globals() and hasattr(pywintypes, "OVERLAPPED"):
    OVERLAPPED = pywintypes.OVERLAPPED
