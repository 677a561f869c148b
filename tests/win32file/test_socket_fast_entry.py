"""WSARecv, WSASend, GetQueuedCompletionStatus and PostQueuedCompletionStatus have a fast
entry for their common shapes (a socket.socket or an int, a PyOVERLAPPED, a PyHANDLE,
ints that fit); every other shape goes to the full binding. Both must give the same
results and the same errors, whichever entry takes the call."""
import inspect
import socket

import pytest
import pywintypes
import win32file
import winerror

PENDING = (winerror.ERROR_IO_PENDING, 0)


class Int(int):
    pass


class Sock(socket.socket):
    pass


@pytest.fixture
def port():
    p = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    yield p
    p.Close()


def pair(cls=socket.socket):
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    a = socket.create_connection(lst.getsockname())
    fd, _ = lst._accept()
    b = cls(socket.AF_INET, socket.SOCK_STREAM, fileno=fd)
    lst.close()
    return a, b


def packet(port):
    rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, 30000)
    assert rc != winerror.WAIT_TIMEOUT
    return rc, n, key, ol


def test_signatures_and_names_are_the_bindings():
    sig = {
        "WSARecv": "(s, buffer, ol, dwFlags=0, /)",
        "WSASend": "(s, buffer, ol, dwFlags=0, /)",
        "GetQueuedCompletionStatus": "(hPort, timeOut, /)",
        "PostQueuedCompletionStatus": "(handle, numberOfBytes=0, completionKey=None, overlapped=None, /)",
    }
    for name, text in sig.items():
        f = getattr(win32file, name)
        assert f.__name__ == name
        assert str(inspect.signature(f)) == text


@pytest.mark.parametrize("shape", ["socket", "fileno", "int subclass", "socket subclass", "flags", "flags subclass"])
def test_transfer_shapes_agree(port, shape):
    a, b = pair(Sock if shape == "socket subclass" else socket.socket)
    arg = {"fileno": b.fileno(), "int subclass": Int(b.fileno())}.get(shape, b)
    extra = {"flags": (0,), "flags subclass": (Int(0),)}.get(shape, ())
    try:
        assert win32file.CreateIoCompletionPort(arg, port, 5, 0) is port
        ol = pywintypes.OVERLAPPED()
        buf = win32file.AllocateReadBuffer(8)
        assert win32file.WSARecv(arg, buf, ol, *extra) == PENDING
        a.sendall(b"ping")
        assert packet(port) == (0, 4, 5, ol) and bytes(buf[:4]) == b"ping"
        ol2 = pywintypes.OVERLAPPED()
        # Sent in the call (an empty socket takes 4 bytes): (0, n), as Windows.
        assert win32file.WSASend(arg, b"pong", ol2, *extra) == (0, 4)
        assert packet(port) == (0, 4, 5, ol2)
        assert a.recv(8) == b"pong"
        # A bytearray and a memoryview send as bytes do.
        assert win32file.WSASend(arg, bytearray(b"ba"), ol2, *extra) == (0, 2)
        assert packet(port)[:2] == (0, 2)
        assert win32file.WSASend(arg, memoryview(b"xmv")[1:], ol2, *extra) == (0, 2)
        assert packet(port)[:2] == (0, 2)
        got = b""
        while len(got) < 4:
            got += a.recv(8)
        assert got == b"bamv"
    finally:
        a.close()
        b.close()


def test_without_an_overlapped_the_binding_blocks():
    a, b = pair()
    try:
        assert win32file.WSASend(b, b"sync", None) == (0, 4)
        assert a.recv(8) == b"sync"
        a.sendall(b"back")
        buf = bytearray(8)
        assert win32file.WSARecv(b.fileno(), buf, None, 0) == (0, 4) and buf[:4] == b"back"
    finally:
        a.close()
        b.close()


def test_flags_reach_the_call_through_either_entry(port):
    a, b = pair()
    try:
        win32file.CreateIoCompletionPort(b, port, 1, 0)
        for flags in (socket.MSG_OOB, Int(socket.MSG_OOB)):
            ol = pywintypes.OVERLAPPED()
            assert win32file.WSASend(b, b"!", ol, flags) == (0, 1)
            assert packet(port)[:2] == (0, 1)
            assert a.recv(1, socket.MSG_OOB) == b"!"
        a.sendall(b"peek")
        buf = win32file.AllocateReadBuffer(8)
        ol = pywintypes.OVERLAPPED()
        assert win32file.WSARecv(b, buf, ol, socket.MSG_PEEK) in ((0, 4), PENDING)
        assert packet(port)[:2] == (0, 4)
        assert b.recv(8) == b"peek"  # still queued: MSG_PEEK reached recv
    finally:
        a.close()
        b.close()


def test_argument_errors_come_from_the_binding():
    a, b = pair()
    ol = pywintypes.OVERLAPPED()
    try:
        msg = "The buffer must be a writable buffer object"
        for bad in (" " * 8, b"01234567"):
            with pytest.raises(TypeError, match=msg):
                win32file.WSARecv(b, bad, ol)
            with pytest.raises(TypeError, match=msg):
                win32file.WSARecv(b.fileno(), bad, ol, 0)
        with pytest.raises(TypeError):
            win32file.WSASend(b, "text", ol)
        with pytest.raises(TypeError):
            win32file.WSASend(b, 12, ol)
        with pytest.raises(OverflowError):
            win32file.WSASend(b, b"x", ol, 1 << 40)
        with pytest.raises(TypeError):
            win32file.WSASend(b, b"x", "not an overlapped")
        with pytest.raises(TypeError):
            win32file.WSASend(b, b"x", ol, 0, 0)
        with pytest.raises(TypeError):
            win32file.WSASend(b, b"x")
        with pytest.raises(TypeError):
            win32file.WSASend(b, b"x", ol, dwFlags=0)
        with pytest.raises(TypeError):
            win32file.WSARecv("not a socket", bytearray(4), ol)
        with pytest.raises(TypeError):
            win32file.WSARecv(1.5, bytearray(4), ol)
    finally:
        a.close()
        b.close()


