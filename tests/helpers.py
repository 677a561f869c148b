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


def tcp_pair_on_port(key):
    """A new completion port, and a tcp_pair() whose accepted end is associated with it
    under `key`: (port, client end, accepted end)."""
    import win32file

    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    a, b = tcp_pair()
    win32file.CreateIoCompletionPort(b, port, key, 0)
    return port, a, b


def lock_word(path):
    """The count in the machine-wide lock-presence word of `path`'s inode
    (crates/winfile/src/lock/word.rs: the SysV segment's key, layout and slot hash,
    repeated here), or None when the segment does not exist. A process killed while
    holding locks leaves its count behind until reboot, so a test that needs winfile's
    fast path to skip the kernel probe picks a file whose word is 0."""
    import ctypes
    import ctypes.util

    key, header, slots = 0x5746_4C01, 16, 1 << 16
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    libc.shmdt.argtypes = [ctypes.c_void_p]
    sid = libc.shmget(key, (header + slots) * 4, 0)
    if sid < 0:
        return None
    addr = libc.shmat(sid, None, 0o10000)  # SHM_RDONLY
    if addr in (None, ctypes.c_void_p(-1).value):
        return None
    try:
        st = os.stat(path)
        m = (1 << 64) - 1
        dev = st.st_dev & m
        z = st.st_ino ^ (((dev << 32) | (dev >> 32)) & m) ^ 0x9E37_79B9_7F4A_7C15
        z = ((z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9) & m
        z = ((z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB) & m
        z ^= z >> 31
        return ctypes.c_uint32.from_address(addr + 4 * (header + (z & (slots - 1)))).value
    finally:
        libc.shmdt(addr)
