//! `Win32Error`: a Win32 error code, with a named constant for each code winfile raises.

/// A Win32 error code (`GetLastError`). A newtype, not an enum: any `u32` is a valid value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[repr(transparent)]
pub struct Win32Error(pub u32);

macro_rules! codes {
    ($($name:ident = $value:expr;)*) => {
        impl Win32Error {
            $(
                #[doc = concat!("`ERROR_", stringify!($name), "` (", stringify!($value), ").")]
                pub const $name: Win32Error = Win32Error($value);
            )*
        }
    };
}

codes! {
    SUCCESS = 0;
    INVALID_FUNCTION = 1;
    FILE_NOT_FOUND = 2;
    PATH_NOT_FOUND = 3;
    TOO_MANY_OPEN_FILES = 4;
    ACCESS_DENIED = 5;
    INVALID_HANDLE = 6;
    NOT_ENOUGH_MEMORY = 8;
    INVALID_DATA = 13;
    INVALID_DRIVE = 15;
    CURRENT_DIRECTORY = 16;
    NOT_SAME_DEVICE = 17;
    NO_MORE_FILES = 18;
    WRITE_PROTECT = 19;
    NOT_READY = 21;
    BAD_COMMAND = 22;
    CRC = 23;
    BAD_LENGTH = 24;
    SEEK = 25;
    WRITE_FAULT = 29;
    READ_FAULT = 30;
    GEN_FAILURE = 31;
    SHARING_VIOLATION = 32;
    LOCK_VIOLATION = 33;
    HANDLE_EOF = 38;
    HANDLE_DISK_FULL = 39;
    NOT_SUPPORTED = 50;
    BAD_NETPATH = 53;
    NETNAME_DELETED = 64;
    BAD_NET_NAME = 67;
    FILE_EXISTS = 80;
    CANNOT_MAKE = 82;
    INVALID_PARAMETER = 87;
    BROKEN_PIPE = 109;
    OPEN_FAILED = 110;
    BUFFER_OVERFLOW = 111;
    DISK_FULL = 112;
    CALL_NOT_IMPLEMENTED = 120;
    SEM_TIMEOUT = 121;
    INSUFFICIENT_BUFFER = 122;
    INVALID_NAME = 123;
    NEGATIVE_SEEK = 131;
    DIR_NOT_ROOT = 144;
    DIR_NOT_EMPTY = 145;
    LABEL_TOO_LONG = 154;
    NOT_LOCKED = 158;
    BAD_PATHNAME = 161;
    BUSY = 170;
    ALREADY_EXISTS = 183;
    FILENAME_EXCED_RANGE = 206;
    BAD_PIPE = 230;
    PIPE_BUSY = 231;
    NO_DATA = 232;
    PIPE_NOT_CONNECTED = 233;
    MORE_DATA = 234;
    WAIT_TIMEOUT = 258;
    DIRECTORY = 267;
    NOT_OWNER = 288;
    TOO_MANY_POSTS = 298;
    INVALID_LOCK_RANGE = 307;
    PIPE_CONNECTED = 535;
    PIPE_LISTENING = 536;
    ABANDONED_WAIT_0 = 735;
    OPERATION_ABORTED = 995;
    IO_INCOMPLETE = 996;
    IO_PENDING = 997;
    NOACCESS = 998;
    NOTIFY_ENUM_DIR = 1022;
    NOT_A_REPARSE_POINT = 4390;
    DIRECTORY_NOT_SUPPORTED = 336;
    CANT_RESOLVE_FILENAME = 1921;
    NOT_FOUND = 1168;
    CONNECTION_REFUSED = 1225;
    PRIVILEGE_NOT_HELD = 1314;
    INVALID_USER_BUFFER = 1784;
    TIMEOUT = 1460;
    REQUEST_ABORTED = 1235;
    UNABLE_TO_REMOVE_REPLACED = 1175;
    UNABLE_TO_MOVE_REPLACEMENT = 1176;
    UNABLE_TO_MOVE_REPLACEMENT_2 = 1177;
    UNRECOGNIZED_VOLUME = 1005;
    FILE_TOO_LARGE = 223;
    DISK_QUOTA_EXCEEDED = 1295;
    STOPPED_ON_SYMLINK = 681;
    INVALID_TRANSACTION = 6700;
    TRANSACTIONS_UNSUPPORTED_REMOTE = 6805;
    TRANSACTION_NOT_ACTIVE = 6701;
    TRANSACTION_REQUEST_NOT_VALID = 6702;
    TRANSACTION_ALREADY_ABORTED = 6704;
    TRANSACTION_ALREADY_COMMITTED = 6705;
    TRANSACTION_NOT_FOUND = 6715;
    TRANSACTIONAL_CONFLICT = 6800;
    BAD_EXE_FORMAT = 193;
    FILE_NOT_ENCRYPTED = 6007;
    VOLUME_NOT_SUPPORT_EFS = 6014;
    INTERNAL_ERROR = 1359;
    NO_SYSTEM_RESOURCES = 1450;
    ENVVAR_NOT_FOUND = 203;
    MR_MID_NOT_FOUND = 317;
    RESOURCE_TYPE_NOT_FOUND = 1813;
    RESOURCE_LANG_NOT_FOUND = 1815;
}

