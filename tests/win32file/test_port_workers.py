"""Several worker threads on one completion port, with socket operations completed by
the workers' own GetQueuedCompletionStatus calls (docs/completion-path.md, section 6,
"Several workers on one port"). A zero-timeout GetQueuedCompletionStatus that completes
ready sockets keeps the first packet it posts for itself; the others are still released
to waiting workers at once, and a worker busy in Python holds back no packet.
Loopback only; runs under both engine backends (`make test` reruns the file with
WINFILE_ENGINE=pool)."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import pywintypes
import win32file
from helpers import tcp_pair

GENEROUS = 30.0  # seconds: a bound for a stuck test, never a timing assertion


def receiving(port, key):
    """A connected pair whose accepted end has a WSARecv pending on `port` with `key`."""
    a, b = tcp_pair()
    win32file.CreateIoCompletionPort(b.fileno(), port, key, 0)
    ol = pywintypes.OVERLAPPED()
    buf = win32file.AllocateReadBuffer(16)
    win32file.WSARecv(b, buf, ol, 0)
    return a, b, ol, buf


def test_a_polling_getqueuedcompletionstatus_leaves_the_other_packets_to_a_waiting_worker():
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 2)
    pairs = [receiving(port, key) for key in (1, 2)]
    got = []
    done = threading.Event()

    def worker():
        rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, int(GENEROUS * 1000))
        got.append(("worker", rc, key))
        done.set()

    t = threading.Thread(target=worker)
    t.start()
    for a, *_ in pairs:
        a.send(b"x")
    # This thread takes one packet without waiting (its poll may complete both
    # receives, or the worker may), then never comes back to the port: the other
    # packet must reach the worker regardless.
    deadline = time.monotonic() + GENEROUS
    mine = None
    while mine is None and time.monotonic() < deadline:
        rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, 0)
        if ol is not None:
            mine = ("main", rc, key)
        else:
            time.sleep(0.001)
    assert mine is not None
    assert done.wait(GENEROUS), "the second packet was held back"
    t.join()
    assert sorted(k for _, _, k in [mine, *got]) == [1, 2]
    assert mine[1] == 0 and got[0][1] == 0
    for a, b, *_ in pairs:
        a.close()
        b.close()
    port.Close()


def test_a_worker_asleep_in_python_holds_back_no_packet():
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 2)
    pairs = {key: receiving(port, key) for key in (1, 2, 3)}
    log = []
    first_taken = threading.Event()
    others_taken = threading.Event()

    def worker():
        while True:
            rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, int(GENEROUS * 1000))
            if ol is None:
                return
            log.append(("got", key))
            if ("got", 2) in log and ("got", 3) in log:
                others_taken.set()
            if key == 1:
                first_taken.set()
                time.sleep(0.5)  # busy in Python: the other packets go to the other worker
                log.append(("slept", key))

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for t in workers:
        t.start()
    pairs[1][0].send(b"x")
    assert first_taken.wait(GENEROUS)
    pairs[2][0].send(b"x")
    pairs[3][0].send(b"x")
    assert others_taken.wait(GENEROUS)
    for _ in workers:
        win32file.PostQueuedCompletionStatus(port, 0, 0, None)
    for t in workers:
        t.join(GENEROUS)
    assert log.index(("got", 2)) < log.index(("slept", 1))
    assert log.index(("got", 3)) < log.index(("slept", 1))
    for a, b, *_ in pairs.values():
        a.close()
        b.close()
    port.Close()


def test_a_receive_polled_by_getqueuedcompletionstatus_is_dequeued_by_the_poller_when_no_one_waits():
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 1)
    a, b, ol, buf = receiving(port, 7)
    a.send(b"hello")
    deadline = time.monotonic() + GENEROUS
    while time.monotonic() < deadline:
        rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 0)
        if got is not None:
            break
        time.sleep(0.001)
    assert (rc, n, key, bytes(buf[:n])) == (0, 5, 7, b"hello")
    assert got is ol
    a.close()
    b.close()
    port.Close()


def test_a_worker_asleep_in_python_after_a_send_completed_in_the_call_holds_back_no_packet():
    # The send's packet is posted by the worker while the port has released it: it stays
    # queued for that worker, which comes back for it (the lease) — but not longer than
    # the reactor thread's look: the other worker takes it while this one sleeps.
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 2)
    a, b, recv_ol, buf = receiving(port, 1)
    send_ol = pywintypes.OVERLAPPED()
    log = []
    sent_taken = threading.Event()

    def worker():
        while True:
            rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, int(GENEROUS * 1000))
            if ol is None:
                return
            if ol is recv_ol:
                log.append("received")
                rc, n = win32file.WSASend(b, b"pong", send_ol, 0)
                log.append(("sent", rc))
                time.sleep(0.5)  # busy in Python, not in a wait function
                log.append("slept")
            elif ol is send_ol:
                log.append("send packet")
                sent_taken.set()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for t in workers:
        t.start()
    a.send(b"ping")
    assert sent_taken.wait(GENEROUS), "the send's packet was never dequeued"
    for _ in workers:
        win32file.PostQueuedCompletionStatus(port, 0, 0, None)
    for t in workers:
        t.join(GENEROUS)
    assert log.index("send packet") < log.index("slept"), log
    assert a.recv(16) == b"pong"
    a.close()
    b.close()
    port.Close()


class Interrupted(Exception):
    pass


def test_a_signal_ends_getqueuedcompletionstatus_of_the_main_thread_leading():
    # With a socket operation pending on the port the waiting main thread leads (it
    # waits in the reactor's epoll set): the interrupt check still runs its handlers.
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    a, b, ol, buf = receiving(port, 1)

    def raise_(*_):
        raise Interrupted

    old = signal.signal(signal.SIGALRM, raise_)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(Interrupted):
            win32file.GetQueuedCompletionStatus(port, -1)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    a.close()
    b.close()
    port.Close()


FORKED = r"""
import os, signal, threading, time
import win32file
port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
# A wait of the main thread that runs the interrupt check (its first: it learns which
# thread is Python's main thread).
win32file.GetQueuedCompletionStatus(port, 150)

