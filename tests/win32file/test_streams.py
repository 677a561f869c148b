"""Named streams: CreateFile of `file:stream`, I/O through stream handles in both of
Samba's layouts (small streams fold back into `user.DosStream.*` xattrs, large ones stay
in the vfs_streams_depot), DeleteFile of a stream, names, directories, share modes
across processes."""
import os
import subprocess
import sys
import textwrap

import pytest
import win32file
import winerror
from helpers import winerror_of

RW = win32file.GENERIC_READ | win32file.GENERIC_WRITE


def _open(name, access=RW, share=0, disposition=win32file.OPEN_ALWAYS, flags=0):
    return win32file.CreateFile(name, access, share, None, disposition, flags, None)


def _xattr(path, name):
    try:
        return os.getxattr(path, "user.DosStream.%s:$DATA" % name)
    except OSError:
        return None


@pytest.fixture
def base(cdir):
    win, linux = cdir
    (linux / "f.txt").write_bytes(b"main data")
    return win + "\\f.txt", linux / "f.txt"


def test_stream_read_write_seek_truncate(base):
    win, linux = base
    h = _open(win + ":notes")
    assert win32file.WriteFile(h, b"hello stream") == (0, 12)
    win32file.SetFilePointer(h, 6, win32file.FILE_BEGIN)
    assert win32file.ReadFile(h, 100) == (0, b"stream")
    assert win32file.GetFileSize(h) == 12
    win32file.SetFilePointer(h, 5, win32file.FILE_BEGIN)
    win32file.SetEndOfFile(h)
    win32file.FlushFileBuffers(h)
    assert win32file.GetFileSize(h) == 5
    h.Close()
    # The base file's data is untouched; the small stream is back in Samba's xattr layout.
    assert linux.read_bytes() == b"main data"
    assert _xattr(linux, "notes") == b"hello\0"
    assert win32file.FindStreams(win) == [(9, "::$DATA"), (5, ":notes:$DATA")]
    h = _open(win + ":NOTES:$DATA", disposition=win32file.OPEN_EXISTING)  # case-insensitive
    assert win32file.ReadFile(h, 100) == (0, b"hello")
    h.Close()


def test_stream_crossing_the_xattr_budget(base):
    win, linux = base
    big = os.urandom(100_000)
    h = _open(win + ":big")
    win32file.WriteFile(h, big)
    h.Close()
    assert _xattr(linux, "big") is None  # beyond ext4's ~4 KiB budget: stays in the depot, whole
    assert win32file.FindStreams(win) == [(9, "::$DATA"), (100_000, ":big:$DATA")]
    h = _open(win + ":big", disposition=win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 200_000) == (0, big)
    win32file.SetFilePointer(h, 10, win32file.FILE_BEGIN)
    win32file.SetEndOfFile(h)
    h.Close()
    assert _xattr(linux, "big") == big[:10] + b"\0"  # small again: folded back
    assert win32file.FindStreams(win) == [(9, "::$DATA"), (10, ":big:$DATA")]


def test_default_stream_and_invalid_names(base):
    win, _ = base
    h = _open(win + "::$DATA", disposition=win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 100) == (0, b"main data")
    h.Close()
    for bad in (win + ":", win + ":s:$BOGUS", win + ":a:b:c", win + ":a\x01"):
        assert winerror_of(_open, bad) == winerror.ERROR_INVALID_NAME
    assert winerror_of(_open, win + ":missing", disposition=win32file.OPEN_EXISTING) == winerror.ERROR_FILE_NOT_FOUND
    h = _open(win + ":once", disposition=win32file.CREATE_NEW)
    h.Close()
    assert winerror_of(_open, win + ":once", disposition=win32file.CREATE_NEW) == winerror.ERROR_FILE_EXISTS


def test_delete_stream(base):
    win, linux = base
    for name, size in (("small", 10), ("large", 50_000)):
        h = _open(win + ":" + name)
        win32file.WriteFile(h, b"x" * size)
        h.Close()
    win32file.DeleteFile(win + ":small")
    win32file.DeleteFile(win + ":large:$DATA")
    assert win32file.FindStreams(win) == [(9, "::$DATA")]
    assert winerror_of(win32file.DeleteFile, win + ":small") == winerror.ERROR_FILE_NOT_FOUND
    assert linux.read_bytes() == b"main data"


