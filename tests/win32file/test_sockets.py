"""Sockets through win32file: AcceptEx, GetAcceptExSockaddrs, CalculateSocketEndPointSize,
ConnectEx, WSASend/WSARecv, TransmitFile, and socket handles in the file and completion
port functions. Loopback only (127.0.0.1 and ::1); runs under both engine backends
(`make test` reruns it with WINFILE_ENGINE=pool)."""
import os
import socket
import threading

import pytest
import pywintypes
import win32event
import win32file
import winerror

IPV4 = ("127.0.0.1", socket.AF_INET)


def listener(host):
    addr, family = host
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((addr, 0))
    s.listen(64)
    return s


def overlapped():
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    return ol


def wait(ol, timeout=10000):
    assert win32event.WaitForSingleObject(ol.hEvent, timeout) == win32event.WAIT_OBJECT_0


def test_calculate_end_point_size(host):
    with socket.socket(host[1]) as s:
        expected = 64 if host[1] == socket.AF_INET else 88
        assert win32file.CalculateSocketEndPointSize(s) == expected
        assert win32file.CalculateSocketEndPointSize(s.fileno()) == expected


def test_accept_ex_receive_first_and_sockaddrs(host):
    lst = listener(host)
    acc = socket.socket(host[1])
    size = win32file.CalculateSocketEndPointSize(lst)
    buf = win32file.AllocateReadBuffer(100 + size)
    ol = overlapped()
    assert win32file.AcceptEx(lst, acc, buf, ol) == winerror.ERROR_IO_PENDING
    cli = socket.create_connection(lst.getsockname()[:2])
    # Receive-first: nothing completes before the first data.
    assert win32event.WaitForSingleObject(ol.hEvent, 50) == win32event.WAIT_TIMEOUT
    cli.sendall(b"hello")
    wait(ol)
    n = win32file.GetOverlappedResult(lst.fileno(), ol, False)
    assert n == 5 and bytes(buf[:n]) == b"hello"
    family, local, remote = win32file.GetAcceptExSockaddrs(acc, buf)
    if host[1] == socket.AF_INET:
        assert family == socket.AF_INET
        assert local == (b"127.0.0.1", lst.getsockname()[1])
        assert remote == (cli.getsockname()[0].encode(), cli.getsockname()[1])
    else:
        assert family == 23  # Winsock's AF_INET6
        assert local[:2] == ("::1", lst.getsockname()[1])
        assert remote[:2] == ("::1", cli.getsockname()[1])
    # The accept socket is now the connection.
    acc.sendall(b"back")
    assert cli.recv(10) == b"back"
    assert acc.getpeername()[:2] == cli.getsockname()[:2]
    for s in (cli, acc, lst):
        s.close()


def test_accept_ex_without_data_completes_on_accept(host):
    lst = listener(host)
    acc = socket.socket(host[1])
    buf = win32file.AllocateReadBuffer(win32file.CalculateSocketEndPointSize(lst))
    ol = overlapped()
    win32file.AcceptEx(lst, acc, buf, ol)
    cli = socket.create_connection(lst.getsockname()[:2])
    wait(ol)
    assert win32file.GetOverlappedResult(lst, ol, True) == 0
    assert win32file.GetAcceptExSockaddrs(acc, buf)[2][1] == cli.getsockname()[1]
    for s in (cli, acc, lst):
        s.close()


