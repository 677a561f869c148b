"""A completion packet carries its OVERLAPPED as a strong reference (the token): the
object GetQueuedCompletionStatus returns is the one the operation (or
PostQueuedCompletionStatus) was given, it stays alive while its packet is queued, and
every packet that is never dequeued gives its reference back — dropped with a closed
port, posted to a handle that is no port, or completed with no port at all, on the
caller's thread or the socket reactor's. A reference dropped without the GIL is given
back by the next winfile call that holds it (here `settle`)."""
import gc
import socket
import sys
import threading

import pytest
import pywintypes
import win32event
import win32file
import winerror


@pytest.fixture
def port():
    p = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    yield p
    p.Close()


def settle():
    """A winfile call that gives back the references dropped without the GIL."""
    scratch = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    try:
        assert win32file.GetQueuedCompletionStatus(scratch, 0)[0] == winerror.WAIT_TIMEOUT
    finally:
        scratch.Close()


def refs(obj):
    gc.collect()
    return sys.getrefcount(obj)


def settled_refs(obj, want, tries=2000):
    """`refs(obj)` as the caller would see it, once it is `want`, else (after `tries`
    settles, each letting other threads run) as it is then: a completion thread drops
    its token a moment after it publishes the result the caller waited for."""
    for _ in range(tries):
        settle()
        n = refs(obj) - 1  # this frame's own reference
        if n == want:
            return n
        threading.Event().wait(0.001)
    return refs(obj) - 1


def test_a_posted_overlapped_comes_back_itself_and_its_packet_holds_one_reference(port):
    ol = pywintypes.OVERLAPPED()
    base = refs(ol)
    win32file.PostQueuedCompletionStatus(port, 5, 7, ol)
    assert refs(ol) == base + 1, "the queued packet holds the object"
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 0)
    assert (rc, n, key) == (0, 5, 7)
    assert got is ol
    del got
    assert refs(ol) == base


def test_a_packet_without_overlapped_gives_none(port):
    win32file.PostQueuedCompletionStatus(port, 1, 2, None)
    win32file.PostQueuedCompletionStatus(port)
    assert win32file.GetQueuedCompletionStatus(port, 0) == (0, 1, 2, None)
    assert win32file.GetQueuedCompletionStatus(port, 0) == (0, 0, 0, None)


def test_packets_dropped_with_a_closed_port_give_their_references_back():
    p = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    ol = pywintypes.OVERLAPPED()
    base = refs(ol)
    for i in range(3):
        win32file.PostQueuedCompletionStatus(p, i, i, ol)
    assert refs(ol) == base + 3
    p.Close()
    settle()
    assert refs(ol) == base


def test_a_post_to_a_handle_that_is_no_port_gives_its_reference_back(port):
    ol = pywintypes.OVERLAPPED()
    event = win32event.CreateEvent(None, True, False, None)
    base = refs(ol)
    for target in (event, port):
        if target is port:
            port.Close()
        with pytest.raises(pywintypes.error) as e:
            win32file.PostQueuedCompletionStatus(target, 1, 1, ol)
        assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
    settle()
    assert refs(ol) == base


def connected_pair():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    return a, b


def test_an_operation_completed_at_once_with_no_port_gives_its_reference_back():
    a, b = connected_pair()
    with a, b:
        ol = pywintypes.OVERLAPPED()
        buf = win32file.AllocateReadBuffer(16)
        base = refs(ol)
        a.send(b"ready")
        rc, _ = win32file.WSARecv(b, buf, ol, 0)
        assert rc in (0, winerror.ERROR_IO_PENDING)
        assert win32file.GetOverlappedResult(b.fileno(), ol, True) == 5
        assert settled_refs(ol, base) == base


