"""DOS attributes and the four times, between winfile and an SMB client of a Samba share
(`store dos attributes = yes`: both keep them in the `user.DOSATTRIB` xattr)."""
import datetime as dt
import os

import pytest
import smbclient
import win32con
import win32file
from smbclient._os import _set_basic_information

from smbtools import filetime, from_filetime

STATUS_ACCESS_DENIED = 0xC0000022

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


def test_readonly_set_by_the_client_is_reported_but_not_enforced_by_winfile(smb, where):
    """GAP (docs/across-machines.md): Samba keeps an SMB client's READONLY only in
    `user.DOSATTRIB` (the mode keeps its write bits). winfile reports it, but its opens
    decide READONLY from the mode alone (no xattr read per open), so a winfile writer
    is not refused; Samba itself refuses SMB writers."""
    unc, linux = where
    remote, local = new_file(unc, linux, "ro.txt", smb.server.port)
    _set_basic_information(remote, file_attributes=R, port=smb.server.port)
    assert win32file.GetFileAttributes(local) & R
    assert os.stat(local).st_mode & 0o222
    h = win32file.CreateFile(local, win32con.GENERIC_WRITE, 7, None, win32con.OPEN_EXISTING, 0, None)
    h.Close()
    with pytest.raises(OSError) as e:
        smbclient.open_file(remote, "ab", port=smb.server.port)
    assert e.value.ntstatus == STATUS_ACCESS_DENIED


def test_readonly_set_by_winfile_stops_client_writers(smb, where):
    unc, linux = where
    remote, local = new_file(unc, linux, "ro.txt", smb.server.port)
    win32file.SetFileAttributes(local, R)
    with pytest.raises(OSError) as e:
        smbclient.open_file(remote, "ab", port=smb.server.port)
    assert e.value.ntstatus == STATUS_ACCESS_DENIED
    # and cleared by the client: winfile writes again (mode and xattr both cleared? no:
    # Samba clears only the xattr bit; the mode keeps winfile's cleared write bits)
    _set_basic_information(remote, file_attributes=win32con.FILE_ATTRIBUTE_NORMAL, port=smb.server.port)
    assert smbclient.stat(remote, port=smb.server.port).st_file_attributes & R == 0
    assert win32file.GetFileAttributes(local) & R == R  # GAP: the mode still says read-only


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
T_CREATE = dt.datetime(2001, 2, 3, 4, 5, 6, 123000, tzinfo=UTC)
T_ACCESS = dt.datetime(2011, 5, 6, 7, 8, 9, 654000, tzinfo=UTC)
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
    # Difference (docs/across-machines.md): Samba reports the last write time as the
    # change time; winfile reports the inode's ctime (the time of the SetFileTime).
    assert from_filetime(st.st_chgtime_ns // 100 + 116444736000000000) == T_WRITE
    h = win32file.CreateFile(local, win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    info = win32file.GetFileInformationByHandleEx(h, win32file.FileBasicInfo)
    h.Close()
    assert info["ChangeTime"] > T_WRITE


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
    assert abs(filetime(created) - (st.st_ctime_ns // 100 + 116444736000000000)) < 10_000  # pywintypes.Time keeps milliseconds
