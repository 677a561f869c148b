"""Regressions found by the robustness harness (tests/robustness_harness.py) or while
building it: each test names the bad behaviour it pins down."""
import os

import pytest
import win32con
import winerror
import win32file

import pywintypes

RW = win32file.GENERIC_READ | win32file.GENERIC_WRITE


@pytest.fixture
def scratch(cdir):
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"abc")
    h = win32file.CreateFile(wpath + "\\f.bin", RW, 0, None, win32file.OPEN_EXISTING, 0, None)
    yield h, linux / "f.bin"
    h.Close()


@pytest.mark.parametrize("data", [5, 2**20, [65, 66], (1,), None, 1.5])
def test_writefile_rejects_non_buffers(scratch, data):
    # WriteFile used bytes(data): an int n wrote n zero bytes (WriteFile(h, 2**40) tried
    # to build a terabyte), a list of ints was written as bytes. pywin32 requires an
    # object with the buffer protocol and raises TypeError.
    h, path = scratch
    with pytest.raises(TypeError):
        win32file.WriteFile(h, data)
    assert path.read_bytes() == b"abc"


@pytest.mark.parametrize("data", [b"xy", bytearray(b"xy"), memoryview(b"xy"),
                                  memoryview(bytearray(b"-xy-"))[1:3]])
def test_writefile_still_takes_buffers(scratch, data):
    h, path = scratch
    assert win32file.WriteFile(h, data) == (0, 2)
    assert path.read_bytes() == b"xyc"


def test_readfile_of_an_impossible_size_raises_typeerror(scratch):
    # pywin32 reads the size as a C long: 2**40 is no size there (TypeError), and
    # nothing is allocated for it.
    h, _ = scratch
    with pytest.raises(TypeError):
        win32file.ReadFile(h, 2**40)
    # The handle still works afterwards.
    assert win32file.ReadFile(h, 10) == (0, b"abc")


def test_readfile_large_size_commits_only_what_is_read(run_child, cdir):
    # The read buffer was zero-filled by hand, touching every page: ReadFile(h, 16 GiB)
    # on a 3-byte file committed 16 GiB (or got the process OOM-killed). It now comes
    # zeroed from the allocator, so only pages the read fills are committed. (Sizes are
    # C longs now, as in pywin32: 2**31 - 1 is the largest.)
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"abc")
    code = (
        "import resource, sys, win32file\n"
        "h = win32file.CreateFile(sys.argv[1], win32file.GENERIC_READ, 0, None, 3, 0, None)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(win32file.ReadFile(h, 2**31 - 1))\n"
        "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
        "print('grown_kib', grown)\n"
    )
    r = run_child(code, wpath + "\\f.bin")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "(0, b'abc')"
    grown = int(lines[1].split()[1])
    assert grown < 256 * 1024, f"ReadFile committed {grown} KiB for a 3-byte read"


# Device names name devices, not files: operations on the name must never reach the
# device node (as root, /dev/null could otherwise be deleted or chmod'ed).
@pytest.mark.parametrize("call", [
    lambda: win32file.DeleteFile("NUL"),
    lambda: win32file.DeleteFile("C:\\x\\nul.txt"),
    lambda: win32file.SetFileAttributes("NUL", win32con.FILE_ATTRIBUTE_READONLY),
    lambda: win32file.MoveFile("NUL", "C:\\moved"),
    lambda: win32file.RemoveDirectory("CON"),
])
def test_name_operations_on_device_names_are_refused(call):
    before = os.stat("/dev/null")
    with pytest.raises(pywintypes.error) as e:
        call()
    assert e.value.winerror == winerror.ERROR_ACCESS_DENIED
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_delete_on_close_of_a_device_leaves_the_device():
    h = win32file.CreateFile("NUL", win32con.GENERIC_WRITE, 7, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_DELETE_ON_CLOSE, None)
    win32file.WriteFile(h, b"gone")
    h.Close()
    assert os.path.exists("/dev/null")


def test_a_drive_root_cannot_be_renamed(drive_c):
    with pytest.raises(pywintypes.error) as e:
        win32file.MoveFileEx("\\\\?\\C:\\", "C:\\elsewhere", 0)
    assert e.value.winerror == winerror.ERROR_ACCESS_DENIED
    assert drive_c.is_dir()
