"""ReadFile/WriteFile have a fast entry for their common shapes (a PyHANDLE and an int,
a PyHANDLE and bytes); every other shape goes to the full binding. Both must give the
same results and the same errors, whichever entry takes the call."""
import inspect

import pytest
import pywintypes
import win32con
import win32file
from helpers import win32_error as error_of

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE


@pytest.fixture
def fh(cdir):
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"0123456789")
    h = win32file.CreateFile(wpath + "\\f.bin", RW, 0, None, win32file.OPEN_EXISTING, 0, None)
    yield h, linux / "f.bin"
    h.Close()


class Size(int):
    pass


def test_signatures_and_names_are_the_bindings():
    assert str(inspect.signature(win32file.ReadFile)) == "(hFile, buffer_or_bufSize, overlapped=None, /)"
    assert str(inspect.signature(win32file.WriteFile)) == "(hFile, data, ol=None, /)"
    assert win32file.ReadFile.__name__ == "ReadFile" and win32file.WriteFile.__name__ == "WriteFile"


def test_read_shapes_agree(fh):
    h, _ = fh
    assert win32file.ReadFile(h, 3) == (0, b"012")  # fast entry
    assert win32file.ReadFile(int(h), 2) == (0, b"34")  # int handle: full binding
    assert win32file.ReadFile(h, Size(2)) == (0, b"56")  # int subclass: full binding
    assert win32file.ReadFile(h, 3, None) == (0, b"789")  # three arguments: full binding
    assert win32file.ReadFile(h, 0) == (0, b"")
    assert win32file.ReadFile(h, 5) == (0, b"")  # end of file


def test_write_shapes_agree(fh):
    h, path = fh
    assert win32file.WriteFile(h, b"ab") == (0, 2)  # fast entry
    assert win32file.WriteFile(h, bytearray(b"cd")) == (0, 2)  # full binding
    assert win32file.WriteFile(int(h), memoryview(b"ef")) == (0, 2)
    assert win32file.WriteFile(h, b"", None) == (0, 0)
    win32file.FlushFileBuffers(h)
    assert path.read_bytes() == b"abcdef6789"


def test_argument_errors_come_from_the_binding(fh):
    h, _ = fh
    with pytest.raises(ValueError):
        win32file.ReadFile(h, -1)
    with pytest.raises(TypeError, match="Second param must be an integer or writeable buffer object"):
        win32file.ReadFile(h, 1 << 40)
    with pytest.raises(TypeError):
        win32file.ReadFile(h, 1, hFile=h)
    with pytest.raises(TypeError):
        win32file.ReadFile(h)
    with pytest.raises(TypeError):
        win32file.WriteFile(h, b"x", None, None)
    with pytest.raises(TypeError):
        win32file.WriteFile(h, data=b"x")
    with pytest.raises(TypeError):
        win32file.ReadFile("not a handle", 1)


def test_win32_errors_through_the_fast_entry(cdir):
    wpath, linux = cdir
    (linux / "g.bin").write_bytes(b"x")
    dead = pywintypes.HANDLE(0x1234_5678_9ABC)
    assert error_of(win32file.ReadFile, dead, 4).winerror == 6  # ERROR_INVALID_HANDLE
    assert error_of(win32file.WriteFile, dead, b"x").winerror == 6
    ro = win32file.CreateFile(wpath + "\\g.bin", win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING, 0, None)
    wo = win32file.CreateFile(wpath + "\\g.bin", win32con.GENERIC_WRITE, 7, None, win32file.OPEN_EXISTING, 0, None)
    try:
        assert error_of(win32file.WriteFile, ro, b"x").winerror == 5  # ERROR_ACCESS_DENIED
        assert error_of(win32file.ReadFile, wo, 1).winerror == 5
        assert win32file.ReadFile(ro, 4) == (0, b"x")
    finally:
        ro.Close()
        wo.Close()
    assert error_of(win32file.ReadFile, ro, 1).winerror == 6  # a closed PyHANDLE


def test_fast_entry_releases_the_gil_for_a_read_that_waits():
    import threading

    import win32pipe

    r, w = win32pipe.CreatePipe(None, 0)
    try:
        t = threading.Thread(target=lambda: win32file.WriteFile(w, b"ping"))
        t.start()  # if it writes only once ReadFile waits, that wait must not hold the GIL
        assert win32file.ReadFile(r, 4) == (0, b"ping")
        t.join()
    finally:
        r.Close()
        w.Close()
