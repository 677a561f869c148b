"""Synchronous I/O: ReadFile/WriteFile against the os module on the same files.

All files live in the bench directory on a real file system (not a tmpfs unless
$WINFILE_BENCH_DIR points at one) and every measurement runs hot: an untimed
warm-up pass reads the files into the page cache first, so the figures compare
the call paths (Python call, argument conversion, handle lookup, syscall, result
objects), not the disk.

Fairness choices:
- ReadFile(h, 4096) reads at the handle's file pointer, i.e. read(2). The baseline
  is therefore os.read(fd, 4096), the same syscall at the descriptor's position,
  rather than os.pread(fd, 4096, off) (which would need an offset the loop keeps
  in Python; the two measure within a few percent of each other). Both sides read
  sequentially through a 16 MiB file and rewind once per pass (SetFilePointer vs
  os.lseek), so rewinds cost 1 call in 4096 on each side. A batch is one pass.
- WriteFile(h, data) vs os.write(fd, data): each side overwrites its own
  preallocated 4 MiB file in place, rewinding once per pass, so no side pays for
  block allocation or file growth.
- 1 MiB reads: ReadFile(h, 1 << 20) returns a new bytes object, as os.read does;
  both read a 1 GiB file of real (non-sparse, non-zero) data from start to end of
  file, 5 passes per round.
- 2 GiB writes: one WriteFile(h, data) of a 2 GiB bytearray against os.write looping
  over its partial writes (one write(2) moves at most 2 GiB - 4 KiB) from a memoryview
  of the same bytearray, so neither side copies the data up front; each side
  overwrites its own preallocated (posix_fallocate) 2 GiB file from the start. A
  bytearray, not bytes: bytes are lent to write(2) as they are, other buffers are
  copied into bytes a piece at a time (the path this row watches).
"""
from __future__ import annotations

import os

import win32file

from harness import Config, ensure_data_file, fill_data_file, Pair, per_call_us, throughput_mbs, workload

KiB = 1 << 10
MiB = 1 << 20


def _open(path) -> "object":
    return win32file.CreateFile(
        str(path),
        win32file.GENERIC_READ | win32file.GENERIC_WRITE,
        win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE,
        None, win32file.OPEN_EXISTING, 0, None,
    )




@workload("ReadFile 4 KiB", unit="µs/call", goal=1.2, higher_is_better=False,
          winfile="ReadFile(h, 4096)", baseline="os.read",
          note="sequential read(2) through a hot 16 MiB file (256 KiB in smoke mode) on both sides, rewound once per pass")
