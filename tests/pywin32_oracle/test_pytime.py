"""pywintypes.Time / TimeStamp / TimeType against pywin32's win32/src/PyTime.cpp (the
PYWIN_HAVE_DATETIME_CAPI code of Python 3 builds: PyWin_NewTime, gettmarg,
PyWinTimeObject_Fromtime_t, PyWinObject_FromSYSTEMTIME, PyWinDateTimeType_Format,
PyWinObject_AsSYSTEMTIME) and PyLARGE_INTEGER.cpp (TimeStamp's argument); one test
per behaviour. Windows' C long is 32 bits."""
import datetime
import time

import pytest
import pywintypes
import win32file
import win32timezone

UTC = datetime.timezone.utc


def test_any_datetime_is_returned_unchanged():
    # PyWin_NewTime: PyDateTime_Check -> Py_INCREF and return it, subclass or not.
    for d in (datetime.datetime(2020, 1, 2), datetime.datetime(2020, 1, 2, tzinfo=UTC),
              pywintypes.TimeType(2020, 1, 2)):
        assert pywintypes.Time(d) is d


def test_objects_with_timetuple_go_through_it():
    # PyWin_NewTime: a "timetuple" method's result takes the sequence path.
    t = pywintypes.Time(datetime.date(2020, 3, 4))
    assert type(t) is pywintypes.TimeType and t.tzinfo is None
    assert t == datetime.datetime(2020, 3, 4)


def test_number_is_naive_local_fromtimestamp_of_its_int():
    # PyWinTimeObject_Fromtime_t: DateTime_FromTimestamp(PyWinDateTimeType, (int)t).
    t = pywintypes.Time(1_000_000_000.9)
    assert type(t) is pywintypes.TimeType and t.tzinfo is None
    assert t == datetime.datetime.fromtimestamp(1_000_000_000)


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 2**40])
def test_number_beyond_a_c_long_is_overflow(value):
    # PyInt_AsLong (PyLong_AsLong, a 32-bit long on Windows).
    with pytest.raises(OverflowError, match="Python int too large to convert to C long"):
        pywintypes.Time(value)


def test_minus_one_is_bad_argument():
    # t == -1 with no error set -> PyErr_BadArgument().
    with pytest.raises(TypeError, match="bad argument type for built-in operation"):
        pywintypes.Time(-1)


def test_time_tuple_with_milliseconds_and_two_digit_years():
    # gettmarg: "iiiiiiiii|i", years 69..99 -> 19xx, 0..68 -> 20xx, else ValueError.
    base = (2020, 6, 7, 8, 9, 10, 0, 0, -1)
    t = pywintypes.Time(base + (250,))
    assert t == pywintypes.Time(base) + datetime.timedelta(milliseconds=250)
    assert pywintypes.Time((20,) + base[1:]) == pywintypes.Time(base)
    assert pywintypes.Time((99,) + base[1:]).year == 1999
    assert pywintypes.Time(list(base)) == pywintypes.Time(base)  # any sequence
    with pytest.raises(ValueError, match="year out of range"):
        pywintypes.Time((1800,) + base[1:])


@pytest.mark.parametrize("fields,message", [
    ((2020, 1, 2), "function takes at least 9 arguments \\(3 given\\)"),
    ((2020, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0), "function takes at most 10 arguments \\(11 given\\)"),
    ("abc", "function takes at least 9 arguments \\(3 given\\)"),  # str is a sequence
    ((2020.0, 1, 2, 3, 4, 5, 0, 0, 0), "'float' object cannot be interpreted as an integer"),
])
def test_time_tuple_parse_errors_are_type_errors(fields, message):
    with pytest.raises(TypeError, match=message):
        pywintypes.Time(fields)


def test_time_tuple_item_beyond_an_int_is_overflow():
    with pytest.raises(OverflowError):
        pywintypes.Time((2020, 1, 2**32, 0, 0, 0, 0, 0, 0))


@pytest.mark.parametrize("obj", [None, {}, object()])
def test_other_objects_are_type_errors(obj):
    with pytest.raises(TypeError, match="Objects of type '%s' can not be used as a time object" % type(obj).__name__):
        pywintypes.Time(obj)


def test_format_defaults_to_percent_c_and_is_strftime():
    # PyWinDateTimeType_Format: strftime with "%c" when no argument is given.
    t = pywintypes.TimeType(2019, 12, 25, 18, 5, 9)
    assert t.Format() == t.strftime("%c")
    assert t.Format("%Y-%m-%d %H:%M:%S") == "2019-12-25 18:05:09"


def test_repr_names_the_subclass_and_comparisons_are_datetimes():
    # PyWinDateTimeType: tp_repr / tp_richcompare / tp_hash inherited from datetime.
    t = pywintypes.TimeType(2019, 12, 25, 18, 5, 9)
    assert repr(t) == "pywintypes.datetime(2019, 12, 25, 18, 5, 9)"
    d = datetime.datetime(2019, 12, 25, 18, 5, 9)
    assert t == d and hash(t) == hash(d) and t < d + datetime.timedelta(seconds=1)
    assert type(t + datetime.timedelta(days=1)) is pywintypes.TimeType
    assert t - d == datetime.timedelta(0)


def test_time_stamp_is_utc_with_millisecond_precision():
    # PyWinObject_FromFILETIME -> SYSTEMTIME (milliseconds) -> UTC TimeZoneInfo.
    t = pywintypes.TimeStamp(116_444_736_000_000_000 + 1_234_567)
    assert t == datetime.datetime(1970, 1, 1, 0, 0, 0, 123_000, tzinfo=UTC)
    assert type(t) is pywintypes.TimeType
    assert isinstance(t.tzinfo, win32timezone.TimeZoneInfo)


def test_time_stamp_argument_is_a_long_long():
    # PyWinObject_AsLARGE_INTEGER: PyLong_AsLongLong.
    with pytest.raises(OverflowError):
        pywintypes.TimeStamp(2**64)
    with pytest.raises(OverflowError):
        pywintypes.TimeStamp(2**63)
    with pytest.raises(TypeError, match="'float' object cannot be interpreted as an integer"):
        pywintypes.TimeStamp(1.5)
    # Negative: FileTimeToSystemTime refuses it (ERROR_INVALID_PARAMETER).
    with pytest.raises(pywintypes.error) as e:
        pywintypes.TimeStamp(-1)
    assert (e.value.winerror, e.value.funcname) == (87, "FileTimeToSystemTime")


def test_time_stamp_past_year_9999_is_datetime_max():
    # PyWinObject_FromSYSTEMTIME: wYear > 9999 -> datetime.max (naive).
    assert pywintypes.TimeStamp(0x7FFFFFFFFFFFFFFF) == datetime.datetime.max


def test_file_time_arguments_need_a_datetime(tmp_path):
    # PyWinObject_AsSYSTEMTIME: not a datetime -> TypeError naming the type; naive
    # values are local time (astimezone), aware ones their own zone.
    p = tmp_path / "f"
    p.write_bytes(b"")
    h = win32file.CreateFile(str(p), win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None, win32file.OPEN_EXISTING, 0, None)
    with pytest.raises(TypeError, match="must be a pywintypes time object \\(got int\\)"):
        win32file.SetFileTime(h, 5, None, None)
    naive = datetime.datetime(2015, 5, 5, 5, 5, 5)
    win32file.SetFileTime(h, None, None, naive)
    assert win32file.GetFileTime(h)[2] == naive.astimezone(UTC)
    h.Close()
