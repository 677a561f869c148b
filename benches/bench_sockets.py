"""Sockets (issue 10): an IOCP echo server against an asyncio echo server, and
TransmitFile against socket.sendfile, in the same run.

Echo (req/s, higher is better, goal ≥ 1.0×):
- winfile: examples/iocp_echo_server.py's server (AcceptEx, WSARecv/WSASend through one
  completion port, 4 worker threads) in a subprocess.
- baseline: an asyncio echo server (the default selector event loop, Protocol-based:
  data_received → transport.write) in a subprocess.
- The same client driver measures both: 64 loopback connections from one process with
  a selectors loop, each sending a 1 KiB message and waiting for all of it back before
  the next (a request = one round trip). Counted for a fixed time after all 64 are
  connected; both servers get the same machine (2 cores shared by server and clients).

TransmitFile (MB/s, goal ≥ 0.95×): a 256 MiB hot file sent on a loopback connection
to a reader thread that drains it with recv_into; winfile: TransmitFile with an
OVERLAPPED (non-blocking sendfile(2) steps on the socket reactor), baseline: socket.sendfile
(sendfile(2)).
"""
from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pywintypes
import win32event
import win32file

from harness import Config, ensure_data_file, Pair, workload

ROOT = Path(__file__).resolve().parent.parent
MiB = 1 << 20

ASYNCIO_SERVER = r"""
import asyncio, sys
class Echo(asyncio.Protocol):
    def connection_made(self, t): self.t = t
    def data_received(self, d): self.t.write(d)
async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(Echo, "127.0.0.1", 0, backlog=128)
    print(srv.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""

IOCP_SERVER = r"""
import sys, threading
sys.path.insert(0, sys.argv[1])
from iocp_echo_server import Server
s = Server(0, 4, backlog=70)
s.start()
print(s.listener.getsockname()[1], flush=True)
threading.Event().wait()
"""


def _start(code, *args):
    p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    port = int(p.stdout.readline())
    return p, port


def _drive(port, clients, seconds, size=1024) -> float:
    """Round trips per second of `clients` ping-pong connections for `seconds`."""
    msg = os.urandom(size)
    sel = selectors.DefaultSelector()
    conns = []
    for _ in range(clients):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        conns.append(s)
    got = {s: 0 for s in conns}
    for s in conns:
        s.send(msg)
        sel.register(s, selectors.EVENT_READ)
    done = 0
    t0 = time.perf_counter()
    end = t0 + seconds
    try:
        while True:
            now = time.perf_counter()
            if now >= end:
                break
            for key, _ in sel.select(timeout=end - now):
                s = key.fileobj
                try:
                    data = s.recv(65536)
                except BlockingIOError:
                    continue
                if not data:
                    raise RuntimeError("server closed a connection")
                got[s] += len(data)
                if got[s] >= size:
                    got[s] -= size
                    done += 1
                    s.send(msg)
        return done / (time.perf_counter() - t0)
    finally:
        sel.close()
        for s in conns:
            s.close()


@workload("IOCP echo 64 clients 1 KiB vs asyncio", unit="req/s", goal=1.0, higher_is_better=True,
          winfile="AcceptEx+WSARecv/WSASend, 4 workers on one port", baseline="asyncio selector loop echo",
          note="64 loopback ping-pong clients from one selectors process, 1 KiB messages; 2 s per batch (0.2 s smoke)")
def echo(cfg: Config):
    yield from _echo_against_asyncio(cfg, lambda: _start(IOCP_SERVER, str(ROOT / "examples")))


def _echo_against_asyncio(cfg: Config, start_winfile):
    """The echo pair: the winfile server `start_winfile()` starts against the asyncio one."""
    seconds = cfg.pick(2.0, 0.2)
    win, wport = start_winfile()
    base, bport = _start(ASYNCIO_SERVER)
    try:
        _drive(wport, 64, seconds / 4)  # warm-up of both
        _drive(bport, 64, seconds / 4)
        yield Pair(lambda: _drive(wport, 64, seconds), lambda: _drive(bport, 64, seconds), batches=cfg.pick(3, 1))
    finally:
        for p in (win, base):
            p.kill()
            p.wait()


def _start_rust_server():
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "winfile", "--example", "iocp_echo"],
                   cwd=ROOT, check=True)
    exe = ROOT / "target" / "release" / "examples" / "iocp_echo"
    p = subprocess.Popen([str(exe)], stdout=subprocess.PIPE, text=True)
    return p, int(p.stdout.readline())


@workload("IOCP echo 64 clients 1 KiB, Rust server vs asyncio", unit="req/s", goal=1.0, higher_is_better=True,
          winfile="crates/winfile/examples/iocp_echo.rs: WSARecv/WSASend, 1 worker on one port",
          baseline="asyncio selector loop echo",
          note="the Python row's server without Python: the same clients; what is left between the two rows is "
               "CPython's share (the calls and the example's own code)")
def echo_rust(cfg: Config):
    yield from _echo_against_asyncio(cfg, _start_rust_server)


def _pair():
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    a = socket.create_connection(lst.getsockname())
    b, _ = lst.accept()
    lst.close()
    return a, b


def _drain(sock, total, out):
    buf = bytearray(4 * MiB)
    view = memoryview(buf)
    n = 0
    while n < total:
        k = sock.recv_into(view)
        if not k:
            break
        n += k
    out.append(n)


def _timed_send(send, size) -> float:
    a, b = _pair()
    got = []
    t = threading.Thread(target=_drain, args=(b, size, got))
    t.start()
    t0 = time.perf_counter()
    send(a)
    t.join()
    elapsed = time.perf_counter() - t0
    a.close()
    b.close()
    if got != [size]:
        raise RuntimeError("incomplete transfer")
    return size / elapsed / 1e6


@workload("TransmitFile 256 MiB vs socket.sendfile", unit="MB/s", goal=0.95, higher_is_better=True,
          winfile="TransmitFile(sock, h, 0, 0, ol, 0)", baseline="socket.sendfile",
          note="256 MiB hot file (8 MiB smoke) over a loopback connection to a recv_into reader thread")
def transmit(cfg: Config):
    size = cfg.pick(256 * MiB, 8 * MiB)
    path = cfg.dir / f"transmit-{size >> 20}MiB.bin"
    ensure_data_file(path, size)
    with open(path, "rb") as f:  # hot
        while f.read(16 * MiB):
            pass
    h = win32file.CreateFile(str(path), win32file.GENERIC_READ, win32file.FILE_SHARE_READ, None,
                             win32file.OPEN_EXISTING, 0, None)
    f = open(path, "rb")

    def win(sock):
        ol = pywintypes.OVERLAPPED()
        ol.hEvent = win32event.CreateEvent(None, True, False, None)
        win32file.TransmitFile(sock, h, 0, 0, ol, 0)
        win32file.GetOverlappedResult(sock, ol, True)

    def base(sock):
        f.seek(0)
        sock.sendfile(f)

    try:
        _timed_send(win, size)
        _timed_send(base, size)
        yield Pair(lambda: _timed_send(win, size), lambda: _timed_send(base, size), batches=cfg.pick(3, 1))
    finally:
        f.close()
        h.Close()
