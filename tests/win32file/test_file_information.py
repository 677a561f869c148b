"""GetFileInformationByHandle: the 10-tuple of BY_HANDLE_FILE_INFORMATION."""
import datetime
import os

import pytest
import pywintypes
import win32con
import win32file
import win32timezone

SHARE_ALL = win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE | win32file.FILE_SHARE_DELETE


def open_existing(name, access=win32con.GENERIC_READ, flags=0):
    return win32file.CreateFile(name, access, SHARE_ALL, None, win32file.OPEN_EXISTING, flags, None)


def info_of(name, **kw):
    h = open_existing(name, **kw)
    try:
        return win32file.GetFileInformationByHandle(h)
    finally:
        h.Close()


def test_shape(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"abc")
    os.utime(linux / "f", (1_000_000_000.5, 1_100_000_000.75))
    info = info_of(wpath + "\\f")
    assert type(info) is tuple and len(info) == 10
    attrs, created, accessed, written, serial, size_hi, size_lo, links, idx_hi, idx_lo = info
    assert attrs == win32file.FILE_ATTRIBUTE_ARCHIVE
    for t in (created, accessed, written):
        assert isinstance(t, pywintypes.TimeType)
        assert t.tzinfo == win32timezone.TimeZoneInfo.utc()
    assert accessed == datetime.datetime.fromtimestamp(1_000_000_000.5, datetime.timezone.utc)
    assert written == datetime.datetime.fromtimestamp(1_100_000_000.75, datetime.timezone.utc)
    assert (size_hi, size_lo, links) == (0, 3, 1)
    for n in (serial, size_hi, size_lo, links, idx_hi, idx_lo):
        assert type(n) is int and 0 <= n < 2**32


def test_file_index_is_inode(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"")
    info = info_of(wpath + "\\f")
    assert (info[8] << 32) | info[9] == os.stat(linux / "f").st_ino


def test_volume_serial_shared_in_directory(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"")
    (linux / "b").write_bytes(b"")
    (linux / "d").mkdir()
    a, b = info_of(wpath + "\\a"), info_of(wpath + "\\b")
    d = info_of(wpath + "\\d", flags=win32file.FILE_FLAG_BACKUP_SEMANTICS)
    assert a[4] == b[4] == d[4]
    assert (a[8], a[9]) != (b[8], b[9])
    assert d[0] == win32file.FILE_ATTRIBUTE_DIRECTORY


def test_volume_serial_differs_on_another_file_system(cdir):
    wpath, linux = cdir
    if not os.path.isdir("/dev/shm") or os.stat("/dev/shm").st_dev == os.stat(linux).st_dev:
        pytest.skip("/dev/shm is on the same file system")
    (linux / "a").write_bytes(b"")
    with open("/dev/shm/winfile-serial-probe-%d" % os.getpid(), "wb") as f:
        other = f.name
    try:
        assert info_of(wpath + "\\a")[4] != info_of(other)[4]
    finally:
        os.unlink(other)


def test_link_count_follows_hard_links(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"")
    h = open_existing(wpath + "\\f")
    try:
        assert win32file.GetFileInformationByHandle(h)[7] == 1
        os.link(linux / "f", linux / "g")
        os.link(linux / "f", linux / "h")
        assert win32file.GetFileInformationByHandle(h)[7] == 3
        os.unlink(linux / "g")
        assert win32file.GetFileInformationByHandle(h)[7] == 2
        assert info_of(wpath + "\\h")[8:] == win32file.GetFileInformationByHandle(h)[8:]
    finally:
        h.Close()


def test_size_words_of_large_sparse_file(cdir):
    wpath, linux = cdir
    size = 5 * 2**32 + 12345  # > 4 GiB: the high word is used
    with open(linux / "sparse", "wb") as f:
        f.truncate(size)
    info = info_of(wpath + "\\sparse")
    assert (info[5], info[6]) == (5, 12345)
    assert (info[5] << 32) | info[6] == size


def test_attributes_follow_set_file_attributes(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"")
    bits = win32file.FILE_ATTRIBUTE_HIDDEN | win32file.FILE_ATTRIBUTE_READONLY
    win32file.SetFileAttributes(wpath + "\\f", bits)
    assert info_of(wpath + "\\f")[0] == bits


def test_bad_handle(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"")
    h = open_existing(wpath + "\\f")
    value = int(h)
    h.Close()
    with pytest.raises(pywintypes.error) as info:
        win32file.GetFileInformationByHandle(value)
    assert info.value.args[:2] == (6, "GetFileInformationByHandle")
    with pytest.raises(TypeError):
        win32file.GetFileInformationByHandle(handle=value)
