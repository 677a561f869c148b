"""Named events, mutexes, semaphores and timers shared across processes (issue 12).

Every test runs real child processes (``python -c``) against objects of the test
process. Names are unique per test; the session namespace lives in a private
XDG_RUNTIME_DIR for this module, inherited by the children. Waits that synchronise with
a child always have a generous timeout, and no assertion depends on how long anything
took.
"""
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import uuid

import pytest
import pywintypes
import win32api
import win32event as e
import winerror

PRELUDE = "import os, sys, time, win32event as e, win32api, winerror, pywintypes\n"
LONG = 20_000  # ms: a wait that only ends early because the other side acted


@pytest.fixture(autouse=True, scope="module")
def private_runtime_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("runtime")
    os.chmod(d, 0o700)
    saved = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = str(d)
    yield d
    if saved is None:
        os.environ.pop("XDG_RUNTIME_DIR", None)
    else:
        os.environ["XDG_RUNTIME_DIR"] = saved


def uniq(prefix=""):
    return f"{prefix}winfile-test-{uuid.uuid4().hex[:12]}"


def spawn(code, **kw):
    return subprocess.Popen([sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
                            stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True, **kw)



def _waiters_take_sets(waiter, ev, ack, quit_, sets):
    """Starts three `waiter` processes, sets the auto-reset `ev` `sets` times (each set
    acknowledged through `ack` before the next), then sets `quit_`; returns the children."""
    kids = [spawn(waiter) for _ in range(3)]
    for k in kids:
        assert k.stdout.readline().strip() == "ready"
    for _ in range(sets):
        e.SetEvent(ev)
        assert e.WaitForSingleObject(ack, LONG) == e.WAIT_OBJECT_0
    e.SetEvent(quit_)
    return kids

def run(code, timeout=60):
    p = spawn(code)
    out, _ = p.communicate(timeout=timeout)
    assert p.returncode == 0, out
    return out.split()


def objects_dir():
    return os.path.join(os.environ["XDG_RUNTIME_DIR"], "winfile", "objects")


# ---- creation, ALREADY_EXISTS, namespaces ----------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "Local\\", "Global\\"])
def test_single_instance_mutex_idiom(prefix):
    name = uniq(prefix)
    m = e.CreateMutex(None, False, name)
    assert win32api.GetLastError() == 0
    out = run(f"""
        m = e.CreateMutex(None, False, {name!r})
        print(win32api.GetLastError() == winerror.ERROR_ALREADY_EXISTS)
        """)
    assert out == ["True"]
    m.Close()
    # The last handle closed: the next creator makes a new object.
    out = run(f"""
        m = e.CreateMutex(None, False, {name!r})
        print(win32api.GetLastError())
        """)
    assert out == ["0"]


def test_local_and_bare_names_are_one_object_and_global_another():
    base = uniq()
    ev = e.CreateEvent(None, True, False, base)
    local = e.CreateEvent(None, True, False, "Local\\" + base)
    assert win32api.GetLastError() == winerror.ERROR_ALREADY_EXISTS
    glob = e.CreateEvent(None, True, False, "Global\\" + base)
    assert win32api.GetLastError() == 0
    e.SetEvent(local)
    assert e.WaitForSingleObject(ev, 0) == e.WAIT_OBJECT_0
    assert e.WaitForSingleObject(glob, 0) == e.WAIT_TIMEOUT
    for h in (ev, local, glob):
        h.Close()


def test_names_are_case_sensitive_and_missing_names_fail_with_2():
    name = uniq("Case")
    ev = e.CreateEvent(None, True, False, name)
    with pytest.raises(pywintypes.error) as exc:
        e.OpenEvent(e.EVENT_ALL_ACCESS, False, name.upper())
    assert (exc.value.winerror, exc.value.funcname) == (winerror.ERROR_FILE_NOT_FOUND, "OpenEvent")
    assert win32api.GetLastError() == winerror.ERROR_FILE_NOT_FOUND
    out = run(f"""
        try:
            e.OpenEvent(e.EVENT_ALL_ACCESS, False, {name.lower()!r})
        except pywintypes.error as x:
            print(x.winerror)
        h = e.OpenEvent(e.EVENT_ALL_ACCESS, False, {name!r})
        print("opened")
        """)
    assert out == ["2", "opened"]
    ev.Close()


def test_name_collisions_across_types_fail_with_invalid_handle():
    name = uniq()
    ev = e.CreateEvent(None, False, False, name)
    for make in (lambda: e.CreateMutex(None, False, name),
                 lambda: e.CreateSemaphore(None, 0, 1, name),
                 lambda: e.CreateWaitableTimer(None, False, name),
                 lambda: e.OpenMutex(e.SYNCHRONIZE, False, name),
                 lambda: e.OpenSemaphore(e.SYNCHRONIZE, False, name),
                 lambda: e.OpenWaitableTimer(e.SYNCHRONIZE, False, name)):
        with pytest.raises(pywintypes.error) as exc:
            make()
        assert exc.value.winerror == winerror.ERROR_INVALID_HANDLE
    out = run(f"""
        for make in (lambda: e.CreateMutex(None, False, {name!r}), lambda: e.OpenSemaphore(e.SYNCHRONIZE, 0, {name!r})):
            try:
                make()
            except pywintypes.error as x:
                print(x.winerror)
        """)
    assert out == ["6", "6"]
    ev.Close()


def test_bad_names_access_masks_and_handles():
    with pytest.raises(pywintypes.error) as exc:
        e.CreateEvent(None, 0, 0, "x" * 261)
    assert exc.value.winerror == winerror.ERROR_FILENAME_EXCED_RANGE
    ok = uniq()
    ok = ok + "y" * (260 - len(ok))
    h = e.CreateEvent(None, 0, 0, ok)  # exactly MAX_PATH characters
    h.Close()
    name = uniq()
    ev = e.CreateEvent(None, 0, 0, name)
    with pytest.raises(pywintypes.error) as exc:
        e.OpenEvent(0x4, False, name)  # no such event right
    assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:
        e.OpenEvent(0x00400000, False, name)  # a reserved bit
    assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER
    sync_only = e.OpenEvent(e.SYNCHRONIZE, False, name)
    with pytest.raises(pywintypes.error) as exc:
        e.SetEvent(sync_only)
    assert exc.value.winerror == winerror.ERROR_ACCESS_DENIED
    modify_only = e.OpenEvent(e.EVENT_MODIFY_STATE, False, name)
    e.SetEvent(modify_only)
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForSingleObject(modify_only, 0)
    assert exc.value.winerror == winerror.ERROR_ACCESS_DENIED
    assert e.WaitForSingleObject(sync_only, 0) == e.WAIT_OBJECT_0
    generic = e.OpenEvent(0x80000000 | 0x40000000 | 0x20000000, False, name)  # GENERIC_READ|WRITE|EXECUTE
    e.SetEvent(generic)
    assert e.WaitForSingleObject(generic, 0) == e.WAIT_OBJECT_0
    raw = int(generic)
    generic.Close()
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForSingleObject(raw, 0)
    assert exc.value.winerror == winerror.ERROR_INVALID_HANDLE
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForMultipleObjects([ev] * (e.MAXIMUM_WAIT_OBJECTS + 1), False, 0)
    assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER
    # The same object twice in a wait-all (through two handles) is refused as on Windows.
    with pytest.raises(pywintypes.error) as exc:
        e.WaitForMultipleObjects([ev, sync_only], True, 0)
    assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER
    for h in (ev, sync_only, modify_only):
        h.Close()


# ---- mutexes ---------------------------------------------------------------------------------

def test_mutex_ownership_across_processes():
    name = uniq()
    m = e.CreateMutex(None, True, name)
    assert e.WaitForSingleObject(m, 0) == e.WAIT_OBJECT_0  # recursion
    out = run(f"""
        m = e.OpenMutex(e.SYNCHRONIZE, False, {name!r})
        print(e.WaitForSingleObject(m, 0))
        try:
            e.ReleaseMutex(m)
        except pywintypes.error as x:
            print(x.winerror)
        """)
    assert out == [str(e.WAIT_TIMEOUT), "288"]
    e.ReleaseMutex(m)
    e.ReleaseMutex(m)
    with pytest.raises(pywintypes.error) as exc:
        e.ReleaseMutex(m)
    assert exc.value.winerror == winerror.ERROR_NOT_OWNER
    out = run(f"""
        m = e.OpenMutex(e.SYNCHRONIZE, False, {name!r})
        print(e.WaitForSingleObject(m, 0))
        e.ReleaseMutex(m)
        """)
    assert out == ["0"]
    m.Close()


def test_abandoned_mutex_after_sigkill_of_the_owner_100_times():
    rng = random.Random(12)
    name = uniq()
    m = e.CreateMutex(None, False, name)
    child = f"""
        m = e.OpenMutex(e.SYNCHRONIZE, False, {name!r})
        side = e.CreateEvent(None, False, False, {name + "-side"!r})
        print("ready", flush=True)
        while True:
            r = e.WaitForSingleObject(m, {LONG})
            assert r in (0, 128), r
            e.SetEvent(side)
            e.ReleaseMutex(m)
        """
    outcomes = []
    for _ in range(100):
        p = spawn(child)
        assert p.stdout.readline().strip() == "ready"
        # Hold it sometimes, so the child also dies while waiting or blocked.
        hold = rng.random() < 0.3
        if hold:
            assert e.WaitForSingleObject(m, LONG) in (0, 128)
        threading.Event().wait(rng.random() * 0.004)
        if hold:
            e.ReleaseMutex(m)
        threading.Event().wait(rng.random() * 0.002)
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stdout.close()
        p.stdin.close()
        r = e.WaitForSingleObject(m, LONG)
        assert r in (e.WAIT_OBJECT_0, e.WAIT_ABANDONED), r
        outcomes.append(r)
        e.ReleaseMutex(m)
    assert e.WAIT_ABANDONED in outcomes  # the child owned it at some of the kills
    # Nothing is stuck: the mutex is free and unowned for another process.
    out = run(f"""
        m = e.OpenMutex(e.SYNCHRONIZE, False, {name!r})
        print(e.WaitForSingleObject(m, 0))
        e.ReleaseMutex(m)
        """)
    assert out == ["0"]
    m.Close()
    # Every holder is gone: the name no longer exists and its files are reclaimed.
    for opener, n in ((e.OpenMutex, name), (e.OpenEvent, name + "-side")):
        with pytest.raises(pywintypes.error) as exc:
            opener(e.SYNCHRONIZE, False, n)
        assert exc.value.winerror == winerror.ERROR_FILE_NOT_FOUND


def test_stale_objects_of_killed_processes_are_reclaimed(tmp_path, monkeypatch):
    d = tmp_path / "rt"
    d.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(d))
    names = [uniq() for _ in range(3)]
    p = spawn(f"""
        hs = [e.CreateEvent(None, 0, 0, {names[0]!r}), e.CreateMutex(None, 1, {names[1]!r}),
              e.CreateSemaphore(None, 1, 2, {names[2]!r})]
        print("ready", flush=True)
        sys.stdin.read()
        """)
    assert p.stdout.readline().strip() == "ready"
    objects = d / "winfile" / "objects"
    assert len([f for f in os.listdir(objects) if not f.startswith(".")]) == 3
    p.kill()
    p.wait()
    p.stdout.close()
    p.stdin.close()
    for opener, n in zip((e.OpenEvent, e.OpenMutex, e.OpenSemaphore), names):
        with pytest.raises(pywintypes.error) as exc:
            opener(e.SYNCHRONIZE, False, n)
        assert exc.value.winerror == winerror.ERROR_FILE_NOT_FOUND
    assert [f for f in os.listdir(objects) if not f.startswith(".")] == []
    # Names nobody opens again are swept when a process next creates an object there.
    p = spawn(f"""
        hs = [e.CreateEvent(None, 0, 0, {names[0]!r}), e.CreateMutex(None, 1, {names[1]!r})]
        print("ready", flush=True)
        sys.stdin.read()
        """)
    assert p.stdout.readline().strip() == "ready"
    p.kill()
    p.wait()
    p.stdout.close()
    p.stdin.close()
    assert len([f for f in os.listdir(objects) if not f.startswith(".")]) == 2
    out = run(f"""
        h = e.CreateSemaphore(None, 0, 1, {uniq()!r})
        print(len([f for f in os.listdir({str(objects)!r}) if not f.startswith(".")]))
        """)
    assert out == ["1"]


