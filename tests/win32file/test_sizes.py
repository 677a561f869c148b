"""Size arguments (issue 20, item 4): bounded as pywin32 reads them, and checked before
anything is allocated for them; large writes without a copy of the whole buffer.

The allocation checks run in a child whose address space is capped a little above what
it already uses (RLIMIT_AS): an allocation made for a call that cannot succeed, or a
copy of a large buffer, then fails with MemoryError instead of passing unnoticed."""
import hashlib
import os
import struct

import pytest
import pywintypes
import win32con
import win32file

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
FSCTL_SET_SPARSE = 0x900C4
FSCTL_QUERY_ALLOCATED_RANGES = 0x940CF
OUT_ERROR = "OutBuffer must be either a buffer size or writeable buffer object, not int"
READ_ERROR = "Second param must be an integer or writeable buffer object"

# Prologue of the child scripts: `cap(extra)` limits the address space to what the
# process maps now plus `extra` bytes; `fails(code, fn, *args)` checks the Win32 error.
_CAPPED = """
import os, resource, sys, struct
import pywintypes, win32con, win32file

def cap(extra):
    with open("/proc/self/status") as f:
        vm = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (vm + extra, resource.RLIM_INFINITY))

def fails(code, fn, *args):
    try:
        fn(*args)
    except pywintypes.error as e:
        assert e.winerror == code, (fn, e.args)
    else:
        raise AssertionError(f"{fn} {args[:1]} succeeded")

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
"""


def _run(run_child, body, *args):
    proc = run_child(_CAPPED + body, *args, timeout=120)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert proc.stdout.strip().endswith("ok"), proc.stdout


def test_sizes_that_cannot_be_used_allocate_nothing(run_child, tmp):
    path = tmp / "f.bin"
    path.write_bytes(b"0123456789")
    (tmp / "d").mkdir()
    _run(run_child, r"""
path, d = sys.argv[1], sys.argv[2]
ro = win32file.CreateFile(path, win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING, 0, None)
wo = win32file.CreateFile(path, win32con.GENERIC_WRITE, 7, None, win32file.OPEN_EXISTING, 0, None)
dh = win32file.CreateFile(d, win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING,
                          win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
closed = win32file.CreateFile(path, RW, 7, None, win32file.OPEN_EXISTING, 0, None)
stale = int(closed)
closed.Close()
big_input = bytearray(300 << 20)
cap(128 << 20)  # from here on, nothing of 2 GiB (or 300 MiB) may be allocated
n = (1 << 31) - 1
for h in (stale, 0, None):
    fails(6, win32file.ReadFile, h, n)
    fails(6, win32file.ReadFile, h, n, pywintypes.OVERLAPPED())
    fails(6, win32file.DeviceIoControl, h, FSCTL, None, n)
    fails(6, win32file.DeviceIoControl, h, FSCTL, None, n, pywintypes.OVERLAPPED())
    fails(6, win32file.DeviceIoControl, h, FSCTL, big_input, 0)
fails(5, win32file.ReadFile, wo, n)                       # no read access
fails(1, win32file.ReadFile, dh, n)                       # a directory
fails(1, win32file.DeviceIoControl, ro, 0x12345, big_input, n)   # a code not implemented
fails(1, win32file.DeviceIoControl, ro, 0x12345, memoryview(big_input), n, pywintypes.OVERLAPPED())
# A code that reads 16 bytes of a 300 MiB input copies 16 bytes.
fails(87, win32file.DeviceIoControl, ro, 0x940CF, big_input[:8] + bytearray(0), 64)
assert win32file.DeviceIoControl(ro, 0x940CF, big_input, 64) == b""
assert win32file.ReadFile(ro, 1 << 20) == (0, b"0123456789")  # a read that can succeed
print("ok")
""".replace("FSCTL", str(FSCTL_SET_SPARSE)), path, tmp / "d")


