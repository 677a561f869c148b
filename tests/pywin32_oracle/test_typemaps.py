"""Argument conversions against pywin32's SWIG typemaps and PyArg_ParseTuple formats,
one test per behaviour, each citing its source (mhammond/pywin32):
SWIG/swig_lib/python/pywintypes.i (`typedef int BOOL`, `typedef long LONG`, the DWORD
typemap), win32/src/win32event.i (NULL_ONLY, PTIMERAPCROUTINE, MakeHandleList).
On Windows a C long is 32 bits, so `i` and `l` both overflow past 2**31 with CPython's
"Python int too large to convert to C long"."""
import pytest
import pywintypes
import win32event
import win32file

TOO_LARGE = "Python int too large to convert to C long"


def event():
    return win32event.CreateEvent(None, 0, 0, None)


@pytest.mark.parametrize("value", [2**64, 2**64 + 1, 2**32, 2**31, -(2**31) - 1, -(2**64)])
def test_bool_out_of_int_range_is_overflow_not_masked(value):
    # pywintypes.i: `typedef int BOOL; %apply int {BOOL}` -> PyArg_ParseTuple "i"
    # (PyLong_AsLong, 32-bit on Windows). 2**64 must not become False.
    with pytest.raises(OverflowError, match=TOO_LARGE):
        win32event.WaitForMultipleObjects([event()], value, 0)
    with pytest.raises(OverflowError, match=TOO_LARGE):
        win32event.CreateEvent(None, value, 0, None)


def test_bool_range_edges_and_truth():
    # "i": any value of a C int; non-zero is TRUE (a manual-reset event stays signaled).
    for v in (2**31 - 1, -(2**31), 2, -1):
        ev = win32event.CreateEvent(None, v, v, None)
        assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
        assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
    ev = win32event.CreateEvent(None, 0, False, None)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_TIMEOUT


@pytest.mark.parametrize("value,name", [(1.0, "float"), (None, "NoneType"), ("1", "str")])
def test_bool_not_an_integer_is_type_error(value, name):
    # "i" on Python >= 3.10: PyLong_AsLong takes ints and __index__ only.
    with pytest.raises(TypeError, match="'%s' object cannot be interpreted as an integer" % name):
        win32event.CreateEvent(None, value, 0, None)


def test_bool_takes_index_objects():
    class Two:
        def __index__(self):
            return 2
    ev = win32event.CreateEvent(None, Two(), True, None)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0


def test_bool_in_hand_written_win32file_calls():
    # win32file.i's GetOverlappedResult parses bWait with "i" as well.
    ol = pywintypes.OVERLAPPED()
    with pytest.raises(OverflowError, match=TOO_LARGE):
        win32file.GetOverlappedResult(None, ol, 2**64)


@pytest.mark.parametrize("args", [(None, 2**31, 5, None), (None, 1, 2**32, None), (None, -(2**31) - 1, 1, None)])
def test_long_arguments_overflow_past_32_bits(args):
    # CreateSemaphore(LONG lInitialCount, LONG lMaximumCount): `typedef long LONG`.
    with pytest.raises(OverflowError, match=TOO_LARGE):
        win32event.CreateSemaphore(*args)


def test_release_semaphore_count_and_timer_period_are_longs():
    s = win32event.CreateSemaphore(None, 0, 5, None)
    with pytest.raises(OverflowError, match=TOO_LARGE):
        win32event.ReleaseSemaphore(s, 2**32 + 1)
    t = win32event.CreateWaitableTimer(None, 0, None)
    with pytest.raises(OverflowError, match=TOO_LARGE):
        win32event.SetWaitableTimer(t, -1, 2**31, None, None, 0)


def test_dword_is_masked_not_checked():
    # pywintypes.i's DWORD typemap: PyLong_AsUnsignedLongMask (no overflow check), so
    # INFINITE may be written -1 or 2**32 - 1, and 2**32 is a zero timeout.
    ev = event()
    assert win32event.WaitForSingleObject(ev, 2**32) == win32event.WAIT_TIMEOUT
    win32event.SetEvent(ev)
    assert win32event.WaitForSingleObject(ev, -1) == win32event.WAIT_OBJECT_0


def test_set_waitable_timer_routine_and_argument_must_be_none():
    # win32event.i: the PTIMERAPCROUTINE typemap and NULL_ONLY both raise
    # TypeError("This param must be None") for anything else.
    t = win32event.CreateWaitableTimer(None, 0, None)
    with pytest.raises(TypeError, match="This param must be None"):
        win32event.SetWaitableTimer(t, -1, 0, print, None, 0)
    with pytest.raises(TypeError, match="This param must be None"):
        win32event.SetWaitableTimer(t, -1, 0, None, 0, 0)
    win32event.SetWaitableTimer(t, -1, 0, None, None, 0)
    assert win32event.WaitForSingleObject(t, 1000) == win32event.WAIT_OBJECT_0


def test_handle_arguments_take_none_ints_and_handles_only():
    # pywintypes.i: PyHANDLE -> PyWinObject_AsHANDLE: None is NULL (an invalid handle
    # here, error 6), an int or a PyHANDLE is its value, anything else a TypeError.
    with pytest.raises(pywintypes.error) as e:
        win32event.SetEvent(None)
    assert e.value.winerror == 6
    ev = event()
    win32event.SetEvent(int(ev))
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
    with pytest.raises(TypeError):
        win32event.SetEvent("ev")
    with pytest.raises(TypeError):
        win32event.SetEvent(1.0)
