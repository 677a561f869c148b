"""The path of an overlapped operation that waits (issue 10, part B): its completion port
association, its cancellation, its control block.

Each shortcut of that path has a test here that fails without its guard. Real sockets
(AF_UNIX pairs), real threads; no timed assertions (the waits below only bound a hang).
Runs under both engine backends (`make test` reruns the file with WINFILE_ENGINE=pool)."""
import gc
import socket
import threading

import pytest
import pywintypes
import win32event
import win32file
import winerror

MSG = b"x" * 64
LONG = 10_000  # ms: only bounds a hang


def new_port():
    return win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)


@pytest.fixture
def pair():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    yield a, b
    a.close()
    b.close()


def test_a_socket_is_associated_once_even_after_its_port_closed(pair):
    a, _ = pair
    first = new_port()
    win32file.CreateIoCompletionPort(a.fileno(), first, 1, 0)
    first.Close()
    second = new_port()
    # As on Windows, the association lasts as long as the file object.
    with pytest.raises(pywintypes.error) as exc:
        win32file.CreateIoCompletionPort(a.fileno(), second, 2, 0)
    assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER
    second.Close()


def test_a_closed_port_drops_the_packet_of_an_operation_that_waited(pair):
    a, b = pair
    port = new_port()
    win32file.CreateIoCompletionPort(b.fileno(), port, 2, 0)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    buf = win32file.AllocateReadBuffer(256)
    rc, _ = win32file.WSARecv(b, buf, ol, 0)
    assert rc == winerror.ERROR_IO_PENDING
    port.Close()
    a.send(MSG)
    # The operation still completes (data, event); its packet goes nowhere.
    assert win32event.WaitForSingleObject(ol.hEvent, LONG) == win32event.WAIT_OBJECT_0
    assert win32file.GetOverlappedResult(b.fileno(), ol, False) == len(MSG)
    assert bytes(buf[: len(MSG)]) == MSG


def test_the_port_associated_while_an_operation_waits_gets_its_packet(pair):
    """The packet goes to the port the handle is associated with when the operation
    completes (Windows looks at the file object's completion context then)."""
    a, b = pair
    port = new_port()
    ol = pywintypes.OVERLAPPED()
    buf = win32file.AllocateReadBuffer(256)
    rc, _ = win32file.WSARecv(b, buf, ol, 0)
    assert rc == winerror.ERROR_IO_PENDING
    win32file.CreateIoCompletionPort(b.fileno(), port, 7, 0)
    a.send(MSG)
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, LONG)
    assert (rc, n, key) == (0, len(MSG), 7)
    assert got is ol
    port.Close()


def test_a_closed_socket_posts_its_waiting_operations_995_to_its_port(pair):
    """CloseHandle with operations waiting: each completes with 995 exactly once, and
    its packet still reaches the port (the association outlives the handle)."""
    a, b = pair
    port = new_port()
    fd = b.detach()
    win32file.CreateIoCompletionPort(fd, port, 3, 0)
    ols = [pywintypes.OVERLAPPED() for _ in range(3)]
    bufs = [win32file.AllocateReadBuffer(64) for _ in ols]
    for ol, buf in zip(ols, bufs):
        assert win32file.WSARecv(fd, buf, ol, 0)[0] == winerror.ERROR_IO_PENDING
    socket.socket(fileno=fd).close()
    got = []
    for _ in ols:
        rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, LONG)
        assert (rc, n, key) == (winerror.ERROR_OPERATION_ABORTED, 0, 3)
        got.append(ol)
    assert sorted(map(id, got)) == sorted(map(id, ols)), "each once"
    assert win32file.GetQueuedCompletionStatus(port, 0)[0] == winerror.WAIT_TIMEOUT
    port.Close()


