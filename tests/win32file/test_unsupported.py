"""Functions with no meaning on Linux raise pywintypes.error after pywin32's argument
checks; functions whose Linux answer is fixed give it (see winfile/compat.py)."""
import socket
import sys

import pytest
import pywintypes
import win32file
import winerror


def test_efs_refusal_and_missing_file(cdir):
    win, linux = cdir
    (linux / "f").write_bytes(b"x")
    with pytest.raises(pywintypes.error) as e:
        win32file.EncryptFile(win + "\\f")
    assert e.value.args == (6014, "EncryptFile", "The disk partition does not support file encryption.")
    with pytest.raises(pywintypes.error) as e:
        win32file.EncryptFile(win + "\\missing")
    assert e.value.winerror == winerror.ERROR_FILE_NOT_FOUND


def test_wrong_argument_types_are_type_errors():
    with pytest.raises(TypeError):
        win32file.EncryptFile(42)
    with pytest.raises(TypeError):
        win32file.AddUsersToEncryptedFile("C:\\x", [(None, "not int", b"c")])
    with pytest.raises(TypeError):
        win32file.CloseEncryptedFileRaw(object())
    with pytest.raises(TypeError):
        win32file.SetVolumeLabel("C:\\", None)
    with pytest.raises(TypeError):
        win32file.SetFileShortName(object(), "A~1")
    with pytest.raises(TypeError):
        win32file.WSAAsyncSelect(object(), 0, 0, 0)
    with pytest.raises(TypeError):
        win32file.Wow64RevertWow64FsRedirection("state")


def test_set_file_short_name_checks_the_handle_first():
    with pytest.raises(pywintypes.error) as e:
        win32file.SetFileShortName(123456789, "A~1")
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE


def test_wsa_async_select_takes_a_socket_object():
    with socket.socket() as s:
        with pytest.raises(pywintypes.error) as e:
            win32file.WSAAsyncSelect(s, 0, 0x400, 1)
    assert e.value.winerror == winerror.ERROR_NOT_SUPPORTED


def test_fixed_answers(cdir):
    win, linux = cdir
    (linux / "f").write_bytes(b"x")
    assert win32file.FileEncryptionStatus(win + "\\f") == 6  # FILE_SYSTEM_NOT_SUPPORT
    win32file.DecryptFile(win + "\\f")
    assert (linux / "f").read_bytes() == b"x"
    with pytest.raises(pywintypes.error) as e:
        win32file.DecryptFile(win + "\\missing")
    assert e.value.winerror == winerror.ERROR_FILE_NOT_FOUND
    assert win32file.SfcIsFileProtected(win + "\\f") is False
    assert win32file.SfcGetNextProtectedFile() == []
    old = win32file.Wow64DisableWow64FsRedirection()
    assert isinstance(old, int)
    assert win32file.Wow64RevertWow64FsRedirection(old) is None


def test_get_binary_type(cdir):
    win, linux = cdir
    assert win32file.GetBinaryType(sys.executable) == win32file.SCS_POSIX_BINARY
    pe = bytearray(0x100)
    pe[0:2] = b"MZ"
    pe[0x3C:0x40] = (0x80).to_bytes(4, "little")
    pe[0x80:0x86] = b"PE\0\0" + (0x8664).to_bytes(2, "little")
    (linux / "app.exe").write_bytes(bytes(pe))
    assert win32file.GetBinaryType(win + "\\app.exe") == 6  # SCS_64BIT_BINARY (pywin32 exports no constant for it)
    (linux / "dos.exe").write_bytes(b"MZ" + bytes(62))
    assert win32file.GetBinaryType(win + "\\dos.exe") == win32file.SCS_DOS_BINARY
    (linux / "text.txt").write_bytes(b"hello")
    with pytest.raises(pywintypes.error) as e:
        win32file.GetBinaryType(win + "\\text.txt")
    assert e.value.winerror == 193
