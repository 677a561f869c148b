"""WSASend/WSARecv that complete during the call (issue 10): their first step runs before
the operation is begun, and one that ends there completes without ever being in flight.
What must stay as for a queued operation: the checks come before any data moves, the
completion is published in the same order (OVERLAPPED, event, port packet; none with
hEvent's low bit), and nothing runs ahead of operations already waiting on the socket."""
import os
import socket
import threading

import pytest
import pywintypes
import win32event
import win32file
import winerror


from helpers import tcp_pair as pair
from helpers import tcp_pair_on_port


def closed_event_value():
    ev = win32event.CreateEvent(None, True, False, None)
    value = int(ev)
    ev.Close()
    return value


def test_a_bad_event_fails_the_call_before_any_data_moves():
    a, b = pair()
    a.setblocking(False)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = closed_event_value()
    with pytest.raises(pywintypes.error) as e:
        win32file.WSASend(b, b"never sent", ol, 0)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
    with pytest.raises(BlockingIOError):
        a.recv(100)
    # A receive with data waiting: refused, and the data is still there.
    b.sendall(b"still queued")
    buf = win32file.AllocateReadBuffer(64)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = closed_event_value()
    a.setblocking(True)
    with pytest.raises(pywintypes.error) as e:
        win32file.WSARecv(a, buf, ol, 0)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
    assert a.recv(100) == b"still queued"
    a.close()
    b.close()


@pytest.mark.parametrize("direction", ["send", "recv"])
def test_an_operation_done_in_the_call_is_published_as_a_queued_one(direction):
    port, a, b = tcp_pair_on_port(7)
    buf = win32file.AllocateReadBuffer(64)

    def start(ol):
        if direction == "send":
            return win32file.WSASend(b, b"twelve bytes", ol, 0)
        a.sendall(b"twelve bytes")
        # The data is in b's receive queue before the call (one loopback hop).
        while not b.recv(64, socket.MSG_PEEK | socket.MSG_DONTWAIT):
            pass
        return win32file.WSARecv(b, buf, ol, 0)

    def drain():
        if direction == "send":
            assert a.recv(64) == b"twelve bytes"
        else:
            assert bytes(buf[:12]) == b"twelve bytes"

    ev = win32event.CreateEvent(None, True, False, None)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = ev
    # Done in the call: Windows returns 0 and the count (pywin32: (0, n)), and the
    # result, event and packet are all there when it returns, as for a queued one.
    assert start(ol) == (0, 12)
    assert (ol.Internal, ol.InternalHigh) == (0, 12)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 0)
    assert (rc, n, key) == (0, 12, 7) and got is ol
    assert win32file.GetOverlappedResult(b, ol, False) == 12
    drain()
    # hEvent's low bit: the event is set, no packet goes to the port.
    win32event.ResetEvent(ev)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = int(ev) | 1
    assert start(ol) == (0, 12)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
    assert win32file.GetQueuedCompletionStatus(port, 0)[0] == winerror.WAIT_TIMEOUT
    drain()
    a.close()
    b.close()
    port.Close()


def reset_pair(port):
    """A loopback pair whose accepted end `b` (associated with `port`, key 1) was reset
    by its peer (a close with SO_LINGER 0: RST)."""
    a, b = pair()
    win32file.CreateIoCompletionPort(b, port, 1, 0)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    a.close()  # RST
    return b


@pytest.mark.parametrize("direction", ["send", "recv"])
def test_an_error_met_in_the_call_fails_the_call_and_publishes_nothing(direction):
    # Windows: a WSASend/WSARecv that fails with anything but WSA_IO_PENDING started no
    # operation, and "no completion indication will occur": pywin32 raises
    # pywintypes.error (the WSA code, the function's name); the OVERLAPPED keeps its
    # last result, its event is not set, and no packet reaches the port.
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    b = reset_pair(port)
    ev = win32event.CreateEvent(None, True, False, None)
    buf = win32file.AllocateReadBuffer(16)
    while True:
        ol = pywintypes.OVERLAPPED()
        ol.hEvent = ev
        try:
            if direction == "send":
                r = win32file.WSASend(b, b"x", ol, 0)
            else:
                r = win32file.WSARecv(b, buf, ol, 0)
        except pywintypes.error as e:
            err = e
            break
        # (A send may still be taken before the RST arrives; a receive after the
        # reset was reported reads the end of the stream: 0 bytes. Both completed.)
        assert r in ((0, 1), (0, 0)), r
        assert win32file.GetQueuedCompletionStatus(port, 10000)[:3] == (0, r[1], 1)
        win32event.ResetEvent(ev)
    assert err.winerror in (winerror.WSAECONNRESET, winerror.WSAECONNABORTED, winerror.WSAESHUTDOWN)
    assert err.funcname == ("WSASend" if direction == "send" else "WSARecv")
    assert (ol.Internal, ol.InternalHigh) == (0, 0)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_TIMEOUT
    assert win32file.GetQueuedCompletionStatus(port, 0)[0] == winerror.WAIT_TIMEOUT
    b.close()
    port.Close()


def test_an_error_met_after_the_call_completes_the_operation():
    # A receive that waits, then meets the reset: that operation was started (997), so
    # its error comes through the OVERLAPPED and the port, as a status (64), not raised.
    port, a, b = tcp_pair_on_port(1)
    ol = pywintypes.OVERLAPPED()
    assert win32file.WSARecv(b, win32file.AllocateReadBuffer(16), ol, 0) == (winerror.ERROR_IO_PENDING, 0)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    a.close()  # RST
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 10000)
    assert got is ol and key == 1 and n == 0
    assert rc == winerror.ERROR_NETNAME_DELETED
    b.close()
    port.Close()


