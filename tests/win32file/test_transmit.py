"""TransmitFile: head and tail buffers, offsets from the OVERLAPPED (OffsetHigh too), the
blocking form from the file pointer, many transfers through one port with no thread
per call, cancellation, closing and peer resets mid-transfer. Loopback only; runs under
both engine backends (`make test` reruns it with WINFILE_ENGINE=pool)."""
import fcntl
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import pywintypes
import win32event
import win32file
import winerror

IPV4 = ("127.0.0.1", socket.AF_INET)
MiB = 1 << 20


def pair(host=IPV4):
    addr, family = host
    with socket.socket(family) as lst:
        lst.bind((addr, 0))
        lst.listen(8)
        a = socket.create_connection(lst.getsockname()[:2])
        b, _ = lst.accept()
    return a, b


def overlapped(offset=0, high=0):
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    ol.Offset = offset
    ol.OffsetHigh = high
    return ol


def open_read(path):
    return win32file.CreateFile(str(path), win32file.GENERIC_READ, win32file.FILE_SHARE_READ, None,
                                win32file.OPEN_EXISTING, 0, None)


def read_all(sock, out):
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            return
        out.extend(chunk)


def reader(sock):
    got = bytearray()
    t = threading.Thread(target=read_all, args=(sock, got))
    t.start()
    return t, got


def pending(sock, ol):
    """True while the OVERLAPPED's operation has not completed."""
    try:
        win32file.GetOverlappedResult(sock, ol, False)
    except pywintypes.error as e:
        if e.winerror == winerror.ERROR_IO_INCOMPLETE:
            return True
        raise
    return False


def nonblocking(sock):
    return bool(fcntl.fcntl(sock.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK)


def test_head_tail_and_offsets(host, tmp_path):
    data = os.urandom(2 * MiB + 123)
    path = tmp_path / "payload"
    path.write_bytes(data)
    h = open_read(path)
    a, b = pair(host)
    t, got = reader(b)
    expected = b""
    total = 0
    # count 0 from an offset: the rest of the file; head and tail in other buffer types.
    ol = overlapped(100)
    assert win32file.TransmitFile(a, h, 0, 0, ol, 0, bytearray(b"<head>"), memoryview(b"<tail>")) in (
        0, winerror.ERROR_IO_PENDING)
    total += win32file.GetOverlappedResult(a, ol, True)
    expected += b"<head>" + data[100:] + b"<tail>"
    # A count past the end of the file ends at the end; NumberOfBytesPerSend is a hint.
    ol = overlapped(len(data) - 10)
    win32file.TransmitFile(a, h, 1000, 4096, ol, 0, None, b"T")
    total += win32file.GetOverlappedResult(a, ol, True)
    expected += data[-10:] + b"T"
    # No file (a NULL handle): head and tail only.
    ol = overlapped()
    win32file.TransmitFile(a, None, 0, 0, ol, 0, b"only-head", b"only-tail")
    total += win32file.GetOverlappedResult(a, ol, True)
    expected += b"only-headonly-tail"
    # An offset at or past the end: no file bytes.
    ol = overlapped(len(data) + 5)
    win32file.TransmitFile(a, h, 0, 0, ol, 0, b"H")
    total += win32file.GetOverlappedResult(a, ol, True)
    expected += b"H"
    # A range in the middle, then TF_DISCONNECT: the reader sees the end.
    ol = overlapped(7)
    win32file.TransmitFile(a, h, 300_000, 0, ol, win32file.TF_DISCONNECT, b"[", b"]")
    total += win32file.GetOverlappedResult(a, ol, True)
    expected += b"[" + data[7:300_007] + b"]"
    t.join(30)
    assert not t.is_alive()
    assert total == len(expected)
    assert bytes(got) == expected
    # The file's own pointer did not move; the socket's blocking mode is the caller's.
    assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 0
    assert not nonblocking(a) and a.getblocking()
    h.Close()
    a.close()
    b.close()


def test_offset_high_selects_beyond_4_gib(tmp_path):
    path = tmp_path / "sparse"
    tail = b"beyond four GiB"
    with open(path, "wb") as f:
        f.seek((1 << 32) + 50)
        f.write(tail)
    h = open_read(path)
    a, b = pair()
    ol = overlapped(50, 1)
    win32file.TransmitFile(a, h, len(tail), 0, ol, win32file.TF_DISCONNECT)
    assert win32file.GetOverlappedResult(a, ol, True) == len(tail)
    got = bytearray()
    read_all(b, got)
    assert bytes(got) == tail
    h.Close()
    a.close()
    b.close()


def test_blocking_form_reads_from_and_moves_the_file_pointer(host, tmp_path):
    data = os.urandom(3 * MiB)
    path = tmp_path / "payload"
    path.write_bytes(data)
    h = open_read(path)
    win32file.SetFilePointer(h, 1000, win32file.FILE_BEGIN)
    a, b = pair(host)
    t, got = reader(b)
    # The socket buffer is far smaller than the file: the call waits for the reader.
    assert win32file.TransmitFile(a, h, 0, 0, None, 0, b"head", b"tail") == 0
    assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == len(data)
    win32file.SetFilePointer(h, 10, win32file.FILE_BEGIN)
    assert win32file.TransmitFile(a, h, 20, 0, None, win32file.TF_DISCONNECT) == 0
    assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 30
    t.join(30)
    assert not t.is_alive()
    assert bytes(got) == b"head" + data[1000:] + b"tail" + data[10:30]
    assert a.getblocking() and not nonblocking(a)
    h.Close()
    a.close()
    b.close()


def test_blocking_form_stops_for_a_signal_handler(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"\0" * (64 * MiB))
    h = open_read(path)
    a, b = pair()

    class Stop(Exception):
        pass

    def handler(signum, frame):
        raise Stop

    old = signal.signal(signal.SIGUSR1, handler)
    try:
        # Nobody reads: the call blocks once the socket is full, until the signal.
        killer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGUSR1))
        killer.start()
        with pytest.raises(Stop):
            win32file.TransmitFile(a, h, 0, 0, None, 0)
        killer.join()
    finally:
        signal.signal(signal.SIGUSR1, old)
    assert a.getblocking() and not nonblocking(a)
    h.Close()
    a.close()
    b.close()


