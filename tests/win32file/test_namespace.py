"""DeleteFile(W), CreateDirectory(W/Ex/ExW) and RemoveDirectory on real files, through
Windows paths under C: and through plain Linux paths."""
import os

import pytest
import pywintypes
import win32file

READONLY = win32file.FILE_ATTRIBUTE_READONLY
HIDDEN = win32file.FILE_ATTRIBUTE_HIDDEN
SYSTEM = win32file.FILE_ATTRIBUTE_SYSTEM
DIRECTORY = win32file.FILE_ATTRIBUTE_DIRECTORY
NORMAL = win32file.FILE_ATTRIBUTE_NORMAL


def fails(code, func, call, *args, **kwargs):
    """Runs call(*args) expecting pywintypes.error `code` named `func`."""
    with pytest.raises(pywintypes.error) as info:
        call(*args, **kwargs)
    assert info.value.winerror == code, info.value.args
    assert info.value.funcname == func
    assert isinstance(info.value.strerror, str) and info.value.strerror
    return info.value


# --- DeleteFile / DeleteFileW --------------------------------------------------------

@pytest.mark.parametrize("func", ["DeleteFile", "DeleteFileW"])
def test_delete_removes_file(cdir, func):
    wpath, linux = cdir
    (linux / "doomed.txt").write_bytes(b"x")
    assert getattr(win32file, func)(wpath + "\\doomed.txt") is None
    assert not (linux / "doomed.txt").exists()


def test_delete_through_other_case_and_linux_path(cdir):
    wpath, linux = cdir
    (linux / "Mixed.Txt").write_bytes(b"x")
    (linux / "plain").write_bytes(b"y")
    win32file.DeleteFile(wpath + "\\MIXED.TXT")
    win32file.DeleteFileW(str(linux / "plain"))
    assert os.listdir(linux) == []


@pytest.mark.parametrize("func", ["DeleteFile", "DeleteFileW"])
def test_delete_missing_file_and_missing_dir(cdir, func):
    wpath, _ = cdir
    fails(2, func, getattr(win32file, func), wpath + "\\nothing.txt")
    fails(3, func, getattr(win32file, func), wpath + "\\nodir\\nothing.txt")


@pytest.mark.parametrize("func", ["DeleteFile", "DeleteFileW"])
def test_delete_directory_is_access_denied(cdir, func):
    wpath, linux = cdir
    (linux / "sub").mkdir()
    fails(5, func, getattr(win32file, func), wpath + "\\sub")
    assert (linux / "sub").is_dir()


def test_delete_readonly_refused_until_cleared(cdir):
    wpath, linux = cdir
    name = wpath + "\\ro.txt"
    (linux / "ro.txt").write_bytes(b"keep")
    win32file.SetFileAttributes(name, READONLY)
    fails(5, "DeleteFile", win32file.DeleteFile, name)
    fails(5, "DeleteFileW", win32file.DeleteFileW, name)
    assert (linux / "ro.txt").read_bytes() == b"keep"
    win32file.SetFileAttributes(name, NORMAL)
    win32file.DeleteFile(name)
    assert not (linux / "ro.txt").exists()


def test_delete_symlink_removes_link_not_target(cdir):
    wpath, linux = cdir
    (linux / "target.txt").write_bytes(b"data")
    (linux / "link.txt").symlink_to(linux / "target.txt")
    win32file.DeleteFile(wpath + "\\link.txt")
    assert not os.path.lexists(linux / "link.txt")
    assert (linux / "target.txt").read_bytes() == b"data"


def test_delete_dangling_symlink(cdir):
    wpath, linux = cdir
    (linux / "dangling").symlink_to(linux / "gone")
    win32file.DeleteFileW(wpath + "\\dangling")
    assert not os.path.lexists(linux / "dangling")


def test_delete_file_w_keywords_and_transaction(cdir):
    wpath, linux = cdir
    (linux / "k.txt").write_bytes(b"")
    win32file.DeleteFileW(FileName=wpath + "\\k.txt", Transaction=None)
    assert not (linux / "k.txt").exists()
    (linux / "t.txt").write_bytes(b"")
    with pytest.raises(TypeError):  # not a handle (PyWinObject_AsHANDLE)
        win32file.DeleteFileW(wpath + "\\t.txt", Transaction=object())
    assert (linux / "t.txt").exists()