def test_accept_ex_bad_arguments(host):
    lst = listener(host)
    acc = socket.socket(host[1])
    ol = overlapped()
    with pytest.raises(TypeError):
        win32file.AcceptEx(lst, acc, " " * 1024, ol)
    with pytest.raises(TypeError):
        win32file.AcceptEx(lst, acc, b" " * 1024, ol)
    with pytest.raises(ValueError):
        win32file.AcceptEx(lst, acc, bytearray(10), ol)
    with pytest.raises(TypeError):
        win32file.AcceptEx("spam", acc, bytearray(200), ol)
    with socket.socket(host[1]) as not_listening:
        with pytest.raises(pywintypes.error) as e:
            win32file.AcceptEx(not_listening, acc, bytearray(200), ol)
        assert e.value.winerror == winerror.WSAEINVAL
    with open(os.devnull, "rb") as f:
        with pytest.raises(pywintypes.error) as e:
            win32file.AcceptEx(f.fileno(), acc, bytearray(200), ol)
        assert e.value.winerror == winerror.WSAENOTSOCK
    # A rejected call left the OVERLAPPED as it was.
    assert ol.Internal == 0 and win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_TIMEOUT
    lst.close()
    with pytest.raises(pywintypes.error) as e:
        win32file.AcceptEx(lst, acc, bytearray(200), ol)
    assert e.value.winerror == winerror.WSAENOTSOCK
    acc.close()


def test_connect_ex_with_and_without_payload(host):
    lst = listener(host)
    for payload in (b"request", None):
        c = socket.socket(host[1])
        c.bind((host[0], 0))
        ol = overlapped()
        rc, n = win32file.ConnectEx(c, lst.getsockname()[:2], ol, payload)
        assert (rc, n) == (winerror.ERROR_IO_PENDING, 0)
        srv, _ = lst.accept()
        sent = win32file.GetOverlappedResult(c.fileno(), ol, True)
        assert sent == (len(payload) if payload else 0)
        if payload:
            assert srv.recv(100) == payload
        srv.sendall(b"response")
        assert c.recv(100) == b"response"
        srv.close()
        c.close()
    lst.close()


def test_connect_ex_requires_a_bound_socket(host):
    lst = listener(host)
    with socket.socket(host[1]) as c:
        with pytest.raises(pywintypes.error) as e:
            win32file.ConnectEx(c, lst.getsockname()[:2], overlapped())
        assert e.value.winerror == winerror.WSAEINVAL
    lst.close()


def test_connect_ex_refused(host):
    # A port nobody listens on: bind one, close it.
    with socket.socket(host[1]) as probe:
        probe.bind((host[0], 0))
        port = probe.getsockname()[1]
    c = socket.socket(host[1])
    c.bind((host[0], 0))
    ol = overlapped()
    win32file.ConnectEx(c, (host[0], port), ol)
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(c, ol, True)
    assert e.value.winerror == winerror.ERROR_CONNECTION_REFUSED
    c.close()


def pair(host):
    lst = listener(host)
    a = socket.create_connection(lst.getsockname()[:2])
    b, _ = lst.accept()
    lst.close()
    return a, b


def test_wsasend_wsarecv_shapes(host):
    a, b = pair(host)
    assert win32file.WSASend(a, b"sync", None) == (0, 4)
    ol = overlapped()
    buf = win32file.AllocateReadBuffer(16)
    rc, n = win32file.WSARecv(b, buf, ol, 0)
    # (0, 4) if the bytes were there (received in the call), else (997, 0).
    assert (rc, n) in ((0, 4), (winerror.ERROR_IO_PENDING, 0))
    assert win32file.GetOverlappedResult(b.fileno(), ol, True) == 4 and bytes(buf[:4]) == b"sync"
    ol2 = overlapped()
    rc, n = win32file.WSASend(b, b"x" * 100000, ol2, 0)
    assert (rc, n) in ((0, 100000), (winerror.ERROR_IO_PENDING, 0))
    got = b""
    while len(got) < 100000:
        got += a.recv(65536)
    assert win32file.GetOverlappedResult(b, ol2, True) == 100000 and got == b"x" * 100000
    with pytest.raises(TypeError):
        win32file.WSARecv(b, " " * 10, overlapped())
    with pytest.raises(TypeError):
        win32file.WSARecv(b, b"0123456789", overlapped())
    # MSG_PEEK leaves the data queued.
    a.sendall(b"peek")
    ol3 = overlapped()
    win32file.WSARecv(b, buf, ol3, socket.MSG_PEEK)
    assert win32file.GetOverlappedResult(b, ol3, True) == 4
    assert b.recv(10) == b"peek"
    # Blocking WSARecv without an OVERLAPPED.
    a.sendall(b"blocking")
    assert win32file.WSARecv(b, buf, None) == (0, 8)
    a.close()
    b.close()