def test_win32_errors_through_either_entry(tmp_path):
    a, b = pair()
    a.close()
    b.close()  # fileno() is -1 now
    f = open(tmp_path / "f", "wb")
    try:
        for s in (b, -1, Int(-1), f.fileno(), 1 << 40):
            for call, buf in ((win32file.WSARecv, bytearray(4)), (win32file.WSASend, b"x")):
                with pytest.raises(pywintypes.error) as e:
                    call(s, buf, pywintypes.OVERLAPPED())
                assert e.value.winerror == winerror.WSAENOTSOCK
                assert e.value.funcname == call.__name__
    finally:
        f.close()
    assert (tmp_path / "f").read_bytes() == b""


def test_queued_completion_shapes_agree(port):
    assert win32file.GetQueuedCompletionStatus(port, 0) == (winerror.WAIT_TIMEOUT, 0, 0, None)
    assert win32file.GetQueuedCompletionStatus(int(port), 0) == (winerror.WAIT_TIMEOUT, 0, 0, None)
    assert win32file.GetQueuedCompletionStatus(port, Int(0)) == (winerror.WAIT_TIMEOUT, 0, 0, None)
    ol = pywintypes.OVERLAPPED()
    shapes = [
        ((port,), (0, 0, 0, None)),
        ((port, 7), (0, 7, 0, None)),
        ((port, 7, 9), (0, 7, 9, None)),
        ((port, 7, None, None), (0, 7, 0, None)),
        ((port, 7, 9, ol), (0, 7, 9, ol)),
        ((port, -1, -1, ol), (0, -1, 2**64 - 1, ol)),
        ((port, Int(3), Int(4), ol), (0, 3, 4, ol)),
        ((port, 0, 2**64 - 1), (0, 0, 2**64 - 1, None)),
        ((int(port), 1, 2, None), (0, 1, 2, None)),
    ]
    for args, want in shapes:
        assert win32file.PostQueuedCompletionStatus(*args) is None
        got = win32file.GetQueuedCompletionStatus(port, -1 if len(args) % 2 else 30000)
        assert got == want
        assert got[3] is want[3]


def test_queued_completion_errors_come_from_the_binding(port):
    with pytest.raises(OverflowError):
        win32file.GetQueuedCompletionStatus(port, 0xFFFFFFFF)
    with pytest.raises(TypeError):
        win32file.GetQueuedCompletionStatus(port)
    with pytest.raises(TypeError):
        win32file.GetQueuedCompletionStatus(port, 0, 0)
    with pytest.raises(TypeError):
        win32file.GetQueuedCompletionStatus(hPort=port, timeOut=0)
    with pytest.raises(TypeError):
        win32file.GetQueuedCompletionStatus("port", 0)
    with pytest.raises(ValueError, match="overlapped must be a PyOVERLAPPED or None"):
        win32file.PostQueuedCompletionStatus(port, 0, 0, "ol")
    with pytest.raises(OverflowError):
        win32file.PostQueuedCompletionStatus(port, 1 << 40, 0, None)
    with pytest.raises(TypeError):
        win32file.PostQueuedCompletionStatus(port, 0, 2**64, None)
    with pytest.raises(TypeError):
        win32file.PostQueuedCompletionStatus(port, 0, 0, None, None)
    assert win32file.GetQueuedCompletionStatus(port, 0)[0] == winerror.WAIT_TIMEOUT  # nothing posted
    dead = pywintypes.HANDLE(0x1234_5678_9ABC)
    assert win32file.GetQueuedCompletionStatus(dead, 0) == win32file.GetQueuedCompletionStatus(int(dead), 0)
    assert win32file.GetQueuedCompletionStatus(dead, 0)[0] == winerror.ERROR_INVALID_HANDLE
    with pytest.raises(pywintypes.error) as e:
        win32file.PostQueuedCompletionStatus(dead, 0, 0, None)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
    assert e.value.funcname == "PostQueuedCompletionStatus"


def test_the_fast_entry_takes_the_number_the_socket_object_holds(port):
    # The fast entry reads an exact socket.socket's descriptor where the object keeps it
    # (what fileno() returns), confirmed once against fileno(), family, type and proto:
    # sockets at other numbers (a dup, an AF_UNIX pair) each reach their own socket, and a
    # closed or detached object (fileno() -1) is no socket.
    a, b = pair()
    u, v = socket.socketpair()
    c = b.dup()
    try:
        for s, peer, key in ((b, a, 1), (c, a, 2), (v, u, 3)):
            win32file.CreateIoCompletionPort(s, port, key, 0)
            ol = pywintypes.OVERLAPPED()
            assert win32file.WSASend(s, b"to %d" % key, ol, 0) == (0, 4)
            assert packet(port) == (0, 4, key, ol)
            assert peer.recv(8) == b"to %d" % key
        for gone in (c, v):
            if gone is c:
                c.close()
            else:
                socket.socket(fileno=v.detach()).close()
            assert gone.fileno() == -1
            with pytest.raises(pywintypes.error) as e:
                win32file.WSASend(gone, b"x", pywintypes.OVERLAPPED(), 0)
            assert e.value.winerror == winerror.WSAENOTSOCK
    finally:
        for s in (a, b, c, u, v):
            s.close()
