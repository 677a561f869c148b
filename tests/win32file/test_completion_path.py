"""The completion path every overlapped handle kind rides on: a rejected request leaves
nothing pending, completions never wait for Python (the engine thread runs none), a
panic while finishing one is contained, buffers are lent in place until their I/O ends,
Ctrl-C ends blocking waits, and CRT-tied handles never touch a reused descriptor."""
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import pywintypes
import win32con
import win32event
import win32file
import winerror
import winnt
import winfile._native as native
from helpers import winerror_of as error_of

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
SHARE_ALL = win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE | win32con.FILE_SHARE_DELETE


def open_ov(path, access=RW, share=win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE, flags=0):
    return win32file.CreateFile(str(path), access, share, None, win32file.OPEN_EXISTING,
                                win32file.FILE_FLAG_OVERLAPPED | flags, None)


def marked():
    """An OVERLAPPED whose every observable piece would show a change: InternalHigh 7,
    its event set."""
    ol = pywintypes.OVERLAPPED()
    ol.InternalHigh = 7
    ol.hEvent = win32event.CreateEvent(None, True, True, None)
    return ol


def assert_untouched(h, ol):
    assert (ol.Internal, ol.InternalHigh) == (0, 7)
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_OBJECT_0
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_OBJECT_0
    # Not pending: a waiting GetOverlappedResult answers at once, with the old count.
    answer = []
    t = threading.Thread(target=lambda: answer.append(win32file.GetOverlappedResult(h, ol, True)), daemon=True)
    t.start()
    t.join(5)
    assert answer == [7]


@pytest.fixture
def data_file(tmp):
    p = tmp / "data.bin"
    p.write_bytes(bytes(range(256)) * 64)
    return p


@pytest.fixture
def fifo(tmp):
    path = tmp / "fifo"
    os.mkfifo(path)
    keep = os.open(path, os.O_RDWR | os.O_NONBLOCK)  # a writer and a reader for good
    yield path, keep
    os.close(keep)


# ---- a rejected request leaves nothing pending, per entry point --------------------------

def test_rejected_read_directory_changes(tmp):
    """The reproduction: filter 0 on an overlapped directory handle."""
    d = win32file.CreateFile(str(tmp), winnt.FILE_LIST_DIRECTORY, SHARE_ALL, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_BACKUP_SEMANTICS | win32file.FILE_FLAG_OVERLAPPED, None)
    ol = marked()
    buf = win32file.AllocateReadBuffer(1024)
    assert error_of(win32file.ReadDirectoryChangesW, d, buf, False, 0, ol) == winerror.ERROR_INVALID_PARAMETER
    assert_untouched(d, ol)
    # A bad event handle in the OVERLAPPED.
    bad = marked()
    bad.hEvent = 0x7777000
    with pytest.raises(pywintypes.error):
        win32file.ReadDirectoryChangesW(d, buf, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME, bad)
    assert (bad.Internal, bad.InternalHigh) == (0, 7)


def test_rejected_read_and_write(data_file):
    h = open_ov(data_file, access=win32con.GENERIC_READ)
    other = win32file.CreateFile(str(data_file), RW, win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE, None,
                                 win32file.OPEN_EXISTING, 0, None)
    ol = marked()
    # No write access (5); a range another handle locked (33); a read-only target (TypeError).
    assert error_of(win32file.WriteFile, h, b"x", ol) == winerror.ERROR_ACCESS_DENIED
    assert_untouched(h, ol)
    win32file.LockFile(other, 0, 0, 100, 0)
    assert error_of(win32file.ReadFile, h, 10, ol) == winerror.ERROR_LOCK_VIOLATION
    assert_untouched(h, ol)
    with pytest.raises(TypeError):
        win32file.ReadFile(h, b"read-only", ol)
    assert_untouched(h, ol)
    bad = marked()
    bad.hEvent = 0x7777000
    assert error_of(win32file.ReadFile, h, 10, bad) == winerror.ERROR_INVALID_HANDLE
    assert (bad.Internal, bad.InternalHigh) == (0, 7)


def test_rejected_unbuffered_transfer(data_file):
    h = open_ov(data_file, flags=win32file.FILE_FLAG_NO_BUFFERING)
    ol = marked()
    ol.Offset = 100  # not a sector multiple
    assert error_of(win32file.ReadFile, h, 512, ol) == winerror.ERROR_INVALID_PARAMETER
    assert_untouched(h, ol)


