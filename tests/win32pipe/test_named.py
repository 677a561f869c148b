"""win32pipe in one process: names, modes, framing, states and their error codes."""
import os
import time

import pytest
import pywintypes
import win32con
import win32event
import win32file
import win32pipe
import winerror
from helpers import winerror_of
from pipeutil import RW, client, connected, in_thread, pipe_name, server


def test_constants_have_pywin32_values():
    w = win32pipe
    assert (w.PIPE_ACCESS_INBOUND, w.PIPE_ACCESS_OUTBOUND, w.PIPE_ACCESS_DUPLEX) == (1, 2, 3)
    assert (w.PIPE_TYPE_BYTE, w.PIPE_TYPE_MESSAGE, w.PIPE_READMODE_BYTE, w.PIPE_READMODE_MESSAGE) == (0, 4, 0, 2)
    assert (w.PIPE_WAIT, w.PIPE_NOWAIT, w.PIPE_ACCEPT_REMOTE_CLIENTS, w.PIPE_REJECT_REMOTE_CLIENTS) == (0, 1, 0, 8)
    assert w.PIPE_UNLIMITED_INSTANCES == 255
    assert (w.NMPWAIT_NOWAIT, w.NMPWAIT_WAIT_FOREVER, w.NMPWAIT_USE_DEFAULT_WAIT) == (1, -1, 0)
    assert w.FILE_FLAG_FIRST_PIPE_INSTANCE == win32con.FILE_FLAG_FIRST_PIPE_INSTANCE == 0x80000
    assert w.error is pywintypes.error


def test_pipe_handles_are_file_type_pipe():
    s, c = connected()
    assert win32file.GetFileType(s) == win32file.FILE_TYPE_PIPE
    assert win32file.GetFileType(c) == win32file.FILE_TYPE_PIPE
    r, w = win32pipe.CreatePipe(None, 0)
    assert win32file.GetFileType(r) == win32file.FILE_TYPE_PIPE


@pytest.mark.parametrize("bad", [r"C:\pipe\x", r"\\.\pipe\ ".rstrip(), r"\\.\notpipe\x", "x", r"\\.\pipe\\" + "n" * 300])
def test_invalid_names_are_123(bad):
    assert winerror_of(win32pipe.CreateNamedPipe, bad, 3, 0, 1, 0, 0, 0, None) == winerror.ERROR_INVALID_NAME


def test_invalid_names_for_clients_are_123():
    assert winerror_of(client, "\\\\.\\pipe\\") == winerror.ERROR_INVALID_NAME
    assert winerror_of(win32pipe.WaitNamedPipe, "\\\\.\\pipe\\", 0) == winerror.ERROR_INVALID_NAME
    assert winerror_of(win32pipe.WaitNamedPipe, r"C:\x", 0) == winerror.ERROR_INVALID_NAME


def test_remote_names_fail_as_an_unreachable_server():
    assert winerror_of(win32pipe.CreateNamedPipe, r"\\srv\pipe\x", 3, 0, 1, 0, 0, 0, None) == 123
    assert winerror_of(client, r"\\nosuchserver\pipe\x") == winerror.ERROR_BAD_NETPATH
    assert winerror_of(win32pipe.WaitNamedPipe, r"\\nosuchserver\pipe\x", 0) == winerror.ERROR_BAD_NETPATH
    assert winerror_of(win32pipe.CallNamedPipe, r"\\srv\pipe\x", b"", 10, 0) == winerror.ERROR_BAD_NETPATH


@pytest.mark.parametrize("args", [
    (0, 0, 1),  # no access direction
    (3, 2, 1),  # message read mode on a byte pipe
    (3, 0, 0),  # no instances
    (3, 0, 256),  # more than PIPE_UNLIMITED_INSTANCES
    (3, 0x100, 1),  # unknown pipe mode bit
])
def test_bad_parameters_are_87(args):
    open_mode, pipe_mode, max_inst = args
    e = winerror_of(win32pipe.CreateNamedPipe, pipe_name(), open_mode, pipe_mode, max_inst, 0, 0, 0, None)
    assert e == winerror.ERROR_INVALID_PARAMETER