def test_cancel_io_from_another_thread_leaves_this_threads_waiting_receive(pair):
    """CancelIo cancels only the calling thread's operations: another thread's CancelIo
    leaves alone this thread's waiting receive (after several earlier operations of this
    thread, whose control blocks a thread could be tempted to reuse)."""
    a, b = pair
    port = new_port()
    win32file.CreateIoCompletionPort(b.fileno(), port, 2, 0)
    buf = win32file.AllocateReadBuffer(256)
    # This thread cancelled an earlier receive of its own (its last CancelIo is older
    # than the receive below), and completed operations too.
    first = pywintypes.OVERLAPPED()
    assert win32file.WSARecv(b, buf, first, 0)[0] == winerror.ERROR_IO_PENDING
    win32file.CancelIo(b.fileno())
    assert win32file.GetQueuedCompletionStatus(port, LONG)[:3] == (winerror.ERROR_OPERATION_ABORTED, 0, 2)
    for _ in range(4):
        ol = pywintypes.OVERLAPPED()
        assert win32file.WSARecv(b, buf, ol, 0)[0] == winerror.ERROR_IO_PENDING
        a.send(MSG)
        assert win32file.GetQueuedCompletionStatus(port, LONG)[:3] == (0, len(MSG), 2)
    mine = pywintypes.OVERLAPPED()
    assert win32file.WSARecv(b, buf, mine, 0)[0] == winerror.ERROR_IO_PENDING
    t = threading.Thread(target=win32file.CancelIo, args=(b.fileno(),))
    t.start()
    t.join()
    a.send(MSG)
    rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, LONG)
    assert (rc, n, key) == (0, len(MSG), 2) and ol is mine
    # And this thread's CancelIo cancels its next one.
    again = pywintypes.OVERLAPPED()
    assert win32file.WSARecv(b, buf, again, 0)[0] == winerror.ERROR_IO_PENDING
    win32file.CancelIo(b.fileno())
    rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, LONG)
    assert (rc, n, key) == (winerror.ERROR_OPERATION_ABORTED, 0, 2) and ol is again
    port.Close()


def test_a_cancelled_operation_does_not_leave_its_cancellation_to_the_next(pair):
    """An operation begun after a cancelled one on the same handle and thread starts
    uncancelled (a control block reused by the thread must be reset)."""
    a, b = pair
    port = new_port()
    win32file.CreateIoCompletionPort(b.fileno(), port, 2, 0)
    buf = win32file.AllocateReadBuffer(256)
    for _ in range(6):
        ol = pywintypes.OVERLAPPED()
        assert win32file.WSARecv(b, buf, ol, 0)[0] == winerror.ERROR_IO_PENDING
        win32file.CancelIo(b.fileno())
        assert win32file.GetQueuedCompletionStatus(port, LONG)[:3] == (winerror.ERROR_OPERATION_ABORTED, 0, 2)
        gc.collect()
        ol = pywintypes.OVERLAPPED()
        assert win32file.WSARecv(b, buf, ol, 0)[0] == winerror.ERROR_IO_PENDING
        a.send(MSG)
        assert win32file.GetQueuedCompletionStatus(port, LONG)[:3] == (0, len(MSG), 2)
    port.Close()


def test_closing_a_port_its_sockets_keep_abandons_its_waiters(pair):
    """The associated socket keeps the port's object (the association lasts as long as the
    socket's file object), yet CloseHandle on the port still ends the waits on it: 735."""
    a, b = pair
    port = new_port()
    win32file.CreateIoCompletionPort(b.fileno(), port, 2, 0)
    got = []
    waiting = threading.Event()

    def wait():
        waiting.set()
        try:
            got.append(win32file.GetQueuedCompletionStatus(port, LONG))
        except pywintypes.error as e:  # closed before the wait began
            got.append((e.winerror,))

    t = threading.Thread(target=wait)
    t.start()
    waiting.wait()
    port.Close()
    t.join()
    assert got and got[0][0] in (winerror.ERROR_ABANDONED_WAIT_0, winerror.ERROR_INVALID_HANDLE)


def test_cancel_io_cancels_this_threads_receive_and_not_the_other_threads_queued_before(pair):
    """Two receives wait on one socket, one from another thread (queued first), one from
    this thread: this thread's CancelIo completes its own with 995 and leaves the other
    waiting, which then gets the data."""
    a, b = pair
    port = new_port()
    win32file.CreateIoCompletionPort(b.fileno(), port, 2, 0)
    theirs, mine = pywintypes.OVERLAPPED(), pywintypes.OVERLAPPED()
    bufs = [win32file.AllocateReadBuffer(256) for _ in range(2)]
    issued, done = threading.Event(), threading.Event()
    rcs = []

    def other():
        rcs.append(win32file.WSARecv(b, bufs[0], theirs, 0)[0])
        issued.set()
        done.wait()  # the issuing thread stays while its receive waits

    t = threading.Thread(target=other)
    t.start()
    issued.wait()
    assert rcs == [winerror.ERROR_IO_PENDING]
    assert win32file.WSARecv(b, bufs[1], mine, 0)[0] == winerror.ERROR_IO_PENDING
    win32file.CancelIo(b.fileno())
    rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, LONG)
    assert (rc, n, key) == (winerror.ERROR_OPERATION_ABORTED, 0, 2) and ol is mine
    a.send(MSG)
    rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, LONG)
    assert (rc, n, key) == (0, len(MSG), 2) and ol is theirs
    assert bytes(bufs[0][: len(MSG)]) == MSG
    done.set()
    t.join()
    port.Close()
