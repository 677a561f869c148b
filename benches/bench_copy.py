"""Copying a 1 GiB file: CopyFileEx (with a progress routine) against `cp` and
shutil.copyfile, in the same run.

Fairness choices:
- All three copy the same hot 1 GiB source (real, non-sparse data, read once before
  timing) into a destination that does not exist; the previous destination is deleted
  outside the timed region, so no side pays for truncating 1 GiB.
- CopyFileEx runs with a Python progress routine (called per 16 MiB chunk, with the GIL
  re-acquired each time) and copies DOS attributes, mode and times after the data, as
  Windows does; `cp` (coreutils, which uses copy_file_range or a reflink itself) and
  shutil.copyfile (sendfile(2) on Linux) copy the data only. The `cp` figure includes
  its fork/exec (about a millisecond against a copy of hundreds).
- The file system decides the mechanism: on ext4 and tmpfs there is no reflink
  (FICLONE fails: EOPNOTSUPP/EXDEV), so CopyFileEx and cp both use copy_file_range; on
  btrfs/xfs both reflink and the figures measure metadata work only. The probe result
  is printed on stderr.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import sys
import time

import win32file

from harness import Config, ensure_data_file, Pair, workload

MiB = 1 << 20
FICLONE = 0x40049409




def _reflink_probe(directory) -> str:
    a, b = os.path.join(directory, "probe-a"), os.path.join(directory, "probe-b")
    with open(a, "wb") as f:
        f.write(b"x" * 4096)
    try:
        with open(a, "rb") as src, open(b, "wb") as dst:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
        return "FICLONE works: copies are reflinks"
    except OSError as e:
        return f"no reflink ({errno.errorcode.get(e.errno, e.errno)}): copy_file_range copies the data"
    finally:
        for p in (a, b):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass


def _timed_copy(copy, dst, size) -> float:
    """MB/s of one copy into a fresh destination (deleted beforehand, untimed)."""
    try:
        os.unlink(dst)
    except FileNotFoundError:
        pass
    t0 = time.perf_counter_ns()
    copy()
    elapsed = (time.perf_counter_ns() - t0) / 1e9
    if os.stat(dst).st_size != size:
        raise RuntimeError(f"copy to {dst} is incomplete")
    return size / elapsed / 1e6


def _setup(cfg: Config):
    size = cfg.pick(1 << 30, 8 * MiB)
    src = cfg.dir / f"copy-src-{size >> 20}MiB.bin"
    ensure_data_file(src, size)
    print(f"  bench_copy: {cfg.dir}: {_reflink_probe(cfg.dir)}", file=sys.stderr, flush=True)
    with open(src, "rb") as f:  # hot in the page cache
        while f.read(16 * MiB):
            pass
    return size, str(src)


def _copyfileex(src, dst, calls):
    def routine(total, done, ssize, sdone, stream, reason, hsrc, hdst, data):
        calls[0] += 1
        return win32file.PROGRESS_CONTINUE

    return lambda: win32file.CopyFileEx(src, dst, routine, None, False, 0)


def _workload_pair(cfg: Config, baseline_copy):
    size, src = _setup(cfg)
    dst_win, dst_base = str(cfg.dir / "copy-dst-winfile.bin"), str(cfg.dir / "copy-dst-base.bin")
    calls = [0]
    win = _copyfileex(src, dst_win, calls)
    base = baseline_copy(src, dst_base)
    try:
        _timed_copy(win, dst_win, size)  # warm-up of both paths
        _timed_copy(base, dst_base, size)
        yield Pair(lambda: _timed_copy(win, dst_win, size), lambda: _timed_copy(base, dst_base, size),
                   batches=cfg.pick(3, 1))
    finally:
        for p in (dst_win, dst_base):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass


@workload("CopyFileEx 1 GiB vs cp", unit="MB/s", goal=1.0, higher_is_better=True,
          winfile="CopyFileEx(src, dst, routine)", baseline="cp",
          note="1 GiB hot source (8 MiB in smoke mode) into a fresh destination; progress routine per 16 MiB chunk")
def copy_vs_cp(cfg: Config):
    def cp(src, dst):
        return lambda: subprocess.run(["cp", src, dst], check=True)
    yield from _workload_pair(cfg, cp)


@workload("CopyFileEx 1 GiB vs shutil.copyfile", unit="MB/s", goal=1.0, higher_is_better=True,
          winfile="CopyFileEx(src, dst, routine)", baseline="shutil.copyfile",
          note="1 GiB hot source (8 MiB in smoke mode) into a fresh destination; progress routine per 16 MiB chunk")
def copy_vs_shutil(cfg: Config):
    def copyfile(src, dst):
        return lambda: shutil.copyfile(src, dst)
    yield from _workload_pair(cfg, copyfile)
