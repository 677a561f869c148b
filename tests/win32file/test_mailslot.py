"""Mailslots: CreateMailslot / GetMailslotInfo / SetMailslotInfo, clients by CreateFile,
whole messages across processes, short buffers (122), read timeouts (121), overlapped
reads through the completion engine."""
import os
import stat
import subprocess
import sys
import textwrap
import threading

import pytest
import pywintypes
import win32con
import win32event
import win32file
import winerror
from helpers import winerror_of

FOREVER = 0xFFFFFFFF
NO_MESSAGE = 0xFFFFFFFF


def _name(request, suffix=""):
    return r"\\.\mailslot\winfile_test\%s%s" % (request.node.name[:40], suffix)


def _client(name):
    return win32file.CreateFile(name, win32file.GENERIC_WRITE, win32file.FILE_SHARE_READ, None,
                                win32file.OPEN_EXISTING, 0, None)


@pytest.fixture
def slot(request):
    name = _name(request)
    h = win32file.CreateMailslot(name, 0, 0, None)
    yield name, h
    h.Close()


def test_info_of_a_new_mailslot(request):
    h = win32file.CreateMailslot(_name(request), 256, 50, None)
    try:
        assert win32file.GetMailslotInfo(h) == (256, NO_MESSAGE, 0, 50)
        win32file.SetMailslotInfo(h, FOREVER)
        assert win32file.GetMailslotInfo(h)[3] == FOREVER
        win32file.SetMailslotInfo(h, -1)  # a DWORD: -1 is MAILSLOT_WAIT_FOREVER
        assert win32file.GetMailslotInfo(h)[3] == FOREVER
    finally:
        h.Close()


def test_runtime_directory_is_private(slot):
    d = os.path.join(os.environ["XDG_RUNTIME_DIR"], "winfile", "mailslot")
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700


def test_messages_keep_their_boundaries(slot):
    name, h = slot
    c = _client(name)
    assert win32file.WriteFile(c, b"first") == (0, 5)
    assert win32file.WriteFile(c, b"") == (0, 0)
    assert win32file.WriteFile(c, b"third message") == (0, 13)
    assert win32file.GetMailslotInfo(h)[1:3] == (5, 3)
    assert win32file.ReadFile(h, 100) == (0, b"first")
    assert win32file.ReadFile(h, 100) == (0, b"")
    assert win32file.GetMailslotInfo(h)[1:3] == (13, 1)
    assert win32file.ReadFile(h, 100) == (0, b"third message")
    assert win32file.GetMailslotInfo(h)[1:3] == (NO_MESSAGE, 0)
    c.Close()


def test_short_buffer_is_122_and_keeps_the_message(slot):
    name, h = slot
    c = _client(name)
    win32file.WriteFile(c, b"0123456789")
    assert winerror_of(win32file.ReadFile, h, 4) == winerror.ERROR_INSUFFICIENT_BUFFER
    assert win32file.GetMailslotInfo(h)[1:3] == (10, 1)
    assert win32file.ReadFile(h, 10) == (0, b"0123456789")
    c.Close()


def test_timeouts(request):
    h = win32file.CreateMailslot(_name(request), 0, 0, None)
    try:
        assert winerror_of(win32file.ReadFile, h, 10) == winerror.ERROR_SEM_TIMEOUT
        win32file.SetMailslotInfo(h, 30)
        assert winerror_of(win32file.ReadFile, h, 10) == winerror.ERROR_SEM_TIMEOUT
        # Waiting forever ends with the message a thread sends.
        win32file.SetMailslotInfo(h, FOREVER)
        name = _name(request)
        ready = threading.Event()

        def send():
            ready.wait()
            c = _client(name)
            win32file.WriteFile(c, b"late")
            c.Close()

        t = threading.Thread(target=send)
        t.start()
        ready.set()
        assert win32file.ReadFile(h, 10) == (0, b"late")
        t.join()
    finally:
        h.Close()


def test_names_are_case_insensitive_and_any_domain_is_local(slot):
    name, h = slot
    for form in (name.upper(), name.replace(r"\\.", r"\\*"), name.replace(r"\\.", r"\\WORKGROUP")):
        c = _client(form)
        win32file.WriteFile(c, form.encode())
        c.Close()
        assert win32file.ReadFile(h, 500) == (0, form.encode())


def test_second_server_and_missing_slot(slot, request):
    name, h = slot
    assert winerror_of(win32file.CreateMailslot, name, 0, 0, None) == winerror.ERROR_ALREADY_EXISTS
    assert winerror_of(_client, _name(request, "_none")) == winerror.ERROR_FILE_NOT_FOUND
    assert winerror_of(win32file.CreateMailslot, r"\\*\mailslot\x", 0, 0, None) == winerror.ERROR_INVALID_NAME
    h.Close()
    # Closing the server removes the mailslot; the name can be created again.
    assert winerror_of(_client, name) == winerror.ERROR_FILE_NOT_FOUND
    win32file.CreateMailslot(name, 0, 0, None).Close()


