"""DeviceIoControl: the file-system control codes with a Linux meaning; others get 1."""
import os
import struct

import pytest
import pywintypes
import win32con
import win32file

FSCTL_SET_SPARSE = 0x900C4
FSCTL_SET_ZERO_DATA = 0x980C8
FSCTL_QUERY_ALLOCATED_RANGES = 0x940CF
FSCTL_GET_REPARSE_POINT = 0x900A8
RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE


def open_rw(path, flags=0):
    return win32file.CreateFile(str(path), RW, 7, None, win32file.OPEN_EXISTING, flags, None)


def test_sparse_zero_data_and_allocated_ranges(tmp):
    p = tmp / "sparse.bin"
    p.write_bytes(b"")
    h = open_rw(p)
    assert win32file.DeviceIoControl(h, FSCTL_SET_SPARSE, None, 0) == b""
    assert win32file.GetFileAttributes(str(p)) & win32con.FILE_ATTRIBUTE_SPARSE_FILE
    win32file.WriteFile(h, b"a" * 65536)
    win32file.SetFilePointer(h, 4 << 20, win32file.FILE_BEGIN)
    win32file.WriteFile(h, b"b" * 4096)
    # Zero [4096, 8192): the bytes read back as zeros.
    win32file.DeviceIoControl(h, FSCTL_SET_ZERO_DATA, struct.pack("<qq", 4096, 8192), 0)
    with open(p, "rb") as f:
        data = f.read(16384)
    assert data[:4096] == b"a" * 4096 and data[4096:8192] == bytes(4096) and data[8192:] == b"a" * 8192
    out = win32file.DeviceIoControl(h, FSCTL_QUERY_ALLOCATED_RANGES, struct.pack("<qq", 0, 8 << 20), 1024)
    ranges = [struct.unpack_from("<qq", out, i) for i in range(0, len(out), 16)]
    covered = sum(length for _, length in ranges)
    assert ranges and ranges[-1][0] + ranges[-1][1] == (4 << 20) + 4096
    assert covered < (4 << 20)  # the hole between the two writes is not allocated
    with pytest.raises(pywintypes.error) as e:
        win32file.DeviceIoControl(h, FSCTL_QUERY_ALLOCATED_RANGES, struct.pack("<qq", 0, 8 << 20), 8)
    assert e.value.winerror == 122
    h.Close()


def test_reparse_point_of_a_symbolic_link(cdir):
    wpath, linux = cdir
    (linux / "target.txt").write_bytes(b"t")
    os.symlink("target.txt", linux / "link")
    h = win32file.CreateFile(wpath + "\\link", 0, 7, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_OPEN_REPARSE_POINT | win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
    buf = win32file.DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, None, 16384)
    tag, length, _, sub_off, sub_len, print_off, print_len, flags = struct.unpack_from("<IHHHHHHI", buf)
    assert tag == 0xA000000C and flags == 1  # IO_REPARSE_TAG_SYMLINK, relative
    names = buf[20:]
    assert names[print_off:print_off + print_len].decode("utf-16-le") == "target.txt"
    with pytest.raises(pywintypes.error) as e:
        win32file.DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, None, 8)
    assert e.value.winerror == 234  # ERROR_MORE_DATA
    h.Close()
    f = open_rw(linux / "target.txt")
    with pytest.raises(pywintypes.error) as e:
        win32file.DeviceIoControl(f, FSCTL_GET_REPARSE_POINT, None, 16384)
    assert e.value.winerror == 4390  # ERROR_NOT_A_REPARSE_POINT
    f.Close()


def test_buffers_and_unknown_codes(tmp):
    p = tmp / "f"
    p.write_bytes(b"")
    h = open_rw(p)
    out = bytearray(64)
    assert win32file.DeviceIoControl(h, FSCTL_SET_SPARSE, b"\x01", out) == bytearray()  # a slice: nothing returned
    ol = pywintypes.OVERLAPPED()
    mv = win32file.DeviceIoControl(h, FSCTL_SET_SPARSE, None, 16, ol)
    assert isinstance(mv, memoryview) and len(mv) == 16 and ol.InternalHigh == 0
    with pytest.raises(pywintypes.error) as e:
        win32file.DeviceIoControl(h, 0x00070000, None, 64)  # IOCTL_DISK_GET_DRIVE_GEOMETRY on a file
    assert (e.value.winerror, e.value.funcname) == (1, "DeviceIoControl")
    with pytest.raises(TypeError):
        win32file.DeviceIoControl(h, FSCTL_SET_SPARSE, None, "out")
    h.Close()
