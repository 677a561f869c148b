"""Regressions found by the robustness harness (tests/robustness_harness.py) or while
building it: each test names the bad behaviour it pins down."""
import pytest
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


def test_readfile_of_an_impossible_size_raises_memoryerror(scratch):
    h, _ = scratch
    with pytest.raises((MemoryError, pywintypes.error)):
        win32file.ReadFile(h, 2**40)
    # The handle still works afterwards.
    assert win32file.ReadFile(h, 10) == (0, b"abc")


def test_readfile_large_size_commits_only_what_is_read(run_child, cdir):
    # The read buffer was zero-filled by hand, touching every page: ReadFile(h, 16 GiB)
    # on a 3-byte file committed 16 GiB (or got the process OOM-killed). It now comes
    # zeroed from the allocator, so only pages the read fills are committed.
    wpath, linux = cdir
    (linux / "f.bin").write_bytes(b"abc")
    code = (
        "import resource, sys, win32file\n"
        "h = win32file.CreateFile(sys.argv[1], win32file.GENERIC_READ, 0, None, 3, 0, None)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(win32file.ReadFile(h, 2**31))\n"
        "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
        "print('grown_kib', grown)\n"
    )
    r = run_child(code, wpath + "\\f.bin")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "(0, b'abc')"
    grown = int(lines[1].split()[1])
    assert grown < 256 * 1024, f"ReadFile committed {grown} KiB for a 3-byte read"
