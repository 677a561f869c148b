"""How names reach files: drive letters, separators, `..`, trailing dots and spaces,
case-insensitive lookup, `\\\\?\\`, Z:, UNC, invalid names; GetFullPathName and
SetCurrentDirectory."""
import os

import pytest
import pywintypes
import win32con
import win32file

SHARE = win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE


def read(name):
    """The contents of `name` opened with CreateFile/ReadFile."""
    h = win32file.CreateFile(name, win32con.GENERIC_READ, SHARE, None, win32file.OPEN_EXISTING, 0, None)
    try:
        return win32file.ReadFile(h, 4096)[1]
    finally:
        h.Close()


def open_error(name):
    with pytest.raises(pywintypes.error) as info:
        read(name)
    assert info.value.funcname == "CreateFile"
    return info.value.winerror


@pytest.fixture
def tree(cdir):
    """cdir with Foo\\Bar.TXT holding b"bar"."""
    wpath, linux = cdir
    (linux / "Foo").mkdir()
    (linux / "Foo" / "Bar.TXT").write_bytes(b"bar")
    return wpath, linux


@pytest.fixture
def restore_cwd():
    here = os.getcwd()
    try:
        yield here
    finally:
        os.chdir(here)


# --- resolution -------------------------------------------------------------------

def test_backslashes_forward_slashes_and_mixed(tree):
    wpath, _ = tree
    assert read(wpath + "\\Foo\\Bar.TXT") == b"bar"
    assert read(wpath.replace("\\", "/") + "/Foo/Bar.TXT") == b"bar"
    assert read(wpath + "/Foo\\Bar.TXT") == b"bar"
    assert read(wpath + "\\\\Foo\\\\Bar.TXT") == b"bar"


def test_dot_dot_and_dot_collapse(tree):
    wpath, _ = tree
    assert read(wpath + "\\Foo\\..\\Foo\\.\\Bar.TXT") == b"bar"
    # `..` is lexical on Windows: the skipped directory need not exist.
    assert read(wpath + "\\nothing\\..\\Foo\\Bar.TXT") == b"bar"
    assert read("C:\\..\\..\\" + wpath[3:] + "\\Foo\\Bar.TXT") == b"bar"


@pytest.mark.parametrize("suffix", [".", "..", " ", "  ", ". .", " . "])
def test_trailing_dots_and_spaces_trimmed(tree, suffix):
    wpath, _ = tree
    assert read(wpath + "\\Foo\\Bar.TXT" + suffix) == b"bar"


def test_inner_components_lose_only_one_dot(tree):
    # RtlGetFullPathName_U trims dots and spaces from the last component only; an
    # inner component loses a single trailing dot.
    wpath, _ = tree
    assert read(wpath + "\\Foo.\\Bar.TXT") == b"bar"
    assert open_error(wpath + "\\Foo..\\Bar.TXT") == 3
    assert open_error(wpath + "\\Foo \\Bar.TXT") == 3


def test_create_with_trailing_dot_makes_trimmed_name(cdir):
    wpath, linux = cdir
    h = win32file.CreateFile(wpath + "\\new.txt.", win32con.GENERIC_WRITE, 0, None, win32file.CREATE_NEW, 0, None)
    h.Close()
    assert os.listdir(linux) == ["new.txt"]


def test_case_insensitive_lookup(tree):
    wpath, _ = tree
    assert read(wpath.lower() + "\\foo\\bar.txt") == b"bar"
    assert read(wpath.upper() + "\\FOO\\BAR.TXT") == b"bar"
    assert read("c" + wpath[1:] + "\\fOo\\bAr.TxT") == b"bar"
    assert win32file.GetFileAttributes(wpath.lower() + "\\foo") == win32file.FILE_ATTRIBUTE_DIRECTORY


def test_exact_case_preferred(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"lower")
    (linux / "A").write_bytes(b"upper")
    assert read(wpath + "\\a") == b"lower"
    assert read(wpath + "\\A") == b"upper"
    (linux / "d").mkdir()
    (linux / "D").mkdir()
    (linux / "D" / "f").write_bytes(b"in D")
    assert read(wpath + "\\D\\f") == b"in D"
    assert open_error(wpath + "\\d\\f") == 2


def test_unix_paths_are_exact(tree):
    _, linux = tree
    assert read(str(linux / "Foo" / "Bar.TXT")) == b"bar"
    assert open_error(str(linux / "Foo" / "bar.txt")) == 2
    assert open_error(str(linux / "FOO" / "Bar.TXT")) == 3
    assert open_error(str(linux / "Foo" / "Bar.TXT") + ".") == 2


def test_verbatim_prefix(tree):
    wpath, linux = tree
    assert read("\\\\?\\" + wpath + "\\Foo\\Bar.TXT") == b"bar"
    # \\?\ turns off trimming: the trailing dot is part of the name.
    h = win32file.CreateFile("\\\\?\\" + wpath + "\\dotted.", win32con.GENERIC_WRITE, 0, None,
                             win32file.CREATE_NEW, 0, None)
    h.Close()
    assert (linux / "dotted.").exists() and not (linux / "dotted").exists()


