"""Byte-range locks between an SMB client and winfile. smbd (`posix locking = yes`)
holds every SMB lock as an OFD lock on its own descriptor of the file (measured:
/proc/locks shows OFDLCK entries owned by smbd), and checks SMB reads, writes and locks
against the locks other programs hold (`strict locking = yes`)."""
import os
import time
from pathlib import Path

import pytest
import pywintypes
from helpers import child_range_io, lock_word
import smbclient
import win32con
import win32file

from smbtools import (EXCLUSIVE, SHARED, STATUS_FILE_LOCK_CONFLICT, STATUS_LOCK_NOT_GRANTED, UNLOCK, lock,
                      smb_open, status_of)

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE


@pytest.fixture
def shared_file(smb, where):
    """(client Open, winfile handle, linux path) of one 100-byte file, both read/write, on
    an inode whose lock-presence word is 0 (see helpers.lock_word)."""
    unc, linux = where
    for i in range(100):
        name = f"l{i}.bin"
        remote = unc + "\\" + name
        with smbclient.open_file(remote, "wb", port=smb.server.port) as f:
            f.write(bytes(range(100)))
        if not lock_word(linux / name):
            break
    o = smb_open(remote, smb.server.port)
    h = win32file.CreateFile(str(linux / name), RW, 7, None, win32con.OPEN_EXISTING, 0, None)
    yield o, h, str(linux / name)
    h.Close()
    o.close()


def winerror(call, *args):
    try:
        call(*args)
    except pywintypes.error as e:
        return e.winerror
    return 0


def at(h, pos, call, *args):
    win32file.SetFilePointer(h, pos, win32file.FILE_BEGIN)
    return winerror(call, h, *args)


def test_client_exclusive_lock_stops_winfile_lockfileex(shared_file):
    o, h, _ = shared_file
    lock(o, 10, 10, EXCLUSIVE)
    ov = pywintypes.OVERLAPPED()
    ov.Offset = 15
    flags = win32con.LOCKFILE_FAIL_IMMEDIATELY
    assert winerror(win32file.LockFileEx, h, flags, 1, 0, ov) == 33
    assert winerror(win32file.LockFileEx, h, flags | win32con.LOCKFILE_EXCLUSIVE_LOCK, 1, 0, ov) == 33
    assert winerror(win32file.LockFile, h, 0, 0, 10, 0) == 0  # [0, 10) is free
    lock(o, 10, 10, UNLOCK)
    assert winerror(win32file.LockFileEx, h, flags | win32con.LOCKFILE_EXCLUSIVE_LOCK, 1, 0, ov) == 0


def test_client_shared_lock_allows_winfile_shared_lock_only(shared_file):
    o, h, _ = shared_file
    lock(o, 10, 10, SHARED)
    ov = pywintypes.OVERLAPPED()
    ov.Offset = 10
    flags = win32con.LOCKFILE_FAIL_IMMEDIATELY
    assert winerror(win32file.LockFileEx, h, flags | win32con.LOCKFILE_EXCLUSIVE_LOCK, 10, 0, ov) == 33
    assert winerror(win32file.LockFileEx, h, flags, 10, 0, ov) == 0


# ReadFile/WriteFile of a range the client locked: run in a child (helpers.child_range_io)
# so that its lock-word configuration is its own (the environment is read once per process).


def test_client_lock_is_missed_by_winfile_io_by_default(smb, shared_file):
    """GAP without configuration (docs/across-machines.md): the lock-presence words count
    winfile's own locks only, so winfile I/O does not probe the kernel and misses smbd's
    lock — the same as a non-winfile program's fcntl lock."""
    o, _, path = shared_file
    lock(o, 10, 10, EXCLUSIVE)
    assert child_range_io(path) == (0, 0)


