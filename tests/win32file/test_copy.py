"""CopyFile(W): data, refusals, and what the copy inherits from its source."""
import datetime
import os

import pytest
import pywintypes
import win32file

READONLY = win32file.FILE_ATTRIBUTE_READONLY
HIDDEN = win32file.FILE_ATTRIBUTE_HIDDEN
SYSTEM = win32file.FILE_ATTRIBUTE_SYSTEM
NORMAL = win32file.FILE_ATTRIBUTE_NORMAL

COPIES = ["CopyFile", "CopyFileW"]


def fails(code, func, call, *args):
    with pytest.raises(pywintypes.error) as info:
        call(*args)
    assert info.value.winerror == code, info.value.args
    assert info.value.funcname == func
    return info.value


@pytest.mark.parametrize("func", COPIES)
@pytest.mark.parametrize("size", [0, 5, 3 * 1024 * 1024 + 17])
def test_copy_data_identical(cdir, func, size):
    wpath, linux = cdir
    data = os.urandom(size)
    (linux / "src.bin").write_bytes(data)
    assert getattr(win32file, func)(wpath + "\\src.bin", wpath + "\\dst.bin", 1) is None
    assert (linux / "dst.bin").read_bytes() == data
    assert (linux / "src.bin").read_bytes() == data
    assert os.stat(linux / "dst.bin").st_ino != os.stat(linux / "src.bin").st_ino


@pytest.mark.parametrize("func", COPIES)
def test_copy_fail_if_exists(cdir, func):
    wpath, linux = cdir
    (linux / "src").write_bytes(b"new")
    (linux / "dst").write_bytes(b"old contents")
    fails(80, func, getattr(win32file, func), wpath + "\\src", wpath + "\\DST", 1)
    fails(80, func, getattr(win32file, func), wpath + "\\src", wpath + "\\dst", -1)
    assert (linux / "dst").read_bytes() == b"old contents"
    getattr(win32file, func)(wpath + "\\src", wpath + "\\DST", 0)
    assert (linux / "dst").read_bytes() == b"new"
    assert sorted(os.listdir(linux)) == ["dst", "src"]


@pytest.mark.parametrize("bit", [READONLY, HIDDEN])
def test_copy_onto_readonly_or_hidden_destination(cdir, bit):
    wpath, linux = cdir
    (linux / "src").write_bytes(b"new")
    (linux / "dst").write_bytes(b"old")
    win32file.SetFileAttributes(wpath + "\\dst", bit)
    fails(5, "CopyFile", win32file.CopyFile, wpath + "\\src", wpath + "\\dst", 0)
    assert (linux / "dst").read_bytes() == b"old"
    win32file.SetFileAttributes(wpath + "\\dst", NORMAL)
    win32file.CopyFile(wpath + "\\src", wpath + "\\dst", 0)
    assert (linux / "dst").read_bytes() == b"new"


def test_copy_source_errors(cdir):
    wpath, linux = cdir
    fails(2, "CopyFile", win32file.CopyFile, wpath + "\\missing", wpath + "\\dst", 0)
    fails(3, "CopyFileW", win32file.CopyFileW, wpath + "\\no\\missing", wpath + "\\dst", 0)
    (linux / "dir").mkdir()
    fails(5, "CopyFile", win32file.CopyFile, wpath + "\\dir", wpath + "\\dst", 0)
    assert os.listdir(linux) == ["dir"]


def test_copy_into_missing_directory(cdir):
    wpath, linux = cdir
    (linux / "src").write_bytes(b"")
    fails(3, "CopyFile", win32file.CopyFile, wpath + "\\src", wpath + "\\no\\dst", 0)


def test_copy_onto_directory_refused(cdir):
    wpath, linux = cdir
    (linux / "src").write_bytes(b"")
    (linux / "dir").mkdir()
    with pytest.raises(pywintypes.error) as info:
        win32file.CopyFile(wpath + "\\src", wpath + "\\dir", 0)
    assert info.value.winerror == 5
    assert (linux / "dir").is_dir()


