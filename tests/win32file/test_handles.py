"""CloseHandle, handle values, CRT descriptor interop (_get_osfhandle, _open_osfhandle),
AllocateReadBuffer, _getmaxstdio/_setmaxstdio, the ANSI/OEM file-API flag."""
import gc
import os

import pytest
import pywintypes
import win32con
import win32file

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE


@pytest.fixture
def fname(cdir):
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"0123456789")
    return wpath + "\\f.bin"


def open_(name):
    return win32file.CreateFile(name, RW, 7, None, win32file.OPEN_EXISTING, 0, None)


# ---- CloseHandle and handle values ---------------------------------------------------------

def test_close_handle_on_pyhandle_twice_is_fine(fname):
    h = open_(fname)
    raw = int(h)
    win32file.CloseHandle(h)
    assert int(h) == 0 and not h
    win32file.CloseHandle(h)
    with pytest.raises(pywintypes.error) as e:
        win32file.GetFileSize(raw)
    assert e.value.winerror == 6


def test_close_handle_on_stale_int_is_error_6(fname):
    h = open_(fname)
    raw = h.Detach()
    win32file.CloseHandle(raw)
    with pytest.raises(pywintypes.error) as e:
        win32file.CloseHandle(raw)
    assert e.value.args == (6, "CloseHandle", "The handle is invalid.")


def test_close_handle_none_and_zero_are_no_ops():
    assert win32file.CloseHandle(None) is None
    assert win32file.CloseHandle(0) is None
    assert win32file.CloseHandle(pywintypes.HANDLE(0)) is None


def test_close_handle_on_pseudo_handles_succeeds():
    # -1 is also GetCurrentProcess(), -2 GetCurrentThread(): closing them has no effect
    assert win32file.CloseHandle(win32file.INVALID_HANDLE_VALUE) is None
    assert win32file.CloseHandle(-2) is None
    pseudo = pywintypes.HANDLE(-1)
    pseudo.Close()
    assert int(pseudo) == 0


def test_close_handle_wrong_type_is_type_error():
    with pytest.raises(TypeError):
        win32file.CloseHandle("h")
    with pytest.raises(TypeError):
        win32file.CloseHandle(1.0)


def test_handle_values_are_nonzero_multiples_of_4_and_not_reused(fname):
    seen = set()
    for _ in range(50):
        h = open_(fname)
        v = int(h)
        assert v > 0 and v % 4 == 0 and v not in seen
        seen.add(v)
        h.Close()
    live = [open_(fname) for _ in range(10)]
    assert len({int(h) for h in live}) == 10 and not seen & {int(h) for h in live}
    for h in live:
        h.Close()


def test_garbage_collection_closes_the_handle(fname):
    h = open_(fname)
    raw = int(h)
    assert win32file.GetFileSize(raw) == 10
    del h
    gc.collect()
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(raw, 1)
    assert (e.value.winerror, e.value.funcname) == (6, "ReadFile")


def test_handles_are_independent_file_pointers(fname):
    a, b = open_(fname), open_(fname)
    assert win32file.ReadFile(a, 3) == (0, b"012")
    assert win32file.ReadFile(b, 2) == (0, b"01")
    assert win32file.ReadFile(a, 1) == (0, b"3")
    a.Close()
    b.Close()


# ---- _get_osfhandle / _open_osfhandle -----------------------------------------------------

def test_get_osfhandle_is_stable_for_an_fd(tmp):
    with open(tmp / "x", "w+b") as f:
        h1 = win32file._get_osfhandle(f.fileno())
        h2 = win32file._get_osfhandle(f.fileno())
        assert type(h1) is int and h1 == h2 and h1 > 0
        assert win32file.WriteFile(h1, b"via handle") == (0, 10)
        f.seek(0)
        assert f.read() == b"via handle"


def test_get_osfhandle_differs_per_fd(tmp):
    with open(tmp / "a", "wb") as fa, open(tmp / "b", "wb") as fb:
        assert win32file._get_osfhandle(fa.fileno()) != win32file._get_osfhandle(fb.fileno())


@pytest.mark.parametrize("fd", [-1, 987654])
def test_get_osfhandle_bad_fd_is_oserror(fd):
    with pytest.raises(OSError) as e:
        win32file._get_osfhandle(fd)
    assert not isinstance(e.value, pywintypes.error)
    assert e.value.errno == 9  # EBADF


