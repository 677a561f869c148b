"""Name arguments as pywin32's SWIG typemaps convert them: TCHAR is WCHAR (UNICODE
builds), so every name goes through PyWinObject_AsWCHAR (win32/src/PyUnicode.cpp):
str only, bytes refused with its TypeError; GetFullPathName alone has an ANSI form.
Linux names that are not UTF-8 travel as str with surrogateescape, as the os module."""
import os

import pytest
import win32con
import win32file

BYTES_TEXT = r"^Objects of type 'bytes' can not be converted to Unicode\."


@pytest.mark.parametrize("call", [
    lambda p: win32file.CreateFile(p, 0, 0, None, win32file.OPEN_EXISTING, 0, None),
    lambda p: win32file.CreateFileW(p, 0, 0, None, win32file.OPEN_EXISTING, 0, None),
    win32file.DeleteFile, win32file.DeleteFileW, win32file.GetFileAttributes,
    win32file.GetFileAttributesW, win32file.GetFileAttributesEx,
    lambda p: win32file.CreateDirectory(p, None),
    win32file.RemoveDirectory, lambda p: win32file.MoveFile(p, "x"),
    lambda p: win32file.CopyFile(p, "x", 0), lambda p: win32file.SetFileAttributes(p, 0),
    win32file.FindFilesW, win32file.GetLongPathName, win32file.GetDriveType,
    win32file.DecryptFile, win32file.FileEncryptionStatus,
], ids=lambda c: getattr(c, "__name__", "call"))
def test_wide_names_refuse_bytes(call, tmp_path):
    with pytest.raises(TypeError, match=BYTES_TEXT):
        call(os.fsencode(tmp_path / "f"))


def test_none_is_not_a_name():
    # PyWinObject_AsWCHAR with bNoneOK false: TypeError.
    with pytest.raises(TypeError):
        win32file.DeleteFile(None)


def test_get_full_path_name_keeps_the_type(tmp_path):
    # GetFullPathName: str -> GetFullPathNameW, bytes -> GetFullPathNameA, answered in kind.
    assert win32file.GetFullPathName(str(tmp_path)) == str(tmp_path)
    assert win32file.GetFullPathName(os.fsencode(tmp_path)) == os.fsencode(tmp_path)


def test_non_utf8_linux_name_round_trips(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9-\xff.txt"
    with open(raw, "wb") as f:
        f.write(b"latin-1 name")
    name = os.fsdecode(raw)  # 'caf\udce9-\udcff.txt', as os.listdir gives it
    h = win32file.CreateFile(name, win32con.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)
    try:
        assert win32file.ReadFile(h, 100) == (0, b"latin-1 name")
    finally:
        h.Close()
    assert not win32file.GetFileAttributes(name) & win32con.FILE_ATTRIBUTE_DIRECTORY
    found = [d[8] for d in win32file.FindFilesW(str(tmp_path / "*"))]
    assert os.path.basename(name) in found and found.count(os.path.basename(name)) == 1
    assert win32file.GetFullPathName(name) == name
    assert win32file.GetFullPathName(raw) == raw
    win32file.CopyFile(name, name + ".copy", 1)
    assert os.path.exists(raw + b".copy")
    win32file.DeleteFile(name)
    assert not os.path.exists(raw)


def test_non_utf8_name_through_a_drive_letter(cdir):
    wpath, linux = cdir
    raw = os.fsencode(linux) + b"/\xe9t\xe9"
    os.mkdir(raw)
    name = wpath + "\\" + os.fsdecode(b"\xe9t\xe9")
    assert win32file.GetFileAttributes(name) & win32con.FILE_ATTRIBUTE_DIRECTORY
    win32file.RemoveDirectory(name)
    assert not os.path.exists(raw)
