"""pywintypes.error: construction, attributes, str, and what win32file raises."""
import pickle

import pytest
import pywintypes
import win32con
import win32file


def test_attributes_and_args():
    e = pywintypes.error(5, "DeleteFile", "Access is denied.")
    assert e.args == (5, "DeleteFile", "Access is denied.")
    assert (e.winerror, e.funcname, e.strerror) == (5, "DeleteFile", "Access is denied.")
    assert str(e) == "(5, 'DeleteFile', 'Access is denied.')"
    assert isinstance(e, Exception)
    assert win32file.error is pywintypes.error


def test_fewer_arguments():
    e = pywintypes.error()
    assert e.args == () and (e.winerror, e.funcname, e.strerror) == (None, None, None)
    e = pywintypes.error(2)
    assert e.args == (2,) and e.winerror == 2 and e.funcname is None


def test_unpacking_like_old_code():
    try:
        raise pywintypes.error(3, "f", "msg")
    except pywintypes.error as e:
        code, func, text = e.args
    assert (code, func, text) == (3, "f", "msg")


def test_pickles():
    e = pickle.loads(pickle.dumps(pywintypes.error(80, "CopyFile", "The file exists.")))
    assert type(e) is pywintypes.error
    assert (e.winerror, e.funcname, e.strerror) == (80, "CopyFile", "The file exists.")


def test_raised_by_win32file_with_windows_text(tmp):
    with pytest.raises(pywintypes.error) as info:
        win32file.CreateFile(str(tmp / "missing"), win32con.GENERIC_READ, 0, None,
                             win32file.OPEN_EXISTING, 0, None)
    e = info.value
    assert e.args == (2, "CreateFile", "The system cannot find the file specified.")
    assert str(e) == "(2, 'CreateFile', 'The system cannot find the file specified.')"


@pytest.mark.parametrize("code,text", [
    (3, "The system cannot find the path specified."),
    (5, "Access is denied."),
    (80, "The file exists."),
    (145, "The directory is not empty."),
    (183, "Cannot create a file when that file already exists."),
    (267, "The directory name is invalid."),
])
def test_error_texts(tmp, code, text):
    (tmp / "file").write_bytes(b"")
    (tmp / "full").mkdir()
    (tmp / "full" / "x").write_bytes(b"")
    calls = {
        3: lambda: win32file.DeleteFile(str(tmp / "no" / "x")),
        5: lambda: win32file.DeleteFile(str(tmp / "full")),
        80: lambda: win32file.CopyFile(str(tmp / "file"), str(tmp / "full" / "x"), 1),
        145: lambda: win32file.RemoveDirectory(str(tmp / "full")),
        183: lambda: win32file.CreateDirectory(str(tmp / "full"), None),
        267: lambda: win32file.RemoveDirectory(str(tmp / "file")),
    }
    with pytest.raises(pywintypes.error) as info:
        calls[code]()
    assert (info.value.winerror, info.value.strerror) == (code, text)