def test_rejected_lock_file_ex(data_file):
    h = open_ov(data_file)
    other = win32file.CreateFile(str(data_file), RW, win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE, None,
                                 win32file.OPEN_EXISTING, 0, None)
    win32file.LockFile(other, 0, 0, 100, 0)
    ol = marked()
    flags = win32con.LOCKFILE_EXCLUSIVE_LOCK | win32con.LOCKFILE_FAIL_IMMEDIATELY
    assert error_of(win32file.LockFileEx, h, flags, 10, 0, ol) == winerror.ERROR_LOCK_VIOLATION
    assert_untouched(h, ol)


# ---- completions never wait for Python ---------------------------------------------------

def test_completion_lands_while_this_thread_holds_the_gil(fifo):
    """A thread that never lets go of the GIL still sees its read complete: the engine
    writes the data and the status without Python."""
    path, _ = fifo
    h = open_ov(path)
    target = bytearray(5)
    ol = pywintypes.OVERLAPPED()
    assert win32file.ReadFile(h, target, ol)[0] == winerror.ERROR_IO_PENDING
    old = sys.getswitchinterval()
    sys.setswitchinterval(1000)  # no GIL hand-over by time: only a blocking call would
    try:
        writer = subprocess.Popen(["sh", "-c", f"sleep 0.2; printf hello > '{path}'"])
        deadline = time.monotonic() + 10
        while ol.Internal == 0x103 and time.monotonic() < deadline:  # STATUS_PENDING
            pass
        done = ol.Internal
    finally:
        sys.setswitchinterval(old)
    writer.wait()
    assert done == 0
    assert (ol.InternalHigh, bytes(target)) == (5, b"hello")


def test_a_panic_while_finishing_is_contained(data_file, fifo):
    h = open_ov(data_file)
    for _ in range(2):  # once inline (cached data), once more
        native._inject_completion_panic(1)
        ol = pywintypes.OVERLAPPED()
        win32file.ReadFile(h, 64, ol)
        assert error_of(win32file.GetOverlappedResult, h, ol, True) == winerror.ERROR_INTERNAL_ERROR
    # A pipe's completion runs on an engine thread.
    path, keep = fifo
    p = open_ov(path)
    native._inject_completion_panic(1)
    ol = pywintypes.OVERLAPPED()
    win32file.WriteFile(p, b"abc", ol)
    assert error_of(win32file.GetOverlappedResult, p, ol, True) == winerror.ERROR_INTERNAL_ERROR
    # Later I/O completes.
    for i in range(20):
        ol = pywintypes.OVERLAPPED()
        ol.Offset = i * 64
        rc, buf = win32file.ReadFile(h, 64, ol)
        assert win32file.GetOverlappedResult(h, ol, True) == 64
        assert bytes(buf) == bytes(range(i * 64 % 256, i * 64 % 256 + 64))
    ol = pywintypes.OVERLAPPED()
    win32file.WriteFile(p, b"xyz", ol)
    assert win32file.GetOverlappedResult(p, ol, True) == 3


# ---- buffers are lent until the I/O ends -------------------------------------------------

def test_a_pending_reads_bytearray_cannot_shrink(fifo):
    path, keep = fifo
    h = open_ov(path)
    target = bytearray(100)
    ol = pywintypes.OVERLAPPED()
    win32file.ReadFile(h, target, ol)
    with pytest.raises(BufferError):
        del target[:]  # the kernel may be writing it
    os.write(keep, b"z" * 30)
    assert win32file.GetOverlappedResult(h, ol, True) == 30
    assert ol.InternalHigh == 30 and target[:30] == b"z" * 30
    del target[:]  # released with the completion
    assert len(target) == 0


def test_write_from_any_contiguous_buffer(data_file):
    import array
    h = open_ov(data_file)
    for data in (b"bytes", bytearray(b"array"), memoryview(b"--view--")[2:6], array.array("H", [0x4241, 0x4443])):
        ol = pywintypes.OVERLAPPED()
        ol.Offset = 1000
        win32file.WriteFile(h, data, ol)
        n = win32file.GetOverlappedResult(h, ol, True)
        assert n == memoryview(data).nbytes
        assert data_file.read_bytes()[1000:1000 + n] == memoryview(data).tobytes()


def test_read_directory_changes_size_with_overlapped_returns_at_once(tmp):
    """pywin32 starts the asynchronous call into a buffer of its own and returns; the
    OVERLAPPED then completes when a change comes."""
    d = win32file.CreateFile(str(tmp), winnt.FILE_LIST_DIRECTORY, SHARE_ALL, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_BACKUP_SEMANTICS | win32file.FILE_FLAG_OVERLAPPED, None)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    assert win32file.ReadDirectoryChangesW(d, 1024, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME, ol) == []
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_TIMEOUT
    (tmp / "new").write_bytes(b"")
    assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0
    assert win32file.GetOverlappedResult(d, ol, False) > 0


# ---- Ctrl-C ends blocking waits ----------------------------------------------------------

