"""FindFilesW / FindFilesIterator / FindClose: Windows mask rules on real directories."""
import os

import pytest

import pywintypes
import win32con
import win32file
import winnt

NAMES = ["a.txt", "B.TXT", "noext", "a.b.c", "foo", "foo.bar", "foobar", ".hidden", "x.txtx"]


@pytest.fixture
def populated(cdir):
    win, linux = cdir
    for n in NAMES:
        (linux / n).write_bytes(b"x" * len(n))
    (linux / "Sub").mkdir()
    return win, linux


def names(spec):
    return sorted(t[8] for t in win32file.FindFilesW(spec))


@pytest.mark.parametrize(
    "mask, expected",
    [
        ("*", [".", "..", ".hidden", "B.TXT", "Sub", "a.b.c", "a.txt", "foo", "foo.bar", "foobar", "noext", "x.txtx"]),
        ("*.*", [".", "..", ".hidden", "B.TXT", "Sub", "a.b.c", "a.txt", "foo", "foo.bar", "foobar", "noext", "x.txtx"]),
        ("*.txt", ["B.TXT", "a.txt"]),
        ("*.TXT", ["B.TXT", "a.txt"]),
        ("*.", [".", "..", "Sub", "foo", "foobar", "noext"]),
        ("foo.*", ["foo", "foo.bar"]),
        ("foo*", ["foo", "foo.bar", "foobar"]),
        ("fo?", ["foo"]),
        ("fo??", ["foo"]),
        ("?.txt", ["B.TXT", "a.txt"]),
        ("a.?", []),
        ("a.?.c", ["a.b.c"]),
        ("*.c", ["a.b.c"]),
        ("*b*", ["B.TXT", "Sub", "a.b.c", "foo.bar", "foobar"]),
        ("<.c", ["a.b.c"]),
        ("foo\"", ["foo"]),
        ("nothing*", []),
    ],
    ids=lambda v: "m" if isinstance(v, str) else "",
)
def test_masks(populated, mask, expected):
    win, _ = populated
    assert names(win + "\\" + mask) == expected
    assert sorted(t[8] for t in win32file.FindFilesIterator(win + "\\" + mask)) == expected


def test_dots_come_first_and_describe_the_directories(populated):
    win, linux = populated
    found = win32file.FindFilesW(win + "\\*")
    assert [t[8] for t in found[:2]] == [".", ".."]
    dot = found[0]
    assert dot[0] & win32file.FILE_ATTRIBUTE_DIRECTORY
    assert dot[3] == win32file.GetFileAttributesEx(win)[3]


def test_no_dot_entries_at_a_drive_root(drive_c):
    got = [t[8] for t in win32file.FindFilesW("C:\\*")]
    assert "." not in got and ".." not in got


def test_entries_match_get_file_attributes_ex(populated):
    win, linux = populated
    win32file.SetFileAttributes(win + "\\foo", win32file.FILE_ATTRIBUTE_READONLY | win32file.FILE_ATTRIBUTE_HIDDEN)
    for t in win32file.FindFilesW(win + "\\*"):
        if t[8] in (".", ".."):
            continue
        attrs, ctime, atime, wtime, size = win32file.GetFileAttributesEx(win + "\\" + t[8])
        assert (t[0], t[1], t[2], t[3]) == (attrs, ctime, atime, wtime), t[8]
        assert (t[4] << 32) + t[5] == size
        assert (t[6], t[7], t[9]) == (0, 0, "")
        assert isinstance(t[3], pywintypes.TimeType)
    by_name = {t[8]: t for t in win32file.FindFilesW(win + "\\*")}
    assert by_name["foo"][0] & win32file.FILE_ATTRIBUTE_READONLY
    assert by_name[".hidden"][0] & win32file.FILE_ATTRIBUTE_HIDDEN
    assert by_name["Sub"][0] & win32file.FILE_ATTRIBUTE_DIRECTORY
    assert by_name["a.txt"][5] == len("a.txt")


def test_large_sizes_split_high_low(cdir):
    win, linux = cdir
    with open(linux / "big", "wb") as f:
        f.truncate(5 * 2**32 + 7)
    (t,) = win32file.FindFilesW(win + "\\big")
    assert (t[4], t[5]) == (5, 7)


def test_symlink_is_a_reparse_point(cdir):
    win, linux = cdir
    (linux / "target").mkdir()
    os.symlink("target", linux / "link")
    (t,) = win32file.FindFilesW(win + "\\link")
    assert t[0] & winnt.FILE_ATTRIBUTE_REPARSE_POINT
    assert t[0] & win32file.FILE_ATTRIBUTE_DIRECTORY
    assert t[6] == 0xA000000C


