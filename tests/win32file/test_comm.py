"""Serial ports on pseudo-terminals: names, the DCB, BuildCommDCB, modem lines, queues,
errors. See tests/comm_helpers.py for what a pseudo-terminal cannot show."""
import os
import threading
import time

import pytest
import pywintypes
import win32con
import win32file

from comm_helpers import MAXDWORD, define, null_modem, open_com, pty_port, socat_available, undefine


def err(call, *args):
    with pytest.raises(pywintypes.error) as e:
        call(*args)
    return e.value.winerror


# -- names -----------------------------------------------------------------------------

def test_com_names_resolve_through_the_table_in_any_case():
    with pty_port(41) as p:
        assert win32file.GetFileType(p.h) == win32file.FILE_TYPE_CHAR
        devs = win32file.QueryDosDevice("COM41").split("\0")
        assert devs[0] == "\\??\\" + p.name
        assert "COM41" in win32file.QueryDosDevice(None).split("\0")
        # Exclusive: a second open of the port is ERROR_ACCESS_DENIED, in any spelling.
        assert err(open_com, 41) == 5
        assert err(win32file.CreateFile, r"\\.\com41", win32con.GENERIC_READ, 0, None,
                   win32con.OPEN_EXISTING, 0, None) == 5
    # Closed: the port opens again (lower case, any number of digits).
    master, slave = os.openpty()
    name = os.ttyname(slave)
    define(1234, name)
    try:
        h = win32file.CreateFile(r"\\.\com1234", win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None,
                                 win32con.OPEN_EXISTING, 0, None)
        win32file.WriteFile(h, b"hi")
        assert os.read(master, 10) == b"hi"
        h.Close()
    finally:
        undefine(1234, name)
        os.close(master)
        os.close(slave)


def test_busy_port_across_processes(run_child):
    with pty_port(42) as p:
        code = ("import sys, win32file, win32con, pywintypes\n"
                "try:\n"
                "    win32file.CreateFile(r'\\\\.\\COM42', win32con.GENERIC_READ, 0, None, win32con.OPEN_EXISTING, 0, None)\n"
                "    print('opened')\n"
                "except pywintypes.error as e:\n"
                "    print(e.winerror)\n")
        r = run_child(code)
        assert r.stdout.strip() == "5", r.stderr
        del p


def test_undefined_com_port_is_not_found():
    assert err(open_com, 987654) == 2


def test_non_tty_com_port_gives_invalid_function(tmp):
    f = tmp / "notatty"
    f.write_bytes(b"x")
    define(43, str(f))
    try:
        h = open_com(43)
        for call, args in [
            (win32file.GetCommState, ()), (win32file.GetCommTimeouts, ()), (win32file.ClearCommError, ()),
            (win32file.GetCommModemStatus, ()), (win32file.SetCommMask, (1,)), (win32file.PurgeComm, (8,)),
            (win32file.SetCommBreak, ()), (win32file.EscapeCommFunction, (win32file.SETDTR,)),
        ]:
            assert err(call, h, *args) == 1, call
        h.Close()
    finally:
        undefine(43, str(f))
    h = win32file.CreateFile(str(f), win32con.GENERIC_READ, 0, None, win32con.OPEN_EXISTING, 0, None)
    assert err(win32file.GetCommState, h) == 1
    h.Close()


def test_tty_opened_by_path_is_a_serial_port():
    master, slave = os.openpty()
    try:
        h = win32file.CreateFile(os.ttyname(slave), win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None,
                                 win32con.OPEN_EXISTING, 0, None)
        win32file.SetCommTimeouts(h, (MAXDWORD, 0, 0, 0, 0))
        assert win32file.ReadFile(h, 10) == (0, b"")
        h.Close()
    finally:
        os.close(master)
        os.close(slave)


# -- DCB -------------------------------------------------------------------------------

