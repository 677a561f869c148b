"""The per-handle I/O word (docs/share-and-locks.md, "Cost"): ReadFile/WriteFile decide
from one word per handle (kind, access, buffering, synchronous, own locks, the inode's
lock-presence slot) and the inode's shared lock-presence word whether they may go
straight to the data. Every change that must make an I/O fail after the word was
filled in by earlier I/O is seen: locks by other handles and processes, own locks,
unlocks, closes, and the fixed facts of the handle (access, kind, flags)."""
import os
import signal
import subprocess
import sys

import pytest
import pywintypes
import win32con
import win32file
from helpers import win32_error

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
ALL = win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE | win32con.FILE_SHARE_DELETE
EX = win32con.LOCKFILE_EXCLUSIVE_LOCK
NOW = win32con.LOCKFILE_FAIL_IMMEDIATELY
SIZE = 8192


@pytest.fixture
def name(cdir):
    wpath, linux = cdir
    (linux / "data.bin").write_bytes(bytes(range(256)) * (SIZE // 256))
    return wpath + "\\data.bin"


def open_(name, access=RW, flags=0):
    return win32file.CreateFile(name, access, ALL, None, win32file.OPEN_EXISTING, flags, None)


def ol(offset):
    o = pywintypes.OVERLAPPED()
    o.Offset = offset
    return o


def code(fn, *args):
    return win32_error(fn, *args).winerror


def read_at(h, offset, n=16):
    win32file.SetFilePointer(h, offset, win32file.FILE_BEGIN)
    return win32file.ReadFile(h, n)


def write_at(h, offset, data=b"w"):
    win32file.SetFilePointer(h, offset, win32file.FILE_BEGIN)
    return win32file.WriteFile(h, data)


def warm(h):
    """Enough I/O through the fast path for the word to be filled in (the first read
    looks the slot up, the following ones only load the words)."""
    for _ in range(4):
        assert read_at(h, 0)[0] == 0
        assert read_at(h, 4096, 4096) == (0, (bytes(range(256)) * 16))


def test_other_handle_lock_unlock_and_close_after_warm_reads(name):
    a, b = open_(name), open_(name)
    try:
        warm(a)
        expected = bytes(range(16))
        for _ in range(3):  # lock, read fails; unlock, read passes: every time
            win32file.LockFile(b, 0, 0, 100, 0)
            assert code(read_at, a, 0) == 33
            assert code(read_at, a, 90, 20) == 33  # overlapping the end of the range
            assert read_at(a, 100) == (0, bytes(range(100, 116)))  # just past it
            assert code(write_at, a, 50) == 33
            win32file.UnlockFile(b, 0, 0, 100, 0)
            assert read_at(a, 0) == (0, expected)
        # A shared lock of another handle stops writes, not reads.
        win32file.LockFileEx(b, NOW, 100, 0, ol(0))
        assert read_at(a, 0) == (0, expected)
        assert code(write_at, a, 0) == 33
        win32file.UnlockFileEx(b, 100, 0, ol(0))
        # Closing the locking handle releases its locks and its count.
        win32file.LockFile(b, 0, 0, 100, 0)
        assert code(read_at, a, 0) == 33
        b.Close()
        b = None
        assert read_at(a, 0) == (0, expected)
        assert write_at(a, 0, b"\0") == (0, 1)
    finally:
        a.Close()
        if b is not None:
            b.Close()


def test_a_new_handle_first_read_sees_an_existing_lock(name):
    """The first read of a handle (its slot not looked up yet) is checked too."""
    b = open_(name)
    win32file.LockFile(b, 0, 0, 10, 0)
    try:
        a = open_(name)
        assert code(win32file.ReadFile, a, 4) == 33
        assert code(win32file.ReadFile, a, 4) == 33
        a.Close()
    finally:
        b.Close()


def test_own_locks_after_warm_io(name):
    a, other = open_(name), open_(name)
    try:
        warm(a)
        assert write_at(a, 0, b"\0") == (0, 1)
        # An own shared lock: the owner reads but does not write there.
        win32file.LockFileEx(a, NOW, 10, 0, ol(0))
        assert read_at(a, 0)[0] == 0
        assert code(write_at, a, 5) == 33
        assert write_at(a, 10) == (0, 1)  # past it
        assert code(write_at, other, 5) == 33
        win32file.UnlockFileEx(a, 10, 0, ol(0))
        assert write_at(a, 5) == (0, 1)
        # An own exclusive lock: the owner reads and writes, nobody else does.
        win32file.LockFile(a, 0, 0, 10, 0)
        assert read_at(a, 0)[0] == 0
        assert write_at(a, 0) == (0, 1)
        assert code(read_at, other, 0) == 33
        assert code(write_at, other, 0) == 33
        win32file.UnlockFile(a, 0, 0, 10, 0)
        assert read_at(other, 0)[0] == 0
        assert write_at(other, 0) == (0, 1)
    finally:
        a.Close()
        other.Close()


def test_a_duplicate_shares_the_handle_word(name):
    """DuplicateHandle gives the same file object: its locks are the handle's own."""
    import win32api

    a, other = open_(name), open_(name)
    try:
        warm(a)
        proc = win32api.GetCurrentProcess()
        d = win32api.DuplicateHandle(proc, a, proc, 0, False, win32con.DUPLICATE_SAME_ACCESS)
        win32file.LockFileEx(d, NOW, 10, 0, ol(0))  # shared, through the duplicate
        assert code(write_at, a, 0) == 33  # an own shared lock, seen through either handle
        assert code(write_at, other, 0) == 33
        assert read_at(a, 0)[0] == 0
        win32file.UnlockFileEx(d, 10, 0, ol(0))
        assert write_at(a, 0) == (0, 1)
        d.Close()
    finally:
        a.Close()
        other.Close()


LOCKER = r"""
import sys, win32con, win32file
h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_READ | win32con.GENERIC_WRITE, 7, None,
                         win32file.OPEN_EXISTING, 0, None)
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == "lock":
        win32file.LockFile(h, int(cmd[1]), 0, int(cmd[2]), 0)
    elif cmd[0] == "unlock":
        win32file.UnlockFile(h, int(cmd[1]), 0, int(cmd[2]), 0)
    print("done", flush=True)
"""


def test_other_process_locks_after_warm_reads_and_its_death(name):
    p = subprocess.Popen([sys.executable, "-c", LOCKER, name], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, env=os.environ.copy())

    def tell(cmd):
        p.stdin.write(cmd + "\n")
        p.stdin.flush()
        assert p.stdout.readline() == "done\n"

    a = open_(name)
    try:
        warm(a)
        for _ in range(2):
            tell("lock 4096 4096")
            assert read_at(a, 0)[0] == 0  # elsewhere in the file
            assert code(read_at, a, 4096, 4096) == 33
            assert code(read_at, a, 0, 4097) == 33  # one byte into the range
            tell("unlock 4096 4096")
            assert read_at(a, 4096, 4096)[0] == 0
        tell("lock 0 1")
        assert code(read_at, a, 0) == 33
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        # The kernel dropped the dead process's lock; its count stays behind in the
        # shared word, which only costs a probe.
        assert read_at(a, 0) == (0, bytes(range(16)))
        assert write_at(a, 0, b"\0") == (0, 1)
    finally:
        a.Close()
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdin.close()
        p.stdout.close()


def test_fixed_facts_of_a_handle_still_decide(name, cdir):
    """What the word's fixed bits stand for is still enforced, on the first and on later
    calls: read/write access, directories, overlapped handles without an OVERLAPPED,
    unbuffered alignment."""
    wpath, _ = cdir
    wo = open_(name, win32con.GENERIC_WRITE)
    ro = open_(name, win32con.GENERIC_READ)
    d = win32file.CreateFile(wpath, win32con.GENERIC_READ, ALL, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
    ov = open_(name, RW, win32file.FILE_FLAG_OVERLAPPED)
    try:
        for _ in range(3):
            assert code(win32file.ReadFile, wo, 4) == 5  # ERROR_ACCESS_DENIED
            assert code(win32file.WriteFile, ro, b"x") == 5
            assert code(win32file.ReadFile, d, 4) == 1  # ERROR_INVALID_FUNCTION
            assert code(win32file.ReadFile, ov, 4) == 87  # ERROR_INVALID_PARAMETER
            assert code(win32file.WriteFile, ov, b"x") == 87
            assert win32file.WriteFile(wo, b"x") == (0, 1)
            assert win32file.ReadFile(ro, 1)[0] == 0
    finally:
        for h in (wo, ro, d, ov):
            h.Close()
    try:
        nb = open_(name, RW, win32file.FILE_FLAG_NO_BUFFERING)
    except pywintypes.error:
        pytest.skip("no O_DIRECT on this file system")
    try:
        for _ in range(2):
            assert code(win32file.ReadFile, nb, 100) == 87  # not a sector multiple
            win32file.SetFilePointer(nb, 0, win32file.FILE_BEGIN)
            assert win32file.ReadFile(nb, 512)[1][3:] == (bytes(range(256)) * 2)[3:]  # after the "xxx"
    finally:
        nb.Close()
