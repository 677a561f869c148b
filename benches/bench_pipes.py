"""Pipes between two processes: winfile's named pipes against the plain Linux channels.

- 4 KiB message round trips: the parent writes a 4 KiB message and reads the echo of
  a child process, over a PIPE_TYPE_MESSAGE named pipe (WriteFile/ReadFile on both
  sides) against a raw AF_UNIX socketpair driven from Python (sendall / recv_into on
  both sides). One batch is a run of round trips; both children live for the whole
  workload.
- 1 MiB streaming: a child writes 1 MiB chunks as fast as it can and the parent
  reads them with 1 MiB reads, over a PIPE_TYPE_BYTE named pipe (WriteFile/ReadFile)
  against os.pipe (os.write/os.read). One batch moves 64 MiB (4 MiB in smoke mode),
  started by a line on the child's stdin.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import win32con
import win32file
import win32pipe

from harness import Config, Pair, per_call_us, throughput_mbs, workload

KiB = 1 << 10
MiB = 1 << 20

_ECHO_PIPE = textwrap.dedent(r"""
    import sys, win32file, win32pipe
    h = win32pipe.CreateNamedPipe(sys.argv[1], 3, 4 | 2, 1, 65536, 65536, 0, None)
    print("ready", flush=True)
    win32pipe.ConnectNamedPipe(h)
    read, write = win32file.ReadFile, win32file.WriteFile
    try:
        while True:
            write(h, read(h, 65536)[1])
    except win32pipe.error:
        pass
""")

_ECHO_SOCKET = textwrap.dedent(r"""
    import socket, sys
    s = socket.socket(fileno=int(sys.argv[1]))
    buf = bytearray(65536)
    view = memoryview(buf)
    n = int(sys.argv[2])
    while True:
        got = 0
        while got < n:
            k = s.recv_into(view[got:n])
            if not k:
                sys.exit(0)
            got += k
        s.sendall(view[:n])
""")

_WRITER_PIPE = textwrap.dedent(r"""
    import sys, win32file, win32pipe
    h = win32pipe.CreateNamedPipe(sys.argv[1], 3, 0, 1, 1 << 20, 1 << 20, 0, None)
    print("ready", flush=True)
    win32pipe.ConnectNamedPipe(h)
    chunk = b"x" * (1 << 20)
    for line in sys.stdin:
        for _ in range(int(line)):
            win32file.WriteFile(h, chunk)
""")

_WRITER_OS = textwrap.dedent(r"""
    import os, sys
    fd = int(sys.argv[1])
    chunk = memoryview(b"x" * (1 << 20))
    for line in sys.stdin:
        for _ in range(int(line)):
            view = chunk
            while view:
                view = view[os.write(fd, view):]
""")


def _child(code, *args, pass_fds=()):
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, pass_fds=pass_fds)


def _stop(proc):
    if proc.stdin:
        proc.stdin.close()
    proc.kill()
    proc.wait()
    if proc.stdout:
        proc.stdout.close()


def _client(name):
    return win32file.CreateFile(name, win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None,
                                win32con.OPEN_EXISTING, 0, None)


@workload("pipe message round trip 4 KiB", unit="µs/trip", goal=1.5, higher_is_better=False,
          winfile="named pipe (message) WriteFile+ReadFile", baseline="AF_UNIX socketpair sendall+recv_into",
          note="echo child process on each side; 4 KiB each way per trip")
def message_round_trip(cfg: Config):
    trips = cfg.pick(2000, 50)
    name = rf"\\.\pipe\winfile-bench-{os.getpid()}"
    server = _child(_ECHO_PIPE, name)
    assert server.stdout.readline().strip() == "ready"
    h = _client(name)
    win32pipe.SetNamedPipeHandleState(h, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    echo = _child(_ECHO_SOCKET, b.fileno(), 4 * KiB, pass_fds=(b.fileno(),))
    b.close()
    msg = os.urandom(4 * KiB)
    buf = bytearray(4 * KiB)
    view = memoryview(buf)

    def win_loop(n):
        read, write = win32file.ReadFile, win32file.WriteFile
        for _ in range(n):
            write(h, msg)
            read(h, 8192)

    def sock_loop(n):
        for _ in range(n):
            a.sendall(msg)
            got = 0
            while got < 4096:
                got += a.recv_into(view[got:])

    try:
        win_loop(trips // 10)
        sock_loop(trips // 10)
        yield Pair(lambda: per_call_us(win_loop, trips), lambda: per_call_us(sock_loop, trips), batches=cfg.pick(5, 1))
    finally:
        h.Close()
        a.close()
        _stop(server)
        _stop(echo)


@workload("pipe streaming 1 MiB", unit="MB/s", goal=0.8, higher_is_better=True,
          winfile="named pipe (byte) ReadFile(h, 1 MiB)", baseline="os.pipe os.read(fd, 1 MiB)",
          note="writer child process on each side, 1 MiB writes; 64 MiB per batch")
def streaming(cfg: Config):
    mib = cfg.pick(64, 4)
    name = rf"\\.\pipe\winfile-bench-stream-{os.getpid()}"
    writer = _child(_WRITER_PIPE, name)
    assert writer.stdout.readline().strip() == "ready"
    h = _client(name)
    r, w = os.pipe()
    os_writer = _child(_WRITER_OS, w, pass_fds=(w,))
    os.close(w)
    total = mib * MiB

    def win_batch():
        writer.stdin.write(f"{mib}\n")
        writer.stdin.flush()
        got, read = 0, win32file.ReadFile
        while got < total:
            got += len(read(h, MiB)[1])
        return got

    def os_batch():
        os_writer.stdin.write(f"{mib}\n")
        os_writer.stdin.flush()
        got, read = 0, os.read
        while got < total:
            got += len(read(r, MiB))
        return got

    try:
        win_batch()
        os_batch()
        yield Pair(lambda: throughput_mbs(win_batch), lambda: throughput_mbs(os_batch), batches=cfg.pick(3, 1))
    finally:
        h.Close()
        os.close(r)
        _stop(writer)
        _stop(os_writer)


@workload("pipe message round trip 4 KiB, one CPU", unit="µs/trip", goal=1.5, higher_is_better=False,
          winfile="named pipe (message) WriteFile+ReadFile", baseline="AF_UNIX socketpair sendall+recv_into",
          note="as the row above, with the parent and both echo children on one CPU (sched_setaffinity): "
               "the code's cost without the scheduler's placement (docs/pipes.md, Cost)")
def message_round_trip_one_cpu(cfg: Config):
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})  # the children inherit it
    try:
        yield from message_round_trip(cfg)
    finally:
        os.sched_setaffinity(0, allowed)
