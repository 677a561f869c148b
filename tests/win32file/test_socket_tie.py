"""A socket number that the caller closed and reused names the new socket, never the one
winfile adopted for it before: WSASend/WSARecv/CreateIoCompletionPort act on the new
socket, the old adoption's pending receive completes with 995 (through the old port
association only) and its peer sees the close. Loopback only; both engine backends
(`make test` reruns it with WINFILE_ENGINE=pool)."""
import os
import socket

import pytest
import pywintypes
import win32event
import win32file
import winerror

def connected(lst, family):
    """A client socket connected to `lst`, and the accepted server end."""
    c = socket.socket(family, socket.SOCK_STREAM)
    c.connect(lst.getsockname()[:2])
    s, _ = lst.accept()
    return c, s


def socket_at(number, family):
    """A new, unconnected socket whose descriptor is `number` (free right now)."""
    s = socket.socket(family, socket.SOCK_STREAM)
    if s.fileno() != number:  # another thread took the lowest number: move it there
        os.dup2(s.fileno(), number)
        s.close()
        s = socket.socket(family, socket.SOCK_STREAM, fileno=number)
    return s


def event_overlapped():
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    return ol


@pytest.mark.parametrize("as_int", [False, True], ids=["socket", "fileno"])
def test_a_reused_number_reaches_only_the_new_socket(host, as_int):
    addr, family = host
    lst = socket.socket(family, socket.SOCK_STREAM)
    lst.bind((addr, 0))
    lst.listen(8)
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    old_peer, old = connected(lst, family)
    number = old.fileno()
    arg = (lambda s: s.fileno()) if as_int else (lambda s: s)
    assert win32file.CreateIoCompletionPort(arg(old), port, 1, 0) is port
    old_ol = pywintypes.OVERLAPPED()
    old_buf = win32file.AllocateReadBuffer(16)
    assert win32file.WSARecv(arg(old), old_buf, old_ol, 0) == (winerror.ERROR_IO_PENDING, 0)

    old.close()  # the caller closes the number; winfile's duplicate still holds the socket
    new = socket_at(number, family)
    new.connect(lst.getsockname()[:2])
    new_peer, _ = lst.accept()
    try:
        assert new.fileno() == number
        # WSASend on the number sends on the new socket.
        send_ol = event_overlapped()
        win32file.WSASend(arg(new), b"fresh", send_ol, 0)
        assert win32file.GetOverlappedResult(arg(new), send_ol, True) == 5
        new_peer.settimeout(30)
        assert new_peer.recv(16) == b"fresh"
        # The old adoption ended with that use: its receive completed with 995 through
        # the old association (key 1), and its peer sees the close.
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 30000)
        assert (rc, n, key) == (winerror.ERROR_OPERATION_ABORTED, 0, 1) and got is old_ol
        old_peer.settimeout(30)
        assert old_peer.recv(16) == b""
        # The new socket is not associated with the old socket's port: associating it
        # gives its own key, and WSARecv receives the new socket's data.
        assert win32file.CreateIoCompletionPort(arg(new), port, 2, 0) is port
        ol = pywintypes.OVERLAPPED()
        buf = win32file.AllocateReadBuffer(16)
        assert win32file.WSARecv(arg(new), buf, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
        new_peer.sendall(b"to new")
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 30000)
        assert (rc, n, key) == (0, 6, 2) and got is ol and bytes(buf[:6]) == b"to new"
        # Nothing else came through the port (the send above had no association).
        win32file.PostQueuedCompletionStatus(port, 0, 99, None)
        assert win32file.GetQueuedCompletionStatus(port, 30000)[2] == 99
        assert bytes(old_buf[:1]) == b"\0"
    finally:
        for s in (new, new_peer, old_peer, lst):
            s.close()
        port.Close()


def test_a_number_reused_for_a_file_is_not_a_socket(host, tmp_path):
    addr, family = host
    lst = socket.socket(family, socket.SOCK_STREAM)
    lst.bind((addr, 0))
    lst.listen(1)
    peer, s = connected(lst, family)
    number = s.fileno()
    assert win32file.WSASend(s, b"x", None) == (0, 1)  # adopted
    s.close()
    fd = os.open(tmp_path / "f", os.O_CREAT | os.O_RDWR)
    try:
        if fd != number:
            os.dup2(fd, number)
        with pytest.raises(pywintypes.error) as e:
            win32file.WSASend(number, b"y", None)
        assert e.value.winerror == winerror.WSAENOTSOCK
        assert os.path.getsize(tmp_path / "f") == 0
        peer.settimeout(30)
        assert peer.recv(4) == b"x" and peer.recv(4) == b""  # the old adoption let go
    finally:
        os.close(fd)
        if fd != number:
            os.close(number)
        peer.close()
        lst.close()


def test_a_crt_handle_of_a_socket_follows_its_number(host):
    """_get_osfhandle of a socket descriptor is tied the same way (by socket cookie): once
    the number names another socket, the old handle fails with ERROR_INVALID_HANDLE and
    touches neither socket, and _get_osfhandle gives a handle for the new one."""
    addr, family = host
    lst = socket.socket(family, socket.SOCK_STREAM)
    lst.bind((addr, 0))
    lst.listen(8)
    old_peer, old = connected(lst, family)
    number = old.fileno()
    h = win32file._get_osfhandle(number)
    assert win32file.WriteFile(h, b"old") == (0, 3)
    old_peer.settimeout(30)
    assert old_peer.recv(8) == b"old"
    old.close()
    new = socket_at(number, family)
    new.connect(lst.getsockname()[:2])
    new_peer, _ = lst.accept()
    try:
        with pytest.raises(pywintypes.error) as e:
            win32file.WriteFile(h, b"stale")
        assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
        assert old_peer.recv(8) == b""  # the handle let go of the old socket
        h2 = win32file._get_osfhandle(number)
        assert h2 != h
        assert win32file.WriteFile(h2, b"new") == (0, 3)
        new_peer.settimeout(30)
        assert new_peer.recv(8) == b"new"
    finally:
        for s in (new, new_peer, old_peer, lst):
            s.close()
