"""Named streams through winfile's stream handles (CreateFile of `file:name`, ReadFile,
WriteFile, DeleteFile) against an SMB client of the same directory, in both of Samba's
layouts (docs/streams.md): the `wf` share has `vfs objects = streams_xattr`, the `wfdepot`
share `vfs objects = streams_depot` with `streams_depot:directory` = winfile's
WINFILE_STREAMS_DEPOT (conftest.py). winfile keeps a stream in its `user.DosStream.*`
xattr when it fits ext4's ~4 KiB budget and in the depot otherwise, so small streams
are shared with streams_xattr and large ones with streams_depot; the tests assert what
each side sees, the gaps included (docs/across-machines.md)."""
import os

import pytest
import pywintypes
import smbclient
import win32con
import win32file

from smbprotocol.exceptions import SMBResponseException

from smbtools import READ, STATUS_OBJECT_NAME_NOT_FOUND, smb_open, status_of

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
SMALL = bytes(range(256)) * 4 + b"\0\r\n:tail"  # 1032 bytes: fits the xattr budget
STATUS_FILE_SYSTEM_LIMITATION = 0xC0000427
LARGE_SIZE = 300_000  # far beyond ext4's ~4 KiB for all of a file's xattrs


def large():
    return os.urandom(LARGE_SIZE)


def wf_write(name, data, disposition=win32con.OPEN_ALWAYS):
    h = win32file.CreateFile(name, RW, 0, None, disposition, 0, None)
    try:
        assert win32file.WriteFile(h, data) == (0, len(data))
    finally:
        h.Close()


def wf_read(name):
    h = win32file.CreateFile(name, win32con.GENERIC_READ, win32con.FILE_SHARE_READ, None,
                             win32con.OPEN_EXISTING, 0, None)
    try:
        size = win32file.GetFileSize(h)
        rc, data = win32file.ReadFile(h, size + 1)
        assert rc == 0
        return size, bytes(data)
    finally:
        h.Close()


def client_streams(smb, remote):
    return sorted((s.name, s.size) for s in smbclient.liststreams(remote, port=smb.server.port))


def client_write(smb, remote, data):
    with smbclient.open_file(remote, "wb", port=smb.server.port) as f:
        f.write(data)


def client_read(smb, remote):
    with smbclient.open_file(remote, "rb", port=smb.server.port) as f:
        return f.read()


def xattr(path, name):
    try:
        return os.getxattr(path, "user.DosStream.%s:$DATA" % name)
    except OSError:
        return None


def depot_files(smb, path):
    """The names in the file's depot directory (shared by winfile and smbd)."""
    d = smb.server.depot / stream_dir(path)
    return sorted(os.listdir(d)) if d.is_dir() else []


def stream_dir(path):
    """winfile's and Samba's depot directory name of a file: <XX>/<YY>/<file id hex>,
    computed here independently (docs/streams.md) to check both sides agree."""
    st = os.stat(path)
    key = st.st_dev.to_bytes(8, "little") + st.st_ino.to_bytes(8, "little")
    v = (0x238F13AF * len(key)) & 0xFFFFFFFF
    for i, b in enumerate(key):
        v = (v + (b << (i * 5 % 24))) & 0xFFFFFFFF
    h = (1103515243 * v + 12345) & 0xFFFFFFFF
    return "%02X/%02X/%s" % (h & 0xFF, (h >> 8) & 0xFF, key.hex().upper())


# --- vfs_streams_xattr share: small streams ---------------------------------------