def read_4k(cfg: Config):
    size = cfg.pick(16 * MiB, 256 * KiB)
    per_pass = size // 4096
    batches = cfg.pick(50, 2)  # one pass (4096 calls, a few ms) per batch
    path = cfg.dir / f"read4k-{size}.bin"
    ensure_data_file(path, size)
    h = _open(path)
    fd = os.open(path, os.O_RDONLY)

    def win_loop(n):
        read, seek = win32file.ReadFile, win32file.SetFilePointer
        for _ in range(n // per_pass):
            seek(h, 0, win32file.FILE_BEGIN)
            for _ in range(per_pass):
                read(h, 4096)

    def os_loop(n):
        read, seek = os.read, os.lseek
        for _ in range(n // per_pass):
            seek(fd, 0, os.SEEK_SET)
            for _ in range(per_pass):
                read(fd, 4096)

    try:
        win_loop(per_pass)  # warm-up: page cache, allocator, code paths
        os_loop(per_pass)
        yield Pair(lambda: per_call_us(win_loop, per_pass), lambda: per_call_us(os_loop, per_pass),
                   batches=batches)
    finally:
        h.Close()
        os.close(fd)


@workload("WriteFile 4 KiB", unit="µs/call", goal=1.2, higher_is_better=False,
          winfile="WriteFile(h, data)", baseline="os.write",
          note="each side overwrites its own preallocated 4 MiB file (256 KiB in smoke mode) in place, rewound once per pass")
def write_4k(cfg: Config):
    size = cfg.pick(4 * MiB, 256 * KiB)
    per_pass = size // 4096
    batches = cfg.pick(50, 2)  # one pass (1024 calls, a few ms) per batch
    data = os.urandom(4096)
    win_path, os_path = cfg.dir / "write4k-winfile.bin", cfg.dir / "write4k-os.bin"
    fill_data_file(win_path, size)
    fill_data_file(os_path, size)
    h = _open(win_path)
    fd = os.open(os_path, os.O_WRONLY)

    def win_loop(n):
        write, seek = win32file.WriteFile, win32file.SetFilePointer
        for _ in range(n // per_pass):
            seek(h, 0, win32file.FILE_BEGIN)
            for _ in range(per_pass):
                write(h, data)

    def os_loop(n):
        write, seek = os.write, os.lseek
        for _ in range(n // per_pass):
            seek(fd, 0, os.SEEK_SET)
            for _ in range(per_pass):
                write(fd, data)

    try:
        win_loop(per_pass)
        os_loop(per_pass)
        yield Pair(lambda: per_call_us(win_loop, per_pass), lambda: per_call_us(os_loop, per_pass),
                   batches=batches)
    finally:
        h.Close()
        os.close(fd)
        os.unlink(win_path)
        os.unlink(os_path)


@workload("ReadFile 1 MiB sequential", unit="MB/s", goal=0.95, higher_is_better=True,
          winfile="ReadFile(h, 1<<20)", baseline="os.read",
          note="5 passes over a 1 GiB file (1 over 8 MiB in smoke mode) per round, hot in the page cache after a warm-up pass")
def read_seq(cfg: Config):
    size = cfg.pick(1 << 30, 8 * MiB)
    chunk = MiB
    passes = cfg.pick(5, 1)  # one pass over the file (~40 ms hot for 1 GiB) per batch
    path = cfg.dir / f"seq-{size >> 20}MiB.bin"
    ensure_data_file(path, size)
    h = _open(path)
    fd = os.open(path, os.O_RDONLY)

    def win_pass():
        read = win32file.ReadFile
        win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
        total = 0
        while True:
            _, data = read(h, chunk)
            if not data:
                return total
            total += len(data)

    def os_pass():
        read = os.read
        os.lseek(fd, 0, os.SEEK_SET)
        total = 0
        while True:
            data = read(fd, chunk)
            if not data:
                return total
            total += len(data)

    try:
        assert os_pass() == size  # warm-up: the whole file into the page cache
        assert win_pass() == size
        yield Pair(lambda: throughput_mbs(win_pass), lambda: throughput_mbs(os_pass), batches=passes)
    finally:
        h.Close()
        os.close(fd)


@workload("WriteFile 2 GiB bytearray", unit="MB/s", goal=0.9, higher_is_better=True,
          winfile="WriteFile(h, bytearray)", baseline="os.write loop",
          note="one call writing a 2 GiB bytearray (8 MiB in smoke mode) over a preallocated file; os.write loops over partial writes of a memoryview of it")
def write_2g(cfg: Config):
    size = cfg.pick(2 << 30, 8 * MiB)
    data = bytearray(os.urandom(MiB)) * (size // MiB)
    win_path, os_path = cfg.dir / "write2g-winfile.bin", cfg.dir / "write2g-os.bin"
    for path in (win_path, os_path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.posix_fallocate(fd, 0, size)
        finally:
            os.close(fd)
    h = _open(win_path)
    fd = os.open(os_path, os.O_WRONLY)
    view = memoryview(data)

    def win_pass():
        win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
        _, n = win32file.WriteFile(h, data)
        return n

    def os_pass():
        os.lseek(fd, 0, os.SEEK_SET)
        n = 0
        while n < size:
            n += os.write(fd, view[n:])
        return n

    try:
        assert win_pass() == size  # warm-up: page cache, allocator
        assert os_pass() == size
        yield Pair(lambda: throughput_mbs(win_pass), lambda: throughput_mbs(os_pass))
    finally:
        view.release()
        h.Close()
        os.close(fd)
        os.unlink(win_path)
        os.unlink(os_path)