def test_spec_naming_one_file_returns_it_with_its_stored_case(populated):
    win, _ = populated
    found = win32file.FindFilesW(win + "\\b.txt")
    assert [t[8] for t in found] == ["B.TXT"]
    assert [t[8] for t in win32file.FindFilesW(win + "\\foo.")] == ["foo"]
    assert [t[8] for t in win32file.FindFilesW(win + "\\sub")] == ["Sub"]


def test_unix_paths_work_too(populated):
    _, linux = populated
    assert sorted(t[8] for t in win32file.FindFilesW(str(linux) + "/*.txt")) == ["B.TXT", "a.txt"]
    assert [t[8] for t in win32file.FindFilesW(str(linux) + "/a.txt")] == ["a.txt"]


def test_case_insensitive_directory_part(populated):
    win, _ = populated
    (populated[1] / "Sub" / "inner.txt").write_bytes(b"")
    assert names(win.upper() + "\\SUB\\*.TXT") == ["inner.txt"]


def test_no_match_is_empty(populated):
    win, _ = populated
    assert win32file.FindFilesW(win + "\\missing.txt") == []
    assert list(win32file.FindFilesIterator(win + "\\zz*")) == []
    assert win32file.FindFilesW(win + "\\") == []


def test_missing_directory_raises_path_not_found(cdir):
    win, _ = cdir
    with pytest.raises(pywintypes.error) as e:
        win32file.FindFilesW(win + "\\nope\\*")
    assert e.value.winerror == 3 and e.value.funcname == "FindFirstFileW"
    # The iterator runs FindFirstFile at call time: the error is immediate.
    with pytest.raises(pywintypes.error) as e:
        win32file.FindFilesIterator(win + "\\nope\\*")
    assert e.value.winerror == 3 and e.value.funcname == "FindFirstFileW"


def test_transaction_is_refused(cdir):
    win, _ = cdir
    with pytest.raises(TypeError):  # not a handle (PyWinObject_AsHANDLE)
        win32file.FindFilesW(win + "\\*", Transaction=object())
    assert win32file.FindFilesW(Transaction=None, FileName=win + "\\*")


def test_iterator_type_and_streaming_of_a_large_directory(cdir):
    win, linux = cdir
    count = 20000
    for i in range(count):
        (linux / ("f%05d.dat" % i)).touch()
    it = win32file.FindFilesIterator(win + "\\*.dat")
    assert type(it).__name__ == "FindFileIterator"
    assert iter(it) is it
    seen = set()
    for t in it:
        seen.add(t[8])
    assert len(seen) == count
    assert "f19999.dat" in seen
    assert len(win32file.FindFilesW(win + "\\*")) == count + 2


def test_entries_deleted_while_iterating_are_skipped(cdir):
    win, linux = cdir
    for i in range(2000):
        (linux / ("f%04d" % i)).touch()
    it = win32file.FindFilesIterator(win + "\\f*")
    first = next(it)
    for p in linux.iterdir():
        p.unlink()
    rest = list(it)
    # Whatever was already read may come back; nothing beyond the deleted set, no error.
    assert {t[8] for t in rest} <= {"f%04d" % i for i in range(2000)}
    assert first[8].startswith("f")


def test_find_close(cdir):
    with pytest.raises(pywintypes.error) as e:
        win32file.FindClose(123456)
    assert e.value.winerror == 6 and e.value.funcname == "FindClose"


def test_find_streams_lists_data_and_samba_streams(cdir):
    import os as _os
    wpath, linux = cdir
    (linux / "doc.txt").write_bytes(b"hello")
    assert win32file.FindStreams(wpath + "\\DOC.txt") == [(5, "::$DATA")]
    # A Zone.Identifier stream as Samba stores it: the data plus one trailing byte.
    _os.setxattr(linux / "doc.txt", "user.DosStream.Zone.Identifier:$DATA", b"[ZoneTransfer]\r\nZoneId=3\r\n\0")
    assert win32file.FindStreams(wpath + "\\doc.txt") == [(5, "::$DATA"), (26, ":Zone.Identifier:$DATA")]
    h = win32file.CreateFile(wpath + "\\doc.txt", win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING, 0, None)
    infos = win32file.GetFileInformationByHandleEx(h, win32file.FileStreamInfo)
    assert [(i["StreamName"], i["StreamSize"]) for i in infos] == [("::$DATA", 5), (":Zone.Identifier:$DATA", 26)]
    h.Close()
    assert win32file.FindStreams(wpath) == []
    with pytest.raises(pywintypes.error) as e:
        win32file.FindStreams(wpath + "\\missing.txt")
    assert (e.value.winerror, e.value.funcname) == (2, "FindFirstStreamW")