def test_wsasend_flags_are_honoured(host):
    # MSG_OOB sends urgent data (the peer reads it with MSG_OOB), with and without an OVERLAPPED.
    a, b = pair(host)
    assert win32file.WSASend(a, b"!", None, socket.MSG_OOB) == (0, 1)
    assert b.recv(1, socket.MSG_OOB) == b"!"
    ol = overlapped()
    win32file.WSASend(a, b"?", ol, socket.MSG_OOB)
    assert win32file.GetOverlappedResult(a, ol, True) == 1
    assert b.recv(1, socket.MSG_OOB) == b"?"
    a.close()
    b.close()

def test_orderly_close_and_reset(host):
    a, b = pair(host)
    ol = overlapped()
    buf = win32file.AllocateReadBuffer(16)
    win32file.WSARecv(b, buf, ol)
    a.shutdown(socket.SHUT_WR)
    assert win32file.GetOverlappedResult(b, ol, True) == 0  # graceful close: 0 bytes
    a.close()
    b.close()
    a, b = pair(host)
    ol = overlapped()
    win32file.WSARecv(b, buf, ol)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    a.close()  # RST
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(b, ol, True)
    assert e.value.winerror == winerror.ERROR_NETNAME_DELETED
    b.close()


def test_readfile_writefile_on_a_socket(host):
    a, b = pair(host)
    assert win32file.GetFileType(a) == win32file.FILE_TYPE_PIPE
    assert win32file.GetFileType(a.fileno()) == win32file.FILE_TYPE_PIPE
    win32file.WriteFile(a, b"plain")
    rc, data = win32file.ReadFile(b, 5)
    assert (rc, bytes(data)) == (0, b"plain")
    ol = overlapped()
    rc, data = win32file.ReadFile(b.fileno(), 16, ol)
    assert rc == winerror.ERROR_IO_PENDING
    win32file.WriteFile(a.fileno(), b"overlapped", overlapped())
    n = win32file.GetOverlappedResult(b, ol, True)
    assert bytes(data[:n]) == b"overlapped"
    a.close()
    b.close()


def test_completion_port_association_and_packets(host):
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    a, b = pair(host)
    assert win32file.CreateIoCompletionPort(b, port, 7, 0) is port
    ol = pywintypes.OVERLAPPED()
    buf = win32file.AllocateReadBuffer(8)
    win32file.WSARecv(b, buf, ol)
    a.sendall(b"packet")
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 10000)
    assert (rc, n, key) == (0, 6, 7) and got is ol
    # Completion order: the OVERLAPPED already held the result when the packet came.
    assert ol.Internal == 0 and ol.InternalHigh == 6
    a.close()
    b.close()
    port.Close()


