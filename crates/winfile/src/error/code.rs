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
    PIPE_BUSY = 231;
    NO_DATA = 232;
    MORE_DATA = 234;
    WAIT_TIMEOUT = 258;
    DIRECTORY = 267;
    NOT_OWNER = 288;
    TOO_MANY_POSTS = 298;
    INVALID_LOCK_RANGE = 307;
    PIPE_CONNECTED = 535;
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
    BAD_EXE_FORMAT = 193;
    FILE_NOT_ENCRYPTED = 6007;
    VOLUME_NOT_SUPPORT_EFS = 6014;
    INTERNAL_ERROR = 1359;
    NO_SYSTEM_RESOURCES = 1450;
}
