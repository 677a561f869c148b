"""GetFileAttributes(W), GetFileAttributesEx(W), SetFileAttributes(W), and the
`user.DOSATTRIB` extended attribute they keep (Samba's layout)."""
import datetime
import os
import struct

import pytest
import pywintypes
import win32con
import win32file
import win32timezone

READONLY = win32file.FILE_ATTRIBUTE_READONLY
HIDDEN = win32file.FILE_ATTRIBUTE_HIDDEN
SYSTEM = win32file.FILE_ATTRIBUTE_SYSTEM
DIRECTORY = win32file.FILE_ATTRIBUTE_DIRECTORY
ARCHIVE = win32file.FILE_ATTRIBUTE_ARCHIVE
NORMAL = win32file.FILE_ATTRIBUTE_NORMAL
REPARSE_POINT = win32con.FILE_ATTRIBUTE_REPARSE_POINT

V5_HEADER = bytes.fromhex("000005000500000011000000")
# FILETIME ticks of 2001-09-09 01:46:40 UTC (Unix 1_000_000_000).
TICKS_2001 = (1_000_000_000 + 11_644_473_600) * 10_000_000


def fails(code, func, call, *args, **kwargs):
    with pytest.raises(pywintypes.error) as info:
        call(*args, **kwargs)
    assert info.value.winerror == code, info.value.args
    assert info.value.funcname == func
    return info.value


def new_file(linux, name="f.txt", data=b"12345"):
    (linux / name).write_bytes(data)
    return linux / name


# --- GetFileAttributes -------------------------------------------------------------

@pytest.mark.parametrize("func", ["GetFileAttributes", "GetFileAttributesW"])
def test_missing_returns_minus_one(cdir, func):
    wpath, _ = cdir
    get = getattr(win32file, func)
    assert get(wpath + "\\missing") == -1
    assert get(wpath + "\\no\\such\\dir") == -1
    assert get("Q:\\unknown\\drive") == -1


def test_new_file_is_archive_and_directory_is_directory(cdir):
    wpath, linux = cdir
    new_file(linux)
    (linux / "sub").mkdir()
    assert win32file.GetFileAttributes(wpath + "\\f.txt") == ARCHIVE
    assert win32file.GetFileAttributesW(wpath + "\\F.TXT") == ARCHIVE
    assert win32file.GetFileAttributes(wpath + "\\sub") == DIRECTORY
    assert win32file.GetFileAttributes(wpath) == DIRECTORY
    assert win32file.GetFileAttributes(str(linux / "sub")) == DIRECTORY
    # pywin32's wide API rejects bytes (PyUnicode.cpp, PyWinObject_AsWCHAR).
    with pytest.raises(TypeError, match="can not be converted to Unicode"):
        win32file.GetFileAttributes(os.fsencode(linux / "f.txt"))


def test_created_by_create_file(cdir):
    wpath, _ = cdir
    for name, flags in (("plain", NORMAL), ("hid", HIDDEN), ("sys", SYSTEM | HIDDEN)):
        h = win32file.CreateFile(wpath + "\\" + name, win32con.GENERIC_WRITE, 0, None,
                                 win32file.CREATE_NEW, flags, None)
        h.Close()
        want = ARCHIVE | (flags & ~NORMAL)
        assert win32file.GetFileAttributes(wpath + "\\" + name) == want, name


def test_dot_files_are_hidden(cdir):
    wpath, linux = cdir
    new_file(linux, ".profile")
    (linux / ".cache").mkdir()
    assert win32file.GetFileAttributes(wpath + "\\.profile") == HIDDEN | ARCHIVE
    assert win32file.GetFileAttributes(wpath + "\\.cache") == HIDDEN | DIRECTORY


def test_symlinks_are_reparse_points(cdir):
    wpath, linux = cdir
    new_file(linux, "target")
    (linux / "d").mkdir()
    (linux / "flink").symlink_to(linux / "target")
    (linux / "dlink").symlink_to(linux / "d")
    (linux / "broken").symlink_to(linux / "gone")
    assert win32file.GetFileAttributes(wpath + "\\flink") & (REPARSE_POINT | DIRECTORY) == REPARSE_POINT
    assert win32file.GetFileAttributes(wpath + "\\dlink") & (REPARSE_POINT | DIRECTORY) == REPARSE_POINT | DIRECTORY
    assert win32file.GetFileAttributes(wpath + "\\broken") & REPARSE_POINT
    assert win32file.GetFileAttributes(wpath + "\\target") & REPARSE_POINT == 0


# --- SetFileAttributes -------------------------------------------------------------

@pytest.mark.parametrize("func", ["SetFileAttributes", "SetFileAttributesW"])
@pytest.mark.parametrize("bits", [HIDDEN, SYSTEM, READONLY, ARCHIVE, HIDDEN | SYSTEM | READONLY])
def test_set_and_get_on_file(cdir, func, bits):
    wpath, linux = cdir
    new_file(linux)
    assert getattr(win32file, func)(wpath + "\\f.txt", bits) is None
    assert win32file.GetFileAttributes(wpath + "\\f.txt") == bits