def test_a_thread_blocked_on_the_port_completes_socket_io(host):
    """A thread already blocked in GetQueuedCompletionStatus when data arrives (it waits in
    the reactor's epoll set itself) gets the packet, with the OVERLAPPED and its event set
    first; cancellation and a posted packet reach it the same way."""
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    a, b = pair(host)
    win32file.CreateIoCompletionPort(b, port, 3, 0)
    got = []
    seen = []

    def waiter(n):
        for _ in range(n):
            rc, nbytes, key, ol = win32file.GetQueuedCompletionStatus(port, 20000)
            if ol is not None:
                seen.append((ol.Internal, ol.InternalHigh, win32event.WaitForSingleObject(ol.hEvent, 0)))
            got.append((rc, nbytes, key, ol))

    def run(n, start):
        t = threading.Thread(target=waiter, args=(n,))
        t.start()
        start()
        t.join(30)
        assert not t.is_alive()

    buf = win32file.AllocateReadBuffer(16)
    # Data arriving while the thread waits.
    ol = overlapped()
    win32file.WSARecv(b, buf, ol)
    run(1, lambda: a.sendall(b"late data"))
    assert got.pop() == (0, 9, 3, ol)
    assert seen.pop() == (0, 9, win32event.WAIT_OBJECT_0)
    assert bytes(buf[:9]) == b"late data"
    # CancelIo while the thread waits.
    ol = overlapped()
    win32file.WSARecv(b, buf, ol)
    run(1, lambda: win32file.CancelIo(b))
    assert got.pop() == (winerror.ERROR_OPERATION_ABORTED, 0, 3, ol)
    # A posted packet, then a receive, both to the same waiting thread.
    ol = overlapped()
    win32file.WSARecv(b, buf, ol)
    run(2, lambda: (win32file.PostQueuedCompletionStatus(port, 5, 9, None), a.sendall(b"x")))
    assert sorted(got, key=lambda g: g[2]) == [(0, 1, 3, ol), (0, 5, 9, None)]
    a.close()
    b.close()
    port.Close()


def test_accept_socket_keeps_its_port_association(host):
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    lst = listener(host)
    acc = socket.socket(host[1])
    win32file.CreateIoCompletionPort(lst, port, 1, 0)
    win32file.CreateIoCompletionPort(acc, port, 2, 0)
    ol = pywintypes.OVERLAPPED()
    buf = win32file.AllocateReadBuffer(win32file.CalculateSocketEndPointSize(lst))
    win32file.AcceptEx(lst, acc, buf, ol)
    cli = socket.create_connection(lst.getsockname()[:2])
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 10000)
    assert (rc, key, got) == (0, 1, ol)  # AcceptEx completes on the listener's port
    ol2 = pywintypes.OVERLAPPED()
    rbuf = win32file.AllocateReadBuffer(8)
    win32file.WSARecv(acc, rbuf, ol2)
    cli.sendall(b"hi")
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 10000)
    assert (rc, n, key, got) == (0, 2, 2, ol2)  # the connection kept the accept socket's key
    for s in (cli, acc, lst):
        s.close()
    port.Close()


def test_cancel_io_and_close_with_pending(host):
    a, b = pair(host)
    ol = overlapped()
    buf = win32file.AllocateReadBuffer(8)
    win32file.WSARecv(b, buf, ol)
    win32file.CancelIo(b)
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(b, ol, True)
    assert e.value.winerror == winerror.ERROR_OPERATION_ABORTED
    # Closing the socket with a receive in flight completes it with 995.
    ol = overlapped()
    win32file.WSARecv(b, buf, ol)
    fd = b.fileno()
    b.close()
    wait(ol)
    assert ol.Internal == winerror.ERROR_OPERATION_ABORTED
    with pytest.raises(pywintypes.error) as e:
        win32file.WSARecv(fd, buf, overlapped())
    assert e.value.winerror == winerror.WSAENOTSOCK
    with pytest.raises(pywintypes.error) as e:
        win32file.WSARecv(b, buf, overlapped())  # closed socket object: fileno() -1
    assert e.value.winerror == winerror.WSAENOTSOCK
    # The peer sees the close: winfile's duplicate went with the adoption.
    a.settimeout(10)
    assert a.recv(10) == b""
    a.close()


def test_pending_accept_cancelled_by_closing_the_listener(host):
    lst = listener(host)
    acc = socket.socket(host[1])
    ol = overlapped()
    win32file.AcceptEx(lst, acc, win32file.AllocateReadBuffer(200), ol)
    lst.close()
    wait(ol)
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(acc, ol, False)
    assert e.value.winerror == winerror.ERROR_OPERATION_ABORTED
    acc.close()