class Interrupted(Exception):
    pass


@pytest.fixture
def alarm():
    def raise_(*_):
        raise Interrupted
    old = signal.signal(signal.SIGALRM, raise_)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


def test_signal_ends_get_overlapped_result(fifo, alarm):
    h = open_ov(fifo[0])
    ol = pywintypes.OVERLAPPED()
    win32file.ReadFile(h, 10, ol)
    start = time.monotonic()
    with pytest.raises(Interrupted):
        win32file.GetOverlappedResult(h, ol, True)
    assert time.monotonic() - start < 5
    win32file.CancelIo(h)


def test_signal_ends_wait_for_single_object(alarm):
    ev = win32event.CreateEvent(None, True, False, None)
    with pytest.raises(Interrupted):
        win32event.WaitForSingleObject(ev, win32event.INFINITE)


def test_signal_ends_synchronous_read_directory_changes(tmp, alarm):
    d = win32file.CreateFile(str(tmp), winnt.FILE_LIST_DIRECTORY, SHARE_ALL, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
    with pytest.raises(Interrupted):
        win32file.ReadDirectoryChangesW(d, 1024, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME, None, None)


def test_signal_ends_get_queued_completion_status(alarm):
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    with pytest.raises(Interrupted):
        win32file.GetQueuedCompletionStatus(port, win32event.INFINITE)


# ---- CRT-tied handles never touch a reused descriptor -------------------------------------

def test_closed_descriptor_behind_get_osfhandle_fails_with_6(tmp):
    (tmp / "a").write_bytes(b"first")
    (tmp / "b").write_bytes(b"second")
    fd = os.open(tmp / "a", os.O_RDWR)
    h = win32file._get_osfhandle(fd)
    assert win32file.ReadFile(h, 5) == (0, b"first")
    os.close(fd)
    fd2 = os.open(tmp / "b", os.O_RDWR)
    try:
        if fd2 != fd:
            os.dup2(fd2, fd)
        for call, args in ((win32file.ReadFile, (h, 10)), (win32file.WriteFile, (h, b"XXXX")),
                           (win32file.LockFile, (h, 0, 0, 10, 0))):
            assert error_of(call, *args) == winerror.ERROR_INVALID_HANDLE
        assert (tmp / "b").read_bytes() == b"second"
        assert os.lseek(fd, 0, os.SEEK_CUR) == 0  # the new owner's position untouched
        assert (tmp / "a").read_bytes() == b"first"
    finally:
        os.close(fd2)
        if fd2 != fd:
            os.close(fd)


def test_closed_descriptor_from_open_osfhandle_invalidates_the_handle(tmp):
    p = tmp / "c"
    h = win32file.CreateFile(str(p), RW, 0, None, win32file.CREATE_NEW, 0, None)
    fd = win32file._open_osfhandle(h, 0)
    assert win32file._get_osfhandle(fd) == int(h)
    assert os.write(fd, b"crt") == 3
    os.close(fd)
    assert error_of(win32file.WriteFile, h, b"more") == winerror.ERROR_INVALID_HANDLE
    assert p.read_bytes() == b"crt"
    h.Detach()


def test_engine_reports_why_it_fell_back():
    reason = native.engine_fallback_reason()
    if native.engine_name() == "pool" and os.environ.get("WINFILE_ENGINE") != "pool":
        assert isinstance(reason, str) and reason
    else:
        assert reason is None


def test_eventless_operations_reuse_one_overlapped_with_a_waiter_each_time():
    """An OVERLAPPED with no event begins without the hub lock: it must still read as
    pending at once (Internal STATUS_PENDING, ERROR_IO_INCOMPLETE), and a thread already
    waiting for it in GetOverlappedResult must be woken by every completion."""
    from helpers import tcp_pair

    a, b = tcp_pair()
    try:
        ol = pywintypes.OVERLAPPED()
        buf = bytearray(16)
        for i in range(200):
            rc, _ = win32file.WSARecv(b, buf, ol, 0)
            assert rc == winerror.ERROR_IO_PENDING
            assert ol.Internal == 0x103
            assert error_of(win32file.GetOverlappedResult, b.fileno(), ol, False) == winerror.ERROR_IO_INCOMPLETE
            got = []
            waiter = threading.Thread(target=lambda: got.append(win32file.GetOverlappedResult(b.fileno(), ol, True)))
            waiter.start()
            msg = b"m%03d" % i
            a.sendall(msg)
            waiter.join(30)
            assert not waiter.is_alive(), "a completion was lost"
            assert got == [len(msg)]
            assert bytes(buf[: len(msg)]) == msg
            assert ol.Internal == 0
    finally:
        a.close()
        b.close()
