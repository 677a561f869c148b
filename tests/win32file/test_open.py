"""CreateFile: dispositions, access rights per handle, directories, attributes on create."""
import ntsecuritycon
import pytest
import pywintypes
import win32con
import win32file
from helpers import winerror_of as winerror

R = win32con.GENERIC_READ
W = win32con.GENERIC_WRITE
RW = R | W
SHARE = win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE | win32file.FILE_SHARE_DELETE


def open_(name, access, disposition, flags=0):
    return win32file.CreateFile(name, access, SHARE, None, disposition, flags, None)


def open_error(name, access, disposition, flags=0):
    with pytest.raises(pywintypes.error) as e:
        open_(name, access, disposition, flags)
    assert e.value.funcname == "CreateFile"
    return e.value.winerror


@pytest.fixture
def existing(cdir):
    """A file holding b'hello', as (windows_name, linux_path)."""
    wpath, linux = cdir
    (linux / "f.txt").write_bytes(b"hello")
    return wpath + "\\f.txt", linux / "f.txt"


# ---- dispositions ---------------------------------------------------------------

def test_create_new_on_existing_is_80_and_leaves_the_file(existing):
    name, linux = existing
    assert open_error(name, RW, win32file.CREATE_NEW) == 80
    assert linux.read_bytes() == b"hello"


def test_create_new_on_missing_creates(cdir):
    wpath, linux = cdir
    h = open_(wpath + "\\new.txt", RW, win32file.CREATE_NEW)
    h.Close()
    assert (linux / "new.txt").read_bytes() == b""


@pytest.mark.parametrize("disp", [win32file.OPEN_EXISTING, win32file.TRUNCATE_EXISTING])
def test_open_or_truncate_missing_file_is_2(cdir, disp):
    wpath, linux = cdir
    assert open_error(wpath + "\\missing.txt", RW, disp) == 2
    assert not (linux / "missing.txt").exists()


@pytest.mark.parametrize("disp", [win32file.CREATE_NEW, win32file.CREATE_ALWAYS, win32file.OPEN_EXISTING,
                                  win32file.OPEN_ALWAYS, win32file.TRUNCATE_EXISTING])
def test_missing_parent_directory_is_3(cdir, disp):
    wpath, _ = cdir
    assert open_error(wpath + "\\nodir\\f.txt", RW, disp) == 3


def test_create_always_truncates_existing(existing):
    name, linux = existing
    h = open_(name, RW, win32file.CREATE_ALWAYS)
    assert win32file.GetFileSize(h) == 0
    assert win32file.ReadFile(h, 10) == (0, b"")
    h.Close()
    assert linux.read_bytes() == b""


def test_create_always_creates_missing(cdir):
    wpath, linux = cdir
    open_(wpath + "\\a.txt", W, win32file.CREATE_ALWAYS).Close()
    assert (linux / "a.txt").is_file()


def test_open_always_opens_existing_without_truncating(existing):
    name, linux = existing
    h = open_(name, RW, win32file.OPEN_ALWAYS)
    assert win32file.ReadFile(h, 10) == (0, b"hello")
    h.Close()
    assert linux.read_bytes() == b"hello"


def test_open_always_creates_missing(cdir):
    wpath, linux = cdir
    h = open_(wpath + "\\oa.txt", RW, win32file.OPEN_ALWAYS)
    win32file.WriteFile(h, b"x")
    h.Close()
    assert (linux / "oa.txt").read_bytes() == b"x"


def test_truncate_existing_truncates(existing):
    name, linux = existing
    open_(name, W, win32file.TRUNCATE_EXISTING).Close()
    assert linux.read_bytes() == b""


def test_truncate_existing_without_generic_write_is_87(existing):
    name, linux = existing
    assert open_error(name, R, win32file.TRUNCATE_EXISTING) == 87
    assert linux.read_bytes() == b"hello"


@pytest.mark.parametrize("disp", [0, 6, 100, -1])
def test_invalid_disposition_is_87(existing, disp):
    name, linux = existing
    assert open_error(name, RW, disp) == 87
    assert linux.read_bytes() == b"hello"


# ---- access rights per handle ---------------------------------------------------

def test_read_on_write_only_handle_is_5(existing):
    name, _ = existing
    h = open_(name, W, win32file.OPEN_EXISTING)
    assert winerror(win32file.ReadFile, h, 5) == 5
    h.Close()