def test_mutex_owned_by_a_thread_that_exits_is_abandoned_for_other_processes():
    name = uniq()
    out = run(f"""
        import threading
        m = e.CreateMutex(None, False, {name!r})
        t = threading.Thread(target=lambda: e.WaitForSingleObject(m, 0))
        t.start(); t.join()
        print(e.WaitForSingleObject(m, {LONG}))
        """)
    assert out == [str(e.WAIT_ABANDONED)]


# ---- events ----------------------------------------------------------------------------------

def test_auto_reset_event_wakes_one_waiter_per_set_across_processes():
    name, ack_name, quit_name = uniq(), uniq(), uniq()
    ev = e.CreateEvent(None, False, False, name)
    ack = e.CreateEvent(None, False, False, ack_name)
    quit_ = e.CreateEvent(None, True, False, quit_name)
    waiter = f"""
        ev = e.OpenEvent(e.SYNCHRONIZE, False, {name!r})
        ack = e.OpenEvent(e.EVENT_MODIFY_STATE, False, {ack_name!r})
        quit_ = e.OpenEvent(e.SYNCHRONIZE, False, {quit_name!r})
        print("ready", flush=True)
        wakes = 0
        while e.WaitForMultipleObjects([ev, quit_], False, {LONG}) == 0:
            wakes += 1
            e.SetEvent(ack)
        print(wakes, flush=True)
        """
    sets = 40
    kids = _waiters_take_sets(waiter, ev, ack, quit_, sets)
    wakes = []
    for k in kids:
        out, _ = k.communicate(timeout=60)
        assert k.returncode == 0
        wakes.append(int(out.split()[-1]))
    assert sum(wakes) == sets
    assert e.WaitForSingleObject(ack, 0) == e.WAIT_TIMEOUT


