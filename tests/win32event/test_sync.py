"""win32event: events, mutexes, semaphores, timers, waits (GIL released, interruptible)."""
import signal
import threading

import pytest
import pywintypes
import win32event as e
import winerror


def test_events_auto_and_manual():
    auto = e.CreateEvent(None, 0, 1, None)
    assert type(auto).__name__ == "PyHANDLE"
    assert e.WaitForSingleObject(auto, 0) == e.WAIT_OBJECT_0
    assert e.WaitForSingleObject(auto, 10) == e.WAIT_TIMEOUT
    manual = e.CreateEvent(None, True, False, None)
    e.SetEvent(manual)
    assert e.WaitForSingleObject(manual, 0) == 0
    assert e.WaitForSingleObject(manual, 0) == 0
    e.ResetEvent(manual)
    assert e.WaitForMultipleObjects([manual, auto], False, 10) == e.WAIT_TIMEOUT
    e.SetEvent(auto)
    assert e.WaitForMultipleObjects([manual, auto], False, e.INFINITE) == e.WAIT_OBJECT_0 + 1


def test_wait_releases_the_gil_and_wakes_on_set():
    ev = e.CreateEvent(None, 0, 0, None)
    started = threading.Event()
    results = []

    def waiter():
        started.set()
        results.append(e.WaitForSingleObject(ev, 10_000))

    t = threading.Thread(target=waiter)
    t.start()
    assert started.wait(5)
    # This thread keeps running Python code while the other waits: the GIL is free.
    e.SetEvent(ev)
    t.join(10)
    assert results == [e.WAIT_OBJECT_0]


def test_wait_all_and_limits():
    a, b = e.CreateEvent(None, 0, 1, None), e.CreateEvent(None, 0, 0, None)
    assert e.WaitForMultipleObjects([a, b], True, 10) == e.WAIT_TIMEOUT
    assert e.WaitForSingleObject(a, 0) == 0  # not consumed by the failed wait-all
    e.SetEvent(a)
    e.SetEvent(b)
    assert e.WaitForMultipleObjects((a, b), True, 0) == 0
    many = [e.CreateEvent(None, 0, 0, None) for _ in range(e.MAXIMUM_WAIT_OBJECTS + 1)]
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForMultipleObjects(many, False, 0)
    assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER


def test_invalid_handles():
    ev = e.CreateEvent(None, 0, 0, None)
    raw = int(ev)
    ev.Close()
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForSingleObject(raw, 0)
    assert exc.value.winerror == winerror.ERROR_INVALID_HANDLE
    with pytest.raises(pywintypes.error) as exc:
        e.SetEvent(raw)
    assert (exc.value.winerror, exc.value.funcname) == (6, "SetEvent")


def test_mutex_owner_rules_and_abandonment():
    m = e.CreateMutex(None, 1, None)
    assert e.WaitForSingleObject(m, 0) == 0  # recursive acquisition
    errors = []

    def intruder():
        errors.append(e.WaitForSingleObject(m, 0))
        try:
            e.ReleaseMutex(m)
        except pywintypes.error as exc:
            errors.append(exc.winerror)

    t = threading.Thread(target=intruder)
    t.start()
    t.join()
    assert errors == [e.WAIT_TIMEOUT, 288]  # ERROR_NOT_OWNER
    e.ReleaseMutex(m)
    e.ReleaseMutex(m)
    t = threading.Thread(target=lambda: e.WaitForSingleObject(m, e.INFINITE))
    t.start()
    t.join()
    # The owner thread may still be exiting after join(): its exit abandons the mutex.
    assert e.WaitForSingleObject(m, 5000) == e.WAIT_ABANDONED


def test_semaphore():
    s = e.CreateSemaphore(None, 1, 3, None)
    assert e.WaitForSingleObject(s, 0) == 0
    assert e.WaitForSingleObject(s, 0) == e.WAIT_TIMEOUT
    assert e.ReleaseSemaphore(s, 3) == 0
    with pytest.raises(pywintypes.error) as exc:
        e.ReleaseSemaphore(s, 1)
    assert exc.value.winerror == 298


def test_named_objects():
    a = e.CreateEvent(None, 1, 0, "winfile-pytest-event")
    b = e.OpenEvent(e.EVENT_ALL_ACCESS, 0, "winfile-pytest-event")
    e.SetEvent(b)
    assert e.WaitForSingleObject(a, 0) == 0
    with pytest.raises(pywintypes.error) as exc:
        e.OpenEvent(e.EVENT_ALL_ACCESS, 0, "winfile-pytest-missing")
    assert exc.value.winerror == winerror.ERROR_FILE_NOT_FOUND