def test_copy_keeps_last_write_time(cdir):
    wpath, linux = cdir
    (linux / "src").write_bytes(b"t")
    stamp = 1_000_000_000.125  # 2001-09-09, a whole number of milliseconds
    os.utime(linux / "src", (stamp, stamp))
    win32file.CopyFile(wpath + "\\src", wpath + "\\dst", 0)
    assert os.stat(linux / "dst").st_mtime_ns == os.stat(linux / "src").st_mtime_ns
    src = win32file.GetFileAttributesEx(wpath + "\\src")
    dst = win32file.GetFileAttributesEx(wpath + "\\dst")
    assert dst[3] == src[3] == datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc)


@pytest.mark.parametrize("bits", [HIDDEN, READONLY, HIDDEN | READONLY, SYSTEM])
def test_copy_takes_source_attributes(cdir, bits):
    wpath, linux = cdir
    (linux / "src").write_bytes(b"a")
    win32file.SetFileAttributes(wpath + "\\src", bits)
    win32file.CopyFile(wpath + "\\src", wpath + "\\dst", 1)
    got = win32file.GetFileAttributes(wpath + "\\dst")
    assert got & (HIDDEN | READONLY | SYSTEM) == bits
    assert (linux / "dst").read_bytes() == b"a"
    if bits & READONLY:
        fails(5, "DeleteFile", win32file.DeleteFile, wpath + "\\dst")


def test_copy_linux_paths(tmp):
    (tmp / "a").write_bytes(b"linux")
    win32file.CopyFileW(str(tmp / "a"), str(tmp / "b"), False)
    assert (tmp / "b").read_bytes() == b"linux"


def test_copy_argument_rules(cdir):
    wpath, linux = cdir
    (linux / "src").write_bytes(b"")
    src, dst = wpath + "\\src", wpath + "\\dst"
    for func in (win32file.CopyFile, win32file.CopyFileW):
        with pytest.raises(TypeError):
            func(src.encode(), dst, 0)
        with pytest.raises(TypeError):
            func(src, dst.encode(), 0)
        with pytest.raises(TypeError):
            func(None, dst, 0)
        with pytest.raises(TypeError):
            func(src, dst)
        with pytest.raises(TypeError):
            func(ExistingFileName=src, NewFileName=dst, bFailIfExists=0)
    assert os.listdir(linux) == ["src"]


def test_copy_onto_itself_is_sharing_violation(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"keep")
    fails(32, "CopyFile", win32file.CopyFile, wpath + "\\f", wpath + "\\F", 0)
    assert (linux / "f").read_bytes() == b"keep"


def test_copy_through_symlink_copies_target(cdir):
    wpath, linux = cdir
    (linux / "target").write_bytes(b"target data")
    (linux / "link").symlink_to(linux / "target")
    win32file.CopyFile(wpath + "\\link", wpath + "\\copy", 1)
    assert not (linux / "copy").is_symlink()
    assert (linux / "copy").read_bytes() == b"target data"


def test_copy_creation_time_is_new(cdir):
    wpath, linux = cdir
    (linux / "src").write_bytes(b"")
    h = win32file.CreateFile(wpath + "\\src", win32file.GENERIC_WRITE, 0, None, win32file.OPEN_EXISTING, 0, None)
    old = datetime.datetime(1990, 1, 1, tzinfo=datetime.timezone.utc)
    win32file.SetFileTime(h, old, None, None)
    h.Close()
    win32file.CopyFile(wpath + "\\src", wpath + "\\dst", 1)
    assert win32file.GetFileAttributesEx(wpath + "\\src")[1] == old
    assert win32file.GetFileAttributesEx(wpath + "\\dst")[1].year > 2000


def test_copy_onto_symlink_overwrites_its_target(cdir):
    # Microsoft: an existing destination that is a symbolic link has its target overwritten.
    wpath, linux = cdir
    (linux / "src").write_bytes(b"new")
    (linux / "target").write_bytes(b"old")
    (linux / "link").symlink_to(linux / "target")
    win32file.CopyFile(wpath + "\\src", wpath + "\\link", 0)
    assert (linux / "link").is_symlink()
    assert (linux / "target").read_bytes() == b"new"