def test_missing_pipe_is_file_not_found():
    name = pipe_name()
    assert winerror_of(client, name) == winerror.ERROR_FILE_NOT_FOUND
    assert winerror_of(win32pipe.WaitNamedPipe, name, 0) == winerror.ERROR_FILE_NOT_FOUND
    s = server(name)
    s.Close()
    assert winerror_of(client, name) == winerror.ERROR_FILE_NOT_FOUND


def test_names_are_case_insensitive_and_take_the_question_mark_prefix():
    name = pipe_name("MiXeD")
    s = server(name)
    c = client(name.upper().replace(r"\\.\PIPE", r"\\?\pipe"))
    assert win32pipe.ConnectNamedPipe(s) == winerror.ERROR_PIPE_CONNECTED
    win32file.WriteFile(c, b"x")
    assert win32file.ReadFile(s, 10) == (0, b"x")


def test_connect_waits_for_a_client():
    # 0 when the wait began before the client came, 535 otherwise (a race the test
    # cannot order; the overlapped tests see the 997-then-completion path).
    name = pipe_name()
    s = server(name)
    result = in_thread(win32pipe.ConnectNamedPipe, s)
    c = client(name)
    assert result() in (0, winerror.ERROR_PIPE_CONNECTED)
    win32file.WriteFile(c, b"ping")
    assert win32file.ReadFile(s, 4) == (0, b"ping")


def test_connect_on_a_connected_instance_is_535_and_a_gone_client_232():
    name = pipe_name()
    s = server(name)
    c = client(name)
    c.Close()
    assert winerror_of(win32pipe.ConnectNamedPipe, s) == winerror.ERROR_NO_DATA
    s2, c2 = connected()
    assert win32pipe.ConnectNamedPipe(s2) == winerror.ERROR_PIPE_CONNECTED


def test_message_mode_more_data_reassembly():
    s, c = connected()
    payload = bytes(range(256)) * 40  # 10240 bytes, one message
    assert win32file.WriteFile(c, payload) == (0, len(payload))
    win32file.WriteFile(c, b"next")
    got = b""
    while True:
        rc, part = win32file.ReadFile(s, 1000)
        got += part
        if rc == 0:
            break
        assert rc == winerror.ERROR_MORE_DATA and len(part) == 1000
    assert got == payload
    assert win32file.ReadFile(s, 1000) == (0, b"next")


@pytest.mark.parametrize("size", [65535, 65536, 65537, 131072, 3 * 65536 + 5, 5 << 20])
def test_long_messages_keep_their_boundaries(size):
    s, c = connected()
    big = os.urandom(size)
    writer = in_thread(lambda: [win32file.WriteFile(c, m)[1] for m in (big, b"", b"after")])
    got = b""
    while True:
        rc, part = win32file.ReadFile(s, 1 << 20)
        got += part
        if rc == 0:
            break
        assert rc == winerror.ERROR_MORE_DATA
    assert got == big
    assert win32file.ReadFile(s, 10) == (0, b"")
    assert win32file.ReadFile(s, 10) == (0, b"after")
    assert writer() == [size, 0, 5]
    # Read whole when the buffer is large enough.
    writer = in_thread(win32file.WriteFile, c, big)
    assert win32file.ReadFile(s, size + 10) == (0, big)
    writer()


def test_more_data_into_a_caller_buffer_and_last_error():
    import win32api
    s, c = connected()
    win32file.WriteFile(c, b"0123456789")
    buf = bytearray(4)
    assert win32file.ReadFile(s, buf) == (winerror.ERROR_MORE_DATA, b"0123")
    assert buf == b"0123"
    assert win32api.GetLastError() == winerror.ERROR_MORE_DATA
    assert win32file.ReadFile(s, buf) == (winerror.ERROR_MORE_DATA, b"4567")
    assert win32file.ReadFile(s, buf) == (0, b"89")


