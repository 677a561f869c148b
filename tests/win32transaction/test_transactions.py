"""win32transaction and Transaction= (docs/transactions.md): isolation, conflicts
(in this process and across processes), rollback leaving the tree byte-identical,
commit applying everything, timeouts, handles after the end, 1,000 changes."""
import hashlib
import os
import subprocess
import sys

import pytest
import pywintypes
import win32con
import win32event
import win32file
import win32transaction as wt
import winerror
from helpers import winerror_of

GW, GR = win32con.GENERIC_WRITE, win32con.GENERIC_READ


def write(path, data, t=None, disp=win32file.CREATE_ALWAYS):
    h = win32file.CreateFileW(str(path), GW, 0, None, disp, 0, None, Transaction=t)
    win32file.WriteFile(h, data)
    h.Close()


def read(path, t=None):
    h = win32file.CreateFileW(str(path), GR, win32file.FILE_SHARE_READ, None, win32file.OPEN_EXISTING, 0, None,
                              Transaction=t)
    try:
        return win32file.ReadFile(h, 1 << 20)[1]
    finally:
        h.Close()


def snapshot(root):
    """Everything rollback must leave alone: names, types, modes, sizes, inodes, link
    counts, data, every xattr (DOS attributes, streams), and the access and write times
    (ns; the creation time is in user.DOSATTRIB). Not the Linux change time (ctime): a
    move's shadow is a second link, and linking and unlinking it moves the source's
    ctime, which nothing can set back (docs/transactions.md)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            xattrs = {k: os.getxattr(p, k, follow_symlinks=False) for k in os.listxattr(p, follow_symlinks=False)}
            data = None
            if not os.path.isdir(p):
                with open(p, "rb") as f:
                    data = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(p, root)] = (st.st_mode, st.st_size, st.st_ino, st.st_nlink, st.st_mtime_ns,
                                              st.st_atime_ns, data, xattrs)
    return out


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    for i in range(5):
        (root / ("f%d" % i)).write_bytes(b"committed %d" % i)
    (root / "d").mkdir()
    (root / "d" / "inner").write_bytes(b"inner")
    win32file.SetFileAttributesW(str(root / "f4"), win32con.FILE_ATTRIBUTE_HIDDEN)
    os.setxattr(root / "f3", "user.DosStream.s:$DATA", b"stream\0")
    for dirpath, _, filenames in os.walk(root):
        for n in filenames:  # atime settles (relatime) before any snapshot
            with open(os.path.join(dirpath, n), "rb") as f:
                f.read()
    return root


def test_isolation_insiders_see_their_changes_outsiders_the_committed_state(tree):
    t = wt.CreateTransaction(Description="isolation")
    write(tree / "f0", b"changed", t)
    write(tree / "new", b"created", t, win32file.CREATE_NEW)
    win32file.DeleteFileW(str(tree / "f1"), Transaction=t)
    win32file.MoveFileWithProgress(str(tree / "f2"), str(tree / "f2moved"), Transaction=t)
    win32file.CreateDirectoryExW(None, str(tree / "nd"), Transaction=t)
    assert read(tree / "f0", t) == b"changed"
    assert read(tree / "f0") == b"committed 0"
    assert read(tree / "new", t) == b"created"
    assert not (tree / "new").exists()
    assert winerror_of(read, tree / "f1", t) == winerror.ERROR_FILE_NOT_FOUND
    assert read(tree / "f1") == b"committed 1"
    assert read(tree / "f2moved", t) == b"committed 2"
    inside = {d[8] for d in win32file.FindFilesW(str(tree / "*"), Transaction=t)}
    outside = {d[8] for d in win32file.FindFilesW(str(tree / "*"))}
    assert inside == {".", "..", "f0", "f2moved", "f3", "f4", "d", "new", "nd"}
    assert outside == {".", "..", "f0", "f1", "f2", "f3", "f4", "d"}
    assert win32file.GetFileAttributesEx(str(tree / "nd"), Transaction=t)[0] & win32con.FILE_ATTRIBUTE_DIRECTORY
    assert winerror_of(win32file.GetFileAttributesEx, str(tree / "nd")) == winerror.ERROR_FILE_NOT_FOUND
    assert win32file.GetFileAttributesEx(str(tree / "new"), Transaction=t)[4] == 7
    wt.RollbackTransaction(t)


def test_commit_applies_everything(tree):
    t = wt.CreateTransaction()
    write(tree / "f0", b"changed", t)
    write(tree / "new", b"created", t, win32file.CREATE_NEW)
    win32file.DeleteFileW(str(tree / "f1"), Transaction=t)
    win32file.MoveFileWithProgress(str(tree / "f2"), str(tree / "f2moved"), Transaction=t)
    win32file.CopyFileEx(str(tree / "f3"), str(tree / "f3copy"), Transaction=t)
    win32file.CreateDirectoryExW(None, str(tree / "nd"), Transaction=t)
    write(tree / "nd" / "x", b"deep", t, win32file.CREATE_NEW)
    win32file.DeleteFileW(str(tree / "d" / "inner"), Transaction=t)
    win32file.RemoveDirectory(str(tree / "d"), Transaction=t)
    win32file.SetFileAttributesW(str(tree / "f4"), win32con.FILE_ATTRIBUTE_READONLY, Transaction=t)
    wt.CommitTransaction(t)
    assert sorted(os.listdir(tree)) == ["f0", "f2moved", "f3", "f3copy", "f4", "nd", "new"]
    assert (tree / "f0").read_bytes() == b"changed"
    assert (tree / "new").read_bytes() == b"created"
    assert (tree / "f2moved").read_bytes() == b"committed 2"
    assert (tree / "f3copy").read_bytes() == b"committed 3"
    assert (tree / "nd" / "x").read_bytes() == b"deep"
    assert win32file.GetFileAttributes(str(tree / "f4")) & win32con.FILE_ATTRIBUTE_READONLY
    assert sorted(os.listdir("/.winfile-txn")) == [] or all(
        not n.startswith(bytes(wt.GetTransactionId(t)).hex()) for n in os.listdir("/.winfile-txn"))
    win32file.CloseHandle(t)


def test_rollback_leaves_the_tree_byte_identical(tree):
    before = snapshot(tree)
    t = wt.CreateTransaction()
    write(tree / "f0", b"changed", t)
    write(tree / "f3", b"streamed file rewritten", t)
    write(tree / "new", b"created", t, win32file.CREATE_NEW)
    win32file.DeleteFileW(str(tree / "f1"), Transaction=t)
    win32file.MoveFileWithProgress(str(tree / "f2"), str(tree / "f2moved"), Transaction=t)
    win32file.CreateDirectoryExW(None, str(tree / "nd"), Transaction=t)
    win32file.DeleteFileW(str(tree / "d" / "inner"), Transaction=t)
    win32file.RemoveDirectory(str(tree / "d"), Transaction=t)
    win32file.SetFileAttributesW(str(tree / "f4"), win32con.FILE_ATTRIBUTE_NORMAL, Transaction=t)
    wt.RollbackTransaction(t)
    assert snapshot(tree) == before
    assert winerror_of(wt.CommitTransaction, t) == winerror.ERROR_TRANSACTION_ALREADY_ABORTED
    assert winerror_of(wt.RollbackTransaction, t) == winerror.ERROR_TRANSACTION_ALREADY_ABORTED
    win32file.CloseHandle(t)


def test_closing_an_uncommitted_transaction_rolls_it_back(tree):
    before = snapshot(tree)
    t = wt.CreateTransaction()
    write(tree / "f0", b"changed", t)
    t2 = wt.OpenTransaction(0, wt.GetTransactionId(t))
    t.Close()
    assert win32event.WaitForSingleObject(t2, 0) == win32event.WAIT_TIMEOUT  # another handle keeps it
    t2.Close()
    assert snapshot(tree) == before
    # the file is no longer claimed
    write(tree / "f0", b"outside")


def test_conflicts_in_this_process(tree):
    t = wt.CreateTransaction()
    write(tree / "f0", b"changed", t)
    assert winerror_of(write, tree / "f0", b"x") == winerror.ERROR_TRANSACTIONAL_CONFLICT
    assert winerror_of(win32file.DeleteFileW, str(tree / "f0")) == winerror.ERROR_TRANSACTIONAL_CONFLICT
    assert read(tree / "f0") == b"committed 0"  # readers are not refused
    t2 = wt.CreateTransaction()
    assert winerror_of(write, tree / "f0", b"y", t2) == winerror.ERROR_TRANSACTIONAL_CONFLICT
    assert winerror_of(win32file.DeleteFileW, str(tree / "f0"), t2) == winerror.ERROR_TRANSACTIONAL_CONFLICT
    wt.CommitTransaction(t)
    write(tree / "f0", b"y", t2)  # released at commit
    wt.CommitTransaction(t2)
    assert (tree / "f0").read_bytes() == b"y"


def test_an_outside_writer_keeps_a_transaction_out(tree):
    h = win32file.CreateFileW(str(tree / "f0"), GW, win32file.FILE_SHARE_READ, None, win32file.OPEN_EXISTING, 0,
                              None)
    t = wt.CreateTransaction()
    assert winerror_of(write, tree / "f0", b"x", t) == winerror.ERROR_SHARING_VIOLATION
    h.Close()
    wt.RollbackTransaction(t)


CONFLICT_CHILD = r'''
import sys, win32file, win32con, pywintypes, win32transaction as wt
path, mode = sys.argv[1], sys.argv[2]
t = wt.CreateTransaction() if mode == "txn" else None
try:
    h = win32file.CreateFileW(path, win32con.GENERIC_WRITE, 0, None, win32file.OPEN_EXISTING, 0, None, Transaction=t)
    print("opened")
except pywintypes.error as e:
    print(e.winerror)
try:
    win32file.DeleteFileW(path, Transaction=t)
    print("deleted")
except pywintypes.error as e:
    print(e.winerror)
'''


def test_conflicts_across_processes(tree):
    t = wt.CreateTransaction()
    write(tree / "f0", b"changed", t)
    for mode in ("plain", "txn"):
        out = subprocess.run([sys.executable, "-c", CONFLICT_CHILD, str(tree / "f0"), mode], capture_output=True,
                             text=True, check=True).stdout.split()
        assert out == ["6800", "6800"], mode
    wt.RollbackTransaction(t)
    out = subprocess.run([sys.executable, "-c", CONFLICT_CHILD, str(tree / "f0"), "plain"], capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["opened", "32"]  # its own open handle does not share delete


def test_handles_opened_in_a_transaction_fail_after_it_ends(tree):
    t = wt.CreateTransaction()
    reader = win32file.CreateFileW(str(tree / "f1"), GR, win32file.FILE_SHARE_READ, None, win32file.OPEN_EXISTING, 0,
                                   None, Transaction=t)
    h = win32file.CreateFileW(str(tree / "f0"), GW | GR, 0, None, win32file.OPEN_EXISTING, 0, None, Transaction=t)
    win32file.WriteFile(h, b"in")
    wt.CommitTransaction(t)
    assert winerror_of(win32file.WriteFile, h, b"x") == winerror.ERROR_TRANSACTION_NOT_ACTIVE
    assert winerror_of(win32file.ReadFile, h, 1) == winerror.ERROR_TRANSACTION_NOT_ACTIVE
    assert winerror_of(win32file.ReadFile, reader, 1) == winerror.ERROR_TRANSACTION_NOT_ACTIVE
    h.Close()
    reader.Close()
    assert winerror_of(write, tree / "f1", b"x", t) == winerror.ERROR_TRANSACTION_NOT_ACTIVE
    assert (tree / "f0").read_bytes().startswith(b"in")


def test_timeout_rolls_back_and_signals_the_handle(tree):
    before = snapshot(tree)
    t = wt.CreateTransaction(Timeout=50)
    write(tree / "f0", b"changed", t)
    assert win32event.WaitForSingleObject(t, win32event.INFINITE) == win32event.WAIT_OBJECT_0
    assert snapshot(tree) == before
    assert winerror_of(wt.CommitTransaction, t) == winerror.ERROR_TRANSACTION_ALREADY_ABORTED
    assert winerror_of(write, tree / "f0", b"x", t) == winerror.ERROR_TRANSACTION_NOT_ACTIVE


def test_async_commit_signals_when_decided(tree):
    t = wt.CreateTransaction()
    write(tree / "f0", b"async", t)
    wt.CommitTransactionAsync(t)
    assert win32event.WaitForSingleObject(t, win32event.INFINITE) == win32event.WAIT_OBJECT_0
    assert (tree / "f0").read_bytes() == b"async"
    assert winerror_of(wt.CommitTransactionAsync, t) == winerror.ERROR_TRANSACTION_ALREADY_COMMITTED
    t2 = wt.CreateTransaction()
    write(tree / "f1", b"never", t2)
    wt.RollbackTransactionAsync(t2)
    assert win32event.WaitForSingleObject(t2, win32event.INFINITE) == win32event.WAIT_OBJECT_0
    assert (tree / "f1").read_bytes() == b"committed 1"


def test_ids_and_bad_handles(tree):
    t = wt.CreateTransaction()
    iid = wt.GetTransactionId(t)
    assert isinstance(iid, pywintypes.IIDType)
    assert wt.GetTransactionId(wt.OpenTransaction(0, iid)) == iid
    assert winerror_of(wt.OpenTransaction, 0, pywintypes.CreateGuid()) == winerror.ERROR_TRANSACTION_NOT_FOUND
    h = win32file.CreateFileW(str(tree / "f0"), GR, 0, None, win32file.OPEN_EXISTING, 0, None)
    assert winerror_of(wt.CommitTransaction, h) == winerror.ERROR_INVALID_HANDLE
    assert winerror_of(read, tree / "f1", h) == winerror.ERROR_INVALID_HANDLE
    h.Close()
    t.Close()
    assert winerror_of(wt.CommitTransaction, t) == winerror.ERROR_INVALID_HANDLE


def test_functions_without_transactions_still_refuse_them(tree):
    t = wt.CreateTransaction()
    assert winerror_of(win32file.CreateSymbolicLink, str(tree / "l"), str(tree / "f0"), 0, t) == \
        winerror.ERROR_NOT_SUPPORTED
    assert winerror_of(win32file.FindFileNames, str(tree / "f0"), t) == winerror.ERROR_NOT_SUPPORTED
    assert winerror_of(win32file.GetLongPathName, str(tree / "f0"), t) == winerror.ERROR_NOT_SUPPORTED
    assert not (tree / "l").exists()
    wt.RollbackTransaction(t)


def test_a_transaction_spans_one_volume(tree):
    t = wt.CreateTransaction()
    write(tree / "f0", b"x", t)
    assert winerror_of(write, "/dev/shm/winfile-txn-other", b"x", t) == winerror.ERROR_NOT_SUPPORTED
    assert not os.path.exists("/dev/shm/winfile-txn-other")
    wt.RollbackTransaction(t)


def test_errors_inside_the_transaction(tree):
    t = wt.CreateTransaction()
    assert winerror_of(write, tree / "f0", b"x", t, win32file.CREATE_NEW) == winerror.ERROR_FILE_EXISTS
    assert winerror_of(write, tree / "nope" / "x", b"x", t) == winerror.ERROR_PATH_NOT_FOUND
    win32file.DeleteFileW(str(tree / "f0"), Transaction=t)
    assert winerror_of(win32file.DeleteFileW, str(tree / "f0"), t) == winerror.ERROR_FILE_NOT_FOUND
    assert winerror_of(win32file.RemoveDirectory, str(tree / "d"), t) == winerror.ERROR_DIR_NOT_EMPTY
    assert winerror_of(win32file.CreateDirectoryExW, None, str(tree / "d"), None, t) == winerror.ERROR_ALREADY_EXISTS
    assert winerror_of(win32file.MoveFileWithProgress, str(tree / "f1"), str(tree / "f2"), Transaction=t) == \
        winerror.ERROR_ALREADY_EXISTS
    wt.RollbackTransaction(t)


def test_a_thousand_changes_in_one_transaction(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    for i in range(200):
        (root / ("old%03d" % i)).write_bytes(b"old")
    t = wt.CreateTransaction()
    for i in range(600):
        write(root / ("n%04d" % i), b"%d" % i, t, win32file.CREATE_NEW)
    for i in range(200):
        win32file.MoveFileWithProgress(str(root / ("old%03d" % i)), str(root / ("r%03d" % i)), Transaction=t)
    for i in range(200):
        win32file.DeleteFileW(str(root / ("n%04d" % i)), Transaction=t)
    assert len(win32file.FindFilesW(str(root / "*"), Transaction=t)) == 2 + 400 + 200
    assert len(os.listdir(root)) == 200
    wt.CommitTransaction(t)
    names = sorted(os.listdir(root))
    assert names == sorted(["n%04d" % i for i in range(200, 600)] + ["r%03d" % i for i in range(200)])
    assert (root / "n0599").read_bytes() == b"599"


def test_hard_links_iterators_and_full_paths(tree):
    t = wt.CreateTransaction()
    win32file.CreateHardLink(str(tree / "link"), str(tree / "f0"), None, t)
    assert not (tree / "link").exists()
    assert read(tree / "link", t) == b"committed 0"
    assert winerror_of(win32file.CreateHardLink, str(tree / "link"), str(tree / "f1"), None, t) == \
        winerror.ERROR_ALREADY_EXISTS
    names = sorted(d[8] for d in win32file.FindFilesIterator(str(tree / "*"), Transaction=t))
    assert names == [".", "..", "d", "f0", "f1", "f2", "f3", "f4", "link"]
    assert win32file.GetFullPathName(str(tree / "x"), t) == str(tree / "x")
    wt.CommitTransaction(t)
    assert os.stat(tree / "link").st_ino == os.stat(tree / "f0").st_ino
    assert os.stat(tree / "f0").st_nlink == 2
    assert winerror_of(win32file.GetFullPathName, str(tree / "x"), t) == winerror.ERROR_TRANSACTION_NOT_ACTIVE


def test_no_journal_possible_means_not_supported_before_any_change(tmp_path):
    # /proc cannot hold a .winfile-txn directory: refused, nothing changed.
    t = wt.CreateTransaction()
    assert winerror_of(write, "/proc/winfile-txn-test", b"x", t, win32file.CREATE_NEW) == winerror.ERROR_NOT_SUPPORTED
    assert winerror_of(win32file.CreateDirectoryExW, None, "/proc/winfile-txn-dir", None, t) == \
        winerror.ERROR_NOT_SUPPORTED
    assert not os.path.exists("/proc/.winfile-txn")
    # the transaction is still usable elsewhere
    write(tmp_path / "ok", b"ok", t, win32file.CREATE_NEW)
    wt.CommitTransaction(t)
    assert (tmp_path / "ok").read_bytes() == b"ok"