def test_manual_event_and_pulse_across_processes():
    name = uniq()
    ev = e.CreateEvent(None, True, True, name)
    out = run(f"""
        ev = e.OpenEvent(e.EVENT_ALL_ACCESS, False, {name!r})
        print(e.WaitForSingleObject(ev, 0), e.WaitForSingleObject(ev, 0))
        e.PulseEvent(ev)   # no waiters: just resets
        print(e.WaitForSingleObject(ev, 0))
        """)
    assert out == ["0", "0", "258"]
    assert e.WaitForSingleObject(ev, 0) == e.WAIT_TIMEOUT
    ev.Close()


def test_pulse_releases_a_waiting_thread_of_another_process():
    name, ready = uniq(), uniq()
    ev = e.CreateEvent(None, False, False, name)
    rd = e.CreateEvent(None, True, False, ready)
    p = spawn(f"""
        ev = e.OpenEvent(e.SYNCHRONIZE, False, {name!r})
        rd = e.OpenEvent(e.EVENT_MODIFY_STATE, False, {ready!r})
        # Signal readiness and wait in one call, as a pulse needs a present waiter.
        e.SignalObjectAndWait(rd, ev, {LONG}, False)
        """)
    assert e.WaitForSingleObject(rd, LONG) == 0
    # The child is waiting, or about to: pulse until it leaves (a pulse without a
    # waiter is lost, as on Windows).
    while p.poll() is None:
        e.PulseEvent(ev)
        try:
            p.wait(0.01)
        except subprocess.TimeoutExpired:
            pass
    out, _ = p.communicate()
    # pywin32 reads SignalObjectAndWait's DWORD as a BOOL: WAIT_OBJECT_0 raises error 0.
    assert "error: (0, 'SignalObjectAndWait'" in out or p.returncode != 0
    assert e.WaitForSingleObject(ev, 0) == e.WAIT_TIMEOUT  # a pulse never leaves it set


