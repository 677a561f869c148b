"""Type stubs for winfile's ``win32timezone``: time zones as ``datetime.tzinfo``."""

import datetime
from typing import overload

from typing_extensions import Self

class TimeZoneInfo(datetime.tzinfo):
    """A named time zone: an IANA key, one of a few Windows names, or 'UTC'.

    With *fix_standard_time* true, daylight saving time is ignored.
    """

    timeZoneName: str
    fixedStandardTime: bool
    def __init__(self, param: str | TimeZoneInfo, fix_standard_time: bool = False) -> None: ...
    @overload
    def utcoffset(self, dt: None) -> None: ...
    @overload
    def utcoffset(self, dt: datetime.datetime) -> datetime.timedelta: ...
    @overload
    def dst(self, dt: None) -> None: ...
    @overload
    def dst(self, dt: datetime.datetime) -> datetime.timedelta: ...
    @overload
    def tzname(self, dt: None) -> None: ...
    @overload
    def tzname(self, dt: datetime.datetime) -> str: ...
    def fromutc(self, dt: datetime.datetime) -> datetime.datetime: ...
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    @classmethod
    def utc(cls) -> Self:
        """The cached UTC zone, ``TimeZoneInfo('GMT Standard Time', True)``."""

    @classmethod
    def local(cls) -> Self:
        """The system's local zone."""

    @staticmethod
    def get_sorted_time_zone_names() -> list[str]:
        """Names of the zones available on this system, sorted."""

__all__ = ["TimeZoneInfo", "utc", "utcnow", "now"]

utc: TimeZoneInfo

def utcnow() -> datetime.datetime:
    """The current time, aware, in UTC."""

def now() -> datetime.datetime:
    """The current time, aware, in the local zone."""
