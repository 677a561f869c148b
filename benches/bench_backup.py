"""BackupRead of a whole file (data plus named streams) against reading its data with
os.read.

Fairness choices: the file is the 1 GiB data file of the 1 MiB-read row (8 MiB in
smoke mode), hot in the page cache, with three named streams (two small ones in
Samba's xattr layout, one of 64 KiB in the vfs_streams_depot layout: about 70 KiB
more for BackupRead to emit, plus the record headers). BackupRead reads 1 MiB per call
into one reused buffer (as backup programs do: the buffer is the call's argument);
os.read(fd, 1 MiB) returns a new bytes object per call. Both sides' figure is the bytes
they delivered over the time taken (BackupRead's bytes include the headers and streams),
one whole pass per batch, with the context freed (bAbort=True) at the end of each pass.
"""
from __future__ import annotations

import os
import struct

import win32file

from harness import Config, ensure_data_file, Pair, throughput_mbs, workload

MiB = 1 << 20


def _add_stream(h, name: str, body: bytes) -> None:
    n = (":%s:$DATA" % name).encode("utf-16-le")
    rec = struct.pack("<IIqI", 4, 0, len(body), len(n)) + n + body  # BACKUP_ALTERNATE_DATA
    _, ctx = win32file.BackupWrite(h, len(rec), rec, False, False, 0)
    win32file.BackupWrite(h, 0, b"", True, False, ctx)


@workload("BackupRead 1 GiB + 3 streams", unit="MB/s", goal=0.9, higher_is_better=True,
          winfile="BackupRead(h, 1<<20, buf, ...)", baseline="os.read",
          note="one pass over a hot 1 GiB file (8 MiB in smoke mode) with two xattr streams and one 64 KiB depot stream, into a reused 1 MiB buffer; os.read(fd, 1 MiB) of the same file")
def backup_read(cfg: Config):
    os.environ.setdefault("WINFILE_STREAMS_DEPOT", str(cfg.dir / "streams"))
    size = cfg.pick(1 << 30, 8 * MiB)
    path = cfg.dir / f"seq-{size >> 20}MiB.bin"
    ensure_data_file(path, size)
    h = win32file.CreateFile(str(path), win32file.GENERIC_READ | win32file.GENERIC_WRITE,
                             win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE, None,
                             win32file.OPEN_EXISTING, 0, None)
    _add_stream(h, "Zone.Identifier", b"[ZoneTransfer]\r\nZoneId=3\r\n")
    _add_stream(h, "summary", os.urandom(1000))
    _add_stream(h, "thumbnail", os.urandom(64 * 1024))
    fd = os.open(path, os.O_RDONLY)
    buf = bytearray(MiB)

    def win_pass():
        read = win32file.BackupRead
        total, ctx = 0, 0
        while True:
            n, _, ctx = read(h, MiB, buf, False, False, ctx)
            if n == 0:
                read(h, 0, None, True, False, ctx)
                return total
            total += n

    def os_pass():
        read = os.read
        os.lseek(fd, 0, os.SEEK_SET)
        total = 0
        while True:
            data = read(fd, MiB)
            if not data:
                return total
            total += len(data)

    try:
        assert os_pass() == size  # warm-up: the whole file into the page cache
        assert win_pass() > size
        yield Pair(lambda: throughput_mbs(win_pass), lambda: throughput_mbs(os_pass), batches=cfg.pick(5, 1))
    finally:
        h.Close()
        os.close(fd)
