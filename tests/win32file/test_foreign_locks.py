"""Locks held by programs that do not use winfile (fcntl/lockf, smbd, other NFS
clients): winfile's ReadFile/WriteFile see them where it probes the kernel — always with
WINFILE_LOCK_WORDS=0, and under the directories WINFILE_FOREIGN_LOCKS names (and on
network file systems) with the words on. docs/across-machines.md; the Samba version of
these checks is tests/interop/test_locks.py."""
import fcntl
import os

import pytest
from helpers import child_range_io, lock_word



@pytest.fixture
def locked(tmp):
    """A file with a plain fcntl write lock on [10, 20) held by this (non-winfile) code,
    on an inode whose lock-presence word is 0 (a count a killed process left behind on
    the word would make winfile probe the kernel, and see the lock, everywhere)."""
    for i in range(100):
        p = tmp / f"f{i}.bin"
        p.write_bytes(bytes(100))
        if not lock_word(p):
            break
    fd = os.open(p, os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 10)
    yield tmp, p
    os.close(fd)


def test_a_foreign_lock_is_missed_with_the_words_by_default(locked):
    _, p = locked
    assert child_range_io(p) == (0, 0)


def test_a_foreign_lock_is_seen_under_a_configured_directory(locked):
    d, p = locked
    assert child_range_io(p, WINFILE_FOREIGN_LOCKS=str(d)) == (33, 33)
    assert child_range_io(p, WINFILE_FOREIGN_LOCKS=f"relative:/nonexistent:{d}") == (33, 33)
    assert child_range_io(p, WINFILE_FOREIGN_LOCKS=str(d / "elsewhere")) == (0, 0)


def test_a_foreign_lock_is_seen_without_the_words(locked):
    _, p = locked
    assert child_range_io(p, WINFILE_LOCK_WORDS="0") == (33, 33)


def test_an_emulated_flock_collides_with_a_share_token(tmp):
    """What an NFS or CIFS client makes of flock(2): a whole-file POSIX write lock on the
    server. Such a lock cannot be had while any winfile handle holds its share token
    (read locks near 2^63), which is why winfile's per-inode flock is a hazard there
    (docs/across-machines.md, NFSv4). Here the emulated lock is a plain whole-file
    lockf from a descriptor that is not the handle's."""
    import win32con
    import win32file
    p = tmp / "f.bin"
    p.write_bytes(b"x")
    h = win32file.CreateFile(str(p), win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    fd = os.open(p, os.O_RDWR)
    with pytest.raises(OSError):
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0)  # whole file
    h.Close()
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0)
    os.close(fd)
