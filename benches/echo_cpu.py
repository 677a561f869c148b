"""Server CPU per request of the echo benchmark (issue 10): the IOCP echo server
(examples/iocp_echo_server.py) and the asyncio echo server of bench_sockets.py, driven by
the same 64-client ping-pong driver, interleaved round by round.

For each timed drive: requests per second, and the server process's CPU time
(utime + stime of all its threads, /proc/PID/stat) divided by the requests served.

    flock -x /tmp/winfile-cpu.lock .venv/bin/python benches/echo_cpu.py [--rounds 5] [--seconds 2]

With --perf SECONDS the IOCP server is also recorded (`perf record -g -p PID`) during
one extra drive, into --perf-out (default /tmp/perf-echo.data); the per-request split of
the server's CPU time by system call and by user-space library is printed.
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


# Where the server's time goes: kernel time under these system calls, the rest of the
# kernel, and user space by library.
# (The largest of each call's symbols: frame-pointer call chains skip some frames.)
SYSCALLS = {
    "sendto": ("__x64_sys_sendto", "__sys_sendto"),
    "recvfrom": ("__x64_sys_recvfrom", "__sys_recvfrom"),
    "epoll_wait": ("__x64_sys_epoll_pwait", "__x64_sys_epoll_wait", "do_epoll_wait"),
    "futex": ("__x64_sys_futex", "do_futex"),
    "getsockopt": ("__x64_sys_getsockopt", "__sys_getsockopt", "do_sock_getsockopt"),
    "kcmp": ("__x64_sys_kcmp", "__do_sys_kcmp"),
}


def split(data, us_per_request):
    """Prints the per-request split of the recorded server's CPU time."""
    def report(*extra):
        out = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", *extra],
                             capture_output=True, text=True).stdout
        rows = []
        for line in out.splitlines():
            parts = line.split()
            if parts and parts[0].endswith("%"):
                rows.append(parts)
        return rows
    children = {p[-1]: float(p[0][:-1]) for p in report("--children", "--sort", "sym") if len(p) >= 4}
    dsos = {p[-1]: float(p[0][:-1]) for p in report("--no-children", "--sort", "dso")}
    parts = {name: max(children.get(sym, 0.0) for sym in syms) for name, syms in SYSCALLS.items()}
    kernel = dsos.get("[kernel.kallsyms]", 0.0)
    parts["other kernel"] = kernel - sum(parts.values())
    for dso, pct in dsos.items():
        if dso != "[kernel.kallsyms]" and pct >= 0.5:
            parts[dso] = pct
    print(f"per-request split of the median {us_per_request:.2f} µs (perf, % of the server's samples):")
    for name, pct in parts.items():
        print(f"  {name:24s} {pct:5.1f}%  {pct / 100 * us_per_request:5.2f} µs")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--perf", type=float, default=0.0, help="also perf-record the IOCP server for this long")
    ap.add_argument("--perf-out", default="/tmp/perf-echo.data")
    ap.add_argument("--split", nargs=2, metavar=("DATA", "US"), help="only print the split of a recorded DATA")
    args = ap.parse_args()
    if args.split:
        return split(args.split[0], float(args.split[1]))
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
            rec = subprocess.Popen(["perf", "record", "-g", "-o", args.perf_out, "-p", str(win.pid)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _drive(wport, 64, args.perf)
            rec.send_signal(2)
            rec.wait()
            split(args.perf_out, statistics.median(u for _, u in rows["winfile"]))
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
