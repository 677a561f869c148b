"""SetFilePointer, SetEndOfFile, FlushFileBuffers, GetFileSize, GetFileType."""
import os

import pytest
import pywintypes
import win32con
import win32file
from helpers import win32_error as error_of

R = win32con.GENERIC_READ
RW = R | win32con.GENERIC_WRITE


def open_(name, access=RW, disposition=win32file.OPEN_EXISTING):
    return win32file.CreateFile(name, access, 7, None, disposition, 0, None)


@pytest.fixture
def fname(cdir):
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"0123456789")
    return wpath + "\\f.bin", linux / "f.bin"


# ---- SetFilePointer -------------------------------------------------------------------------

def test_set_file_pointer_methods(fname):
    h = open_(fname[0])
    assert win32file.SetFilePointer(h, 5, win32file.FILE_BEGIN) == 5
    assert win32file.ReadFile(h, 2) == (0, b"56")
    assert win32file.SetFilePointer(h, -3, win32file.FILE_CURRENT) == 4
    assert win32file.ReadFile(h, 1) == (0, b"4")
    assert win32file.SetFilePointer(h, -1, win32file.FILE_END) == 9
    assert win32file.ReadFile(h, 5) == (0, b"9")
    assert win32file.SetFilePointer(h, 0, win32file.FILE_END) == 10
    h.Close()


def test_set_file_pointer_beyond_end_does_not_grow_the_file(fname):
    h = open_(fname[0])
    assert win32file.SetFilePointer(h, 1 << 40, win32file.FILE_BEGIN) == 1 << 40
    assert win32file.GetFileSize(h) == 10
    h.Close()


@pytest.mark.parametrize("offset, method", [(-1, win32file.FILE_BEGIN),
                                            (-11, win32file.FILE_END),
                                            (-100, win32file.FILE_CURRENT)])
def test_negative_result_is_131(fname, offset, method):
    h = open_(fname[0])
    win32file.SetFilePointer(h, 3, win32file.FILE_BEGIN)
    e = error_of(win32file.SetFilePointer, h, offset, method)
    assert (e.winerror, e.funcname) == (131, "SetFilePointer")
    assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 3  # unchanged
    h.Close()


@pytest.mark.parametrize("method", [3, 100, -1])
def test_bad_move_method_is_87(fname, method):
    h = open_(fname[0])
    assert error_of(win32file.SetFilePointer, h, 0, method).winerror == 87
    h.Close()


def test_high_low_tuple_is_deprecated_but_works(fname):
    h = open_(fname[0])
    with pytest.warns(DeprecationWarning):
        assert win32file.SetFilePointer(h, (0, 7), win32file.FILE_BEGIN) == 7
    assert win32file.ReadFile(h, 1) == (0, b"7")
    with pytest.warns(DeprecationWarning):
        assert win32file.SetFilePointer(h, (1, 2), win32file.FILE_BEGIN) == (1 << 32) + 2
    h.Close()


def test_set_file_pointer_rejects_wrong_types(fname):
    h = open_(fname[0])
    with pytest.raises(TypeError):
        win32file.SetFilePointer(h, "1", win32file.FILE_BEGIN)
    with pytest.raises(TypeError):
        win32file.SetFilePointer(h, 1.0, win32file.FILE_BEGIN)
    h.Close()


# ---- SetEndOfFile -------------------------------------------------------------------------------

def test_set_end_of_file_truncates_and_extends(fname):
    name, linux = fname
    h = open_(name)
    win32file.SetFilePointer(h, 4, win32file.FILE_BEGIN)
    assert win32file.SetEndOfFile(h) == 1
    assert linux.read_bytes() == b"0123"
    win32file.SetFilePointer(h, 6, win32file.FILE_BEGIN)
    assert win32file.SetEndOfFile(h) == 1
    assert linux.read_bytes() == b"0123\0\0"
    assert win32file.GetFileSize(h) == 6
    h.Close()


def test_set_end_of_file_on_read_only_handle_returns_0(fname):
    name, linux = fname
    h = open_(name, R)
    win32file.SetFilePointer(h, 2, win32file.FILE_BEGIN)
    assert win32file.SetEndOfFile(h) == 0
    assert linux.read_bytes() == b"0123456789"
    raw = int(h)
    h.Close()
    assert win32file.SetEndOfFile(raw) == 0  # stale handle: still no exception


# ---- FlushFileBuffers, GetFileSize -----------------------------------------------------------

def test_flush_file_buffers(fname):
    name, linux = fname
    h = open_(name)
    win32file.WriteFile(h, b"ab")
    assert win32file.FlushFileBuffers(h) is None
    h.Close()
    h = open_(name, R)
    e = error_of(win32file.FlushFileBuffers, h)
    assert (e.winerror, e.funcname) == (5, "FlushFileBuffers")
    raw = int(h)
    h.Close()
    assert error_of(win32file.FlushFileBuffers, raw).winerror == 6


def test_get_file_size_follows_writes(fname):
    name, linux = fname
    h = open_(name)
    assert win32file.GetFileSize(h) == 10
    win32file.SetFilePointer(h, 0, win32file.FILE_END)
    win32file.WriteFile(h, b"x" * 90)
    assert win32file.GetFileSize(h) == 100
    with open(linux, "ab") as f:  # another writer, outside winfile
        f.write(b"y")
    assert win32file.GetFileSize(h) == 101
    raw = int(h)
    h.Close()
    e = error_of(win32file.GetFileSize, raw)
    assert (e.winerror, e.funcname) == (6, "GetFileSize")


# ---- GetFileType ---------------------------------------------------------------------------------

def test_get_file_type_disk(fname):
    h = open_(fname[0])
    assert win32file.GetFileType(h) == win32file.FILE_TYPE_DISK
    h.Close()


def test_get_file_type_invalid_handle_is_unknown(fname):
    h = open_(fname[0])
    raw = int(h)
    h.Close()
    assert win32file.GetFileType(raw) == win32file.FILE_TYPE_UNKNOWN == 0
    assert win32file.GetFileType(0) == 0
    assert win32file.GetFileType(win32file.INVALID_HANDLE_VALUE) == 0


def test_get_file_type_pipe_and_pty():
    r, w = os.pipe()
    master, slave = os.openpty()
    try:
        assert win32file.GetFileType(win32file._get_osfhandle(r)) == win32file.FILE_TYPE_PIPE
        assert win32file.GetFileType(win32file._get_osfhandle(w)) == win32file.FILE_TYPE_PIPE
        assert win32file.GetFileType(win32file._get_osfhandle(slave)) == win32file.FILE_TYPE_CHAR
        assert win32file.GetFileType(win32file._get_osfhandle(master)) == win32file.FILE_TYPE_CHAR
    finally:
        for fd in (r, w, master, slave):
            os.close(fd)
