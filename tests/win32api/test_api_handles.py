"""win32api.CloseHandle, DuplicateHandle and GetCurrentProcess on real handles."""
import os

import pytest
import pywintypes
import win32api
import win32con
import win32event
import win32file

from helpers import winerror_of

ME = win32api.GetCurrentProcess()


def _open(path, access=win32con.GENERIC_READ | win32con.GENERIC_WRITE, disposition=win32con.CREATE_ALWAYS):
    return win32file.CreateFile(str(path), access, 0, None, disposition, 0, None)


def test_error_is_pywintypes_error():
    assert win32api.error is pywintypes.error


def test_get_current_process_is_the_pseudo_handle():
    assert ME == -1
    win32api.CloseHandle(ME)  # closing a pseudo-handle does nothing, as on Windows


@pytest.mark.parametrize("kind", ["file", "event", "mutex", "port", "notify"])
def test_close_handle_closes_every_kind(kind, tmp):
    (tmp / "f").write_bytes(b"x")
    if kind == "file":
        h = _open(tmp / "f")
    elif kind == "event":
        h = win32event.CreateEvent(None, True, False, None)
    elif kind == "port":
        h = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    elif kind == "mutex":
        h = win32event.CreateMutex(None, False, None)
    else:
        h = win32file.FindFirstChangeNotification(str(tmp), True, win32con.FILE_NOTIFY_CHANGE_SIZE)
    value = int(h)
    win32api.CloseHandle(h)
    # Closed: the value is gone from the table (a PyHANDLE is left holding 0).
    assert winerror_of(win32api.CloseHandle, value) == 6


def test_close_handle_rejects_foreign_and_closed_values(tmp):
    assert winerror_of(win32api.CloseHandle, 0x7FF0) == 6
    assert win32api.GetLastError() == 6
    h = _open(tmp / "f")
    raw = h.Detach()
    win32api.CloseHandle(raw)
    e = pytest.raises(pywintypes.error, win32api.CloseHandle, raw).value
    assert (e.winerror, e.funcname) == (6, "CloseHandle")
    win32api.CloseHandle(None)  # None and 0 are no-ops, as in pywin32
    win32api.CloseHandle(0)
    with pytest.raises(TypeError):
        win32api.CloseHandle("not a handle")


def test_duplicate_shares_the_file_object(tmp):
    h = _open(tmp / "f")
    d = win32api.DuplicateHandle(ME, h, ME, 0, False, win32con.DUPLICATE_SAME_ACCESS)
    assert isinstance(d, pywintypes.HANDLEType) and int(d) != int(h)
    win32file.WriteFile(h, b"abc")
    # One file pointer: the duplicate continues where the original stopped.
    assert win32file.SetFilePointer(d, 0, win32file.FILE_CURRENT) == 3
    h.Close()
    win32file.WriteFile(d, b"def")  # the object lives on with its other handle
    d.Close()
    assert (tmp / "f").read_bytes() == b"abcdef"


def test_duplicate_keeps_share_mode_and_completion_port(tmp):
    h = win32file.CreateFile(str(tmp / "f"), win32con.GENERIC_WRITE, 0, None, win32con.CREATE_ALWAYS,
                             win32con.FILE_FLAG_OVERLAPPED, None)
    port = win32file.CreateIoCompletionPort(h, None, 7, 0)
    d = win32api.DuplicateHandle(ME, h, ME, 0, False, win32con.DUPLICATE_SAME_ACCESS)
    win32api.CloseHandle(h)
    # The duplicate still holds the file object's share access (share mode 0).
    assert winerror_of(win32file.CreateFile, str(tmp / "f"), win32con.GENERIC_READ, win32con.FILE_SHARE_READ,
                       None, win32con.OPEN_EXISTING, 0, None) == 32
    ol = pywintypes.OVERLAPPED()
    try:
        win32file.WriteFile(d, b"data", ol)
    except pywintypes.error as e:
        assert e.winerror == 997
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 10000)
    assert (rc, n, key, got) == (0, 4, 7, ol)
    d.Close()
    # Last handle closed: the share access is released.
    _open(tmp / "f", win32con.GENERIC_READ, win32con.OPEN_EXISTING).Close()
    port.Close()


def test_duplicate_close_source(tmp):
    h = _open(tmp / "f")
    raw = h.Detach()
    d = win32api.DuplicateHandle(ME, raw, ME, 0, False, win32con.DUPLICATE_SAME_ACCESS | win32con.DUPLICATE_CLOSE_SOURCE)
    assert winerror_of(win32api.CloseHandle, raw) == 6
    win32file.WriteFile(d, b"ok")
    d.Close()


def test_duplicate_close_source_even_when_it_fails(tmp):
    h = _open(tmp / "f")
    raw = h.Detach()
    # The target process is not a process handle: 6, and the source is closed anyway.
    assert winerror_of(win32api.DuplicateHandle, ME, raw, 0x1234, 0, False, win32con.DUPLICATE_CLOSE_SOURCE) == 6
    assert winerror_of(win32api.CloseHandle, raw) == 6


def test_duplicate_access_rules(tmp):
    h = _open(tmp / "f", win32con.GENERIC_READ)
    # Narrower or equal access is granted; more than the descriptor holds is refused.
    win32api.DuplicateHandle(ME, h, ME, win32con.GENERIC_READ, False, 0).Close()
    win32api.DuplicateHandle(ME, h, ME, 0, False, 0).Close()
    assert winerror_of(win32api.DuplicateHandle, ME, h, ME, win32con.GENERIC_WRITE, False, 0) == 5
    h.Close()


def test_duplicate_event_signals_through_both(tmp):
    ev = win32event.CreateEvent(None, True, False, None)
    d = win32api.DuplicateHandle(ME, ev, ME, 0, True, win32con.DUPLICATE_SAME_ACCESS)
    win32event.SetEvent(d)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
    ev.Close()
    assert win32event.WaitForSingleObject(d, 0) == win32event.WAIT_OBJECT_0
    d.Close()


def test_duplicate_errors(tmp):
    h = _open(tmp / "f")
    # Other processes: winfile has no handles to them; a non-process value is 6.
    e = pytest.raises(pywintypes.error, win32api.DuplicateHandle, os.getpid(), h, ME, 0, False, 2).value
    assert (e.winerror, e.funcname) == (6, "DuplicateHandle")
    assert winerror_of(win32api.DuplicateHandle, ME, h, int(h), 0, False, 2) == 6
    # A closed or foreign source.
    assert winerror_of(win32api.DuplicateHandle, ME, 0x7FF0, ME, 0, False, 2) == 6
    # The pseudo-handles themselves: no process or thread object to hand out.
    assert winerror_of(win32api.DuplicateHandle, ME, ME, ME, 0, False, 2) == 50
    with pytest.raises(TypeError):
        win32api.DuplicateHandle(ME, h, ME, 0, False)
    with pytest.raises(OverflowError):
        win32api.DuplicateHandle(ME, h, ME, 2**40, False, 2)
    h.Close()
