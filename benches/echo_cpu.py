"""Server CPU per request of the echo benchmark (issue 10): the IOCP echo server
(examples/iocp_echo_server.py) and the asyncio echo server of bench_sockets.py, driven by
the same 64-client ping-pong driver, interleaved round by round.

For each timed drive: requests per second, and the server process's CPU time
(utime + stime of all its threads, /proc/PID/stat) divided by the requests served.

    flock -x /tmp/winfile-cpu.lock .venv/bin/python benches/echo_cpu.py [--rounds 5] [--seconds 2]

With --perf SECONDS the IOCP server is also recorded (`perf record -g -p PID`) during
one extra drive, into perf-echo.data in the current directory.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_sockets import ASYNCIO_SERVER, IOCP_SERVER, ROOT, _drive, _start  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (all threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def timed(proc, port, seconds):
    c0 = cpu_seconds(proc.pid)
    rate = _drive(port, 64, seconds)
    c1 = cpu_seconds(proc.pid)
    return rate, (c1 - c0) / (rate * seconds) * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--perf", type=float, default=0.0, help="also perf-record the IOCP server for this long")
    args = ap.parse_args()
    win, wport = _start(IOCP_SERVER, str(ROOT / "examples"))
    base, bport = _start(ASYNCIO_SERVER)
    rows = {"winfile": [], "asyncio": []}
    try:
        _drive(wport, 64, 0.5)
        _drive(bport, 64, 0.5)
        for r in range(args.rounds):
            for name, proc, port in (("winfile", win, wport), ("asyncio", base, bport)):
                rate, us = timed(proc, port, args.seconds)
                rows[name].append((rate, us))
                print(f"round {r + 1}: {name:8s} {rate:9.0f} req/s  server {us:5.2f} µs/request", flush=True)
        if args.perf:
            rec = subprocess.Popen(["perf", "record", "-g", "-o", "perf-echo.data", "-p", str(win.pid)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _drive(wport, 64, args.perf)
            rec.send_signal(2)
            rec.wait()
    finally:
        for p in (win, base):
            p.kill()
            p.wait()
    for name, v in rows.items():
        print(f"median {name:8s} {statistics.median(x for x, _ in v):9.0f} req/s  "
              f"server {statistics.median(u for _, u in v):5.2f} µs/request")
    w = statistics.median(x for x, _ in rows["winfile"])
    b = statistics.median(x for x, _ in rows["asyncio"])
    print(f"ratio {w / b:.3f}  load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
