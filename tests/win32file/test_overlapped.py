"""Overlapped I/O on FILE_FLAG_OVERLAPPED handles: events, GetOverlappedResult,
CancelIo, close with I/O pending, completion ports under many threads, and buffers
and OVERLAPPED objects kept alive by winfile while Python drops its references."""
import gc
import os
import threading

import pytest
import pywintypes
import win32con
import win32event
import win32file
import winerror

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE


def open_ov(path, disposition=win32file.OPEN_EXISTING, access=RW):
    return win32file.CreateFile(str(path), access, 0, None, disposition, win32file.FILE_FLAG_OVERLAPPED, None)


def ov(offset=0, event=True):
    ol = pywintypes.OVERLAPPED()
    ol.Offset = offset & 0xFFFFFFFF
    ol.OffsetHigh = offset >> 32
    if event:
        ol.hEvent = win32event.CreateEvent(None, True, False, None)
    return ol


@pytest.fixture
def data_file(tmp):
    p = tmp / "data.bin"
    p.write_bytes(bytes(range(256)) * 256)  # 64 KiB
    return p


def test_read_at_offset_with_event(data_file):
    h = open_ov(data_file)
    ol = ov(1000)
    rc, buf = win32file.ReadFile(h, 16, ol)
    assert rc == winerror.ERROR_IO_PENDING
    assert isinstance(buf, memoryview) and len(buf) == 16 and not buf.readonly
    assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0
    # The status and count are stored before the event is signaled.
    assert (ol.Internal, ol.InternalHigh) == (0, 16)
    assert win32file.GetOverlappedResult(h, ol, False) == 16
    assert bytes(buf) == bytes((1000 + i) % 256 for i in range(16))


def test_read_into_caller_buffer_returns_same_object(data_file):
    h = open_ov(data_file)
    target = bytearray(8)
    ol = ov(4)
    rc, same = win32file.ReadFile(h, target, ol)
    assert same is target
    assert win32file.GetOverlappedResult(h, ol, True) == 8
    assert target == bytes(range(4, 12))


def test_write_at_offset_above_4gib(tmp):
    p = tmp / "big.bin"
    h = open_ov(p, win32file.CREATE_NEW)
    ol = ov((5 << 30) + 3)
    rc, _ = win32file.WriteFile(h, b"xyz", ol)
    assert rc in (0, winerror.ERROR_IO_PENDING)
    assert win32file.GetOverlappedResult(h, ol, True) == 3
    h.Close()
    assert os.path.getsize(p) == (5 << 30) + 6
    with open(p, "rb") as f:
        f.seek((5 << 30) + 3)
        assert f.read() == b"xyz"


def test_end_of_file_is_reported_by_get_overlapped_result(data_file):
    h = open_ov(data_file)
    ol = ov(1 << 20)
    win32file.ReadFile(h, 10, ol)
    with pytest.raises(pywintypes.error) as exc:
        win32file.GetOverlappedResult(h, ol, True)
    assert exc.value.winerror == winerror.ERROR_HANDLE_EOF
    assert exc.value.funcname == "GetOverlappedResult"


def test_access_is_checked_at_submission(data_file):
    h = open_ov(data_file, access=win32con.GENERIC_READ)
    with pytest.raises(pywintypes.error) as exc:
        win32file.WriteFile(h, b"x", ov())
    assert exc.value.winerror == winerror.ERROR_ACCESS_DENIED


@pytest.fixture
def fifo(tmp):
    p = tmp / "fifo"
    os.mkfifo(p)
    keep = os.open(p, os.O_RDWR)  # a writer, so reads block instead of seeing EOF
    yield p, keep
    os.close(keep)


def test_pending_then_cancel(fifo):
    path, keep = fifo
    h = open_ov(path)
    ol = ov()
    rc, buf = win32file.ReadFile(h, 8, ol)
    assert rc == winerror.ERROR_IO_PENDING
    with pytest.raises(pywintypes.error) as exc:
        win32file.GetOverlappedResult(h, ol, False)
    assert exc.value.winerror == winerror.ERROR_IO_INCOMPLETE
    win32file.CancelIo(h)
    with pytest.raises(pywintypes.error) as exc:
        win32file.GetOverlappedResult(h, ol, True)
    assert exc.value.winerror == winerror.ERROR_OPERATION_ABORTED


def test_pending_read_completes_when_data_arrives(fifo):
    path, keep = fifo
    h = open_ov(path)
    ol = ov()
    rc, buf = win32file.ReadFile(h, 8, ol)
    assert win32event.WaitForSingleObject(ol.hEvent, 50) == win32event.WAIT_TIMEOUT
    os.write(keep, b"ping")
    assert win32file.GetOverlappedResult(h, ol, True) == 4
    assert bytes(buf[:4]) == b"ping"