def test_dcb_object_attributes():
    d = win32file.DCB()
    assert d.DCBlength == 28 and d.BaudRate == 0 and d.fBinary == 0 and d.XonChar == "\0"
    for name in ["fBinary", "fParity", "fOutxCtsFlow", "fOutxDsrFlow", "fDsrSensitivity", "fTXContinueOnXoff",
                 "fOutX", "fInX", "fErrorChar", "fNull", "fAbortOnError"]:
        setattr(d, name, 1)
        assert getattr(d, name) == 1
        setattr(d, name, 3)  # a one-bit field keeps its low bit
        assert getattr(d, name) == 1
    d.fDtrControl = 2
    d.fRtsControl = 3
    assert (d.fDtrControl, d.fRtsControl) == (2, 3)
    d.XonLim, d.XoffLim, d.BaudRate, d.ByteSize = 100, 200, 115200, 7
    assert (d.XonLim, d.XoffLim, d.BaudRate, d.ByteSize) == (100, 200, 115200, 7)
    d.XonChar, d.XoffChar, d.EvtChar, d.EofChar, d.ErrorChar = "\x11", "\x13", "\n", "\x1a", "?"
    assert (d.XonChar, d.XoffChar, d.EvtChar) == ("\x11", "\x13", "\n")
    with pytest.raises(TypeError):
        d.XonChar = "ab"
    with pytest.raises(OverflowError):
        d.ByteSize = 256


def test_get_and_set_comm_state_any_baud():
    with pty_port(44) as p:
        d = win32file.GetCommState(p.h)
        assert d.fBinary == 1 and d.DCBlength == 28
        assert (d.XonChar, d.XoffChar) == ("\x11", "\x13")
        for baud in (9600, 115200, 123457, 250000, 3000000):
            d.BaudRate = baud
            win32file.SetCommState(p.h, d)
            assert win32file.GetCommState(p.h).BaudRate == baud
        d.fOutxCtsFlow, d.fRtsControl = 1, win32file.RTS_CONTROL_HANDSHAKE
        d.fOutX, d.fInX, d.XonChar, d.XoffChar = 1, 1, "\x01", "\x02"
        d.XonLim, d.XoffLim, d.fDtrControl, d.EvtChar = 10, 20, win32file.DTR_CONTROL_DISABLE, "\n"
        win32file.SetCommState(p.h, d)
        g = win32file.GetCommState(p.h)
        assert (g.fOutxCtsFlow, g.fRtsControl, g.fOutX, g.fInX) == (1, 2, 1, 1)
        assert (g.XonChar, g.XoffChar, g.XonLim, g.XoffLim, g.fDtrControl, g.EvtChar) == ("\x01", "\x02", 10, 20, 0, "\n")
        # Stop bits survive on a pseudo-terminal (CSTOPB); data bits and parity do not
        # (the pty driver forces CS8 without parity): the core's own tests cover them.
        d = win32file.GetCommState(p.h)
        d.StopBits = win32file.TWOSTOPBITS
        win32file.SetCommState(p.h, d)
        assert win32file.GetCommState(p.h).StopBits == win32file.TWOSTOPBITS
        # The line stays raw: what the far end sends arrives unchanged.
        os.write(p.master, b"a\r\nb\x03\x04")
        win32file.SetCommTimeouts(p.h, (0, 0, 2000, 0, 0))
        assert win32file.ReadFile(p.h, 6)[1] == b"a\r\nb\x03\x04"


@pytest.mark.parametrize("field,value", [
    ("ByteSize", 4), ("ByteSize", 9), ("Parity", 5), ("StopBits", 3), ("BaudRate", 0),
])
def test_invalid_dcb_fields(field, value):
    with pty_port(45) as p:
        before = win32file.GetCommState(p.h)
        d = win32file.GetCommState(p.h)
        setattr(d, field, value)
        assert err(win32file.SetCommState, p.h, d) == 87
        assert win32file.GetCommState(p.h).BaudRate == before.BaudRate


def test_invalid_dcb_combinations():
    with pty_port(46) as p:
        d = win32file.GetCommState(p.h)
        d.ByteSize, d.StopBits = 8, win32file.ONE5STOPBITS
        assert err(win32file.SetCommState, p.h, d) == 87
        d = win32file.GetCommState(p.h)
        d.ByteSize, d.StopBits = 5, win32file.TWOSTOPBITS
        assert err(win32file.SetCommState, p.h, d) == 87
        d = win32file.GetCommState(p.h)
        d.fOutX, d.XonChar, d.XoffChar = 1, "\x11", "\x11"
        assert err(win32file.SetCommState, p.h, d) == 87
        with pytest.raises(TypeError):
            win32file.SetCommState(p.h, object())
        assert err(win32file.SetCommState, p.h, None) == 998


