"""Named synchronization objects shared across processes (sync/named, issue 12).

- Cross-process wake-up latency: two processes ping-pong a pair of named auto-reset
  events (SetEvent, then WaitForSingleObject on the other) vs two processes
  ping-ponging one byte over a pair of os.pipe()s. Figure: µs per round trip.
- Uncontended named mutex: CreateMutex(name) + WaitForSingleObject + ReleaseMutex +
  CloseHandle vs fcntl.flock(LOCK_EX) + flock(LOCK_UN) on an open lock file.
"""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import uuid

import win32event

from harness import Config, Pair, per_call_us, workload

EVENT_CHILD = """
import sys, win32event as e
a = e.OpenEvent(0x100002, 0, sys.argv[1]); b = e.OpenEvent(0x100002, 0, sys.argv[2])
w, s = e.WaitForSingleObject, e.SetEvent
while w(a, 60000) == 0:
    s(b)
"""

PIPE_CHILD = """
import os, sys
r, w = int(sys.argv[1]), int(sys.argv[2])
rd, wr = os.read, os.write
while True:
    d = rd(r, 1)
    if not d:
        break
    wr(w, d)
"""


@workload("named event ping-pong", unit="µs/round trip", goal=1.5, higher_is_better=False,
          winfile="SetEvent→WaitForSingleObject, two processes, named event pair",
          baseline="os.pipe() pair, one byte each way",
          note="cross-process wake-up: each round trip is two wakes of a sleeping process")
def event_ping_pong(cfg: Config):
    calls = cfg.pick(5000, 200)
    tag = uuid.uuid4().hex[:10]
    a_name, b_name = f"bench-ping-{tag}", f"bench-pong-{tag}"
    a = win32event.CreateEvent(None, False, False, a_name)
    b = win32event.CreateEvent(None, False, False, b_name)
    ev_child = subprocess.Popen([sys.executable, "-c", EVENT_CHILD, a_name, b_name])
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    pipe_child = subprocess.Popen([sys.executable, "-c", PIPE_CHILD, str(r1), str(w2)], pass_fds=(r1, w2))
    os.close(r1)
    os.close(w2)

    def win_loop(n):
        s, w = win32event.SetEvent, win32event.WaitForSingleObject
        for _ in range(n):
            s(a)
            if w(b, 60000) != 0:
                raise RuntimeError("no pong")

    def os_loop(n):
        rd, wr = os.read, os.write
        for _ in range(n):
            wr(w1, b"x")
            rd(r2, 1)

    try:
        win_loop(calls // 5)
        os_loop(calls // 5)
        yield Pair(lambda: per_call_us(win_loop, calls), lambda: per_call_us(os_loop, calls),
                   batches=cfg.pick(10, 2))
    finally:
        ev_child.kill()
        ev_child.wait()
        os.close(w1)
        pipe_child.wait()
        os.close(r2)
        a.Close()
        b.Close()


@workload("named CreateMutex+Wait+Release+Close", unit="µs/call", goal=1.0, higher_is_better=False,
          winfile="CreateMutex(name)+WaitForSingleObject+ReleaseMutex+CloseHandle",
          baseline="fcntl.flock LOCK_EX+LOCK_UN",
          note="uncontended; the lock file stays open on the baseline side")
def mutex_cycle(cfg: Config):
    calls = cfg.pick(20000, 200)
    name = f"bench-mutex-{uuid.uuid4().hex[:10]}"
    path = str(cfg.dir / "named-mutex.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def win_loop(n):
        cm, w, r = win32event.CreateMutex, win32event.WaitForSingleObject, win32event.ReleaseMutex
        for _ in range(n):
            m = cm(None, False, name)
            w(m, 0)
            r(m)
            m.Close()

    def os_loop(n):
        fl, ex, un = fcntl.flock, fcntl.LOCK_EX, fcntl.LOCK_UN
        for _ in range(n):
            fl(fd, ex)
            fl(fd, un)

    try:
        win_loop(calls // 5)
        os_loop(calls // 5)
        yield Pair(lambda: per_call_us(win_loop, calls), lambda: per_call_us(os_loop, calls),
                   batches=cfg.pick(20, 2))
    finally:
        os.close(fd)
        os.unlink(path)