def test_close_with_pending_io_completes_it_aborted(fifo):
    path, keep = fifo
    h = open_ov(path)
    port = win32file.CreateIoCompletionPort(h, None, 5, 0)
    ol = ov(event=False)
    win32file.ReadFile(h, 8, ol)
    h.Close()
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 5000)
    assert (rc, n, key) == (winerror.ERROR_OPERATION_ABORTED, 0, 5)
    assert got is ol


def test_port_returns_identical_overlapped_and_same_port_object(data_file):
    h = open_ov(data_file)
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    assert win32file.CreateIoCompletionPort(h, port, 99, 0) is port
    ol = ov(event=False)
    ol.object = "mine"
    win32file.ReadFile(h, 32, ol)
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 5000)
    assert (rc, n, key) == (0, 32, 99)
    assert got is ol and got.object == "mine"
    assert win32file.GetQueuedCompletionStatus(port, 0) == (winerror.WAIT_TIMEOUT, 0, 0, None)


def test_many_operations_eight_threads_no_loss_no_duplicates(data_file):
    h = open_ov(data_file)
    port = win32file.CreateIoCompletionPort(-1, None, 0, 8)
    win32file.CreateIoCompletionPort(h, port, 1, 8)
    total = 2000
    seen = []
    lock = threading.Lock()

    def worker():
        while True:
            rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, 10_000)
            if key == 0xDEAD:
                return
            assert (rc, n, key) == (0, 16, 1)
            with lock:
                seen.append(ol.object)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for i in range(total):
        ol = ov(offset=(i * 16) % 60000, event=False)
        ol.object = i
        win32file.ReadFile(h, 16, ol)
    while True:
        with lock:
            if len(seen) >= total:
                break
        threading.Event().wait(0.01)
    for _ in threads:
        win32file.PostQueuedCompletionStatus(port, 0, 0xDEAD, None)
    for t in threads:
        t.join(10)
    assert sorted(seen) == list(range(total))


def test_post_and_get_across_threads():
    port = win32file.CreateIoCompletionPort(-1, None, 0, 0)
    ol = pywintypes.OVERLAPPED()
    t = threading.Thread(target=win32file.PostQueuedCompletionStatus, args=(port, 7, 3, ol))
    t.start()
    assert win32file.GetQueuedCompletionStatus(port, 5000) == (0, 7, 3, ol)
    t.join()


def test_closing_the_port_abandons_waiters():
    port = win32file.CreateIoCompletionPort(-1, None, 0, 0)
    result = []
    started = threading.Event()

    def waiter():
        started.set()
        result.append(win32file.GetQueuedCompletionStatus(port, 10_000))

    t = threading.Thread(target=waiter)
    t.start()
    started.wait()
    threading.Event().wait(0.1)
    port.Close()
    t.join(10)
    assert result == [(winerror.ERROR_ABANDONED_WAIT_0, 0, 0, None)]


def test_dropping_every_reference_mid_flight_is_safe(data_file, fifo):
    # Buffers and OVERLAPPED objects lose all Python references while I/O is pending.
    path, keep = fifo
    h = open_ov(path)
    port = win32file.CreateIoCompletionPort(h, None, 1, 0)
    for _ in range(50):
        win32file.ReadFile(h, bytearray(64), ov(event=False))
        win32file.ReadFile(h, 64, ov(event=False))
    gc.collect()
    os.write(keep, b"z" * 64 * 100)
    got = [win32file.GetQueuedCompletionStatus(port, 5000) for _ in range(100)]
    assert all(rc == 0 and n == 64 and isinstance(o, pywintypes.OVERLAPPEDType) for rc, n, _, o in got)
    hd = open_ov(data_file)
    for i in range(200):
        win32file.ReadFile(hd, bytearray(4096), ov(offset=i * 64, event=False))
    del hd
    gc.collect()


def test_synchronous_handle_with_overlapped_signals_event(data_file):
    h = win32file.CreateFile(str(data_file), RW, 0, None, win32file.OPEN_EXISTING, 0, None)
    ol = ov(10)
    rc, data = win32file.ReadFile(h, 4, ol)
    assert rc == 0 and bytes(data) == bytes(range(10, 14))
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == 0
    assert win32file.GetOverlappedResult(h, ol, False) == 4


def test_file_handle_is_signaled_when_its_io_completes(fifo):
    path, keep = fifo
    h = open_ov(path)
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_OBJECT_0  # idle
    ol = ov(event=False)
    win32file.ReadFile(h, 4, ol)
    assert win32event.WaitForSingleObject(h, 20) == win32event.WAIT_TIMEOUT  # reset by the read
    os.write(keep, b"data")
    assert win32event.WaitForSingleObject(h, 5000) == win32event.WAIT_OBJECT_0
    assert win32file.GetOverlappedResult(h, ol, False) == 4


def test_engine_backend_follows_winfile_engine(run_child):
    from winfile import _native

    assert _native.engine_name() in ("uring", "pool")
    if os.environ.get("WINFILE_ENGINE") == "pool":
        assert _native.engine_name() == "pool"
    code = "import os, sys; os.environ['WINFILE_ENGINE'] = sys.argv[1]; from winfile import _native; print(_native.engine_name())"
    assert run_child(code, "pool").stdout.strip() == "pool"
    # Forcing io_uring gives it where the kernel allows it, else the pool.
    assert run_child(code, "uring").stdout.strip() in ("uring", "pool")


