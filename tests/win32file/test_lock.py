"""LockFile/LockFileEx/UnlockFile/UnlockFileEx: Windows rules between handles and
processes, mandatory for winfile I/O."""
import os
import signal
import subprocess
import sys
import time

import pytest
import pywintypes
import win32con
import win32file
from helpers import win32_error

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
ALL = win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE | win32con.FILE_SHARE_DELETE
EX = win32con.LOCKFILE_EXCLUSIVE_LOCK
NOW = win32con.LOCKFILE_FAIL_IMMEDIATELY


def open_(name, access=RW):
    return win32file.CreateFile(name, access, ALL, None, win32file.OPEN_ALWAYS, 0, None)


def ol(offset):
    o = pywintypes.OVERLAPPED()
    o.Offset = offset & 0xFFFFFFFF
    o.OffsetHigh = offset >> 32
    return o


def winerror(fn, *args):
    e = win32_error(fn, *args)
    return e.winerror, e.funcname


@pytest.fixture
def name(cdir):
    wpath, linux = cdir
    (linux / "data.bin").write_bytes(bytes(1000))
    return wpath + "\\data.bin"


def test_same_handle(name):
    h = open_(name)
    assert win32file.LockFile(h, 10, 0, 20, 0) is None
    assert winerror(win32file.LockFile, h, 12, 0, 10, 0) == (33, "LockFile")
    win32file.LockFile(h, 5, 0, 5, 0)
    assert winerror(win32file.UnlockFile, h, 10, 0, 10, 0) == (158, "UnlockFile")
    win32file.UnlockFile(h, 10, 0, 20, 0)
    assert winerror(win32file.UnlockFile, h, 10, 0, 20, 0)[0] == 158
    # Shared locks stack on the same handle; an exclusive one over them fails.
    win32file.LockFileEx(h, NOW, 100, 0, ol(100))
    win32file.LockFileEx(h, NOW, 100, 0, ol(150))
    assert winerror(win32file.LockFileEx, h, EX | NOW, 50, 0, ol(150)) == (33, "LockFileEx")
    win32file.UnlockFileEx(h, 100, 0, ol(100))
    win32file.UnlockFileEx(h, 100, 0, ol(150))
    assert winerror(win32file.UnlockFileEx, h, 100, 0, ol(150)) == (158, "UnlockFileEx")
    h.Close()


def test_other_handle_and_stacking(name):
    h1, h2 = open_(name), open_(name)
    win32file.LockFileEx(h1, EX, 100, 0, ol(300))
    assert winerror(win32file.LockFileEx, h2, NOW, 100, 0, ol(300))[0] == 33
    # The owner may put a shared lock on its exclusive one; unlock takes the exclusive
    # first, after which h2 can share.
    win32file.LockFileEx(h1, NOW, 100, 0, ol(300))
    win32file.UnlockFileEx(h1, 100, 0, ol(300))
    win32file.LockFileEx(h2, NOW, 100, 0, ol(300))
    assert winerror(win32file.LockFileEx, h2, EX | NOW, 100, 0, ol(300))[0] == 33
    win32file.UnlockFileEx(h2, 100, 0, ol(300))
    win32file.UnlockFileEx(h1, 100, 0, ol(300))
    win32file.LockFileEx(h2, EX | NOW, 100, 0, ol(300))
    h2.Close()  # closing drops the handle's locks
    win32file.LockFile(h1, 300, 0, 100, 0)
    h1.Close()


