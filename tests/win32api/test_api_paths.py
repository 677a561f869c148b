"""win32api: path names, attributes, drives and volumes."""
import os

import pytest
import win32api
import win32con
import win32file

from helpers import win32_error, winerror_of


def test_get_full_path_name(cdir, tmp):
    win, _ = cdir
    assert win32api.GetFullPathName(win + "\\a\\..\\b.txt") == win + "\\b.txt"
    assert win32api.GetFullPathName("x.txt") == os.path.join(os.getcwd(), "x.txt")
    assert win32api.GetFullPathName(str(tmp) + "/y/../z") == str(tmp) + "/z"
    with pytest.raises(TypeError):
        win32api.GetFullPathName(b"x")


def test_long_and_short_path_names(cdir):
    win, linux = cdir
    (linux / "Long Directory Name").mkdir()
    (linux / "Long Directory Name" / "Some File.Text").write_bytes(b"")
    asked = win + "\\long directory name\\SOME FILE.TEXT"
    on_disk = win + "\\Long Directory Name\\Some File.Text"
    assert win32api.GetLongPathName(asked) == on_disk
    # No 8.3 names on Linux: the short name is the name as stored, as on a Windows
    # volume with 8.3 names disabled.
    assert win32api.GetShortPathName(asked) == on_disk
    e = win32_error(win32api.GetShortPathName, win + "\\missing.txt")
    assert (e.winerror, e.funcname) == (2, "GetShortPathNameW")
    e = win32_error(win32api.GetLongPathName, win + "\\nodir\\x")
    assert (e.winerror, e.funcname) == (3, "GetLongPathNameW")


def test_file_attributes_by_name(cdir):
    win, linux = cdir
    (linux / "f.txt").write_bytes(b"x")
    name = win + "\\f.txt"
    assert win32api.GetFileAttributes(name) == win32file.GetFileAttributes(name)
    win32api.SetFileAttributes(name, win32con.FILE_ATTRIBUTE_HIDDEN | win32con.FILE_ATTRIBUTE_READONLY)
    attrs = win32api.GetFileAttributes(name)
    assert attrs & win32con.FILE_ATTRIBUTE_HIDDEN and attrs & win32con.FILE_ATTRIBUTE_READONLY
    assert attrs == win32file.GetFileAttributes(name)
    win32api.SetFileAttributes(name, win32con.FILE_ATTRIBUTE_NORMAL)
    assert not win32api.GetFileAttributes(name) & win32con.FILE_ATTRIBUTE_READONLY
    assert win32api.GetFileAttributes(win) & win32con.FILE_ATTRIBUTE_DIRECTORY
    # Unlike win32file's (-1), win32api's raises.
    e = win32_error(win32api.GetFileAttributes, win + "\\missing")
    assert (e.winerror, e.funcname) == (2, "GetFileAttributes")
    assert winerror_of(win32api.SetFileAttributes, win + "\\missing", 0) == 2


def test_logical_drive_strings_match_the_drive_mask():
    text = win32api.GetLogicalDriveStrings()
    roots = text.split("\0")[:-1]
    assert text.endswith("\0")
    mask = win32file.GetLogicalDrives()
    assert roots == ["%s:\\" % chr(65 + i) for i in range(26) if mask & (1 << i)]
    assert "C:\\" in roots and "Z:\\" in roots


def test_volume_information(cdir, drive_c):
    label, serial, maxlen, flags, fsname = win32api.GetVolumeInformation("C:\\")
    assert isinstance(label, str) and maxlen == os.statvfs(drive_c).f_namemax
    assert -2**31 <= serial < 2**31 and -2**31 <= flags < 2**31
    assert flags & win32con.FILE_CASE_PRESERVED_NAMES and flags & win32con.FILE_UNICODE_ON_DISK
    assert fsname
    # The serial is the one files on the volume report (as Windows guarantees).
    win, linux = cdir
    (linux / "f").write_bytes(b"")
    h = win32file.CreateFile(win + "\\f", win32con.GENERIC_READ, 0, None, win32con.OPEN_EXISTING, 0, None)
    info = win32file.GetFileInformationByHandle(h)
    h.Close()
    assert info[4] & 0xFFFFFFFF == serial & 0xFFFFFFFF
    # Linux style names its root "/".
    assert win32api.GetVolumeInformation("/")[4]


def test_volume_information_errors(cdir):
    win, _ = cdir
    e = win32_error(win32api.GetVolumeInformation, win + "\\")
    assert (e.winerror, e.funcname) == (144, "GetVolumeInformation")
    assert winerror_of(win32api.GetVolumeInformation, "C:") == 123
    unused = [chr(65 + i) for i in range(26) if not win32file.GetLogicalDrives() & (1 << i)][0]
    assert winerror_of(win32api.GetVolumeInformation, unused + ":\\") == 3


def test_disk_free_space_ex(drive_c, cdir):
    free, total, total_free = win32api.GetDiskFreeSpaceEx("C:\\")
    v = os.statvfs(drive_c)
    assert total == v.f_blocks * v.f_frsize
    assert free <= total_free <= total
    assert len(win32api.GetDiskFreeSpaceEx()) == 3  # None: the current drive
    assert isinstance(win32api.GetDiskFreeSpaceEx(None), tuple)
    e = win32_error(win32api.GetDiskFreeSpaceEx, cdir[0] + "\\missing\\")
    assert e.funcname == "GetDiskSpaceFreeEx" and e.winerror in (2, 3)