def test_z_drive_is_root(tree):
    _, linux = tree
    zname = "Z:" + str(linux / "Foo" / "Bar.TXT").replace("/", "\\")
    assert read(zname) == b"bar"
    assert read(zname.replace("Z:", "z:")) == b"bar"
    assert win32file.GetFileAttributes("Z:\\") == win32file.FILE_ATTRIBUTE_DIRECTORY


def test_unknown_drive_unc_and_invalid_names(cdir):
    wpath, _ = cdir
    assert open_error("Q:\\anything.txt") == 3
    assert open_error("\\\\nosuchserver\\share\\file.txt") == 53
    for bad in "<>|\"*?":
        assert open_error(wpath + "\\a" + bad + "b") == 123, bad


# --- GetFullPathName --------------------------------------------------------------

def test_full_path_name_windows_style():
    g = win32file.GetFullPathName
    assert g("C:\\a\\b\\..\\c") == "C:\\a\\c"
    assert g("C:/a/./b/") == "C:\\a\\b\\"
    assert g("C:\\dir\\file.txt. ") == "C:\\dir\\file.txt"
    assert g("c:\\Mixed\\CASE") == "c:\\Mixed\\CASE"
    assert g("\\\\server\\share\\x\\..\\y") == "\\\\server\\share\\y"
    assert g("\\\\?\\C:\\a\\..\\b") == "\\\\?\\C:\\a\\..\\b"


def test_full_path_name_unix_style_and_bytes():
    g = win32file.GetFullPathName
    assert g("/tmp/x/../y") == "/tmp/y"
    assert g(b"C:\\a\\..\\b") == b"C:\\b"
    assert type(g(b"/tmp/y")) is bytes and g(b"/tmp/y") == b"/tmp/y"
    assert g(FileName="C:\\k", Transaction=None) == "C:\\k"
    with pytest.raises(TypeError):  # not a handle (PyWinObject_AsHANDLE)
        g("C:\\k", Transaction=object())
    with pytest.raises(TypeError):
        g(None)


def test_full_path_name_relative_joins_cwd(cdir, tmp, restore_cwd):
    wpath, linux = cdir
    g = win32file.GetFullPathName
    os.chdir(linux)
    assert g("sub\\f.txt") == wpath + "\\sub\\f.txt"
    assert g("f.txt") == os.path.join(os.getcwd(), "f.txt")
    assert g("..\\x") == "C:\\x"
    assert g("\\rooted") == "C:\\rooted"
    os.chdir(tmp)
    assert g("x\\y") == "Z:" + os.getcwd().replace("/", "\\") + "\\x\\y"
    assert g("plain") == os.getcwd() + "/plain"


# --- SetCurrentDirectory ----------------------------------------------------------

def test_set_current_directory(tree, restore_cwd):
    wpath, linux = tree
    assert win32file.SetCurrentDirectory(wpath.lower() + "\\foo") is None
    assert os.getcwd() == os.path.realpath(linux / "Foo")
    assert read(".\\BAR.TXT") == b"bar"
    assert read("Bar.TXT") == b"bar"
    assert read("..\\foo\\Bar.TXT") == b"bar"
    assert win32file.GetFullPathName("x.txt") == os.path.realpath(linux / "Foo") + "/x.txt"
    win32file.SetCurrentDirectory("..")
    assert os.getcwd() == os.path.realpath(linux)
    assert read("Foo\\Bar.TXT") == b"bar"
    win32file.SetCurrentDirectory(str(linux / "Foo"))
    assert os.getcwd() == os.path.realpath(linux / "Foo")


def test_set_current_directory_errors(tree, restore_cwd):
    wpath, linux = tree

    def fails(name):
        with pytest.raises(pywintypes.error) as info:
            win32file.SetCurrentDirectory(name)
        assert info.value.funcname == "SetCurrentDirectory"
        return info.value.winerror

    assert fails(wpath + "\\missing") == 2
    assert fails(wpath + "\\missing\\deeper") == 3
    assert fails(wpath + "\\Foo\\Bar.TXT") == 267
    assert os.getcwd() == restore_cwd
    with pytest.raises(TypeError):
        win32file.SetCurrentDirectory(lpPathName=wpath)


def test_trailing_separator_after_a_file_is_invalid_name(tree):
    # Windows rejects `file.txt\` as a name (STATUS_OBJECT_NAME_INVALID), while
    # `file.txt\x` is a missing path and `dir\` is the directory.
    wpath, linux = tree
    for name in (wpath + "\\Foo\\Bar.TXT\\", str(linux / "Foo" / "Bar.TXT") + "/"):
        assert open_error(name) == 123
        assert win32file.GetFileAttributes(name) == -1
        for call, args in ((win32file.GetFileAttributesEx, ()),
                           (win32file.SetFileAttributes, (win32file.FILE_ATTRIBUTE_HIDDEN,)),
                           (win32file.DeleteFile, ())):
            with pytest.raises(pywintypes.error) as info:
                call(name, *args)
            assert info.value.winerror == 123, call
    assert open_error(wpath + "\\Foo\\Bar.TXT\\x") == 3
    assert win32file.GetFileAttributes(wpath + "\\Foo\\") == win32file.FILE_ATTRIBUTE_DIRECTORY
    assert (linux / "Foo" / "Bar.TXT").read_bytes() == b"bar"