def test_mandatory_io(name):
    h1, h2 = open_(name), open_(name)
    win32file.LockFile(h1, 100, 0, 100, 0)
    win32file.SetFilePointer(h2, 150, win32file.FILE_BEGIN)
    assert winerror(win32file.ReadFile, h2, 10) == (33, "ReadFile")
    assert winerror(win32file.WriteFile, h2, b"x") == (33, "WriteFile")
    assert winerror(win32file.ReadFile, h2, 10, ol(195))[0] == 33
    # The owner of an exclusive lock reads and writes; others outside the range too.
    win32file.SetFilePointer(h1, 150, win32file.FILE_BEGIN)
    assert win32file.WriteFile(h1, b"own") == (0, 3)
    win32file.SetFilePointer(h2, 200, win32file.FILE_BEGIN)
    assert win32file.ReadFile(h2, 10) == (0, bytes(10))
    win32file.UnlockFile(h1, 100, 0, 100, 0)
    # A shared lock blocks writes from everybody, its owner included, but not reads.
    win32file.LockFileEx(h1, NOW, 100, 0, ol(100))
    win32file.SetFilePointer(h1, 150, win32file.FILE_BEGIN)
    assert winerror(win32file.WriteFile, h1, b"x")[0] == 33
    win32file.SetFilePointer(h2, 150, win32file.FILE_BEGIN)
    assert winerror(win32file.WriteFile, h2, b"x")[0] == 33
    win32file.SetFilePointer(h2, 150, win32file.FILE_BEGIN)
    assert win32file.ReadFile(h2, 3) == (0, b"own")
    h1.Close()
    win32file.SetFilePointer(h2, 150, win32file.FILE_BEGIN)
    assert win32file.WriteFile(h2, b"ok") == (0, 2)
    h2.Close()


def test_lock_everything_on_osfhandle(cdir):
    """The file-locking-library idiom: LockFileEx(h, flags, 0, -0x10000, OVERLAPPED())
    on _get_osfhandle of a Python file, for read-only and write-only files too."""
    _, linux = cdir
    path = linux / "lockfile"
    path.write_bytes(b"")
    with open(path, "rb") as r, open(path, "ab") as w:
        hr = win32file._get_osfhandle(r.fileno())
        hw = win32file._get_osfhandle(w.fileno())
        win32file.LockFileEx(hr, EX | NOW, 0, -0x10000, pywintypes.OVERLAPPED())
        assert winerror(win32file.LockFileEx, hw, NOW, 0, -0x10000, pywintypes.OVERLAPPED())[0] == 33
        win32file.UnlockFileEx(hr, 0, -0x10000, pywintypes.OVERLAPPED())
        win32file.LockFileEx(hw, NOW, 0, -0x10000, pywintypes.OVERLAPPED())  # shared on write-only
        assert winerror(win32file.LockFileEx, hr, EX | NOW, 0, -0x10000, pywintypes.OVERLAPPED())[0] == 33
        win32file.UnlockFileEx(hw, 0, -0x10000, pywintypes.OVERLAPPED())
        win32file.LockFileEx(hr, EX | NOW, 0, -0x10000, pywintypes.OVERLAPPED())
        win32file.UnlockFileEx(hr, 0, -0x10000, pywintypes.OVERLAPPED())


def test_argument_rules(name):
    h = open_(name)
    with pytest.raises(TypeError):
        win32file.LockFileEx(h, 0, 1, 0)
    assert winerror(win32file.LockFileEx, h, EX, 1, 0, None) == (87, "LockFileEx")
    # A range past 2^64 is invalid; one ending at 2^64 is not.
    assert winerror(win32file.LockFile, h, 0, 0x10000000, 0, 0xF0000001)[0] == 307
    win32file.LockFile(h, 0, 0x10000000, 0, 0xF0000000)
    win32file.UnlockFile(h, 0, 0x10000000, 0, 0xF0000000)
    h.Close()
    assert winerror(win32file.LockFile, h, 0, 0, 1, 0)[0] == 6


CHILD = r"""
import sys, pywintypes, win32con, win32file
name, flags, off, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
h = win32file.CreateFile(name, win32con.GENERIC_READ | win32con.GENERIC_WRITE, 7, None,
                         win32file.OPEN_ALWAYS, 0, None)
o = pywintypes.OVERLAPPED(); o.Offset = off
print("waiting", flush=True)
try:
    win32file.LockFileEx(h, flags, n, 0, o)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(3)
except pywintypes.error as e:
    print("error", e.winerror, flush=True)
    sys.exit(2)
print("locked", flush=True)
cmd = sys.stdin.readline().strip()
if cmd == "unlock":
    win32file.UnlockFileEx(h, n, 0, o)
    print("unlocked", flush=True)
    sys.stdin.readline()
"""


