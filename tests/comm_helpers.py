"""Pseudo-terminal COM ports for the serial tests.

`pty_port(n)` opens a pseudo-terminal pair, defines `COMn` to its slave with
DefineDosDevice and opens `\\\\.\\COMn` with CreateFile; the master is the far end
of the line (what a device on the cable would read and write).

What a pseudo-terminal cannot show (Linux's pty driver): modem lines (TIOCMGET fails,
GetCommModemStatus is 0), a break on the wire, line errors (no TIOCGICOUNT counters),
and data bits and parity (the pty forces CS8 without parity). Those need a real UART or
USB adapter; the compatibility table lists them as hardware-only.
"""
import os
import shutil
import subprocess
import time
from contextlib import contextmanager

import win32con
import win32file

MAXDWORD = 0xFFFFFFFF


def define(n, target):
    win32file.DefineDosDevice(0, "COM%d" % n, target)


def undefine(n, target):
    flags = win32con.DDD_REMOVE_DEFINITION | win32con.DDD_EXACT_MATCH_ON_REMOVE
    try:
        win32file.DefineDosDevice(flags, "COM%d" % n, target)
    except Exception:
        pass


def open_com(n, flags=0, access=win32con.GENERIC_READ | win32con.GENERIC_WRITE):
    return win32file.CreateFile(r"\\.\COM%d" % n, access, 0, None, win32con.OPEN_EXISTING, flags, None)


class PtyPort:
    def __init__(self, n, flags=0):
        self.master, slave = os.openpty()
        self.name = os.ttyname(slave)
        os.close(slave)
        self.n = n
        define(n, self.name)
        self.h = open_com(n, flags)

    def close(self):
        try:
            self.h.Close()
        except Exception:
            pass
        undefine(self.n, self.name)
        try:
            os.close(self.master)
        except OSError:
            pass

    def write_master(self, data):
        """Writes all of data at the far end (a pty master accepts partial writes)."""
        view = memoryview(data)
        while view:
            n = os.write(self.master, view)
            view = view[n:]

    def read_master(self, n, timeout=5.0):
        """Reads exactly n bytes from the far end (or what came before timeout)."""
        import select
        out = b""
        end = time.monotonic() + timeout
        while len(out) < n and time.monotonic() < end:
            r, _, _ = select.select([self.master], [], [], max(0.0, end - time.monotonic()))
            if r:
                out += os.read(self.master, n - len(out))
        return out


@contextmanager
def pty_port(n, flags=0):
    p = PtyPort(n, flags)
    try:
        yield p
    finally:
        p.close()


def socat_available():
    return shutil.which("socat") is not None


@contextmanager
def null_modem(tmp_path):
    """Two linked pseudo-terminals from socat (a null-modem cable): (path_a, path_b)."""
    a, b = str(tmp_path / "ttyA"), str(tmp_path / "ttyB")
    proc = subprocess.Popen(
        ["socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        end = time.monotonic() + 10
        while not (os.path.exists(a) and os.path.exists(b)):
            if time.monotonic() > end or proc.poll() is not None:
                raise RuntimeError("socat did not create the pair")
            time.sleep(0.02)
        yield os.path.realpath(a), os.path.realpath(b)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