class Stop(Exception):
    pass

def raise_(*_):
    raise Stop

def fork_here():
    pid = os.fork()
    if pid == 0:
        # This thread is the child's main thread: its handlers run here, and stop the
        # wait (not only once it returns, a minute later).
        code = 1
        try:
            signal.signal(signal.SIGALRM, raise_)
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            start = time.monotonic()
            win32file.GetQueuedCompletionStatus(port, 60 * 1000)
        except Stop:
            code = 7 if time.monotonic() - start < 30 else 2
        finally:
            os._exit(code)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)

t = threading.Thread(target=fork_here)
t.start()
t.join()
"""


def test_a_signal_ends_getqueuedcompletionstatus_in_a_child_forked_by_another_thread():
    # The interrupt check runs Python's handlers on Python's main thread only (another
    # thread would take the GIL for nothing): in a child forked by a thread other than
    # the main one, that thread is the main thread.
    out = subprocess.run([sys.executable, "-c", FORKED], capture_output=True, text=True, timeout=4 * GENEROUS,
                         env=os.environ.copy())
    assert out.stdout.strip() == "7", (out.stdout, out.stderr)


FORKED_LEASE = r"""
import os, sys, threading, time
import pywintypes, win32file
sys.path.insert(0, sys.argv[1])
from helpers import tcp_pair

INVALID = win32file.INVALID_HANDLE_VALUE
# The parent keeps a consumer busy (the reactor thread stands aside and looks every
# millisecond: packets may be held back) while it forks.
busy_port = win32file.CreateIoCompletionPort(INVALID, None, 0, 0)
a0, b0 = tcp_pair()
win32file.CreateIoCompletionPort(b0.fileno(), busy_port, 1, 0)
win32file.WSARecv(b0, win32file.AllocateReadBuffer(16), pywintypes.OVERLAPPED(), 0)
stop = False

def busy():
    while not stop:
        win32file.PostQueuedCompletionStatus(busy_port, 0, 0, None)
        win32file.GetQueuedCompletionStatus(busy_port, 0)

t = threading.Thread(target=busy)
t.start()
time.sleep(0.1)
pid = os.fork()
if pid == 0:
    # No reactor thread here: nothing may be held back for a consumer.
    code = 1
    try:
        port = win32file.CreateIoCompletionPort(INVALID, None, 0, 2)
        a, b = tcp_pair()
        win32file.CreateIoCompletionPort(b.fileno(), port, 1, 0)
        win32file.PostQueuedCompletionStatus(port, 0, 5, None)
        win32file.GetQueuedCompletionStatus(port, 0)  # this thread is released by the port
        got = threading.Event()

        def worker():
            rc, n, key, ol = win32file.GetQueuedCompletionStatus(port, 20000)
            if ol is not None:
                got.set()

        w = threading.Thread(target=worker)
        w.start()
        time.sleep(0.2)  # the worker waits (if not yet, it finds the packet queued)
        win32file.WSASend(b, b"x", pywintypes.OVERLAPPED(), 0)  # completes in the call
        code = 7 if got.wait(10) else 2
    finally:
        os._exit(code)
stop = True
t.join()
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


def test_a_forked_child_holds_back_no_packet():
    # The lease's looks are the reactor thread's, which a forked child does not have.
    tests = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", FORKED_LEASE, tests], capture_output=True, text=True,
                         timeout=4 * GENEROUS, env=os.environ.copy())
    assert out.stdout.strip() == "7", (out.stdout, out.stderr)

