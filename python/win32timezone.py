"""Time zones as ``datetime.tzinfo`` objects, like pywin32's ``win32timezone``.

pywin32 reads zone rules from the Windows registry. On Linux the rules come
from the IANA database through :mod:`zoneinfo`; the local zone comes from
``$TZ`` or ``/etc/localtime``, falling back to the C library's ``localtime``.

What pywin32 code relies on is kept: ``TimeZoneInfo.utc()`` is one cached
instance whose repr is ``TimeZoneInfo('GMT Standard Time', True)`` and whose
``tzname()`` is ``'GMT Standard Time'`` (the times winfile returns carry it),
``TimeZoneInfo.local()``, the ``fix_standard_time`` flag, equality between
instances naming the same zone, pickling, and the ``utcnow()``/``now()``
helpers. Registry-only APIs (``getWinInfo``, ``TimeZoneDefinition``, ...) are
not provided.
"""

import datetime
import os
import time

try:
    import zoneinfo as _zoneinfo
except ImportError:  # pragma: no cover - Python < 3.9
    _zoneinfo = None

__all__ = ["TimeZoneInfo", "utc", "utcnow", "now"]

_ZERO = datetime.timedelta(0)

# The Windows name pywin32 gives UTC (with fix_standard_time=True).
_UTC_WINDOWS_NAME = "GMT Standard Time"
# Names that always mean UTC, whatever fix_standard_time says.
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Coordinated Universal Time", "UTC+00"})
# A few Windows zone names mapped to IANA keys. "GMT Standard Time" is
# London (GMT in winter, BST in summer); fixed to standard time it is UTC.
_WINDOWS_TO_IANA = {
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "US Mountain Standard Time": "America/Phoenix",
    "Pacific Standard Time": "America/Los_Angeles",
    "Tokyo Standard Time": "Asia/Tokyo",
    "China Standard Time": "Asia/Shanghai",
    "India Standard Time": "Asia/Kolkata",
    "AUS Eastern Standard Time": "Australia/Sydney",
}
# Name used for the local zone when no IANA key can be found.
_SYSTEM_LOCAL_NAME = "Local Time"


class _SystemLocal(datetime.tzinfo):
    """The C library's idea of local time (``time.localtime``/``mktime``)."""

    def _probe(self, dt):
        fields = (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, -1, -1, -1)
        try:
            stamp = time.mktime(fields)
        except (OverflowError, ValueError):
            stamp = 0.0
        return time.localtime(stamp)

    def utcoffset(self, dt):
        return datetime.timedelta(seconds=self._probe(dt).tm_gmtoff)

    def dst(self, dt):
        tm = self._probe(dt)
        if tm.tm_isdst > 0:
            return datetime.timedelta(seconds=tm.tm_gmtoff + time.timezone)
        return _ZERO

    def tzname(self, dt):
        return self._probe(dt).tm_zone


def _local_key():
    """Return the IANA key of the system's local zone, or None."""
    tz = os.environ.get("TZ", "")
    if tz.startswith(":"):
        tz = tz[1:]
    if tz:
        # libc honours $TZ; a POSIX rule string ("<+03>-3") is no IANA key,
        # so leave it to the C library.
        return tz if _zone_from_key(tz) is not None else None
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        target = ""
    marker = "/zoneinfo/"
    if marker in target:
        key = target.split(marker, 1)[1]
        if key.startswith(("posix/", "right/")):
            key = key.split("/", 1)[1]
        if _zone_from_key(key) is not None:
            return key
    try:
        with open("/etc/timezone", encoding="ascii") as fh:
            key = fh.read().strip()
    except (OSError, ValueError):
        key = ""
    if key and _zone_from_key(key) is not None:
        return key
    return None


def _zone_from_key(key):
    if _zoneinfo is None or not key or key.startswith("/") or ".." in key:
        return None
    try:
        return _zoneinfo.ZoneInfo(key)
    except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError
        return None


def _resolve(name, fixed):
    """Map a zone name to the tzinfo that implements it."""
    # London fixed to standard time is UTC all year: no tz database needed.
    if name in _UTC_NAMES or (fixed and name == _UTC_WINDOWS_NAME):
        return datetime.timezone.utc
    if name == _SYSTEM_LOCAL_NAME:
        return _SystemLocal()
    zone = _zone_from_key(_WINDOWS_TO_IANA.get(name, name))
    if zone is None:
        raise ValueError("unknown time zone %r" % (name,))
    return zone


