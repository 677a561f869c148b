"""BackupRead / BackupSeek / BackupWrite: WIN32_STREAM_ID records as Windows lays them
out, and round trips that reproduce a file's data, named streams, xattrs, sparseness,
symbolic links, permissions, attributes and times."""
import os
import stat
import struct

import pytest
import pywintypes
import win32con
import win32file
import winerror
from helpers import winerror_of

HEADER = 20
MiB = 1 << 20


def _open(path, access=win32file.GENERIC_READ, disposition=win32file.OPEN_EXISTING, flags=0):
    return win32file.CreateFile(str(path), access, 0, None, disposition, flags, None)


def backup_bytes(path, security=False, chunk=4096, flags=0):
    h = _open(path, flags=flags)
    out, ctx = bytearray(), 0
    try:
        while True:
            n, buf, ctx = win32file.BackupRead(h, chunk, None, False, security, ctx)
            if n == 0:
                break
            out += buf[:n]
    finally:
        win32file.BackupRead(h, 0, None, True, False, ctx)
        h.Close()
    return bytes(out)


def records(data):
    """[(id, attributes, name, body)] of a backup stream."""
    out, at = [], 0
    while at < len(data):
        sid, attrs, size, name_len = struct.unpack_from("<IIqI", data, at)
        at += HEADER
        name = data[at:at + name_len].decode("utf-16-le")
        at += name_len
        out.append((sid, attrs, name, data[at:at + size]))
        at += size
    assert at == len(data)
    return out


def restore(data, path, security=False, chunk=4096, then=None):
    h = _open(path, win32file.GENERIC_WRITE | win32file.GENERIC_READ, win32file.CREATE_ALWAYS)
    ctx = 0
    try:
        for i in range(0, len(data), chunk):
            piece = data[i:i + chunk]
            n, ctx = win32file.BackupWrite(h, len(piece), piece, False, security, ctx)
            assert n == len(piece)
        if then:
            then(h)
    finally:
        win32file.BackupWrite(h, 0, b"", True, False, ctx)
        h.Close()


def add_stream(path, name, body):
    """Adds named stream `name` to an existing file (one BACKUP_ALTERNATE_DATA record)."""
    n = (":%s:$DATA" % name).encode("utf-16-le")
    rec = struct.pack("<IIqI", win32con.BACKUP_ALTERNATE_DATA, 0, len(body), len(n)) + n + body
    h = _open(path, win32file.GENERIC_WRITE)
    try:
        _, ctx = win32file.BackupWrite(h, len(rec), rec, False, False, 0)
        win32file.BackupWrite(h, 0, b"", True, False, ctx)
    finally:
        h.Close()


def user_xattrs(path):
    return {n: os.getxattr(path, n, follow_symlinks=False) for n in os.listxattr(path, follow_symlinks=False)
            if n.startswith("user.")}


