"""Share modes across handles and processes, checked against the documented Windows
rule (Microsoft's "Creating and Opening Files" table), and delete-on-close."""
import os
import signal
import subprocess
import sys

import pytest
import pywintypes
import win32con
import win32file
import ntsecuritycon as nsc
from helpers import winerror_of as winerror

R, W, D = win32con.GENERIC_READ, win32con.GENERIC_WRITE, win32con.DELETE
SR, SW, SD = win32con.FILE_SHARE_READ, win32con.FILE_SHARE_WRITE, win32con.FILE_SHARE_DELETE
ALL = SR | SW | SD
ACCESSES = [0, R, W, R | W, D, R | D, W | D, R | W | D,
            nsc.FILE_APPEND_DATA, nsc.FILE_EXECUTE, nsc.FILE_READ_ATTRIBUTES]
SHARES = list(range(8))


def classes(access):
    """The access classes that take part in sharing: read, write, delete."""
    read = bool(access & (R | nsc.FILE_READ_DATA | nsc.FILE_EXECUTE))
    write = bool(access & (W | nsc.FILE_WRITE_DATA | nsc.FILE_APPEND_DATA))
    return read, write, bool(access & D)


def compatible(a1, s1, a2, s2):
    """Each open's data access must be in the other's share mode; opens with no read,
    write or delete access take no part in sharing."""
    c1, c2 = classes(a1), classes(a2)
    if not any(c1) or not any(c2):
        return True
    shares = lambda s: (bool(s & SR), bool(s & SW), bool(s & SD))  # noqa: E731
    h1, h2 = shares(s1), shares(s2)
    return all((not c1[i] or h2[i]) and (not c2[i] or h1[i]) for i in range(3))


def open_(name, access, share, disposition=win32file.OPEN_EXISTING, flags=0):
    return win32file.CreateFile(name, access, share, None, disposition, flags, None)


@pytest.fixture
def target(cdir):
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"0123456789")
    return wpath + "\\f.bin", linux / "f.bin"


def test_documented_examples(target):
    name, _ = target
    # First opener reads and shares read: a second reader sharing read is fine...
    h = open_(name, R, SR)
    open_(name, R, SR).Close()
    # ...a writer is not (its access is not shared) ...
    assert winerror(open_, name, W, ALL) == 32
    # ...nor a reader that refuses to share read with the first.
    assert winerror(open_, name, R, SW) == 32
    # Attribute-only opens take no part.
    open_(name, nsc.FILE_READ_ATTRIBUTES, 0).Close()
    h.Close()
    h = open_(name, R | W, 0)
    assert winerror(open_, name, R, ALL) == 32
    h.Close()
    open_(name, R, ALL).Close()


def test_full_matrix_in_one_process(target):
    name, _ = target
    failures = []
    for a1 in ACCESSES:
        for s1 in SHARES:
            h1 = open_(name, a1, s1)
            for a2 in ACCESSES:
                for s2 in SHARES:
                    try:
                        open_(name, a2, s2).Close()
                        got = 0
                    except pywintypes.error as e:
                        got = e.winerror
                    want = 0 if compatible(a1, s1, a2, s2) else 32
                    if got != want:
                        failures.append((hex(a1), s1, hex(a2), s2, got))
            h1.Close()
    assert failures == []


CHILD = r"""
import sys, win32file
name, access, share, flags = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
h = win32file.CreateFile(name, access, share, None, win32file.OPEN_ALWAYS, flags, None)
print("ready", flush=True)
sys.stdin.readline()
h.Close()
print("closed", flush=True)
"""


