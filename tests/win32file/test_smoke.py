import win32con
import win32file
import pywintypes


def test_create_write_read_through_drive_letter(cdir):
    wpath, linux = cdir
    name = wpath + "\\Hello.txt"
    h = win32file.CreateFile(name, win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None,
                             win32file.CREATE_NEW, 0, None)
    assert win32file.WriteFile(h, b"abc") == (0, 3)
    h.Close()
    assert (linux / "Hello.txt").read_bytes() == b"abc"
    h = win32file.CreateFile(wpath + "\\HELLO.TXT", win32con.GENERIC_READ, 0, None,
                             win32file.OPEN_EXISTING, 0, None)
    assert win32file.ReadFile(h, 10) == (0, b"abc")
    h.Close()


def test_error_shape():
    try:
        win32file.CreateFile("C:\\no\\such\\dir\\f", win32con.GENERIC_READ, 0, None,
                             win32file.OPEN_EXISTING, 0, None)
    except pywintypes.error as e:
        assert e.args == (3, "CreateFile", "The system cannot find the path specified.")
        assert e.winerror == 3 and e.funcname == "CreateFile"
    else:
        raise AssertionError("no error")
    assert win32file.error is pywintypes.error
