"""Named and anonymous pipes, like pywin32's ``win32pipe``, implemented on Linux by winfile.

Named pipes (``\\\\.\\pipe\\name``) are AF_UNIX sockets in a per-user directory
(SOCK_SEQPACKET for message-type pipes, SOCK_STREAM for byte-type ones), shared by
every process of the user; see docs/pipes.md. The functions come from the native
extension.
"""

import pywintypes

error = pywintypes.error

from winfile import _native as _n  # noqa: E402
from win32file import GetOverlappedResult  # noqa: E402,F401

for _name in dir(_n.win32pipe):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_n.win32pipe, _name)
del _name, _n

# Open modes (CreateNamedPipe's openMode).
PIPE_ACCESS_INBOUND = 1
PIPE_ACCESS_OUTBOUND = 2
PIPE_ACCESS_DUPLEX = 3
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
# Pipe modes (pipeMode).
PIPE_TYPE_BYTE = 0
PIPE_TYPE_MESSAGE = 4
PIPE_READMODE_BYTE = 0
PIPE_READMODE_MESSAGE = 2
PIPE_WAIT = 0
PIPE_NOWAIT = 1
PIPE_ACCEPT_REMOTE_CLIENTS = 0
PIPE_REJECT_REMOTE_CLIENTS = 8
PIPE_UNLIMITED_INSTANCES = 255
# WaitNamedPipe / CallNamedPipe timeouts.
NMPWAIT_NOWAIT = 1
NMPWAIT_WAIT_FOREVER = -1
NMPWAIT_USE_DEFAULT_WAIT = 0
# pywin32 is built with UNICODE defined.
UNICODE = 1