def test_message_boundaries_and_empty_messages():
    s, c = connected()
    for m in (b"a", b"", b"bcd", b""):
        win32file.WriteFile(c, m)
    assert [win32file.ReadFile(s, 100)[1] for _ in range(4)] == [b"a", b"", b"bcd", b""]


def test_byte_read_mode_on_a_message_pipe_gives_no_more_data():
    s, c = connected(message=True, read_message=False)
    win32file.WriteFile(c, b"abcdef")
    assert win32file.ReadFile(s, 4) == (0, b"abcd")
    assert win32file.ReadFile(s, 4) == (0, b"ef")


def test_byte_pipe_streams():
    s, c = connected(message=False)
    win32file.WriteFile(c, b"abc")
    win32file.WriteFile(c, b"def")
    data = b""
    while len(data) < 6:
        data += win32file.ReadFile(s, 100)[1]
    assert data == b"abcdef"
    big = os.urandom(1 << 20)
    reader = in_thread(lambda: b"".join(iter(lambda: win32file.ReadFile(c, 65536)[1], b"")) if False else _read_n(c, len(big)))
    assert win32file.WriteFile(s, big) == (0, len(big))
    assert reader() == big


def _read_n(h, n):
    out = bytearray()
    while len(out) < n:
        out += win32file.ReadFile(h, n - len(out))[1]
    return bytes(out)


def test_states_and_their_errors():
    name = pipe_name()
    s = server(name)
    assert winerror_of(win32file.ReadFile, s, 10) == winerror.ERROR_PIPE_LISTENING
    assert winerror_of(win32file.WriteFile, s, b"x") == winerror.ERROR_PIPE_LISTENING
    c = client(name)
    win32pipe.ConnectNamedPipe(s)
    c.Close()
    assert winerror_of(win32file.ReadFile, s, 10) == winerror.ERROR_BROKEN_PIPE
    assert winerror_of(win32file.WriteFile, s, b"x") == winerror.ERROR_NO_DATA
    win32pipe.DisconnectNamedPipe(s)
    assert winerror_of(win32file.ReadFile, s, 10) == winerror.ERROR_PIPE_NOT_CONNECTED
    # Disconnected instances are not listening: a client finds the pipe busy...
    assert winerror_of(client, name) == winerror.ERROR_PIPE_BUSY
    # ...until the server listens again.
    result = in_thread(win32pipe.ConnectNamedPipe, s)
    win32pipe.WaitNamedPipe(name, 5000)
    c2 = client(name)
    assert result() in (0, winerror.ERROR_PIPE_CONNECTED)
    win32file.WriteFile(c2, b"again")
    assert win32file.ReadFile(s, 10) == (0, b"again")


def test_disconnect_ends_the_client():
    # Data the client's socket already holds stays readable (Windows discards it; see
    # docs/pipes.md), then the pipe has ended.
    s, c = connected()
    win32file.WriteFile(s, b"sent")
    win32pipe.DisconnectNamedPipe(s)
    assert win32file.ReadFile(c, 10) == (0, b"sent")
    assert winerror_of(win32file.ReadFile, c, 10) == winerror.ERROR_BROKEN_PIPE
    assert winerror_of(win32file.WriteFile, c, b"x") == winerror.ERROR_NO_DATA


def test_server_close_gives_the_client_109_and_232():
    s, c = connected()
    s.Close()
    assert winerror_of(win32file.ReadFile, c, 10) == winerror.ERROR_BROKEN_PIPE
    assert winerror_of(win32file.WriteFile, c, b"x") == winerror.ERROR_NO_DATA