def data_layout(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        size, at, ranges = os.fstat(fd).st_size, 0, []
        while at < size:
            try:
                d = os.lseek(fd, at, os.SEEK_DATA)
            except OSError:
                break
            hole = os.lseek(fd, d, os.SEEK_HOLE)
            ranges.append((d, hole))
            at = hole
        return ranges
    finally:
        os.close(fd)


def test_plain_file_is_one_data_record(tmp):
    f = tmp / "plain"
    f.write_bytes(b"hello backup")
    recs = records(backup_bytes(f))
    assert recs == [(win32con.BACKUP_DATA, 0, "", b"hello backup")]


def test_streams_and_eas_records(tmp):
    f = tmp / "f"
    f.write_bytes(b"data")
    os.setxattr(f, "user.DosStream.Zone.Identifier:$DATA", b"[ZoneTransfer]\r\nZoneId=3\r\n\0")
    os.setxattr(f, "user.comment", b"an EA")
    os.setxattr(f, "user.winfile.copyrestart", b"private")
    recs = records(backup_bytes(f))
    ids = [r[0] for r in recs]
    assert ids == [win32con.BACKUP_EA_DATA, win32con.BACKUP_DATA, win32con.BACKUP_ALTERNATE_DATA]
    ea = recs[0][3]
    nxt, flags, nlen, vlen = struct.unpack_from("<IBBH", ea)
    assert (nxt, flags) == (0, 0) and ea[8:8 + nlen] == b"comment" and ea[9 + nlen:9 + nlen + vlen] == b"an EA"
    assert recs[2][2:] == (":Zone.Identifier:$DATA", b"[ZoneTransfer]\r\nZoneId=3\r\n")


def test_security_record_from_mode(tmp):
    f = tmp / "s"
    f.write_bytes(b"x")
    os.chmod(f, 0o640)
    recs = records(backup_bytes(f, security=True))
    sid, attrs, _, sd = recs[0]
    assert (sid, attrs) == (win32con.BACKUP_SECURITY_DATA, win32con.STREAM_CONTAINS_SECURITY)
    rev, _, control = struct.unpack_from("<BBH", sd)
    assert rev == 1 and control & 0x8000  # self-relative
    owner_off = struct.unpack_from("<I", sd, 4)[0]
    # S-1-22-1-<uid>: Samba's SID for a Unix user.
    assert sd[owner_off:owner_off + 8] == bytes([1, 2, 0, 0, 0, 0, 0, 22])
    assert struct.unpack_from("<II", sd, owner_off + 8) == (1, os.getuid())
    # Restored with security: the permission bits come back.
    g = tmp / "s2"
    restore(backup_bytes(f, security=True), g, security=True)
    assert stat.S_IMODE(os.stat(g).st_mode) == 0o640
    # Without bProcessSecurity the record is read but not applied.
    os.chmod(f, 0o600)
    h = tmp / "s3"
    restore(backup_bytes(f, security=True), h, security=False)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(h).st_mode) == 0o666 & ~umask  # as created, not 0o600


def test_round_trip_reproduces_everything(tmp):
    src, dst = tmp / "src", tmp / "dst"
    with open(src, "wb") as fh:
        fh.write(os.urandom(5000))
        fh.seek(4 * MiB)
        fh.write(b"island" * 1000)
        fh.truncate(9 * MiB)  # a trailing hole
    hs = _open(src, win32file.GENERIC_READ | win32file.GENERIC_WRITE)
    win32file.DeviceIoControl(hs, 0x900C4, None, 0)
    created = pywintypes.Time(1_600_000_000)
    win32file.SetFileTime(hs, created, None, None)  # stored in user.DOSATTRIB
    hs.Close()
    os.setxattr(src, "user.DosStream.small:$DATA", b"tiny\0")
    os.setxattr(src, "user.DosStream.empty:$DATA", b"\0")
    add_stream(src, "binary", bytes(range(256)) * 100)  # beyond ext4's xattr budget: the depot
    os.setxattr(src, "user.myapp.tag", b"\x00\x01 value")
    win32file.SetFileAttributes(str(src), win32con.FILE_ATTRIBUTE_HIDDEN | win32con.FILE_ATTRIBUTE_READONLY)
    assert data_layout(src) != [(0, 9 * MiB)]
    data = backup_bytes(src, security=True, chunk=65536)
    ids = [r[0] for r in records(data)]
    assert ids[:3] == [win32con.BACKUP_SECURITY_DATA, win32con.BACKUP_EA_DATA, win32con.BACKUP_DATA]
    assert records(data)[2][1] & 8  # STREAM_SPARSE_ATTRIBUTE
    assert win32con.BACKUP_SPARSE_BLOCK in ids
    # Restored in awkward pieces (headers and names split across calls).
    # What a backup program applies after BackupWrite (KB 271398): times, attributes.
    info = win32file.GetFileAttributesEx(str(src))
    restore(data, dst, security=True, chunk=7, then=lambda h: win32file.SetFileTime(h, info[1], info[2], info[3]))
    win32file.SetFileAttributes(str(dst), info[0])
    assert win32file.GetFileAttributesEx(str(dst)) == info  # before reading moves access times
    assert dst.read_bytes() == src.read_bytes()
    assert data_layout(dst) == data_layout(src)
    assert os.stat(dst).st_blocks <= os.stat(src).st_blocks + 16
    assert user_xattrs(dst) == user_xattrs(src)
    assert os.listdir(samba_depot_dir(dst)) == [":binary:$DATA"]
    assert stat.S_IMODE(os.stat(dst).st_mode) == stat.S_IMODE(os.stat(src).st_mode)
    assert win32file.FindStreams(str(dst)) == win32file.FindStreams(str(src))