# ---- semaphores ------------------------------------------------------------------------------

def test_semaphore_counts_across_processes():
    name = uniq()
    s = e.CreateSemaphore(None, 0, 5, name)
    out = run(f"""
        s = e.OpenSemaphore(e.EVENT_ALL_ACCESS, False, {name!r})
        print(e.ReleaseSemaphore(s, 3))
        try:
            e.ReleaseSemaphore(s, 3)
        except pywintypes.error as x:
            print(x.winerror)
        print(e.WaitForSingleObject(s, 0))
        """)
    assert out == ["0", "298", "0"]
    assert [e.WaitForSingleObject(s, 0) for _ in range(3)] == [0, 0, e.WAIT_TIMEOUT]
    assert e.ReleaseSemaphore(s, 5) == 0
    again = e.CreateSemaphore(None, 1, 1, name)  # the existing one: its counts stay
    assert win32api.GetLastError() == winerror.ERROR_ALREADY_EXISTS
    # Still the first object's maximum (5) and count (5): one more is too many.
    with pytest.raises(pywintypes.error) as exc:
        e.ReleaseSemaphore(again, 1)
    assert exc.value.winerror == winerror.ERROR_TOO_MANY_POSTS
    s.Close()
    again.Close()


# ---- wait-all and mixed waits ----------------------------------------------------------------

