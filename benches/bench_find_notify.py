"""Benchmarks for issue 5: directory enumeration and change notification.

Run: ``.venv/bin/python benches/bench_find_notify.py [--entries N] [--burst N]``

1. FindFilesIterator over N entries vs ``os.scandir`` + ``stat`` for the same fields
   (attributes from the mode, three times, size, name): once with raw stat numbers,
   once with the times converted to aware datetimes as FindFilesIterator returns them.
2. An N-create burst made by another process, watched with the synchronous
   ReadDirectoryChangesW in a thread vs watchdog's inotify observer: events delivered,
   lost, overflows reported, p50/p99 latency (create → delivery, CLOCK_MONOTONIC).

watchdog is installed on demand here (it is not a test dependency).
"""
import argparse
import array
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import win32con
import win32file
import winnt

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


def populate(d, n):
    for i in range(n):
        os.close(os.open(os.path.join(d, "e%06d.dat" % i), os.O_CREAT | os.O_WRONLY, 0o644))


def best_of(fn, rounds=3):
    best = None
    for _ in range(rounds):
        t0 = time.perf_counter()
        count = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
    return best, count


def bench_find(n):
    d = tempfile.mkdtemp(prefix="bench-find-")
    try:
        populate(d, n)
        utc = datetime.timezone.utc

        def ours():
            c = 0
            for t in win32file.FindFilesIterator(d + "/*"):
                c += 1
            return c

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
                _ = (st.st_mode, fts(st.st_ctime, utc), fts(st.st_atime, utc), fts(st.st_mtime, utc), st.st_size, e.name)
                c += 1
            return c

        ours_t, ours_c = best_of(ours)
        raw_t, raw_c = best_of(scandir_raw)
        dt_t, _ = best_of(scandir_datetimes)
        print("== enumeration: %d entries (best of 3) ==" % n)
        print("FindFilesIterator            %8.3f s  (%d entries incl. . and ..)" % (ours_t, ours_c))
        print("os.scandir + stat (raw)      %8.3f s  speed ratio %.2fx" % (raw_t, raw_t / ours_t))
        print("os.scandir + stat + datetime %8.3f s  speed ratio %.2fx" % (dt_t, dt_t / ours_t))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def run_creator(d, n):
    out = os.path.join(tempfile.gettempdir(), "bench-stamps-%d" % os.getpid())
    subprocess.run([sys.executable, "-c", CREATOR, d, str(n), out], check=True)
    stamps = array.array("q")
    with open(out, "rb") as f:
        stamps.fromfile(f, n)
    os.unlink(out)
    return stamps


def report(label, n, stamps, seen, events, overflows):
    lat = sorted((seen[i] - stamps[i]) / 1e6 for i in range(n) if i in seen)
    lost = n - len(lat)
    p50 = statistics.median(lat) if lat else float("nan")
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
    print("%-22s events %7d  delivered %7d  lost %6d  overflow-reported %3d  p50 %7.3f ms  p99 %7.3f ms"
          % (label, events, len(lat), lost, overflows, p50, p99))


def bench_rdcw(n):
    d = tempfile.mkdtemp(prefix="bench-notify-")
    try:
        h = win32file.CreateFile(d, winnt.FILE_LIST_DIRECTORY, 7, None, win32con.OPEN_EXISTING,
                                 win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
        seen, counts = {}, {"events": 0, "overflows": 0}
        ready = threading.Event()
        done = threading.Event()

        def watch():
            first = True
            while not done.is_set():
                if first:
                    # The watch exists once the first call is made; signal just before.
                    ready.set()
                    first = False
                r = win32file.ReadDirectoryChangesW(h, 65536, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME)
                now = time.monotonic_ns()
                if not r:
                    counts["overflows"] += 1
                for action, name in r:
                    counts["events"] += 1
                    if name == "zz_stop":
                        done.set()
                    elif action == 1 and name.startswith("f"):
                        seen.setdefault(int(name[1:]), now)

        t = threading.Thread(target=watch, daemon=True)
        # Prime: make the watch before the burst starts.
        prime = os.path.join(d, "prime")
        t.start()
        ready.wait()
        while counts["events"] == 0:
            os.close(os.open(prime, os.O_CREAT | os.O_WRONLY, 0o644))
            os.unlink(prime)
            time.sleep(0.01)
        stamps = run_creator(d, n)
        done.wait(120)
        report("ReadDirectoryChangesW", n, stamps, seen, counts["events"], counts["overflows"])
        h.Close()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def bench_watchdog(n):
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "watchdog"], check=True)
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers.inotify import InotifyObserver
    d = tempfile.mkdtemp(prefix="bench-watchdog-")
    try:
        seen, counts = {}, {"events": 0}
        done = threading.Event()

        class H(FileSystemEventHandler):
            def on_any_event(self, event):
                now = time.monotonic_ns()
                counts["events"] += 1
                name = os.path.basename(event.src_path)
                if isinstance(name, bytes):
                    name = name.decode()
                if name == "zz_stop":
                    done.set()
                elif event.event_type == "created" and name.startswith("f"):
                    seen.setdefault(int(name[1:]), now)

        obs = InotifyObserver()
        obs.schedule(H(), d, recursive=False)
        obs.start()
        time.sleep(0.2)
        stamps = run_creator(d, n)
        done.wait(120)
        obs.stop()
        obs.join()
        report("watchdog (inotify)", n, stamps, seen, counts["events"], 0)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--burst", type=int, default=100_000)
    a = ap.parse_args()
    bench_find(a.entries)
    print("== change notification: %d-create burst from another process ==" % a.burst)
    bench_rdcw(a.burst)
    bench_watchdog(a.burst)


if __name__ == "__main__":
    main()
