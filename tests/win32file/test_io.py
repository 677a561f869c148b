"""ReadFile / WriteFile: buffers, return shapes, OVERLAPPED offsets on synchronous
handles, end of file, large transfers."""
import array
import os

import pytest
import pywintypes
import win32con
import win32file
from helpers import win32_error as error_of

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
BUFFER_ERROR = "Second param must be an integer or writeable buffer object"


@pytest.fixture
def fh(cdir):
    """A read/write handle on a file holding b'0123456789', and its Linux path."""
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"0123456789")
    h = win32file.CreateFile(wpath + "\\f.bin", RW, 0, None, win32file.OPEN_EXISTING, 0, None)
    yield h, linux / "f.bin"
    h.Close()


# ---- ReadFile without OVERLAPPED -------------------------------------------------------

def test_read_int_size_returns_bytes_trimmed(fh):
    h, _ = fh
    rc, data = win32file.ReadFile(h, 4)
    assert (rc, data) == (0, b"0123") and type(data) is bytes
    assert win32file.ReadFile(h, 100) == (0, b"456789")


def test_read_at_eof_returns_empty(fh):
    h, _ = fh
    win32file.SetFilePointer(h, 0, win32file.FILE_END)
    assert win32file.ReadFile(h, 10) == (0, b"")
    win32file.SetFilePointer(h, 1000, win32file.FILE_BEGIN)  # past the end
    assert win32file.ReadFile(h, 10) == (0, b"")


def test_read_zero_bytes(fh):
    h, _ = fh
    assert win32file.ReadFile(h, 0) == (0, b"")
    assert win32file.ReadFile(h, 1) == (0, b"0")


@pytest.mark.parametrize("make", [
    lambda n: bytearray(n),
    lambda n: memoryview(bytearray(n)),
    lambda n: array.array("b", bytes(n)),
    lambda n: array.array("B", bytes(n)),
], ids=["bytearray", "memoryview", "array_b", "array_B"])
def test_read_into_writable_buffer_fills_it_and_returns_bytes(fh, make):
    h, _ = fh
    buf = make(4)
    rc, data = win32file.ReadFile(h, buf)
    assert (rc, data) == (0, b"0123") and type(data) is bytes
    assert bytes(buf) == b"0123"


def test_read_into_larger_buffer_returns_only_bytes_read(fh):
    h, _ = fh
    buf = bytearray(b"!" * 16)
    assert win32file.ReadFile(h, buf) == (0, b"0123456789")
    assert buf == b"0123456789!!!!!!"


@pytest.mark.parametrize("bad", [b"abcd", "abcd", memoryview(b"abcd"), 1.5, None, [0, 0]],
                         ids=["bytes", "str", "readonly_view", "float", "none", "list"])
def test_read_into_unwritable_object_is_type_error(fh, bad):
    h, _ = fh
    with pytest.raises(TypeError, match=BUFFER_ERROR):
        win32file.ReadFile(h, bad)


def test_read_negative_size_raises(fh):
    h, _ = fh
    with pytest.raises((ValueError, OverflowError, pywintypes.error)):
        win32file.ReadFile(h, -1)


@pytest.mark.parametrize("size", [1 << 31, 1 << 50, 2**64 + 2, -(1 << 31) - 1])
def test_read_size_beyond_a_c_long_is_type_error(fh, size):
    # pywin32 reads the size as a C long; an int that does not fit is no size there, and
    # the argument is then refused as a buffer. Nothing is allocated or consumed.
    h, _ = fh
    with pytest.raises(TypeError, match=BUFFER_ERROR):
        win32file.ReadFile(h, size)
    assert win32file.ReadFile(h, 2) == (0, b"01")


def test_big_read_and_write(fh):
    h, linux = fh
    data = os.urandom(3 * 1024 * 1024 + 17)
    win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
    assert win32file.WriteFile(h, data) == (0, len(data))
    assert linux.stat().st_size == len(data)
    win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
    rc, got = win32file.ReadFile(h, len(data) + 100)
    assert rc == 0 and got == data


# ---- WriteFile -------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"ab", bytearray(b"ab"), memoryview(b"xaby")[1:3],
                                  array.array("b", b"ab")],
                         ids=["bytes", "bytearray", "memoryview", "array"])
def test_write_any_bytes_like(fh, data):
    h, linux = fh
    assert win32file.WriteFile(h, data) == (0, 2)
    h.Close()
    assert linux.read_bytes() == b"ab23456789"


