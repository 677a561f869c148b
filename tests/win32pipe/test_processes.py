"""Pipes across processes: a server in one process, clients in others; SIGKILL of
either end gives the other ERROR_BROKEN_PIPE, never a hang."""
import os
import signal

import pywintypes
import win32file
import win32pipe
import winerror
from helpers import winerror_of
from pipeutil import client, expect_line, pipe_name, server, spawn

SERVER = r"""
import sys, win32pipe, win32file
name, message, count = sys.argv[1], sys.argv[2] == "m", int(sys.argv[3])
mode = (win32pipe.PIPE_TYPE_MESSAGE | win32pipe.PIPE_READMODE_MESSAGE) if message else 0
hs = [win32pipe.CreateNamedPipe(name, 3, mode, count, 0, 0, 0, None) for _ in range(count)]
print("ready", flush=True)
for h in hs:
    win32pipe.ConnectNamedPipe(h)
    while True:
        try:
            rc, data = win32file.ReadFile(h, 65536)
        except win32pipe.error as e:
            assert e.winerror == 109, e
            break
        win32file.WriteFile(h, data[::-1])
    win32pipe.DisconnectNamedPipe(h)
print("done", flush=True)
"""

CLIENT = r"""
import os, sys, win32pipe, win32file, win32con
name = sys.argv[1]
win32pipe.WaitNamedPipe(name, 10000)
h = win32file.CreateFile(name, win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None, win32con.OPEN_EXISTING, 0, None)
print("pid", win32pipe.GetNamedPipeServerProcessId(h), flush=True)
win32file.WriteFile(h, b"from " + str(os.getpid()).encode())
print(win32file.ReadFile(h, 100)[1].decode(), flush=True)
"""


def test_server_in_another_process_serves_clients_in_others():
    name = pipe_name()
    with spawn(SERVER, name, "m", 2) as srv:
        expect_line(srv, "ready")
        # Both at once: each takes whichever instance it finds listening.
        with spawn(CLIENT, name) as c1, spawn(CLIENT, name) as c2:
            for c in (c1, c2):
                out, err = c.communicate(timeout=30)
                assert c.returncode == 0, err
                lines = out.splitlines()
                assert lines[0] == f"pid {srv.pid}"
                assert lines[1] == f"from {c.pid}"[::-1]
        expect_line(srv, "done")


def test_round_trips_with_a_server_process_both_modes():
    for mode in ("m", "b"):
        name = pipe_name(mode)
        with spawn(SERVER, name, mode, 1) as srv:
            expect_line(srv, "ready")
            h = client(name)
            assert win32pipe.GetNamedPipeServerProcessId(h) == srv.pid
            info = win32pipe.GetNamedPipeInfo(h)
            assert info[0] == (win32pipe.PIPE_TYPE_MESSAGE if mode == "m" else 0)
            for i in range(50):
                msg = os.urandom(100 + i * 37)
                win32file.WriteFile(h, msg)
                got = b""
                while len(got) < len(msg):
                    got += win32file.ReadFile(h, 65536)[1]
                assert got == msg[::-1]
            h.Close()
            expect_line(srv, "done")


def test_the_server_learns_the_client_pid():
    name = pipe_name()
    s = server(name)
    with spawn(CLIENT, name) as c:
        assert win32pipe.ConnectNamedPipe(s) in (0, winerror.ERROR_PIPE_CONNECTED)
        assert win32pipe.GetNamedPipeClientProcessId(s) == c.pid
        rc, data = win32file.ReadFile(s, 100)
        assert data == f"from {c.pid}".encode()
        win32file.WriteFile(s, b"ok")
        out, _ = c.communicate(timeout=30)
        assert out.splitlines()[1] == "ok"


KILLED_SERVER = r"""
import sys, win32pipe, win32file
name = sys.argv[1]
h = win32pipe.CreateNamedPipe(name, 3, 4 | 2, 1, 0, 0, 0, None)
print("ready", flush=True)
win32pipe.ConnectNamedPipe(h)
print("connected", flush=True)
sys.stdin.readline()
"""


