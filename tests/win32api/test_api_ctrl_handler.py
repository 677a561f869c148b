"""win32api.SetConsoleCtrlHandler: signals delivered to child processes as console events."""
import signal

import pytest
import win32api

PRELUDE = (
    "import os, signal, sys, win32api, win32con\n"
    "events = []\n"
    "def deliver(sig):\n"
    "    os.kill(os.getpid(), sig)\n"
    "    for _ in range(1000):\n"
    "        if events:\n"
    "            break\n"
    "        win32api.Sleep(1)\n"
)


def test_handler_that_returns_true_stops_ctrl_c(run_child):
    code = PRELUDE + (
        "def h(event):\n"
        "    events.append(event)\n"
        "    return True\n"
        "win32api.SetConsoleCtrlHandler(h, True)\n"
        "deliver(signal.SIGINT)\n"
        "print(events, events[0] == win32con.CTRL_C_EVENT)\n"
    )
    r = run_child(code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[0] True"


def test_last_registered_first_and_true_stops_the_chain(run_child):
    code = PRELUDE + (
        "win32api.SetConsoleCtrlHandler(lambda e: events.append('first') or True, True)\n"
        "win32api.SetConsoleCtrlHandler(lambda e: events.append('second') or False, True)\n"
        "win32api.SetConsoleCtrlHandler(lambda e: events.append('third') or True, True)\n"
        "deliver(signal.SIGINT)\n"
        "print(events)\n"
    )
    r = run_child(code)
    assert r.stdout.strip() == "['third']", r.stderr
    code = PRELUDE + (
        "win32api.SetConsoleCtrlHandler(lambda e: events.append('first') or True, True)\n"
        "win32api.SetConsoleCtrlHandler(lambda e: events.append('second') or False, True)\n"
        "deliver(signal.SIGINT)\n"
        "print(events)\n"
    )
    r = run_child(code)
    assert r.stdout.strip() == "['second', 'first']", r.stderr


def test_no_handler_true_runs_the_default_keyboard_interrupt(run_child):
    code = PRELUDE + (
        "win32api.SetConsoleCtrlHandler(lambda e: events.append(e) or False, True)\n"
        "try:\n"
        "    deliver(signal.SIGINT)\n"
        "except KeyboardInterrupt:\n"
        "    print('KeyboardInterrupt', events)\n"
    )
    r = run_child(code)
    assert r.stdout.strip() == "KeyboardInterrupt [0]", r.stderr


def test_removed_handler_is_not_called_and_signals_are_given_back(run_child):
    code = PRELUDE + (
        "h = lambda e: events.append(e) or True\n"
        "win32api.SetConsoleCtrlHandler(h, True)\n"
        "win32api.SetConsoleCtrlHandler(h, False)\n"
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
        "try:\n"
        "    deliver(signal.SIGINT)\n"
        "except KeyboardInterrupt:\n"
        "    print('KeyboardInterrupt', events)\n"
    )
    r = run_child(code)
    assert r.stdout.split() == ["True", "KeyboardInterrupt", "[]"], r.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_close_event_runs_handlers_then_ends_the_process(run_child, sig):
    code = PRELUDE + (
        "def h(event):\n"
        "    print('close', event == win32con.CTRL_CLOSE_EVENT, flush=True)\n"
        "    return True\n"
        "win32api.SetConsoleCtrlHandler(h, True)\n"
        "deliver(%d)\n"
        "print('still alive')\n" % sig
    )
    r = run_child(code)
    assert r.stdout.strip() == "close True", r.stderr
    # As Windows ends a process after its close handlers: by the signal's default action.
    assert r.returncode == -sig


def test_ignore_ctrl_c_is_inherited(run_child):
    code = PRELUDE + (
        "import subprocess\n"
        "win32api.SetConsoleCtrlHandler(lambda e: events.append(e) or True, True)\n"
        "win32api.SetConsoleCtrlHandler(None, True)\n"
        "deliver(signal.SIGINT)\n"
        "child = subprocess.run([sys.executable, '-c', 'import signal; print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)'],\n"
        "                       capture_output=True, text=True).stdout.strip()\n"
        "print(events, child)\n"
        "win32api.SetConsoleCtrlHandler(None, False)\n"
        "deliver(signal.SIGINT)\n"
        "print(events)\n"
    )
    r = run_child(code)
    assert r.stdout.split("\n")[:2] == ["[] True", "[0]"], r.stdout + r.stderr


def test_argument_errors():
    with pytest.raises(TypeError):
        win32api.SetConsoleCtrlHandler(42, True)
    with pytest.raises(TypeError):
        win32api.SetConsoleCtrlHandler(lambda e: True)
    e = pytest.raises(win32api.error, win32api.SetConsoleCtrlHandler, lambda e: True, False).value
    assert (e.winerror, e.funcname) == (87, "SetConsoleCtrlHandler")
    with pytest.raises(OverflowError):
        win32api.SetConsoleCtrlHandler(lambda e: True, 2**40)
