"""The reactor's short-read rule (docs/completion-path.md, section 6): a receive on a TCP
socket that waited and came back with fewer bytes than it asked marks the socket not
ready to read, as EAGAIN does, so the next receive waits for an edge instead of failing
first. These tests check that nothing is lost where a short read does NOT mean an empty
receive queue — the peer's close or reset right behind the data, urgent data, datagrams,
AF_UNIX messages carrying descriptors — and that data arriving after the mark arrives.
Every receive is posted before the peer sends, so it waits (and the rule applies)."""
import os
import socket

import pytest
import pywintypes
import win32event
import win32file
from helpers import tcp_pair


def post(sock, size=8):
    buf = win32file.AllocateReadBuffer(size)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    win32file.WSARecv(sock, buf, ol, 0)
    return buf, ol


def result(sock, posted):
    """The bytes a posted receive got (raises pywintypes.error if it failed)."""
    buf, ol = posted
    # A hang guard, not a timing assertion: every receive here has its data.
    assert win32event.WaitForSingleObject(ol.hEvent, 10000) == win32event.WAIT_OBJECT_0
    n = win32file.GetOverlappedResult(sock.fileno(), ol, False)
    return bytes(buf[:n])


def test_a_message_after_a_short_read_arrives():
    a, b = tcp_pair()
    with a, b:
        first, second = post(b), post(b)
        a.send(b"ab")
        assert result(b, first) == b"ab"
        a.send(b"cd")
        assert result(b, second) == b"cd"
        # Sent before the next receive is posted, while the socket may still be marked.
        a.send(b"ef")
        assert result(b, post(b)) == b"ef"


@pytest.mark.parametrize("rounds", range(3))
def test_the_peer_s_close_right_after_a_short_read_completes_with_0(rounds):
    a, b = tcp_pair()
    with b:
        first, second = post(b), post(b)
        a.send(b"ab")
        a.shutdown(socket.SHUT_WR)  # the FIN right behind the data: no edge after the read
        assert result(b, first) == b"ab"
        assert result(b, second) == b""
        a.close()


def test_a_reset_right_after_the_data_completes_the_next_receive():
    a, b = tcp_pair()
    with b:
        first, second = post(b), post(b)
        a.send(b"ab")
        a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, (1).to_bytes(4, "little") + (0).to_bytes(4, "little"))
        a.close()  # RST
        outcomes = []
        for p in (first, second):
            try:
                outcomes.append(result(b, p))
            except pywintypes.error as e:
                outcomes.append(e.winerror)
        # The data (if the kernel kept it) then the reset; both receives complete.
        assert outcomes[-1] in (64, 10054, b"")
        assert outcomes[0] in (b"ab", 64, 10054)


def test_urgent_data_stops_a_read_short_and_the_rest_still_arrives():
    a, b = tcp_pair()
    with a, b:
        first, second = post(b), post(b)
        a.send(b"ab")
        a.send(b"U", socket.MSG_OOB)  # the mark: a receive stops short before it
        a.send(b"cd")
        got = result(b, first)
        rest = result(b, second)
        # The urgent byte is out of band (SO_OOBINLINE off): the stream is ab + cd.
        assert (got, rest) == (b"ab", b"cd")


def test_several_queued_datagrams_complete_every_waiting_receive():
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with rx, tx:
        rx.bind(("127.0.0.1", 0))
        posted = [post(rx) for _ in range(4)]
        for d in (b"a", b"bb", b"ccc", b"dddd"):
            tx.sendto(d, rx.getsockname())
        assert [result(rx, p) for p in posted] == [b"a", b"bb", b"ccc", b"dddd"]


def test_an_af_unix_message_carrying_descriptors_ends_a_read_early_and_the_rest_arrives():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    r, w = os.pipe()
    with a, b:
        first, second = post(b), post(b)
        socket.send_fds(a, [b"ab"], [r])  # the read stops after this message
        a.send(b"cd")
        assert result(b, first) == b"ab"
        assert result(b, second) == b"cd"
    os.close(r)
    os.close(w)
