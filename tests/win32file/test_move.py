"""MoveFile(W) and MoveFileEx(W): renames, replacing, case-only renames, and moves
across file systems (the drive under the test root and tmpfs /dev/shm)."""
import os

import pytest
import pywintypes
import win32file

READONLY = win32file.FILE_ATTRIBUTE_READONLY
NORMAL = win32file.FILE_ATTRIBUTE_NORMAL
REPLACE = win32file.MOVEFILE_REPLACE_EXISTING
COPY_ALLOWED = win32file.MOVEFILE_COPY_ALLOWED


def fails(code, func, call, *args):
    with pytest.raises(pywintypes.error) as info:
        call(*args)
    assert info.value.winerror == code, info.value.args
    assert info.value.funcname == func
    return info.value




@pytest.mark.parametrize("func", ["MoveFile", "MoveFileW"])
def test_move_file_renames(cdir, func):
    wpath, linux = cdir
    (linux / "a.txt").write_bytes(b"payload")
    ino = os.stat(linux / "a.txt").st_ino
    assert getattr(win32file, func)(wpath + "\\a.txt", wpath + "\\b.txt") is None
    assert not (linux / "a.txt").exists()
    assert (linux / "b.txt").read_bytes() == b"payload"
    assert os.stat(linux / "b.txt").st_ino == ino


@pytest.mark.parametrize("func", ["MoveFile", "MoveFileW"])
def test_move_file_existing_target(cdir, func):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"a")
    (linux / "b").write_bytes(b"b")
    fails(183, func, getattr(win32file, func), wpath + "\\a", wpath + "\\B")
    assert (linux / "a").read_bytes() == b"a" and (linux / "b").read_bytes() == b"b"


def test_move_file_missing_source(cdir):
    wpath, linux = cdir
    fails(2, "MoveFile", win32file.MoveFile, wpath + "\\none", wpath + "\\x")
    fails(3, "MoveFile", win32file.MoveFile, wpath + "\\no\\none", wpath + "\\x")
    (linux / "a").write_bytes(b"")
    fails(3, "MoveFile", win32file.MoveFile, wpath + "\\a", wpath + "\\no\\x")
    assert (linux / "a").exists()


def test_move_file_positional_only(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"")
    with pytest.raises(TypeError):
        win32file.MoveFile(existingFileName=wpath + "\\a", newFileName=wpath + "\\b")
    with pytest.raises(TypeError):
        win32file.MoveFileEx(wpath + "\\a", wpath + "\\b", flags=0)
    assert (linux / "a").exists()


def test_case_only_rename(cdir):
    wpath, linux = cdir
    (linux / "a.txt").write_bytes(b"case")
    win32file.MoveFile(wpath + "\\a.txt", wpath + "\\A.TXT")
    assert os.listdir(linux) == ["A.TXT"]
    assert (linux / "A.TXT").read_bytes() == b"case"
    win32file.MoveFileEx(wpath + "\\A.TXT", wpath + "\\a.Txt", 0)
    assert os.listdir(linux) == ["a.Txt"]


def test_case_only_rename_of_directory(cdir):
    wpath, linux = cdir
    (linux / "dir").mkdir()
    (linux / "dir" / "f").write_bytes(b"")
    win32file.MoveFileW(wpath + "\\dir", wpath + "\\DIR")
    assert os.listdir(linux) == ["DIR"]
    assert (linux / "DIR" / "f").exists()


def test_move_directory_within_file_system(cdir):
    wpath, linux = cdir
    (linux / "src" / "inner").mkdir(parents=True)
    (linux / "src" / "inner" / "f").write_bytes(b"deep")
    (linux / "dest").mkdir()
    win32file.MoveFile(wpath + "\\src", wpath + "\\dest\\moved")
    assert not (linux / "src").exists()
    assert (linux / "dest" / "moved" / "inner" / "f").read_bytes() == b"deep"