def test_delete_file_is_positional_only(cdir):
    wpath, linux = cdir
    (linux / "p.txt").write_bytes(b"")
    with pytest.raises(TypeError):
        win32file.DeleteFile(fileName=wpath + "\\p.txt")
    assert (linux / "p.txt").exists()


def test_delete_bad_argument_types():
    with pytest.raises(TypeError):
        win32file.DeleteFile(None)
    with pytest.raises(TypeError):
        win32file.DeleteFile(42)


# --- CreateDirectory / CreateDirectoryW ------------------------------------------------

@pytest.mark.parametrize("func", ["CreateDirectory", "CreateDirectoryW"])
def test_create_directory(cdir, func):
    wpath, linux = cdir
    create = getattr(win32file, func)
    assert create(wpath + "\\NewDir", None) is None
    assert (linux / "NewDir").is_dir()
    assert win32file.GetFileAttributes(wpath + "\\newdir") & DIRECTORY
    fails(183, func, create, wpath + "\\NewDir", None)
    fails(183, func, create, wpath + "\\NEWDIR", None)
    fails(3, func, create, wpath + "\\missing\\child", None)


def test_create_directory_over_file_is_already_exists(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"")
    fails(183, "CreateDirectory", win32file.CreateDirectory, wpath + "\\f", None)


def test_create_directory_sa_argument(cdir):
    wpath, linux = cdir
    with pytest.raises(TypeError):
        win32file.CreateDirectory(wpath + "\\a")  # sa is required
    with pytest.raises(TypeError):
        win32file.CreateDirectory(wpath + "\\b", "not sa")
    with pytest.raises(TypeError):
        win32file.CreateDirectoryW(wpath + "\\c", 5)
    with pytest.raises(TypeError):
        win32file.CreateDirectory(name=wpath + "\\d", sa=None)
    assert os.listdir(linux) == []
    win32file.CreateDirectory(wpath + "\\e", pywintypes.SECURITY_ATTRIBUTES())
    assert (linux / "e").is_dir()


def test_create_directory_linux_path(tmp):
    win32file.CreateDirectoryW(str(tmp / "plain"), None)
    assert (tmp / "plain").is_dir()


# --- CreateDirectoryEx / CreateDirectoryExW ------------------------------------------

@pytest.mark.parametrize("bits", [HIDDEN, READONLY, SYSTEM, HIDDEN | READONLY | SYSTEM])
def test_create_directory_ex_copies_template_attributes(cdir, bits):
    wpath, linux = cdir
    win32file.CreateDirectory(wpath + "\\tpl", None)
    win32file.SetFileAttributes(wpath + "\\tpl", bits)
    win32file.CreateDirectoryEx(wpath + "\\tpl", wpath + "\\made", None)
    assert (linux / "made").is_dir()
    attrs = win32file.GetFileAttributes(wpath + "\\made")
    assert attrs & (HIDDEN | READONLY | SYSTEM) == bits
    assert attrs & DIRECTORY


def test_create_directory_ex_plain_template(cdir):
    wpath, linux = cdir
    (linux / "tpl").mkdir()
    win32file.CreateDirectoryEx(wpath + "\\tpl", wpath + "\\made", None)
    assert win32file.GetFileAttributes(wpath + "\\made") & (HIDDEN | READONLY | SYSTEM) == 0


def test_create_directory_ex_template_missing(cdir):
    wpath, linux = cdir
    e = fails(2, "CreateDirectoryEx", win32file.CreateDirectoryEx,
              wpath + "\\nope", wpath + "\\made", None)
    assert e.args[0] == 2
    assert not (linux / "made").exists()


def test_create_directory_ex_errors(cdir):
    wpath, linux = cdir
    (linux / "tpl").mkdir()
    (linux / "there").mkdir()
    fails(183, "CreateDirectoryEx", win32file.CreateDirectoryEx, wpath + "\\tpl", wpath + "\\there", None)
    fails(3, "CreateDirectoryEx", win32file.CreateDirectoryEx, wpath + "\\tpl", wpath + "\\x\\y", None)
    with pytest.raises(TypeError):
        win32file.CreateDirectoryEx(None, wpath + "\\z", None)  # None only for ...ExW
    with pytest.raises(TypeError):
        win32file.CreateDirectoryEx(wpath + "\\tpl", wpath + "\\z")
    assert not (linux / "z").exists()