def test_instance_limits_and_first_instance():
    name = pipe_name()
    a = server(name, max_instances=2)
    b = server(name, max_instances=2)
    assert winerror_of(server, name, True, 2) == winerror.ERROR_PIPE_BUSY
    e = winerror_of(win32pipe.CreateNamedPipe, name, 3 | win32pipe.FILE_FLAG_FIRST_PIPE_INSTANCE, 4, 2, 0, 0, 0, None)
    assert e == winerror.ERROR_ACCESS_DENIED
    c1, c2 = client(name), client(name)
    assert winerror_of(client, name) == winerror.ERROR_PIPE_BUSY
    assert win32pipe.GetNamedPipeHandleState(a)[1] == 2
    assert win32pipe.GetNamedPipeHandleState(c1)[1] == 2  # clients see the count too
    b.Close()
    c = server(name, max_instances=2)  # a closed instance frees its place
    for h in (a, c, c1, c2):
        h.Close()
    f = win32pipe.CreateNamedPipe(name, 3 | win32pipe.FILE_FLAG_FIRST_PIPE_INSTANCE, 4, 1, 0, 0, 0, None)
    f.Close()


def test_unlimited_instances():
    name = pipe_name()
    hs = [server(name, max_instances=win32pipe.PIPE_UNLIMITED_INSTANCES) for _ in range(20)]
    assert win32pipe.GetNamedPipeInfo(hs[0])[3] == 255
    assert win32pipe.GetNamedPipeHandleState(hs[0])[1] == 20


def test_wait_named_pipe():
    name = pipe_name()
    s = server(name)
    win32pipe.WaitNamedPipe(name, 0)  # listening: at once
    c = client(name)
    win32pipe.ConnectNamedPipe(s)
    assert winerror_of(win32pipe.WaitNamedPipe, name, 50) == winerror.ERROR_SEM_TIMEOUT
    assert winerror_of(win32pipe.WaitNamedPipe, name, win32pipe.NMPWAIT_USE_DEFAULT_WAIT) == winerror.ERROR_SEM_TIMEOUT
    waiter = in_thread(win32pipe.WaitNamedPipe, name, win32pipe.NMPWAIT_WAIT_FOREVER)
    c.Close()
    win32pipe.DisconnectNamedPipe(s)
    result = in_thread(win32pipe.ConnectNamedPipe, s)
    assert waiter() is None
    client(name)
    result()


def test_peek_named_pipe():
    s, c = connected()
    assert win32pipe.PeekNamedPipe(s, 10) == (b"", 0, 0)
    win32file.WriteFile(c, b"hello world")
    assert win32pipe.PeekNamedPipe(s, 5) == (b"hello", 11, 6)
    assert win32file.ReadFile(s, 3) == (winerror.ERROR_MORE_DATA, b"hel")
    assert win32pipe.PeekNamedPipe(s, 100) == (b"lo world", 8, 0)
    assert win32file.ReadFile(s, 100) == (0, b"lo world")
    sb, cb = connected(message=False)
    win32file.WriteFile(cb, b"bytes")
    assert win32pipe.PeekNamedPipe(sb, 3) == (b"byt", 5, 0)
    cb.Close()
    assert win32file.ReadFile(sb, 10) == (0, b"bytes")
    assert winerror_of(win32pipe.PeekNamedPipe, sb, 10) == winerror.ERROR_BROKEN_PIPE


