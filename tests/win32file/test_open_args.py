"""CreateFile / CreateFileW argument conversion, as pywin32 converts (conformance.md)."""
import pytest
import pywintypes
import win32con
import win32file

R = win32con.GENERIC_READ
W = win32con.GENERIC_WRITE
SHARE = 7


@pytest.fixture
def name(cdir):
    wpath, linux = cdir
    (linux / "f.txt").write_bytes(b"hello")
    return wpath + "\\f.txt"


def test_generic_read_is_exported_negative_and_accepted(name):
    assert win32con.GENERIC_READ == -2147483648
    h = win32file.CreateFile(name, -2147483648, SHARE, None, win32file.OPEN_EXISTING, 0, None)
    assert win32file.ReadFile(h, 5) == (0, b"hello")
    h.Close()


def test_negative_dwords_are_taken_modulo_2_32(name):
    # -0x40000000 & 0xFFFFFFFF == 0xC0000000 == GENERIC_READ | GENERIC_WRITE
    h = win32file.CreateFile(name, -0x40000000, SHARE, None, win32file.OPEN_EXISTING, 0, None)
    assert win32file.WriteFile(h, b"J") == (0, 1)
    h.Close()
    # -0x7FFFFFFF & 0xFFFFFFFF == 0x80000001: GENERIC_READ plus FILE_READ_DATA, no write
    h = win32file.CreateFile(name, -0x7FFFFFFF, SHARE, None, win32file.OPEN_EXISTING, 0, None)
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(h, b"x")
    assert e.value.winerror == 5
    h.Close()


def test_huge_ints_are_masked(name):
    # 2**64 + GENERIC_READ masks to GENERIC_READ: read-only
    h = win32file.CreateFile(name, 2**64 + 0x80000000, SHARE, None, 2**40 + 3, 2**33, None)
    assert win32file.ReadFile(h, 5) == (0, b"hello")
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(h, b"x")
    assert e.value.winerror == 5
    h.Close()
    # a disposition that masks to 0 is invalid
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile(name, R, SHARE, None, 2**32, 0, None)
    assert e.value.winerror == 87


def test_masked_disposition_keeps_its_meaning(name):
    with pytest.raises(pywintypes.error) as e:  # CREATE_NEW + 2**32 is still CREATE_NEW
        win32file.CreateFile(name, R, SHARE, None, 2**32 + 1, 0, None)
    assert e.value.winerror == 80


@pytest.mark.parametrize("pos", [1, 2, 4, 5])
def test_float_dword_is_type_error(name, pos):
    args = [name, R, SHARE, None, win32file.OPEN_EXISTING, 0, None]
    args[pos] = float(args[pos])
    with pytest.raises(TypeError):
        win32file.CreateFile(*args)


@pytest.mark.parametrize("bad", [123, 1.5, None, ["C:\\x"], object()])
def test_file_name_of_wrong_type_is_type_error(bad):
    with pytest.raises(TypeError):
        win32file.CreateFile(bad, R, SHARE, None, win32file.OPEN_EXISTING, 0, None)


@pytest.mark.parametrize("bad", ["x", b"x", object(), 1.0])
def test_dword_of_wrong_type_is_type_error(name, bad):
    with pytest.raises(TypeError):
        win32file.CreateFile(name, bad, SHARE, None, win32file.OPEN_EXISTING, 0, None)


def test_security_attributes_of_wrong_type_is_type_error(name):
    with pytest.raises(TypeError):
        win32file.CreateFile(name, R, SHARE, 1, win32file.OPEN_EXISTING, 0, None)


def test_template_handle_accepts_none_zero_int_and_handle(name):
    for template in (None, 0):
        win32file.CreateFile(name, R, SHARE, None, win32file.OPEN_EXISTING, 0, template).Close()
    t = win32file.CreateFile(name, R, SHARE, None, win32file.OPEN_EXISTING, 0, None)
    win32file.CreateFile(name, R, SHARE, None, win32file.OPEN_EXISTING, 0, t).Close()
    win32file.CreateFile(name, R, SHARE, None, win32file.OPEN_EXISTING, 0, int(t)).Close()
    t.Close()
    with pytest.raises(TypeError):
        win32file.CreateFile(name, R, SHARE, None, win32file.OPEN_EXISTING, 0, "t")


