"""Directory enumeration and change notification.

1. FindFilesIterator over a directory of N files (100 000; 1 000 in smoke mode) vs
   os.scandir + stat for the same fields: attributes (from the mode), three times,
   size and name. FindFilesIterator returns its times as aware datetimes, so the
   baseline converts its times to aware datetimes as well; a second row compares
   with the raw stat numbers (no conversion), the cheapest thing a Linux user could
   do. The figure is entries per second; the directory is hot in the dentry and
   inode caches (an untimed pass first).
2. A burst of N file creations (100 000; 1 000 in smoke mode) made by another
   process, watched with the synchronous ReadDirectoryChangesW (64 KiB buffer,
   FILE_NOTIFY_CHANGE_FILE_NAME) in a thread, vs watchdog's inotify observer: events
   delivered and lost, and the p50/p99 latency from the creator's CLOCK_MONOTONIC
   stamp before each create to the watcher's stamp on delivery. Not ratios: each
   figure is compared with an absolute goal (nothing lost, p99 ≤ 10 ms). watchdog
   is optional (`pip install watchdog`; `make bench` installs it); without it the
   baseline column says so.
"""
from __future__ import annotations

import array
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

import win32con
import win32file
import winnt

from harness import Config, Metric, Pair, Probe, measurement, workload

CREATOR = r"""
import array, os, sys, time
d, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
stamps = array.array("q", [0]) * n
for i in range(n):
    stamps[i] = time.monotonic_ns()
    os.close(os.open(os.path.join(d, "f%06d" % i), os.O_CREAT | os.O_WRONLY, 0o644))
os.close(os.open(os.path.join(d, "zz_stop"), os.O_CREAT | os.O_WRONLY, 0o644))
with open(out, "wb") as f:
    stamps.tofile(f)
"""


def _populated(cfg: Config, n: int):
    """A directory of n empty files, made once and reused while its count matches."""
    d = cfg.dir / f"find-{n}"
    if d.is_dir() and sum(1 for _ in os.scandir(d)) == n:
        return d
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    for i in range(n):
        os.close(os.open(os.path.join(d, "e%06d.dat" % i), os.O_CREAT | os.O_WRONLY, 0o644))
    return d


def _rate(fn) -> float:
    t0 = time.perf_counter_ns()
    count = fn()
    return count / ((time.perf_counter_ns() - t0) / 1e9)


def _find_pair(cfg: Config, baseline_with_datetimes: bool):
    n = cfg.pick(100_000, 1_000)
    d = str(_populated(cfg, n))
    utc = datetime.timezone.utc

    def ours():
        c = 0
        for _ in win32file.FindFilesIterator(d + "/*"):
            c += 1
        return c - 2  # . and ..

    def scandir_raw():
        c = 0
        for e in os.scandir(d):
            st = e.stat(follow_symlinks=False)
            _ = (st.st_mode, st.st_ctime_ns, st.st_atime_ns, st.st_mtime_ns, st.st_size, e.name)
            c += 1
        return c

    def scandir_datetimes():
        c = 0
        fts = datetime.datetime.fromtimestamp
        for e in os.scandir(d):
            st = e.stat(follow_symlinks=False)
            _ = (st.st_mode, fts(st.st_ctime, utc), fts(st.st_atime, utc), fts(st.st_mtime, utc),
                 st.st_size, e.name)
            c += 1
        return c

    base = scandir_datetimes if baseline_with_datetimes else scandir_raw
    assert ours() == base() == n  # warm-up, and both see every entry
    return Pair(lambda: _rate(ours), lambda: _rate(base), batches=cfg.pick(3, 1))


@workload("FindFilesIterator 100k entries", unit="entries/s", goal=1.0, higher_is_better=True,
          winfile="FindFilesIterator(dir/*)", baseline="scandir+stat+datetime",
          note="every entry's attributes, 3 times as aware datetimes, size, name (1000 entries in smoke mode)")
def find_datetimes(cfg: Config):
    yield _find_pair(cfg, True)