def test_sigkill_of_the_server_gives_the_client_109():
    name = pipe_name()
    with spawn(KILLED_SERVER, name) as srv:
        expect_line(srv, "ready")
        h = client(name)
        expect_line(srv, "connected")
        win32file.WriteFile(h, b"a message the server never reads")
        srv.send_signal(signal.SIGKILL)
        srv.wait()
        assert winerror_of(win32file.ReadFile, h, 100) == winerror.ERROR_BROKEN_PIPE
        assert winerror_of(win32file.WriteFile, h, b"x") == winerror.ERROR_NO_DATA
        # The killed server's instance is gone: the pipe no longer exists.
        assert winerror_of(client, name) == winerror.ERROR_FILE_NOT_FOUND
        h2 = server(name, max_instances=1)  # and its place is free
        h2.Close()


def test_sigkill_of_the_server_ends_a_pending_read():
    name = pipe_name()
    with spawn(KILLED_SERVER, name) as srv:
        expect_line(srv, "ready")
        h = client(name)
        expect_line(srv, "connected")
        from pipeutil import in_thread
        reader = in_thread(lambda: winerror_of(win32file.ReadFile, h, 100))
        srv.send_signal(signal.SIGKILL)
        srv.wait()
        assert reader() == winerror.ERROR_BROKEN_PIPE


KILLED_CLIENT = r"""
import sys, win32file, win32con
name = sys.argv[1]
h = win32file.CreateFile(name, win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None, win32con.OPEN_EXISTING, 0, None)
win32file.WriteFile(h, b"half")
print("sent", flush=True)
sys.stdin.readline()
"""


def test_sigkill_of_the_client_gives_the_server_109():
    name = pipe_name()
    s = server(name)
    with spawn(KILLED_CLIENT, name) as c:
        expect_line(c, "sent")
        assert win32pipe.ConnectNamedPipe(s) == winerror.ERROR_PIPE_CONNECTED
        assert win32file.ReadFile(s, 100) == (0, b"half")
        c.send_signal(signal.SIGKILL)
        c.wait()
        assert winerror_of(win32file.ReadFile, s, 100) == winerror.ERROR_BROKEN_PIPE
        win32pipe.DisconnectNamedPipe(s)


HOLDER = r"""
import sys, win32pipe
h = win32pipe.CreateNamedPipe(sys.argv[1], 3, 0, 1, 0, 0, 0, None)
print("ready", flush=True)
sys.stdin.readline()
"""


def test_instance_limits_hold_across_processes():
    name = pipe_name()
    with spawn(HOLDER, name) as holder:
        expect_line(holder, "ready")
        assert winerror_of(server, name, False, 1) == winerror.ERROR_PIPE_BUSY
        e = winerror_of(win32pipe.CreateNamedPipe, name, 3 | win32pipe.FILE_FLAG_FIRST_PIPE_INSTANCE, 0, 1, 0, 0, 0, None)
        assert e == winerror.ERROR_ACCESS_DENIED
        c = client(name)  # takes the one instance
        assert winerror_of(client, name) == winerror.ERROR_PIPE_BUSY
        c.Close()
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        h = server(name, False, 1)  # the dead process's instance no longer counts
        assert win32pipe.GetNamedPipeHandleState(h)[1] == 1
        h.Close()


def test_pipe_handles_are_not_inherited_by_children():
    name = pipe_name()
    s = server(name)
    code = "import win32file, sys; print(win32file.GetFileType(int(sys.argv[1])))"
    with spawn(code, int(s)) as child:
        out, _ = child.communicate(timeout=30)
    assert out.strip() == "0"  # FILE_TYPE_UNKNOWN: handles are per process
    assert isinstance(s, pywintypes.HANDLEType)
