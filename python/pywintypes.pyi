"""Type stubs for winfile's ``pywintypes``: pywin32's common Windows types on Linux."""

import ctypes
import datetime as _dt
from collections.abc import Sequence
from typing import Any, SupportsIndex, TypeVar, final, overload, type_check_only

from typing_extensions import Buffer, Self

TRUE: bool
FALSE: bool

class error(Exception):
    """A failed Win32 call: ``error(winerror, funcname, strerror)``.

    Attributes are None when the matching argument was not given; ``str(e)``
    is the text of the ``args`` tuple.
    """

    winerror: int | None
    funcname: str | None
    strerror: str | None
    def __init__(self, *args: object) -> None: ...

class com_error(Exception):
    """A failed COM call: ``com_error(hresult, strerror, excepinfo, argerror)``."""

    hresult: int | None
    strerror: str | None
    excepinfo: Any
    argerror: Any
    def __init__(self, *args: object) -> None: ...

class datetime(_dt.datetime):
    """pywin32's time type (PyTime): a ``datetime.datetime`` with ``Format``.

    Times from Win32 calls are aware, in UTC
    (tzinfo ``win32timezone.TimeZoneInfo.utc()``), with millisecond precision.
    """

    def Format(self, fmt: str = "%c", /) -> str:
        """Format with ``strftime``; the default format is ``'%c'``."""

TimeType = datetime

_DateTime = TypeVar("_DateTime", bound=_dt.datetime)

@overload
def Time(timeRepr: _DateTime, /) -> _DateTime:  # type: ignore[overload-overlap]
    """Make a time: a datetime is returned unchanged; an int or float is a Unix
    timestamp (a 32-bit C long) and a time tuple (9 items, optional 10th =
    milliseconds) or an object with ``timetuple()`` is local time, both giving a
    naive local ``pywintypes.datetime``. Other types: TypeError.
    """
@overload
def Time(timeRepr: SupportsIndex | float | Sequence[int] | _dt.date, /) -> datetime: ...

def TimeStamp(timestamp: int | tuple[int, int], /) -> datetime:
    """Make an aware UTC time from 100 ns units since 1601-01-01 (a FILETIME count)."""

def _filetime_to_datetime(ticks: int) -> datetime | _dt.datetime:
    """FILETIME ticks to an aware UTC time, millisecond precision (used by the native code)."""

def _datetime_to_filetime(obj: _dt.datetime) -> int:
    """A datetime to FILETIME ticks: aware converted to UTC, naive taken as local time."""

@final
@type_check_only
class PyHANDLE:
    """A Win32 handle, closed when the object is garbage collected.

    Runtime name: ``pywintypes.HANDLEType``.
    """

    @property
    def handle(self) -> int:
        """The handle's integer value (0 once closed or detached)."""

    def Close(self) -> None:
        """Close the handle; closing a closed handle does nothing."""

    def close(self) -> None:
        """Same as Close()."""

    def Detach(self) -> int:
        """Give up ownership: return the integer value and stop closing it."""

    def __int__(self) -> int: ...
    def __bool__(self) -> bool: ...

HANDLEType = PyHANDLE

def HANDLE(handle: int | PyHANDLE | None = None, /) -> PyHANDLE:
    """Make a PyHANDLE owning the integer handle *handle* (None is 0)."""

@final
@type_check_only
class PyOVERLAPPED:
    """An OVERLAPPED structure for asynchronous I/O. Takes no arguments.

    Runtime names: ``pywintypes.OVERLAPPED`` and ``pywintypes.OVERLAPPEDType``.
    """

    Offset: int
    OffsetHigh: int
    @property
    def hEvent(self) -> int | PyHANDLE:
        """The event signaled on completion: the PyHANDLE set, else the handle value (0)."""
    @hEvent.setter
    def hEvent(self, value: int | PyHANDLE | None) -> None: ...
    Internal: int
    InternalHigh: int
    object: Any
    dword: int
    def __new__(cls) -> Self: ...

OVERLAPPED = PyOVERLAPPED
OVERLAPPEDType = PyOVERLAPPED

@final
@type_check_only
class PySECURITY_ATTRIBUTES:
    """A SECURITY_ATTRIBUTES structure. Takes no arguments.

    Runtime names: ``pywintypes.SECURITY_ATTRIBUTES`` and
    ``pywintypes.SECURITY_ATTRIBUTESType``.
    """

    bInheritHandle: int
    SECURITY_DESCRIPTOR: Any
    def __new__(cls) -> Self: ...
    def SetSecurityDescriptorDacl(self, bDaclPresent: int, pDacl: Any, bDaclDefaulted: int, /) -> None:
        """Accepted and not applied: winfile's objects are per user (Linux permissions)."""

SECURITY_ATTRIBUTES = PySECURITY_ATTRIBUTES
SECURITY_ATTRIBUTESType = PySECURITY_ATTRIBUTES

class IIDType(ctypes.Structure):
    """A GUID (pywin32's ``PyIID``): make one with ``IID()``; supports the buffer protocol."""

    Data1: int
    Data2: int
    Data3: int
    Data4: ctypes.Array[ctypes.c_uint8]
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

def IID(iidString: str | IIDType | Buffer, is_bytes: bool = False, /) -> IIDType:
    """A PyIID from ``'{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}'``, or from 16 bytes when *is_bytes*."""

def CreateGuid() -> IIDType:
    """A new random GUID."""
