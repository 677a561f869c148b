"""GetFileInformationByHandleEx, SetFileInformationByHandle, ReOpenFile, OpenFileById,
GetCompressedFileSize on real files."""
import datetime
import os

import pytest
import pywintypes
import win32file
import winerror

R = win32file.GENERIC_READ
W = win32file.GENERIC_WRITE
DELETE = 0x10000
SHARE_ALL = win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE | win32file.FILE_SHARE_DELETE


def open_file(path, access=R, share=SHARE_ALL, disposition=win32file.OPEN_EXISTING, flags=0):
    return win32file.CreateFile(path, access, share, None, disposition, flags, None)


def open_dir(path, access=R):
    return open_file(path, access, SHARE_ALL, win32file.OPEN_EXISTING, win32file.FILE_FLAG_BACKUP_SEMANTICS)


@pytest.fixture
def f(cdir):
    win, linux = cdir
    (linux / "f.txt").write_bytes(b"hello world")
    return win + "\\f.txt", linux / "f.txt"


def test_basic_and_standard_info(f):
    win, linux = f
    h = open_file(win)
    try:
        basic = win32file.GetFileInformationByHandleEx(h, win32file.FileBasicInfo)
        st = os.stat(linux)
        assert set(basic) == {"CreationTime", "LastAccessTime", "LastWriteTime", "ChangeTime", "FileAttributes"}
        assert abs(basic["LastWriteTime"].timestamp() - st.st_mtime) < 1e-3
        assert basic["FileAttributes"] == win32file.GetFileAttributes(win)
        std = win32file.GetFileInformationByHandleEx(h, win32file.FileStandardInfo)
        assert std["EndOfFile"] == 11
        assert std["AllocationSize"] == st.st_blocks * 512
        assert std["NumberOfLinks"] == 1
        assert std["DeletePending"] is False and std["Directory"] is False
    finally:
        win32file.CloseHandle(h)


def test_name_info_is_the_path_without_drive_and_follows_renames(f, cdir):
    win, linux = f
    h = open_file(win, R | DELETE)
    try:
        assert win32file.GetFileInformationByHandleEx(h, win32file.FileNameInfo) == win[2:]
        os.rename(linux, linux.with_name("g.txt"))
        assert win32file.GetFileInformationByHandleEx(h, win32file.FileNameInfo) == cdir[0][2:] + "\\g.txt"
    finally:
        win32file.CloseHandle(h)


def test_compression_tag_and_stream_info(f):
    win, _ = f
    h = open_file(win)
    try:
        c = win32file.GetFileInformationByHandleEx(h, win32file.FileCompressionInfo)
        assert c["CompressedFileSize"] == 11 and c["CompressionFormat"] == 0
        assert c["Reserved"] == (0, 0, 0)
        t = win32file.GetFileInformationByHandleEx(h, win32file.FileAttributeTagInfo)
        assert t == {"FileAttributes": win32file.GetFileAttributes(win), "ReparseTag": 0}
        s = win32file.GetFileInformationByHandleEx(h, win32file.FileStreamInfo)
        assert len(s) == 1 and s[0]["StreamName"] == "::$DATA" and s[0]["StreamSize"] == 11
    finally:
        win32file.CloseHandle(h)


def test_unqueryable_class_gives_invalid_parameter(f):
    h = open_file(f[0])
    try:
        for cls in (win32file.FileRenameInfo, win32file.FileDispositionInfo, 18, 99):
            with pytest.raises(pywintypes.error) as e:
                win32file.GetFileInformationByHandleEx(h, cls)
            assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    finally:
        win32file.CloseHandle(h)


def test_directory_listing_batches_then_empty_and_restart(cdir):
    win, linux = cdir
    names = {"a%03d" % i for i in range(700)}
    for n in names:
        (linux / n).write_bytes(b"x" * 3)
    h = open_dir(win)
    try:
        seen = []
        while True:
            batch = win32file.GetFileInformationByHandleEx(h, win32file.FileIdBothDirectoryInfo)
            if not batch:
                break
            seen.extend(batch)
        assert len(seen) == len(names) + 2  # "." and ".." too
        by_name = {d["FileName"]: d for d in seen}
        assert set(by_name) == names | {".", ".."}
        d = by_name["a001"]
        assert d["EndOfFile"] == 3 and d["ShortName"] == "" and d["FileId"] == os.stat(linux / "a001").st_ino
        again = win32file.GetFileInformationByHandleEx(h, win32file.FileIdBothDirectoryRestartInfo)
        assert again and len(again) < len(seen)  # restart gives the first batch, not everything
        assert win32file.GetFileInformationByHandleEx(h, win32file.FileStreamInfo) == ()
        assert win32file.GetFileInformationByHandleEx(h, win32file.FileStandardInfo)["Directory"] is True
    finally:
        win32file.CloseHandle(h)


