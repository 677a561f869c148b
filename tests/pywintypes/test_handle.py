"""PyHANDLE: int/bool/equality/hash/repr, Close/close/Detach, and ownership."""
import gc
import operator

import pytest
import pywintypes
import win32con
import win32file


@pytest.fixture
def h(cdir):
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"abc")
    handle = win32file.CreateFile(wpath + "\\f.bin", win32con.GENERIC_READ, 7, None,
                                  win32file.OPEN_EXISTING, 0, None)
    yield handle
    handle.Close()


def test_value_views_agree(h):
    v = int(h)
    assert v > 0 and v % 4 == 0
    assert h.handle == v
    with pytest.raises(TypeError):  # PyHANDLE_NumberMethods has no nb_index
        operator.index(h)
    assert bool(h) is True
    assert repr(h) == f"<PyHANDLE:{v}>" == str(h)


def test_equality_and_hash(h):
    v = int(h)
    assert h == v and v == h and h == h
    assert h != v + 4
    assert h != "x" and h is not None
    same = pywintypes.HANDLE(v)
    try:
        # Equal by value, hashed by identity (PyHANDLE::hash: "Just use the address").
        assert h == same and hash(h) != hash(same)
    finally:
        same.Detach()  # h owns the value
    assert {h: 1}[h] == 1


def test_handle_wrapping_the_same_value_is_equal(h):
    other = pywintypes.HANDLE(int(h))
    try:
        assert other == h and isinstance(other, type(h))
    finally:
        other.Detach()  # h owns the value


def test_close_twice_and_lowercase_close(h):
    v = int(h)
    assert h.Close() is None
    assert int(h) == 0 and h.handle == 0 and not h
    assert repr(h) == "<PyHANDLE:0>"
    h.Close()
    h.close()
    with pytest.raises(pywintypes.error) as e:
        win32file.GetFileSize(v)
    assert e.value.winerror == 6


def test_lowercase_close_closes(h):
    v = int(h)
    h.close()
    assert not h
    with pytest.raises(pywintypes.error):
        win32file.ReadFile(v, 1)


def test_detach_returns_value_and_stops_auto_close(h):
    v = int(h)
    assert h.Detach() == v
    assert int(h) == 0 and not h
    assert h.Detach() == 0
    del h
    gc.collect()
    assert win32file.ReadFile(v, 3) == (0, b"abc")  # still open
    win32file.CloseHandle(v)


def test_collected_handle_closes(cdir):
    wpath, linux = cdir
    (linux / "g.bin").write_bytes(b"x")
    h = win32file.CreateFile(wpath + "\\g.bin", win32con.GENERIC_READ, 7, None,
                             win32file.OPEN_EXISTING, 0, None)
    v = int(h)
    del h
    gc.collect()
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(v, 1)
    assert e.value.winerror == 6


def test_handle_factory_takes_ownership(h):
    v = h.Detach()
    wrapped = pywintypes.HANDLE(v)
    assert int(wrapped) == v and wrapped.handle == v
    assert win32file.ReadFile(wrapped, 3) == (0, b"abc")
    del wrapped
    gc.collect()
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(v, 1)
    assert e.value.winerror == 6


def test_handle_factory_defaults_and_types():
    assert int(pywintypes.HANDLE()) == 0
    assert not pywintypes.HANDLE(0)
    neg = pywintypes.HANDLE(-1)  # INVALID_HANDLE_VALUE keeps its signed value
    try:
        assert int(neg) == -1 and neg == -1
    finally:
        neg.Detach()
    # PyWinObject_AsHANDLE converts anything else with int() (PyWinLong_AsVoidPtr).
    with pytest.raises(TypeError, match="^The object is not a PyHANDLE object$"):
        pywintypes.HANDLE("foo")
    with pytest.raises(TypeError):
        pywintypes.HANDLE(())
    assert pywintypes.HANDLE(1.0).Detach() == 1


def test_closing_a_wrapped_foreign_value_reports_6():
    bogus = pywintypes.HANDLE(0x7FFFFFF0)
    with pytest.raises(pywintypes.error) as e:
        bogus.Close()
    assert (e.value.winerror, e.value.funcname) == (6, "CloseHandle")
    assert int(bogus) == 0


def test_pyhandle_accepted_where_ints_are(h):
    assert win32file.GetFileSize(h) == win32file.GetFileSize(int(h)) == 3
