"""WSAEventSelect / WSAEnumNetworkEvents: pywin32's TestWSAEnumNetworkEvents cases
re-expressed for Linux (the socket module's own errors are Linux errnos there:
connect_ex gives EINPROGRESS and send raises EAGAIN where Windows' give 10035; and
"NUL" is os.devnull), plus the re-enable rules. Both engine backends."""
import errno
import os
import socket

import pytest
import pywintypes
import win32event
import win32file
import winerror



def connected_pair():
    """A listener on 127.0.0.1 and both ends of one connection to it: (lst, client, server)."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(4)
    a = socket.create_connection(lst.getsockname())
    b, _ = lst.accept()
    return lst, a, b

def test_basics():
    s = socket.socket()
    e = win32event.CreateEvent(None, 1, 0, None)
    win32file.WSAEventSelect(s, e, 0)
    assert win32file.WSAEnumNetworkEvents(s) == {}
    assert win32file.WSAEnumNetworkEvents(s, e) == {}
    with pytest.raises(TypeError):
        win32file.WSAEnumNetworkEvents(s, e, 3)
    with pytest.raises(TypeError):
        win32file.WSAEnumNetworkEvents(s, "spam")
    with pytest.raises(TypeError):
        win32file.WSAEnumNetworkEvents("spam", e)
    with pytest.raises(TypeError):
        win32file.WSAEnumNetworkEvents("spam")
    with open(os.devnull) as f:
        h = win32file._get_osfhandle(f.fileno())
        for args in ((h,), (s, h)):
            with pytest.raises(pywintypes.error) as err:
                win32file.WSAEnumNetworkEvents(*args)
            assert err.value.winerror == winerror.WSAENOTSOCK
    s.close()


def test_functional():
    port = socket.socket()
    port.setblocking(0)
    port_event = win32event.CreateEvent(None, 0, 0, None)
    win32file.WSAEventSelect(port, port_event, win32file.FD_ACCEPT | win32file.FD_CLOSE)
    port.bind(("127.0.0.1", 0))
    port.listen(10)

    client = socket.socket()
    client.setblocking(0)
    client_event = win32event.CreateEvent(None, 0, 0, None)
    win32file.WSAEventSelect(client, client_event,
                             win32file.FD_CONNECT | win32file.FD_READ | win32file.FD_WRITE | win32file.FD_CLOSE)
    assert client.connect_ex(port.getsockname()) == errno.EINPROGRESS

    assert win32event.WaitForSingleObject(port_event, 1000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(port, port_event) == {win32file.FD_ACCEPT: 0}

    server, addr = port.accept()
    server.setblocking(0)
    server_event = win32event.CreateEvent(None, 1, 0, None)
    win32file.WSAEventSelect(server, server_event, win32file.FD_READ | win32file.FD_WRITE | win32file.FD_CLOSE)
    assert win32event.WaitForSingleObject(server_event, 1000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(server, server_event) == {win32file.FD_WRITE: 0}

    assert win32event.WaitForSingleObject(client_event, 1000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(client, client_event) == {win32file.FD_CONNECT: 0, win32file.FD_WRITE: 0}
    sent = 0
    data = b"x" * 16 * 1024
    while sent < 16 * 1024 * 1024:
        try:
            sent += client.send(data)
        except BlockingIOError:
            break
    else:
        pytest.fail("could not find socket buffer limit")

    assert win32file.WSAEnumNetworkEvents(client) == {}

    assert win32event.WaitForSingleObject(server_event, 1000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(server, server_event) == {win32file.FD_READ: 0}

    received = 0
    while received < sent:
        try:
            received += len(server.recv(16 * 1024))
        except BlockingIOError:
            continue
    assert received == sent
    assert win32file.WSAEnumNetworkEvents(server) == {}

    assert win32event.WaitForSingleObject(client_event, 1000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(client, client_event) == {win32file.FD_WRITE: 0}

    client.shutdown(socket.SHUT_WR)
    assert win32event.WaitForSingleObject(server_event, 1000) == win32event.WAIT_OBJECT_0
    for _ in range(50):
        events = win32file.WSAEnumNetworkEvents(server, server_event)
        if events:
            break
        win32event.WaitForSingleObject(server_event, 100)
    assert events == {win32file.FD_CLOSE: 0}
    assert win32file.WSAEnumNetworkEvents(client) == {}
    for s in (server, client, port):
        s.close()


def test_event_select_makes_the_socket_non_blocking_and_mask_zero_cancels():
    lst, a, b = connected_pair()
    ev = win32event.CreateEvent(None, 1, 0, None)
    win32file.WSAEventSelect(b, ev, win32file.FD_READ)
    with pytest.raises(BlockingIOError):
        b.recv(10)  # non-blocking now, as Windows makes it
    a.sendall(b"1")
    assert win32event.WaitForSingleObject(ev, 5000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(b, ev) == {win32file.FD_READ: 0}
    assert b.recv(10) == b"1"
    # FD_READ is recorded again for new data once reported.
    a.sendall(b"2")
    assert win32event.WaitForSingleObject(ev, 5000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(b, ev) == {win32file.FD_READ: 0}
    assert b.recv(10) == b"2"
    win32file.WSAEventSelect(b, ev, 0)
    a.sendall(b"3")
    assert win32event.WaitForSingleObject(ev, 200) == win32event.WAIT_TIMEOUT
    assert win32file.WSAEnumNetworkEvents(b) == {}
    for s in (a, b, lst):
        s.close()


def test_fd_close_on_reset_and_fd_connect_refused():
    lst, a, b = connected_pair()
    ev = win32event.CreateEvent(None, 1, 0, None)
    win32file.WSAEventSelect(b, ev, win32file.FD_CLOSE)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    a.close()
    assert win32event.WaitForSingleObject(ev, 5000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(b, ev) == {win32file.FD_CLOSE: winerror.WSAECONNRESET}
    b.close()
    port = lst.getsockname()
    lst.close()
    c = socket.socket()
    cev = win32event.CreateEvent(None, 1, 0, None)
    win32file.WSAEventSelect(c, cev, win32file.FD_CONNECT)
    c.connect_ex(port)
    assert win32event.WaitForSingleObject(cev, 5000) == win32event.WAIT_OBJECT_0
    assert win32file.WSAEnumNetworkEvents(c, cev) == {win32file.FD_CONNECT: winerror.WSAECONNREFUSED}
    c.close()


def test_wsa_async_select_is_an_honest_error():
    with socket.socket() as s:
        with pytest.raises(pywintypes.error) as e:
            win32file.WSAAsyncSelect(s, 0, 0x400, win32file.FD_READ)
        assert e.value.winerror == winerror.ERROR_NOT_SUPPORTED