def test_move_directory_into_itself_fails(cdir):
    wpath, linux = cdir
    (linux / "d").mkdir()
    with pytest.raises(pywintypes.error):
        win32file.MoveFile(wpath + "\\d", wpath + "\\d\\sub")
    assert (linux / "d").is_dir()


# --- MoveFileEx -------------------------------------------------------------------

@pytest.mark.parametrize("func", ["MoveFileEx", "MoveFileExW"])
def test_move_ex_replace_existing(cdir, func):
    wpath, linux = cdir
    (linux / "new").write_bytes(b"new data")
    (linux / "old").write_bytes(b"old")
    fails(183, func, getattr(win32file, func), wpath + "\\new", wpath + "\\old", 0)
    getattr(win32file, func)(wpath + "\\new", wpath + "\\old", REPLACE)
    assert os.listdir(linux) == ["old"]
    assert (linux / "old").read_bytes() == b"new data"


def test_move_ex_replace_refuses_readonly_target(cdir):
    wpath, linux = cdir
    (linux / "new").write_bytes(b"n")
    (linux / "old").write_bytes(b"o")
    win32file.SetFileAttributes(wpath + "\\old", READONLY)
    fails(5, "MoveFileEx", win32file.MoveFileEx, wpath + "\\new", wpath + "\\old", REPLACE)
    assert (linux / "old").read_bytes() == b"o" and (linux / "new").exists()
    win32file.SetFileAttributes(wpath + "\\old", NORMAL)
    win32file.MoveFileEx(wpath + "\\new", wpath + "\\old", REPLACE)
    assert (linux / "old").read_bytes() == b"n"


def test_move_ex_replace_refuses_directory_target(cdir):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"f")
    (linux / "d").mkdir()
    fails(5, "MoveFileEx", win32file.MoveFileEx, wpath + "\\f", wpath + "\\d", REPLACE)
    fails(183, "MoveFileEx", win32file.MoveFileEx, wpath + "\\f", wpath + "\\d", 0)
    assert (linux / "d").is_dir() and (linux / "f").exists()


def test_move_ex_write_through(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"sync")
    win32file.MoveFileEx(wpath + "\\a", wpath + "\\b", win32file.MOVEFILE_WRITE_THROUGH)
    assert (linux / "b").read_bytes() == b"sync" and not (linux / "a").exists()


def test_move_ex_delay_until_reboot_refused(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"")
    for target in (wpath + "\\b", None):
        with pytest.raises(pywintypes.error) as info:
            win32file.MoveFileEx(wpath + "\\a", target, win32file.MOVEFILE_DELAY_UNTIL_REBOOT)
        assert info.value.funcname == "MoveFileEx"
    assert os.listdir(linux) == ["a"]


def test_move_ex_none_target_without_delay_flag(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"")
    fails(87, "MoveFileEx", win32file.MoveFileEx, wpath + "\\a", None, 0)
    fails(87, "MoveFileExW", win32file.MoveFileExW, wpath + "\\a", None, REPLACE)
    assert (linux / "a").exists()
    with pytest.raises(TypeError):
        win32file.MoveFile(wpath + "\\a", None)


def test_move_ex_negative_flags_masked(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"1")
    (linux / "b").write_bytes(b"2")
    # -0xFFFFFFFF masks to 1 (REPLACE_EXISTING), as pywin32's DWORD conversion does.
    win32file.MoveFileEx(wpath + "\\a", wpath + "\\b", -0xFFFFFFFF)
    assert (linux / "b").read_bytes() == b"1"


# --- across file systems -----------------------------------------------------------

def test_move_file_across_file_systems(cdir, other_fs):
    wpath, linux = cdir
    (linux / "big.bin").write_bytes(b"z" * 100_000)
    dest = os.path.join(other_fs, "big.bin")
    win32file.MoveFile(wpath + "\\big.bin", dest)
    assert not (linux / "big.bin").exists()
    with open(dest, "rb") as f:
        assert f.read() == b"z" * 100_000
    win32file.MoveFileW(dest, wpath + "\\back.bin")
    assert (linux / "back.bin").stat().st_size == 100_000 and not os.path.exists(dest)