def test_directory_listing_on_a_file_is_invalid_parameter(f):
    h = open_file(f[0])
    try:
        with pytest.raises(pywintypes.error) as e:
            win32file.GetFileInformationByHandleEx(h, win32file.FileIdBothDirectoryInfo)
        assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    finally:
        win32file.CloseHandle(h)


def test_set_basic_info_times_and_attributes(f):
    win, linux = f
    h = open_file(win, R | W)
    try:
        t = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        win32file.SetFileInformationByHandle(h, win32file.FileBasicInfo, {
            "CreationTime": t, "LastAccessTime": t, "LastWriteTime": t, "ChangeTime": t,
            "FileAttributes": win32file.FILE_ATTRIBUTE_HIDDEN,
        })
        assert os.stat(linux).st_mtime == t.timestamp()
        assert win32file.GetFileAttributes(win) & win32file.FILE_ATTRIBUTE_HIDDEN
        assert win32file.GetFileInformationByHandleEx(h, win32file.FileBasicInfo)["CreationTime"] == t
        with pytest.raises(KeyError):
            win32file.SetFileInformationByHandle(h, win32file.FileBasicInfo, {"CreationTime": t})
    finally:
        win32file.CloseHandle(h)


def test_set_end_of_file_and_allocation(f):
    win, linux = f
    h = open_file(win, R | W)
    try:
        win32file.SetFileInformationByHandle(h, win32file.FileEndOfFileInfo, 5)
        assert linux.read_bytes() == b"hello"
        win32file.SetFileInformationByHandle(h, win32file.FileAllocationInfo, 1 << 20)
        assert os.stat(linux).st_size == 5  # allocation keeps the size
        assert os.stat(linux).st_blocks * 512 >= 1 << 20
        win32file.SetFileInformationByHandle(h, win32file.FileAllocationInfo, 2)
        assert linux.read_bytes() == b"he"  # below the size: truncates
        win32file.SetFileInformationByHandle(h, win32file.FileIoPriorityHintInfo, win32file.IoPriorityHintLow)
        with pytest.raises(pywintypes.error) as e:
            win32file.SetFileInformationByHandle(h, win32file.FileIoPriorityHintInfo, 7)
        assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    finally:
        win32file.CloseHandle(h)
    h = open_file(win, R)
    try:
        with pytest.raises(pywintypes.error) as e:
            win32file.SetFileInformationByHandle(h, win32file.FileEndOfFileInfo, 0)
        assert e.value.winerror == winerror.ERROR_ACCESS_DENIED
    finally:
        win32file.CloseHandle(h)


def test_rename_info(f, cdir):
    win, linux = f
    (linux.parent / "other.txt").write_bytes(b"o")
    h = open_file(win, R | DELETE)
    try:
        info = {"ReplaceIfExists": False, "RootDirectory": None, "FileName": "other.txt"}
        with pytest.raises(pywintypes.error) as e:
            win32file.SetFileInformationByHandle(h, win32file.FileRenameInfo, info)
        assert e.value.winerror == winerror.ERROR_ALREADY_EXISTS
        info["FileName"] = "renamed.txt"
        win32file.SetFileInformationByHandle(h, win32file.FileRenameInfo, info)
        assert (linux.parent / "renamed.txt").read_bytes() == b"hello world" and not linux.exists()
        info = {"ReplaceIfExists": True, "RootDirectory": None, "FileName": cdir[0] + "\\other.txt"}
        win32file.SetFileInformationByHandle(h, win32file.FileRenameInfo, info)
        assert (linux.parent / "other.txt").read_bytes() == b"hello world"
    finally:
        win32file.CloseHandle(h)
    h = open_file(cdir[0] + "\\other.txt", R)
    try:
        with pytest.raises(pywintypes.error) as e:
            win32file.SetFileInformationByHandle(h, win32file.FileRenameInfo,
                                                 {"ReplaceIfExists": 0, "RootDirectory": None, "FileName": "x"})
        assert e.value.winerror == winerror.ERROR_ACCESS_DENIED  # no DELETE access
    finally:
        win32file.CloseHandle(h)


def test_disposition_deletes_at_last_close_and_refuses_new_opens(f):
    win, linux = f
    h = open_file(win, R | DELETE)
    other = open_file(win, R)
    try:
        win32file.SetFileInformationByHandle(h, win32file.FileDispositionInfo, True)
        assert win32file.GetFileInformationByHandleEx(other, win32file.FileStandardInfo)["DeletePending"] is True
        with pytest.raises(pywintypes.error) as e:
            open_file(win)
        assert e.value.winerror == winerror.ERROR_ACCESS_DENIED
        win32file.CloseHandle(h)
        assert linux.exists()  # another handle is still open
    finally:
        win32file.CloseHandle(other)
    assert not linux.exists()