def test_bytes_names_are_refused(cdir):
    # pywin32 builds with UNICODE: CreateFile's TCHAR name goes through
    # PyWinObject_AsWCHAR (PyUnicode.cpp), which refuses bytes on Python 3.
    wpath, linux = cdir
    with pytest.raises(TypeError, match=r"^Objects of type 'bytes' can not be converted to Unicode\."):
        win32file.CreateFile((wpath + "\\b.txt").encode(), W, SHARE, None, win32file.CREATE_NEW, 0, None)
    assert not (linux / "b.txt").exists()


def test_embedded_nul_is_value_error(cdir):
    wpath, linux = cdir
    with pytest.raises(ValueError):
        win32file.CreateFile(wpath + "\\a\0b", W, SHARE, None, win32file.CREATE_NEW, 0, None)
    with pytest.raises(ValueError):
        win32file.CreateFileW(wpath + "\\a\0b", W, SHARE, None, win32file.CREATE_NEW, 0)
    assert list(linux.iterdir()) == []


def test_lone_surrogate_raises_cleanly(cdir):
    wpath, _ = cdir
    for fn in (win32file.CreateFile, win32file.CreateFileW):
        with pytest.raises((UnicodeError, ValueError, pywintypes.error)):
            fn(wpath + "\\bad\ud800.txt", W, SHARE, None, win32file.CREATE_NEW, 0, None)


def test_create_file_takes_seven_positional_only_arguments(name):
    with pytest.raises(TypeError):
        win32file.CreateFile(name, R, SHARE, None, win32file.OPEN_EXISTING, 0)
    with pytest.raises(TypeError):
        win32file.CreateFile(fileName=name, desiredAccess=R, shareMode=SHARE, attributes=None,
                             CreationDisposition=win32file.OPEN_EXISTING, flagsAndAttributes=0,
                             hTemplateFile=None)
    with pytest.raises(TypeError):
        win32file.CreateFile(name, R, SHARE, None, win32file.OPEN_EXISTING, 0, hTemplateFile=None)


# ---- CreateFileW ------------------------------------------------------------------------

def test_create_file_w_keywords(name):
    h = win32file.CreateFileW(FileName=name, DesiredAccess=R, ShareMode=SHARE,
                              SecurityAttributes=None, CreationDisposition=win32file.OPEN_EXISTING,
                              FlagsAndAttributes=0, TemplateFile=None, Transaction=None,
                              MiniVersion=None, ExtendedParameter=None)
    assert win32file.ReadFile(h, 5) == (0, b"hello")
    h.Close()


def test_create_file_w_six_required(name):
    win32file.CreateFileW(name, R, SHARE, None, win32file.OPEN_EXISTING, 0).Close()
    with pytest.raises(TypeError):
        win32file.CreateFileW(name, R, SHARE, None, win32file.OPEN_EXISTING)


def test_create_file_w_errors_name_create_file_w(cdir):
    wpath, _ = cdir
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFileW(wpath + "\\none", R, SHARE, None, win32file.OPEN_EXISTING, 0)
    assert e.value.args == (2, "CreateFileW", "The system cannot find the file specified.")


def test_create_file_w_with_a_transaction_raises(cdir):
    wpath, linux = cdir
    with pytest.raises(pywintypes.error):
        win32file.CreateFileW(wpath + "\\t.txt", W, SHARE, None, win32file.CREATE_NEW, 0,
                              Transaction=12345)
    assert not (linux / "t.txt").exists()  # not silently created outside a transaction


def test_create_file_w_mini_version_needs_transaction(name):
    with pytest.raises(ValueError):
        win32file.CreateFileW(name, R, SHARE, None, win32file.OPEN_EXISTING, 0, MiniVersion=1)


def test_create_file_w_extended_parameter_must_be_none(name):
    with pytest.raises(TypeError):
        win32file.CreateFileW(name, R, SHARE, None, win32file.OPEN_EXISTING, 0,
                              ExtendedParameter=1)


def test_create_file_w_dwords_are_masked(name):
    h = win32file.CreateFileW(name, -2147483648, SHARE, None, 2**32 + 3, 0)
    assert win32file.ReadFile(h, 5) == (0, b"hello")
    h.Close()
