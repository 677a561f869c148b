"""Per-request cost of the IOCP socket calls, without TCP (issue 10): what winfile's
WSASend/WSARecv/GetQueuedCompletionStatus add to the system calls they make.

One thread, an AF_UNIX stream pair associated with a completion port, 64-byte messages:

- inline:  WSASend(a) + GQCS, WSARecv(b) (the data is already there) + GQCS
- waiting: WSARecv(b) first (it waits for the data), WSASend(a) + GQCS + GQCS (the
           second GQCS finds the port empty and completes the receive itself): the
           echo server's pattern
- baseline: a.send + b.recv (socket objects: the two system calls alone)

Printed: process CPU (user + system) and user CPU per iteration, medians of --rounds,
and each pattern's excess over the baseline's CPU. (The kernel splits a process's CPU
time into user and system by sampling: the user figure is indicative; the total is
exact. The patterns make the baseline's system calls, plus one epoll_wait for waiting.)

    flock -x /tmp/winfile-cpu.lock .venv/bin/python benches/socket_percall.py [--n 200000]
"""
from __future__ import annotations

import argparse
import resource
import socket
import statistics

import pywintypes
import win32file

MSG = b"x" * 64


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_utime


def patterns():
    """The three patterns on a fresh AF_UNIX pair and port, each a function of the
    iteration count (shared with socket_ir.py)."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    win32file.CreateIoCompletionPort(a.fileno(), port, 1, 0)
    win32file.CreateIoCompletionPort(b.fileno(), port, 2, 0)
    ol_send, ol_recv = pywintypes.OVERLAPPED(), pywintypes.OVERLAPPED()
    buf = win32file.AllocateReadBuffer(4096)
    gqcs, wsasend, wsarecv = win32file.GetQueuedCompletionStatus, win32file.WSASend, win32file.WSARecv

    def inline(n):
        for _ in range(n):
            wsasend(a, MSG, ol_send, 0)
            gqcs(port, -1)
            wsarecv(b, buf, ol_recv, 0)
            gqcs(port, -1)

    def waiting(n):
        for _ in range(n):
            wsarecv(b, buf, ol_recv, 0)
            wsasend(a, MSG, ol_send, 0)
            gqcs(port, -1)
            gqcs(port, -1)

    def baseline(n):
        send, recv = a.send, b.recv
        for _ in range(n):
            send(MSG)
            recv(4096)

    return {"baseline": baseline, "inline": inline, "waiting": waiting}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    n = args.n
    run = patterns()
    rows = {"baseline": [], "inline": [], "waiting": []}
    for _ in range(args.rounds):
        for name, f in run.items():
            c0, u0 = cpu()
            f(n)
            c1, u1 = cpu()
            rows[name].append(((c1 - c0) / n * 1e6, (u1 - u0) / n * 1e6))
    base = [c for c, _ in rows["baseline"]]
    for name, v in rows.items():
        c = statistics.median(x for x, _ in v)
        u = statistics.median(x for _, x in v)
        # Each round's excess over the same round's baseline, then the median.
        over = statistics.median(x - b for (x, _), b in zip(v, base))
        extra = "" if name == "baseline" else f"   over baseline {over:+.3f} µs"
        print(f"{name:9s} cpu {c:6.3f} µs/iter   user {u:6.3f} µs/iter{extra}")


if __name__ == "__main__":
    main()