def test_large_write_of_a_buffer_is_not_copied_whole(run_child, tmp):
    path = tmp / "big.bin"
    _run(run_child, r"""
import hashlib
path = sys.argv[1]
size = (400 << 20) + 12345
data = bytearray(os.urandom(1 << 20)) * 401
del data[size:]
h = win32file.CreateFile(path, RW, 0, None, win32file.CREATE_ALWAYS, 0, None)
cap(128 << 20)  # a copy of the 400 MiB buffer no longer fits
assert win32file.WriteFile(h, data) == (0, size)
assert win32file.WriteFile(h, memoryview(data)[7:]) == (0, size - 7)
ol = pywintypes.OVERLAPPED()
ol.Offset = 3
assert win32file.WriteFile(h, memoryview(data)[: 1 << 22], ol) == (0, 1 << 22)
assert ol.InternalHigh == 1 << 22
assert win32file.SetFilePointer(h, 0, win32file.FILE_CURRENT) == 3 + (1 << 22)
h.Close()
resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
want = hashlib.sha256()
for part in (data[:3], data[: 1 << 22], data[3 + (1 << 22):], data[7:]):
    want.update(part)
got = hashlib.sha256()
with open(path, "rb") as f:
    for block in iter(lambda: f.read(1 << 24), b""):
        got.update(block)
assert got.hexdigest() == want.hexdigest()
print("ok")
""", path)
    # The file holds exactly what the three writes put there.
    assert path.stat().st_size == 2 * ((400 << 20) + 12345) - 7


@pytest.mark.parametrize("size", [1 << 31, 2**32, 2**64, -(1 << 31) - 1])
def test_device_io_control_sizes_beyond_a_c_long_are_type_errors(tmp, size):
    path = tmp / "f"
    path.write_bytes(b"")
    h = win32file.CreateFile(str(path), RW, 7, None, win32file.OPEN_EXISTING, 0, None)
    try:
        with pytest.raises(TypeError, match=OUT_ERROR):
            win32file.DeviceIoControl(h, FSCTL_SET_SPARSE, None, size)
        with pytest.raises(TypeError, match=OUT_ERROR):
            win32file.DeviceIoControl(h, FSCTL_SET_SPARSE, None, size, pywintypes.OVERLAPPED())
        # The largest size that is one: an OVERLAPPED call returns a buffer that long.
        mv = win32file.DeviceIoControl(h, FSCTL_SET_SPARSE, None, 1 << 20, pywintypes.OVERLAPPED())
        assert len(mv) == 1 << 20 and not mv.readonly and not any(mv[:4096])
        out = win32file.DeviceIoControl(h, FSCTL_QUERY_ALLOCATED_RANGES, struct.pack("<qq", 0, 1 << 40),
                                        (1 << 31) - 1)
        assert out == b""  # an empty file: built as it goes, never 2 GiB
    finally:
        h.Close()


@pytest.mark.parametrize("size", [1 << 31, 2**40, -(1 << 31) - 1])
def test_allocate_read_buffer_takes_a_c_int(size):
    with pytest.raises(OverflowError):
        win32file.AllocateReadBuffer(size)
    with pytest.raises(ValueError):
        win32file.AllocateReadBuffer(-1)


def test_large_write_content_and_short_sizes(tmp):
    # Pieces land in order; bytes, bytearray, memoryview and array all write the same.
    import array

    payload = os.urandom((1 << 20) + 3)
    for make in (bytes, bytearray, memoryview, lambda b: array.array("B", b)):
        path = tmp / "w.bin"
        h = win32file.CreateFile(str(path), RW, 0, None, win32file.CREATE_ALWAYS, 0, None)
        assert win32file.WriteFile(h, make(payload)) == (0, len(payload))
        h.Close()
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(payload).digest()
    # A non-contiguous view is still accepted (copied), as before.
    h = win32file.CreateFile(str(tmp / "s.bin"), RW, 0, None, win32file.CREATE_ALWAYS, 0, None)
    assert win32file.WriteFile(h, memoryview(payload)[::2]) == (0, (len(payload) + 1) // 2)
    h.Close()
    assert (tmp / "s.bin").read_bytes() == payload[::2]