def test_build_comm_dcb():
    d = win32file.DCB()
    assert win32file.BuildCommDCB("baud=9600 parity=N data=8 stop=1", d) is None
    assert (d.BaudRate, d.Parity, d.ByteSize, d.StopBits, d.fBinary) == (9600, 0, 8, 0, 1)
    win32file.BuildCommDCB("19200,e,7,2", d)
    assert (d.BaudRate, d.Parity, d.ByteSize, d.StopBits) == (19200, win32file.EVENPARITY, 7, win32file.TWOSTOPBITS)
    win32file.BuildCommDCB("COM1: baud=115200 parity=m data=5 stop=1.5 xon=on octs=on dtr=hs rts=off", d)
    assert (d.BaudRate, d.Parity, d.ByteSize, d.StopBits) == (115200, win32file.MARKPARITY, 5, win32file.ONE5STOPBITS)
    assert (d.fOutX, d.fInX, d.fOutxCtsFlow, d.fDtrControl, d.fRtsControl) == (1, 1, 1, 2, 0)
    win32file.BuildCommDCB("96,s,8,1,p", d)
    assert (d.BaudRate, d.Parity, d.fOutxCtsFlow, d.fRtsControl) == (9600, win32file.SPACEPARITY, 1, 2)
    for bad in ["", "fast", "baud=9600 parity=Q", "9600,n,9,1", "9600,n,8,3", "baud=9600 bogus=1", "9600,n,8,1,z"]:
        before = (d.BaudRate, d.Parity, d.ByteSize)
        assert err(win32file.BuildCommDCB, bad, d) == 87, bad
        assert (d.BaudRate, d.Parity, d.ByteSize) == before
    assert err(win32file.BuildCommDCB, "9600,n,8,1", None) == 998
    with pytest.raises(TypeError):
        win32file.BuildCommDCB(b"9600,n,8,1", d)


# -- timeouts, queues, lines -----------------------------------------------------------------

def test_comm_timeouts_tuple():
    with pty_port(47) as p:
        assert win32file.GetCommTimeouts(p.h) == (0, 0, 0, 0, 0)
        win32file.SetCommTimeouts(p.h, (1, 2, 3, 4, 5))
        assert win32file.GetCommTimeouts(p.h) == (1, 2, 3, 4, 5)
        win32file.SetCommTimeouts(p.h, (-1, 0, 0, 0, 0))  # DWORDs are masked: -1 is MAXDWORD
        assert win32file.GetCommTimeouts(p.h) == (MAXDWORD, 0, 0, 0, 0)
        assert err(win32file.SetCommTimeouts, p.h, (MAXDWORD, MAXDWORD, MAXDWORD, 0, 0)) == 87
        with pytest.raises(TypeError):
            win32file.SetCommTimeouts(p.h, (1, 2, 3))
        with pytest.raises(TypeError):
            win32file.SetCommTimeouts(p.h, [1, 2, 3, 4, 5])


def test_setup_purge_clear_comm_error():
    with pty_port(48) as p:
        win32file.SetupComm(p.h, 4096, 4096)
        os.write(p.master, b"12345")
        time.sleep(0.05)
        errors, st = win32file.ClearCommError(p.h)
        assert errors == 0 and st.cbInQue == 5 and st.cbOutQue == 0
        assert (st.fCtsHold, st.fDsrHold, st.fRlsdHold, st.fXoffHold, st.fXoffSent, st.fEof, st.fTxim) == (0,) * 7
        win32file.PurgeComm(p.h, win32file.PURGE_RXCLEAR | win32file.PURGE_TXCLEAR)
        assert win32file.ClearCommError(p.h)[1].cbInQue == 0
        win32file.SetCommTimeouts(p.h, (MAXDWORD, 0, 0, 0, 0))
        assert win32file.ReadFile(p.h, 10) == (0, b"")
        assert err(win32file.PurgeComm, p.h, 0x10) == 87


def test_modem_lines_break_and_escapes_on_a_pty():
    with pty_port(49) as p:
        # A pseudo-terminal has no modem lines: status 0, line changes accepted as no-ops.
        assert win32file.GetCommModemStatus(p.h) == 0
        for f in (win32file.SETDTR, win32file.CLRDTR, win32file.SETRTS, win32file.CLRRTS,
                  win32file.SETBREAK, win32file.CLRBREAK):
            win32file.EscapeCommFunction(p.h, f)
        win32file.SetCommBreak(p.h)
        win32file.ClearCommBreak(p.h)
        assert err(win32file.EscapeCommFunction, p.h, 99) == 87
        assert err(win32file.EscapeCommFunction, p.h, 7) == 87
        # SETXOFF holds our output as if XOFF had been received; SETXON releases it.
        win32file.EscapeCommFunction(p.h, win32file.SETXOFF)
        t = threading.Timer(0.3, win32file.EscapeCommFunction, (p.h, win32file.SETXON))
        start = time.monotonic()
        t.start()
        assert win32file.WriteFile(p.h, b"held") == (0, 4)
        assert time.monotonic() - start >= 0.25
        assert p.read_master(4) == b"held"
        t.join()


