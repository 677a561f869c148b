"""win32api.FormatMessage, GetLastError and SetLastError."""
import pytest
import pywintypes
import win32api
import win32con
import win32file

from helpers import win32_error

SYSTEM = win32con.FORMAT_MESSAGE_FROM_SYSTEM


def test_short_form_gives_windows_text_with_crlf():
    assert win32api.FormatMessage(2) == "The system cannot find the file specified.\r\n"
    assert win32api.FormatMessage(5) == "Access is denied.\r\n"
    assert win32api.FormatMessage(183) == "Cannot create a file when that file already exists.\r\n"


def test_short_form_matches_pywintypes_error_text(tmp):
    e = win32_error(win32file.CreateFile, str(tmp / "missing"), win32con.GENERIC_READ, 0, None,
                    win32con.OPEN_EXISTING, 0, None)
    assert win32api.FormatMessage(e.winerror) == e.strerror + "\r\n"


def test_zero_and_no_argument_use_last_error():
    win32api.SetLastError(87)
    assert win32api.FormatMessage() == "The parameter is incorrect.\r\n"
    assert win32api.FormatMessage(0) == "The parameter is incorrect.\r\n"
    win32api.SetLastError(0)
    assert win32api.FormatMessage() == "The operation completed successfully.\r\n"


def test_unknown_code_raises_317():
    e = win32_error(win32api.FormatMessage, 0x12345)
    assert (e.winerror, e.funcname) == (317, "FormatMessageW")
    assert "%1" in e.strerror  # inserts are not filled in error texts, as pywin32's
    assert win32api.GetLastError() == 317


def test_full_form_from_system():
    assert win32api.FormatMessage(SYSTEM, None, 3, 0, None) == "The system cannot find the path specified.\r\n"
    english = win32con.LANG_ENGLISH | (win32con.SUBLANG_ENGLISH_US << 10)
    assert win32api.FormatMessage(SYSTEM, None, 3, english, None).startswith("The system cannot")
    # A language the table does not have: ERROR_RESOURCE_LANG_NOT_FOUND.
    assert win32_error(win32api.FormatMessage, SYSTEM, None, 3, 0x0407, None).winerror == 1815
    # The width mask drops the message's own line break.
    assert win32api.FormatMessage(SYSTEM | win32con.FORMAT_MESSAGE_MAX_WIDTH_MASK, None, 5, 0, None) == \
        "Access is denied. "
    # Inserts of a system message kept with IGNORE_INSERTS, filled otherwise.
    text = win32api.FormatMessage(SYSTEM | win32con.FORMAT_MESSAGE_IGNORE_INSERTS, None, 193, 0, None)
    assert text == "%1 is not a valid Win32 application.\r\n"
    assert win32api.FormatMessage(SYSTEM, None, 193, 0, ["app.exe"]) == "app.exe is not a valid Win32 application.\r\n"


def test_full_form_from_string():
    f = win32con.FORMAT_MESSAGE_FROM_STRING
    assert win32api.FormatMessage(f, "%2 and %1!s!%n100%%", 0, 0, ("a", "b")) == "b and a\r\n100%"
    assert win32api.FormatMessage(f | win32con.FORMAT_MESSAGE_IGNORE_INSERTS, "keep %1", 0, 0, None) == "keep %1"
    assert win32api.FormatMessage(f, "stop%0 here", 0, 0, None) == "stop"
    with pytest.raises(SystemError):
        win32api.FormatMessage(f, "needs %1", 0, 0, None)
    with pytest.raises(TypeError):
        win32api.FormatMessage(f, b"bytes", 0, 0, None)
    with pytest.raises(TypeError):
        win32api.FormatMessage(f, "x", 0, 0, [1])


def test_full_form_from_module_has_no_modules():
    assert win32_error(win32api.FormatMessage, win32con.FORMAT_MESSAGE_FROM_HMODULE, 0, 1, 0, None).winerror == 1813


def test_argument_forms():
    with pytest.raises(TypeError):
        win32api.FormatMessage(SYSTEM, None)  # the full form takes exactly 5
    with pytest.raises(TypeError):
        win32api.FormatMessage("2")


def test_last_error_per_thread_and_set():
    import threading
    win32api.SetLastError(1234)
    seen = []
    t = threading.Thread(target=lambda: seen.append(win32api.GetLastError()))
    t.start()
    t.join()
    assert seen == [0]
    assert win32api.GetLastError() == 1234
    win32api.SetLastError(-1)  # a DWORD: masked, as pywin32
    assert win32api.GetLastError() == 0xFFFFFFFF
    with pytest.raises(pywintypes.error):
        win32api.CloseHandle(0x7FF0)
    assert win32api.GetLastError() == 6


@pytest.mark.parametrize("disposition", [win32con.OPEN_ALWAYS, win32con.CREATE_ALWAYS])
def test_create_file_notes_an_existing_file(tmp, cdir, disposition):
    win, _ = cdir
    for name in (str(tmp / "f"), win + "\\f"):
        win32api.SetLastError(5)
        h = win32file.CreateFile(name, win32con.GENERIC_WRITE, 0, None, disposition, 0, None)
        assert win32api.GetLastError() == 0  # created
        h.Close()
        h = win32file.CreateFile(name, win32con.GENERIC_WRITE, 0, None, disposition, 0, None)
        assert win32api.GetLastError() == 183  # ERROR_ALREADY_EXISTS, and the call succeeded
        h.Close()
        h = win32file.CreateFile(name, win32con.GENERIC_READ, 0, None, win32con.OPEN_EXISTING, 0, None)
        assert win32api.GetLastError() == 0
        h.Close()
