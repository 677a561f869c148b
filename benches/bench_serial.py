"""Serial ports: winfile's COM port (\\\\.\\COMn through DefineDosDevice) against pyserial on
the same pseudo-terminal pair.

- 1 MiB at 4 KiB writes, each way: the port side writes (WriteFile / Serial.write) 256
  chunks of 4 KiB while a thread drains the pty master, or reads (ReadFile(h, 4096) /
  Serial.read(4096), both waiting for a full 4 KiB: all-zero COMMTIMEOUTS, timeout=None)
  what a thread writes into the master. A batch is 1 MiB; MB/s, higher is better.
- 10k round trips of 1 byte: the port writes one byte, a thread at the master echoes it,
  the port reads it back; µs per round trip, lower is better. The echo thread is the
  same for both sides.

Both sides use the same slave tty (pyserial opened first, without its flock, so the
two can share it; they never run at the same time: batches alternate). pyserial is a
bench-only dependency: `make bench` installs it; without it these rows are not run.
"""
from __future__ import annotations

import os
import select
import threading

import win32con
import win32file

from harness import Config, Pair, per_call_us, throughput_mbs, workload

try:
    import serial  # pyserial
except ImportError:  # pragma: no cover - make bench installs it
    serial = None

KiB = 1 << 10
MiB = 1 << 20
PORT = 97


class Line:
    """A pty pair, the slave opened by winfile (COM97) and by pyserial."""

    def __init__(self):
        self.master, slave = os.openpty()
        self.name = os.ttyname(slave)
        os.close(slave)
        self.ser = serial.Serial(self.name, 115200, timeout=None, exclusive=False)
        win32file.DefineDosDevice(0, "COM%d" % PORT, self.name)
        self.h = win32file.CreateFile(r"\\.\COM%d" % PORT, win32con.GENERIC_READ | win32con.GENERIC_WRITE,
                                      0, None, win32con.OPEN_EXISTING, 0, None)
        win32file.SetCommTimeouts(self.h, (0, 0, 0, 0, 0))

    def close(self):
        self.h.Close()
        self.ser.close()
        win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION | win32con.DDD_EXACT_MATCH_ON_REMOVE,
                                  "COM%d" % PORT, self.name)
        os.close(self.master)

    def drain(self, total):
        got = 0
        while got < total:
            got += len(os.read(self.master, 65536))

    def feed(self, total):
        chunk = b"\x5a" * (4 * KiB)
        sent = 0
        while sent < total:
            view = memoryview(chunk)[: total - sent]
            while view:
                n = os.write(self.master, view)
                view = view[n:]
                sent += n

    def echo(self, count):
        for _ in range(count):
            select.select([self.master], [], [])
            os.write(self.master, os.read(self.master, 1))


def _with_thread(target, *args):
    t = threading.Thread(target=target, args=args)
    t.start()
    return t


def _lines():
    if serial is None:
        return False
    return True


if _lines():
    @workload("Serial write 1 MiB at 4 KiB", unit="MB/s", goal=1.0, higher_is_better=True,
              winfile="WriteFile(h, 4 KiB) x256", baseline="pyserial Serial.write",
              note="pty pair; a thread drains the master")
    def serial_write(cfg: Config):
        total = cfg.pick(1 * MiB, 64 * KiB)
        data = b"\xa5" * (4 * KiB)
        line = Line()

        def wf():
            t = _with_thread(line.drain, total)
            for _ in range(total // len(data)):
                win32file.WriteFile(line.h, data)
            t.join()
            return total

        def ps():
            t = _with_thread(line.drain, total)
            for _ in range(total // len(data)):
                line.ser.write(data)
            t.join()
            return total

        try:
            yield Pair(lambda: throughput_mbs(wf), lambda: throughput_mbs(ps), batches=cfg.pick(5, 1))
        finally:
            line.close()

    @workload("Serial read 1 MiB at 4 KiB", unit="MB/s", goal=1.0, higher_is_better=True,
              winfile="ReadFile(h, 4096) x256", baseline="pyserial Serial.read(4096)",
              note="pty pair; a thread writes 4 KiB chunks into the master; both wait for full reads")
    def serial_read(cfg: Config):
        total = cfg.pick(1 * MiB, 64 * KiB)
        line = Line()

        def wf():
            t = _with_thread(line.feed, total)
            got = 0
            while got < total:
                got += len(win32file.ReadFile(line.h, 4096)[1])
            t.join()
            return total

        def ps():
            t = _with_thread(line.feed, total)
            got = 0
            while got < total:
                got += len(line.ser.read(4096))
            t.join()
            return total

        try:
            yield Pair(lambda: throughput_mbs(wf), lambda: throughput_mbs(ps), batches=cfg.pick(5, 1))
        finally:
            line.close()

    @workload("Serial 1-byte round trip", unit="µs/trip", goal=1.0, higher_is_better=False,
              winfile="WriteFile + ReadFile(h, 1)", baseline="pyserial write + read(1)",
              note="10k round trips (200 in smoke mode) through a pty pair with an echo thread at the master")
    def serial_round_trip(cfg: Config):
        count = cfg.pick(10_000, 200)
        line = Line()
        one = b"!"

        def wf(n):
            t = _with_thread(line.echo, n)
            for _ in range(n):
                win32file.WriteFile(line.h, one)
                win32file.ReadFile(line.h, 1)
            t.join()

        def ps(n):
            t = _with_thread(line.echo, n)
            for _ in range(n):
                line.ser.write(one)
                line.ser.read(1)
            t.join()

        try:
            yield Pair(lambda: per_call_us(wf, count), lambda: per_call_us(ps, count), batches=cfg.pick(3, 1))
        finally:
            line.close()
