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