def test_create_directory_ex_w_keywords(cdir):
    wpath, linux = cdir
    win32file.CreateDirectoryExW(TemplateDirectory=None, NewDirectory=wpath + "\\kw")
    assert (linux / "kw").is_dir()
    win32file.CreateDirectoryExW(None, wpath + "\\kw2", None, None)
    assert (linux / "kw2").is_dir()
    win32file.SetFileAttributes(wpath + "\\kw", HIDDEN)
    win32file.CreateDirectoryExW(wpath + "\\kw", wpath + "\\kw3", SecurityAttributes=None)
    assert win32file.GetFileAttributes(wpath + "\\kw3") & HIDDEN
    fails(183, "CreateDirectoryExW", win32file.CreateDirectoryExW, None, wpath + "\\kw")
    with pytest.raises(TypeError):  # not a handle (PyWinObject_AsHANDLE)
        win32file.CreateDirectoryExW(None, wpath + "\\tx", Transaction=object())
    assert not (linux / "tx").exists()


# --- RemoveDirectory -----------------------------------------------------------------

def test_remove_directory(cdir):
    wpath, linux = cdir
    (linux / "Empty").mkdir()
    assert win32file.RemoveDirectory(wpath + "\\EMPTY") is None
    assert not (linux / "Empty").exists()


def test_remove_directory_keyword_and_transaction(cdir):
    wpath, linux = cdir
    (linux / "kw").mkdir()
    (linux / "tx").mkdir()
    with pytest.raises(TypeError):  # not a handle (PyWinObject_AsHANDLE)
        win32file.RemoveDirectory(wpath + "\\tx", Transaction=object())
    assert (linux / "tx").is_dir()
    win32file.RemoveDirectory(PathName=wpath + "\\kw", Transaction=None)
    assert not (linux / "kw").exists()


def test_remove_directory_errors(cdir):
    wpath, linux = cdir
    (linux / "full").mkdir()
    (linux / "full" / "f").write_bytes(b"")
    (linux / "file").write_bytes(b"")
    fails(145, "RemoveDirectory", win32file.RemoveDirectory, wpath + "\\full")
    fails(267, "RemoveDirectory", win32file.RemoveDirectory, wpath + "\\file")
    fails(2, "RemoveDirectory", win32file.RemoveDirectory, wpath + "\\missing")
    fails(3, "RemoveDirectory", win32file.RemoveDirectory, wpath + "\\missing\\deeper")
    assert (linux / "full" / "f").exists() and (linux / "file").exists()


def test_remove_readonly_directory(cdir):
    wpath, linux = cdir
    (linux / "ro").mkdir()
    win32file.SetFileAttributes(wpath + "\\ro", READONLY)
    fails(5, "RemoveDirectory", win32file.RemoveDirectory, wpath + "\\ro")
    assert (linux / "ro").is_dir()
    win32file.SetFileAttributes(wpath + "\\ro", NORMAL)
    win32file.RemoveDirectory(wpath + "\\ro")
    assert not (linux / "ro").exists()


def test_delete_while_open_with_share_delete(cdir):
    wpath, linux = cdir
    (linux / "open.txt").write_bytes(b"still here")
    share = win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE | win32file.FILE_SHARE_DELETE
    h = win32file.CreateFile(wpath + "\\open.txt", win32file.GENERIC_READ, share, None,
                             win32file.OPEN_EXISTING, 0, None)
    try:
        win32file.DeleteFile(wpath + "\\open.txt")
        assert not (linux / "open.txt").exists()
        assert win32file.ReadFile(h, 100)[1] == b"still here"
    finally:
        h.Close()


def test_create_directory_name_forms(cdir):
    wpath, linux = cdir
    win32file.CreateDirectory(wpath + "\\withsep\\", None)
    win32file.CreateDirectory(wpath + "\\dotted.", None)
    win32file.CreateDirectory(wpath + "/forward", None)
    assert sorted(os.listdir(linux)) == ["dotted", "forward", "withsep"]
    fails(123, "CreateDirectory", win32file.CreateDirectory, wpath + "\\a<b", None)
    fails(123, "DeleteFile", win32file.DeleteFile, wpath + "\\a|b")
    fails(123, "RemoveDirectory", win32file.RemoveDirectory, wpath + "\\a*b")
