"""ReadDirectoryChangesW, FindFirstChangeNotification and friends on real directories.

A watch starts with the first ReadDirectoryChangesW call on a handle; `arm` makes that
call (poking the directory until it returns), so every later change is queued. Reads
then go on until a sentinel change arrives: nothing here depends on timing."""
import os
import struct
import threading

import pytest

import pywintypes
import win32con
import win32event
import win32file
import winnt

ALL_NAMES = win32con.FILE_NOTIFY_CHANGE_FILE_NAME | win32con.FILE_NOTIFY_CHANGE_DIR_NAME
ADDED, REMOVED, MODIFIED, OLD, NEW = 1, 2, 3, 4, 5


def open_dir(path, access=winnt.FILE_LIST_DIRECTORY):
    return win32file.CreateFile(
        path, access, 7, None, win32con.OPEN_EXISTING, win32file.FILE_FLAG_BACKUP_SEMANTICS, None
    )


def poke(linux):
    """A change of every kind, on names starting with 'prime' (dropped by `read_until`)."""
    p = linux / "prime"
    with open(p, "ab") as f:
        f.write(b"x")
    os.chmod(p, 0o644 if os.stat(p).st_mode & 0o100 else 0o744)
    with open(p, "rb") as f:
        f.read()
    (linux / "prime_f").touch()
    (linux / "prime_f").unlink()
    (linux / "prime_d").mkdir()
    (linux / "prime_d").rmdir()


def arm(h, linux, subtree, flt):
    (linux / "prime").touch()
    t = threading.Thread(target=win32file.ReadDirectoryChangesW, args=(h, 65536, subtree, flt))
    t.start()
    while t.is_alive():
        poke(linux)
        t.join(0.02)


def read_until(h, subtree, flt, sentinel, size=65536):
    got = []
    while sentinel not in [n for _, n in got]:
        r = win32file.ReadDirectoryChangesW(h, size, subtree, flt)
        assert r, "unexpected overflow after %r" % (got,)
        got += [(a, n) for a, n in r if not n.startswith("prime")]
    return got


@pytest.fixture
def watched(cdir):
    win, linux = cdir
    h = open_dir(win)
    yield win, linux, h
    h.Close()


def test_actions_and_rename_pairing(watched):
    win, linux, h = watched
    arm(h, linux, False, ALL_NAMES)
    (linux / "a").write_bytes(b"")
    os.rename(linux / "a", linux / "b")
    (linux / "d").mkdir()
    os.rename(linux / "d", linux / "e")
    (linux / "b").unlink()
    (linux / "e").rmdir()
    (linux / "zz_end").touch()
    assert read_until(h, False, ALL_NAMES, "zz_end") == [
        (ADDED, "a"), (OLD, "a"), (NEW, "b"), (ADDED, "d"), (OLD, "d"), (NEW, "e"),
        (REMOVED, "b"), (REMOVED, "e"), (ADDED, "zz_end"),
    ]


def _set_hidden(win, linux, name):
    win32file.SetFileAttributes(win + "\\" + name, win32con.FILE_ATTRIBUTE_HIDDEN)


def _write(win, linux, name):
    with open(linux / name, "ab") as f:
        f.write(b"more")


def _utime(win, linux, name):
    os.utime(linux / name, (1_000_000_000, 1_000_000_000))


def _chmod(win, linux, name):
    os.chmod(linux / name, 0o600)


def _read(win, linux, name):
    with open(linux / name, "rb") as f:
        f.read()


def _creation(win, linux, name):
    h = win32file.CreateFile(win + "\\" + name, win32con.GENERIC_WRITE, 7, None, win32con.OPEN_EXISTING, 0, None)
    win32file.SetFileTime(h, pywintypes.Time(1_000_000_000), None, None)
    h.Close()


@pytest.mark.parametrize(
    "flt, change, silent",
    [
        (win32con.FILE_NOTIFY_CHANGE_SIZE, _write, _chmod),
        (win32con.FILE_NOTIFY_CHANGE_LAST_WRITE, _utime, _read),
        (win32con.FILE_NOTIFY_CHANGE_ATTRIBUTES, _set_hidden, _write),
        (win32con.FILE_NOTIFY_CHANGE_SECURITY, _chmod, _write),
        (win32con.FILE_NOTIFY_CHANGE_CREATION, _creation, _write),
        (win32con.FILE_NOTIFY_CHANGE_LAST_ACCESS, _read, _chmod),
    ],
    ids=["size", "last_write", "attributes", "security", "creation", "last_access"],
)
def test_filters_report_modified(watched, flt, change, silent):
    win, linux, h = watched
    for n in ("quiet", "target", "zz_end"):
        (linux / n).write_bytes(b"data")
    arm(h, linux, False, flt)
    (linux / "new_file").touch()          # no FILE_NAME in the filter: not reported as ADDED
    silent(win, linux, "quiet")
    change(win, linux, "target")
    change(win, linux, "zz_end")
    got = read_until(h, False, flt, "zz_end")
    assert (MODIFIED, "target") in got
    assert all(a == MODIFIED for a, _ in got), got
    assert "quiet" not in [n for _, n in got]