def test_normal_clears_everything(cdir):
    wpath, linux = cdir
    new_file(linux)
    win32file.SetFileAttributes(wpath + "\\f.txt", HIDDEN | SYSTEM | READONLY | ARCHIVE)
    win32file.SetFileAttributes(wpath + "\\f.txt", NORMAL)
    assert win32file.GetFileAttributes(wpath + "\\f.txt") == NORMAL
    win32file.SetFileAttributes(wpath + "\\f.txt", ARCHIVE)
    assert win32file.GetFileAttributes(wpath + "\\f.txt") == ARCHIVE
    win32file.SetFileAttributes(wpath + "\\f.txt", 0)
    assert win32file.GetFileAttributes(wpath + "\\f.txt") == NORMAL


def test_readonly_clears_and_restores_mode_write_bits(cdir):
    wpath, linux = cdir
    path = new_file(linux)
    os.chmod(path, 0o644)
    win32file.SetFileAttributes(wpath + "\\f.txt", READONLY)
    assert os.stat(path).st_mode & 0o222 == 0
    assert os.stat(path).st_mode & 0o444 == 0o444
    win32file.SetFileAttributes(wpath + "\\f.txt", NORMAL)
    assert os.stat(path).st_mode & 0o200
    # A file made read-only by chmod reads as READONLY.
    os.chmod(path, 0o444)
    assert win32file.GetFileAttributes(wpath + "\\f.txt") & READONLY


def test_readonly_enforced_on_open_for_write(cdir):
    wpath, linux = cdir
    new_file(linux)
    win32file.SetFileAttributes(wpath + "\\f.txt", READONLY)
    fails(5, "CreateFile", win32file.CreateFile, wpath + "\\f.txt", win32con.GENERIC_WRITE,
          0, None, win32file.OPEN_EXISTING, 0, None)


@pytest.mark.parametrize("bits", [HIDDEN, SYSTEM, READONLY, HIDDEN | SYSTEM])
def test_set_on_directory(cdir, bits):
    wpath, linux = cdir
    (linux / "d").mkdir()
    win32file.SetFileAttributesW(wpath + "\\d", bits)
    assert win32file.GetFileAttributes(wpath + "\\d") == DIRECTORY | bits
    win32file.SetFileAttributesW(wpath + "\\d", NORMAL)
    assert win32file.GetFileAttributes(wpath + "\\d") == DIRECTORY


def test_set_errors_and_keywords(cdir):
    wpath, linux = cdir
    new_file(linux)
    fails(2, "SetFileAttributes", win32file.SetFileAttributes, wpath + "\\missing", HIDDEN)
    fails(3, "SetFileAttributesW", win32file.SetFileAttributesW, wpath + "\\x\\missing", HIDDEN)
    win32file.SetFileAttributesW(FileName=wpath + "\\f.txt", FileAttributes=HIDDEN, Transaction=None)
    assert win32file.GetFileAttributes(wpath + "\\f.txt") == HIDDEN
    with pytest.raises(TypeError):  # not a handle (PyWinObject_AsHANDLE)
        win32file.SetFileAttributesW(wpath + "\\f.txt", SYSTEM, Transaction=object())
    assert win32file.GetFileAttributes(wpath + "\\f.txt") == HIDDEN
    with pytest.raises(TypeError):
        win32file.SetFileAttributes(filename=wpath + "\\f.txt", newAttributes=0)
    with pytest.raises(TypeError):
        win32file.SetFileAttributes(wpath + "\\f.txt", "hidden")


# --- user.DOSATTRIB ---------------------------------------------------------------

def test_stored_as_samba_v5(cdir):
    wpath, linux = cdir
    path = new_file(linux)
    win32file.SetFileAttributes(wpath + "\\f.txt", HIDDEN | SYSTEM)
    blob = os.getxattr(path, "user.DOSATTRIB")
    assert blob[:12] == V5_HEADER
    assert len(blob) == 24
    assert struct.unpack_from("<I", blob, 12)[0] & (HIDDEN | SYSTEM) == HIDDEN | SYSTEM


def test_reads_wine_legacy_blob(cdir):
    wpath, linux = cdir
    path = new_file(linux)
    os.setxattr(path, "user.DOSATTRIB", b"0x6")  # Wine: hex text, no NUL
    assert win32file.GetFileAttributes(wpath + "\\f.txt") & (HIDDEN | SYSTEM) == HIDDEN | SYSTEM
    os.setxattr(path, "user.DOSATTRIB", b"0x2\0")  # Samba 3: hex text with NUL
    assert win32file.GetFileAttributes(wpath + "\\f.txt") & (HIDDEN | SYSTEM) == HIDDEN