def test_write_on_read_only_handle_is_5(existing):
    name, linux = existing
    h = open_(name, R, win32file.OPEN_EXISTING)
    assert winerror(win32file.WriteFile, h, b"x") == 5
    h.Close()
    assert linux.read_bytes() == b"hello"


def test_query_access_handle_gets_information_but_not_data(existing):
    name, _ = existing
    h = open_(name, 0, win32file.OPEN_EXISTING)
    info = win32file.GetFileInformationByHandle(h)
    assert info[6] == 5  # nFileSizeLow
    assert winerror(win32file.ReadFile, h, 5) == 5
    assert winerror(win32file.WriteFile, h, b"x") == 5
    h.Close()


def test_append_only_handle_appends_whatever_the_pointer(existing):
    name, linux = existing
    h = open_(name, ntsecuritycon.FILE_APPEND_DATA, win32file.OPEN_EXISTING)
    assert win32file.WriteFile(h, b"XY") == (0, 2)
    win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
    assert win32file.WriteFile(h, b"Z") == (0, 1)
    assert winerror(win32file.ReadFile, h, 5) == 5
    h.Close()
    assert linux.read_bytes() == b"helloXYZ"


def test_file_generic_read_and_write_rights(existing):
    name, linux = existing
    h = open_(name, win32file.FILE_GENERIC_READ, win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 5) == (0, b"hello")
    assert winerror(win32file.WriteFile, h, b"x") == 5
    h.Close()
    h = open_(name, win32file.FILE_GENERIC_WRITE, win32file.OPEN_EXISTING)
    assert win32file.WriteFile(h, b"J") == (0, 1)
    assert winerror(win32file.ReadFile, h, 5) == 5
    h.Close()
    assert linux.read_bytes() == b"Jello"


def test_specific_read_data_right_alone_reads(existing):
    name, _ = existing
    h = open_(name, ntsecuritycon.FILE_READ_DATA, win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 5) == (0, b"hello")
    assert winerror(win32file.WriteFile, h, b"x") == 5
    h.Close()


def test_maximum_allowed_reads_and_writes(existing):
    name, linux = existing
    h = open_(name, win32con.MAXIMUM_ALLOWED, win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 5) == (0, b"hello")
    assert win32file.WriteFile(h, b"!") == (0, 1)
    h.Close()
    assert linux.read_bytes() == b"hello!"


def test_maximum_allowed_on_readonly_file_gives_read_only(cdir):
    wpath, linux = cdir
    name = wpath + "\\ro.txt"
    h = open_(name, W, win32file.CREATE_NEW, win32file.FILE_ATTRIBUTE_READONLY)
    win32file.WriteFile(h, b"data")
    h.Close()
    h = open_(name, win32con.MAXIMUM_ALLOWED, win32file.OPEN_EXISTING)
    assert win32file.ReadFile(h, 10) == (0, b"data")
    assert winerror(win32file.WriteFile, h, b"x") == 5
    h.Close()
    assert (linux / "ro.txt").read_bytes() == b"data"


# ---- directories ----------------------------------------------------------------

def test_directory_needs_backup_semantics(cdir):
    wpath, linux = cdir
    (linux / "sub").mkdir()
    assert open_error(wpath + "\\sub", R, win32file.OPEN_EXISTING) == 5
    h = open_(wpath + "\\sub", R, win32file.OPEN_EXISTING, win32file.FILE_FLAG_BACKUP_SEMANTICS)
    info = win32file.GetFileInformationByHandle(h)
    assert info[0] & win32file.FILE_ATTRIBUTE_DIRECTORY
    assert win32file.GetFileType(h) == win32file.FILE_TYPE_DISK
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(h, 10)
    assert e.value.winerror == 1 and e.value.funcname == "ReadFile"  # ERROR_INVALID_FUNCTION
    h.Close()
    assert (linux / "sub").is_dir()


def test_directory_with_zero_access_and_backup_semantics(cdir):
    wpath, _ = cdir
    h = open_(wpath, 0, win32file.OPEN_EXISTING, win32file.FILE_FLAG_BACKUP_SEMANTICS)
    assert win32file.GetFileInformationByHandle(h)[0] & win32file.FILE_ATTRIBUTE_DIRECTORY
    h.Close()
