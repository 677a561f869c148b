"""Common Windows types, like pywin32's ``pywintypes``, for winfile on Linux.

Pure-Python parts: the ``error`` and ``com_error`` exceptions, the
``pywintypes.datetime`` time type with ``Time()`` and ``TimeStamp()``, and the
FILETIME conversions the native code calls. ``HANDLE``, ``OVERLAPPED`` and
``SECURITY_ATTRIBUTES`` come from the native extension ``winfile._native``.

Contract with the native code (keep these names):

* ``error(winerror, funcname, strerror)`` is what every failing Win32 call raises.
* ``_filetime_to_datetime(ticks)``: FILETIME (100 ns units since 1601-01-01 UTC)
  to an aware UTC ``pywintypes.datetime``, millisecond precision.
* ``_datetime_to_filetime(obj)``: a ``datetime.datetime`` to FILETIME ticks
  (aware: converted to UTC; naive: local time), millisecond precision.

The native module must import this module lazily (on first use), not while
it initialises: this module imports the native one at import time.
"""

import datetime as _dt
import time as _time
import warnings as _warnings

import win32timezone as _win32timezone

TRUE = True
FALSE = False


# ---------------------------------------------------------------------------
# Exceptions
# ---------------------------------------------------------------------------


class error(Exception):
    """A failed Win32 call: ``error(winerror, funcname, strerror)``.

    Any number of arguments is accepted; ``winerror``, ``funcname`` and
    ``strerror`` are the first three (None when absent) and ``args`` holds
    them all, so ``str(e)`` is the tuple's text, e.g.
    ``(2, 'CreateFile', 'The system cannot find the file specified.')``.
    """

    def __init__(self, *args):
        padded = args + (None, None, None)
        self.winerror = padded[0]
        self.funcname = padded[1]
        self.strerror = padded[2]
        super().__init__(*args)


class com_error(Exception):
    """A failed COM call: ``com_error(hresult, strerror, excepinfo, argerror)``."""

    def __init__(self, *args):
        padded = args + (None, None, None, None)
        self.hresult = padded[0]
        self.strerror = padded[1]
        self.excepinfo = padded[2]
        self.argerror = padded[3]
        super().__init__(*args)


# ---------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------


class datetime(_dt.datetime):
    """pywin32's time type (``PyTime``): a ``datetime.datetime`` with ``Format``."""

    __slots__ = ()

    def Format(self, fmt="%c", /):
        """Format the time with ``strftime``; the default is ``'%c'``."""
        return self.strftime(fmt)

    def __repr__(self):
        text = super().__repr__()
        return "pywintypes.datetime" + text[text.index("(") :]


TimeType = datetime

# FILETIME counts 100 ns ticks from this instant.
_FILETIME_EPOCH = _dt.datetime(1601, 1, 1)
_TICKS_PER_SECOND = 10_000_000
_TICKS_PER_MS = 10_000
_MAX_FILETIME = 2**63  # FileTimeToSystemTime rejects values with the top bit set


def _utc():
    return _win32timezone.TimeZoneInfo.utc()


def _c_type_name(obj):
    """The type's name as C's ``tp_name`` would print it."""
    cls = type(obj)
    if cls.__flags__ & (1 << 9) or cls.__module__ == "builtins":  # heap type / builtin
        return cls.__name__
    return "%s.%s" % (cls.__module__, cls.__qualname__)


def _from_naive(value, tzinfo):
    return datetime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=tzinfo,
        fold=value.fold,
    )


def _filetime_to_datetime(ticks):
    """Convert FILETIME *ticks* to an aware UTC ``pywintypes.datetime``.

    Sub-millisecond ticks are dropped (pywin32 goes through SYSTEMTIME).
    Ticks at or past year 10000 give ``datetime.datetime.max`` (naive), as
    in pywin32; values FileTimeToSystemTime rejects (negative or >= 2**63)
    raise ``error(87, 'FileTimeToSystemTime', ...)``.
    """
    if isinstance(ticks, bool) or not isinstance(ticks, int):
        raise TypeError("FILETIME ticks must be an int, not %s" % type(ticks).__name__)
    if ticks < 0 or ticks >= _MAX_FILETIME:
        raise error(87, "FileTimeToSystemTime", "The parameter is incorrect.")
    from winfile._native import pywintypes as native  # the one conversion (the core's)

    return native._filetime_to_datetime(ticks)