def test_info_and_handle_state():
    name = pipe_name()
    s = win32pipe.CreateNamedPipe(name, 3, win32pipe.PIPE_TYPE_MESSAGE | win32pipe.PIPE_READMODE_MESSAGE, 3, 111, 222, 0, None)
    c = client(name)
    assert win32pipe.GetNamedPipeInfo(s) == (win32pipe.PIPE_TYPE_MESSAGE | 1, 111, 222, 3)
    assert win32pipe.GetNamedPipeInfo(c) == (win32pipe.PIPE_TYPE_MESSAGE, 111, 222, 3)
    assert win32pipe.GetNamedPipeHandleState(s) == (win32pipe.PIPE_READMODE_MESSAGE, 1, None, None, "")
    assert win32pipe.GetNamedPipeHandleState(c, 1)[:4] == (0, 1, 0, 0)  # clients start in byte read mode
    win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE | win32pipe.PIPE_NOWAIT, None, None)
    assert win32pipe.GetNamedPipeHandleState(c)[0] == win32pipe.PIPE_READMODE_MESSAGE | win32pipe.PIPE_NOWAIT
    assert winerror_of(win32file.ReadFile, c, 10) == winerror.ERROR_NO_DATA  # PIPE_NOWAIT, nothing there
    win32pipe.SetNamedPipeHandleState(c, None, None, None)
    with pytest.raises(TypeError):
        win32pipe.SetNamedPipeHandleState(c, "x", None, None)
    sb, cb = connected(message=False)
    assert winerror_of(win32pipe.SetNamedPipeHandleState, cb, win32pipe.PIPE_READMODE_MESSAGE, None, None) == 87


def test_process_ids_in_one_process():
    s, c = connected()
    me = os.getpid()
    assert win32pipe.GetNamedPipeClientProcessId(s) == me
    assert win32pipe.GetNamedPipeServerProcessId(c) == me
    assert win32pipe.GetNamedPipeServerProcessId(s) == me
    assert isinstance(win32pipe.GetNamedPipeClientSessionId(s), int)
    assert win32pipe.GetNamedPipeServerSessionId(c) == win32pipe.GetNamedPipeClientSessionId(s)


def test_transact_named_pipe_sync():
    s, c = connected()
    assert winerror_of(win32pipe.TransactNamedPipe, c, b"q", 10) == winerror.ERROR_BAD_PIPE  # byte read mode
    win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)

    def serve():
        q = win32file.ReadFile(s, 100)[1]
        win32file.WriteFile(s, q.upper() * 3)

    for bufsize, want in ((100, (0, b"ABCABCABC")), (4, (winerror.ERROR_MORE_DATA, b"ABCA"))):
        t = in_thread(serve)
        assert win32pipe.TransactNamedPipe(c, b"abc", bufsize) == want
        t()
    assert win32file.ReadFile(c, 100) == (0, b"BCABC")  # the rest of the reply
    t = in_thread(serve)
    buf = win32file.AllocateReadBuffer(64)
    assert win32pipe.TransactNamedPipe(c, b"xy", buf, None) == (0, b"XYXYXY")
    t()


def test_call_named_pipe():
    name = pipe_name()
    s = server(name)

    def serve():
        win32pipe.ConnectNamedPipe(s)
        win32file.WriteFile(s, win32file.ReadFile(s, 100)[1][::-1])

    t = in_thread(serve)
    assert win32pipe.CallNamedPipe(name, b"foo\0bar", 1024, win32pipe.NMPWAIT_WAIT_FOREVER) == b"rab\0oof"
    t()


def test_call_named_pipe_on_a_busy_pipe_times_out_or_finds_none():
    name = pipe_name()
    s = server(name)
    c = client(name)  # queued on the only instance, not yet taken by the server
    assert winerror_of(win32pipe.CallNamedPipe, name, b"x", 10, 30) == winerror.ERROR_SEM_TIMEOUT
    win32pipe.ConnectNamedPipe(s)
    assert winerror_of(win32pipe.CallNamedPipe, name, b"x", 10, 30) == winerror.ERROR_SEM_TIMEOUT
    s.Close()
    c.Close()
    assert winerror_of(win32pipe.CallNamedPipe, name, b"x", 10, 30) == winerror.ERROR_FILE_NOT_FOUND


