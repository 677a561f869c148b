"""A socket number that the caller closed and reused names the new socket, never the one
winfile adopted for it before: WSASend/WSARecv/CreateIoCompletionPort act on the new
socket, the old adoption's pending receive completes with 995 (through the old port
association only) and its peer sees the close. Loopback only; both engine backends
(`make test` reruns it with WINFILE_ENGINE=pool)."""
import os
import socket

import pytest
import pywintypes
import win32event
import win32file
import winerror
from winfile import _native

tie_checks = _native.win32file._socket_tie_checks  # full tie checks run (a test hook)

def listening(host, backlog=8):
    """A listening socket on the `host` fixture's loopback address, and its family."""
    addr, family = host
    lst = socket.socket(family, socket.SOCK_STREAM)
    lst.bind((addr, 0))
    lst.listen(backlog)
    return lst, family


def connected(lst, family):
    """A client socket connected to `lst`, and the accepted server end."""
    c = socket.socket(family, socket.SOCK_STREAM)
    c.connect(lst.getsockname()[:2])
    s, _ = lst.accept()
    return c, s


def socket_at(number, family):
    """A new, unconnected socket whose descriptor is `number` (free right now)."""
    s = socket.socket(family, socket.SOCK_STREAM)
    if s.fileno() != number:  # another thread took the lowest number: move it there
        os.dup2(s.fileno(), number)
        s.close()
        s = socket.socket(family, socket.SOCK_STREAM, fileno=number)
    return s


def event_overlapped():
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    return ol


@pytest.mark.parametrize("as_int", [False, True], ids=["socket", "fileno"])
def test_a_reused_number_reaches_only_the_new_socket(host, as_int):
    lst, family = listening(host)
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    old_peer, old = connected(lst, family)
    number = old.fileno()
    arg = (lambda s: s.fileno()) if as_int else (lambda s: s)
    assert win32file.CreateIoCompletionPort(arg(old), port, 1, 0) is port
    old_ol = pywintypes.OVERLAPPED()
    old_buf = win32file.AllocateReadBuffer(16)
    assert win32file.WSARecv(arg(old), old_buf, old_ol, 0) == (winerror.ERROR_IO_PENDING, 0)

    old.close()  # the caller closes the number; winfile's duplicate still holds the socket
    new = socket_at(number, family)
    new.connect(lst.getsockname()[:2])
    new_peer, _ = lst.accept()
    try:
        assert new.fileno() == number
        # WSASend on the number sends on the new socket.
        send_ol = event_overlapped()
        win32file.WSASend(arg(new), b"fresh", send_ol, 0)
        assert win32file.GetOverlappedResult(arg(new), send_ol, True) == 5
        new_peer.settimeout(30)
        assert new_peer.recv(16) == b"fresh"
        # The old adoption ended with that use: its receive completed with 995 through
        # the old association (key 1), and its peer sees the close.
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 30000)
        assert (rc, n, key) == (winerror.ERROR_OPERATION_ABORTED, 0, 1) and got is old_ol
        old_peer.settimeout(30)
        assert old_peer.recv(16) == b""
        # The new socket is not associated with the old socket's port: associating it
        # gives its own key, and WSARecv receives the new socket's data.
        assert win32file.CreateIoCompletionPort(arg(new), port, 2, 0) is port
        ol = pywintypes.OVERLAPPED()
        buf = win32file.AllocateReadBuffer(16)
        assert win32file.WSARecv(arg(new), buf, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
        new_peer.sendall(b"to new")
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 30000)
        assert (rc, n, key) == (0, 6, 2) and got is ol and bytes(buf[:6]) == b"to new"
        # Nothing else came through the port (the send above had no association).
        win32file.PostQueuedCompletionStatus(port, 0, 99, None)
        assert win32file.GetQueuedCompletionStatus(port, 30000)[2] == 99
        assert bytes(old_buf[:1]) == b"\0"
    finally:
        for s in (new, new_peer, old_peer, lst):
            s.close()
        port.Close()


def test_a_number_reused_for_a_file_is_not_a_socket(host, tmp_path):
    lst, family = listening(host, 1)
    peer, s = connected(lst, family)
    number = s.fileno()
    assert win32file.WSASend(s, b"x", None) == (0, 1)  # adopted
    s.close()
    fd = os.open(tmp_path / "f", os.O_CREAT | os.O_RDWR)
    try:
        if fd != number:
            os.dup2(fd, number)
        with pytest.raises(pywintypes.error) as e:
            win32file.WSASend(number, b"y", None)
        assert e.value.winerror == winerror.WSAENOTSOCK
        assert os.path.getsize(tmp_path / "f") == 0
        peer.settimeout(30)
        assert peer.recv(4) == b"x" and peer.recv(4) == b""  # the old adoption let go
    finally:
        os.close(fd)
        if fd != number:
            os.close(number)
        peer.close()
        lst.close()