def test_sends_stay_in_order_behind_a_send_that_waits():
    # A send too large for the socket's buffer waits; the sends posted after it, while
    # the peer drains the stream, must not run ahead of it (the first step of a new send
    # runs on the caller's thread only when nothing waits in its direction).
    for round_ in range(10):
        a, b = pair()
        b.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        chunks = [os.urandom(1 << 21)] + [bytes([i]) * 1000 for i in range(1, 30)]
        total = sum(map(len, chunks))
        got = bytearray()

        def reader():
            while len(got) < total:
                data = a.recv(1 << 16)
                if not data:
                    break
                got.extend(data)

        ols = [pywintypes.OVERLAPPED() for _ in chunks]
        win32file.WSASend(b, chunks[0], ols[0], 0)
        t = threading.Thread(target=reader)
        t.start()
        for chunk, ol in zip(chunks[1:], ols[1:]):
            win32file.WSASend(b, chunk, ol, 0)
        t.join(30)
        for chunk, ol in zip(chunks, ols):
            assert win32file.GetOverlappedResult(b, ol, True) == len(chunk)
        assert bytes(got) == b"".join(chunks), f"round {round_}: the stream is out of order"
        a.close()
        b.close()


def test_a_receive_that_waits_keeps_its_buffer_lent_until_it_completes():
    # The first step runs on the buffer in place; a receive that must wait is lent the
    # buffer (exported) until it completes, whatever Python does with its references.
    a, b = pair()
    target = bytearray(64)
    ol = pywintypes.OVERLAPPED()
    assert win32file.WSARecv(b, target, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
    with pytest.raises(BufferError):
        target.extend(b"resized while lent")
    view = memoryview(target)
    del target  # the operation's export keeps the memory alive
    a.sendall(b"arrived later")
    assert win32file.GetOverlappedResult(b, ol, True) == 13
    assert bytes(view[:13]) == b"arrived later"
    view.release()
    a.close()
    b.close()


def test_a_send_that_waits_sends_its_whole_buffer_in_order():
    # A send larger than the socket takes at once: part goes in its first step (in
    # place), the rest from the lent buffer once the peer reads; the buffer stays pinned
    # meanwhile and the peer gets every byte, in order.
    a, b = pair()
    b.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    data = bytearray(os.urandom(4 << 20))
    expected = bytes(data)
    ol = pywintypes.OVERLAPPED()
    assert win32file.WSASend(b, data, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
    assert ol.Internal == 0x103  # still pending: the socket took only part of it
    with pytest.raises(BufferError):
        data.extend(b"x")
    del data
    got = bytearray()
    while len(got) < len(expected):
        got.extend(a.recv(1 << 20))
    assert win32file.GetOverlappedResult(b, ol, True) == len(expected)
    assert bytes(got) == expected
    a.close()
    b.close()


class IntSubclass(int):
    pass


class SocketSubclass(socket.socket):
    pass


@pytest.mark.parametrize("shape", ["socket", "fileno", "int subclass", "socket subclass"])
def test_a_transfer_done_in_the_call_returns_zero_and_its_count(shape):
    # Windows' WSASend/WSARecv return 0 and fill in the count when the transfer completed
    # during the call (pywin32: (0, n)); only one left pending returns WSA_IO_PENDING
    # (997, 0). Either way the completion is published (OVERLAPPED, event, packet).
    # Through the fast entry (a socket.socket, an int) and the binding's (subclasses).
    # AF_UNIX: a send's bytes are in the peer's queue when send(2) returns.
    if shape == "socket subclass":
        a0, b0 = socket.socketpair()
        a = SocketSubclass(a0.family, a0.type, fileno=a0.detach())
        b = SocketSubclass(b0.family, b0.type, fileno=b0.detach())
    else:
        a, b = socket.socketpair()
    arg = {"fileno": lambda s: s.fileno(), "int subclass": lambda s: IntSubclass(s.fileno())}.get(shape, lambda s: s)
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    win32file.CreateIoCompletionPort(arg(a), port, 1, 0)
    win32file.CreateIoCompletionPort(arg(b), port, 2, 0)
    data = os.urandom(3000)
    ev = win32event.CreateEvent(None, True, False, None)
    sent = pywintypes.OVERLAPPED()
    sent.hEvent = ev
    assert win32file.WSASend(arg(a), data, sent, 0) == (0, 3000)
    assert (sent.Internal, sent.InternalHigh) == (0, 3000)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
    assert win32file.GetQueuedCompletionStatus(port, 0) == (0, 3000, 1, sent)
    buf = win32file.AllocateReadBuffer(4096)
    got = pywintypes.OVERLAPPED()
    assert win32file.WSARecv(arg(b), buf, got, 0) == (0, 3000)
    assert bytes(buf[:3000]) == data
    assert (got.Internal, got.InternalHigh) == (0, 3000)
    assert win32file.GetQueuedCompletionStatus(port, 0) == (0, 3000, 2, got)
    assert win32file.GetOverlappedResult(arg(b), got, False) == 3000
    # Nothing to receive: it waits (997, 0), pending, and completes later.
    waits = pywintypes.OVERLAPPED()
    assert win32file.WSARecv(arg(b), buf, waits, 0) == (winerror.ERROR_IO_PENDING, 0)
    assert waits.Internal == 0x103
    assert win32file.GetQueuedCompletionStatus(port, 0)[0] == winerror.WAIT_TIMEOUT
    a.sendall(b"late")
    assert win32file.GetQueuedCompletionStatus(port, 10000) == (0, 4, 2, waits)
    assert bytes(buf[:4]) == b"late"
    a.close()
    b.close()
    port.Close()