def test_symlink_reparse_round_trip(tmp):
    (tmp / "target.txt").write_bytes(b"t")
    link = tmp / "link"
    os.symlink("target.txt", link)
    data = backup_bytes(link, flags=win32file.FILE_FLAG_OPEN_REPARSE_POINT)
    recs = records(data)
    assert [r[0] for r in recs] == [win32con.BACKUP_REPARSE_DATA]
    assert struct.unpack_from("<I", recs[0][3])[0] == 0xA000000C  # IO_REPARSE_TAG_SYMLINK
    # Without the flag the link is followed: the target's data.
    assert records(backup_bytes(link))[0][3] == b"t"
    restored = tmp / "restored"
    restore(data, restored)
    assert os.readlink(restored) == "target.txt"


def test_backup_seek_skips_within_the_current_stream(tmp):
    f = tmp / "f"
    f.write_bytes(b"A" * 10000)
    os.setxattr(f, "user.DosStream.s:$DATA", b"stream\0")
    h = _open(f)
    try:
        n, hdr, ctx = win32file.BackupRead(h, HEADER, None, False, False, 0)
        sid, _, size, name_len = struct.unpack("<IIqI", bytes(hdr[:n]))
        assert (sid, size, name_len) == (win32con.BACKUP_DATA, 10000, 0)
        assert win32file.BackupSeek(h, 100, ctx) == 100
        n, buf, ctx = win32file.BackupRead(h, 10, None, False, False, ctx)
        assert bytes(buf[:n]) == b"A" * 10
        # Seeking past the end stops at the next header (the moved count says how far).
        assert win32file.BackupSeek(h, 1 << 40, ctx) == 10000 - 110
        n, hdr, ctx = win32file.BackupRead(h, HEADER, None, False, False, ctx)
        assert struct.unpack("<IIqI", bytes(hdr[:n]))[0] == win32con.BACKUP_ALTERNATE_DATA
        # Inside a header there is nothing to skip.
        n, part, ctx = win32file.BackupRead(h, 2, None, False, False, ctx)
        assert winerror_of(win32file.BackupSeek, h, 1, ctx) == winerror.ERROR_SEEK
    finally:
        win32file.BackupRead(h, 0, None, True, False, ctx)
        h.Close()


def test_abort_frees_the_context(tmp):
    f = tmp / "f"
    f.write_bytes(b"abc")
    h = _open(f)
    n, buf, ctx = win32file.BackupRead(h, 4, None, False, False, 0)
    assert ctx != 0
    assert win32file.BackupRead(h, 0, None, True, False, ctx)[0] == 0
    assert winerror_of(win32file.BackupRead, h, 4, None, False, False, ctx) == winerror.ERROR_INVALID_PARAMETER
    assert winerror_of(win32file.BackupSeek, h, 1, ctx) == winerror.ERROR_INVALID_PARAMETER
    h.Close()


def test_caller_buffer_and_argument_errors(tmp):
    f = tmp / "f"
    f.write_bytes(b"0123456789")
    h = _open(f)
    buf = bytearray(64)
    n, same, ctx = win32file.BackupRead(h, 64, buf, False, False, 0)
    assert same is buf and n == HEADER + 10 and buf[HEADER:n] == b"0123456789"
    with pytest.raises(ValueError):
        win32file.BackupRead(h, 100, bytearray(10), False, False, ctx)
    with pytest.raises(TypeError):
        win32file.BackupRead(h, 10, b"readonly", False, False, ctx)
    win32file.BackupRead(h, 0, None, True, False, ctx)
    # BackupWrite needs write access.
    assert winerror_of(win32file.BackupWrite, h, 1, b"x", False, False, 0) == winerror.ERROR_ACCESS_DENIED
    h.Close()
    with pytest.raises(ValueError):
        restore_h = _open(tmp / "g", win32file.GENERIC_WRITE, win32file.CREATE_ALWAYS)
        try:
            win32file.BackupWrite(restore_h, 10, b"short", False, False, 0)
        finally:
            restore_h.Close()