def samba_v3(attrib, create_ticks=0):
    """Samba 4.0's version-3 value: "0x%x\\0", padding, version and level 3, then
    valid_flags, attrib, ea_size, size, alloc_size, create_time, change_time."""
    text = b"0x%x\0" % attrib
    blob = text + b"\0" * (-len(text) % 2)
    blob += struct.pack("<HH", 3, 3)
    blob += b"\0" * (-len(blob) % 4)
    valid = 0x1 | (0x10 if create_ticks else 0)
    blob += struct.pack("<III", valid, attrib, 0)
    blob += struct.pack("<IIII", 0, 0, 0, 0)  # size, alloc_size (low, high)
    blob += struct.pack("<II", create_ticks & 0xFFFFFFFF, create_ticks >> 32)
    blob += struct.pack("<II", 0, 0)  # change_time
    return blob


def test_reads_samba_v3_blob(cdir):
    wpath, linux = cdir
    path = new_file(linux)
    blob = samba_v3(HIDDEN | ARCHIVE, TICKS_2001)
    assert len(blob) == 56
    os.setxattr(path, "user.DOSATTRIB", blob)
    info = win32file.GetFileAttributesEx(wpath + "\\f.txt")
    assert info[0] == HIDDEN | ARCHIVE
    assert info[1] == datetime.datetime(2001, 9, 9, 1, 46, 40, tzinfo=datetime.timezone.utc)


def test_set_replaces_legacy_blob_with_v5(cdir):
    wpath, linux = cdir
    path = new_file(linux)
    os.setxattr(path, "user.DOSATTRIB", samba_v3(SYSTEM, TICKS_2001))
    win32file.SetFileAttributes(wpath + "\\f.txt", HIDDEN)
    blob = os.getxattr(path, "user.DOSATTRIB")
    assert blob[:12] == V5_HEADER
    assert win32file.GetFileAttributes(wpath + "\\f.txt") == HIDDEN
    # The creation time the old value carried is kept.
    assert win32file.GetFileAttributesEx(wpath + "\\f.txt")[1].year == 2001


# --- GetFileAttributesEx ----------------------------------------------------------

@pytest.mark.parametrize("func", ["GetFileAttributesEx", "GetFileAttributesExW"])
def test_attributes_ex_shape(cdir, func):
    wpath, linux = cdir
    path = new_file(linux, data=b"x" * 1234)
    os.utime(path, (1_000_000_000.5, 1_200_000_000.25))
    info = getattr(win32file, func)(wpath + "\\f.txt")
    assert type(info) is tuple and len(info) == 5
    attrs, created, accessed, written, size = info
    assert attrs == ARCHIVE and size == 1234 and type(size) is int
    utc = win32timezone.TimeZoneInfo.utc()
    for t in (created, accessed, written):
        assert isinstance(t, pywintypes.TimeType)
        assert t.tzinfo == utc
        assert t.utcoffset() == datetime.timedelta(0)
        assert t.microsecond % 1000 == 0
    assert accessed.timestamp() == 1_000_000_000.5
    assert written.timestamp() == 1_200_000_000.25


def test_attributes_ex_directory_and_levels(cdir):
    wpath, linux = cdir
    (linux / "d").mkdir()
    assert win32file.GetFileAttributesEx(wpath + "\\d", 0)[0] == DIRECTORY
    # Documented deviation: pywin32 rejects the exported GetFileExInfoStandard (1).
    assert win32file.GetFileExInfoStandard == 1
    assert win32file.GetFileAttributesEx(wpath + "\\d", win32file.GetFileExInfoStandard)[0] == DIRECTORY
    assert win32file.GetFileAttributesExW(FileName=wpath + "\\d", InfoLevelId=0, Transaction=None)[0] == DIRECTORY
    for level in (2, 3, -1):
        with pytest.raises(ValueError):
            win32file.GetFileAttributesEx(wpath + "\\d", level)


def test_attributes_ex_errors(cdir):
    wpath, linux = cdir
    new_file(linux)
    fails(2, "GetFileAttributesEx", win32file.GetFileAttributesEx, wpath + "\\missing")
    fails(3, "GetFileAttributesEx", win32file.GetFileAttributesEx, wpath + "\\no\\missing")
    with pytest.raises(pywintypes.error):
        win32file.GetFileAttributesExW(wpath + "\\missing")
    for func in (win32file.GetFileAttributesEx, win32file.GetFileAttributesExW):
        with pytest.raises(TypeError):
            func((wpath + "\\f.txt").encode())
        with pytest.raises(TypeError):
            func(None)
    with pytest.raises(TypeError):  # not a handle (PyWinObject_AsHANDLE)
        win32file.GetFileAttributesEx(wpath + "\\f.txt", 0, object())


def test_attributes_ex_large_sparse_size(cdir):
    wpath, linux = cdir
    with open(linux / "sparse", "wb") as f:
        f.truncate(5 * 2**30 + 3)
    assert win32file.GetFileAttributesEx(wpath + "\\sparse")[4] == 5 * 2**30 + 3
