"""GetFileTime / SetFileTime on handles: shapes, zones, precision, access checks."""
import datetime
import os

import pytest
import pywintypes
import win32con
import win32file
import win32timezone

UTC = datetime.timezone.utc
RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE


def fails(code, func, call, *args, **kwargs):
    with pytest.raises(pywintypes.error) as info:
        call(*args, **kwargs)
    assert info.value.winerror == code, info.value.args
    assert info.value.funcname == func
    return info.value


@pytest.fixture
def opened(cdir):
    """(handle opened read/write on a new file, windows path, linux path)."""
    wpath, linux = cdir
    (linux / "t.txt").write_bytes(b"time")
    h = win32file.CreateFile(wpath + "\\t.txt", RW, win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE, None, win32file.OPEN_EXISTING, 0, None)
    yield h, wpath + "\\t.txt", linux / "t.txt"
    h.Close()


def test_get_file_time_shape(opened):
    h, _, linux = opened
    os.utime(linux, (1_000_000_000.5, 1_200_000_000.25))
    times = win32file.GetFileTime(h)
    assert type(times) is list and len(times) == 3
    utc = win32timezone.TimeZoneInfo.utc()
    for t in times:
        assert isinstance(t, pywintypes.TimeType)
        assert t.tzinfo == utc
        assert t.tzinfo is utc
        assert t.microsecond % 1000 == 0
    assert times[1] == datetime.datetime.fromtimestamp(1_000_000_000.5, UTC)
    assert times[2] == datetime.datetime.fromtimestamp(1_200_000_000.25, UTC)
    assert win32file.GetFileTime(int(h)) == times


def test_set_aware_times_any_zone(opened):
    h, _, linux = opened
    ist = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    access = datetime.datetime(2010, 6, 1, 12, 0, 0, tzinfo=ist)
    write = datetime.datetime(2011, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone(-datetime.timedelta(hours=8)))
    assert win32file.SetFileTime(h, None, access, write) is None
    st = os.stat(linux)
    assert st.st_atime_ns == int(access.timestamp()) * 10**9
    assert st.st_mtime_ns == int(write.timestamp()) * 10**9 + 678_000_000
    _, got_access, got_write = win32file.GetFileTime(h)
    assert got_access == access and got_write == write
    assert got_write.tzinfo == win32timezone.TimeZoneInfo.utc()
    assert (got_write.hour, got_write.minute) == (11, 4)


def test_set_with_pywintypes_and_win32timezone_times(opened):
    h, _, linux = opened
    t = pywintypes.Time(datetime.datetime(2015, 5, 5, 5, 5, 5, tzinfo=win32timezone.utc))
    win32file.SetFileTime(h, LastWriteTime=t)
    assert os.stat(linux).st_mtime == t.timestamp()


def test_millisecond_precision(opened):
    h, _, linux = opened
    t = datetime.datetime(2020, 2, 29, 23, 59, 59, 123456, tzinfo=UTC)
    win32file.SetFileTime(h, None, None, t)
    assert os.stat(linux).st_mtime_ns % 10**9 == 123_000_000
    assert win32file.GetFileTime(h)[2] == t.replace(microsecond=123000)


def test_none_leaves_times_unchanged(opened):
    h, _, linux = opened
    os.utime(linux, (1_000_000_000, 1_100_000_000))
    before = win32file.GetFileTime(h)
    win32file.SetFileTime(h, None, None, None)
    win32file.SetFileTime(h)
    assert win32file.GetFileTime(h) == before
    new_write = datetime.datetime(2005, 1, 1, tzinfo=UTC)
    win32file.SetFileTime(h, LastWriteTime=new_write)
    after = win32file.GetFileTime(h)
    assert after[0] == before[0] and after[1] == before[1] and after[2] == new_write
    assert os.stat(linux).st_atime == 1_000_000_000


def test_creation_time_set_and_read_back_everywhere(opened):
    h, wpath, _ = opened
    created = datetime.datetime(1999, 12, 31, 23, 59, 58, 250000, tzinfo=UTC)
    win32file.SetFileTime(h, CreationTime=created)
    assert win32file.GetFileTime(h)[0] == created
    assert win32file.GetFileAttributesEx(wpath)[1] == created
    assert win32file.GetFileInformationByHandle(h)[1] == created
    h2 = win32file.CreateFile(wpath, win32con.GENERIC_READ, win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE,
                              None, win32file.OPEN_EXISTING, 0, None)
    try:
        assert win32file.GetFileTime(h2)[0] == created
    finally:
        h2.Close()


