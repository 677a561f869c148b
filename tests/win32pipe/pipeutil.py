"""Helpers of the pipe tests: unique names, a server thread, a server in another process."""
import contextlib
import itertools
import os
import subprocess
import sys
import textwrap
import threading

import win32con
import win32file
import win32pipe

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
_counter = itertools.count()


def pipe_name(tag="t"):
    """A pipe name no other test uses (names are per user, shared by processes)."""
    return rf"\\.\pipe\winfile-test-{os.getpid()}-{tag}-{next(_counter)}"


def server(name, message=True, max_instances=1, overlapped=False, read_message=None, nowait=False):
    mode = win32pipe.PIPE_TYPE_MESSAGE if message else win32pipe.PIPE_TYPE_BYTE
    if read_message if read_message is not None else message:
        mode |= win32pipe.PIPE_READMODE_MESSAGE
    if nowait:
        mode |= win32pipe.PIPE_NOWAIT
    open_mode = win32pipe.PIPE_ACCESS_DUPLEX | (win32con.FILE_FLAG_OVERLAPPED if overlapped else 0)
    return win32pipe.CreateNamedPipe(name, open_mode, mode, max_instances, 4096, 4096, 0, None)


def client(name, overlapped=False, access=RW):
    flags = win32con.FILE_FLAG_OVERLAPPED if overlapped else 0
    return win32file.CreateFile(name, access, 0, None, win32con.OPEN_EXISTING, flags, None)


def connected(message=True, read_message=None):
    """A connected (server, client) pair of a fresh pipe."""
    name = pipe_name()
    s = server(name, message, read_message=read_message)
    c = client(name)
    assert win32pipe.ConnectNamedPipe(s) == 535  # the client came first
    return s, c


def in_thread(fn, *args):
    """Runs fn(*args) in a thread; returns a function giving its result (or raising)."""
    out = {}

    def run():
        try:
            out["v"] = fn(*args)
        except BaseException as e:  # handed to the test thread
            out["e"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()

    def result(timeout=30):
        t.join(timeout)
        assert not t.is_alive(), "thread did not finish"
        if "e" in out:
            raise out["e"]
        return out.get("v")

    return result


@contextlib.contextmanager
def spawn(code, *args):
    """A child Python running `code` (dedented) with the test environment; its stdout
    is a pipe of lines, stdin a pipe to it. Killed (if still running) and reaped at
    the end of the block."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
    )
    with proc:
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


def expect_line(proc, want):
    line = proc.stdout.readline().strip()
    if line != want:
        err = proc.stderr.read() if proc.poll() is not None else ""
        raise AssertionError(f"child said {line!r}, expected {want!r}; stderr: {err}")
