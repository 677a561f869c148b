"""pywin32's win32/test/test_win32event.py re-expressed (TestWaitableTimer, TestEvent,
TestMutex). TestWaitFunctions' MsgWaitForMultipleObjects(Ex) cases wait on a window
message queue (win32gui's world) and are not run: see README "pywin32's own tests"."""
import pytest
import pywintypes
import win32event


def signaled(h):
    return win32event.WaitForSingleObject(h, 0) == win32event.WAIT_OBJECT_0


@pytest.mark.parametrize("due", [-160])
def test_waitable_timer_fires(due):
    # testWaitableFire / testWaitableFireLong: 160 ns relative.
    h = win32event.CreateWaitableTimer(None, 0, None)
    win32event.SetWaitableTimer(h, due, 0, None, None, 0)
    assert win32event.WaitForSingleObject(h, 1000) == win32event.WAIT_OBJECT_0


def test_waitable_timer_not_yet():
    # testWaitableTrigger: 200 s away, a 10 ms wait times out.
    h = win32event.CreateWaitableTimer(None, 0, None)
    win32event.SetWaitableTimer(h, -2000000000, 0, None, None, 0)
    assert win32event.WaitForSingleObject(h, 10) == win32event.WAIT_TIMEOUT


def test_waitable_timer_closed_handle_raises():
    # testWaitableError.
    h = win32event.CreateWaitableTimer(None, 0, None)
    h.close()
    with pytest.raises(pywintypes.error):
        win32event.SetWaitableTimer(h, -42, 0, None, None, 0)


def test_create_event_states():
    # testCreateEvent: auto-reset consumed by a wait, manual-reset stays signaled.
    assert not signaled(win32event.CreateEvent(None, False, False, None))
    auto = win32event.CreateEvent(None, False, True, None)
    assert signaled(auto) and not signaled(auto)
    manual = win32event.CreateEvent(None, True, True, None)
    assert signaled(manual) and signaled(manual)


def test_set_and_reset_event_then_closed():
    # testSetEvent / testResetEvent.
    ev = win32event.CreateEvent(None, True, False, None)
    assert win32event.SetEvent(ev) is None and signaled(ev)
    assert win32event.ResetEvent(ev) is None and not signaled(ev)
    ev.close()
    with pytest.raises(pywintypes.error):
        win32event.SetEvent(ev)
    with pytest.raises(pywintypes.error):
        win32event.ResetEvent(ev)


def test_release_mutex_then_closed():
    # testReleaseMutex.
    m = win32event.CreateMutex(None, True, None)
    assert win32event.ReleaseMutex(m) is None
    assert win32event.WaitForSingleObject(m, 0) == win32event.WAIT_OBJECT_0
    m.close()
    with pytest.raises(pywintypes.error):
        win32event.ReleaseMutex(m)