def test_name_filters_split_files_and_directories(watched):
    win, linux, h = watched
    arm(h, linux, False, win32con.FILE_NOTIFY_CHANGE_DIR_NAME)
    (linux / "file").touch()
    (linux / "dir").mkdir()
    (linux / "zz_end").mkdir()
    assert read_until(h, False, ALL_NAMES, "zz_end") == [(ADDED, "dir"), (ADDED, "zz_end")]


def test_first_call_filter_and_subtree_stay(watched):
    win, linux, h = watched
    (linux / "sub").mkdir()
    arm(h, linux, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME)
    (linux / "sub" / "deep").touch()     # not reported: the first call said no subtree
    (linux / "dir").mkdir()              # not reported: the first call's filter has no DIR_NAME
    (linux / "zz_end").touch()
    got = read_until(h, True, win32con.FILE_NOTIFY_CHANGE_DIR_NAME, "zz_end")
    assert got == [(ADDED, "zz_end")]


def test_subtree_mkdir_p_then_files_immediately(watched):
    win, linux, h = watched
    arm(h, linux, True, ALL_NAMES)
    for i in range(20):
        os.makedirs(linux / ("a%d" % i) / "b" / "c")
        (linux / ("a%d" % i) / "b" / "c" / "f1").touch()
        (linux / ("a%d" % i) / "b" / "f2").touch()
    (linux / "zz_end").touch()
    got = read_until(h, True, ALL_NAMES, "zz_end")
    names = [n for _, n in got]
    assert len(names) == len(set(names)), "duplicates: %r" % got
    for i in range(20):
        for rel in ("a%d", "a%d\\b", "a%d\\b\\c", "a%d\\b\\c\\f1", "a%d\\b\\f2"):
            assert (ADDED, rel % i) in got


def test_moves_across_the_boundary(watched, tmp):
    win, linux, h = watched
    (linux / "inside").write_bytes(b"")
    (linux / "sub").mkdir()
    (linux / "sub" / "z").write_bytes(b"")
    (tmp / "outside").write_bytes(b"")
    (tmp / "movedir").mkdir()
    (tmp / "movedir" / "content").write_bytes(b"")
    arm(h, linux, True, ALL_NAMES)
    os.rename(tmp / "outside", linux / "came_in")
    os.rename(linux / "inside", tmp / "went_out")
    os.rename(tmp / "movedir", linux / "movedir")
    # A moved-in directory is reported by its name alone, as on Windows; it is watched
    # from the moment its arrival is reported.
    first = read_until(h, True, ALL_NAMES, "movedir")
    (linux / "movedir" / "new").touch()
    os.rename(linux / "sub" / "z", linux / "z")  # between directories of the tree
    os.rename(linux / "sub", linux / "sub2")
    (linux / "sub2" / "after").touch()           # paths follow the renamed directory
    (linux / "zz_end").touch()
    assert first + read_until(h, True, ALL_NAMES, "zz_end") == [
        (ADDED, "came_in"), (REMOVED, "inside"), (ADDED, "movedir"), (ADDED, "movedir\\new"),
        (REMOVED, "sub\\z"), (ADDED, "z"), (OLD, "sub"), (NEW, "sub2"), (ADDED, "sub2\\after"),
        (ADDED, "zz_end"),
    ]


def test_unix_style_handle_reports_forward_slashes(cdir):
    _, linux = cdir
    h = open_dir(str(linux))
    arm(h, linux, True, ALL_NAMES)
    (linux / "d").mkdir()
    (linux / "d" / "zz_end").touch()
    got = read_until(h, True, ALL_NAMES, "d/zz_end")
    assert (ADDED, "d/zz_end") in got
    h.Close()


