"""Overlapped serial I/O through the completion path: ReadFile/WriteFile with an
OVERLAPPED and COMMTIMEOUTS, completion ports, CancelIo, CloseHandle and PurgeComm with
pending requests, WaitCommEvent (synchronous and overlapped) and its wake-ups."""
import threading
import time

import pytest
import pywintypes
import win32event
import win32file

from comm_helpers import pty_port

OVERLAPPED_FLAG = win32file.FILE_FLAG_OVERLAPPED


def overlapped():
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    return ol


def test_overlapped_read_completes_when_data_arrives():
    with pty_port(80, OVERLAPPED_FLAG) as p:
        ol = overlapped()
        buf = win32file.AllocateReadBuffer(5)
        rc, got = win32file.ReadFile(p.h, buf, ol)
        assert rc == 997 and got is buf
        assert win32event.WaitForSingleObject(ol.hEvent, 100) == win32event.WAIT_TIMEOUT
        p.write_master(b"hello")
        assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0
        assert win32file.GetOverlappedResult(p.h, ol, True) == 5
        assert bytes(buf) == b"hello"


def test_overlapped_read_honours_timeouts():
    with pty_port(81, OVERLAPPED_FLAG) as p:
        win32file.SetCommTimeouts(p.h, (0, 0, 300, 0, 0))
        ol = overlapped()
        t = time.monotonic()
        rc, buf = win32file.ReadFile(p.h, 10, ol)
        assert rc == 997
        assert win32file.GetOverlappedResult(p.h, ol, True) == 0  # timed out: success, 0 bytes
        assert 0.28 <= time.monotonic() - t < 5


def test_overlapped_write_and_completion_port():
    with pty_port(82, OVERLAPPED_FLAG) as p:
        port = win32file.CreateIoCompletionPort(p.h, None, 77, 0)
        ol = pywintypes.OVERLAPPED()
        rc, n = win32file.WriteFile(p.h, b"ping", ol)
        assert rc in (0, 997)
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 5000)
        assert (rc, n, key, got) == (0, 4, 77, ol)
        assert p.read_master(4) == b"ping"
        ol2 = pywintypes.OVERLAPPED()
        rc, buf = win32file.ReadFile(p.h, 4, ol2)
        p.write_master(b"pong")
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 5000)
        assert (rc, n, key, got) == (0, 4, 77, ol2) and bytes(buf) == b"pong"


def test_cancel_io_and_close_end_pending_reads():
    with pty_port(83, OVERLAPPED_FLAG) as p:
        ol = overlapped()
        win32file.ReadFile(p.h, 10, ol)
        win32file.CancelIo(p.h)
        with pytest.raises(pywintypes.error) as e:
            win32file.GetOverlappedResult(p.h, ol, True)
        assert e.value.winerror == 995
        ol = overlapped()
        win32file.ReadFile(p.h, 10, ol)
        h = p.h
        win32file.CloseHandle(h)
        assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0
        assert ol.Internal != 0  # STATUS_CANCELLED


def test_purge_aborts_pending_reads_and_writes():
    with pty_port(84, OVERLAPPED_FLAG) as p:
        ol = overlapped()
        win32file.ReadFile(p.h, 10, ol)
        win32file.PurgeComm(p.h, win32file.PURGE_RXABORT | win32file.PURGE_RXCLEAR)
        with pytest.raises(pywintypes.error) as e:
            win32file.GetOverlappedResult(p.h, ol, True)
        assert e.value.winerror == 995
        # A write held by XOFF, aborted by PURGE_TXABORT.
        win32file.EscapeCommFunction(p.h, win32file.SETXOFF)
        olw = overlapped()
        win32file.WriteFile(p.h, b"x" * (1 << 20), olw)
        time.sleep(0.1)
        win32file.PurgeComm(p.h, win32file.PURGE_TXABORT | win32file.PURGE_TXCLEAR)
        with pytest.raises(pywintypes.error) as e:
            win32file.GetOverlappedResult(p.h, olw, True)
        assert e.value.winerror == 995
        win32file.EscapeCommFunction(p.h, win32file.SETXON)


