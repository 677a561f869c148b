"""Cost of share modes and byte-range locks (a benchmark, not a test).

Prints per-operation times and two ratios:
- CreateFile(OPEN_EXISTING, share mode) + CloseHandle  vs  os.open + os.close (goal <= 2x)
- LockFileEx + UnlockFileEx                            vs  fcntl.lockf lock + unlock (goal <= 1.5x)

Run: .venv/bin/python benches/bench_share_lock.py  (a standalone script; `main()`
returns the numbers as a dict for a harness).
"""
import fcntl
import os
import sys
import tempfile
import time

import pywintypes
import win32con
import win32file

N = 20000
REPEATS = 5


def best(fn, n=N, repeats=REPEATS):
    """Best-of-`repeats` time per call of fn(n) in nanoseconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        fn(n)
        times.append((time.perf_counter_ns() - t0) / n)
    return min(times)


def main():
    d = tempfile.mkdtemp(prefix="winfile-bench-")
    path = os.path.join(d, "f.bin")
    with open(path, "wb") as f:
        f.write(bytes(4096))
    access = win32con.GENERIC_READ | win32con.GENERIC_WRITE
    share = win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE  # coexists with h below

    def wf_open(n):
        cf, ch = win32file.CreateFile, win32file.CloseHandle
        for _ in range(n):
            ch(cf(path, access, share, None, win32file.OPEN_EXISTING, 0, None))

    def os_open(n):
        op, cl, flags = os.open, os.close, os.O_RDWR | os.O_CLOEXEC
        for _ in range(n):
            cl(op(path, flags))

    h = win32file.CreateFile(path, access, win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE,
                             None, win32file.OPEN_EXISTING, 0, None)
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 100
    flags = win32con.LOCKFILE_EXCLUSIVE_LOCK | win32con.LOCKFILE_FAIL_IMMEDIATELY

    def wf_lock(n):
        lk, ul = win32file.LockFileEx, win32file.UnlockFileEx
        for _ in range(n):
            lk(h, flags, 50, 0, ol)
            ul(h, 50, 0, ol)

    fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)

    def py_lock(n):
        lf, ex, un = fcntl.lockf, fcntl.LOCK_EX | fcntl.LOCK_NB, fcntl.LOCK_UN
        for _ in range(n):
            lf(fd, ex, 50, 100)
            lf(fd, un, 50, 100)

    try:
        results = {
            "createfile_close_ns": best(wf_open),
            "os_open_close_ns": best(os_open),
            "lockfileex_unlock_ns": best(wf_lock),
            "fcntl_lockf_ns": best(py_lock),
        }
    finally:
        h.Close()
        os.close(fd)
        os.unlink(path)
        os.rmdir(d)
    results["open_ratio"] = results["createfile_close_ns"] / results["os_open_close_ns"]
    results["lock_ratio"] = results["lockfileex_unlock_ns"] / results["fcntl_lockf_ns"]
    print(f"CreateFile+CloseHandle (share mode): {results['createfile_close_ns']:8.0f} ns")
    print(f"os.open+os.close:                    {results['os_open_close_ns']:8.0f} ns")
    print(f"  ratio {results['open_ratio']:.2f}x (goal <= 2x)")
    print(f"LockFileEx+UnlockFileEx:             {results['lockfileex_unlock_ns']:8.0f} ns")
    print(f"fcntl.lockf lock+unlock:             {results['fcntl_lockf_ns']:8.0f} ns")
    print(f"  ratio {results['lock_ratio']:.2f}x (goal <= 1.5x)")
    return results


if __name__ == "__main__":
    main()
    sys.exit(0)