def test_a_crt_handle_of_a_socket_follows_its_number(host):
    """_get_osfhandle of a socket descriptor is tied the same way (by socket cookie): once
    the number names another socket, the old handle fails with ERROR_INVALID_HANDLE and
    touches neither socket, and _get_osfhandle gives a handle for the new one."""
    lst, family = listening(host)
    old_peer, old = connected(lst, family)
    number = old.fileno()
    h = win32file._get_osfhandle(number)
    assert win32file.WriteFile(h, b"old") == (0, 3)
    old_peer.settimeout(30)
    assert old_peer.recv(8) == b"old"
    old.close()
    new = socket_at(number, family)
    new.connect(lst.getsockname()[:2])
    new_peer, _ = lst.accept()
    try:
        with pytest.raises(pywintypes.error) as e:
            win32file.WriteFile(h, b"stale")
        assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
        assert old_peer.recv(8) == b""  # the handle let go of the old socket
        h2 = win32file._get_osfhandle(number)
        assert h2 != h
        assert win32file.WriteFile(h2, b"new") == (0, 3)
        new_peer.settimeout(30)
        assert new_peer.recv(8) == b"new"
    finally:
        for s in (new, new_peer, old_peer, lst):
            s.close()


# ---- The owner rule: a socket.socket vouches for its number --------------------------------
# While a socket object is open it owns its number (closing or detaching it makes fileno()
# -1 for good), so the adoption remembers (a weak reference) the object that last passed the
# full tie check, and the same object naming the same number skips the check's system call.
# Numbers passed as ints are checked every time.


def port_pair(host, key=1):
    """A completion port, a connected pair (client object, server-end peer) whose client is
    associated with the port under `key`, and the listener."""
    lst, family = listening(host)
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    c, peer = connected(lst, family)
    win32file.CreateIoCompletionPort(c.fileno(), port, key, 0)
    return port, c, peer, lst


def echo_once(port, arg, peer, buf, ol):
    """One WSASend and one WSARecv on `arg` through the port: what a request of the echo
    server does."""
    assert win32file.WSASend(arg, b"ping", ol, 0)[0] in (0, winerror.ERROR_IO_PENDING)
    rc, n, _, got = win32file.GetQueuedCompletionStatus(port, 30000)
    assert (rc, n, got) == (0, 4, ol)
    assert peer.recv(4) == b"ping"
    assert win32file.WSARecv(arg, buf, ol, 0) == (winerror.ERROR_IO_PENDING, 0)
    peer.sendall(b"pong")
    rc, n, _, got = win32file.GetQueuedCompletionStatus(port, 30000)
    assert (rc, n, got) == (0, 4, ol) and bytes(buf[:4]) == b"pong"


def test_the_same_socket_object_skips_the_tie_check_an_int_never_does(host):
    port, c, peer, lst = port_pair(host)
    peer.settimeout(30)
    buf, ol = win32file.AllocateReadBuffer(16), pywintypes.OVERLAPPED()
    try:
        echo_once(port, c, peer, buf, ol)  # the object's first use: checked, then recorded
        before = tie_checks()
        for _ in range(20):
            echo_once(port, c, peer, buf, ol)
        assert tie_checks() == before, "the recorded object vouched: no system call"
        # Where a HANDLE is taken, the object vouches too.
        for _ in range(3):
            assert win32file.GetOverlappedResult(c, ol, False) == 4
        assert tie_checks() == before
        before = tie_checks()
        for _ in range(20):
            echo_once(port, c.fileno(), peer, buf, ol)
        assert tie_checks() >= before + 40, "a number passed as an int: checked every time"
        # Another object for the same socket (detached and re-wrapped): checked once, then
        # it is the one that vouches; the old object, now -1, is no socket at all.
        d = socket.socket(c.family, c.type, fileno=c.detach())
        try:
            before = tie_checks()
            echo_once(port, d, peer, buf, ol)
            echo_once(port, d, peer, buf, ol)
            assert tie_checks() == before + 1
            with pytest.raises(pywintypes.error) as e:
                win32file.WSASend(c, b"x", ol, 0)
            assert e.value.winerror == winerror.WSAENOTSOCK
        finally:
            d.close()
    finally:
        for s in (c, peer, lst):
            s.close()
        port.Close()


