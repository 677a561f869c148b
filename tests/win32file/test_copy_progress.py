"""CopyFileEx: the progress routine's calls and results, cancel, restartable copies
and the COPY_FILE_* flags."""
import os

import pytest
import pywintypes
import win32file
import winerror

CHUNK = 16 << 20
MiB = 1 << 20
ABORTED = 1235
STREAM_SWITCH = win32file.CALLBACK_STREAM_SWITCH
CHUNK_FINISHED = win32file.CALLBACK_CHUNK_FINISHED


def fails(code, call, *args, **kw):
    with pytest.raises(pywintypes.error) as info:
        call(*args, **kw)
    assert info.value.winerror == code, info.value.args
    return info.value


def big(linux, name="src.bin", size=40 * MiB):
    data = os.urandom(MiB) * (size // MiB) + os.urandom(size % MiB)
    (linux / name).write_bytes(data)
    return data


class Recorder:
    """A progress routine recording its arguments, answering from a script."""

    def __init__(self, answers=()):
        self.calls = []
        self.answers = list(answers)
        self.sizes = []

    def __call__(self, total, done, stream_size, stream_done, stream, reason, hsrc, hdst, data):
        self.calls.append((total, done, stream_size, stream_done, stream, reason, hsrc, hdst, data))
        # The handles are real winfile handles while the routine runs.
        self.sizes.append((win32file.GetFileSize(hsrc), win32file.GetFileSize(hdst)))
        return self.answers.pop(0) if self.answers else win32file.PROGRESS_CONTINUE


def test_call_sequence(cdir):
    wpath, linux = cdir
    data = big(linux)
    size = len(data)
    rec = Recorder()
    token = object()
    assert win32file.CopyFileEx(wpath + "\\src.bin", wpath + "\\dst.bin", rec, token) is None
    assert (linux / "dst.bin").read_bytes() == data
    first, *chunks = rec.calls
    # First: the stream switch, nothing transferred yet, stream number 1.
    assert first[:6] == (size, 0, size, 0, 1, STREAM_SWITCH)
    assert chunks, "no CALLBACK_CHUNK_FINISHED"
    done = [c[1] for c in chunks]
    assert all(c[5] == CHUNK_FINISHED for c in chunks)
    assert all(c[0] == c[2] == size and c[4] == 1 and c[1] == c[3] for c in chunks)
    assert done == sorted(set(done)) and done[-1] == size
    if done[0] < size:  # not a reflink: one call per chunk
        assert len(chunks) == -(-size // CHUNK)
        assert done[0] == CHUNK
    # Data is passed as given; the handles are ints, the same for every call.
    assert all(c[8] is token for c in rec.calls)
    handles = {(c[6], c[7]) for c in rec.calls}
    assert len(handles) == 1
    hsrc, hdst = handles.pop()
    assert isinstance(hsrc, int) and isinstance(hdst, int) and hsrc != hdst
    assert rec.sizes[0][0] == size
    # ... and closed once the copy is over.
    fails(winerror.ERROR_INVALID_HANDLE, win32file.GetFileSize, hsrc)
    fails(winerror.ERROR_INVALID_HANDLE, win32file.GetFileSize, hdst)


def test_empty_file_gets_only_the_stream_switch(cdir):
    wpath, linux = cdir
    (linux / "e").write_bytes(b"")
    rec = Recorder()
    win32file.CopyFileEx(wpath + "\\e", wpath + "\\f", rec)
    assert [c[5] for c in rec.calls] == [STREAM_SWITCH]
    assert (linux / "f").read_bytes() == b""


def test_keywords_and_defaults(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    win32file.CopyFileEx(ExistingFileName=wpath + "\\a", NewFileName=wpath + "\\b")
    assert (linux / "b").read_bytes() == b"abc"
    win32file.CopyFileEx(wpath + "\\a", wpath + "\\c", None, None, False, 0, None)
    assert (linux / "c").read_bytes() == b"abc"
    with pytest.raises(TypeError):
        win32file.CopyFileEx(wpath + "\\a", wpath + "\\d", 42)


@pytest.mark.parametrize("at", [0, 1])
def test_cancel_removes_partial_destination(cdir, at):
    wpath, linux = cdir
    big(linux)
    rec = Recorder([win32file.PROGRESS_CONTINUE] * at + [win32file.PROGRESS_CANCEL])
    err = fails(ABORTED, win32file.CopyFileEx, wpath + "\\src.bin", wpath + "\\dst.bin", rec)
    assert err.funcname == "CopyFileEx"
    assert len(rec.calls) == at + 1
    assert not (linux / "dst.bin").exists()
    assert (linux / "src.bin").stat().st_size == 40 * MiB


def test_cancel_removes_an_overwritten_destination_too(cdir):
    wpath, linux = cdir
    big(linux)
    (linux / "dst.bin").write_bytes(b"old")
    fails(ABORTED, win32file.CopyFileEx, wpath + "\\src.bin", wpath + "\\dst.bin",
          Recorder([win32file.PROGRESS_CANCEL]))
    assert not (linux / "dst.bin").exists()


def test_stop_keeps_partial_destination(cdir):
    wpath, linux = cdir
    data = big(linux)
    rec = Recorder([win32file.PROGRESS_CONTINUE, win32file.PROGRESS_STOP])
    fails(ABORTED, win32file.CopyFileEx, wpath + "\\src.bin", wpath + "\\dst.bin", rec)
    assert len(rec.calls) == 2
    part = (linux / "dst.bin").read_bytes()
    assert part == data[: len(part)] and len(part) == rec.calls[1][1]


def test_quiet_stops_the_calls_and_finishes(cdir):
    wpath, linux = cdir
    data = big(linux)
    rec = Recorder([win32file.PROGRESS_QUIET])
    win32file.CopyFileEx(wpath + "\\src.bin", wpath + "\\dst.bin", rec)
    assert len(rec.calls) == 1
    assert (linux / "dst.bin").read_bytes() == data


def test_exception_in_routine_cancels_and_propagates(cdir):
    wpath, linux = cdir
    big(linux)
    calls = []

    def routine(*args):
        calls.append(args[5])
        if args[5] == CHUNK_FINISHED:
            raise ZeroDivisionError("from the routine")
        return 0

    with pytest.raises(ZeroDivisionError, match="from the routine"):
        win32file.CopyFileEx(wpath + "\\src.bin", wpath + "\\dst.bin", routine)
    assert calls == [STREAM_SWITCH, CHUNK_FINISHED]
    assert not (linux / "dst.bin").exists()


def test_cancel_argument_true_cancels_before_starting(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    rec = Recorder()
    fails(ABORTED, win32file.CopyFileEx, wpath + "\\a", wpath + "\\b", rec, None, True)
    assert rec.calls == [] and not (linux / "b").exists()
    win32file.CopyFileEx(wpath + "\\a", wpath + "\\b", rec, None, False)
    assert (linux / "b").read_bytes() == b"abc"


def test_restartable_copy_resumes_byte_identical(cdir):
    wpath, linux = cdir
    data = big(linux)
    src, dst = wpath + "\\src.bin", wpath + "\\dst.bin"
    flags = win32file.COPY_FILE_RESTARTABLE
    first = Recorder([win32file.PROGRESS_CONTINUE, win32file.PROGRESS_CONTINUE, win32file.PROGRESS_STOP])
    fails(ABORTED, win32file.CopyFileEx, src, dst, first, None, False, flags)
    stopped_at = first.calls[-1][1]
    assert 0 < stopped_at < len(data)
    # Scribble over what follows the stop point: a resumed copy rewrites it.
    with open(linux / "dst.bin", "r+b") as f:
        f.seek(stopped_at)
        f.write(b"\0" * 100)
    second = Recorder()
    win32file.CopyFileEx(src, dst, second, None, False, flags)
    assert second.calls[0][5] == STREAM_SWITCH and second.calls[0][1] == stopped_at
    assert (linux / "dst.bin").read_bytes() == data
    # The record is gone: a third restartable copy starts from 0.
    third = Recorder()
    win32file.CopyFileEx(src, dst, third, None, False, flags)
    assert third.calls[0][1] == 0


def test_restartable_copy_starts_over_when_source_changed(cdir):
    wpath, linux = cdir
    big(linux)
    src, dst = wpath + "\\src.bin", wpath + "\\dst.bin"
    flags = win32file.COPY_FILE_RESTARTABLE
    fails(ABORTED, win32file.CopyFileEx, src, dst,
          Recorder([0, win32file.PROGRESS_STOP]), None, False, flags)
    data = big(linux)  # rewritten: new contents, new last write time
    rec = Recorder()
    win32file.CopyFileEx(src, dst, rec, None, False, flags)
    assert rec.calls[0][1] == 0
    assert (linux / "dst.bin").read_bytes() == data


def test_stop_without_restartable_does_not_resume(cdir):
    wpath, linux = cdir
    data = big(linux)
    src, dst = wpath + "\\src.bin", wpath + "\\dst.bin"
    fails(ABORTED, win32file.CopyFileEx, src, dst, Recorder([0, win32file.PROGRESS_STOP]))
    rec = Recorder()
    win32file.CopyFileEx(src, dst, rec, None, False, win32file.COPY_FILE_RESTARTABLE)
    assert rec.calls[0][1] == 0
    assert (linux / "dst.bin").read_bytes() == data


def test_fail_if_exists(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"new")
    (linux / "b").write_bytes(b"old")
    fails(winerror.ERROR_FILE_EXISTS, win32file.CopyFileEx, wpath + "\\a", wpath + "\\b",
          None, None, False, win32file.COPY_FILE_FAIL_IF_EXISTS)
    assert (linux / "b").read_bytes() == b"old"
    win32file.CopyFileEx(wpath + "\\a", wpath + "\\b")
    assert (linux / "b").read_bytes() == b"new"


def test_copy_symlink_flag_copies_the_link(cdir):
    wpath, linux = cdir
    (linux / "target").write_bytes(b"t")
    os.symlink("target", linux / "link")
    win32file.CopyFileEx(wpath + "\\link", wpath + "\\copy", CopyFlags=win32file.COPY_FILE_COPY_SYMLINK)
    assert os.readlink(linux / "copy") == "target"
    win32file.CopyFileEx(wpath + "\\link", wpath + "\\plain")
    assert not os.path.islink(linux / "plain") and (linux / "plain").read_bytes() == b"t"


def test_open_source_for_write(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    flag = win32file.COPY_FILE_OPEN_SOURCE_FOR_WRITE
    win32file.CopyFileEx(wpath + "\\a", wpath + "\\b", CopyFlags=flag)
    assert (linux / "b").read_bytes() == b"abc"
    win32file.SetFileAttributes(wpath + "\\a", win32file.FILE_ATTRIBUTE_READONLY)
    fails(winerror.ERROR_ACCESS_DENIED, win32file.CopyFileEx, wpath + "\\a", wpath + "\\c", CopyFlags=flag)
    assert not (linux / "c").exists()
    # Without the flag a read-only source copies fine.
    win32file.CopyFileEx(wpath + "\\a", wpath + "\\c")
    assert (linux / "c").read_bytes() == b"abc"


def test_allow_decrypted_destination_accepted(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    win32file.CopyFileEx(wpath + "\\a", wpath + "\\b",
                         CopyFlags=win32file.COPY_FILE_ALLOW_DECRYPTED_DESTINATION)
    assert (linux / "b").read_bytes() == b"abc"


def test_copy_carries_attributes_times_and_mode(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    os.chmod(linux / "a", 0o640)
    os.utime(linux / "a", (1_000_000_000, 1_000_000_000))
    win32file.SetFileAttributes(wpath + "\\a", win32file.FILE_ATTRIBUTE_HIDDEN)
    win32file.CopyFileEx(wpath + "\\a", wpath + "\\b")
    attrs = win32file.GetFileAttributes(wpath + "\\b")
    assert attrs & win32file.FILE_ATTRIBUTE_HIDDEN
    assert attrs & win32file.FILE_ATTRIBUTE_ARCHIVE
    st = os.stat(linux / "b")
    assert st.st_mtime == 1_000_000_000 and st.st_mode & 0o777 == 0o640


def test_source_denied_by_share_mode(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    h = win32file.CreateFile(wpath + "\\a", win32file.GENERIC_READ, 0, None,
                             win32file.OPEN_EXISTING, 0, None)
    try:
        fails(winerror.ERROR_SHARING_VIOLATION, win32file.CopyFileEx, wpath + "\\a", wpath + "\\b")
    finally:
        h.Close()
    win32file.CopyFileEx(wpath + "\\a", wpath + "\\b")


def test_errors(cdir):
    wpath, linux = cdir
    fails(winerror.ERROR_FILE_NOT_FOUND, win32file.CopyFileEx, wpath + "\\missing", wpath + "\\b")
    (linux / "a").write_bytes(b"x")
    fails(winerror.ERROR_PATH_NOT_FOUND, win32file.CopyFileEx, wpath + "\\a", wpath + "\\no\\b")
    (linux / "d").mkdir()
    fails(winerror.ERROR_ACCESS_DENIED, win32file.CopyFileEx, wpath + "\\d", wpath + "\\e")
    fails(winerror.ERROR_ACCESS_DENIED, win32file.CopyFileEx, wpath + "\\a", wpath + "\\d")
    fails(winerror.ERROR_INVALID_HANDLE, win32file.CopyFileEx, wpath + "\\a", wpath + "\\b",
          Transaction=12345)  # not a transaction handle
