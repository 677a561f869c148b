"""Events, mutexes, semaphores, waitable timers and waits, like pywin32's
``win32event``, implemented on Linux by winfile (the subset file code needs).

Named events, mutexes, semaphores and waitable timers are shared by every winfile
process of the user, as kernel objects are on Windows: ``Local\\`` and bare names in
the user's runtime directory, ``Global\\`` names in a sticky directory under /dev/shm
that other users' processes can use too. A second ``Create*`` of a name gets the
existing object and ``win32api.GetLastError() == winerror.ERROR_ALREADY_EXISTS``; an
object lives while any live process holds a handle to it; a mutex whose owner process
dies (even by SIGKILL) is abandoned to the next waiter. No daemon is involved (see
docs/named-objects.md). Unnamed objects stay inside the process. The functions come
from the native extension.
"""

import pywintypes

error = pywintypes.error

CREATE_WAITABLE_TIMER_HIGH_RESOLUTION = 2
CREATE_WAITABLE_TIMER_MANUAL_RESET = 1
EVENT_ALL_ACCESS = 2031619
EVENT_MODIFY_STATE = 2
INFINITE = -1
MAXIMUM_WAIT_OBJECTS = 64
QS_ALLEVENTS = 1215
QS_ALLINPUT = 1279
QS_HOTKEY = 128
QS_INPUT = 1031
QS_KEY = 1
QS_MOUSE = 6
QS_MOUSEBUTTON = 4
QS_MOUSEMOVE = 2
QS_PAINT = 32
QS_POSTMESSAGE = 8
QS_SENDMESSAGE = 64
QS_TIMER = 16
SYNCHRONIZE = 1048576
TIMER_ALL_ACCESS = 2031619
TIMER_MODIFY_STATE = 2
TIMER_QUERY_STATE = 1
UNICODE = 1
WAIT_ABANDONED = 128
WAIT_ABANDONED_0 = 128
WAIT_FAILED = -1
WAIT_IO_COMPLETION = 192
WAIT_OBJECT_0 = 0
WAIT_TIMEOUT = 258

from winfile import _native as _n  # noqa: E402

for _name in dir(_n.win32event):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_n.win32event, _name)
del _name, _n
