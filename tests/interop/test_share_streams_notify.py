"""Share modes, named streams, delete-on-close and change notification between an SMB
client of a Samba share and winfile. Share modes do not hold across the two: smbd keeps
SMB share modes in its own database (locking.tdb) and winfile keeps them as OFD locks
(share tokens); neither reads the other's (docs/across-machines.md)."""
import os

import pytest
import pywintypes
import smbclient
import win32con
import win32file
from smbprotocol.change_notify import CompletionFilter, FileSystemWatcher
from smbprotocol.open import CreateDisposition, CreateOptions, ShareAccess

from smbtools import DELETE, READ, SHARE_ALL, STATUS_SHARING_VIOLATION, WRITE, smb_open, status_of

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE


def new_file(smb, where, name="f.txt", data=b"data"):
    unc, linux = where
    with smbclient.open_file(unc + "\\" + name, "wb", port=smb.server.port) as f:
        f.write(data)
    return unc + "\\" + name, str(linux / name)


def test_client_share_modes_hold_between_clients(smb, where):
    remote, _ = new_file(smb, where)
    o = smb_open(remote, smb.server.port, share=0)
    assert status_of(smb_open, remote, smb.server.port, access=READ) == STATUS_SHARING_VIOLATION
    o.close()


def test_client_deny_all_open_does_not_stop_winfile(smb, where):
    """GAP: an SMB open that shares nothing does not stop a winfile open (Windows: 32)."""
    remote, local = new_file(smb, where)
    o = smb_open(remote, smb.server.port, share=0)
    h = win32file.CreateFile(local, RW, 0, None, win32con.OPEN_EXISTING, 0, None)
    h.Close()
    o.close()


def test_winfile_deny_all_open_does_not_stop_the_client(smb, where):
    """GAP: a winfile open that shares nothing does not stop an SMB open (Windows:
    STATUS_SHARING_VIOLATION); between winfile handles it does (32)."""
    remote, local = new_file(smb, where)
    h = win32file.CreateFile(local, RW, 0, None, win32con.OPEN_EXISTING, 0, None)
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile(local, win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    assert e.value.winerror == 32
    o = smb_open(remote, smb.server.port, access=READ | WRITE)
    assert o.read(0, 4) == b"data"
    o.close()
    h.Close()


def test_streams_written_by_the_client_are_listed_by_winfile(smb, where):
    remote, local = new_file(smb, where, data=b"hello")
    with smbclient.open_file(remote + ":Zone.Identifier", "wb", port=smb.server.port) as f:
        f.write(b"[ZoneTransfer]\r\nZoneId=3\r\n")
    with smbclient.open_file(remote + ":empty", "wb", port=smb.server.port):
        pass
    got = sorted(win32file.FindStreams(local))
    assert got == sorted([(5, "::$DATA"), (26, ":Zone.Identifier:$DATA"), (0, ":empty:$DATA")])
    theirs = sorted((s.name, s.size) for s in smbclient.liststreams(remote, port=smb.server.port))
    assert theirs == sorted((n, size) for size, n in got)


def test_streams_in_samba_format_are_read_by_the_client(smb, where):
    """A stream put in Samba's xattr format on the server is what the client reads.
    winfile parses `file:stream` in Windows-style names only (test_stream_handles.py):
    in a Unix path the `:` is an ordinary character, so this name is missing (2)."""
    remote, local = new_file(smb, where)
    os.setxattr(local, "user.DosStream.notes:$DATA", b"from winfile side\0")
    with smbclient.open_file(remote + ":notes", "rb", port=smb.server.port) as f:
        assert f.read() == b"from winfile side"
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile(local + ":notes", win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    assert e.value.winerror == 2


def test_client_delete_on_close_removes_the_name_under_winfile_handles(smb, where):
    """While the client's delete-on-close open lives, winfile sees and opens the file;
    when it closes, smbd unlinks the name although a winfile handle is open (GAP:
    Windows keeps the name until the last handle closes); the handle keeps working."""
    remote, local = new_file(smb, where)
    o = smb_open(remote, smb.server.port, access=READ | DELETE, options=CreateOptions.FILE_DELETE_ON_CLOSE)
    assert os.path.exists(local)
    h = win32file.CreateFile(local, win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    o.close()
    assert not os.path.exists(local)
    assert win32file.ReadFile(h, 4) == (0, b"data")
    h.Close()


def test_winfile_delete_on_close_is_seen_by_the_client(smb, where):
    unc, linux = where
    local = str(linux / "doc.txt")
    h = win32file.CreateFile(local, RW, 7, None, win32con.CREATE_NEW, win32file.FILE_FLAG_DELETE_ON_CLOSE, None)
    win32file.WriteFile(h, b"temp")
    assert "doc.txt" in smbclient.listdir(unc, port=smb.server.port)
    o = smb_open(unc + "\\doc.txt", smb.server.port, access=READ)
    assert o.read(0, 4) == b"temp"
    h.Close()
    # winfile's last handle unlinks the name although the client still has it open
    # (GAP: Windows would wait for the client's handle); the client's open keeps working.
    assert "doc.txt" not in smbclient.listdir(unc, port=smb.server.port)
    assert o.read(0, 4) == b"temp"
    o.close()


def test_winfile_sees_client_changes(smb, where):
    unc, linux = where
    d = win32file.CreateFile(str(linux), win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING,
                             win32file.FILE_FLAG_BACKUP_SEMANTICS | win32file.FILE_FLAG_OVERLAPPED, None)
    buf = win32file.AllocateReadBuffer(4096)
    ov = pywintypes.OVERLAPPED()
    import win32event
    ov.hEvent = win32event.CreateEvent(None, True, False, None)
    win32file.ReadDirectoryChangesW(d, buf, False, win32con.FILE_NOTIFY_CHANGE_FILE_NAME, ov)
    with smbclient.open_file(unc + "\\from_client.txt", "wb", port=smb.server.port) as f:
        f.write(b"x")
    n = win32file.GetOverlappedResult(d, ov, True)
    got = win32file.FILE_NOTIFY_INFORMATION(buf, n)
    assert (1, "from_client.txt") in got
    d.Close()


def test_client_sees_winfile_changes(smb, where):
    unc, linux = where
    o = smb_open(unc, smb.server.port, access=READ | 0x1, directory=True)  # FILE_LIST_DIRECTORY
    w = FileSystemWatcher(o)
    # Arm smbd's watch with a change the client makes itself (ordered on the connection).
    w.start(CompletionFilter.FILE_NOTIFY_CHANGE_FILE_NAME)
    with smbclient.open_file(unc + "\\arm.txt", "wb", port=smb.server.port):
        pass
    assert [r["file_name"].get_value() for r in w.wait()] == ["arm.txt"]
    # smbd keeps watching between requests: winfile's create is reported.
    h = win32file.CreateFile(str(linux / "from_winfile.txt"), RW, 7, None, win32con.CREATE_NEW, 0, None)
    h.Close()
    w = FileSystemWatcher(o)
    w.start(CompletionFilter.FILE_NOTIFY_CHANGE_FILE_NAME)
    names = [r["file_name"].get_value() for r in w.wait()]
    assert "from_winfile.txt" in names
    o.close()