def test_get_osfhandle_of_closed_fd_is_oserror(tmp):
    fd = os.open(tmp / "c", os.O_CREAT | os.O_RDWR)
    win32file._get_osfhandle(fd)
    os.close(fd)
    with pytest.raises(OSError):
        win32file._get_osfhandle(fd)


def test_get_osfhandle_follows_a_reused_fd_number(tmp):
    (tmp / "a").write_bytes(b"first")
    (tmp / "b").write_bytes(b"second")
    fd = os.open(tmp / "a", os.O_RDONLY)
    assert win32file.ReadFile(win32file._get_osfhandle(fd), 10) == (0, b"first")
    os.close(fd)
    fd2 = os.open(tmp / "b", os.O_RDONLY)
    try:
        assert fd2 == fd  # the lowest free number comes back
        assert win32file.ReadFile(win32file._get_osfhandle(fd2), 10) == (0, b"second")
    finally:
        os.close(fd2)


def test_get_osfhandle_respects_fd_access(tmp):
    (tmp / "r").write_bytes(b"abc")
    fd = os.open(tmp / "r", os.O_RDONLY)
    try:
        h = win32file._get_osfhandle(fd)
        assert win32file.ReadFile(h, 3) == (0, b"abc")
        with pytest.raises(pywintypes.error) as e:
            win32file.WriteFile(h, b"x")
        assert e.value.winerror == 5
    finally:
        os.close(fd)


def test_open_osfhandle_shares_the_open_file_description(fname):
    h = open_(fname)
    fd = win32file._open_osfhandle(h, os.O_RDWR)
    try:
        assert type(fd) is int and fd >= 0
        assert win32file._get_osfhandle(fd) == int(h)
        assert win32file.ReadFile(h, 3) == (0, b"012")
        assert os.read(fd, 2) == b"34"  # shared position
        os.write(fd, b"AB")
        assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 7
        assert win32file.ReadFile(h, 10) == (0, b"789")
        win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
        assert os.read(fd, 100) == b"01234AB789"
    finally:
        os.close(fd)
        h.Detach()  # the descriptor owned the handle


def test_open_osfhandle_of_invalid_handle_is_oserror():
    with pytest.raises(OSError) as e:
        win32file._open_osfhandle(0x7FFFFFF0, 0)
    assert not isinstance(e.value, pywintypes.error)


# ---- AllocateReadBuffer ----------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 4096])
def test_allocate_read_buffer(n):
    buf = win32file.AllocateReadBuffer(n)
    assert isinstance(buf, memoryview)
    assert len(buf) == n and not buf.readonly and buf.format == "B"
    assert bytes(buf) == bytes(n)
    if n:
        buf[0] = 7
        assert buf[0] == 7
    assert win32file.AllocateReadBuffer(n) is not buf


def test_allocate_read_buffer_rejects_non_ints():
    with pytest.raises(TypeError):
        win32file.AllocateReadBuffer("10")
    with pytest.raises(TypeError):
        win32file.AllocateReadBuffer(1.0)


# ---- process settings ------------------------------------------------------------------------

_SETTINGS = """
import win32file
print(win32file._getmaxstdio(), win32file.AreFileApisANSI())
"""


def test_initial_process_settings(run_child):
    child = run_child(_SETTINGS)
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["512", "1"]


def test_setmaxstdio():
    old = win32file._getmaxstdio()
    try:
        assert win32file._setmaxstdio(2048) == 2048
        assert win32file._getmaxstdio() == 2048
        assert win32file._setmaxstdio(8192) == 8192
        for bad in (-1, 0, 8193, 1 << 20):
            assert win32file._setmaxstdio(bad) == -1
        assert win32file._getmaxstdio() == 8192
    finally:
        win32file._setmaxstdio(old)


def test_file_apis_toggle():
    assert win32file.AreFileApisANSI() == 1
    try:
        assert win32file.SetFileApisToOEM() is None
        assert win32file.AreFileApisANSI() == 0
        assert win32file.SetFileApisToANSI() is None
        assert win32file.AreFileApisANSI() == 1
    finally:
        win32file.SetFileApisToANSI()


# ---- handle values out of range (issue 20, item 3) -------------------------------------------
# pywin32 converts an int handle as a pointer (PyWinLong_AsVoidPtr): -2**63 ..= 2**64 - 1,
# negatives as two's complement; any other int is refused with TypeError ("The object is
# not a PyHANDLE object"). Never modulo 2**64: int(h) + 2**64 must not reach h.
NOT_A_HANDLE = "The object is not a PyHANDLE object"
FSCTL_SET_SPARSE = 0x900C4