def test_wait_all_across_processes_is_atomic():
    a_name, b_name = uniq(), uniq()
    a = e.CreateEvent(None, False, False, a_name)
    b = e.CreateSemaphore(None, 0, 10, b_name)
    p = spawn(f"""
        a = e.OpenEvent(e.SYNCHRONIZE, False, {a_name!r})
        b = e.OpenSemaphore(e.SYNCHRONIZE, False, {b_name!r})
        print("ready", flush=True)
        print(e.WaitForMultipleObjects([a, b], True, {LONG}), flush=True)
        """)
    assert p.stdout.readline().strip() == "ready"
    e.SetEvent(a)
    # The child cannot take `a` without `b`: the event stays for us.
    assert e.WaitForSingleObject(a, LONG) == 0
    e.ReleaseSemaphore(b, 1)
    assert e.WaitForSingleObject(b, LONG) == 0  # likewise the count
    e.SetEvent(a)
    e.ReleaseSemaphore(b, 1)
    out, _ = p.communicate(timeout=60)
    assert out.split() == ["0"]
    assert e.WaitForSingleObject(a, 0) == e.WAIT_TIMEOUT
    assert e.WaitForSingleObject(b, 0) == e.WAIT_TIMEOUT


def test_named_and_in_process_objects_in_one_wait():
    name = uniq()
    named = e.CreateEvent(None, False, False, name)
    local = e.CreateEvent(None, False, False, None)
    p = spawn(f"""
        ev = e.OpenEvent(e.EVENT_MODIFY_STATE, False, {name!r})
        sys.stdin.readline()
        e.SetEvent(ev)
        """)
    results = []
    t = threading.Thread(target=lambda: results.append(e.WaitForMultipleObjects([local, named], False, LONG)))
    t.start()
    p.stdin.write("go\n")
    p.stdin.flush()
    t.join()
    p.communicate(timeout=60)
    assert results == [1]
    # An in-process signal ends a wait that also involves a named object.
    t = threading.Thread(target=lambda: results.append(e.WaitForMultipleObjects([named, local], False, LONG)))
    t.start()
    e.SetEvent(local)
    t.join()
    assert results == [1, 1]
    # Wait-all over both kinds.
    e.SetEvent(local)
    assert e.WaitForMultipleObjects([named, local], True, 0) == e.WAIT_TIMEOUT
    run(f"""
        e.SetEvent(e.OpenEvent(e.EVENT_MODIFY_STATE, False, {name!r}))
        """)
    assert e.WaitForMultipleObjects([named, local], True, LONG) == 0
    assert e.WaitForMultipleObjects([named, local], False, 0) == e.WAIT_TIMEOUT
    # MsgWaitForMultipleObjects: handles only; empty and 0 ms is a timeout.
    assert e.MsgWaitForMultipleObjects([], False, 0, e.QS_ALLINPUT) == e.WAIT_TIMEOUT
    e.SetEvent(named)
    assert e.MsgWaitForMultipleObjects([local, named], False, 0, e.QS_ALLINPUT) == 1


def test_named_event_as_overlapped_event(tmp_path):
    import win32file
    name = uniq()
    ev = e.CreateEvent(None, True, False, name)
    path = str(tmp_path / "f.bin")
    h = win32file.CreateFile(path, 0xC0000000, 0, None, win32file.CREATE_ALWAYS,
                             win32file.FILE_FLAG_OVERLAPPED, None)
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = ev
    win32file.WriteFile(h, b"abc", ol)
    assert e.WaitForSingleObject(ev, LONG) == 0
    assert win32file.GetOverlappedResult(h, ol, True) == 3
    h.Close()


# ---- timers ----------------------------------------------------------------------------------