def test_write_str_is_type_error(fh):
    h, linux = fh
    with pytest.raises(TypeError):
        win32file.WriteFile(h, "text")
    for bad in (12, [1, 2], None, 1.5):
        with pytest.raises(TypeError):
            win32file.WriteFile(h, bad)
    h.Close()
    assert linux.read_bytes() == b"0123456789"


def test_write_empty(fh):
    h, linux = fh
    assert win32file.WriteFile(h, b"") == (0, 0)
    assert linux.read_bytes() == b"0123456789"


def test_write_advances_pointer_and_extends(fh):
    h, linux = fh
    win32file.SetFilePointer(h, 8, win32file.FILE_BEGIN)
    assert win32file.WriteFile(h, b"ABCD") == (0, 4)
    assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 12
    assert linux.read_bytes() == b"01234567ABCD"


def test_write_past_end_fills_with_zeros(fh):
    h, linux = fh
    win32file.SetFilePointer(h, 14, win32file.FILE_BEGIN)
    win32file.WriteFile(h, b"Z")
    assert linux.read_bytes() == b"0123456789\0\0\0\0Z"


def test_io_on_invalid_handle_is_6(fh):
    h, _ = fh
    raw = int(h)
    h.Close()
    e = error_of(win32file.ReadFile, raw, 1)
    assert (e.winerror, e.funcname) == (6, "ReadFile")
    e = error_of(win32file.WriteFile, raw, b"x")
    assert (e.winerror, e.funcname) == (6, "WriteFile")
    with pytest.raises(TypeError):
        win32file.ReadFile("handle", 1)


# ---- OVERLAPPED on a synchronous handle ---------------------------------------------

def test_overlapped_read_at_offset_int_size_gives_new_full_size_memoryview(fh):
    h, _ = fh
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 7
    rc, data = win32file.ReadFile(h, 10, ol)
    assert rc == 0 and isinstance(data, memoryview)
    assert len(data) == 10 and not data.readonly
    assert bytes(data) == b"789" + bytes(7)
    assert ol.InternalHigh == 3
    # the file pointer of a synchronous handle follows the transfer
    assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 10


def test_overlapped_read_into_buffer_returns_same_object(fh):
    h, _ = fh
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 2
    buf = bytearray(b"........")
    rc, data = win32file.ReadFile(h, buf, ol)
    assert rc == 0 and data is buf
    assert buf == b"23456789"
    assert ol.InternalHigh == 8
    mv = win32file.AllocateReadBuffer(4)
    rc, data = win32file.ReadFile(h, mv, ol)
    assert data is mv and bytes(mv) == b"2345"


def test_overlapped_read_past_eof_is_38(fh):
    h, _ = fh
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 10
    e = error_of(win32file.ReadFile, h, 5, ol)
    assert e.args == (38, "ReadFile", "Reached the end of the file.")
    ol.Offset = 50
    assert error_of(win32file.ReadFile, h, bytearray(5), ol).winerror == 38


def test_overlapped_write_at_offset(fh):
    h, linux = fh
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 3
    assert win32file.WriteFile(h, b"abc", ol) == (0, 3)
    assert ol.InternalHigh == 3
    assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 6
    assert linux.read_bytes() == b"012abc6789"


def test_overlapped_offsets_above_4_gib_on_a_sparse_file(fh):
    h, linux = fh
    ol = pywintypes.OVERLAPPED()
    ol.OffsetHigh = 1
    ol.Offset = 0x10
    far = (1 << 32) + 0x10
    assert win32file.WriteFile(h, b"far away", ol) == (0, 8)
    assert win32file.GetFileSize(h) == far + 8
    assert linux.stat().st_size == far + 8
    assert linux.stat().st_blocks * 512 < 1 << 20  # sparse: the gap takes no space
    ol2 = pywintypes.OVERLAPPED()
    ol2.OffsetHigh = 1
    ol2.Offset = 0x13
    rc, data = win32file.ReadFile(h, 5, ol2)
    assert bytes(data) == b" away" and ol2.InternalHigh == 5
    assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == far + 8
    with open(linux, "rb") as f:
        f.seek(far)
        assert f.read() == b"far away"


def test_overlapped_offset_fields_are_32_bit_unsigned_members():
    # PyOVERLAPPED::members declares Offset/OffsetHigh T_ULONG (32 bits on Windows):
    # too large overflows instead of being masked; see tests/pywintypes/test_overlapped.py.
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 0xFFFFFFFF
    with pytest.raises(OverflowError):
        ol.OffsetHigh = 2**32 + 5
    assert (ol.Offset, ol.OffsetHigh) == (0xFFFFFFFF, 0)
