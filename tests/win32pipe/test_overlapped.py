"""Overlapped pipe I/O: ConnectNamedPipe (997, then completion), ReadFile/WriteFile
through completion ports and events, ERROR_MORE_DATA, CancelIo, closing with I/O
pending, TransactNamedPipe; the same under both completion engines (make test reruns
this directory with WINFILE_ENGINE=pool)."""
import pywintypes
import win32event
import win32file
import win32pipe
import winerror
from helpers import winerror_of
from pipeutil import client, expect_line, in_thread, pipe_name, server, spawn


def overlapped(event=True):
    ol = pywintypes.OVERLAPPED()
    if event:
        ol.hEvent = win32event.CreateEvent(None, 1, 0, None)
    return ol


def test_overlapped_connect_then_read_through_a_completion_port():
    name = pipe_name()
    s = server(name, overlapped=True)
    port = win32file.CreateIoCompletionPort(s, None, 7, 0)
    ol = overlapped(event=False)
    assert win32pipe.ConnectNamedPipe(s, ol) == winerror.ERROR_IO_PENDING
    rc, *_ = win32file.GetQueuedCompletionStatus(port, 0)
    assert rc == winerror.WAIT_TIMEOUT  # nothing yet
    c = client(name)
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 10000)
    assert (rc, n, key) == (0, 0, 7) and got is ol
    buf = win32file.AllocateReadBuffer(100)
    rc, view = win32file.ReadFile(s, buf, ol)
    assert rc == winerror.ERROR_IO_PENDING
    win32file.WriteFile(c, b"through the port")
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 10000)
    assert (rc, n, key) == (0, 16, 7) and got is ol
    assert bytes(buf[:n]) == b"through the port"


def test_overlapped_connect_with_a_client_from_another_process():
    name = pipe_name()
    s = server(name, overlapped=True)
    ol = overlapped()
    assert win32pipe.ConnectNamedPipe(s, ol) == winerror.ERROR_IO_PENDING
    code = r"""
import sys, win32file, win32con
h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None, win32con.OPEN_EXISTING, 0, None)
win32file.WriteFile(h, b"hi from the child")
print(win32file.ReadFile(h, 100)[1].decode(), flush=True)
"""
    with spawn(code, name) as child:
        assert win32event.WaitForSingleObject(ol.hEvent, 10000) == win32event.WAIT_OBJECT_0
        assert win32file.GetOverlappedResult(s, ol, False) == 0
        assert win32pipe.GetNamedPipeClientProcessId(s) == child.pid
        assert win32file.ReadFile(s, 100) == (0, b"hi from the child")
        win32file.WriteFile(s, b"bye")
        expect_line(child, "bye")


def test_overlapped_connect_when_the_client_came_first_is_535_and_queues_nothing():
    name = pipe_name()
    s = server(name, overlapped=True)
    port = win32file.CreateIoCompletionPort(s, None, 1, 0)
    c = client(name)
    ol = overlapped()
    assert win32pipe.ConnectNamedPipe(s, ol) == winerror.ERROR_PIPE_CONNECTED
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_TIMEOUT
    assert win32file.GetQueuedCompletionStatus(port, 0)[0] == winerror.WAIT_TIMEOUT
    c.Close()


def test_overlapped_read_more_data_then_the_rest():
    name = pipe_name()
    s = server(name, overlapped=True)
    c = client(name, overlapped=True)
    assert win32pipe.ConnectNamedPipe(s, overlapped()) == winerror.ERROR_PIPE_CONNECTED
    ol = overlapped()
    wol = overlapped()
    rc, n = win32file.WriteFile(c, b"0123456789", wol)
    assert rc in (0, winerror.ERROR_IO_PENDING)
    assert win32file.GetOverlappedResult(c, wol, True) == 10
    buf = bytearray(4)
    assert win32file.ReadFile(s, buf, ol)[0] == winerror.ERROR_IO_PENDING
    e = winerror_of(win32file.GetOverlappedResult, s, ol, True)
    assert e == winerror.ERROR_MORE_DATA
    assert ol.InternalHigh == 4 and buf == b"0123"
    big = bytearray(100)
    win32file.ReadFile(s, big, ol)
    assert win32file.GetOverlappedResult(s, ol, True) == 6
    assert big[:6] == b"456789"


def test_overlapped_long_message_both_ways():
    import os
    s, c = _pair()
    big = os.urandom(700_000)
    wol = overlapped()
    rc, _ = win32file.WriteFile(s, big, wol)
    assert rc == winerror.ERROR_IO_PENDING
    win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    assert win32file.ReadFile(c, 800_000) == (0, big)
    assert win32file.GetOverlappedResult(s, wol, True) == len(big)
    writer = in_thread(win32file.WriteFile, c, big)
    rol = overlapped()
    buf = bytearray(800_000)
    assert win32file.ReadFile(s, buf, rol)[0] == winerror.ERROR_IO_PENDING
    assert win32file.GetOverlappedResult(s, rol, True) == len(big)
    assert bytes(buf[:len(big)]) == big
    writer()