def test_creating_a_stream_creates_the_file(cdir):
    win, linux = cdir
    h = _open(win + "\\new.txt:s", disposition=win32file.CREATE_NEW)
    win32file.WriteFile(h, b"abc")
    h.Close()
    assert (linux / "new.txt").read_bytes() == b""
    assert win32file.FindStreams(win + "\\new.txt") == [(0, "::$DATA"), (3, ":s:$DATA")]


def test_streams_on_a_directory(cdir):
    win, linux = cdir
    (linux / "d").mkdir()
    h = _open(win + "\\d:meta")
    win32file.WriteFile(h, b"dir stream")
    h.Close()
    assert win32file.FindStreams(win + "\\d") == [(10, ":meta:$DATA")]


def test_share_modes_across_processes(base):
    win, _ = base
    code = textwrap.dedent("""
        import sys, win32file
        h = win32file.CreateFile(sys.argv[1], win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                                 win32file.OPEN_ALWAYS, 0, None)
        win32file.WriteFile(h, b"held")
        print("open", flush=True)
        sys.stdin.readline()
        h.Close()
    """)
    with subprocess.Popen([sys.executable, "-c", code, win + ":locked"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as p:
        assert p.stdout.readline().strip() == "open"
        assert winerror_of(_open, win + ":locked", share=7) == winerror.ERROR_SHARING_VIOLATION
        # Another stream of the same file, and the file itself, are separate.
        _open(win + ":other", share=7).Close()
        _open(win, share=7).Close()
        p.stdin.write("\n")
        p.stdin.flush()
        assert p.wait() == 0
    h = _open(win + ":locked", disposition=win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 10) == (0, b"held")
    h.Close()


def test_two_handles_fold_only_after_the_last(base):
    win, linux = base
    a = _open(win + ":s", share=7)
    b = _open(win + ":s", share=7)
    win32file.WriteFile(a, b"first")
    a.Close()
    assert _xattr(linux, "s") is None  # b still has it open: no fold yet
    assert win32file.ReadFile(b, 10) == (0, b"first")
    b.Close()
    assert _xattr(linux, "s") == b"first\0"


def test_read_only_and_write_only_handles_fold_back(base):
    """A handle opened for reading only (or writing only) still marks the stream open and
    folds it back at its last close: a read must not leave a small stream in the depot,
    where a vfs_streams_xattr share no longer sees it (tests/interop)."""
    win, linux = base
    h = _open(win + ":s")
    win32file.WriteFile(h, b"small")
    h.Close()
    r = _open(win + ":s", access=win32file.GENERIC_READ, share=7, disposition=win32file.OPEN_EXISTING)
    assert _xattr(linux, "s") is None  # open: in the depot only
    assert win32file.ReadFile(r, 10) == (0, b"small")
    r.Close()
    assert _xattr(linux, "s") == b"small\0"
    # A write-only handle holds the stream open: a reader's close does not fold it away
    # from under the writer, whose later write is kept.
    w = _open(win + ":s", access=win32file.GENERIC_WRITE, share=7, disposition=win32file.OPEN_EXISTING)
    r = _open(win + ":s", access=win32file.GENERIC_READ, share=7, disposition=win32file.OPEN_EXISTING)
    r.Close()
    assert _xattr(linux, "s") is None
    win32file.WriteFile(w, b"SM")
    w.Close()
    assert _xattr(linux, "s") == b"SMall\0"


def test_depot_layout_keeps_small_streams_in_the_depot(base, cdir, monkeypatch):
    """WINFILE_STREAMS_LAYOUT=depot (for a vfs_streams_depot share): no stream is folded
    into an xattr, and BackupWrite/CopyFile store small streams in the depot too."""
    win, linux = base
    monkeypatch.setenv("WINFILE_STREAMS_LAYOUT", "depot")
    h = _open(win + ":s")
    win32file.WriteFile(h, b"small")
    h.Close()
    assert _xattr(linux, "s") is None
    assert win32file.FindStreams(win) == [(9, "::$DATA"), (5, ":s:$DATA")]
    h = _open(win + ":s", access=win32file.GENERIC_READ, disposition=win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 10) == (0, b"small")
    h.Close()
    assert _xattr(linux, "s") is None
    win32file.CopyFile(win, cdir[0] + "\\copy.txt", False)
    assert _xattr(cdir[1] / "copy.txt", "s") is None
    assert win32file.FindStreams(cdir[0] + "\\copy.txt") == [(9, "::$DATA"), (5, ":s:$DATA")]
    # An xattr stream (written by streams_xattr, or before the switch) moves to the
    # depot when opened, and stays there.
    os.setxattr(linux, "user.DosStream.old:$DATA", b"xattr\0")
    h = _open(win + ":old", access=win32file.GENERIC_READ, disposition=win32file.OPEN_EXISTING)
    h.Close()
    assert _xattr(linux, "old") is None
    assert win32file.FindStreams(win) == [(9, "::$DATA"), (5, ":old:$DATA"), (5, ":s:$DATA")]


def test_read_only_file_streams(base):
    win, linux = base
    h = _open(win + ":s")
    win32file.WriteFile(h, b"r")
    h.Close()
    win32file.SetFileAttributes(win, win32file.FILE_ATTRIBUTE_READONLY)
    try:
        assert winerror_of(_open, win + ":s") == winerror.ERROR_ACCESS_DENIED
        h = _open(win + ":s", access=win32file.GENERIC_READ, share=1, disposition=win32file.OPEN_EXISTING)
        assert win32file.ReadFile(h, 10) == (0, b"r")
        h.Close()
    finally:
        win32file.SetFileAttributes(win, win32file.FILE_ATTRIBUTE_NORMAL)


def test_copy_and_move_carry_streams(base, cdir):
    win, linux = base
    for name, size in (("small", 7), ("large", 30_000)):
        h = _open(win + ":" + name)
        win32file.WriteFile(h, bytes([65 + len(name)]) * size)
        h.Close()
    want = win32file.FindStreams(win)
    copy = cdir[0] + "\\copy.txt"
    win32file.CopyFile(win, copy, False)
    assert win32file.FindStreams(copy) == want
    copy2 = cdir[0] + "\\copy2.txt"
    win32file.CopyFileEx(win, copy2)
    assert win32file.FindStreams(copy2) == want
    h = _open(copy2 + ":large", disposition=win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 100_000) == (0, b"F" * 30_000)
    h.Close()
    # A copy over a file with other streams leaves exactly the source's.
    h = _open(copy + ":extra")
    h.Close()
    win32file.CopyFile(win, copy, False)
    assert win32file.FindStreams(copy) == want
    moved = cdir[0] + "\\moved.txt"
    win32file.MoveFile(copy, moved)
    assert win32file.FindStreams(moved) == want
    # Deleting the file takes its depot streams with it.
    win32file.DeleteFile(moved)
    assert not os.path.exists(cdir[1] / "moved.txt")


def test_overlapped_io_on_a_stream_handle(base):
    import pywintypes
    import win32event
    win, _ = base
    h = _open(win + ":ov", flags=win32file.FILE_FLAG_OVERLAPPED)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    win32file.WriteFile(h, b"overlapped stream", ol)
    assert win32file.GetOverlappedResult(h, ol, True) == 17
    ol2 = pywintypes.OVERLAPPED()
    ol2.hEvent = win32event.CreateEvent(None, True, False, None)
    ol2.Offset = 11
    buf = win32file.AllocateReadBuffer(6)
    win32file.ReadFile(h, buf, ol2)
    assert win32file.GetOverlappedResult(h, ol2, True) == 6
    assert bytes(buf) == b"stream"
    h.Close()


def test_getfattr_shows_samba_layout(base):
    """Interop: what `getfattr` (attr's tool, as Samba admins use it) reports for streams
    winfile wrote, against vfs_streams_xattr's documented layout (the stream's bytes plus
    one NUL, under user.DosStream.<name>:$DATA) and vfs_streams_depot's marker."""
    import shutil
    getfattr = shutil.which("getfattr")
    if getfattr is None:
        pytest.skip("getfattr (package attr) is not installed")
    win, linux = base
    h = _open(win + ":Zone.Identifier")
    win32file.WriteFile(h, b"[ZoneTransfer]\r\nZoneId=3\r\n")
    h.Close()
    h = _open(win + ":big")
    win32file.WriteFile(h, b"z" * 20_000)
    h.Close()
    out = subprocess.run([getfattr, "--absolute-names", "-d", "-m", "-", "-e", "hex", str(linux)],
                         capture_output=True, text=True, check=True).stdout
    lines = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert lines["user.DosStream.Zone.Identifier:$DATA"] == "0x" + (b"[ZoneTransfer]\r\nZoneId=3\r\n\0").hex()
    assert lines["user.SAMBA_STREAMS"] == "0x31"
    assert not any(k.startswith("user.DosStream.big") for k in lines)