HANDLE_CALLS = {
    "CloseHandle": lambda v: win32file.CloseHandle(v),
    "GetFileSize": lambda v: win32file.GetFileSize(v),
    "ReadFile": lambda v: win32file.ReadFile(v, 4),
    "WriteFile": lambda v: win32file.WriteFile(v, b"zz"),
    "SetFilePointer": lambda v: win32file.SetFilePointer(v, 5, win32file.FILE_BEGIN),
    "SetEndOfFile": lambda v: win32file.SetEndOfFile(v),
    "FlushFileBuffers": lambda v: win32file.FlushFileBuffers(v),
    "GetFileType": lambda v: win32file.GetFileType(v),
    "GetFileInformationByHandle": lambda v: win32file.GetFileInformationByHandle(v),
    "LockFileEx": lambda v: win32file.LockFileEx(v, 3, 0, 1, pywintypes.OVERLAPPED()),
    "DeviceIoControl": lambda v: win32file.DeviceIoControl(v, FSCTL_SET_SPARSE, None, 0),
    "_open_osfhandle": lambda v: win32file._open_osfhandle(v, 0),
    "pywintypes.HANDLE": lambda v: pywintypes.HANDLE(v),
}


@pytest.mark.parametrize("call", sorted(HANDLE_CALLS))
@pytest.mark.parametrize("offset", [2**64, -(2**64), 2**65, 5 * 2**64, -(2**100)])
def test_handle_int_beyond_a_pointer_is_type_error_and_leaves_the_handle_alone(fname, call, offset):
    h = win32file.CreateFile(fname, RW, 0, None, win32file.OPEN_EXISTING, 0, None)
    try:
        with pytest.raises(TypeError, match=NOT_A_HANDLE):
            HANDLE_CALLS[call](int(h) + offset)
        # The handle is still open, unread, unwritten, unlocked and at offset 0.
        assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 0
        assert win32file.ReadFile(h, 100) == (0, b"0123456789")
        win32file.LockFileEx(h, 3, 0, 10, pywintypes.OVERLAPPED())  # nothing else locked it
    finally:
        h.Close()


def test_handle_int_range_edges(fname):
    # In range but no handle: ERROR_INVALID_HANDLE; one past either end: TypeError.
    for v in (2**64 - 1, -(2**63), 2**63, -1 - 0x7FFF):
        with pytest.raises(pywintypes.error) as e:
            win32file.GetFileSize(v)
        assert e.value.winerror == 6
    for v in (2**64, -(2**63) - 1):
        with pytest.raises(TypeError, match=NOT_A_HANDLE):
            win32file.GetFileSize(v)
    # -1 and 2**64 - 1 are the same value (INVALID_HANDLE_VALUE), as in pywin32.
    assert pywintypes.HANDLE(-1) == 2**64 - 1 and int(pywintypes.HANDLE(2**64 - 1)) == -1
    pywintypes.HANDLE(-1).Detach()
    h = win32file.CreateFile(fname, RW, 0, None, win32file.OPEN_EXISTING, 0, None)
    try:
        assert h == int(h) and not (h == int(h) + 1)
        with pytest.raises(TypeError):
            h == int(h) + 2**64  # noqa: B015 - pywin32 cannot convert it either
        assert win32file.GetFileSize(h) == 10
    finally:
        h.Close()


def test_pointer_sized_values_are_range_checked_not_masked():
    # Completion keys, OVERLAPPED.Internal/InternalHigh: PyWinLong_AsVoidPtr's range.
    ol = pywintypes.OVERLAPPED()
    ol.Internal = 2**64 - 1
    ol.InternalHigh = -1
    assert ol.Internal == ol.InternalHigh == 2**64 - 1
    for attr in ("Internal", "InternalHigh"):
        with pytest.raises(TypeError, match="pointer-sized"):
            setattr(ol, attr, 2**64 + 7)
    assert ol.Internal == 2**64 - 1
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    try:
        with pytest.raises(TypeError, match="pointer-sized"):
            win32file.PostQueuedCompletionStatus(port, 1, 2**64 + 1, None)
        win32file.PostQueuedCompletionStatus(port, 1, 2**64 - 1, None)
        assert win32file.GetQueuedCompletionStatus(port, 0)[:3] == (0, 1, 2**64 - 1)
    finally:
        port.Close()
