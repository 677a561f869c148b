"""I/O on pipes and terminals, blocking reads in threads, files shared across processes."""
import os
import platform
import tty

import pytest
import pywintypes
import win32con
import win32file

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE


def test_pipe_read_returns_what_is_there():
    r, w = os.pipe()
    try:
        hr = win32file._get_osfhandle(r)
        hw = win32file._get_osfhandle(w)
        assert win32file.WriteFile(hw, b"hello") == (0, 5)
        assert win32file.ReadFile(hr, 100) == (0, b"hello")  # partial: no wait for 100
        os.write(w, b"abc")
        buf = bytearray(10)
        assert win32file.ReadFile(hr, buf) == (0, b"abc")
        assert buf[:3] == b"abc"
    finally:
        os.close(r)
        os.close(w)


def test_pipe_read_after_writer_closed_is_empty_or_broken_pipe():
    r, w = os.pipe()
    try:
        hr = win32file._get_osfhandle(r)
        os.write(w, b"x")
        os.close(w)
        w = None
        assert win32file.ReadFile(hr, 10) == (0, b"x")
        try:
            assert win32file.ReadFile(hr, 10) == (0, b"")
        except pywintypes.error as e:  # Windows reports a closed anonymous pipe as 109
            assert e.winerror == 109
    finally:
        os.close(r)
        if w is not None:
            os.close(w)


def test_pty_read_write():
    master, slave = os.openpty()
    try:
        hm = win32file._get_osfhandle(master)
        hs = win32file._get_osfhandle(slave)
        tty.setraw(slave)  # no echo, no line discipline
        assert win32file.GetFileType(hs) == win32file.FILE_TYPE_CHAR
        os.write(master, b"line\n")
        rc, data = win32file.ReadFile(hs, 100)
        assert (rc, data) == (0, b"line\n")
        assert win32file.WriteFile(hs, b"out")[1] == 3
        assert os.read(master, 100) == b"out"
        assert hm != hs
    finally:
        os.close(master)
        os.close(slave)


_READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}


def _blocked_in_read(tid):
    """Whether thread `tid` sleeps inside read(2) (checked through /proc, not by timing)."""
    try:
        with open(f"/proc/self/task/{tid}/wchan") as f:
            if "pipe" in f.read():
                return True
        with open(f"/proc/self/task/{tid}/syscall") as f:
            nr = f.read().split()[0]
        return nr == _READ_SYSCALL.get(platform.machine())
    except (OSError, IndexError):
        return False


_GIL_CHILD = """
import os, sys, threading
sys.path.insert(0, sys.argv[1])
from test_pipes_processes import _blocked_in_read
import win32file
r, w = os.pipe()
h = win32file._get_osfhandle(r)
result = []
tid = []
def reader():
    tid.append(threading.get_native_id())
    result.append(win32file.ReadFile(h, 10))
t = threading.Thread(target=reader)
t.start()
while not tid:
    pass
# This loop runs Python code while the reader is blocked in ReadFile: it can only
# finish if ReadFile released the GIL (otherwise the child hangs and times out).
while not _blocked_in_read(tid[0]):
    pass
other = threading.Event()
threading.Thread(target=other.set).start()
assert other.wait(20)
assert t.is_alive() and not result
os.write(w, b"wake")
t.join()
print(result[0])
"""


def test_blocking_pipe_read_releases_the_gil(run_child):
    here = os.path.dirname(os.path.abspath(__file__))
    child = run_child(_GIL_CHILD, here, timeout=40)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "(0, b'wake')"


# ---- across processes ------------------------------------------------------------------------

_CHILD_WRITES = """
import sys, win32file, win32con
h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_WRITE, 0, None,
                         win32file.CREATE_NEW, 0, None)
win32file.WriteFile(h, sys.argv[2].encode())
h.Close()
"""

_CHILD_READS = """
import sys, win32file, win32con
h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_READ, 1, None,
                         win32file.OPEN_EXISTING, 0, None)
print(win32file.ReadFile(h, 100)[1].decode())
h.Close()
"""


def test_child_writes_parent_reads(cdir, run_child):
    wpath, linux = cdir
    name = wpath + "\\Shared.txt"
    child = run_child(_CHILD_WRITES, name, "from the child")
    assert child.returncode == 0, child.stderr
    h = win32file.CreateFile(wpath + "\\SHARED.TXT", win32con.GENERIC_READ, 1, None,
                             win32file.OPEN_EXISTING, 0, None)
    assert win32file.ReadFile(h, 100) == (0, b"from the child")
    h.Close()
    assert (linux / "Shared.txt").read_bytes() == b"from the child"


def test_parent_writes_child_reads(cdir, run_child):
    wpath, _ = cdir
    h = win32file.CreateFile(wpath + "\\p.txt", RW, 1, None, win32file.CREATE_NEW, 0, None)
    win32file.WriteFile(h, b"from the parent")
    h.Close()
    child = run_child(_CHILD_READS, wpath + "\\P.TXT")
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "from the parent"


_CHILD_CREATES_NEW = """
import sys, pywintypes, win32file, win32con
try:
    win32file.CreateFile(sys.argv[1], win32con.GENERIC_WRITE, 0, None, win32file.CREATE_NEW, 0, None)
except pywintypes.error as e:
    print(e.winerror, e.funcname)
"""


def test_child_creating_an_existing_name_gets_80(cdir, run_child):
    wpath, linux = cdir
    (linux / "taken.txt").write_bytes(b"mine")
    child = run_child(_CHILD_CREATES_NEW, wpath + "\\TAKEN.txt")
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["80", "CreateFile"]
    assert (linux / "taken.txt").read_bytes() == b"mine"


@pytest.mark.parametrize("size", [1, 1 << 20])
def test_data_written_in_parent_is_visible_to_child_before_close(cdir, run_child, size):
    wpath, _ = cdir
    h = win32file.CreateFile(wpath + "\\open.txt", RW, 3, None, win32file.CREATE_NEW, 0, None)
    win32file.WriteFile(h, b"z" * size)
    child = run_child("import sys, win32file, win32con\n"
                      "h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_READ, 3, None, 3, 0, None)\n"
                      "print(len(win32file.ReadFile(h, 1 << 21)[1]))", wpath + "\\open.txt")
    h.Close()
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == str(size)
