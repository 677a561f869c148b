"""MoveFileWithProgress: renames call no routine; moves across file systems copy with
progress; cancel, stop, CREATE_HARDLINK, FAIL_IF_NOT_TRACKABLE, DELAY_UNTIL_REBOOT."""
import os

import pytest
import pywintypes
import win32file
import winerror

MiB = 1 << 20
COPY_ALLOWED = win32file.MOVEFILE_COPY_ALLOWED


def fails(code, call, *args, **kw):
    with pytest.raises(pywintypes.error) as info:
        call(*args, **kw)
    assert info.value.winerror == code, info.value.args
    assert info.value.funcname == "MoveFileWithProgress"
    return info.value




def record(answers=()):
    calls = []
    answers = list(answers)

    def routine(total, done, ssize, sdone, stream, reason, hsrc, hdst, data):
        calls.append((total, done, reason, data))
        assert win32file.GetFileSize(hsrc) == total
        return answers.pop(0) if answers else win32file.PROGRESS_CONTINUE

    return routine, calls


def test_rename_calls_no_routine(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    routine, calls = record()
    assert win32file.MoveFileWithProgress(wpath + "\\a", wpath + "\\b", routine, "d") is None
    assert calls == [] and (linux / "b").read_bytes() == b"abc" and not (linux / "a").exists()


def test_across_file_systems_with_progress(cdir, other_fs):
    wpath, linux = cdir
    data = os.urandom(MiB) * 20
    (linux / "a").write_bytes(data)
    os.utime(linux / "a", (1_000_000_000, 1_000_000_000))
    routine, calls = record()
    dest = os.path.join(other_fs, "a")
    win32file.MoveFileWithProgress(wpath + "\\a", dest, routine, 7, COPY_ALLOWED)
    assert not (linux / "a").exists()
    with open(dest, "rb") as f:
        assert f.read() == data
    assert os.stat(dest).st_mtime == 1_000_000_000
    assert calls[0] == (len(data), 0, win32file.CALLBACK_STREAM_SWITCH, 7)
    assert calls[-1][1] == len(data) and len(calls) >= 2
    assert all(c[2] == win32file.CALLBACK_CHUNK_FINISHED for c in calls[1:])


def test_across_file_systems_needs_copy_allowed(cdir, other_fs):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    fails(winerror.ERROR_NOT_SAME_DEVICE, win32file.MoveFileWithProgress, wpath + "\\a",
          os.path.join(other_fs, "a"))
    assert (linux / "a").exists()


@pytest.mark.parametrize("answer", [win32file.PROGRESS_CANCEL, win32file.PROGRESS_STOP])
def test_cancel_or_stop_keeps_source_removes_destination(cdir, other_fs, answer):
    wpath, linux = cdir
    data = os.urandom(MiB) * 40
    (linux / "a").write_bytes(data)
    routine, calls = record([win32file.PROGRESS_CONTINUE, answer])
    dest = os.path.join(other_fs, "a")
    fails(winerror.ERROR_REQUEST_ABORTED, win32file.MoveFileWithProgress, wpath + "\\a", dest,
          routine, None, COPY_ALLOWED)
    assert len(calls) == 2
    assert (linux / "a").read_bytes() == data
    assert not os.path.exists(dest)


def test_exception_propagates_and_source_stays(cdir, other_fs):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc" * 1000)

    def routine(*args):
        raise KeyError("stop here")

    dest = os.path.join(other_fs, "a")
    with pytest.raises(KeyError):
        win32file.MoveFileWithProgress(wpath + "\\a", dest, routine, None, COPY_ALLOWED)
    assert (linux / "a").exists() and not os.path.exists(dest)


def test_replace_existing_and_write_through(cdir, other_fs):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"new")
    dest = os.path.join(other_fs, "a")
    with open(dest, "wb") as f:
        f.write(b"old")
    fails(winerror.ERROR_ALREADY_EXISTS, win32file.MoveFileWithProgress, wpath + "\\a", dest,
          None, None, COPY_ALLOWED)
    flags = COPY_ALLOWED | win32file.MOVEFILE_REPLACE_EXISTING | win32file.MOVEFILE_WRITE_THROUGH
    win32file.MoveFileWithProgress(wpath + "\\a", dest, Flags=flags)
    with open(dest, "rb") as f:
        assert f.read() == b"new"
    assert not (linux / "a").exists()


def test_symlink_moves_across_file_systems_as_a_link(cdir, other_fs):
    wpath, linux = cdir
    os.symlink("/nonexistent/target", linux / "l")
    dest = os.path.join(other_fs, "l")
    win32file.MoveFileWithProgress(wpath + "\\l", dest, Flags=COPY_ALLOWED)
    assert os.readlink(dest) == "/nonexistent/target" and not os.path.lexists(linux / "l")


def test_create_hardlink_flag_keeps_source(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    win32file.MoveFileWithProgress(wpath + "\\a", wpath + "\\b", Flags=win32file.MOVEFILE_CREATE_HARDLINK)
    assert os.stat(linux / "a").st_ino == os.stat(linux / "b").st_ino
    assert os.stat(linux / "a").st_nlink == 2
    (linux / "c").write_bytes(b"other")
    fails(winerror.ERROR_ALREADY_EXISTS, win32file.MoveFileWithProgress, wpath + "\\a", wpath + "\\c",
          Flags=win32file.MOVEFILE_CREATE_HARDLINK)
    win32file.MoveFileWithProgress(wpath + "\\a", wpath + "\\c",
                                   Flags=win32file.MOVEFILE_CREATE_HARDLINK | win32file.MOVEFILE_REPLACE_EXISTING)
    assert os.stat(linux / "c").st_ino == os.stat(linux / "a").st_ino
    assert sorted(os.listdir(linux)) == ["a", "b", "c"]


def test_create_hardlink_across_file_systems(cdir, other_fs):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    fails(winerror.ERROR_NOT_SAME_DEVICE, win32file.MoveFileWithProgress, wpath + "\\a",
          os.path.join(other_fs, "a"), Flags=win32file.MOVEFILE_CREATE_HARDLINK | COPY_ALLOWED)


def test_fail_if_not_trackable_accepted(cdir, other_fs):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    flag = win32file.MOVEFILE_FAIL_IF_NOT_TRACKABLE
    win32file.MoveFileWithProgress(wpath + "\\a", wpath + "\\b", Flags=flag)
    win32file.MoveFileWithProgress(wpath + "\\b", os.path.join(other_fs, "b"), Flags=flag | COPY_ALLOWED)
    assert os.path.exists(os.path.join(other_fs, "b"))


def test_delay_until_reboot_refused(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    fails(winerror.ERROR_NOT_SUPPORTED, win32file.MoveFileWithProgress, wpath + "\\a", None,
          Flags=win32file.MOVEFILE_DELAY_UNTIL_REBOOT)
    assert (linux / "a").exists()
    fails(winerror.ERROR_INVALID_PARAMETER, win32file.MoveFileWithProgress, wpath + "\\a", None)


def test_missing_source(cdir):
    wpath, _ = cdir
    fails(winerror.ERROR_FILE_NOT_FOUND, win32file.MoveFileWithProgress, wpath + "\\no", wpath + "\\b")