OVERFLOW_CHILD = r"""
import os, sys, threading, pathlib, time
import win32file, win32con, winnt
d = pathlib.Path(sys.argv[1])
h = win32file.CreateFile(str(d), winnt.FILE_LIST_DIRECTORY, 7, None, win32con.OPEN_EXISTING,
                         win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
t = threading.Thread(target=win32file.ReadDirectoryChangesW, args=(h, 65536, False, 1))
t.start()
i = 0
while t.is_alive():
    (d / ("prime%d" % i)).touch(); i += 1
    t.join(0.02)
for n in range(50):
    (d / ("f%d" % n)).touch()
# The per-process inotify reader queues the burst on its own thread; give it the time to
# (on a loaded machine it can lag), so the queue is past its limit before the call.
time.sleep(1.0)
print(repr(win32file.ReadDirectoryChangesW(h, 65536, False, 1)))
# Records of the burst that the inotify reader queues after the overflow was reported
# may overflow the small queue once more (an empty result again); a new name made
# after that is still reported.
seen = set()
for i in range(20):
    (d / ("after%d" % i)).touch()
    seen.update(win32file.ReadDirectoryChangesW(h, 65536, False, 1))
    if any(action == 1 and name.startswith("after") for action, name in seen):
        print("after seen")
        break
"""


def test_queue_overflow_is_an_empty_result_then_events_resume(cdir, run_child, monkeypatch):
    _, linux = cdir
    monkeypatch.setenv("WINFILE_NOTIFY_QUEUE_LIMIT", "10")
    p = run_child(OVERFLOW_CHILD, linux)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["[]", "after seen"]


def test_record_larger_than_buffer_is_an_empty_result(watched):
    win, linux, h = watched
    arm(h, linux, False, ALL_NAMES)
    (linux / "a_rather_long_name").touch()
    assert win32file.ReadDirectoryChangesW(h, 16, False, ALL_NAMES) == []


def test_closing_the_handle_completes_a_blocked_call(cdir):
    win, linux = cdir
    h = open_dir(win)
    arm(h, linux, False, ALL_NAMES)
    # Drain what the priming left, then block.
    result = []
    started = threading.Event()

    def blocked():
        started.set()
        result.append(win32file.ReadDirectoryChangesW(h, 65536, False, ALL_NAMES))

    while True:
        # Calls that return at once consumed priming records; the one that stays blocked
        # is the one to end by closing (the main thread never blocks itself).
        t = threading.Thread(target=blocked)
        t.start()
        started.wait()
        t.join(0.2)
        if t.is_alive():
            break
        result.clear()
        started.clear()
    win32file.CloseHandle(h.Detach())
    t.join(10)
    assert not t.is_alive()
    assert result == [[]]


