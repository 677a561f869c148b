"""Events, mutexes, semaphores, waitable timers and waits (winfile's win32event)."""

from collections.abc import Iterable

from pywintypes import PyHANDLE, PySECURITY_ATTRIBUTES
from pywintypes import error as error

_HandleArg = PyHANDLE | int | None

CREATE_WAITABLE_TIMER_HIGH_RESOLUTION: int
CREATE_WAITABLE_TIMER_MANUAL_RESET: int
EVENT_ALL_ACCESS: int
EVENT_MODIFY_STATE: int
INFINITE: int
MAXIMUM_WAIT_OBJECTS: int
QS_ALLEVENTS: int
QS_ALLINPUT: int
QS_HOTKEY: int
QS_INPUT: int
QS_KEY: int
QS_MOUSE: int
QS_MOUSEBUTTON: int
QS_MOUSEMOVE: int
QS_PAINT: int
QS_POSTMESSAGE: int
QS_SENDMESSAGE: int
QS_TIMER: int
SYNCHRONIZE: int
TIMER_ALL_ACCESS: int
TIMER_MODIFY_STATE: int
TIMER_QUERY_STATE: int
UNICODE: int
WAIT_ABANDONED: int
WAIT_ABANDONED_0: int
WAIT_FAILED: int
WAIT_IO_COMPLETION: int
WAIT_OBJECT_0: int
WAIT_TIMEOUT: int

def CreateEvent(EventAttributes: PySECURITY_ATTRIBUTES | None, bManualReset: int, bInitialState: int, Name: str | None, /) -> PyHANDLE:
    """A new event, or the existing named one of any winfile process of the user (GetLastError 183 then, else 0)."""
def OpenEvent(desiredAccess: int, bInheritHandle: int, name: str, /) -> PyHANDLE:
    """A new handle to an existing named event, shared by every winfile process of the user (error 2 if none)."""
def SetEvent(hEvent: _HandleArg, /) -> None:
    """Signal the event."""
def ResetEvent(hEvent: _HandleArg, /) -> None:
    """Make the event non-signaled."""
def PulseEvent(hEvent: _HandleArg, /) -> None:
    """Release the threads waiting now (one for auto-reset), then reset."""
def CreateMutex(MutexAttributes: PySECURITY_ATTRIBUTES | None, InitialOwner: int, Name: str | None, /) -> PyHANDLE:
    """A new mutex (owned by the calling thread if InitialOwner), or the existing named one (GetLastError 183 then, else 0)."""
def OpenMutex(desiredAccess: int, bInheritHandle: int, name: str, /) -> PyHANDLE:
    """A new handle to an existing named mutex (shared by every winfile process of the user)."""
def ReleaseMutex(hEvent: _HandleArg, /) -> None:
    """Release one level of ownership (288 if the thread is not the owner)."""
def CreateSemaphore(
    SemaphoreAttributes: PySECURITY_ATTRIBUTES | None, InitialCount: int, MaximumCount: int, SemaphoreName: str | None, /
) -> PyHANDLE:
    """A new counting semaphore, or the existing named one (GetLastError 183 then, else 0)."""
def OpenSemaphore(desiredAccess: int, bInheritHandle: int, name: str, /) -> PyHANDLE:
    """A new handle to an existing named semaphore (shared by every winfile process of the user)."""
def ReleaseSemaphore(hEvent: _HandleArg, lReleaseCount: int, /) -> int:
    """Add counts; returns the previous count (298 past the maximum)."""
def CreateWaitableTimer(TimerAttributes: PySECURITY_ATTRIBUTES | None, ManualReset: int, TimerName: str | None, /) -> PyHANDLE:
    """A new waitable timer, or the existing named one (GetLastError 183 then, else 0)."""
def OpenWaitableTimer(desiredAccess: int, bInheritHandle: int, timerName: str, /) -> PyHANDLE:
    """A new handle to an existing named timer (shared by every winfile process of the user)."""
def CreateWaitableTimerEx(TimerAttributes: PySECURITY_ATTRIBUTES | None, TimerName: str | None, Flags: int, DesiredAccess: int, /) -> PyHANDLE:
    """Creates or opens a waitable timer with flags (CREATE_WAITABLE_TIMER_*) and an access mask."""
def SignalObjectAndWait(hObjectToSignal: _HandleArg, hObjectToWaitOn: _HandleArg, dwMilliseconds: int, bAlertable: int, /) -> None:
    """Signals one object and waits on another (as pywin32: WAIT_OBJECT_0 raises error 0, other outcomes return None)."""
def SetWaitableTimer(handle: _HandleArg, dueTime: int, period: int, func: None, param: None, resume_state: int, /) -> None:
    """Arm the timer: dueTime in 100 ns units (negative = relative), period in ms."""
def CancelWaitableTimer(handle: _HandleArg, /) -> None:
    """Disarm the timer."""
def WaitForSingleObject(hHandle: _HandleArg, milliseconds: int, /) -> int:
    """WAIT_OBJECT_0, WAIT_ABANDONED or WAIT_TIMEOUT; the GIL is released."""
def WaitForSingleObjectEx(hHandle: _HandleArg, milliseconds: int, bAlertable: int, /) -> int:
    """As WaitForSingleObject (nothing queues APCs on Linux)."""
def WaitForMultipleObjects(handlelist: Iterable[_HandleArg], bWaitAll: int, milliseconds: int, /) -> int:
    """WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i or WAIT_TIMEOUT; wait-all is atomic."""
def WaitForMultipleObjectsEx(handlelist: Iterable[_HandleArg], bWaitAll: int, milliseconds: int, bAlertable: int, /) -> int:
    """As WaitForMultipleObjects."""
def MsgWaitForMultipleObjects(handlelist: Iterable[_HandleArg], bWaitAll: int, milliseconds: int, wakeMask: int, /) -> int:
    """As WaitForMultipleObjects (no handles allowed); no window message queue exists, so input never ends the wait and a wait-all only times out."""
def MsgWaitForMultipleObjectsEx(handlelist: Iterable[_HandleArg], milliseconds: int, wakeMask: int, waitFlags: int, /) -> int:
    """As MsgWaitForMultipleObjects; waitFlags MWMO_WAITALL (1) is the wait-all form."""
