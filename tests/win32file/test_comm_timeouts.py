"""COMMTIMEOUTS: each of Windows' ReadFile/WriteFile rules on a pseudo-terminal COM port,
with measured elapsed times (lower bounds from the rule, generous upper bounds)."""
import os
import threading
import time

import win32file

from comm_helpers import MAXDWORD, pty_port


def timed(call, *args):
    t = time.monotonic()
    r = call(*args)
    return r, time.monotonic() - t


def later(delay, fn, *args):
    t = threading.Timer(delay, fn, args)
    t.start()
    return t


def test_maxdword_0_0_returns_at_once():
    with pty_port(70) as p:
        win32file.SetCommTimeouts(p.h, (MAXDWORD, 0, 0, 0, 0))
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        assert (rc, data) == (0, b"") and dt < 1.0
        p.write_master(b"abc")
        time.sleep(0.05)
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        assert data == b"abc" and dt < 1.0


def test_total_constant_timeout():
    with pty_port(71) as p:
        win32file.SetCommTimeouts(p.h, (0, 0, 300, 0, 0))
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        assert (rc, data) == (0, b"")  # a timeout is not an error
        assert 0.28 <= dt < 5
        # Fewer bytes than asked: they come back when the total expires.
        p.write_master(b"ab")
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        assert data == b"ab" and 0.28 <= dt < 5


def test_total_multiplier_timeout():
    with pty_port(72) as p:
        win32file.SetCommTimeouts(p.h, (0, 100, 50, 0, 0))  # 3 bytes: 100*3 + 50 ms
        (rc, data), dt = timed(win32file.ReadFile, p.h, 3)
        assert data == b"" and 0.33 <= dt < 5
        p.write_master(b"xyz")
        (rc, data), dt = timed(win32file.ReadFile, p.h, 3)
        assert data == b"xyz" and dt < 1.0  # full buffer: no wait


def test_interval_timeout_starts_with_the_first_byte():
    with pty_port(73) as p:
        win32file.SetCommTimeouts(p.h, (100, 0, 0, 0, 0))
        p.write_master(b"ab")
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        assert data == b"ab" and 0.09 <= dt < 5
        # No byte yet: the interval has not started; the read waits for the first one.
        t = later(0.4, p.write_master, b"x")
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        t.join()
        assert data == b"x" and dt >= 0.38 + 0.09 and dt < 5


def test_interval_timeout_while_bytes_trickle():
    with pty_port(74) as p:
        win32file.SetCommTimeouts(p.h, (300, 0, 0, 0, 0))

        def trickle():
            for c in b"123456":
                p.write_master(bytes([c]))
                time.sleep(0.05)

        t = threading.Thread(target=trickle)
        t.start()
        (rc, data), dt = timed(win32file.ReadFile, p.h, 100)
        t.join()
        assert data == b"123456"
        assert dt >= 0.25 + 0.28 and dt < 5


def test_interval_and_total_whichever_first():
    with pty_port(75) as p:
        win32file.SetCommTimeouts(p.h, (2000, 0, 300, 0, 0))
        p.write_master(b"q")
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        assert data == b"q" and 0.28 <= dt < 1.9


def test_first_byte_rule():
    with pty_port(76) as p:
        win32file.SetCommTimeouts(p.h, (MAXDWORD, MAXDWORD, 2000, 0, 0))
        # Buffered bytes come back at once.
        p.write_master(b"now")
        time.sleep(0.05)
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        assert data == b"now" and dt < 1.0
        # Nothing buffered: returns as soon as a byte arrives, well before the constant.
        t = later(0.3, p.write_master, b"xyz")
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        t.join()
        assert data and b"xyz".startswith(data) and 0.28 <= dt < 1.9
        rest = win32file.ReadFile(p.h, 10)[1] if len(data) < 3 else b""
        assert data + rest == b"xyz"
        # Nothing at all: empty after the constant.
        win32file.SetCommTimeouts(p.h, (MAXDWORD, MAXDWORD, 300, 0, 0))
        (rc, data), dt = timed(win32file.ReadFile, p.h, 10)
        assert data == b"" and 0.28 <= dt < 5


def test_all_zero_waits_for_a_full_buffer():
    with pty_port(77) as p:
        win32file.SetCommTimeouts(p.h, (0, 0, 0, 0, 0))

        def slow():
            for c in b"abc":
                time.sleep(0.1)
                p.write_master(bytes([c]))

        t = threading.Thread(target=slow)
        t.start()
        (rc, data), dt = timed(win32file.ReadFile, p.h, 3)
        t.join()
        assert data == b"abc" and dt >= 0.28 and dt < 5


def test_write_total_timeouts():
    with pty_port(78) as p:
        # Output held (as if XOFF was received): a write can only time out.
        win32file.EscapeCommFunction(p.h, win32file.SETXOFF)
        win32file.SetCommTimeouts(p.h, (0, 0, 0, 0, 300))
        (rc, n), dt = timed(win32file.WriteFile, p.h, b"x" * 100)
        assert n == 0 and 0.28 <= dt < 5
        win32file.SetCommTimeouts(p.h, (0, 0, 0, 2, 100))  # 2 ms/byte * 200 + 100
        (rc, n), dt = timed(win32file.WriteFile, p.h, b"y" * 200)
        assert n == 0 and 0.48 <= dt < 5
        win32file.EscapeCommFunction(p.h, win32file.SETXON)
        assert win32file.WriteFile(p.h, b"go") == (0, 2)
        assert p.read_master(2) == b"go"
        # The far end never reads: the write stops when the tty's buffers are full.
        win32file.SetCommTimeouts(p.h, (0, 0, 0, 0, 300))
        (rc, n), dt = timed(win32file.WriteFile, p.h, b"z" * (4 << 20))
        assert 0 < n < 4 << 20 and 0.28 <= dt < 5