def test_transmit_comm_char():
    with pty_port(50) as p:
        win32file.TransmitCommChar(p.h, b"Z")
        win32file.TransmitCommChar(p.h, bytearray(b"!"))
        assert p.read_master(2) == b"Z!"
        with pytest.raises(TypeError):
            win32file.TransmitCommChar(p.h, b"ab")
        with pytest.raises(TypeError):
            win32file.TransmitCommChar(p.h, "Z")


def test_comm_mask():
    with pty_port(51) as p:
        assert win32file.GetCommMask(p.h) == 0
        assert win32file.SetCommMask(p.h, win32file.EV_RXCHAR | win32file.EV_TXEMPTY) is None
        assert win32file.GetCommMask(p.h) == win32file.EV_RXCHAR | win32file.EV_TXEMPTY
        assert err(win32file.SetCommMask, p.h, 0x4000) == 87
        win32file.SetCommMask(p.h, 0)
        assert err(win32file.WaitCommEvent, p.h) == 87  # nothing to wait for


def test_vanished_tty_fails_at_once():
    p = __import__("comm_helpers").PtyPort(52)
    try:
        os.close(p.master)  # the far end goes away (a USB adapter unplugged)
        t = time.monotonic()
        assert err(win32file.ReadFile, p.h, 10) == 5
        assert err(win32file.GetCommState, p.h) == 22
        assert err(win32file.ClearCommError, p.h) == 22
        assert err(win32file.SetCommMask, p.h, 1) == 22
        assert time.monotonic() - t < 5
    finally:
        p.close()


def test_bad_handles():
    assert err(win32file.GetCommState, 0x7FFF0) == 6
    with pytest.raises(TypeError):
        win32file.GetCommState("COM1")


# -- throughput both ways ---------------------------------------------------------------------

def test_throughput_both_ways():
    data = os.urandom(256 * 1024)
    with pty_port(53) as p:
        got = bytearray()

        def drain():
            while len(got) < len(data):
                got.extend(os.read(p.master, 65536))

        t = threading.Thread(target=drain)
        t.start()
        for i in range(0, len(data), 4096):
            assert win32file.WriteFile(p.h, data[i:i + 4096]) == (0, 4096)
        t.join(30)
        assert bytes(got) == data
        # The other way: the far end writes, ReadFile (all-zero timeouts) fills its buffer.
        w = threading.Thread(target=lambda: [p.write_master(data[i:i + 1000]) for i in range(0, len(data), 1000)])
        w.start()
        back = bytearray()
        while len(back) < len(data):
            rc, chunk = win32file.ReadFile(p.h, min(65536, len(data) - len(back)))
            back.extend(chunk)
        w.join(30)
        assert bytes(back) == data


@pytest.mark.skipif(not socat_available(), reason="socat is not installed (scripts/setup_serial_tools.sh installs it as root with apt-get)")
def test_null_modem_pair_two_com_ports(tmp_path):
    """Two COM ports joined by socat (a null-modem cable): both ends are winfile handles
    with their own DCB and timeouts. socat's ends are pseudo-terminals too: no modem
    lines cross this cable (GetCommModemStatus is 0 on both)."""
    with null_modem(tmp_path) as (a, b):
        define(61, a)
        define(62, b)
        try:
            ha, hb = open_com(61), open_com(62)
            for h in (ha, hb):
                d = win32file.GetCommState(h)
                win32file.BuildCommDCB("115200,n,8,1", d)
                win32file.SetCommState(h, d)
                win32file.SetCommTimeouts(h, (0, 0, 5000, 0, 5000))
            msg = os.urandom(64 * 1024)
            for src, dst in ((ha, hb), (hb, ha)):
                t = threading.Thread(target=win32file.WriteFile, args=(src, msg))
                t.start()
                got = b""
                while len(got) < len(msg):
                    rc, chunk = win32file.ReadFile(dst, len(msg) - len(got))
                    assert chunk, "timed out"
                    got += chunk
                t.join(30)
                assert got == msg
            assert win32file.GetCommModemStatus(ha) == win32file.GetCommModemStatus(hb) == 0
            ha.Close()
            hb.Close()
        finally:
            undefine(61, a)
            undefine(62, b)