def _datetime_to_filetime(obj):
    """Convert a ``datetime.datetime`` to FILETIME ticks.

    Aware values are converted to UTC; naive values are taken as local time
    (``datetime.astimezone``), as pywin32 does. Microseconds are truncated to
    milliseconds. Other types raise ``TypeError``; times before 1601 raise
    ``ValueError``.
    """
    if not isinstance(obj, _dt.datetime):
        raise TypeError("must be a pywintypes time object (got %s)" % _c_type_name(obj))
    moment = obj.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    if moment < _FILETIME_EPOCH:
        raise ValueError("time %s is before 1601-01-01 UTC, the FILETIME epoch" % (obj,))
    delta = moment - _FILETIME_EPOCH
    seconds = delta.days * 86400 + delta.seconds
    return seconds * _TICKS_PER_SECOND + (delta.microseconds // 1000) * _TICKS_PER_MS


_C_LONG_TOO_LARGE = "Python int too large to convert to C long"


def _c_long(obj):
    """``PyLong_AsLong`` with Windows' 32-bit C long (also PyArg_ParseTuple's ``i``):
    ints and ``__index__`` objects only, OverflowError outside 32 bits."""
    if isinstance(obj, float) or not hasattr(type(obj), "__index__"):
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(obj).__name__)
    value = obj.__index__()
    if not -(2**31) <= value < 2**31:
        raise OverflowError(_C_LONG_TOO_LARGE)
    return value


def _is_sequence(obj):
    # PySequence_Check: the type has item access and is not a dict.
    return not isinstance(obj, dict) and hasattr(type(obj), "__getitem__")


def _time_from_tuple(fields):
    # PyTime.cpp's gettmarg: a time.localtime()-style 9-tuple, optionally with
    # milliseconds as a 10th item, parsed with PyArg_ParseTuple("iiiiiiiii|i") and
    # read as local time through mktime (tm_isdst is honoured; weekday and yearday
    # are ignored).
    values = tuple(fields)
    if len(values) < 9:
        raise TypeError("function takes at least 9 arguments (%d given)" % len(values))
    if len(values) > 10:
        raise TypeError("function takes at most 10 arguments (%d given)" % len(values))
    ints = [_c_long(item) for item in values]
    year = ints[0]
    if year < 1900:
        # Two-digit years, as pywin32 (and old Python) accept them.
        if 69 <= year <= 99:
            year += 1900
        elif 0 <= year <= 68:
            year += 2000
        else:
            raise ValueError("year out of range")
    millis = ints[9] if len(ints) == 10 else 0
    stamp = _time.mktime((year,) + tuple(ints[1:9]))
    return datetime.fromtimestamp(stamp + millis / 1000.0)


def Time(timeRepr, /):
    """Make a ``pywintypes.datetime`` from *timeRepr*, as PyTime.cpp's
    ``PyWin_NewTime`` does.

    * any ``datetime.datetime`` (a ``pywintypes.datetime`` or not) is returned
      unchanged;
    * an object with ``timetuple()`` (e.g. ``date``) is converted through it;
    * int or float: seconds since the Unix epoch, as a *naive local* time
      (``datetime.fromtimestamp(int(t))`` on the ``pywintypes.datetime`` type: no
      tzinfo, the fraction of a float dropped); the value is a C long (32 bits on
      Windows): OverflowError beyond, and -1 is the conversion's failure value
      (TypeError "bad argument type for built-in operation");
    * any other sequence, a 9-tuple like ``time.localtime()`` with an optional 10th
      item (milliseconds): naive local time, through ``time.mktime``.

    Anything else raises ``TypeError``.
    """
    if isinstance(timeRepr, _dt.datetime):
        return timeRepr
    timetuple = getattr(timeRepr, "timetuple", None)
    if timetuple is not None:
        timeRepr = timetuple()
    if isinstance(timeRepr, (int, float)) or hasattr(type(timeRepr), "__index__"):
        seconds = int(timeRepr)
        if not -(2**31) <= seconds < 2**31:
            raise OverflowError(_C_LONG_TOO_LARGE)
        if seconds == -1:
            # pywin32 takes -1 from its integer conversion as a failure.
            raise TypeError("bad argument type for built-in operation")
        return datetime.fromtimestamp(seconds)
    if _is_sequence(timeRepr):
        return _time_from_tuple(timeRepr)
    raise TypeError("Objects of type '%s' can not be used as a time object" % _c_type_name(timeRepr))


def TimeStamp(timestamp, /):
    """Make an aware UTC ``pywintypes.datetime`` from a FILETIME-style count.

    *timestamp* is an int of 100 ns units since 1601-01-01 UTC, converted as
    PyLARGE_INTEGER.cpp does (``PyLong_AsLongLong``: OverflowError outside 64 signed
    bits); a ``(high, low)`` pair of 32-bit words is accepted but deprecated.
    """
    if isinstance(timestamp, tuple):
        _warnings.warn(
            "Support for passing two ints to create a 64-bit value is deprecated; "
            "pass a single int instead",
            DeprecationWarning,
            stacklevel=2,
        )
        if len(timestamp) != 2:
            raise TypeError("a 64-bit value as a tuple must be (high, low)")
        high, low = timestamp
        timestamp = ((high & 0xFFFFFFFF) << 32) | (low & 0xFFFFFFFF)
        if timestamp >= 2**63:
            timestamp -= 2**64
    else:
        if isinstance(timestamp, float) or not hasattr(type(timestamp), "__index__"):
            raise TypeError("'%s' object cannot be interpreted as an integer" % type(timestamp).__name__)
        timestamp = timestamp.__index__()
        if not -(2**63) <= timestamp < 2**63:
            raise OverflowError("int too big to convert")
    return _filetime_to_datetime(timestamp)


