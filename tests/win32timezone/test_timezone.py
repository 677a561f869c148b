"""win32timezone: utc, now, utcnow, TimeZoneInfo.local()."""
import datetime
import pickle
import time

import win32timezone

UTC = datetime.timezone.utc


def test_utc_instance():
    utc = win32timezone.TimeZoneInfo.utc()
    assert win32timezone.utc is utc
    assert win32timezone.TimeZoneInfo.utc() is utc
    assert repr(utc) == "TimeZoneInfo('GMT Standard Time', True)"
    assert utc == win32timezone.TimeZoneInfo("GMT Standard Time", True)
    summer = datetime.datetime(2020, 7, 1, 12, 0)
    assert utc.utcoffset(summer) == datetime.timedelta(0)
    assert utc.dst(summer) == datetime.timedelta(0)
    assert utc.tzname(summer) == "GMT Standard Time"
    assert pickle.loads(pickle.dumps(utc)) == utc


def test_london_without_fixing_has_summer_time():
    london = win32timezone.TimeZoneInfo("GMT Standard Time")
    assert london.utcoffset(datetime.datetime(2020, 7, 1)) == datetime.timedelta(hours=1)
    assert london.utcoffset(datetime.datetime(2020, 1, 1)) == datetime.timedelta(0)
    assert london != win32timezone.utc


def test_utcnow_and_now():
    before = datetime.datetime.now(UTC)
    u = win32timezone.utcnow()
    n = win32timezone.now()
    after = datetime.datetime.now(UTC)
    assert u.tzinfo is win32timezone.TimeZoneInfo.utc()
    assert n.tzinfo == win32timezone.TimeZoneInfo.local()
    assert before <= u <= n <= after


def test_local_matches_c_library():
    local = win32timezone.TimeZoneInfo.local()
    for stamp in (0, 1_000_000_000, 1_600_000_000):
        moment = datetime.datetime.fromtimestamp(stamp)
        assert local.utcoffset(moment) == datetime.timedelta(seconds=time.localtime(stamp).tm_gmtoff)
    aware = datetime.datetime.fromtimestamp(1_600_000_000, UTC).astimezone(local)
    assert aware.timestamp() == 1_600_000_000
