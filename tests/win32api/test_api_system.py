"""win32api: temporary names, names of things, ids, the tick count, Sleep, environment."""
import os
import pwd
import re
import socket
import sys
import threading

import pytest
import win32api
import win32con

from helpers import win32_error, winerror_of


def test_get_temp_path_follows_tmpdir(tmp, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp))
    assert win32api.GetTempPath() == str(tmp) + "/"
    monkeypatch.setenv("TMPDIR", "")
    monkeypatch.delenv("TEMP", raising=False)
    monkeypatch.delenv("TMP", raising=False)
    assert win32api.GetTempPath() == "/tmp/"
    monkeypatch.setenv("TEMP", "rel")
    assert win32api.GetTempPath() == os.path.join(os.getcwd(), "rel") + "/"


def test_get_temp_file_name_creates_unique_files(tmp):
    names = set()
    for _ in range(5):
        name, n = win32api.GetTempFileName(str(tmp), "prefix")
        assert name == "%s/pre%X.tmp" % (tmp, n)
        assert 0 < n <= 0xFFFF
        assert os.path.isfile(name) and os.path.getsize(name) == 0
        names.add(name)
    assert len(names) == 5


def test_get_temp_file_name_skips_existing_names(tmp):
    name, n = win32api.GetTempFileName(str(tmp), "a")
    # Occupy the numbers the next call starts from (the tick count, or just after the
    # last number used) and well beyond: it must move past all of them.
    start = win32api.GetTickCount() & 0xFFFF
    taken = {(k & 0xFFFF) or 1 for k in range(start - 16, start + 800)} | {(n + k) & 0xFFFF or 1 for k in range(1, 16)}
    taken.discard(n)
    for k in taken:
        (tmp / ("a%X.tmp" % k)).write_bytes(b"x")
    name2, n2 = win32api.GetTempFileName(str(tmp), "a")
    assert n2 not in taken and n2 != n
    assert name2 == "%s/a%X.tmp" % (tmp, n2) and os.path.getsize(name2) == 0


def test_get_temp_file_name_with_a_number_creates_nothing(tmp):
    name, n = win32api.GetTempFileName(str(tmp), "xy", 0x1ABCD)
    assert (name, n) == ("%s/xy%X.tmp" % (tmp, 0xABCD), 0xABCD)
    assert os.listdir(tmp) == []


def test_get_temp_file_name_windows_style(cdir):
    win, linux = cdir
    name, n = win32api.GetTempFileName(win, "tmp")
    assert name == "%s\\tmp%X.tmp" % (win, n)
    assert (linux / ("tmp%X.tmp" % n)).is_file()
    name2, _ = win32api.GetTempFileName(win + "\\", "")
    assert name2.startswith(win + "\\") and name2.count("\\\\") == 0


def test_get_temp_file_name_errors(tmp):
    e = win32_error(win32api.GetTempFileName, str(tmp / "missing"), "x")
    assert (e.winerror, e.funcname) == (267, "GetTempFileName")
    assert winerror_of(win32api.GetTempFileName, "/" + "a" * 250, "x") == 111
    with pytest.raises(TypeError):
        win32api.GetTempFileName(b"/tmp", "x")


def test_names_and_ids():
    assert win32api.GetCurrentProcessId() == os.getpid()
    assert win32api.GetCurrentThreadId() == threading.get_native_id()
    other = []
    t = threading.Thread(target=lambda: other.append(win32api.GetCurrentThreadId()))
    t.start()
    t.join()
    assert other[0] != win32api.GetCurrentThreadId()
    assert win32api.GetUserName() == pwd.getpwuid(os.geteuid()).pw_name
    expected = socket.gethostname().split(".")[0].upper()[:15]
    assert win32api.GetComputerName() == expected


def test_tick_count_is_uptime_in_ms():
    with open("/proc/uptime") as f:
        uptime_ms = float(f.read().split()[0]) * 1000
    tick = win32api.GetTickCount() & 0xFFFFFFFF
    assert isinstance(win32api.GetTickCount(), int)
    # Same clock family as /proc/uptime (boot time); both read within moments.
    assert abs(tick - (int(uptime_ms) & 0xFFFFFFFF)) < 60_000 or uptime_ms > 2**32
    assert -2**31 <= win32api.GetTickCount() < 2**31


def test_sleep_returns_zero():
    assert win32api.Sleep(0) == 0
    assert win32api.Sleep(1, True) == 0
    with pytest.raises(TypeError):
        win32api.Sleep("1")


def test_sleep_releases_the_gil_and_ctrl_c_ends_it(run_child):
    # A helper thread needs the GIL to send SIGINT; Sleep(INFINITE) only ends by it.
    code = (
        "import os, signal, sys, threading, win32api\n"
        "main = threading.get_ident()\n"
        "def stop():\n"
        "    while sys._current_frames()[main].f_lineno != 9:\n"
        "        pass\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "try:\n"
        "    threading.Thread(target=stop).start()\n"
        "    win32api.Sleep(-1)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
    )
    r = run_child(code, timeout=60)
    assert r.stdout.strip() == "interrupted", r.stderr


def test_get_environment_variable(monkeypatch):
    monkeypatch.setenv("WINFILE_API_VAR", "value é")
    assert win32api.GetEnvironmentVariable("WINFILE_API_VAR") == "value é"
    # Names match ignoring case when the exact spelling is not set, as on Windows.
    assert win32api.GetEnvironmentVariable("winfile_api_var") == "value é"
    assert win32api.GetEnvironmentVariable("WINFILE_API_UNSET") is None
    monkeypatch.setenv("WINFILE_API_EMPTY", "")
    assert win32api.GetEnvironmentVariable("WINFILE_API_EMPTY") == ""
    with pytest.raises(TypeError):
        win32api.GetEnvironmentVariable(b"PATH")


def test_expand_environment_strings(monkeypatch):
    monkeypatch.setenv("WINFILE_A", "one")
    monkeypatch.setenv("WINFILE_B", "two")
    monkeypatch.delenv("WINFILE_NONE", raising=False)
    x = win32api.ExpandEnvironmentStrings
    assert x("%WINFILE_A%\\%winfile_b%") == "one\\two"
    assert x("%WINFILE_NONE%") == "%WINFILE_NONE%"
    assert x("%WINFILE_NONE%%WINFILE_A%") == "%WINFILE_NONE%one"
    assert x("50% off") == "50% off"
    assert x("%%") == "%%"
    assert x("no variables") == "no variables"
    assert x("") == ""
