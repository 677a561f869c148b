"""ReplaceFile: documented argument order (first = the file replaced), atomic
replacement, backup, metadata kept from the replaced file, and the failure codes."""
import os

import pytest
import pywintypes
import win32file
import winerror

READONLY = win32file.FILE_ATTRIBUTE_READONLY
HIDDEN = win32file.FILE_ATTRIBUTE_HIDDEN


def fails(code, call, *args):
    with pytest.raises(pywintypes.error) as info:
        call(*args)
    assert info.value.winerror == code, info.value.args
    assert info.value.funcname == "ReplaceFile"
    return info.value


def setup(linux):
    (linux / "replaced").write_bytes(b"old contents")
    (linux / "replacement").write_bytes(b"new")
    return linux / "replaced", linux / "replacement"


def test_replace_without_backup(cdir):
    wpath, linux = cdir
    replaced, replacement = setup(linux)
    ino = os.stat(replacement).st_ino
    assert win32file.ReplaceFile(wpath + "\\replaced", wpath + "\\replacement") is None
    assert replaced.read_bytes() == b"new"
    assert os.stat(replaced).st_ino == ino
    assert not replacement.exists()
    assert sorted(os.listdir(linux)) == ["replaced"]


def test_replace_with_backup(cdir):
    wpath, linux = cdir
    replaced, replacement = setup(linux)
    old_ino = os.stat(replaced).st_ino
    win32file.ReplaceFile(wpath + "\\replaced", wpath + "\\replacement", wpath + "\\backup")
    assert replaced.read_bytes() == b"new"
    assert (linux / "backup").read_bytes() == b"old contents"
    assert os.stat(linux / "backup").st_ino == old_ino
    assert os.stat(linux / "backup").st_nlink == 1
    assert sorted(os.listdir(linux)) == ["backup", "replaced"]
    # An existing backup is overwritten.
    (linux / "replacement").write_bytes(b"newer")
    win32file.ReplaceFile(wpath + "\\replaced", wpath + "\\replacement", wpath + "\\backup")
    assert (linux / "backup").read_bytes() == b"new" and replaced.read_bytes() == b"newer"


def test_result_keeps_replaced_attributes_creation_time_and_mode(cdir):
    wpath, linux = cdir
    replaced, replacement = setup(linux)
    os.chmod(replaced, 0o640)
    os.chmod(replacement, 0o604)
    win32file.SetFileAttributes(wpath + "\\replaced", HIDDEN)
    h = win32file.CreateFile(wpath + "\\replaced", win32file.GENERIC_WRITE, 0, None,
                             win32file.OPEN_EXISTING, 0, None)
    created = pywintypes.Time(1_000_000_000)
    win32file.SetFileTime(h, created, None, None)
    h.Close()
    os.utime(replacement, (1_200_000_000, 1_200_000_000))
    win32file.ReplaceFile(wpath + "\\replaced", wpath + "\\replacement", None,
                          win32file.REPLACEFILE_WRITE_THROUGH)
    attrs, ctime, _, wtime, size = win32file.GetFileAttributesEx(wpath + "\\replaced")[:5]
    assert attrs & HIDDEN
    assert int(ctime.timestamp()) == 1_000_000_000
    assert int(wtime.timestamp()) == 1_200_000_000  # the replacement's own last write
    assert replaced.read_bytes() == b"new"
    assert os.stat(replaced).st_mode & 0o777 == 0o640


def test_argument_order_is_the_documented_one(cdir):
    wpath, linux = cdir
    (linux / "first").write_bytes(b"replaced")
    (linux / "second").write_bytes(b"replacement")
    win32file.ReplaceFile(wpath + "\\first", wpath + "\\second")
    assert (linux / "first").read_bytes() == b"replacement"
    assert not (linux / "second").exists()


def test_missing_files(cdir):
    wpath, linux = cdir
    (linux / "replacement").write_bytes(b"new")
    fails(winerror.ERROR_FILE_NOT_FOUND, win32file.ReplaceFile, wpath + "\\replaced",
          wpath + "\\replacement", wpath + "\\backup")
    assert (linux / "replacement").exists() and not (linux / "backup").exists()
    (linux / "replaced").write_bytes(b"old")
    fails(winerror.ERROR_FILE_NOT_FOUND, win32file.ReplaceFile, wpath + "\\replaced", wpath + "\\nothing")
    fails(winerror.ERROR_PATH_NOT_FOUND, win32file.ReplaceFile, wpath + "\\no\\replaced", wpath + "\\replacement")