def test_errors(cdir):
    win, linux = cdir
    (linux / "f").write_bytes(b"")
    h = open_dir(win)
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadDirectoryChangesW(h, 1024, False, 0)
    assert (e.value.winerror, e.value.funcname) == (87, "ReadDirectoryChangesW")
    with pytest.raises(ValueError):  # a buffer is the asynchronous form: it needs an OVERLAPPED
        win32file.ReadDirectoryChangesW(h, bytearray(1024), False, 1, None)
    with pytest.raises(ValueError):
        win32file.ReadDirectoryChangesW(h, 1024, False, 1, None, lambda *a: None)
    h.Close()
    h = open_dir(win, winnt.FILE_READ_ATTRIBUTES)
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadDirectoryChangesW(h, 1024, False, 1)
    assert e.value.winerror == 5
    h.Close()
    h = win32file.CreateFile(win + "\\f", win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadDirectoryChangesW(h, 1024, False, 1)
    assert e.value.winerror == 87
    h.Close()


def _record(next_off, action, name):
    raw = name.encode("utf-16-le")
    rec = struct.pack("<III", next_off, action, len(raw)) + raw
    return rec + b"\0" * (-len(rec) % 4)


def test_file_notify_information_decodes_windows_layout():
    first = _record(0, 4, "old\\name")
    buf = _record(len(first), 4, "old\\name") + _record(0, 5, "nëw")
    assert win32file.FILE_NOTIFY_INFORMATION(buf, len(buf)) == [(4, "old\\name"), (5, "nëw")]
    assert win32file.FILE_NOTIFY_INFORMATION(bytearray(buf), len(buf)) == [(4, "old\\name"), (5, "nëw")]
    assert win32file.FILE_NOTIFY_INFORMATION(buf, 0) == []
    with pytest.raises(ValueError, match="buffer is only %d bytes long, but %d bytes were requested" % (len(buf), len(buf) + 1)):
        win32file.FILE_NOTIFY_INFORMATION(buf, len(buf) + 1)


def test_change_notification_handle_with_waits(cdir):
    win, linux = cdir
    h = win32file.FindFirstChangeNotification(win, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME)
    assert type(h) is int
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_TIMEOUT
    (linux / "one").touch()
    for _ in range(40):
        if win32event.WaitForSingleObject(h, 500) == win32event.WAIT_OBJECT_0:
            break
    else:
        pytest.fail("change not signalled")
    # Still signaled until re-armed.
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_OBJECT_0
    assert win32file.FindNextChangeNotification(h) is None
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_TIMEOUT
    (linux / "sub").mkdir()   # DIR_NAME is not in the filter
    (linux / "two").touch()
    for _ in range(40):
        if win32event.WaitForSingleObject(h, 500) == win32event.WAIT_OBJECT_0:
            break
    else:
        pytest.fail("second change not signalled")
    win32file.FindCloseChangeNotification(h)
    with pytest.raises(pywintypes.error) as e:
        win32file.FindNextChangeNotification(h)
    assert e.value.winerror == 6


def test_change_notification_errors(cdir):
    win, linux = cdir
    with pytest.raises(pywintypes.error) as e:
        win32file.FindFirstChangeNotification(win + "\\missing", False, 1)
    assert e.value.winerror == 2
    with pytest.raises(pywintypes.error) as e:
        win32file.FindFirstChangeNotification(win, False, 0)
    assert e.value.winerror == 87


def open_dir_overlapped(path):
    return win32file.CreateFile(
        str(path), winnt.FILE_LIST_DIRECTORY, 7, None, win32file.OPEN_EXISTING,
        win32file.FILE_FLAG_BACKUP_SEMANTICS | win32file.FILE_FLAG_OVERLAPPED, None)


def test_overlapped_form_with_event(cdir):
    import win32event
    win, linux = cdir
    h = open_dir_overlapped(win)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, False, False, None)
    buf = win32file.AllocateReadBuffer(4096)
    assert win32file.ReadDirectoryChangesW(h, buf, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME, ol, None) is None
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == win32event.WAIT_TIMEOUT
    (linux / "Made.txt").write_bytes(b"x")
    assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0
    n = win32file.GetOverlappedResult(h, ol, False)
    assert win32file.FILE_NOTIFY_INFORMATION(buf, n) == [(winnt.FILE_ACTION_ADDED, "Made.txt")]


def test_overlapped_form_through_a_port_and_cancel(cdir):
    win, linux = cdir
    h = open_dir_overlapped(win)
    port = win32file.CreateIoCompletionPort(h, None, 11, 0)
    buf = bytearray(4096)
    ol = pywintypes.OVERLAPPED()
    win32file.ReadDirectoryChangesW(h, buf, True, win32con.FILE_NOTIFY_CHANGE_DIR_NAME, ol, None)
    (linux / "sub").mkdir()
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 5000)
    assert (rc, key, got) == (0, 11, ol)
    assert win32file.FILE_NOTIFY_INFORMATION(buf, n) == [(winnt.FILE_ACTION_ADDED, "sub")]
    win32file.ReadDirectoryChangesW(h, buf, True, win32con.FILE_NOTIFY_CHANGE_DIR_NAME, ol, None)
    win32file.CancelIo(h)
    rc, n, key, got = win32file.GetQueuedCompletionStatus(port, 5000)
    assert (rc, n, got) == (995, 0, ol)


def test_close_ends_a_pending_overlapped_read_readable_after_close(cdir):
    # pywin32's test_win32file.TestDirectoryChanges: tearDown closes the directory
    # handle while an overlapped read waits; the event fires and the watcher thread's
    # GetOverlappedResult(closed handle, ol, True) returns 0 (STATUS_NOTIFY_CLEANUP).
    # Windows reads a finished OVERLAPPED without touching the handle.
    import win32event
    win, linux = cdir
    h = open_dir_overlapped(win)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, False, False, None)
    buf = win32file.AllocateReadBuffer(4096)
    win32file.ReadDirectoryChangesW(h, buf, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME, ol)
    h.Close()
    assert win32event.WaitForSingleObject(ol.hEvent, 5000) == win32event.WAIT_OBJECT_0
    assert win32file.GetOverlappedResult(h, ol, True) == 0
    assert win32file.GetOverlappedResult(h, ol, False) == 0