def test_closehandle_ends_the_adoption_only(host):
    a, b = pair(host)
    win32file.CloseHandle(b.fileno())
    # The descriptor is the socket object's, still open and usable.
    a.sendall(b"still")
    assert b.recv(10) == b"still"
    a.close()
    b.close()


def test_handle_values_never_collide_with_descriptors(tmp_path):
    h = win32file.CreateFile(str(tmp_path / "f"), win32file.GENERIC_WRITE, 0, None, win32file.CREATE_ALWAYS, 0, None)
    assert int(h) > 2**31
    with socket.socket() as s:
        assert s.fileno() < 2**31
        with pytest.raises(pywintypes.error) as e:
            win32file.WSARecv(int(h), bytearray(4), None)
        assert e.value.winerror == winerror.WSAENOTSOCK
    h.Close()
    # A stale descriptor number is not a handle either.
    with pytest.raises(pywintypes.error) as e:
        win32file.CloseHandle(1 << 20)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE


def test_transmit_file_head_tail_offset(host, tmp_path):
    data = os.urandom(3 << 20)
    path = tmp_path / "payload"
    path.write_bytes(data)
    a, b = pair(host)
    h = win32file.CreateFile(str(path), win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)
    got = bytearray()

    def reader():
        while True:
            chunk = b.recv(1 << 20)
            if not chunk:
                return
            got.extend(chunk)

    t = threading.Thread(target=reader)
    t.start()
    ol = overlapped()
    assert win32file.TransmitFile(a, h, 0, 0, ol, 0, b"HEAD", b"TAIL") in (0, winerror.ERROR_IO_PENDING)
    total = win32file.GetOverlappedResult(a, ol, True)
    ol = overlapped()
    ol.Offset = 1000
    win32file.TransmitFile(a, h, 5000, 0, ol, win32file.TF_DISCONNECT)
    total += win32file.GetOverlappedResult(a, ol, True)
    t.join(30)
    assert not t.is_alive()
    expected = b"HEAD" + data + b"TAIL" + data[1000:6000]
    assert total == len(expected) and bytes(got) == expected
    h.Close()
    a.close()
    b.close()


def test_many_concurrent_accepts_and_receives_through_one_port():
    """8 threads draining one port while many AcceptEx/WSARecv are in flight: every
    completion arrives exactly once."""
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    lst = listener(IPV4)
    win32file.CreateIoCompletionPort(lst, port, 0, 0)
    clients = 64
    accepts = {}
    size = win32file.CalculateSocketEndPointSize(lst)
    for i in range(clients):
        acc = socket.socket()
        ol = pywintypes.OVERLAPPED()
        ol.object = ("accept", i)
        buf = win32file.AllocateReadBuffer(size)
        win32file.AcceptEx(lst, acc, buf, ol)
        accepts[i] = (acc, ol, buf)
    seen = []
    lock = threading.Lock()
    expected = clients * 2  # one accept and one receive per client

    def worker():
        while True:
            rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, 10000)
            if ol is None:
                return
            with lock:
                seen.append((ol.object, n))
                if ol.object[0] == "accept":
                    acc = accepts[ol.object[1]][0]
                    win32file.CreateIoCompletionPort(acc, port, 1, 0)
                    rol = pywintypes.OVERLAPPED()
                    rol.object = ("recv", ol.object[1])
                    rbuf = win32file.AllocateReadBuffer(16)
                    accepts[ol.object[1]] += (rol, rbuf)
                    win32file.WSARecv(acc, rbuf, rol)
                if len(seen) == expected:
                    for _ in range(8):
                        win32file.PostQueuedCompletionStatus(port, 0, 0, None)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    conns = [socket.create_connection(lst.getsockname()) for _ in range(clients)]
    for i, c in enumerate(conns):
        c.sendall(b"%d" % i)
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    assert len(seen) == expected
    assert sorted(o for o, _ in seen) == sorted([("accept", i) for i in range(clients)]
                                                 + [("recv", i) for i in range(clients)])
    # Each connection's data reached the socket it was accepted into.
    by_peer = {c.getsockname(): b"%d" % i for i, c in enumerate(conns)}
    for acc, _ol, _buf, rol, rbuf in accepts.values():
        assert bytes(rbuf[:rol.InternalHigh]) == by_peer[acc.getpeername()]
    for c in conns:
        c.close()
    for entry in accepts.values():
        entry[0].close()
    lst.close()
    port.Close()