def test_readonly_replaced_refused(cdir):
    wpath, linux = cdir
    replaced, replacement = setup(linux)
    win32file.SetFileAttributes(wpath + "\\replaced", READONLY)
    fails(winerror.ERROR_ACCESS_DENIED, win32file.ReplaceFile, wpath + "\\replaced",
          wpath + "\\replacement", wpath + "\\backup")
    assert replacement.read_bytes() == b"new" and replaced.read_bytes() == b"old contents"
    assert not (linux / "backup").exists()


def test_directories_refused(cdir):
    wpath, linux = cdir
    (linux / "d").mkdir()
    (linux / "f").write_bytes(b"x")
    fails(winerror.ERROR_ACCESS_DENIED, win32file.ReplaceFile, wpath + "\\d", wpath + "\\f")
    fails(winerror.ERROR_ACCESS_DENIED, win32file.ReplaceFile, wpath + "\\f", wpath + "\\d")


def test_replaced_in_use_without_delete_sharing(cdir):
    wpath, linux = cdir
    replaced, replacement = setup(linux)
    h = win32file.CreateFile(wpath + "\\replaced", win32file.GENERIC_READ, win32file.FILE_SHARE_READ,
                             None, win32file.OPEN_EXISTING, 0, None)
    try:
        fails(winerror.ERROR_UNABLE_TO_REMOVE_REPLACED, win32file.ReplaceFile,
              wpath + "\\replaced", wpath + "\\replacement")
    finally:
        h.Close()
    assert replaced.read_bytes() == b"old contents" and replacement.read_bytes() == b"new"
    # Sharing delete lets it through; the open handle keeps reading the old file.
    h = win32file.CreateFile(wpath + "\\replaced", win32file.GENERIC_READ,
                             win32file.FILE_SHARE_READ | win32file.FILE_SHARE_DELETE,
                             None, win32file.OPEN_EXISTING, 0, None)
    try:
        win32file.ReplaceFile(wpath + "\\replaced", wpath + "\\replacement")
        assert win32file.ReadFile(h, 100)[1] == b"old contents"
    finally:
        h.Close()
    assert replaced.read_bytes() == b"new"


def test_replacement_in_use_without_delete_sharing(cdir):
    wpath, linux = cdir
    replaced, replacement = setup(linux)
    h = win32file.CreateFile(wpath + "\\replacement", win32file.GENERIC_READ, win32file.FILE_SHARE_READ,
                             None, win32file.OPEN_EXISTING, 0, None)
    try:
        fails(winerror.ERROR_UNABLE_TO_MOVE_REPLACEMENT, win32file.ReplaceFile,
              wpath + "\\replaced", wpath + "\\replacement", wpath + "\\backup")
    finally:
        h.Close()
    assert replaced.read_bytes() == b"old contents" and replacement.read_bytes() == b"new"


def test_backup_that_cannot_be_made(cdir):
    wpath, linux = cdir
    replaced, replacement = setup(linux)
    (linux / "bdir").mkdir()
    fails(winerror.ERROR_UNABLE_TO_REMOVE_REPLACED, win32file.ReplaceFile, wpath + "\\replaced",
          wpath + "\\replacement", wpath + "\\bdir")
    fails(winerror.ERROR_UNABLE_TO_REMOVE_REPLACED, win32file.ReplaceFile, wpath + "\\replaced",
          wpath + "\\replacement", wpath + "\\nodir\\backup")
    assert replaced.read_bytes() == b"old contents" and replacement.read_bytes() == b"new"


def test_replacement_on_another_file_system(cdir):
    wpath, linux = cdir
    if os.stat("/dev/shm").st_dev == os.stat(linux).st_dev:
        pytest.skip("no second file system")
    import tempfile
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        (linux / "replaced").write_bytes(b"old")
        path = os.path.join(other, "r")
        with open(path, "wb") as f:
            f.write(b"new")
        fails(winerror.ERROR_UNABLE_TO_MOVE_REPLACEMENT, win32file.ReplaceFile, wpath + "\\replaced", path)
        assert (linux / "replaced").read_bytes() == b"old" and os.path.exists(path)


def test_argument_rules(cdir):
    wpath, linux = cdir
    setup(linux)
    with pytest.raises(ValueError):
        win32file.ReplaceFile(wpath + "\\replaced", wpath + "\\replacement", None, 0, 1)
    with pytest.raises(ValueError):
        win32file.ReplaceFile(wpath + "\\replaced", wpath + "\\replacement", None, 0, None, 1)
    with pytest.raises(TypeError):
        win32file.ReplaceFile(ReplacedFileName=wpath + "\\replaced", ReplacementFileName=wpath + "\\replacement")
    win32file.ReplaceFile(wpath + "\\replaced", wpath + "\\replacement", None,
                          win32file.REPLACEFILE_IGNORE_MERGE_ERRORS, None, None)
    assert (linux / "replaced").read_bytes() == b"new"