def test_overlapped_read_waits_for_data_from_another_thread():
    name = pipe_name()
    s = server(name, overlapped=True, message=False)
    c = client(name)
    win32pipe.ConnectNamedPipe(s, overlapped())
    ol = overlapped()
    rc, view = win32file.ReadFile(s, 10, ol)
    assert rc == winerror.ERROR_IO_PENDING
    assert winerror_of(win32file.GetOverlappedResult, s, ol, False) == winerror.ERROR_IO_INCOMPLETE
    writer = in_thread(win32file.WriteFile, c, b"late")
    assert win32file.GetOverlappedResult(s, ol, True) == 4
    assert bytes(view[:4]) == b"late"
    writer()


def test_cancel_io_ends_a_pending_read_with_995():
    s, c = _pair()
    ol = overlapped()
    assert win32file.ReadFile(s, 10, ol)[0] == winerror.ERROR_IO_PENDING
    win32file.CancelIo(s)
    assert winerror_of(win32file.GetOverlappedResult, s, ol, True) == winerror.ERROR_OPERATION_ABORTED
    # The pipe still works.
    win32file.WriteFile(c, b"x")
    win32file.ReadFile(s, 10, ol)
    assert win32file.GetOverlappedResult(s, ol, True) == 1


def test_closing_ends_pending_connect_and_read():
    name = pipe_name()
    s = server(name, overlapped=True)
    ol = overlapped()
    assert win32pipe.ConnectNamedPipe(s, ol) == winerror.ERROR_IO_PENDING
    s.Close()
    assert win32event.WaitForSingleObject(ol.hEvent, 10000) == win32event.WAIT_OBJECT_0
    assert ol.Internal != 0
    s2, c2 = _pair()
    ol2 = overlapped()
    win32file.ReadFile(s2, 10, ol2)
    c2.Close()  # the other end closing ends it with 109
    assert winerror_of(win32file.GetOverlappedResult, s2, ol2, True) == winerror.ERROR_BROKEN_PIPE


def test_overlapped_read_on_a_listening_instance_fails_at_once():
    name = pipe_name()
    s = server(name, overlapped=True)
    ol = overlapped()
    assert winerror_of(win32file.ReadFile, s, 10, ol) == winerror.ERROR_PIPE_LISTENING
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_TIMEOUT


def test_overlapped_write_and_event_completion():
    s, c = _pair()
    ol = overlapped()
    rc, n = win32file.WriteFile(s, b"payload", ol)
    assert rc == winerror.ERROR_IO_PENDING
    assert win32file.GetOverlappedResult(s, ol, True) == 7
    assert win32file.ReadFile(c, 100) == (0, b"payload")


def test_transact_named_pipe_overlapped():
    name = pipe_name()
    s = server(name)
    c = client(name, overlapped=True)
    win32pipe.ConnectNamedPipe(s)
    win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    ol = overlapped()
    buf = win32file.AllocateReadBuffer(1024)
    rc, got = win32pipe.TransactNamedPipe(c, b"foo\0bar", buf, ol)
    assert rc == winerror.ERROR_IO_PENDING and got is buf
    assert win32file.ReadFile(s, 100) == (0, b"foo\0bar")
    win32file.WriteFile(s, b"bar\0foo")
    n = win32file.GetOverlappedResult(c, ol, True)
    assert bytes(buf[:n]) == b"bar\0foo"
    rc, view = win32pipe.TransactNamedPipe(c, b"q", 8, ol)
    win32file.ReadFile(s, 10)
    win32file.WriteFile(s, b"answer")
    assert win32file.GetOverlappedResult(c, ol, True) == 6
    assert bytes(view[:6]) == b"answer"


def test_many_pending_connects_cost_no_threads():
    import threading
    name = pipe_name()
    before = threading.active_count()
    servers = [server(name, max_instances=64, overlapped=True) for _ in range(64)]
    ols = [overlapped() for _ in servers]
    for s, ol in zip(servers, ols):
        assert win32pipe.ConnectNamedPipe(s, ol) == winerror.ERROR_IO_PENDING
    clients = [client(name) for _ in servers]
    for s, ol in zip(servers, ols):
        assert win32file.GetOverlappedResult(s, ol, True) == 0
    assert threading.active_count() == before
    for h in servers + clients:
        h.Close()


def _pair():
    name = pipe_name()
    s = server(name, overlapped=True)
    c = client(name)
    assert win32pipe.ConnectNamedPipe(s, overlapped()) == winerror.ERROR_PIPE_CONNECTED
    return s, c


def test_more_data_on_a_synchronous_handle_is_recorded_in_the_overlapped():
    # A synchronous handle with an OVERLAPPED completes at once; a reply longer than the
    # buffer leaves ERROR_MORE_DATA in the OVERLAPPED, as Windows does, so
    # GetOverlappedResult reports it too (with the count delivered).
    name = pipe_name()
    s = server(name)
    c = client(name)  # synchronous
    win32pipe.ConnectNamedPipe(s)
    win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)

    def serve():
        win32file.WriteFile(s, win32file.ReadFile(s, 100)[1] * 4)

    t = in_thread(serve)
    ol = overlapped()
    rc, got = win32pipe.TransactNamedPipe(c, b"abc", 5, ol)
    t()
    assert rc == winerror.ERROR_MORE_DATA and bytes(got) == b"abcab"
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_OBJECT_0
    assert winerror_of(win32file.GetOverlappedResult, c, ol, False) == winerror.ERROR_MORE_DATA
    assert ol.InternalHigh == 5
    assert win32file.ReadFile(c, 100) == (0, b"cabcabc")