def test_creation_time_before_unix_epoch(opened):
    h, wpath, _ = opened
    created = datetime.datetime(1700, 1, 1, tzinfo=UTC)
    win32file.SetFileTime(h, created, None, None)
    assert win32file.GetFileAttributesEx(wpath)[1] == created


def test_naive_time_is_local(opened):
    h, _, linux = opened
    naive = datetime.datetime(2012, 7, 15, 10, 20, 30)
    win32file.SetFileTime(h, None, None, naive)
    assert os.stat(linux).st_mtime == naive.astimezone().timestamp()


CHILD_NAIVE = """
import datetime, sys, win32con, win32file
h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_WRITE, 0, None, win32file.OPEN_EXISTING, 0, None)
win32file.SetFileTime(h, None, None, datetime.datetime(2020, 1, 1, 12, 0, 0))
h.Close()
"""


def test_naive_time_in_another_zone(opened, run_child, monkeypatch):
    if not os.path.exists("/usr/share/zoneinfo/Asia/Kolkata"):
        pytest.skip("tzdata not installed")
    h, wpath, linux = opened
    h.Close()
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    result = run_child(CHILD_NAIVE, wpath)
    assert result.returncode == 0, result.stderr
    # 12:00 in India (UTC+5:30, no DST) is 06:30 UTC.
    expect = datetime.datetime(2020, 1, 1, 6, 30, tzinfo=UTC)
    assert os.stat(linux).st_mtime == expect.timestamp()


def test_keywords_and_utctimes(opened):
    h, _, linux = opened
    t = datetime.datetime(2001, 1, 1, tzinfo=UTC)
    win32file.SetFileTime(File=h, CreationTime=t, LastAccessTime=t, LastWriteTime=t, UTCTimes=True)
    assert win32file.GetFileTime(h) == [t, t, t]


def test_non_datetime_is_type_error(opened):
    h, _, linux = opened
    before = os.stat(linux).st_mtime_ns
    for bad in (12345, "2020-01-01", 1.5, (2020, 1, 1), datetime.date(2020, 1, 1)):
        with pytest.raises(TypeError):
            win32file.SetFileTime(h, None, None, bad)
    assert os.stat(linux).st_mtime_ns == before


def test_access_checks(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"")
    t = datetime.datetime(2001, 1, 1, tzinfo=UTC)
    h = win32file.CreateFile(wpath + "\\f", win32con.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)
    try:
        fails(5, "SetFileTime", win32file.SetFileTime, h, None, None, t)
        assert len(win32file.GetFileTime(h)) == 3
    finally:
        h.Close()
    h = win32file.CreateFile(wpath + "\\f", 0, 0, None, win32file.OPEN_EXISTING, 0, None)
    try:
        fails(5, "GetFileTime", win32file.GetFileTime, h)
    finally:
        h.Close()
    assert os.stat(linux / "f").st_mtime != t.timestamp()


def test_directory_handle_times(cdir):
    wpath, linux = cdir
    (linux / "d").mkdir()
    h = win32file.CreateFile(wpath + "\\d", RW, 0, None, win32file.OPEN_EXISTING,
                             win32file.FILE_FLAG_BACKUP_SEMANTICS, None)
    try:
        t = datetime.datetime(2003, 3, 3, tzinfo=UTC)
        win32file.SetFileTime(h, None, None, t)
        assert win32file.GetFileTime(h)[2] == t
    finally:
        h.Close()
    assert os.stat(linux / "d").st_mtime == t.timestamp()


def test_bad_handles(opened):
    h, _, _ = opened
    closed = win32file.CreateFile(opened[1], win32con.GENERIC_READ, win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE,
                                  None, win32file.OPEN_EXISTING, 0, None)
    value = int(closed)
    closed.Close()
    fails(6, "GetFileTime", win32file.GetFileTime, value)
    fails(6, "SetFileTime", win32file.SetFileTime, value, None, None, None)
    with pytest.raises(TypeError):
        win32file.GetFileTime("handle")