# ---------------------------------------------------------------------------
# IIDs / GUIDs (PyIID.cpp)
# ---------------------------------------------------------------------------

import ctypes as _ctypes  # noqa: E402
import uuid as _uuid  # noqa: E402

# CO_E_CLASSSTRING: what CLSIDFromString, then CLSIDFromProgID, answer for a string
# that is neither a GUID nor a registered ProgID (Linux has no COM registry).
_CO_E_CLASSSTRING = -2147221005


class IIDType(_ctypes.Structure):
    """pywin32's ``PyIID``: a GUID. Make one with ``IID(text)`` (or
    ``IID(buffer, True)`` from its 16 bytes). It supports the buffer protocol
    (``bytes(iid)``, ``memoryview(iid)``), compares ``==``/``!=`` with other IIDs
    only (ordering is a TypeError), hashes by value and prints as
    ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``."""

    _fields_ = [
        ("Data1", _ctypes.c_uint32),
        ("Data2", _ctypes.c_uint16),
        ("Data3", _ctypes.c_uint16),
        ("Data4", _ctypes.c_uint8 * 8),
    ]

    def __str__(self):
        return "{%s}" % str(_uuid.UUID(bytes_le=bytes(self))).upper()

    def __repr__(self):
        return "IID('%s')" % self

    def __eq__(self, other):
        if not isinstance(other, IIDType):
            return NotImplemented
        return bytes(self) == bytes(other)

    def __ne__(self, other):
        if not isinstance(other, IIDType):
            return NotImplemented
        return bytes(self) != bytes(other)

    def __hash__(self):
        # PyIID::hash: the sum of the GUID's four DWORDs, as a DWORD (-1 gives -2).
        raw = bytes(self)
        total = sum(int.from_bytes(raw[i : i + 4], "little") for i in range(0, 16, 4)) & 0xFFFFFFFF
        return -2 if total == 0xFFFFFFFF else total

    def __reduce__(self):
        return (IID, (str(self),))


IIDType.__name__ = IIDType.__qualname__ = "PyIID"


def _iid_from_bytes(raw):
    iid = IIDType()
    _ctypes.memmove(_ctypes.addressof(iid), raw, 16)
    return iid


def IID(iidString, is_bytes=False, /):
    """Make a ``PyIID`` from ``'{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}'`` (braces
    required, as CLSIDFromString wants them), or with *is_bytes* true from the
    first 16 bytes of a buffer. An IID is returned as is. Anything else that is a
    str raises ``com_error`` (CO_E_CLASSSTRING: no ProgIDs on Linux)."""
    if is_bytes:
        raw = bytes(memoryview(iidString).cast("B")) if not isinstance(iidString, (bytes, bytearray)) else bytes(iidString)
        if len(raw) < 16:
            raise ValueError("string too small - must be at least 16 bytes (got %d)" % len(raw))
        return _iid_from_bytes(raw[:16])
    if isinstance(iidString, IIDType):
        return iidString
    if not isinstance(iidString, str):
        raise TypeError("Objects of type '%s' can not be converted to Unicode." % _c_type_name(iidString))
    text = iidString
    if len(text) == 38 and text[0] == "{" and text[-1] == "}" and "-" in text:
        try:
            value = _uuid.UUID(text)
        except ValueError:
            value = None
        if value is not None and str(value).upper() == text[1:-1].upper():
            return _iid_from_bytes(value.bytes_le)
    raise com_error(_CO_E_CLASSSTRING, "Invalid class string", None, None)



def CreateGuid():
    """A new random GUID (version 4), as a ``PyIID``."""
    return _iid_from_bytes(_uuid.uuid4().bytes_le)


# ---------------------------------------------------------------------------
# Native types
# ---------------------------------------------------------------------------

from winfile._native import pywintypes as _native  # noqa: E402

# (our name, the native attribute). A name the native module does not have
# yet is left out rather than faked.
for _public, _attr in (
    ("HANDLE", "HANDLE"),
    ("HANDLEType", "PyHANDLE"),
    ("OVERLAPPED", "PyOVERLAPPED"),
    ("OVERLAPPEDType", "PyOVERLAPPED"),
    ("SECURITY_ATTRIBUTES", "PySECURITY_ATTRIBUTES"),
    ("SECURITY_ATTRIBUTESType", "PySECURITY_ATTRIBUTES"),
):
    _obj = getattr(_native, _attr, None)
    if _obj is not None:
        globals()[_public] = _obj
del _public, _attr, _obj