def test_small_stream_winfile_writes_is_read_by_the_client(smb, where_xattr):
    unc, linux, win = where_xattr
    wf_write(win + "\\f.txt", b"main")
    wf_write(win + "\\f.txt:notes", SMALL)
    assert xattr(linux / "f.txt", "notes") == SMALL + b"\0"  # Samba's layout, trailing NUL
    remote = unc + "\\f.txt"
    assert client_streams(smb, remote) == [("::$DATA", 4), (":notes:$DATA", len(SMALL))]
    assert client_read(smb, remote + ":notes") == SMALL
    assert client_read(smb, remote) == b"main"
    # A stream created on a missing file creates the file, which the client lists.
    wf_write(win + "\\new.txt:s", b"only a stream")
    assert client_streams(smb, unc + "\\new.txt") == [("::$DATA", 0), (":s:$DATA", 13)]
    assert client_read(smb, unc + "\\new.txt:s") == b"only a stream"


def test_small_stream_the_client_writes_is_read_by_winfile(smb, where_xattr):
    unc, linux, win = where_xattr
    remote = unc + "\\f.txt"
    client_write(smb, remote, b"main")
    client_write(smb, remote + ":Zone.Identifier", SMALL)
    assert wf_read(win + "\\f.txt:Zone.Identifier") == (len(SMALL), SMALL)
    assert wf_read(win + "\\F.TXT:zone.identifier:$DATA") == (len(SMALL), SMALL)  # case-insensitive
    assert win32file.FindStreams(win + "\\f.txt") == [(4, "::$DATA"), (len(SMALL), ":Zone.Identifier:$DATA")]
    # winfile's open moved it to the depot; its last close folded it back into the xattr,
    # so the client still reads it, and a winfile rewrite is what the client reads next.
    assert xattr(linux / "f.txt", "Zone.Identifier") == SMALL + b"\0"
    assert client_read(smb, remote + ":Zone.Identifier") == SMALL
    h = win32file.CreateFile(win + "\\f.txt:Zone.Identifier", RW, 0, None, win32con.OPEN_EXISTING, 0, None)
    win32file.SetFilePointer(h, 2, win32file.FILE_BEGIN)
    win32file.WriteFile(h, b"XY")
    win32file.SetFilePointer(h, 100, win32file.FILE_BEGIN)
    win32file.SetEndOfFile(h)
    h.Close()
    assert client_streams(smb, remote) == [("::$DATA", 4), (":Zone.Identifier:$DATA", 100)]
    assert client_read(smb, remote + ":Zone.Identifier") == SMALL[:2] + b"XY" + SMALL[4:100]


def test_winfile_deletefile_of_a_stream_removes_it_for_the_client(smb, where_xattr):
    unc, linux, win = where_xattr
    remote = unc + "\\f.txt"
    client_write(smb, remote, b"main")
    client_write(smb, remote + ":a", b"first")
    client_write(smb, remote + ":b", b"second")
    win32file.DeleteFile(win + "\\f.txt:a")
    assert client_streams(smb, remote) == [("::$DATA", 4), (":b:$DATA", 6)]
    assert status_of(smb_open, remote + ":a", smb.server.port, access=READ) == STATUS_OBJECT_NAME_NOT_FOUND
    assert client_read(smb, remote) == b"main"
    # And the mirror image: a stream the client deletes is gone for winfile (2).
    smbclient.remove(remote + ":b", port=smb.server.port)
    with pytest.raises(pywintypes.error) as e:
        wf_read(win + "\\f.txt:b")
    assert e.value.winerror == 2
    assert win32file.FindStreams(win + "\\f.txt") == [(4, "::$DATA")]


def test_open_winfile_stream_is_not_seen_by_the_client(smb, where_xattr):
    """GAP: while a winfile handle has a stream open, the stream lives in winfile's
    depot only (docs/streams.md), which a streams_xattr share does not read: the client
    sees the stream's xattr as it was before the open (or no stream); the last close
    folds the data back and the client sees it."""
    unc, linux, win = where_xattr
    remote = unc + "\\f.txt"
    client_write(smb, remote, b"main")
    client_write(smb, remote + ":s", b"before")
    h = win32file.CreateFile(win + "\\f.txt:s", RW, 0, None, win32con.OPEN_EXISTING, 0, None)
    win32file.WriteFile(h, b"during the open")
    observed = client_streams(smb, remote)
    assert observed == [("::$DATA", 4)]  # the xattr was moved to the depot: no stream
    assert status_of(smb_open, remote + ":s", smb.server.port, access=READ) == STATUS_OBJECT_NAME_NOT_FOUND
    h.Close()
    assert client_read(smb, remote + ":s") == b"during the open"