def test_anonymous_pipes():
    r, w = win32pipe.CreatePipe(None, 0)
    assert win32file.WriteFile(w, b"data") == (0, 4)
    assert win32pipe.PeekNamedPipe(r, 2) == (b"da", 4, 0)
    assert win32file.ReadFile(r, 10) == (0, b"data")
    assert winerror_of(win32file.WriteFile, r, b"x") == winerror.ERROR_ACCESS_DENIED
    assert winerror_of(win32file.ReadFile, w, 1) == winerror.ERROR_ACCESS_DENIED
    w.Close()
    assert winerror_of(win32file.ReadFile, r, 10) == winerror.ERROR_BROKEN_PIPE
    r2, w2 = win32pipe.CreatePipe(pywintypes.SECURITY_ATTRIBUTES(), 4096)
    r2.Close()
    assert winerror_of(win32file.WriteFile, w2, b"x") == winerror.ERROR_NO_DATA
    fr, fw = win32pipe.FdCreatePipe(None, 0, os.O_BINARY if hasattr(os, "O_BINARY") else 0x8000)
    os.write(fw, b"fd")
    assert os.read(fr, 10) == b"fd"
    os.close(fr)
    os.close(fw)
    with pytest.raises(ValueError):
        win32pipe.FdCreatePipe(None, 0, 0)


def test_closed_and_foreign_handles_are_6():
    s, c = connected()
    s.Close()
    ev = win32event.CreateEvent(None, 0, 0, None)
    calls = [
        (win32pipe.ConnectNamedPipe,), (win32pipe.DisconnectNamedPipe,), (win32pipe.GetNamedPipeInfo,),
        (win32pipe.GetNamedPipeHandleState,), (win32pipe.PeekNamedPipe, 1),
        (win32pipe.SetNamedPipeHandleState, 0, None, None), (win32pipe.TransactNamedPipe, b"x", 1),
        (win32pipe.GetNamedPipeClientProcessId,), (win32pipe.GetNamedPipeServerProcessId,),
    ]
    for h in (s, ev, 0x7FFFFFF0):
        for call, *args in calls:
            assert winerror_of(call, h, *args) == winerror.ERROR_INVALID_HANDLE, call.__name__
    for call, *args in ((win32file.ReadFile, 1), (win32file.WriteFile, b"x"), (win32file.FlushFileBuffers,)):
        assert winerror_of(call, s, *args) == winerror.ERROR_INVALID_HANDLE
    assert win32file.GetFileType(s) == win32file.FILE_TYPE_UNKNOWN


def test_file_handles_are_not_pipes(tmp):
    h = win32file.CreateFile(str(tmp / "f"), RW, 0, None, win32con.CREATE_NEW, 0, None)
    assert winerror_of(win32pipe.GetNamedPipeInfo, h) == winerror.ERROR_INVALID_HANDLE
    assert winerror_of(win32pipe.ConnectNamedPipe, h) == winerror.ERROR_INVALID_HANDLE


def test_client_calls_server_functions():
    s, c = connected()
    assert winerror_of(win32pipe.ConnectNamedPipe, c) == winerror.ERROR_INVALID_FUNCTION
    assert winerror_of(win32pipe.DisconnectNamedPipe, c) == winerror.ERROR_INVALID_FUNCTION


def test_flush_file_buffers_waits_until_the_other_end_has_read():
    for message in (True, False):
        s, c = connected(message=message)
        win32file.FlushFileBuffers(s)  # nothing written: at once
        win32file.WriteFile(s, b"abc")

        def flush_then_peek():
            win32file.FlushFileBuffers(s)
            return win32pipe.PeekNamedPipe(c, 10)

        flushed = in_thread(flush_then_peek)
        assert win32file.ReadFile(c, 10) == (0, b"abc")
        assert flushed() == (b"", 0, 0)  # it returned only once the data was read
        win32file.WriteFile(s, b"never read")
        c.Close()
        win32file.FlushFileBuffers(s)  # the reader is gone: nothing left to wait for


