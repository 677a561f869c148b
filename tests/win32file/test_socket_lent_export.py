"""The buffer a WSARecv/WSASend uses in the call is exported once (issue 10): an operation
that waits is lent that same export, one that ends in the call releases it before the
call returns. What must hold either way: the target cannot be resized or released while
the operation may still write it, and can be as soon as the operation is over."""
import socket

import pytest
import pywintypes
import win32file
import winerror

from helpers import tcp_pair as pair
from helpers import tcp_pair_on_port


def resizable(buf):
    try:
        buf.extend(b"x")
    except BufferError:
        return False
    del buf[-1]
    return True


def test_a_waiting_receive_keeps_its_target_exported_until_it_completes():
    port, a, b = tcp_pair_on_port(3)
    buf = bytearray(64)
    ol = pywintypes.OVERLAPPED()
    # Nothing to read: the receive waits, its target lent.
    assert win32file.WSARecv(b, buf, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
    assert not resizable(buf), "a pending receive's target is pinned"
    a.sendall(b"lent once")
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 5000)
    assert (rc, n, key) == (0, 9, 3) and got is ol
    assert bytes(buf[:9]) == b"lent once"
    # The export goes with the next call that holds the GIL (reading the OVERLAPPED).
    assert ol.InternalHigh == 9
    assert resizable(buf), "a completed receive's target is released"
    a.close()
    b.close()
    port.Close()


def test_a_receive_done_in_the_call_releases_its_target_at_once():
    port, a, b = tcp_pair_on_port(4)
    a.sendall(b"at once")
    while not b.recv(64, socket.MSG_PEEK | socket.MSG_DONTWAIT):
        pass
    buf = bytearray(64)
    view = memoryview(buf)[8:40]
    assert win32file.WSARecv(b, view, pywintypes.OVERLAPPED(), 0) == (0, 7)
    assert bytes(buf[8:15]) == b"at once"
    # No export outlives the call: the view can be released, the array resized.
    view.release()
    assert resizable(buf)
    assert win32file.GetQueuedCompletionStatus(port, 0)[:3] == (0, 7, 4)
    a.close()
    b.close()
    port.Close()


def test_a_read_only_target_is_still_refused_and_left_unexported():
    a, b = pair()
    data = bytearray(16)
    ro = memoryview(data).toreadonly()
    with pytest.raises(TypeError):
        win32file.WSARecv(b, ro, pywintypes.OVERLAPPED(), 0)
    ro.release()
    assert resizable(data)
    a.close()
    b.close()


def test_a_failed_call_releases_its_target():
    a, b = pair()
    buf = bytearray(16)
    ol = pywintypes.OVERLAPPED()
    ev = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    bad = int(ev)
    ev.Close()
    ol.hEvent = bad
    with pytest.raises(pywintypes.error) as e:
        win32file.WSARecv(b, buf, ol, 0)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
    assert resizable(buf)
    a.close()
    b.close()