def test_large_stream_winfile_writes_is_not_seen_by_a_streams_xattr_share(smb, where_xattr):
    """GAP by design: a stream over the xattr budget lives in the depot, which a share
    with only streams_xattr does not read (give large streams a streams_depot share)."""
    unc, linux, win = where_xattr
    data = large()
    wf_write(win + "\\f.txt:big", data)
    assert xattr(linux / "f.txt", "big") is None
    assert wf_read(win + "\\f.txt:big") == (len(data), data)
    assert client_streams(smb, unc + "\\f.txt") == [("::$DATA", 0)]


def test_large_stream_the_client_writes_on_a_streams_xattr_share(smb, where_xattr):
    """streams_xattr keeps every stream in one xattr: on ext4 a large one does not fit,
    and smbd refuses the client's write with STATUS_FILE_SYSTEM_LIMITATION (Samba's
    limit, not winfile's: winfile would put it in the depot, which this share does not
    read)."""
    unc, linux, win = where_xattr
    remote = unc + "\\f.txt"
    client_write(smb, remote, b"main")
    with pytest.raises(SMBResponseException) as e:
        client_write(smb, remote + ":big", large())
    assert e.value.status == STATUS_FILE_SYSTEM_LIMITATION
    # The CREATE made the stream (empty); the failed write left it so, on both sides.
    assert client_streams(smb, remote) == [("::$DATA", 4), (":big:$DATA", 0)]
    assert win32file.FindStreams(win + "\\f.txt") == [(4, "::$DATA"), (0, ":big:$DATA")]


# --- vfs_streams_depot share: large streams ---------------------------------------

def test_large_stream_winfile_writes_is_read_by_a_streams_depot_client(smb, where_depot):
    unc, linux, win = where_depot
    data = large()
    wf_write(win + "\\f.txt", b"main")
    wf_write(win + "\\f.txt:big", data)
    assert depot_files(smb, linux / "f.txt") == [":big:$DATA"]
    remote = unc + "\\f.txt"
    assert client_streams(smb, remote) == [("::$DATA", 4), (":big:$DATA", len(data))]
    assert client_read(smb, remote + ":big") == data
    assert client_read(smb, remote) == b"main"


def test_large_stream_a_streams_depot_client_writes_is_read_by_winfile(smb, where_depot):
    unc, linux, win = where_depot
    data = large()
    remote = unc + "\\f.txt"
    client_write(smb, remote, b"main")
    client_write(smb, remote + ":big", data)
    # Samba put it where winfile looks: the same file id, hash and marker.
    assert depot_files(smb, linux / "f.txt") == [":big:$DATA"]
    assert os.getxattr(linux / "f.txt", "user.SAMBA_STREAMS") == b"1"
    assert win32file.FindStreams(win + "\\f.txt") == [(4, "::$DATA"), (len(data), ":big:$DATA")]
    assert wf_read(win + "\\f.txt:big") == (len(data), data)
    # Still in the depot after winfile's close (too large to fold): the client reads it.
    assert client_read(smb, remote + ":big") == data


def test_winfile_deletefile_of_a_large_stream_removes_it_for_the_client(smb, where_depot):
    unc, linux, win = where_depot
    remote = unc + "\\f.txt"
    client_write(smb, remote, b"main")
    client_write(smb, remote + ":big", large())
    client_write(smb, remote + ":other", large())
    win32file.DeleteFile(win + "\\f.txt:big")
    assert [n for n, _ in client_streams(smb, remote)] == ["::$DATA", ":other:$DATA"]
    assert status_of(smb_open, remote + ":big", smb.server.port, access=READ) == STATUS_OBJECT_NAME_NOT_FOUND
    # DeleteFile of the file removes its depot directory, as Samba's unlink does.
    d = smb.server.depot / stream_dir(linux / "f.txt")
    assert os.listdir(d) == [":other:$DATA"]
    win32file.DeleteFile(win + "\\f.txt")
    assert not d.exists()
    assert "f.txt" not in smbclient.listdir(unc, port=smb.server.port)