def test_named_timer_across_processes():
    name = uniq()
    t = e.CreateWaitableTimer(None, False, name)
    p = spawn(f"""
        t = e.OpenWaitableTimer(e.SYNCHRONIZE, False, {name!r})
        print("ready", flush=True)
        print(e.WaitForSingleObject(t, {LONG}), flush=True)
        print(e.WaitForSingleObject(t, 0), flush=True)
        """)
    assert p.stdout.readline().strip() == "ready"
    e.SetWaitableTimer(t, -200_000, 0, None, None, False)  # 20 ms
    out, _ = p.communicate(timeout=60)
    assert out.split() == ["0", "258"]  # a synchronization timer resets when a wait takes it


def test_create_waitable_timer_ex_flags_and_access():
    name = uniq()
    t = e.CreateWaitableTimerEx(None, name, e.CREATE_WAITABLE_TIMER_MANUAL_RESET
                                | e.CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, e.TIMER_ALL_ACCESS)
    assert win32api.GetLastError() == 0
    e.SetWaitableTimer(t, -10_000, 0, None, None, False)
    assert e.WaitForSingleObject(t, LONG) == 0
    assert e.WaitForSingleObject(t, 0) == 0  # manual reset: stays signaled
    with pytest.raises(pywintypes.error) as exc:
        e.CreateWaitableTimerEx(None, uniq(), 0x4, e.TIMER_ALL_ACCESS)
    assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:
        e.CreateWaitableTimerEx(None, uniq(), 0, 0x8)
    assert exc.value.winerror == winerror.ERROR_INVALID_PARAMETER
    q = e.OpenWaitableTimer(e.TIMER_QUERY_STATE | e.SYNCHRONIZE, False, name)
    with pytest.raises(pywintypes.error) as exc:
        e.SetWaitableTimer(q, -1, 0, None, None, False)
    assert exc.value.winerror == winerror.ERROR_ACCESS_DENIED
    out = run(f"""
        t = e.CreateWaitableTimerEx(None, {name!r}, 0, e.TIMER_ALL_ACCESS)
        print(win32api.GetLastError(), e.WaitForSingleObject(t, 0))
        e.CancelWaitableTimer(t)
        """)
    assert out == ["183", "0"]
    unnamed = e.CreateWaitableTimerEx(None, None, e.CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, e.TIMER_ALL_ACCESS)
    e.SetWaitableTimer(unnamed, -1, 0, None, None, False)
    assert e.WaitForSingleObject(unnamed, LONG) == 0


def test_periodic_named_timer():
    name = uniq()
    t = e.CreateWaitableTimer(None, False, name)
    e.SetWaitableTimer(t, -10_000, 2, None, None, False)
    out = run(f"""
        t = e.OpenWaitableTimer(e.SYNCHRONIZE, False, {name!r})
        print(all(e.WaitForSingleObject(t, {LONG}) == 0 for _ in range(5)))
        """)
    assert out == ["True"]
    e.CancelWaitableTimer(t)


# ---- lifetime --------------------------------------------------------------------------------

def test_object_lives_while_any_process_holds_a_handle_and_not_after():
    name = uniq()
    ev = e.CreateEvent(None, True, True, name)
    p = spawn(f"""
        ev = e.OpenEvent(e.SYNCHRONIZE, False, {name!r})
        print("ready", flush=True)
        sys.stdin.readline()
        """)
    assert p.stdout.readline().strip() == "ready"
    ev.Close()  # the child still holds it
    again = e.OpenEvent(e.SYNCHRONIZE, False, name)
    assert e.WaitForSingleObject(again, 0) == 0
    again.Close()
    p.stdin.write("\n")
    p.stdin.flush()
    p.communicate(timeout=60)
    with pytest.raises(pywintypes.error) as exc:
        e.OpenEvent(e.SYNCHRONIZE, False, name)
    assert exc.value.winerror == winerror.ERROR_FILE_NOT_FOUND
    fresh = e.CreateEvent(None, True, False, name)
    assert win32api.GetLastError() == 0
    assert e.WaitForSingleObject(fresh, 0) == e.WAIT_TIMEOUT  # a new object, not the old state
    fresh.Close()


