"""pywintypes.Time, TimeType (pywintypes.datetime) and Format."""
import datetime
import time

import pytest
import pywintypes
import win32timezone

UTC = datetime.timezone.utc


def test_time_from_int_is_naive_local():
    t = pywintypes.Time(1_000_000_000)
    assert isinstance(t, pywintypes.TimeType) and isinstance(t, datetime.datetime)
    assert t.tzinfo is None
    assert t == datetime.datetime.fromtimestamp(1_000_000_000)
    assert t.timestamp() == 1_000_000_000


def test_time_from_float_drops_fraction():
    assert pywintypes.Time(1_000_000_000.75) == datetime.datetime.fromtimestamp(1_000_000_000)


def test_time_from_datetime_is_that_datetime():
    # PyTime.cpp PyWin_NewTime: PyDateTime_Check(timeOb) -> the object itself.
    aware = datetime.datetime(2020, 5, 17, 8, 30, 15, 250000, tzinfo=UTC)
    assert pywintypes.Time(aware) is aware
    naive = datetime.datetime(2021, 1, 2, 3, 4, 5)
    assert pywintypes.Time(naive) is naive
    t = pywintypes.Time(1_000_000_000)
    assert pywintypes.Time(t) is t


def test_time_from_time_tuple_is_local():
    stamp = 1_234_567_890
    t = pywintypes.Time(time.localtime(stamp))
    assert t == datetime.datetime.fromtimestamp(stamp)
    assert t.tzinfo is None
    assert pywintypes.Time(tuple(time.localtime(stamp))) == t
    # A tenth item gives milliseconds.
    assert pywintypes.Time(tuple(time.localtime(stamp)) + (250,)).microsecond == 250000


def test_time_rejects_other_types():
    for bad in ("2020-01-01", None, object(), (1, 2, 3)):
        with pytest.raises(TypeError):
            pywintypes.Time(bad)
    with pytest.raises(TypeError):
        pywintypes.Time(timeRepr=0)


def test_format():
    t = pywintypes.TimeType(2019, 12, 25, 18, 5, 9)
    assert t.Format("%Y-%m-%d %H:%M:%S") == "2019-12-25 18:05:09"
    assert t.Format() == t.strftime("%c")
    assert pywintypes.TimeType.Format(t, "%d/%m") == "25/12"
    with pytest.raises(TypeError):
        t.Format(fmt="%Y")


def test_time_type_arithmetic_and_repr():
    t = pywintypes.Time(datetime.datetime(2019, 12, 25, tzinfo=win32timezone.utc))
    assert t + datetime.timedelta(days=7) == datetime.datetime(2020, 1, 1, tzinfo=UTC)
    assert repr(pywintypes.Time(time.localtime(981_158_400))).startswith("pywintypes.datetime(2001, 2, ")


def test_time_stamp():
    ticks = (1_000_000_000 + 11_644_473_600) * 10_000_000 + 1234567
    t = pywintypes.TimeStamp(ticks)
    assert t == datetime.datetime(2001, 9, 9, 1, 46, 40, 123000, tzinfo=UTC)
    assert t.tzinfo == win32timezone.TimeZoneInfo.utc()


CHILD_LOCAL = """
import datetime, pywintypes, win32timezone
print(pywintypes.Time(0).isoformat())
print(win32timezone.TimeZoneInfo.local().utcoffset(datetime.datetime(2020, 7, 1)))
print(win32timezone.now().utcoffset())
"""


def test_local_time_follows_tz(run_child, monkeypatch):
    import os
    if not os.path.exists("/usr/share/zoneinfo/Asia/Kolkata"):
        pytest.skip("tzdata not installed")
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    r = run_child(CHILD_LOCAL)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["1970-01-01T05:30:00", "5:30:00", "5:30:00"]
