"""Helpers shared by the tests (tests/conftest.py puts this directory on sys.path)."""
import os
import subprocess
import sys
import textwrap

import pytest
import pywintypes


def win32_error(call, *args, **kwargs):
    """The pywintypes.error that `call(*args, **kwargs)` raises; the test fails when it
    raises none (or another exception)."""
    with pytest.raises(pywintypes.error) as e:
        call(*args, **kwargs)
    return e.value


def winerror_of(call, *args, **kwargs):
    """The Win32 error code `call(*args, **kwargs)` fails with."""
    return win32_error(call, *args, **kwargs).winerror


_RANGE_IO_CHILD = textwrap.dedent("""
    import sys, win32con, win32file, pywintypes
    h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_READ | win32con.GENERIC_WRITE, 7, None,
                             win32con.OPEN_EXISTING, 0, None)
    out = []
    for op in ("read", "write"):
        win32file.SetFilePointer(h, 12, win32file.FILE_BEGIN)
        try:
            win32file.ReadFile(h, 4) if op == "read" else win32file.WriteFile(h, b"zz")
            out.append(0)
        except pywintypes.error as e:
            out.append(e.winerror)
    print(*out)
""")


def child_range_io(path, **env):
    """(read, write) error codes (0: success) of a fresh process's ReadFile of 4 bytes and
    WriteFile of 2 at offset 12 of `path`, with WINFILE_FOREIGN_LOCKS/WINFILE_LOCK_WORDS
    unset unless given in `env` (a process reads them once)."""
    e = dict(os.environ)
    e.pop("WINFILE_FOREIGN_LOCKS", None)
    e.pop("WINFILE_LOCK_WORDS", None)
    e.update(env)
    r = subprocess.run([sys.executable, "-c", _RANGE_IO_CHILD, str(path)], capture_output=True, text=True, env=e,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return tuple(int(x) for x in r.stdout.split())



def tcp_pair():
    """Two connected loopback TCP sockets (client end, accepted end)."""
    import socket

    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        a = socket.create_connection(lst.getsockname())
        b, _ = lst.accept()
    return a, b