def _threads():
    return len(os.listdir("/proc/self/task"))


def test_many_transfers_through_one_port_without_a_thread_each(tmp_path):
    """16 TransmitFiles pending at once on 16 sockets associated with one port: the
    process gains no thread, and each completes once with its own total."""
    n = 16
    data = os.urandom(16 * MiB)  # more than a connection's buffers hold
    (tmp_path / "payload").write_bytes(data)
    handles = [open_read(tmp_path / "payload") for _ in range(n)]
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    # Warm up: the reactor (and the engine) start at their first use.
    a, b = pair()
    win32file.CreateIoCompletionPort(a, port, 99, 0)
    ol = overlapped()
    win32file.TransmitFile(a, handles[0], 10, 0, ol, win32file.TF_DISCONNECT, b"x")
    assert win32file.GetOverlappedResult(a, ol, True) == 11
    rc, nbytes, key, got_ol = win32file.GetQueuedCompletionStatus(port, 10000)
    assert (rc, nbytes, key) == (0, 11, 99)
    a.close()
    b.close()

    before = _threads()
    pairs = [pair() for _ in range(n)]
    ols = []
    for i, (a, _) in enumerate(pairs):
        win32file.CreateIoCompletionPort(a, port, i, 0)
        ol = pywintypes.OVERLAPPED()  # no event: the port alone reports it
        ol.Offset = 0
        assert win32file.TransmitFile(a, handles[i], 0, 0, ol, win32file.TF_DISCONNECT,
                                      f"<{i}>".encode(), b"</>") == winerror.ERROR_IO_PENDING
        ols.append(ol)
    # Nobody reads yet: every transfer is waiting for socket space.
    assert all(pending(a, ol) for (a, _), ol in zip(pairs, ols))
    assert _threads() <= before, "a thread per TransmitFile"
    # Drain every connection from this thread.
    sel = selectors.DefaultSelector()
    got = {}
    for i, (_, b) in enumerate(pairs):
        b.setblocking(False)
        sel.register(b, selectors.EVENT_READ, i)
        got[i] = bytearray()
    open_ = n
    while open_:
        for key, _ in sel.select(10):
            chunk = key.fileobj.recv(1 << 20)
            if chunk:
                got[key.data].extend(chunk)
            else:
                sel.unregister(key.fileobj)
                open_ -= 1
    seen = {}
    for _ in range(n):
        rc, nbytes, key, ol = win32file.GetQueuedCompletionStatus(port, 10000)
        assert rc == 0 and key not in seen
        seen[key] = nbytes
        assert ol is ols[key]
    rc, nbytes, key, ol = win32file.GetQueuedCompletionStatus(port, 0)
    assert rc == winerror.WAIT_TIMEOUT, "a completion came twice"
    for i in range(n):
        expected = f"<{i}>".encode() + data + b"</>"
        assert seen[i] == len(expected)
        assert bytes(got[i]) == expected
    assert _threads() <= before
    for (a, b) in pairs:
        a.close()
        b.close()
    for h in handles:
        h.Close()
    port.Close()