def test_client_cannot_read_server_cannot_write(slot):
    name, h = slot
    c = _client(name)
    assert winerror_of(win32file.ReadFile, c, 10) == winerror.ERROR_ACCESS_DENIED
    assert winerror_of(win32file.WriteFile, h, b"x") == winerror.ERROR_ACCESS_DENIED
    assert winerror_of(win32file.GetMailslotInfo, c) == winerror.ERROR_INVALID_HANDLE
    c.Close()


def test_max_message_size_is_enforced_by_clients(request):
    name = _name(request)
    h = win32file.CreateMailslot(name, 8, 0, None)
    try:
        c = _client(name)
        assert winerror_of(win32file.WriteFile, c, b"123456789") == winerror.ERROR_INVALID_PARAMETER
        win32file.WriteFile(c, b"12345678")
        assert win32file.ReadFile(h, 8) == (0, b"12345678")
        c.Close()
    finally:
        h.Close()


WRITER = textwrap.dedent("""
    import sys, win32file
    name, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    c = win32file.CreateFile(name, win32file.GENERIC_WRITE, win32file.FILE_SHARE_READ, None,
                             win32file.OPEN_EXISTING, 0, None)
    for i in range(n):
        win32file.WriteFile(c, ("%s:%d:" % (tag, i)).encode() + b"x" * (i * 37 % 3000))
    c.Close()
""")


def test_many_writer_processes(slot):
    name, h = slot
    win32file.SetMailslotInfo(h, FOREVER)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, name, "w%d" % k, "50"]) for k in range(4)]
    got = {}
    for _ in range(200):
        rc, data = win32file.ReadFile(h, 4096)
        tag, i, rest = data.split(b":", 2)
        assert rest == b"x" * (int(i) * 37 % 3000)
        got.setdefault(tag, []).append(int(i))
    for p in procs:
        assert p.wait() == 0
    # Each writer's messages arrive whole and in its own order.
    assert sorted(got) == [b"w0", b"w1", b"w2", b"w3"]
    assert all(v == list(range(50)) for v in got.values())


def test_reader_in_another_process(request):
    name = _name(request)
    code = textwrap.dedent("""
        import sys, win32file
        h = win32file.CreateMailslot(sys.argv[1], 0, 0xFFFFFFFF, None)
        print("ready", flush=True)
        for _ in range(3):
            rc, data = win32file.ReadFile(h, 100)
            print(data.decode(), flush=True)
    """)
    p = subprocess.Popen([sys.executable, "-c", code, name], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    c = _client(name)
    for m in (b"a", b"bb", b"ccc"):
        win32file.WriteFile(c, m)
    c.Close()
    assert [p.stdout.readline().strip() for _ in range(3)] == ["a", "bb", "ccc"]
    assert p.wait() == 0
    p.stdout.close()


def test_overlapped_read_completes_with_the_message(slot):
    name, h = slot
    win32file.SetMailslotInfo(h, FOREVER)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    buf = win32file.AllocateReadBuffer(64)
    rc, _ = win32file.ReadFile(h, buf, ol)
    assert rc == winerror.ERROR_IO_PENDING
    c = _client(name)
    win32file.WriteFile(c, b"hello overlapped")
    assert win32event.WaitForSingleObject(ol.hEvent, 10000) == win32event.WAIT_OBJECT_0
    n = win32file.GetOverlappedResult(h, ol, True)
    assert bytes(buf[:n]) == b"hello overlapped"
    c.Close()


def test_overlapped_read_times_out_and_cancels(slot):
    name, h = slot
    win32file.SetMailslotInfo(h, 20)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    rc, buf = win32file.ReadFile(h, 16, ol)
    assert rc == winerror.ERROR_IO_PENDING
    assert winerror_of(win32file.GetOverlappedResult, h, ol, True) == winerror.ERROR_SEM_TIMEOUT
    win32file.SetMailslotInfo(h, FOREVER)
    ol2 = pywintypes.OVERLAPPED()
    ol2.hEvent = win32event.CreateEvent(None, True, False, None)
    rc, buf = win32file.ReadFile(h, 16, ol2)
    assert rc == winerror.ERROR_IO_PENDING
    win32file.CancelIo(h)
    assert winerror_of(win32file.GetOverlappedResult, h, ol2, True) == winerror.ERROR_OPERATION_ABORTED
