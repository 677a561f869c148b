"""DOS attributes and the four times, between winfile and an SMB client of a Samba share
(`store dos attributes = yes`: both keep them in the `user.DOSATTRIB` xattr)."""
import datetime as dt

import pytest
import smbclient
import win32con
import win32file
from smbclient._os import _set_basic_information

from smbtools import filetime, from_filetime

UTC = dt.timezone.utc
R, H, S, A = (win32con.FILE_ATTRIBUTE_READONLY, win32con.FILE_ATTRIBUTE_HIDDEN,
              win32con.FILE_ATTRIBUTE_SYSTEM, win32con.FILE_ATTRIBUTE_ARCHIVE)
DOS = R | H | S | A
COMBOS = [R, H, S, A, R | H, H | S | A, R | H | S | A]


def new_file(unc, linux, name, port, data=b"data"):
    with smbclient.open_file(unc + "\\" + name, "wb", port=port) as f:
        f.write(data)
    return unc + "\\" + name, str(linux / name)


@pytest.mark.parametrize("attrs", COMBOS, ids=lambda a: f"{a:#x}")
def test_winfile_attributes_are_what_the_client_reads(smb, where, attrs):
    unc, linux = where
    remote, local = new_file(unc, linux, "a.txt", smb.server.port)
    win32file.SetFileAttributes(local, attrs)
    assert smbclient.stat(remote, port=smb.server.port).st_file_attributes & DOS == attrs
    # and back to none: the client reads FILE_ATTRIBUTE_NORMAL
    win32file.SetFileAttributes(local, win32con.FILE_ATTRIBUTE_NORMAL)
    assert smbclient.stat(remote, port=smb.server.port).st_file_attributes & (DOS | 0x80) == 0x80


@pytest.mark.parametrize("attrs", COMBOS, ids=lambda a: f"{a:#x}")
def test_client_attributes_are_what_winfile_reads(smb, where, attrs):
    unc, linux = where
    remote, local = new_file(unc, linux, "a.txt", smb.server.port)
    _set_basic_information(remote, file_attributes=attrs, port=smb.server.port)
    assert win32file.GetFileAttributes(local) & DOS == attrs
    assert win32file.GetFileAttributesEx(local)[0] & DOS == attrs
    _set_basic_information(remote, file_attributes=win32con.FILE_ATTRIBUTE_NORMAL, port=smb.server.port)
    assert win32file.GetFileAttributes(local) & (DOS | 0x80) == 0x80


def test_readonly_set_by_the_client_stops_winfile_writers(smb, where):
    unc, linux = where
    remote, local = new_file(unc, linux, "ro.txt", smb.server.port)
    _set_basic_information(remote, file_attributes=R, port=smb.server.port)
    with pytest.raises(Exception) as e:
        win32file.CreateFile(local, win32con.GENERIC_WRITE, 7, None, win32con.OPEN_EXISTING, 0, None)
    assert e.value.winerror == 5


def test_readonly_set_by_winfile_stops_client_writers(smb, where):
    unc, linux = where
    remote, local = new_file(unc, linux, "ro.txt", smb.server.port)
    win32file.SetFileAttributes(local, R)
    with pytest.raises(PermissionError):
        smbclient.open_file(remote, "ab", port=smb.server.port)


def test_archive_after_a_client_write(smb, where):
    unc, linux = where
    remote, local = new_file(unc, linux, "w.txt", smb.server.port)
    win32file.SetFileAttributes(local, win32con.FILE_ATTRIBUTE_NORMAL)
    with smbclient.open_file(remote, "ab", port=smb.server.port) as f:
        f.write(b"more")
    # Samba sets ARCHIVE on a write, as Windows does; winfile reads it.
    assert win32file.GetFileAttributes(local) & A


# Times are given in whole microseconds (pywintypes.Time's precision); both sides keep
# 100 ns FILETIMEs, Samba's in the xattr (creation) and the inode (the other three).
T_CREATE = dt.datetime(2001, 2, 3, 4, 5, 6, 123456, tzinfo=UTC)
T_ACCESS = dt.datetime(2011, 5, 6, 7, 8, 9, 654321, tzinfo=UTC)
T_WRITE = dt.datetime(2021, 8, 9, 10, 11, 12, 500000, tzinfo=UTC)


def test_winfile_times_are_what_the_client_reads(smb, where):
    unc, linux = where
    remote, local = new_file(unc, linux, "t.txt", smb.server.port)
    h = win32file.CreateFile(local, win32con.GENERIC_WRITE, 7, None, win32con.OPEN_EXISTING, 0, None)
    win32file.SetFileTime(h, T_CREATE, T_ACCESS, T_WRITE)
    h.Close()
    st = smbclient.stat(remote, port=smb.server.port)
    # smbclient: st_ctime is the creation time, st_chgtime the change time.
    assert from_filetime(st.st_ctime_ns // 100 + 116444736000000000) == T_CREATE
    assert from_filetime(st.st_atime_ns // 100 + 116444736000000000) == T_ACCESS
    assert from_filetime(st.st_mtime_ns // 100 + 116444736000000000) == T_WRITE
    # The change time is the inode's ctime on both sides.
    info = win32file.GetFileInformationByHandleEx(
        win32file.CreateFile(local, win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None),
        win32file.FileBasicInfo)
    assert abs(st.st_chgtime_ns // 100 + 116444736000000000 - info["ChangeTime"]) < 10_000_000


def test_client_times_are_what_winfile_reads(smb, where):
    unc, linux = where
    remote, local = new_file(unc, linux, "t.txt", smb.server.port)
    _set_basic_information(remote, creation_time=filetime(T_CREATE), last_access_time=filetime(T_ACCESS),
                           last_write_time=filetime(T_WRITE), port=smb.server.port)
    attrs, created, accessed, written, size = win32file.GetFileAttributesEx(local)
    assert (created, accessed, written, size) == (T_CREATE, T_ACCESS, T_WRITE, 4)
    h = win32file.CreateFile(local, win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    assert win32file.GetFileTime(h) == [T_CREATE, T_ACCESS, T_WRITE]
    h.Close()


def test_creation_time_of_a_file_the_client_created(smb, where):
    unc, linux = where
    remote, local = new_file(unc, linux, "c.txt", smb.server.port)
    st = smbclient.stat(remote, port=smb.server.port)
    created = win32file.GetFileAttributesEx(local)[1]
    assert abs(filetime(created) - (st.st_ctime_ns // 100 + 116444736000000000)) < 10