def test_disposition_can_be_cleared(f):
    win, linux = f
    h = open_file(win, R | DELETE)
    win32file.SetFileInformationByHandle(h, win32file.FileDispositionInfo, 1)
    win32file.SetFileInformationByHandle(h, win32file.FileDispositionInfo, 0)
    assert win32file.GetFileInformationByHandleEx(h, win32file.FileStandardInfo)["DeletePending"] is False
    win32file.CloseHandle(h)
    assert linux.exists()
    win32file.CloseHandle(open_file(win))


def test_disposition_needs_delete_access_and_an_empty_directory(f, cdir):
    win, linux = f
    h = open_file(win, R)
    try:
        with pytest.raises(pywintypes.error) as e:
            win32file.SetFileInformationByHandle(h, win32file.FileDispositionInfo, True)
        assert e.value.winerror == winerror.ERROR_ACCESS_DENIED
    finally:
        win32file.CloseHandle(h)
    d = open_dir(cdir[0], R | DELETE)
    try:
        with pytest.raises(pywintypes.error) as e:
            win32file.SetFileInformationByHandle(d, win32file.FileDispositionInfo, True)
        assert e.value.winerror == winerror.ERROR_DIR_NOT_EMPTY
    finally:
        win32file.CloseHandle(d)


def test_reopen_file_applies_share_rules(f):
    win, linux = f
    h = open_file(win, R, win32file.FILE_SHARE_READ)
    try:
        r = win32file.ReOpenFile(h, R, win32file.FILE_SHARE_READ, 0)
        try:
            win32file.SetFilePointer(h, 6, win32file.FILE_BEGIN)
            assert win32file.ReadFile(r, 5)[1] == b"hello"  # its own file pointer
        finally:
            win32file.CloseHandle(r)
        with pytest.raises(pywintypes.error) as e:
            win32file.ReOpenFile(h, W, SHARE_ALL, 0)
        assert e.value.winerror == winerror.ERROR_SHARING_VIOLATION
        with pytest.raises(pywintypes.error) as e:
            win32file.ReOpenFile(h, R, SHARE_ALL, win32file.FILE_ATTRIBUTE_HIDDEN)
        assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    finally:
        win32file.CloseHandle(h)
    h = open_file(win, R, SHARE_ALL)
    try:
        w = win32file.ReOpenFile(h, W, SHARE_ALL, 0)
        win32file.WriteFile(w, b"HELLO")
        win32file.CloseHandle(w)
        assert linux.read_bytes() == b"HELLO world"
    finally:
        win32file.CloseHandle(h)


def test_open_file_by_id(f, cdir):
    win, linux = f
    d = open_dir(cdir[0])
    try:
        file_id = os.stat(linux).st_ino
        h = win32file.OpenFileById(d, file_id, R, SHARE_ALL, 0)
        try:
            assert win32file.ReadFile(h, 100)[1] == b"hello world"
            info = win32file.GetFileInformationByHandle(h)
            assert (info[8] << 32) | info[9] == file_id
        finally:
            win32file.CloseHandle(h)
        with pytest.raises(TypeError):
            win32file.OpenFileById(d, "not an id", R, SHARE_ALL, 0)
        with pytest.raises(pywintypes.error) as e:
            win32file.OpenFileById(d, 2**40 + 12345, R, SHARE_ALL, 0)
        assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    finally:
        win32file.CloseHandle(d)


def test_compressed_file_size_of_sparse_and_plain_files(cdir):
    win, linux = cdir
    (linux / "plain").write_bytes(b"x" * 100)
    with open(linux / "sparse", "wb") as fh:
        fh.truncate(8 << 20)
        fh.seek(4 << 20)
        fh.write(b"y" * 10)
    assert win32file.GetCompressedFileSize(win + "\\plain") == 100
    sparse = win32file.GetCompressedFileSize(win + "\\sparse")
    assert sparse == os.stat(linux / "sparse").st_blocks * 512 and sparse < 8 << 20
    with pytest.raises(pywintypes.error) as e:
        win32file.GetCompressedFileSize(win + "\\missing")
    assert e.value.winerror == winerror.ERROR_FILE_NOT_FOUND
    with pytest.raises(TypeError):
        win32file.GetCompressedFileSize(b"bytes")


def test_large_integer_arguments_are_not_taken_modulo_2_64(f, cdir):
    """LARGE_INTEGER arguments (PyWinObject_AsLARGE_INTEGER): an int wider than 64 bits
    is an OverflowError; 2**64 + 5 must never act as 5."""
    win, linux = f
    h = open_file(win, R | W)
    d = open_dir(cdir[0])
    try:
        with pytest.raises(OverflowError):
            win32file.SetFileInformationByHandle(h, win32file.FileEndOfFileInfo, 2**64 + 5)
        assert linux.read_bytes() == b"hello world"
        with pytest.raises(OverflowError):
            win32file.OpenFileById(d, 2**64 + os.stat(linux).st_ino, R, SHARE_ALL, 0)
    finally:
        win32file.CloseHandle(h)
        win32file.CloseHandle(d)
