"""Who completes ready socket operations while completion-port consumers are busy.

The reactor thread leaves the epoll set to GetQueuedCompletionStatus callers while they
keep coming back with packets (docs/completion-path.md, section 6, "Batching"). These
tests hold a consumer busy that way — its queue never runs dry, so it never waits in
the epoll set itself — and check that socket operations nobody dequeues from that port
still complete, whether their observer sleeps in a wait function or only polls.
Loopback only; runs under both engine backends (`make test` reruns the file with
WINFILE_ENGINE=pool)."""
import threading
import time

import pywintypes
import win32event
import win32file
from helpers import tcp_pair

STATUS_PENDING = 0x103


pair = tcp_pair


class BusyConsumer:
    """A thread that keeps taking packets from its own port and posting the next one, so
    GetQueuedCompletionStatus always returns at once and never waits for readiness."""

    def __init__(self):
        self.port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
        self.stop = False
        self.rounds = 0
        win32file.PostQueuedCompletionStatus(self.port, 0, 1, None)
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop:
            rc, n, key, ol = win32file.GetQueuedCompletionStatus(self.port, 1000)
            self.rounds += 1
            # Some Python work between packets, as a server does.
            sum(range(50))
            win32file.PostQueuedCompletionStatus(self.port, 0, 1, None)

    def __enter__(self):
        self.thread.start()
        # Busy for longer than the reactor thread's 100 ms look, so that it stands aside.
        time.sleep(0.3)
        assert self.rounds > 100
        return self

    def __exit__(self, *exc):
        self.stop = True
        self.thread.join()
        self.port.Close()


def test_a_polling_observer_sees_its_receive_complete_while_a_consumer_is_busy():
    a, b = pair()
    # The reactor runs (a first receive) before the consumer gets busy, so it sees the
    # consumer come back and stands aside.
    first = pywintypes.OVERLAPPED()
    first.hEvent = win32event.CreateEvent(None, True, False, None)
    win32file.WSARecv(b, win32file.AllocateReadBuffer(8), first, 0)
    a.send(b"x")
    assert win32event.WaitForSingleObject(first.hEvent, 10000) == win32event.WAIT_OBJECT_0
    with a, b, BusyConsumer():
        buf = win32file.AllocateReadBuffer(64)
        ol = pywintypes.OVERLAPPED()
        win32file.WSARecv(b, buf, ol, 0)
        assert ol.Internal == STATUS_PENDING
        a.send(b"ping")
        # Nobody waits in a wait function and the consumer never runs dry: the reactor
        # thread must look at the epoll set itself (no later than one lease).
        deadline = time.monotonic() + 10
        while ol.Internal == STATUS_PENDING:  # HasOverlappedIoCompleted
            assert time.monotonic() < deadline, "the receive never completed"
            time.sleep(0.0005)
        assert win32file.GetOverlappedResult(b.fileno(), ol, False) == 4
        assert bytes(buf[:4]) == b"ping"


def test_an_event_waiter_is_served_while_a_consumer_is_busy():
    a, b = pair()
    with a, b, BusyConsumer():
        for i in range(200):
            buf = win32file.AllocateReadBuffer(64)
            ol = pywintypes.OVERLAPPED()
            ol.hEvent = win32event.CreateEvent(None, True, False, None)
            win32file.WSARecv(b, buf, ol, 0)
            msg = b"message %d" % i
            a.send(msg)
            assert win32event.WaitForSingleObject(ol.hEvent, 10000) == win32event.WAIT_OBJECT_0
            assert win32file.GetOverlappedResult(b.fileno(), ol, False) == len(msg)
            assert bytes(buf[: len(msg)]) == msg


def test_consumers_of_one_port_complete_every_operation_of_many_sockets():
    # 32 connections, each echoing 50 rounds through one port and two consumer threads:
    # every receive completes once and in order per connection, none is lost while the
    # consumers keep the reactor thread aside.
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    pairs = [pair() for _ in range(32)]
    rounds = 50
    state = {}
    lock = threading.Lock()
    done = threading.Event()
    finished = [0]

    for key, (client, server) in enumerate(pairs):
        win32file.CreateIoCompletionPort(server.fileno(), port, key, 0)
        buf = win32file.AllocateReadBuffer(16)
        ol = pywintypes.OVERLAPPED()
        state[key] = {"buf": buf, "ol": ol, "got": 0}
        win32file.WSARecv(server, buf, ol, 0)

    def consumer():
        while not done.is_set():
            rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, 200)
            if rc == win32event.WAIT_TIMEOUT and ol is None:
                continue
            assert rc == 0 and n > 0
            st = state[key]
            with lock:
                st["got"] += n
                if st["got"] < rounds * 8:
                    win32file.WSARecv(pairs[key][1], st["buf"], st["ol"], 0)
                else:
                    finished[0] += 1
                    if finished[0] == len(pairs):
                        done.set()

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for r in range(rounds):
            for client, _ in pairs:
                client.send(b"%08d" % r)
        assert done.wait(30), "operations were lost: %s" % {k: v["got"] for k, v in state.items()}
    finally:
        done.set()
        for t in threads:
            t.join()
        for c, s in pairs:
            c.close()
            s.close()
        port.Close()
    assert all(v["got"] == rounds * 8 for v in state.values())