def _stalled_transfer(tmp_path, host=IPV4):
    """A TransmitFile of 64 MiB to a peer that does not read: it stays pending."""
    path = tmp_path / "big"
    path.write_bytes(b"\x5a" * (64 * MiB))
    h = open_read(path)
    a, b = pair(host)
    ol = overlapped()
    assert win32file.TransmitFile(a, h, 0, 0, ol, 0) == winerror.ERROR_IO_PENDING
    assert pending(a, ol)
    return h, a, b, ol


def test_cancel_io_mid_transfer(host, tmp_path):
    h, a, b, ol = _stalled_transfer(tmp_path, host)
    win32file.CancelIo(a)
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(a, ol, True)
    assert e.value.winerror == winerror.ERROR_OPERATION_ABORTED
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_OBJECT_0
    # The caller's socket is as it was (blocking) and still works.
    assert a.getblocking() and not nonblocking(a)
    b.setblocking(False)
    try:
        while b.recv(1 << 20):
            pass
    except BlockingIOError:
        pass
    b.setblocking(True)
    a.sendall(b"!")
    h.Close()
    a.close()
    b.close()


def test_closing_the_socket_mid_transfer(tmp_path):
    h, a, b, ol = _stalled_transfer(tmp_path)
    win32file.CloseHandle(a.fileno())  # ends winfile's adoption: its I/O aborts
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(a, ol, True)
    assert e.value.winerror == winerror.ERROR_OPERATION_ABORTED
    # Closing the socket object itself, with a transfer pending.
    ol2 = overlapped()
    win32file.TransmitFile(a, h, 0, 0, ol2, 0)
    a.close()
    assert win32event.WaitForSingleObject(ol2.hEvent, 10000) == win32event.WAIT_OBJECT_0
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(b.fileno(), ol2, False)
    assert e.value.winerror == winerror.ERROR_OPERATION_ABORTED
    h.Close()
    b.close()


def test_peer_reset_mid_transfer(host, tmp_path):
    h, a, b, ol = _stalled_transfer(tmp_path, host)
    b.recv(1000)
    # Close with unread data and a zero linger: the peer resets the connection.
    b.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    b.close()
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(a, ol, True)
    assert e.value.winerror == winerror.ERROR_NETNAME_DELETED
    assert a.getblocking() and not nonblocking(a)
    h.Close()
    a.close()


def test_a_send_issued_after_a_transfer_follows_it(tmp_path):
    data = os.urandom(8 * MiB)
    path = tmp_path / "payload"
    path.write_bytes(data)
    h = open_read(path)
    a, b = pair()
    ol1 = overlapped()
    win32file.TransmitFile(a, h, 0, 0, ol1, 0)
    ol2 = overlapped()
    win32file.WSASend(a, b"after", ol2)
    t, got = reader(b)
    assert win32file.GetOverlappedResult(a, ol1, True) == len(data)
    assert win32file.GetOverlappedResult(a, ol2, True) == 5
    a.shutdown(socket.SHUT_WR)
    t.join(30)
    assert bytes(got) == data + b"after"
    h.Close()
    a.close()
    b.close()


