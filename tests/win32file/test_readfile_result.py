"""ReadFile(h, n) returns a new bytes read in place: full, short at end of file, empty."""
import os

import pytest
import pywintypes
import win32file


def _open(path, access=win32file.GENERIC_READ):
    return win32file.CreateFile(path, access, 0, None, win32file.OPEN_EXISTING, 0, None)


def test_full_short_and_empty_reads(cdir):
    win, linux = cdir
    data = os.urandom(10000)
    (linux / "f.bin").write_bytes(data)
    h = _open(win + "\\f.bin")
    try:
        rc, first = win32file.ReadFile(h, 4096)
        assert (rc, type(first), first) == (0, bytes, data[:4096])
        rc, second = win32file.ReadFile(h, 8192)  # short: only 5904 bytes left
        assert (rc, second) == (0, data[4096:])
        assert win32file.ReadFile(h, 4096) == (0, b"")  # at end of file
        assert win32file.ReadFile(h, 0) == (0, b"")
        win32file.SetFilePointer(h, 9999, win32file.FILE_BEGIN)
        assert win32file.ReadFile(h, 1 << 20) == (0, data[9999:])
    finally:
        h.Close()


def test_read_errors_leave_no_partial_result(cdir):
    win, linux = cdir
    (linux / "f.bin").write_bytes(b"abc")
    h = _open(win + "\\f.bin", win32file.GENERIC_WRITE)
    try:
        with pytest.raises(pywintypes.error) as e:
            win32file.ReadFile(h, 16)
        assert e.value.winerror == 5 and e.value.funcname == "ReadFile"
    finally:
        h.Close()
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(h, 16)  # closed
    assert e.value.winerror == 6
    with pytest.raises(ValueError):
        win32file.ReadFile(0x7FF0, -1)
