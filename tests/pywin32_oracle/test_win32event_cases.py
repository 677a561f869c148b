"""pywin32's win32/test/test_win32event.py re-expressed (TestWaitableTimer, TestEvent,
TestMutex, TestWaitFunctions). The MsgWaitForMultipleObjects(Ex) cases follow
win32/src/win32event.i (MyMsgWaitForMultipleObjects: MakeHandleList, then the Win32
call): no Linux thread has a window message queue, so input never ends the wait."""
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


@pytest.mark.parametrize("form", ["plain", "ex"])
def test_msg_wait_empty_and_unsignaled_lists_time_out(form):
    # TestWaitFunctions.testMsgWaitForMultipleObjects(Ex)(2): an empty list is valid
    # (it used to crash pywin32) and times out, as does an unsignaled event.
    def call(handles):
        if form == "plain":
            return win32event.MsgWaitForMultipleObjects(handles, 0, 0, win32event.QS_ALLEVENTS)
        return win32event.MsgWaitForMultipleObjectsEx(handles, 0, win32event.QS_ALLEVENTS, 0)
    assert call([]) == win32event.WAIT_TIMEOUT
    assert call([win32event.CreateEvent(None, 0, 0, None)]) == win32event.WAIT_TIMEOUT


def test_msg_wait_any_returns_the_signaled_index_and_consumes_it():
    ev = [win32event.CreateEvent(None, 0, 0, None) for _ in range(3)]
    win32event.SetEvent(ev[2])
    assert win32event.MsgWaitForMultipleObjects(ev, False, 1000, win32event.QS_ALLINPUT) == 2
    assert not signaled(ev[2])  # auto-reset: consumed by the wait
    win32event.SetEvent(ev[1])
    assert win32event.MsgWaitForMultipleObjectsEx(ev, 1000, win32event.QS_ALLINPUT, 0) == 1


def test_msg_wait_all_needs_input_too_so_it_times_out():
    # Wait-all returns when every object is signaled *and* input arrived (the
    # win32event.i comment on MsgWaitForMultipleObjects): with no message queue it
    # only times out, and consumes nothing.
    ev = [win32event.CreateEvent(None, 0, 1, None) for _ in range(2)]
    assert win32event.MsgWaitForMultipleObjects(ev, True, 0, win32event.QS_ALLINPUT) == win32event.WAIT_TIMEOUT
    assert win32event.MsgWaitForMultipleObjectsEx(ev, 0, win32event.QS_ALLINPUT, 1) == win32event.WAIT_TIMEOUT
    assert all(signaled(e) for e in ev)


def test_msg_wait_errors():
    # At most MAXIMUM_WAIT_OBJECTS - 1 handles (87); a closed handle is 6; a list that
    # is not a sequence of handles is MakeHandleList's TypeError.
    evs = [win32event.CreateEvent(None, 0, 0, None) for _ in range(win32event.MAXIMUM_WAIT_OBJECTS)]
    with pytest.raises(pywintypes.error) as e:
        win32event.MsgWaitForMultipleObjects(evs, 0, 0, 0)
    assert (e.value.winerror, e.value.funcname) == (87, "MsgWaitForMultipleObjects")
    assert win32event.MsgWaitForMultipleObjects(evs[:-1], 0, 0, 0) == win32event.WAIT_TIMEOUT
    dead = win32event.CreateEvent(None, 0, 0, None)
    dead.close()
    with pytest.raises(pywintypes.error) as e:
        win32event.MsgWaitForMultipleObjectsEx([dead], 0, 0, 0)
    assert (e.value.winerror, e.value.funcname) == (6, "MsgWaitForMultipleObjectsEx")
    with pytest.raises(TypeError, match="Handles must be a list of integers"):
        win32event.MsgWaitForMultipleObjects(["x"], 0, 0, 0)
    with pytest.raises(TypeError, match="Handles must be a list of integers"):
        win32event.MsgWaitForMultipleObjects(7, 0, 0, 0)