def test_lock_file_ex_on_an_overlapped_handle(data_file):
    import win32con as wc
    # Two overlapped handles that share everything, so both opens succeed.
    holder = win32file.CreateFile(str(data_file), RW, 7, None, win32file.OPEN_EXISTING, win32file.FILE_FLAG_OVERLAPPED, None)
    waiter = win32file.CreateFile(str(data_file), RW, 7, None, win32file.OPEN_EXISTING, win32file.FILE_FLAG_OVERLAPPED, None)
    granted = ov(0)
    win32file.LockFileEx(holder, wc.LOCKFILE_EXCLUSIVE_LOCK, 100, 0, granted)  # granted at once: no error
    assert win32event.WaitForSingleObject(granted.hEvent, 0) == win32event.WAIT_OBJECT_0
    port = win32file.CreateIoCompletionPort(waiter, None, 8, 0)
    pending = ov(50, event=False)
    with pytest.raises(pywintypes.error) as exc:
        win32file.LockFileEx(waiter, wc.LOCKFILE_EXCLUSIVE_LOCK, 10, 0, pending)
    assert exc.value.winerror == winerror.ERROR_IO_PENDING
    with pytest.raises(pywintypes.error) as exc:
        win32file.GetOverlappedResult(waiter, pending, False)
    assert exc.value.winerror == winerror.ERROR_IO_INCOMPLETE
    win32file.UnlockFileEx(holder, 100, 0, granted)
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 5000)
    assert (rc, key, got) == (0, 8, pending)
    with pytest.raises(pywintypes.error) as exc:  # now held by `waiter`
        win32file.LockFileEx(holder, wc.LOCKFILE_EXCLUSIVE_LOCK | wc.LOCKFILE_FAIL_IMMEDIATELY, 10, 0, ov(50))
    assert exc.value.winerror == winerror.ERROR_LOCK_VIOLATION
    # A second waiter is cancelled by closing its handle.
    again = ov(55, event=False)
    with pytest.raises(pywintypes.error):
        win32file.LockFileEx(holder, wc.LOCKFILE_EXCLUSIVE_LOCK, 1, 0, again)
    win32file.CancelIo(holder)
    with pytest.raises(pywintypes.error) as exc:
        win32file.GetOverlappedResult(holder, again, True)
    assert exc.value.winerror == winerror.ERROR_OPERATION_ABORTED


def test_synchronous_calls_on_an_overlapped_disk_handle_need_an_offset(data_file, fifo):
    # An overlapped disk handle keeps no file position: without an OVERLAPPED, Windows
    # asks for a byte offset (ERROR_INVALID_PARAMETER). Pipes need none.
    h = open_ov(data_file)
    for call in (lambda: win32file.ReadFile(h, 16), lambda: win32file.WriteFile(h, b"x")):
        with pytest.raises(pywintypes.error) as exc:
            call()
        assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER
    path, keep = fifo
    p = open_ov(path)
    os.write(keep, b"pipe")
    assert win32file.ReadFile(p, 4) == (0, b"pipe")


def test_get_overlapped_result_of_a_finished_operation_after_close(tmp_path):
    # Windows' GetOverlappedResult uses the handle only to wait for a pending
    # operation; a finished one is read from the OVERLAPPED even once the handle is
    # closed (or for any handle value).
    p = tmp_path / "f"
    p.write_bytes(b"0123456789")
    h = win32file.CreateFile(str(p), win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_OVERLAPPED, None)
    ol = pywintypes.OVERLAPPED()
    win32file.ReadFile(h, 4, ol)
    assert win32file.GetOverlappedResult(h, ol, True) == 4
    h.Close()
    assert win32file.GetOverlappedResult(h, ol, True) == 4
    assert win32file.GetOverlappedResult(h, ol, False) == 4


def test_a_cycle_through_overlapped_object_and_hevent_is_collected():
    # PyOVERLAPPED's `object` and `hEvent` (kept in cells of their own) are seen by the
    # garbage collector: ol.object = something holding ol, a common pattern, is collected.
    import weakref

    class Conn:
        pass

    conn = Conn()
    ol = pywintypes.OVERLAPPED()
    ol.object = conn
    conn.ol = ol
    other = Conn()
    ol2 = pywintypes.OVERLAPPED()
    ol2.object = None
    other.ol = ol2
    ol2.hEvent = win32event.CreateEvent(None, True, False, None)
    gone, kept = weakref.ref(conn), weakref.ref(other)
    assert ol.object is conn and ol2.object is None
    ol.object = ol.object  # replacing with the same object keeps it
    assert ol.object is conn
    del conn, ol
    gc.collect()
    assert gone() is None
    assert kept() is other and other.ol.object is None