def test_no_descriptor_leaks(host):
    import gc
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(20):
        a, b = pair(host)
        ol = overlapped()
        win32file.WSARecv(b, win32file.AllocateReadBuffer(4), ol)
        a.sendall(b"x")
        win32file.GetOverlappedResult(b, ol, True)
        a.close()
        b.close()
        win32event.CloseHandle(ol.hEvent) if hasattr(win32event, "CloseHandle") else None
    gc.collect()
    # Closed sockets' adoptions go at the next use or the reactor's sweep (100 ms).
    for _ in range(100):
        if len(os.listdir("/proc/self/fd")) <= before:
            break
        win32event.WaitForSingleObject(win32event.CreateEvent(None, 0, 0, None), 20)
    assert len(os.listdir("/proc/self/fd")) <= before


def test_the_iocp_echo_server_example_runs():
    import subprocess
    import sys
    from pathlib import Path
    example = Path(__file__).resolve().parents[2] / "examples" / "iocp_echo_server.py"
    r = subprocess.run([sys.executable, str(example), "--selftest", "8"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "all echoed" in r.stdout


def test_waiting_on_a_socket_handle(host):
    a, b = pair(host)
    assert win32event.WaitForSingleObject(b, 0) == win32event.WAIT_OBJECT_0  # no I/O in flight
    ol = overlapped()
    win32file.WSARecv(b, win32file.AllocateReadBuffer(4), ol)
    assert win32event.WaitForSingleObject(b.fileno(), 0) == win32event.WAIT_TIMEOUT  # a receive pending
    a.sendall(b"x")
    assert win32event.WaitForSingleObject(b, 10000) == win32event.WAIT_OBJECT_0
    assert win32file.GetOverlappedResult(b, ol, False) == 1
    a.close()
    b.close()


def test_buffers_of_socket_operations_that_complete_in_the_call_are_released_by_its_end(host):
    # A WSASend that completes at once, and a WSARecv completed by a zero-timeout
    # GetQueuedCompletionStatus (its poll runs the ready receive on the caller's thread,
    # GIL held): their bytearrays are given back before the call returns, so Python may
    # resize them at once (a buffer still lent would raise BufferError).
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    a, b = pair(host)
    win32file.CreateIoCompletionPort(b, port, 3, 0)
    data = bytearray(b"sent at once")
    ol = pywintypes.OVERLAPPED()
    # (12 bytes into an empty loopback socket: sent in the call, so (0, 12), as Windows.)
    assert win32file.WSASend(b, data, ol, 0) == (0, 12)
    del data[:]  # no BufferError: given back by the end of WSASend
    assert win32file.GetQueuedCompletionStatus(port, 10000)[:3] == (0, 12, 3)
    assert a.recv(100) == b"sent at once"
    for _ in range(3):
        target = bytearray(64)
        ol = pywintypes.OVERLAPPED()
        win32file.WSARecv(b, target, ol, 0)
        a.sendall(b"ping")
        while True:
            rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 0)
            if rc != winerror.WAIT_TIMEOUT:
                break
        assert (rc, n, key, got) == (0, 4, 3, ol) and target[:4] == b"ping"
        target.extend(b"more")  # no BufferError: given back by the end of the call
        assert len(target) == 68
    a.close()
    b.close()
    port.Close()