def child(name, flags, off, n):
    p = subprocess.Popen([sys.executable, "-c", CHILD, name, str(flags), str(off), str(n)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                         env=os.environ.copy())
    assert p.stdout.readline() == "waiting\n"
    return p


def finish(p, sig=None):
    if sig is not None:
        p.send_signal(sig)
    try:
        p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_other_process_conflicts_and_release_on_death(name):
    p = child(name, EX | NOW, 0, 100)
    try:
        assert p.stdout.readline() == "locked\n"
        h = open_(name)
        assert winerror(win32file.LockFileEx, h, NOW, 10, 0, ol(50))[0] == 33
        assert winerror(win32file.ReadFile, h, 10)[0] == 33
        win32file.LockFile(h, 100, 0, 10, 0)  # adjacent range: no conflict
    finally:
        finish(p, signal.SIGKILL)
    # The killed process's locks are gone with it.
    win32file.LockFile(h, 0, 0, 100, 0)
    h.Close()
    # And a process that waits for our lock gets it when we let go.


def test_lock_taken_after_fast_path_io_is_seen(name):
    """I/O checks other handles' locks with one shared word per inode, not a kernel call
    (docs/share-and-locks.md): a lock another process takes after our unchecked I/O must
    stop our next I/O, synchronous and overlapped, and its release or death frees it."""
    h = open_(name)
    ho = win32file.CreateFile(name, RW, ALL, None, win32file.OPEN_EXISTING,
                              win32file.FILE_FLAG_OVERLAPPED, None)
    buf = win32file.AllocateReadBuffer(10)

    def overlapped_read():
        o = ol(0)
        o.hEvent = None
        win32file.ReadFile(ho, buf, o)
        return win32file.GetOverlappedResult(ho, o, True)

    for _ in range(3):  # I/O with nobody holding a lock
        win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
        assert win32file.ReadFile(h, 10) == (0, bytes(10))
        win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
        assert win32file.WriteFile(h, bytes(10)) == (0, 10)
        assert overlapped_read() == 10
    for flags, read_blocked in ((EX | NOW, True), (NOW, False)):
        p = child(name, flags, 0, 100)
        try:
            assert p.stdout.readline() == "locked\n"
            win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
            assert winerror(win32file.WriteFile, h, b"x")[0] == 33
            win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
            if read_blocked:
                assert winerror(win32file.ReadFile, h, 10)[0] == 33
                assert winerror(win32file.ReadFile, ho, buf, ol(0))[0] == 33
            else:
                assert win32file.ReadFile(h, 10) == (0, bytes(10))
            # Outside the range: free.
            win32file.SetFilePointer(h, 100, win32file.FILE_BEGIN)
            assert win32file.WriteFile(h, b"y") == (0, 1)
            p.stdin.write("unlock\n")
            p.stdin.flush()
            assert p.stdout.readline() == "unlocked\n"
            win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
            assert win32file.WriteFile(h, b"\0") == (0, 1)
        finally:
            finish(p)
    # A lock whose holder is killed (its count stays behind in the word) is gone too.
    p = child(name, EX | NOW, 0, 100)
    try:
        assert p.stdout.readline() == "locked\n"
        assert winerror(win32file.ReadFile, h, 10)[0] == 33
    finally:
        finish(p, signal.SIGKILL)
    win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
    assert win32file.ReadFile(h, 10) == (0, bytes(10))
    assert overlapped_read() == 10
    h.Close()
    ho.Close()


READER = r"""
import sys, win32con, win32file
h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_READ | win32con.GENERIC_WRITE, 7, None,
                         win32file.OPEN_EXISTING, 0, None)
for line in sys.stdin:
    win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
    try:
        print("read", len(win32file.ReadFile(h, 10)[1]), flush=True)
    except win32file.error as e:
        print("error", e.winerror, flush=True)
"""


def test_other_process_io_sees_our_later_lock(name):
    """The other direction: a process that has done unchecked I/O sees the lock this
    process takes afterwards, and its next I/O after our unlock goes through."""
    p = subprocess.Popen([sys.executable, "-c", READER, name], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, env=os.environ.copy())

    def ask():
        p.stdin.write("go\n")
        p.stdin.flush()
        return p.stdout.readline()

    try:
        assert ask() == "read 10\n"
        h = open_(name)
        win32file.LockFile(h, 5, 0, 1, 0)
        assert ask() == "error 33\n"
        win32file.UnlockFile(h, 5, 0, 1, 0)
        assert ask() == "read 10\n"
        win32file.LockFile(h, 5, 0, 1, 0)
        assert ask() == "error 33\n"
        h.Close()  # closing drops the lock and its count
        assert ask() == "read 10\n"
    finally:
        p.stdin.close()
        p.wait(timeout=30)
        p.stdout.close()


def test_blocking_wait_released_by_other_process(name):
    h = open_(name)
    win32file.LockFile(h, 0, 0, 10, 0)
    p = child(name, EX, 5, 10)  # waits for our exclusive range
    try:
        time.sleep(0.3)
        assert p.poll() is None
        win32file.UnlockFile(h, 0, 0, 10, 0)
        assert p.stdout.readline() == "locked\n"  # woken by the unlock, no polling
        assert winerror(win32file.LockFile, h, 5, 0, 1, 0)[0] == 33
        p.stdin.write("unlock\n")
        p.stdin.flush()
        assert p.stdout.readline() == "unlocked\n"
        win32file.LockFile(h, 5, 0, 1, 0)
    finally:
        finish(p)
    h.Close()


def test_we_wait_for_another_process(name):
    p = child(name, EX | NOW, 0, 10)
    try:
        assert p.stdout.readline() == "locked\n"
        h = open_(name)
        import threading
        done = []
        t = threading.Thread(target=lambda: done.append(
            win32file.LockFileEx(h, EX, 10, 0, ol(0))))
        t.start()
        time.sleep(0.3)
        assert not done  # still waiting, with the GIL released
        p.stdin.write("unlock\n")
        p.stdin.flush()
        t.join(timeout=30)
        assert done == [None]
    finally:
        finish(p)
    h.Close()


def test_wait_is_interruptible(name):
    h = open_(name)
    win32file.LockFile(h, 0, 0, 10, 0)
    p = child(name, EX, 0, 10)
    try:
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=30)
        assert out == "interrupted\n"
        assert p.returncode == 3
    finally:
        finish(p)
    h.Close()


