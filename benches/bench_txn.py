"""Transactions: 100 creations of 4 KiB files committed in one transaction
(win32transaction + CreateFileW(Transaction=)), against the same 100 creations without
a transaction, and against the crash-safe loop a Linux program writes by hand: write a
temporary file, fsync it, rename it into place.

Fairness choices:
- Every side creates 100 new files of 4 KiB in an empty directory (emptied untimed
  between batches); the figure is milliseconds per batch of 100.
- The transaction's cost includes CreateTransaction, the 100 shadow files in the
  journal, and CommitTransaction: fsync of each shadow, the decision record (write,
  fsync, rename, directory fsync), 100 renames and the directory fsyncs after them.
- The fsync'd loop pays 100 fsyncs and 100 renames, and no directory fsync (the usual
  hand-written version; it is not crash-safe as a group, only file by file).
- The untransacted side is CreateFileW + WriteFile + CloseHandle with no fsync at all:
  the ratio against it is what durability and atomicity cost, not a goal.
"""
from __future__ import annotations

import os
import shutil
import time

import win32con
import win32file
import win32transaction

from harness import Config, Pair, workload

DATA = os.urandom(4096)


def _fresh(d):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)


def _txn_batch(d, n):
    _fresh(d)
    t0 = time.perf_counter_ns()
    t = win32transaction.CreateTransaction(Description="bench")
    for i in range(n):
        h = win32file.CreateFileW(f"{d}/f{i}", win32con.GENERIC_WRITE, 0, None, win32file.CREATE_NEW, 0, None,
                                  Transaction=t)
        win32file.WriteFile(h, DATA)
        h.Close()
    win32transaction.CommitTransaction(t)
    ms = (time.perf_counter_ns() - t0) / 1e6
    t.Close()
    return ms


def _plain_batch(d, n):
    _fresh(d)
    t0 = time.perf_counter_ns()
    for i in range(n):
        h = win32file.CreateFileW(f"{d}/f{i}", win32con.GENERIC_WRITE, 0, None, win32file.CREATE_NEW, 0, None)
        win32file.WriteFile(h, DATA)
        h.Close()
    return (time.perf_counter_ns() - t0) / 1e6


def _fsync_loop_batch(d, n):
    _fresh(d)
    t0 = time.perf_counter_ns()
    for i in range(n):
        tmp = f"{d}/.f{i}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.write(fd, DATA)
        os.fsync(fd)
        os.close(fd)
        os.rename(tmp, f"{d}/f{i}")
    return (time.perf_counter_ns() - t0) / 1e6


def _pair(cfg: Config, baseline):
    n = cfg.pick(100, 10)
    dw, db = str(cfg.dir / "txn-winfile"), str(cfg.dir / "txn-base")
    try:
        _txn_batch(dw, n)  # warm-up (journal directory, first-touch recovery)
        baseline(db, n)
        yield Pair(lambda: _txn_batch(dw, n), lambda: baseline(db, n), batches=cfg.pick(5, 1))
    finally:
        shutil.rmtree(dw, ignore_errors=True)
        shutil.rmtree(db, ignore_errors=True)


@workload("transaction of 100 4 KiB creations vs write+fsync+rename loop", unit="ms", goal=2.0,
          higher_is_better=False, winfile="CreateTransaction; 100× CreateFileW(Transaction=t)+WriteFile; Commit",
          baseline="100× write temp, fsync, rename",
          note="atomic and durable as a group vs durable file by file; 10 files in smoke mode")
def txn_vs_fsync_loop(cfg: Config):
    yield from _pair(cfg, _fsync_loop_batch)


@workload("transaction of 100 4 KiB creations vs the same without a transaction", unit="ms", goal=10.0,
          higher_is_better=False, winfile="CreateTransaction; 100× CreateFileW(Transaction=t)+WriteFile; Commit",
          baseline="100× CreateFileW+WriteFile (no fsync)",
          note="the price of atomicity and durability (fsyncs); the goal is a loose bound (fsync cost varies by device)")
def txn_vs_plain(cfg: Config):
    yield from _pair(cfg, _plain_batch)