class TimeZoneInfo(datetime.tzinfo):
    """A named time zone.

    ``TimeZoneInfo(name, fix_standard_time=False)``: *name* is an IANA key
    (``'Europe/Paris'``), one of a few Windows names (``'GMT Standard Time'``,
    ``'Pacific Standard Time'``, ...) or ``'UTC'``. With *fix_standard_time*
    true, daylight saving time is ignored and the standard offset is used all
    year round, as in pywin32.
    """

    def __init__(self, param, fix_standard_time=False):
        if isinstance(param, TimeZoneInfo):
            param = param.timeZoneName
        if not isinstance(param, str):
            raise TypeError("time zone name must be a str, not %s" % type(param).__name__)
        self.timeZoneName = param
        self.fixedStandardTime = bool(fix_standard_time)
        self._zone = _resolve(param, self.fixedStandardTime)

    # -- tzinfo protocol -------------------------------------------------

    def _naive(self, dt):
        return dt.replace(tzinfo=None) if dt.tzinfo is not None else dt

    def _zone_dst(self, dt):
        return self._zone.dst(self._naive(dt)) or _ZERO

    def utcoffset(self, dt):
        """The offset from UTC at *dt* (None when *dt* is None)."""
        if dt is None:
            return None
        offset = self._zone.utcoffset(self._naive(dt))
        if self.fixedStandardTime:
            offset -= self._zone_dst(dt)
        return offset

    def dst(self, dt):
        """The daylight saving adjustment at *dt* (None when *dt* is None)."""
        if dt is None:
            return None
        if self.fixedStandardTime:
            return _ZERO
        return self._zone_dst(dt)

    def tzname(self, dt):
        """The zone's name at *dt*: Windows-style names for UTC, else the IANA abbreviation."""
        if dt is None:
            return None
        if self._zone is datetime.timezone.utc:
            # Windows names ("GMT Standard Time") are what pywin32 reports.
            return self.timeZoneName if " " in self.timeZoneName else "UTC"
        if self.fixedStandardTime and self._zone_dst(dt):
            return self.timeZoneName
        return self._zone.tzname(self._naive(dt))

    def fromutc(self, dt):
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        if self.fixedStandardTime:
            return super().fromutc(dt)
        local = self._zone.fromutc(dt.replace(tzinfo=self._zone))
        return local.replace(tzinfo=self)

    # -- identity ----------------------------------------------------------

    def __repr__(self):
        text = "%s(%r" % (type(self).__name__, self.timeZoneName)
        if self.fixedStandardTime:
            text += ", True"
        return text + ")"

    def __str__(self):
        return self.timeZoneName

    def __eq__(self, other):
        if not isinstance(other, TimeZoneInfo):
            return NotImplemented
        return (self.timeZoneName, self.fixedStandardTime) == (
            other.timeZoneName,
            other.fixedStandardTime,
        )

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        return hash((self.timeZoneName, self.fixedStandardTime))

    def __reduce__(self):
        return (type(self), (self.timeZoneName, self.fixedStandardTime))

    # -- constructors --------------------------------------------------------

    @classmethod
    def utc(cls):
        """Return the cached UTC zone, ``TimeZoneInfo('GMT Standard Time', True)``."""
        cached = cls.__dict__.get("_tzutc")
        if cached is None:
            cached = cls(_UTC_WINDOWS_NAME, True)
            setattr(cls, "_tzutc", cached)
        return cached

    @classmethod
    def local(cls):
        """Return the system's local zone."""
        key = _local_key()
        return cls(key if key is not None else _SYSTEM_LOCAL_NAME)

    @staticmethod
    def get_sorted_time_zone_names():
        """Return the names of the zones available on this system, sorted."""
        if _zoneinfo is None:
            return []
        return sorted(_zoneinfo.available_timezones())


utc = TimeZoneInfo.utc()


def utcnow():
    """Return the current time as an aware datetime in UTC."""
    return datetime.datetime.now(TimeZoneInfo.utc())


def now():
    """Return the current time as an aware datetime in the local zone."""
    return datetime.datetime.now(TimeZoneInfo.local())