/// Winsock codes (`WSAGetLastError`) and the Win32 codes an overlapped socket operation
/// completes with; the errno → code tables for sockets are in `errno.rs`.
impl Win32Error {
    /// `ERROR_NETWORK_UNREACHABLE` (1231).
    pub const NETWORK_UNREACHABLE: Win32Error = Win32Error(1231);
    /// `ERROR_HOST_UNREACHABLE` (1232).
    pub const HOST_UNREACHABLE: Win32Error = Win32Error(1232);
    /// `ERROR_CONNECTION_ABORTED` (1236).
    pub const CONNECTION_ABORTED: Win32Error = Win32Error(1236);
    /// `WSAEINTR` (10004).
    pub const WSAEINTR: Win32Error = Win32Error(10004);
    /// `WSAEACCES` (10013).
    pub const WSAEACCES: Win32Error = Win32Error(10013);
    /// `WSAEFAULT` (10014).
    pub const WSAEFAULT: Win32Error = Win32Error(10014);
    /// `WSAEINVAL` (10022).
    pub const WSAEINVAL: Win32Error = Win32Error(10022);
    /// `WSAEMFILE` (10024).
    pub const WSAEMFILE: Win32Error = Win32Error(10024);
    /// `WSAEWOULDBLOCK` (10035).
    pub const WSAEWOULDBLOCK: Win32Error = Win32Error(10035);
    /// `WSAEALREADY` (10037).
    pub const WSAEALREADY: Win32Error = Win32Error(10037);
    /// `WSAENOTSOCK` (10038).
    pub const WSAENOTSOCK: Win32Error = Win32Error(10038);
    /// `WSAEMSGSIZE` (10040).
    pub const WSAEMSGSIZE: Win32Error = Win32Error(10040);
    /// `WSAEPROTOTYPE` (10041).
    pub const WSAEPROTOTYPE: Win32Error = Win32Error(10041);
    /// `WSAEOPNOTSUPP` (10045).
    pub const WSAEOPNOTSUPP: Win32Error = Win32Error(10045);
    /// `WSAEAFNOSUPPORT` (10047).
    pub const WSAEAFNOSUPPORT: Win32Error = Win32Error(10047);
    /// `WSAEADDRINUSE` (10048).
    pub const WSAEADDRINUSE: Win32Error = Win32Error(10048);
    /// `WSAEADDRNOTAVAIL` (10049).
    pub const WSAEADDRNOTAVAIL: Win32Error = Win32Error(10049);
    /// `WSAENETDOWN` (10050).
    pub const WSAENETDOWN: Win32Error = Win32Error(10050);
    /// `WSAENETUNREACH` (10051).
    pub const WSAENETUNREACH: Win32Error = Win32Error(10051);
    /// `WSAENETRESET` (10052).
    pub const WSAENETRESET: Win32Error = Win32Error(10052);
    /// `WSAECONNABORTED` (10053).
    pub const WSAECONNABORTED: Win32Error = Win32Error(10053);
    /// `WSAECONNRESET` (10054).
    pub const WSAECONNRESET: Win32Error = Win32Error(10054);
    /// `WSAENOBUFS` (10055).
    pub const WSAENOBUFS: Win32Error = Win32Error(10055);
    /// `WSAEISCONN` (10056).
    pub const WSAEISCONN: Win32Error = Win32Error(10056);
    /// `WSAENOTCONN` (10057).
    pub const WSAENOTCONN: Win32Error = Win32Error(10057);
    /// `WSAESHUTDOWN` (10058).
    pub const WSAESHUTDOWN: Win32Error = Win32Error(10058);
    /// `WSAETIMEDOUT` (10060).
    pub const WSAETIMEDOUT: Win32Error = Win32Error(10060);
    /// `WSAECONNREFUSED` (10061).
    pub const WSAECONNREFUSED: Win32Error = Win32Error(10061);
    /// `WSAEHOSTUNREACH` (10065).
    pub const WSAEHOSTUNREACH: Win32Error = Win32Error(10065);
}