@workload("FindFilesIterator 100k, raw baseline", unit="entries/s", goal=1.0, higher_is_better=True,
          winfile="FindFilesIterator(dir/*)", baseline="scandir+stat, raw numbers",
          note="the same, against a baseline that leaves the times as integers (no datetime objects)")
def find_raw(cfg: Config):
    yield _find_pair(cfg, False)


def _run_creator(d: str, n: int, scratch) -> array.array:
    out = str(scratch / f"burst-stamps-{os.getpid()}")
    subprocess.run([sys.executable, "-c", CREATOR, d, str(n), out], check=True)
    stamps = array.array("q")
    with open(out, "rb") as f:
        stamps.fromfile(f, n)
    os.unlink(out)
    return stamps


def _figures(n: int, stamps, seen: dict) -> dict:
    lat = sorted((seen[i] - stamps[i]) / 1e6 for i in range(n) if i in seen)
    return {
        "delivered": len(lat),
        "lost": n - len(lat),
        "p50 latency": statistics.median(lat) if lat else float("inf"),
        "p99 latency": lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("inf"),
    }


def _burst_rdcw(cfg: Config, n: int) -> dict:
    d = cfg.dir / "burst-rdcw"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    h = win32file.CreateFile(str(d), winnt.FILE_LIST_DIRECTORY, 7, None, win32con.OPEN_EXISTING,
                             win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
    seen, events = {}, [0]
    ready, done = threading.Event(), threading.Event()

    def watch():
        ready.set()  # the watch exists once the first call is made: primed below
        while not done.is_set():
            r = win32file.ReadDirectoryChangesW(h, 65536, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME)
            now = time.monotonic_ns()
            for action, name in r:
                events[0] += 1
                if name == "zz_stop":
                    done.set()
                elif action == 1 and name.startswith("f"):
                    seen.setdefault(int(name[1:]), now)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    ready.wait()
    prime = os.path.join(d, "prime")
    while events[0] == 0:  # make sure the watch is in place before the burst
        os.close(os.open(prime, os.O_CREAT | os.O_WRONLY, 0o644))
        os.unlink(prime)
        time.sleep(0.01)
    try:
        stamps = _run_creator(str(d), n, cfg.dir)
        done.wait(120)
        return _figures(n, stamps, seen)
    finally:
        done.set()
        h.Close()
        shutil.rmtree(d, ignore_errors=True)


def _burst_watchdog(cfg: Config, n: int) -> dict:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers.inotify import InotifyObserver

    d = cfg.dir / "burst-watchdog"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    seen = {}
    done = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            now = time.monotonic_ns()
            name = os.path.basename(event.src_path)
            if isinstance(name, bytes):
                name = name.decode()
            if name == "zz_stop":
                done.set()
            elif event.event_type == "created" and name.startswith("f"):
                seen.setdefault(int(name[1:]), now)

    obs = InotifyObserver()
    obs.schedule(Handler(), str(d), recursive=False)
    obs.start()
    try:
        time.sleep(0.2)  # watchdog has no "watch in place" signal
        stamps = _run_creator(str(d), n, cfg.dir)
        done.wait(120)
        return _figures(n, stamps, seen)
    finally:
        obs.stop()
        obs.join()
        shutil.rmtree(d, ignore_errors=True)


@measurement("RDCW 100k-create burst", winfile="ReadDirectoryChangesW (sync, thread)",
             baseline="watchdog", max_rounds=3,
             metrics=[Metric("delivered", "events"),
                      Metric("lost", "events", goal=0, worst=True),
                      Metric("p50 latency", "ms"),
                      Metric("p99 latency", "ms", goal=10)],
             note="creates by another process (1000 in smoke mode); lost is the worst round, "
                  "latency from the creator's stamp before each create to delivery")
def burst(cfg: Config):
    n = cfg.pick(100_000, 1_000)
    try:
        import watchdog.observers.inotify  # noqa: F401
        have_watchdog = True
    except ImportError:
        have_watchdog = False
    yield Probe(lambda: _burst_rdcw(cfg, n),
                (lambda: _burst_watchdog(cfg, n)) if have_watchdog else None,
                baseline_missing="" if have_watchdog else "watchdog not installed")