def test_popen_family_is_refused_with_not_supported():
    assert winerror_of(win32pipe.popen, "ls", "r") == 50
    for f in (win32pipe.popen2, win32pipe.popen3, win32pipe.popen4):
        assert winerror_of(f, "ls") == 50


def _pipe_dir(name):
    """The pipe's directory: FNV-1a (64 bits) of its case-folded name (docs/pipes.md)."""
    h = 0xCBF29CE484222325
    for b in name.split("\\pipe\\", 1)[1].upper().encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return os.path.join(os.environ["XDG_RUNTIME_DIR"], "winfile", "pipe", "%016x" % h)


def test_closed_pipes_leave_nothing_in_the_runtime_directory():
    name = pipe_name()
    s = server(name, max_instances=2)
    s2 = server(name, max_instances=2)
    d = _pipe_dir(name)
    assert oct(os.stat(d).st_mode & 0o777) == "0o700"
    assert oct(os.stat(os.path.dirname(d)).st_mode & 0o777) == "0o700"
    assert len([f for f in os.listdir(d) if f.endswith(".lk")]) == 2
    s.Close()
    assert len([f for f in os.listdir(d) if f.endswith(".lk")]) == 1
    s2.Close()
    assert not os.path.exists(d)  # the pipe's directory went with its last instance
    s3 = server(name)  # and the name can be created again
    c = client(name)
    assert win32pipe.ConnectNamedPipe(s3) == winerror.ERROR_PIPE_CONNECTED
    c.Close()


def test_a_blocking_transact_is_interruptible():
    # The server never answers: a signal handler's exception ends the wait (as for the
    # wait functions), not a pywintypes.error 995.
    import signal

    s, c = connected()
    win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)

    def alarm(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        for size in (16, win32file.AllocateReadBuffer(16)):
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            with pytest.raises(KeyboardInterrupt):
                win32pipe.TransactNamedPipe(c, b"anyone?", size)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _blocked_reader(kind):
    """(the handle a ReadFile waits on, the handles to keep) for a pipe of `kind`."""
    if kind == "anonymous":
        r, w = win32pipe.CreatePipe(None, 0)
        return r, (r, w)
    s, c = connected(message=kind == "message")
    return c, (s, c)


@pytest.mark.parametrize("kind", ["message", "byte", "anonymous"])
def test_a_blocking_readfile_is_interruptible(kind):
    # ReadFile waits in the receive itself: a signal handler's exception still ends it.
    import signal

    h, keep = _blocked_reader(kind)

    def alarm(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, alarm)
    try:
        for size in (16, win32file.AllocateReadBuffer(16)):
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            with pytest.raises(KeyboardInterrupt):
                win32file.ReadFile(h, size)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    # The handle still works after the interrupted wait.
    writer = keep[1] if kind == "anonymous" else keep[0]
    win32file.WriteFile(writer, b"after")
    assert win32file.ReadFile(h, 16) == (0, b"after")


@pytest.mark.parametrize("message", [True, False])
def test_a_blocking_readfile_ends_when_another_thread_disconnects(message):
    s, c = connected(message=message)
    result = in_thread(win32file.ReadFile, s, 16)
    time.sleep(0.2)  # let the read start waiting (either order ends the same way)
    win32pipe.DisconnectNamedPipe(s)
    with pytest.raises(pywintypes.error) as e:
        result()
    assert e.value.winerror == winerror.ERROR_PIPE_NOT_CONNECTED
    c.Close()


def test_a_blocking_readfile_wakes_for_each_message_of_another_thread():
    # Many blocking reads in a row, each woken by a write of another thread: every
    # message arrives whole and in order.
    s, c = connected()
    msgs = [os.urandom(n) for n in (0, 1, 4095, 4096, 4097, 70000)] * 5

    def writer():
        for m in msgs:
            win32file.WriteFile(s, m)

    done = in_thread(writer)
    win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    got = [win32file.ReadFile(c, 1 << 17)[1] for _ in msgs]
    done()
    assert got == msgs