CONTENDER = r"""
import os, sys
import pywintypes, win32con, win32file
path, rounds = sys.argv[1], int(sys.argv[2])
fd = os.open(path, os.O_RDWR)
h = win32file._get_osfhandle(fd)
for _ in range(rounds):
    # The file-locking-library idiom, blocking: lock everything, read-modify-write, unlock.
    win32file.LockFileEx(h, win32con.LOCKFILE_EXCLUSIVE_LOCK, 0, -0x10000, pywintypes.OVERLAPPED())
    ol = pywintypes.OVERLAPPED()
    rc, data = win32file.ReadFile(h, 8, ol)
    count = int.from_bytes(bytes(data), "little") + 1
    win32file.WriteFile(h, count.to_bytes(8, "little"), pywintypes.OVERLAPPED())
    win32file.UnlockFileEx(h, 0, -0x10000, pywintypes.OVERLAPPED())
os.close(fd)
"""


def test_blocking_exclusive_locks_contended_by_many_processes(cdir):
    """Six processes increment one counter under LockFileEx(EX, 0, -0x10000): every
    increment survives only if the blocking locks exclude each other across processes."""
    _, linux = cdir
    path = linux / "counter"
    path.write_bytes(bytes(8))
    procs, rounds = 6, 40
    children = [subprocess.Popen([sys.executable, "-c", CONTENDER, str(path), str(rounds)]) for _ in range(procs)]
    for c in children:
        assert c.wait(timeout=120) == 0
    assert int.from_bytes(path.read_bytes()[:8], "little") == procs * rounds


def test_close_releases_locks_a_forked_child_still_shares(name):
    """A read-only handle's exclusive lock lives on a separate read-write descriptor; a
    forked child inherits a copy of it. CloseHandle unlocks explicitly, so the range is
    free at once (and the lock-presence count goes only after that)."""
    h = open_(name, win32con.GENERIC_READ)
    win32file.LockFile(h, 0, 0, 10, 0)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child holds every inherited descriptor until told to go
        os.close(w)
        os.read(r, 1)
        os._exit(0)
    os.close(r)
    try:
        h.Close()
        h2 = open_(name)
        win32file.LockFile(h2, 0, 0, 10, 0)
        assert win32file.ReadFile(h2, 10) == (0, bytes(10))
        h2.Close()
    finally:
        os.close(w)
        os.waitpid(pid, 0)