def test_bad_arguments(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    h = open_read(path)
    w = win32file.CreateFile(str(tmp_path / "w"), win32file.GENERIC_WRITE, 0, None, win32file.CREATE_ALWAYS, 0, None)
    a, b = pair()
    with pytest.raises(TypeError):
        win32file.TransmitFile(a, h, 0, 0, overlapped(), 0, "a str head")
    with pytest.raises(pywintypes.error) as e:
        win32file.TransmitFile(int(h), h, 0, 0, overlapped(), 0)
    assert e.value.winerror == winerror.WSAENOTSOCK
    with pytest.raises(pywintypes.error) as e:
        win32file.TransmitFile(a, w, 0, 0, overlapped(), 0)
    assert e.value.winerror == winerror.ERROR_ACCESS_DENIED
    stale = int(h)
    h.Close()
    with pytest.raises(pywintypes.error) as e:
        win32file.TransmitFile(a, stale, 0, 0, overlapped(), 0)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
    with pytest.raises(pywintypes.error) as e:
        win32file.TransmitFile(a, stale, 0, 0, None, 0)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
    w.Close()
    a.close()
    b.close()


def test_concurrent_transfers_on_one_socket_leave_it_blocking(tmp_path):
    """Several threads start TransmitFiles on one socket at once: every byte arrives
    and the socket is blocking again afterwards (the steps share the O_NONBLOCK they
    set, none restores the blocking mode under another)."""
    path = tmp_path / "payload"
    path.write_bytes(os.urandom(2 * MiB))
    h = open_read(path)
    a, b = pair()
    t, got = reader(b)
    ols = [overlapped() for _ in range(8)]
    start = threading.Barrier(len(ols))

    totals = []

    def issue(ol):
        start.wait()
        win32file.TransmitFile(a, h, 0, 0, ol, 0)
        totals.append(win32file.GetOverlappedResult(a, ol, True))

    threads = [threading.Thread(target=issue, args=(ol,)) for ol in ols]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    a.shutdown(socket.SHUT_WR)
    t.join(30)
    assert totals == [2 * MiB] * len(ols)
    assert len(got) == len(ols) * 2 * MiB
    assert a.getblocking() and not nonblocking(a)
    h.Close()
    a.close()
    b.close()


def big_file(tmp_path, size=64 * MiB):
    """A sparse file of `size` bytes, opened for TransmitFile."""
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        f.truncate(size)
    return open_read(path)


def reader_process(peer, ack=False):
    """A child process that drains `peer` (closed here: the child owns it) into one big
    buffer and prints the bytes it got; with `ack`, it reads 1 MiB at most and sends one
    byte back per read. In
    another process, with no GIL to share, it keeps up with the transfer."""
    code = ("import socket, sys\n"
            "s = socket.socket(fileno=int(sys.argv[1]))\n"
            f"buf = bytearray({1 << 20 if ack else 8 << 20})\n"
            "n = 0\n"
            "while True:\n"
            "    k = s.recv_into(buf)\n"
            "    if not k:\n"
            "        break\n"
            "    n += k\n"
            + ("    s.send(b'a')\n" if ack else "")
            + "print(n)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(peer.fileno())], pass_fds=[peer.fileno()],
                             stdout=subprocess.PIPE, text=True)
    peer.close()
    return child


def test_a_long_transfer_lets_other_sockets_complete_in_between(tmp_path):
    # A receive on another socket became ready before a 64 MiB TransmitFile starts: its
    # completion comes first, although the transfer's peer keeps up (a transfer runs in
    # bounded steps and yields to the other ready sockets between them).
    src = big_file(tmp_path)
    a, a_peer = pair()
    b, b_peer = pair()
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    win32file.CreateIoCompletionPort(a.fileno(), port, 1, 0)
    win32file.CreateIoCompletionPort(b.fileno(), port, 2, 0)
    child = reader_process(a_peer)
    try:
        buf = win32file.AllocateReadBuffer(16)
        rol = pywintypes.OVERLAPPED()
        win32file.WSARecv(b, buf, rol, 0)
        b_peer.send(b"ready")
        tol = pywintypes.OVERLAPPED()
        win32file.TransmitFile(a, src, 0, 0, tol, win32file.TF_DISCONNECT)
        keys = []
        for _ in range(2):
            rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, 30000)
            assert rc == 0
            keys.append(key)
        assert keys == [2, 1]
        assert int(child.communicate(timeout=60)[0]) == 64 * MiB
        assert bytes(buf[:5]) == b"ready"
    finally:
        child.kill()
        child.wait()
        for s in (a, b, b_peer):
            s.close()
        src.Close()
        port.Close()


def test_a_blocking_socket_stays_blocking_for_other_threads_during_a_transfer(tmp_path):
    # Full duplex on one blocking socket: while TransmitFile sends 64 MiB, a thread of the
    # caller receives the peer's acknowledgements with plain blocking recv calls. None of
    # them may fail with EAGAIN (BlockingIOError): the transfer never changes the socket's
    # mode (a blocking socket's file bytes go through send(MSG_DONTWAIT)).
    src = big_file(tmp_path)
    a, a_peer = pair()
    child = reader_process(a_peer, ack=True)
    errors, acks = [], [0]

    def receive_acks():
        try:
            while True:
                got = a.recv(4096)
                if not got:
                    return
                acks[0] += len(got)
        except OSError as e:
            errors.append(e)

    t = threading.Thread(target=receive_acks)
    t.start()
    try:
        ol = overlapped()
        win32file.TransmitFile(a, src, 0, 0, ol, 0)
        assert win32file.GetOverlappedResult(a.fileno(), ol, True) == 64 * MiB
        a.shutdown(socket.SHUT_WR)
        assert int(child.communicate(timeout=60)[0]) == 64 * MiB
        t.join(30)
        assert errors == []
        assert acks[0] > 0
        assert a.getblocking()
    finally:
        child.kill()
        child.wait()
        a.close()
        src.Close()