def test_signal_object_and_wait_follows_pywin32():
    a, b = e.CreateEvent(None, False, False, uniq()), e.CreateEvent(None, True, True, None)
    with pytest.raises(pywintypes.error) as exc:
        e.SignalObjectAndWait(a, b, 0, False)
    assert (exc.value.winerror, exc.value.funcname) == (0, "SignalObjectAndWait")
    assert e.WaitForSingleObject(a, 0) == 0  # it was signaled
    e.ResetEvent(b)
    assert e.SignalObjectAndWait(a, b, 0, False) is None  # WAIT_TIMEOUT
    with pytest.raises(pywintypes.error) as exc:
        e.SignalObjectAndWait(e.CreateWaitableTimer(None, 0, None), b, 0, False)
    assert exc.value.winerror == winerror.ERROR_INVALID_HANDLE


def test_infinite_wait_on_a_named_object_is_interruptible():
    ev = e.CreateEvent(None, 0, 0, uniq())
    local = e.CreateEvent(None, 0, 0, None)

    def alarm(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, alarm)
    try:
        for handles in ([ev], [ev, local]):
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            with pytest.raises(KeyboardInterrupt):
                e.WaitForMultipleObjects(handles, False, e.INFINITE)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    # The interrupted waits left nothing behind: a set is taken by the next wait.
    e.SetEvent(ev)
    assert e.WaitForSingleObject(ev, 0) == e.WAIT_OBJECT_0


def test_a_forked_child_counts_an_inherited_handle_once_it_uses_it():
    name = uniq()
    ev = e.CreateEvent(None, True, False, name)
    up_r, up_w = os.pipe()  # child -> parent
    down_r, down_w = os.pipe()  # parent -> child
    pid = os.fork()
    if pid == 0:  # the child: use the inherited handle, then report and wait for the parent
        ok = False
        try:
            e.SetEvent(ev)
            os.write(up_w, b"s")
            os.read(down_r, 1)
            ok = e.WaitForSingleObject(ev, 0) == 0
        finally:
            os._exit(0 if ok else 1)
    assert os.read(up_r, 1) == b"s"
    ev.Close()  # only the child holds it now
    out = run(f"""
        h = e.OpenEvent(e.SYNCHRONIZE, False, {name!r})
        print(e.WaitForSingleObject(h, 0))
        """)
    assert out == ["0"]
    os.write(down_w, b"x")
    assert os.waitpid(pid, 0)[1] == 0
    for fd in (up_r, up_w, down_r, down_w):
        os.close(fd)
    with pytest.raises(pywintypes.error) as exc:
        e.OpenEvent(e.SYNCHRONIZE, False, name)
    assert exc.value.winerror == winerror.ERROR_FILE_NOT_FOUND


def test_auto_reset_event_with_single_object_waiters_wakes_one_per_set():
    # Every sleeper waits on the event alone: each set wakes exactly one of them.
    name, ack_name, quit_name = uniq(), uniq(), uniq()
    ev = e.CreateEvent(None, False, False, name)
    ack = e.CreateEvent(None, False, False, ack_name)
    quit_ = e.CreateEvent(None, True, False, quit_name)
    waiter = f"""
        ev = e.OpenEvent(e.SYNCHRONIZE, False, {name!r})
        ack = e.OpenEvent(e.EVENT_MODIFY_STATE, False, {ack_name!r})
        quit_ = e.OpenEvent(e.SYNCHRONIZE, False, {quit_name!r})
        print("ready", flush=True)
        wakes = 0
        while e.WaitForSingleObject(ev, {LONG}) == 0 and e.WaitForSingleObject(quit_, 0) != 0:
            wakes += 1
            e.SetEvent(ack)
        print(wakes, flush=True)
        """
    sets = 40
    kids = _waiters_take_sets(waiter, ev, ack, quit_, sets)
    alive = list(kids)
    for _ in kids:  # one set per waiter: each releases one of them, which then leaves
        e.SetEvent(ev)
        while not any(k.poll() is not None for k in alive):
            threading.Event().wait(0.005)
        alive.remove(next(k for k in alive if k.poll() is not None))
    wakes = []
    for k in kids:
        out, _ = k.communicate(timeout=60)
        assert k.returncode == 0
        wakes.append(int(out.split()[-1]))
    assert sum(wakes) == sets
    assert e.WaitForSingleObject(ack, 0) == e.WAIT_TIMEOUT