def samba_depot_dir(path):
    """The vfs_streams_depot directory of `path`, computed as Samba documents it."""
    st = os.stat(path)
    key = struct.pack("<QQ", st.st_dev, st.st_ino)
    value = (0x238F13AF * len(key)) & 0xFFFFFFFF
    for i, b in enumerate(key):
        value = (value + (b << (i * 5 % 24))) & 0xFFFFFFFF
    h = (1103515243 * value + 12345) & 0xFFFFFFFF
    return os.path.join(os.environ["WINFILE_STREAMS_DEPOT"], "%02X" % (h & 0xFF), "%02X" % ((h >> 8) & 0xFF),
                        key.hex().upper())


@pytest.mark.parametrize("size", [70000, 17 * MiB])
def test_large_stream_goes_to_the_depot_whole(tmp, size):
    payload = os.urandom(size)
    name = ":big:$DATA".encode("utf-16-le")
    data = struct.pack("<IIqI", win32con.BACKUP_ALTERNATE_DATA, 0, size, len(name)) + name + payload
    g = tmp / "g"
    restore(data, g, chunk=1 << 20)
    assert not any(n.startswith("user.DosStream") for n in os.listxattr(g))
    assert os.getxattr(g, "user.SAMBA_STREAMS") == b"1"
    with open(os.path.join(samba_depot_dir(g), ":big:$DATA"), "rb") as fh:
        assert fh.read() == payload
    assert win32file.FindStreams(str(g)) == [(0, "::$DATA"), (size, ":big:$DATA")]
    # And read back by BackupRead.
    recs = records(backup_bytes(g, chunk=1 << 20))
    assert recs[-1] == (win32con.BACKUP_ALTERNATE_DATA, 0, ":big:$DATA", payload)


def test_small_streams_use_samba_xattr_layout(tmp):
    """getfattr's view of what BackupWrite stored, against vfs_streams_xattr's layout."""
    name = ":Zone.Identifier:$DATA".encode("utf-16-le")
    body = b"[ZoneTransfer]\r\nZoneId=3\r\n"
    data = struct.pack("<IIqI", win32con.BACKUP_ALTERNATE_DATA, 0, len(body), len(name)) + name + body
    g = tmp / "g"
    restore(data, g)
    assert os.getxattr(g, "user.DosStream.Zone.Identifier:$DATA") == body + b"\0"


def test_invalid_stream_name_is_123(tmp):
    name = ":a/b:$DATA".encode("utf-16-le")
    bad = struct.pack("<IIqI", win32con.BACKUP_ALTERNATE_DATA, 0, 1, len(name)) + name + b"x"
    h = _open(tmp / "g", win32file.GENERIC_WRITE, win32file.CREATE_ALWAYS)
    try:
        assert winerror_of(win32file.BackupWrite, h, len(bad), bad, False, False, 0) == winerror.ERROR_INVALID_NAME
    finally:
        h.Close()


def test_bad_context_fails_before_allocating(tmp):
    f = tmp / "f"
    f.write_bytes(b"x")
    h = _open(f)
    try:
        # 4 GiB - 1 requested with no buffer: the unknown context fails first.
        assert winerror_of(win32file.BackupRead, h, -1, None, False, False, 12345) == winerror.ERROR_INVALID_PARAMETER
    finally:
        h.Close()
    assert winerror_of(win32file.BackupRead, h, -1, None, False, False, 0) == winerror.ERROR_INVALID_HANDLE


def _acl(*entries):
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, i) for tag, perm, i in entries)


def test_posix_acl_round_trips_through_the_security_record(tmp):
    f, g = tmp / "acl", tmp / "acl2"
    f.write_bytes(b"x")
    none = 0xFFFFFFFF
    value = _acl((0x01, 6, none), (0x02, 4, 1234), (0x04, 4, none), (0x08, 6, 5678), (0x10, 6, none), (0x20, 0, none))
    try:
        os.setxattr(f, "system.posix_acl_access", value)
    except OSError as e:
        pytest.skip("no POSIX ACLs here: %s" % e)
    data = backup_bytes(f, security=True)
    sd = records(data)[0][3]
    # Five ACEs: owner, group, the named user and group, then Everyone.
    dacl = struct.unpack_from("<I", sd, 16)[0]
    assert struct.unpack_from("<H", sd, dacl + 4)[0] == 5
    restore(data, g, security=True)
    assert os.getxattr(g, "system.posix_acl_access") == os.getxattr(f, "system.posix_acl_access")
    assert stat.S_IMODE(os.stat(g).st_mode) == stat.S_IMODE(os.stat(f).st_mode)
