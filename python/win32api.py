"""The file-handling subset of pywin32's ``win32api``, implemented on Linux by winfile.

Only the functions file code uses are provided; the README's compatibility table
lists them, and the rest of pywin32's win32api is absent. The functions come from the
native extension, except ``SetConsoleCtrlHandler``, which adapts Python's ``signal``
module (below).
"""

import operator as _operator
import os as _os
import signal as _signal
import threading as _threading

import pywintypes

error = pywintypes.error

from winfile import _native as _n  # noqa: E402

for _name in dir(_n.win32api):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_n.win32api, _name)
del _name, _n


def _error(code, func):
    """pywintypes.error for `code` raised by `func`, with Windows' text, recorded as the
    thread's last error as every other failing call records it."""
    SetLastError(code)  # noqa: F821 - from the native module above
    return error(code, func, FormatMessage(code).rstrip("\r\n"))  # noqa: F821

# -- Console control handlers ------------------------------------------------------
#
# Windows calls the handlers registered with SetConsoleCtrlHandler, last registered
# first, when the console delivers an event, until one returns True; if none does, the
# default handler runs (Ctrl-C: Python's KeyboardInterrupt; close: the process ends).
# On Linux the events are signals:
#   SIGINT  (Ctrl-C at the terminal)            -> CTRL_C_EVENT (0)
#   SIGTERM (kill, systemd stop: "please exit") -> CTRL_CLOSE_EVENT (2)
#   SIGHUP  (the terminal went away)            -> CTRL_CLOSE_EVENT (2)
# While at least one handler is registered (or Ctrl-C is ignored), winfile owns those
# signals' Python handlers; the handler installed before is the "default" that runs
# when no handler returns True. As on Windows, a close event ends the process even
# when a handler returns True: the signal's default action (death by that signal).
# Python runs signal handlers in the main thread, between bytecodes and inside
# winfile's blocking waits (which poll for them), not in a new thread as Windows does.

_CTRL_C_EVENT = 0
_CTRL_CLOSE_EVENT = 2
_EVENTS = {_signal.SIGINT: _CTRL_C_EVENT, _signal.SIGTERM: _CTRL_CLOSE_EVENT, _signal.SIGHUP: _CTRL_CLOSE_EVENT}

_lock = _threading.RLock()
_handlers = []  # registration order; called from the end
_ignore_ctrl_c = False
_previous = {}  # signal -> the Python handler before winfile installed its own


def _dispatch(signum, frame):
    event = _EVENTS[signum]
    if event == _CTRL_C_EVENT and _ignore_ctrl_c:
        return
    with _lock:
        handlers = list(reversed(_handlers))
    for handler in handlers:
        if handler(event):
            if event == _CTRL_C_EVENT:
                return
            break
    else:
        previous = _previous.get(signum, _signal.SIG_DFL)
        if callable(previous):
            previous(signum, frame)
            if event == _CTRL_C_EVENT:
                return
        elif previous == _signal.SIG_IGN:
            return
    # A close event ends the process as Windows ends it: by the signal's default action.
    _signal.signal(signum, _signal.SIG_DFL)
    _os.kill(_os.getpid(), signum)


def _install():
    """winfile's dispatcher on the mapped signals (main thread only, as Python requires)."""
    if _previous:
        return
    if _threading.current_thread() is not _threading.main_thread():
        raise _error(5, "SetConsoleCtrlHandler")
    for signum in _EVENTS:
        _previous[signum] = _signal.getsignal(signum)
        _signal.signal(signum, _dispatch)


def _uninstall():
    """Gives the signals back their earlier Python handlers once nothing needs them."""
    if not _previous or _handlers or _ignore_ctrl_c:
        return
    if _threading.current_thread() is not _threading.main_thread():
        return
    for signum, previous in _previous.items():
        if _signal.getsignal(signum) is _dispatch:
            _signal.signal(signum, previous if previous is not None else _signal.SIG_DFL)
    _previous.clear()


def SetConsoleCtrlHandler(ctrlHandler, bAdd, /):
    """Adds (``bAdd`` true) or removes a console control handler, called with the event
    (``win32con.CTRL_C_EVENT``, ``CTRL_CLOSE_EVENT``) and returning True when it handled
    it. ``SetConsoleCtrlHandler(None, True)`` makes the process ignore Ctrl-C (SIGINT is
    then ignored, which child processes inherit, as on Windows); ``(None, False)`` brings
    it back. Removing a handler that is not registered raises error 87."""
    add = _c_bool(bAdd)
    global _ignore_ctrl_c
    with _lock:
        if ctrlHandler is None:
            _ignore_ctrl_c = add
            if add:
                _install()
                # Ignored outright, so exec'd children inherit it (Windows' inheritable flag).
                if _threading.current_thread() is _threading.main_thread():
                    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
            elif _previous and _threading.current_thread() is _threading.main_thread():
                _signal.signal(_signal.SIGINT, _dispatch)
                _uninstall()
            return None
        if not callable(ctrlHandler):
            raise TypeError("First argument must be callable")
        if add:
            _install()
            _handlers.append(ctrlHandler)
            return None
        for i in range(len(_handlers) - 1, -1, -1):
            if _handlers[i] is ctrlHandler or _handlers[i] == ctrlHandler:
                del _handlers[i]
                _uninstall()
                return None
    raise _error(87, "SetConsoleCtrlHandler")


def _c_bool(value):
    """pywin32's ``i`` format: an int (or ``__index__``) within a C int."""
    try:
        v = _operator.index(value)
    except TypeError:
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(value).__name__) from None
    if not -(2**31) <= v < 2**31:
        raise OverflowError("Python int too large to convert to C long")
    return v != 0