def test_an_operation_the_reactor_completes_with_no_port_gives_its_reference_back():
    """The completion runs on the socket reactor's thread (no GIL there): the token's
    reference is given back by a later call holding the GIL, never by that thread."""
    a, b = connected_pair()
    with a, b:
        ol = pywintypes.OVERLAPPED()
        buf = win32file.AllocateReadBuffer(16)
        base = refs(ol)
        assert win32file.WSARecv(b, buf, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
        assert refs(ol) == base + 1, "the pending operation holds the object"
        a.send(b"late")
        assert win32file.GetOverlappedResult(b.fileno(), ol, True) == 4
        assert bytes(buf[:4]) == b"late"
        assert settled_refs(ol, base) == base


def test_an_operation_whose_event_keeps_it_from_the_port_gives_its_reference_back(port):
    a, b = connected_pair()
    with a, b:
        win32file.CreateIoCompletionPort(b.fileno(), port, 9, 0)
        ol = pywintypes.OVERLAPPED()
        event = win32event.CreateEvent(None, True, False, None)
        ol.hEvent = int(event) | 1  # the low bit: no packet
        buf = win32file.AllocateReadBuffer(16)
        base = refs(ol)
        assert win32file.WSARecv(b, buf, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
        a.send(b"x")
        assert win32event.WaitForSingleObject(event, 30000) == win32event.WAIT_OBJECT_0
        assert win32file.GetQueuedCompletionStatus(port, 0)[0] == winerror.WAIT_TIMEOUT
        assert settled_refs(ol, base) == base


def test_a_pending_operation_on_a_closed_port_gives_its_reference_back():
    p = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    a, b = connected_pair()
    with a, b:
        win32file.CreateIoCompletionPort(b.fileno(), p, 3, 0)
        ol = pywintypes.OVERLAPPED()
        buf = win32file.AllocateReadBuffer(16)
        base = refs(ol)
        assert win32file.WSARecv(b, buf, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
        p.Close()
        a.send(b"gone")
        assert win32file.GetOverlappedResult(b.fileno(), ol, True) == 4
        assert settled_refs(ol, base) == base


def test_socket_completions_come_back_with_their_own_overlapped(port):
    a, b = connected_pair()
    with a, b:
        win32file.CreateIoCompletionPort(a.fileno(), port, 1, 0)
        win32file.CreateIoCompletionPort(b.fileno(), port, 2, 0)
        ol_send, ol_recv = pywintypes.OVERLAPPED(), pywintypes.OVERLAPPED()
        base = refs(ol_send), refs(ol_recv)
        buf = win32file.AllocateReadBuffer(64)
        for _ in range(50):
            assert win32file.WSARecv(b, buf, ol_recv, 0)[0] in (0, winerror.ERROR_IO_PENDING)
            assert win32file.WSASend(a, b"ping", ol_send, 0)[0] in (0, winerror.ERROR_IO_PENDING)
            got = {}
            for _ in range(2):
                rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, 30000)
                assert rc == 0
                got[key] = (n, ol)
            assert got[1][1] is ol_send and got[2][1] is ol_recv
            assert got[1][0] == got[2][0] == 4
            del got, ol
        assert (refs(ol_send), refs(ol_recv)) == base


def test_a_closed_port_handle_is_invalid_even_when_a_duplicate_keeps_the_port():
    """GetQueuedCompletionStatus keeps the port a thread used last (no look-up while no
    handle was closed since): a closed value must still fail, although its port lives
    on behind a duplicate, which keeps working."""
    import win32api
    import win32con

    me = win32api.GetCurrentProcess()
    p = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    dup = win32api.DuplicateHandle(me, p, me, 0, False, win32con.DUPLICATE_SAME_ACCESS)
    try:
        win32file.PostQueuedCompletionStatus(dup, 1, 5, None)
        assert win32file.GetQueuedCompletionStatus(p, 0) == (0, 1, 5, None)
        assert win32file.GetQueuedCompletionStatus(p, 0)[0] == winerror.WAIT_TIMEOUT
        v, d = pywintypes.HANDLE(int(p)), pywintypes.HANDLE(int(dup))  # the values, kept
        win32api.CloseHandle(p)  # (which also makes `p` 0)
        for timeout in (0, 50, -1):
            # (pywin32 returns GetQueuedCompletionStatus's error as the rc.)
            assert win32file.GetQueuedCompletionStatus(v, timeout) == (winerror.ERROR_INVALID_HANDLE, 0, 0, None)
        win32file.PostQueuedCompletionStatus(dup, 2, 6, None)
        assert win32file.GetQueuedCompletionStatus(dup, 0) == (0, 2, 6, None)
    finally:
        win32api.CloseHandle(dup)
    assert win32file.GetQueuedCompletionStatus(d, 0) == (winerror.ERROR_INVALID_HANDLE, 0, 0, None)


def test_ports_used_in_turn_by_one_thread_each_get_their_own_packets():
    ports = [win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0) for _ in range(3)]
    try:
        for round in range(3):
            for i, p in enumerate(ports):
                win32file.PostQueuedCompletionStatus(p, round, i, None)
            for i, p in enumerate(ports):
                assert win32file.GetQueuedCompletionStatus(p, 0) == (0, round, i, None)
                assert win32file.GetQueuedCompletionStatus(p, 0)[0] == winerror.WAIT_TIMEOUT
    finally:
        for p in ports:
            p.Close()


@pytest.mark.parametrize("count", [0, 1, 255, 256, 257, 70000, 2**31 - 1, -1, -(2**31)])
@pytest.mark.parametrize("key", [0, 256, 257, 2**40, 2**64 - 1])
def test_counts_and_keys_come_back_as_pywin32_gives_them(port, count, key):
    """The result's ints (small ones lent by the interpreter, others made): the count as
    pywin32's signed 32-bit conversion gives it, the key unsigned."""
    ol = pywintypes.OVERLAPPED()
    win32file.PostQueuedCompletionStatus(port, count, key, ol)
    rc, n, k, got = win32file.GetQueuedCompletionStatus(port, 0)
    assert (rc, n, k) == (0, count, key) and got is ol
    assert type(rc) is int and type(n) is int and type(k) is int