def test_move_ex_across_file_systems_needs_copy_allowed(cdir, other_fs):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"data")
    dest = os.path.join(other_fs, "f")
    fails(17, "MoveFileEx", win32file.MoveFileEx, wpath + "\\f", dest, 0)
    fails(17, "MoveFileExW", win32file.MoveFileExW, wpath + "\\f", dest, REPLACE)
    assert (linux / "f").exists() and not os.path.exists(dest)
    win32file.MoveFileEx(wpath + "\\f", dest, COPY_ALLOWED | win32file.MOVEFILE_WRITE_THROUGH)
    assert not (linux / "f").exists()
    with open(dest, "rb") as f:
        assert f.read() == b"data"


def test_move_ex_across_file_systems_replace(cdir, other_fs):
    wpath, linux = cdir
    (linux / "f").write_bytes(b"fresh")
    dest = os.path.join(other_fs, "f")
    with open(dest, "wb") as f:
        f.write(b"stale")
    fails(183, "MoveFileEx", win32file.MoveFileEx, wpath + "\\f", dest, COPY_ALLOWED)
    win32file.MoveFileEx(wpath + "\\f", dest, COPY_ALLOWED | REPLACE)
    with open(dest, "rb") as f:
        assert f.read() == b"fresh"
    assert not (linux / "f").exists()


def test_move_keeps_attributes_across_file_systems(cdir, other_fs):
    wpath, linux = cdir
    (linux / "h").write_bytes(b"")
    win32file.SetFileAttributes(wpath + "\\h", win32file.FILE_ATTRIBUTE_HIDDEN)
    dest = os.path.join(other_fs, "h")
    win32file.MoveFile(wpath + "\\h", dest)
    assert win32file.GetFileAttributes(dest) & win32file.FILE_ATTRIBUTE_HIDDEN


def test_move_directory_across_file_systems_refused(cdir, other_fs):
    wpath, linux = cdir
    (linux / "d").mkdir()
    (linux / "d" / "f").write_bytes(b"")
    with pytest.raises(pywintypes.error):
        win32file.MoveFile(wpath + "\\d", os.path.join(other_fs, "d"))
    assert (linux / "d" / "f").exists() and not os.path.exists(os.path.join(other_fs, "d"))


def test_move_across_file_systems_keeps_last_write_time(cdir, other_fs):
    wpath, linux = cdir
    (linux / "old").write_bytes(b"x")
    os.utime(linux / "old", (1_000_000_000, 1_000_000_000.5))
    dest = os.path.join(other_fs, "old")
    win32file.MoveFile(wpath + "\\old", dest)
    assert os.stat(dest).st_mtime == 1_000_000_000.5


def test_move_readonly_source_keeps_readonly(cdir):
    wpath, linux = cdir
    (linux / "ro").write_bytes(b"r")
    win32file.SetFileAttributes(wpath + "\\ro", READONLY)
    win32file.MoveFile(wpath + "\\ro", wpath + "\\moved")
    assert os.listdir(linux) == ["moved"]
    assert win32file.GetFileAttributes(wpath + "\\moved") == READONLY


def test_move_onto_itself_is_a_no_op(cdir):
    wpath, linux = cdir
    (linux / "same").write_bytes(b"s")
    win32file.MoveFile(wpath + "\\same", wpath + "\\same")
    win32file.MoveFileEx(wpath + "\\same", wpath + "\\same", 0)
    assert (linux / "same").read_bytes() == b"s"


def test_move_invalid_names(cdir):
    wpath, linux = cdir
    (linux / "a").write_bytes(b"")
    fails(123, "MoveFile", win32file.MoveFile, wpath + "\\a", wpath + "\\b|c")
    fails(123, "MoveFile", win32file.MoveFile, wpath + "\\a?", wpath + "\\b")
    assert os.listdir(linux) == ["a"]