def test_client_lock_stops_winfile_io_in_a_foreign_lock_directory(smb, shared_file):
    o, _, path = shared_file
    lock(o, 10, 10, EXCLUSIVE)
    assert child_range_io(path, WINFILE_FOREIGN_LOCKS=str(smb.server.share)) == (33, 33)
    # a directory list: any entry covering the file counts, others are ignored
    assert child_range_io(path, WINFILE_FOREIGN_LOCKS=f"/nonexistent:{smb.server.share}/") == (33, 33)
    assert child_range_io(path, WINFILE_FOREIGN_LOCKS="/proc") == (0, 0)
    lock(o, 10, 10, UNLOCK)
    assert child_range_io(path, WINFILE_FOREIGN_LOCKS=str(smb.server.share)) == (0, 0)


def test_client_shared_lock_stops_winfile_writes_only(smb, shared_file):
    o, _, path = shared_file
    lock(o, 10, 10, SHARED)
    assert child_range_io(path, WINFILE_FOREIGN_LOCKS=str(smb.server.share)) == (0, 33)


def test_client_lock_stops_winfile_io_without_lock_words(smb, shared_file):
    o, _, path = shared_file
    lock(o, 10, 10, EXCLUSIVE)
    assert child_range_io(path, WINFILE_LOCK_WORDS="0") == (33, 33)


def test_winfile_exclusive_lock_stops_client_io_and_locks(shared_file):
    o, h, _ = shared_file
    win32file.LockFile(h, 20, 0, 10, 0)
    assert status_of(o.read, 22, 4) == STATUS_FILE_LOCK_CONFLICT
    assert status_of(o.write, b"x", 25) == STATUS_FILE_LOCK_CONFLICT
    assert status_of(lock, o, 20, 5, EXCLUSIVE) == STATUS_LOCK_NOT_GRANTED
    assert status_of(lock, o, 29, 5, SHARED) == STATUS_LOCK_NOT_GRANTED
    # outside the range: free
    assert o.read(0, 10) == bytes(range(10))
    assert status_of(lock, o, 30, 5, EXCLUSIVE) is None
    win32file.UnlockFile(h, 20, 0, 10, 0)
    assert status_of(o.read, 22, 4) is None
    assert status_of(lock, o, 20, 5, EXCLUSIVE) is None


def test_winfile_shared_lock_stops_client_writes_and_exclusive_locks(shared_file):
    o, h, _ = shared_file
    ov = pywintypes.OVERLAPPED()
    ov.Offset = 40
    win32file.LockFileEx(h, win32con.LOCKFILE_FAIL_IMMEDIATELY, 10, 0, ov)
    assert status_of(o.read, 42, 4) is None
    assert status_of(o.write, b"x", 45) == STATUS_FILE_LOCK_CONFLICT
    assert status_of(lock, o, 40, 5, EXCLUSIVE) == STATUS_LOCK_NOT_GRANTED
    assert status_of(lock, o, 40, 5, SHARED) is None
    lock(o, 40, 5, UNLOCK)
    win32file.UnlockFileEx(h, 10, 0, ov)
    assert status_of(o.write, b"x", 45) is None
    assert status_of(lock, o, 40, 5, EXCLUSIVE) is None


def test_winfile_waiting_lock_is_granted_when_the_client_unlocks(shared_file):
    import threading
    o, h, path = shared_file
    lock(o, 50, 10, EXCLUSIVE)
    done = []
    ov = pywintypes.OVERLAPPED()
    ov.Offset = 50
    t = threading.Thread(target=lambda: done.append(
        winerror(win32file.LockFileEx, h, win32con.LOCKFILE_EXCLUSIVE_LOCK, 10, 0, ov)))
    t.start()
    # Unlock only once the kernel shows winfile's request waiting behind smbd's lock
    # (a "->" line of /proc/locks for the file's inode), so the wake-up is what is tested.
    ino = os.stat(path).st_ino
    deadline = time.monotonic() + 30
    while not any("->" in line and f":{ino} " in line for line in Path("/proc/locks").read_text().splitlines()):
        assert time.monotonic() < deadline, "LockFileEx never waited"
        time.sleep(0.01)
    lock(o, 50, 10, UNLOCK)
    t.join(60)
    assert done == [0]
    assert status_of(lock, o, 50, 1, EXCLUSIVE) == STATUS_LOCK_NOT_GRANTED