def test_waitable_timer():
    t = e.CreateWaitableTimer(None, 0, None)
    e.SetWaitableTimer(t, -200_000, 0, None, None, 0)  # 20 ms from now
    assert e.WaitForSingleObject(t, 0) == e.WAIT_TIMEOUT
    assert e.WaitForSingleObject(t, 5000) == 0
    assert e.WaitForSingleObject(t, 0) == e.WAIT_TIMEOUT  # synchronization timer resets
    e.SetWaitableTimer(t, -10_000, 5, None, None, 0)
    assert all(e.WaitForSingleObject(t, 5000) == 0 for _ in range(3))
    e.CancelWaitableTimer(t)
    # A completion routine is refused as win32event.i's PTIMERAPCROUTINE typemap does.
    with pytest.raises(TypeError, match="This param must be None"):
        e.SetWaitableTimer(t, -1, 0, lambda *a: None, None, 0)


def test_infinite_wait_is_interruptible():
    ev = e.CreateEvent(None, 0, 0, None)

    def alarm(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with pytest.raises(KeyboardInterrupt):
            e.WaitForSingleObject(ev, e.INFINITE)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_bool_arguments_take_ints():
    # pywin32 parses BOOLs with the 'i' format: any int.
    ev = e.CreateEvent(None, 2, 5, None)
    assert e.WaitForSingleObject(ev, 0) == 0
    assert e.WaitForSingleObject(ev, 0) == 0  # manual reset (2 is true)
    with pytest.raises(TypeError):
        e.CreateEvent(None, "yes", 0, None)


# ---- wait lists (issue 20, item 4) -------------------------------------------------------------
# pywin32's MakeHandleList takes a sequence (TypeError "Handles must be a list of integers"
# otherwise, and for an item that is no handle); WaitForMultipleObjects refuses more than
# MAXIMUM_WAIT_OBJECTS with ERROR_INVALID_PARAMETER. winfile reads at most 65 items.
HANDLE_LIST_ERROR = "Handles must be a list of integers"


def test_wait_list_must_be_a_sequence_and_endless_iterables_are_not_read():
    import itertools

    ev = e.CreateEvent(None, 1, 1, None)
    pulled = []

    def endless():
        while True:
            pulled.append(1)
            yield ev

    for bad in (itertools.repeat(ev), endless(), iter([ev]), {ev}, {ev: 1}, ev, 5, None):
        with pytest.raises(TypeError, match=HANDLE_LIST_ERROR):
            e.WaitForMultipleObjects(bad, False, 0)
        with pytest.raises(TypeError, match=HANDLE_LIST_ERROR):
            e.WaitForMultipleObjectsEx(bad, False, 0, False)
    assert pulled == []
    assert e.WaitForMultipleObjects([ev], False, 0) == e.WAIT_OBJECT_0
    assert e.WaitForMultipleObjects((ev, ev), False, 0) == e.WAIT_OBJECT_0


def test_wait_list_stops_reading_after_maximum_wait_objects():
    ev = e.CreateEvent(None, 1, 1, None)

    class Endless:
        """A sequence that claims 10**12 items and answers every index."""

        def __init__(self):
            self.reads = 0

        def __len__(self):
            return 10**12

        def __getitem__(self, i):
            self.reads += 1
            return ev

    seq = Endless()
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForMultipleObjects(seq, False, 0)
    assert (exc.value.winerror, exc.value.funcname) == (87, "WaitForMultipleObjects")
    assert seq.reads == e.MAXIMUM_WAIT_OBJECTS
    assert e.WaitForMultipleObjects([ev] * e.MAXIMUM_WAIT_OBJECTS, False, 0) == e.WAIT_OBJECT_0
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForMultipleObjectsEx([ev] * 1000, False, 0, False)
    assert (exc.value.winerror, exc.value.funcname) == (87, "WaitForMultipleObjectsEx")
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForMultipleObjects([], False, 0)
    assert exc.value.winerror == 87


def test_wait_list_items_must_be_handles():
    ev = e.CreateEvent(None, 1, 1, None)
    for bad in ([ev, "x"], [ev, 1.5], [ev, int(ev) + 2**64], [None, object()]):
        with pytest.raises(TypeError, match=HANDLE_LIST_ERROR):
            e.WaitForMultipleObjects(bad, False, 0)
    assert e.WaitForMultipleObjects([int(ev)], False, 0) == e.WAIT_OBJECT_0


@pytest.mark.parametrize("offset", [2**64, -(2**64)])
def test_event_functions_refuse_handle_ints_beyond_a_pointer(offset):
    ev = e.CreateEvent(None, 1, 0, None)
    for call in (e.SetEvent, e.PulseEvent, lambda v: e.WaitForSingleObject(v, 0)):
        with pytest.raises(TypeError, match="not a PyHANDLE"):
            call(int(ev) + offset)
    assert e.WaitForSingleObject(ev, 0) == e.WAIT_TIMEOUT  # not set through an alias