def test_small_streams_on_a_streams_depot_share_by_default(smb, where_depot):
    """GAP without WINFILE_STREAMS_LAYOUT=depot: winfile stores a small stream in its
    xattr, which a streams_depot share does not read; a small stream the client wrote
    (in the depot) is read by winfile, and winfile's last close folds it into the xattr,
    where the client no longer sees it. Asserted as observed."""
    unc, linux, win = where_depot
    remote = unc + "\\f.txt"
    client_write(smb, remote, b"main")
    client_write(smb, remote + ":small", SMALL)
    assert depot_files(smb, linux / "f.txt") == [":small:$DATA"]
    assert wf_read(win + "\\f.txt:small") == (len(SMALL), SMALL)
    observed = (xattr(linux / "f.txt", "small"), depot_files(smb, linux / "f.txt"), client_streams(smb, remote))
    assert observed == (SMALL + b"\0", [], [("::$DATA", 4)])
    wf_write(win + "\\f.txt:fromwf", b"small from winfile")
    assert client_streams(smb, remote) == [("::$DATA", 4)]


def test_small_streams_on_a_streams_depot_share_with_the_depot_layout(smb, where_depot, monkeypatch):
    """WINFILE_STREAMS_LAYOUT=depot (docs/streams.md) keeps every stream in the depot:
    small streams then hold both ways on a streams_depot share too."""
    monkeypatch.setenv("WINFILE_STREAMS_LAYOUT", "depot")
    unc, linux, win = where_depot
    remote = unc + "\\f.txt"
    client_write(smb, remote, b"main")
    client_write(smb, remote + ":small", SMALL)
    assert wf_read(win + "\\f.txt:small") == (len(SMALL), SMALL)
    assert client_read(smb, remote + ":small") == SMALL  # still in the depot after the close
    wf_write(win + "\\f.txt:fromwf", b"small from winfile")
    wf_write(win + "\\f.txt:empty", b"")
    assert xattr(linux / "f.txt", "fromwf") is None
    assert depot_files(smb, linux / "f.txt") == [":empty:$DATA", ":fromwf:$DATA", ":small:$DATA"]
    assert client_streams(smb, remote) == [("::$DATA", 4), (":empty:$DATA", 0), (":fromwf:$DATA", 18),
                                           (":small:$DATA", len(SMALL))]
    assert client_read(smb, remote + ":fromwf") == b"small from winfile"
    win32file.DeleteFile(win + "\\f.txt:fromwf")
    assert [n for n, _ in client_streams(smb, remote)] == ["::$DATA", ":empty:$DATA", ":small:$DATA"]


def test_open_stream_is_shared_live_on_a_streams_depot_share(smb, where_depot):
    """While a winfile handle has a stream open it is the depot file smbd opens too:
    each side reads the other's writes at once (no close needed)."""
    unc, linux, win = where_depot
    remote = unc + "\\f.txt"
    data = large()
    h = win32file.CreateFile(win + "\\f.txt:big", RW, 7, None, win32con.OPEN_ALWAYS, 0, None)
    win32file.WriteFile(h, data)
    assert client_streams(smb, remote) == [("::$DATA", 0), (":big:$DATA", len(data))]
    o = smb_open(remote + ":big", smb.server.port)
    assert o.read(0, 65536) == data[:65536]
    o.write(b"from the client", 10)
    win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
    assert win32file.ReadFile(h, 40)[1] == data[:10] + b"from the client" + data[25:40]
    o.close()
    h.Close()
