"""CreateHardLink, CreateSymbolicLink (Windows targets translated) and FindFileNames."""
import os

import pytest
import pywintypes
import win32file
import winerror


def fails(code, func, call, *args, **kw):
    with pytest.raises(pywintypes.error) as info:
        call(*args, **kw)
    assert info.value.winerror == code, info.value.args
    assert info.value.funcname == func
    return info.value


# --- hard links ----------------------------------------------------------------------

def test_create_hard_link(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"abc")
    assert win32file.CreateHardLink(wpath + "\\b", wpath + "\\a") is None
    assert os.stat(linux / "a").st_ino == os.stat(linux / "b").st_ino
    info = win32file.GetFileAttributesEx(wpath + "\\b")
    assert info[4] == 3
    win32file.CreateHardLink(FileName=wpath + "\\c", ExistingFileName=wpath + "\\a",
                             SecurityAttributes=None, Transaction=None)
    assert os.stat(linux / "a").st_nlink == 3


def test_create_hard_link_errors(cdir):
    wpath, linux = cdir
    f = "CreateHardLink"
    (linux / "a").write_bytes(b"abc")
    (linux / "b").write_bytes(b"x")
    (linux / "d").mkdir()
    fails(winerror.ERROR_ALREADY_EXISTS, f, win32file.CreateHardLink, wpath + "\\b", wpath + "\\a")
    fails(winerror.ERROR_FILE_NOT_FOUND, f, win32file.CreateHardLink, wpath + "\\c", wpath + "\\missing")
    fails(winerror.ERROR_PATH_NOT_FOUND, f, win32file.CreateHardLink, wpath + "\\no\\c", wpath + "\\a")
    fails(winerror.ERROR_ACCESS_DENIED, f, win32file.CreateHardLink, wpath + "\\e", wpath + "\\d")
    with pytest.raises(TypeError):
        win32file.CreateHardLink(wpath + "\\c", wpath + "\\a", 5)


def test_create_hard_link_across_file_systems(cdir):
    wpath, linux = cdir
    if os.stat("/dev/shm").st_dev == os.stat(linux).st_dev:
        pytest.skip("no second file system")
    (linux / "a").write_bytes(b"abc")
    import tempfile
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        fails(winerror.ERROR_NOT_SAME_DEVICE, "CreateHardLink", win32file.CreateHardLink,
              os.path.join(other, "x"), wpath + "\\a")


# --- symbolic links ------------------------------------------------------------------

def test_symbolic_link_relative_windows_target(cdir):
    wpath, linux = cdir
    (linux / "x" / "y").mkdir(parents=True)
    (linux / "x" / "y" / "f.txt").write_bytes(b"data")
    (linux / "sub").mkdir()
    win32file.CreateSymbolicLink(wpath + "\\sub\\link", "..\\x\\y\\f.txt")
    assert os.readlink(linux / "sub" / "link") == "../x/y/f.txt"
    assert (linux / "sub" / "link").read_bytes() == b"data"
    attrs = win32file.GetFileAttributes(wpath + "\\sub\\link")
    assert attrs & 0x400  # FILE_ATTRIBUTE_REPARSE_POINT


def test_symbolic_link_directory_flag(cdir):
    wpath, linux = cdir
    (linux / "dir").mkdir()
    (linux / "dir" / "f").write_bytes(b"1")
    win32file.CreateSymbolicLink(wpath + "\\dl", "dir", win32file.SYMBOLIC_LINK_FLAG_DIRECTORY)
    assert os.readlink(linux / "dl") == "dir"
    assert (linux / "dl" / "f").read_bytes() == b"1"
    flags = win32file.SYMBOLIC_LINK_FLAG_DIRECTORY | win32file.SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE
    win32file.CreateSymbolicLink(SymlinkFileName=wpath + "\\dl2", TargetFileName=".\\dir\\", Flags=flags)
    assert os.readlink(linux / "dl2") == "dir"
    assert os.listdir(linux / "dl2") == ["f"]


def test_symbolic_link_absolute_windows_target(cdir, drive_c):
    wpath, linux = cdir
    (linux / "t.txt").write_bytes(b"abs")
    win32file.CreateSymbolicLink(wpath + "\\abs", wpath + "\\t.txt")
    assert os.readlink(linux / "abs") == str(linux / "t.txt")
    assert (linux / "abs").read_bytes() == b"abs"


def test_symbolic_link_linux_target_and_dangling(cdir):
    wpath, linux = cdir
    win32file.CreateSymbolicLink(wpath + "\\l", "/nonexistent/thing")
    assert os.readlink(linux / "l") == "/nonexistent/thing"


def test_symbolic_link_errors(cdir):
    wpath, linux = cdir
    f = "CreateSymbolicLink"
    (linux / "exists").write_bytes(b"")
    fails(winerror.ERROR_ALREADY_EXISTS, f, win32file.CreateSymbolicLink, wpath + "\\exists", "x")
    fails(winerror.ERROR_PATH_NOT_FOUND, f, win32file.CreateSymbolicLink, wpath + "\\no\\l", "x")
    fails(winerror.ERROR_INVALID_PARAMETER, f, win32file.CreateSymbolicLink, wpath + "\\l", "x", 0x100)
    assert not os.path.lexists(linux / "l")


# --- FindFileNames -------------------------------------------------------------------

def test_find_file_names_single_link(cdir):
    wpath, linux = cdir
    (linux / "only").write_bytes(b"")
    name = wpath[2:] + "\\only"
    assert win32file.FindFileNames(wpath + "\\only") == [name]


def test_find_file_names_several_links(cdir):
    wpath, linux = cdir
    (linux / "d1").mkdir()
    (linux / "d2" / "deep").mkdir(parents=True)
    (linux / "d1" / "first").write_bytes(b"x")
    os.link(linux / "d1" / "first", linux / "second")
    os.link(linux / "d1" / "first", linux / "d2" / "deep" / "third")
    (linux / "unrelated").write_bytes(b"x")
    base = wpath[2:]
    names = win32file.FindFileNames(wpath + "\\d1\\first")
    assert names[0] == base + "\\d1\\first"
    assert sorted(names) == sorted([base + "\\d1\\first", base + "\\second", base + "\\d2\\deep\\third"])
    assert all(n.startswith("\\") for n in names)
    # Joined to the drive, each name opens the same file.
    for n in names:
        assert win32file.GetFileAttributesEx("C:" + n)[4] == 1
    names2 = win32file.FindFileNames(FileName=wpath + "\\second", Transaction=None)
    assert names2[0] == base + "\\second" and sorted(names2) == sorted(names)


def test_find_file_names_errors(cdir):
    wpath, _ = cdir
    fails(winerror.ERROR_FILE_NOT_FOUND, "FindFileNames", win32file.FindFileNames, wpath + "\\missing")