def test_purge_aborts_a_blocked_synchronous_read():
    with pty_port(85) as p:
        result = {}

        def reader():
            try:
                result["r"] = win32file.ReadFile(p.h, 10)
            except pywintypes.error as e:
                result["e"] = e.winerror

        t = threading.Thread(target=reader)
        t.start()
        time.sleep(0.2)
        win32file.PurgeComm(p.h, win32file.PURGE_RXABORT)
        t.join(5)
        assert result == {"e": 995}


def test_wait_comm_event_synchronous_wakes_on_data():
    with pty_port(86) as p:
        win32file.SetCommMask(p.h, win32file.EV_RXCHAR)
        t = threading.Timer(0.2, p.write_master, (b"!",))
        start = time.monotonic()
        t.start()
        assert win32file.WaitCommEvent(p.h) == (0, win32file.EV_RXCHAR)
        assert 0.18 <= time.monotonic() - start < 5
        t.join()


def test_wait_comm_event_overlapped_rxchar_and_txempty():
    with pty_port(87, OVERLAPPED_FLAG) as p:
        win32file.SetCommMask(p.h, win32file.EV_RXCHAR | win32file.EV_TXEMPTY)
        ol = overlapped()
        rc, mask = win32file.WaitCommEvent(p.h, ol)
        assert rc == 997
        assert win32event.WaitForSingleObject(ol.hEvent, 200) == win32event.WAIT_TIMEOUT
        # A second wait on the same handle while one is pending is refused.
        with pytest.raises(pywintypes.error) as e:
            win32file.WaitCommEvent(p.h, overlapped())
        assert e.value.winerror == 87
        p.write_master(b"data")
        assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0
        win32file.GetOverlappedResult(p.h, ol, True)
        assert ol.dword == win32file.EV_RXCHAR
        win32file.PurgeComm(p.h, win32file.PURGE_RXCLEAR)
        # EV_TXEMPTY after a write once the output has drained.
        ol = overlapped()
        assert win32file.WaitCommEvent(p.h, ol)[0] == 997
        olw = pywintypes.OVERLAPPED()
        win32file.WriteFile(p.h, b"out", olw)
        assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0
        win32file.GetOverlappedResult(p.h, ol, True)
        assert ol.dword == win32file.EV_TXEMPTY
        assert p.read_master(3) == b"out"


def test_wait_comm_event_ended_by_set_comm_mask_cancel_and_close():
    with pty_port(88, OVERLAPPED_FLAG) as p:
        win32file.SetCommMask(p.h, win32file.EV_RXCHAR)
        ol = overlapped()
        ol.dword = 12345
        assert win32file.WaitCommEvent(p.h, ol)[0] == 997
        win32file.SetCommMask(p.h, win32file.EV_RXCHAR)
        assert win32file.GetOverlappedResult(p.h, ol, True) == 0
        assert ol.dword == 0
        ol = overlapped()
        win32file.WaitCommEvent(p.h, ol)
        win32file.CancelIo(p.h)
        with pytest.raises(pywintypes.error) as e:
            win32file.GetOverlappedResult(p.h, ol, True)
        assert e.value.winerror == 995
        ol = overlapped()
        win32file.WaitCommEvent(p.h, ol)
        win32file.CloseHandle(p.h)
        assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0


def test_wait_comm_event_with_overlapped_on_a_synchronous_handle():
    with pty_port(89) as p:
        win32file.SetCommMask(p.h, win32file.EV_RXCHAR)
        p.write_master(b"z")
        time.sleep(0.05)
        ol = overlapped()
        assert win32file.WaitCommEvent(p.h, ol) == (0, win32file.EV_RXCHAR)
        assert ol.dword == win32file.EV_RXCHAR
        assert win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_OBJECT_0


def test_synchronous_wait_comm_event_ended_by_close():
    with pty_port(90) as p:
        win32file.SetCommMask(p.h, win32file.EV_RXCHAR)
        result = {}

        def waiter():
            try:
                result["r"] = win32file.WaitCommEvent(p.h)
            except pywintypes.error as e:
                result["e"] = e.winerror

        t = threading.Thread(target=waiter)
        t.start()
        time.sleep(0.2)
        win32file.CloseHandle(p.h)
        t.join(5)
        assert not t.is_alive() and result == {"e": 995}