def test_a_closed_object_and_its_reused_number(host):
    """The old object, vouched for until then, gives WSAENOTSOCK once closed; the new object
    at the same number reaches the new socket; the old adoption's pending receive
    completes with 995."""
    addr, family = host
    port, old, old_peer, lst = port_pair(host, key=1)
    buf, ol = win32file.AllocateReadBuffer(16), pywintypes.OVERLAPPED()
    old_peer.settimeout(30)
    echo_once(port, old, old_peer, buf, ol)
    echo_once(port, old, old_peer, buf, ol)  # vouched for
    number = old.fileno()
    pending_ol, pending_buf = pywintypes.OVERLAPPED(), win32file.AllocateReadBuffer(16)
    assert win32file.WSARecv(old, pending_buf, pending_ol, 0) == (winerror.ERROR_IO_PENDING, 0)
    old.close()
    new = socket_at(number, family)
    new.connect(lst.getsockname()[:2])
    new_peer, _ = lst.accept()
    new_peer.settimeout(30)
    try:
        for call, data in ((win32file.WSASend, b"x"), (win32file.WSARecv, win32file.AllocateReadBuffer(4))):
            with pytest.raises(pywintypes.error) as e:
                call(old, data, pywintypes.OVERLAPPED(), 0)
            assert e.value.winerror == winerror.WSAENOTSOCK
        send_ol = event_overlapped()
        assert win32file.WSASend(new, b"fresh", send_ol, 0)[0] in (0, winerror.ERROR_IO_PENDING)
        assert new_peer.recv(16) == b"fresh"
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 30000)
        assert (rc, n, key) == (winerror.ERROR_OPERATION_ABORTED, 0, 1) and got is pending_ol
        assert old_peer.recv(16) == b""
        assert bytes(pending_buf[:1]) == b"\0"
    finally:
        for s in (new, new_peer, old_peer, lst):
            s.close()
        port.Close()


def test_a_number_reused_behind_the_objects_back_is_checked_as_an_int(host):
    """os.dup2 over the number of a live, vouching object (outside the owner rule): the
    number passed as an int still gets the full check, reaches the socket it names now,
    and ends the old adoption (its pending receive: 995)."""
    addr, family = host
    port, a, a_peer, lst = port_pair(host, key=1)
    b, b_peer = connected(lst, family)
    a_peer.settimeout(30)
    b_peer.settimeout(30)
    buf, ol = win32file.AllocateReadBuffer(16), pywintypes.OVERLAPPED()
    echo_once(port, a, a_peer, buf, ol)
    echo_once(port, a, a_peer, buf, ol)  # vouched for
    pending_ol, pending_buf = pywintypes.OVERLAPPED(), win32file.AllocateReadBuffer(16)
    assert win32file.WSARecv(a, pending_buf, pending_ol, 0) == (winerror.ERROR_IO_PENDING, 0)
    number = a.fileno()
    os.dup2(b.fileno(), number)  # behind a's back: the number now names b's socket
    try:
        before = tie_checks()
        send_ol = event_overlapped()
        assert win32file.WSASend(number, b"to b", send_ol, 0)[0] in (0, winerror.ERROR_IO_PENDING)
        assert tie_checks() > before
        assert b_peer.recv(16) == b"to b"
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 30000)
        assert (rc, n, key) == (winerror.ERROR_OPERATION_ABORTED, 0, 1) and got is pending_ol
        assert a_peer.recv(16) == b""  # the old adoption let go of a's socket
    finally:
        for s in (a, b, a_peer, b_peer, lst):  # a closes its number: b's duplicate
            s.close()
        port.Close()


def test_a_dead_objects_record_never_vouches_for_a_new_object(host):
    """Socket objects closed and collected, new ones made at once: the new object often
    lands at the dead one's address with the dead one's number, and must still be checked
    (the record is a weak reference, dead with its object, not an address) and reach its
    own socket."""
    lst, family = listening(host, 64)
    ol = event_overlapped()
    same_place = 0
    try:
        c = socket.socket(family, socket.SOCK_STREAM)
        for i in range(60):
            c.connect(lst.getsockname()[:2])
            peer, _ = lst.accept()
            peer.settimeout(30)
            msg = b"%03d" % i
            for _ in range(2):  # adopted (or checked), then vouched for
                win32file.WSASend(c, msg, ol, 0)
                assert win32file.GetOverlappedResult(c.fileno(), ol, True) == 3
            got = b""
            while len(got) < 6 and (part := peer.recv(16)):
                got += part
            assert got == msg + msg, "each object reaches its own socket"
            place, number = id(c), c.fileno()
            c.close()
            del c
            c = socket.socket(family, socket.SOCK_STREAM)
            same_place += (id(c), c.fileno()) == (place, number)
            peer.close()
        c.close()
        assert same_place > 0, "no new object landed where a dead one was: nothing was tried"
    finally:
        lst.close()


def test_the_record_does_not_keep_the_socket_object_alive(host):
    """The adoption's record of its owner is a weak reference: a socket object the program
    drops is collected, its finalizer closes the number, and the reactor's sweep then ends
    the adoption (the peer sees the close)."""
    import gc
    import warnings
    import weakref

    port, c, peer, lst = port_pair(host)
    peer.settimeout(30)
    buf, ol = win32file.AllocateReadBuffer(16), pywintypes.OVERLAPPED()
    try:
        echo_once(port, c, peer, buf, ol)
        echo_once(port, c, peer, buf, ol)  # recorded, then vouched for
        ref = weakref.ref(c)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # dropped unclosed, on purpose
            del c
            gc.collect()
        assert ref() is None, "the socket object was collected"
        assert peer.recv(16) == b"", "its number closed, and winfile's duplicate with it"
    finally:
        peer.close()
        lst.close()
        port.Close()