class Child:
    """A child process holding one handle until told to close it (or killed)."""

    def __init__(self, name, access, share, flags=0):
        self.p = subprocess.Popen(
            [sys.executable, "-c", CHILD, name, str(access), str(share), str(flags)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
        line = self.p.stdout.readline()
        assert line == "ready\n", line

    def close(self):
        self.p.stdin.write("\n")
        self.p.stdin.flush()
        assert self.p.stdout.readline() == "closed\n"
        self._reap()

    def kill(self):
        self.p.send_signal(signal.SIGKILL)
        self._reap()

    def _reap(self):
        self.p.wait(timeout=30)
        self.p.stdin.close()
        self.p.stdout.close()


# Cross-process: a representative slice of the matrix (every share mode of the holder
# against every access class, and the reverse).
CROSS = [(a1, s1, a2, s2) for a1 in (R, W, D, R | W | D) for s1 in SHARES
         for a2, s2 in ((R, ALL), (W, ALL), (D, ALL), (R, SR), (R | W, SR | SW), (0, 0))]


@pytest.mark.parametrize("a1,s1", sorted({(a, s) for a, s, _, _ in CROSS}))
def test_matrix_across_processes(target, a1, s1):
    name, _ = target
    child = Child(name, a1, s1)
    try:
        for a2, s2 in ((R, ALL), (W, ALL), (D, ALL), (R, SR), (R | W, SR | SW), (0, 0), (R, 0)):
            try:
                open_(name, a2, s2).Close()
                got = 0
            except pywintypes.error as e:
                got = e.winerror
            assert got == (0 if compatible(a1, s1, a2, s2) else 32), (a1, s1, a2, s2)
    finally:
        child.close()
    open_(name, R | W, 0).Close()  # everything released


def test_killed_holder_releases_share(target):
    name, _ = target
    child = Child(name, R | W, 0)
    assert winerror(open_, name, R, ALL) == 32
    child.kill()
    open_(name, R | W, 0).Close()


def test_truncation_only_after_the_share_check(target):
    name, linux = target
    child = Child(name, R, SR)
    try:
        assert winerror(open_, name, W, ALL, win32file.CREATE_ALWAYS) == 32
        assert winerror(open_, name, W, ALL, win32file.TRUNCATE_EXISTING) == 32
        assert linux.read_bytes() == b"0123456789"
    finally:
        child.close()


def test_name_operations_honour_share_delete(cdir, target):
    name, linux = target
    wdir, ldir = cdir
    child = Child(name, R, SR | SW)
    try:
        assert winerror(win32file.DeleteFile, name) == 32
        assert winerror(win32file.MoveFileEx, name, wdir + "\\g", 0) == 32
        assert winerror(win32file.MoveFile, name, wdir + "\\g") == 32
        (ldir / "h").write_bytes(b"h")
        # Replacing a destination that is open without FILE_SHARE_DELETE is refused.
        assert winerror(win32file.MoveFileEx, wdir + "\\h", name,
                        win32file.MOVEFILE_REPLACE_EXISTING) == 5
    finally:
        child.close()
    assert linux.exists()
    child = Child(name, R, ALL)
    try:
        win32file.MoveFileEx(name, wdir + "\\g", 0)
        win32file.DeleteFile(wdir + "\\g")
        assert not (ldir / "g").exists()
    finally:
        child.close()
    sub = wdir + "\\sub"
    win32file.CreateDirectory(sub, None)
    child = Child(sub, R, SR, win32con.FILE_FLAG_BACKUP_SEMANTICS)
    try:
        assert winerror(win32file.RemoveDirectory, sub) == 32
    finally:
        child.close()
    win32file.RemoveDirectory(sub)


def test_osfhandle_keeps_the_share_rules(target):
    name, _ = target
    h = open_(name, R | W, SR)
    fd = win32file._open_osfhandle(h, os.O_RDWR)
    assert winerror(open_, name, W, ALL) == 32
    open_(name, R, SR | SW).Close()
    os.close(fd)
    open_(name, W, ALL).Close()


DOC = win32con.FILE_FLAG_DELETE_ON_CLOSE


def test_delete_on_close_last_handle(cdir):
    wdir, ldir = cdir
    name = wdir + "\\tmp.bin"
    h = open_(name, R | W, ALL, win32file.CREATE_NEW, DOC)
    # The handle holds DELETE: only openers sharing delete get in.
    assert winerror(open_, name, R, SR | SW) == 32
    h2 = open_(name, R, ALL)
    h.Close()
    assert (ldir / "tmp.bin").exists()
    # Delete pending: every new open is refused with ERROR_ACCESS_DENIED.
    assert winerror(open_, name, R, ALL) == 5
    assert winerror(open_, name, 0, ALL) == 5
    h2.Close()
    assert not (ldir / "tmp.bin").exists()


def test_delete_on_close_by_dropping_the_reference(cdir):
    wdir, ldir = cdir
    h = open_(wdir + "\\drop.bin", R | W, 0, win32file.CREATE_NEW, DOC)
    assert (ldir / "drop.bin").exists()
    del h
    assert not (ldir / "drop.bin").exists()


def test_delete_on_close_across_processes(cdir):
    wdir, ldir = cdir
    name = wdir + "\\x.bin"
    child = Child(name, R | W, ALL, DOC)
    h = open_(name, R, ALL)
    child.close()
    assert (ldir / "x.bin").exists()
    assert winerror(open_, name, R, ALL) == 5
    h.Close()
    assert not (ldir / "x.bin").exists()


def test_delete_on_close_holder_killed(cdir):
    wdir, ldir = cdir
    name = wdir + "\\k.bin"
    child = Child(name, R | W, ALL, DOC)
    child.kill()
    # The kill left the name behind; the next winfile user finishes the delete.
    assert (ldir / "k.bin").exists()
    assert winerror(open_, name, R, ALL) == 2
    assert not (ldir / "k.bin").exists()
    # And the name is free for a new file.
    open_(name, R | W, 0, win32file.CREATE_NEW).Close()
    assert (ldir / "k.bin").exists()


def test_delete_on_close_killed_while_others_hold(cdir):
    wdir, ldir = cdir
    name = wdir + "\\k2.bin"
    child = Child(name, R | W, ALL, DOC)
    h = open_(name, R, ALL)
    child.kill()
    assert winerror(open_, name, R, ALL) == 5  # pending while h is open
    h.Close()
    assert not (ldir / "k2.bin").exists()
