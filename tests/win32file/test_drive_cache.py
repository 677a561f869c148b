"""The DOS device tables are cached between calls and the cache is dropped by any change
to what they were read from (crates/winfile/src/path/tablecache.rs, README "Paths"):
each case opens through a drive once (filling the cache), changes the table, the
drive's target or the environment, and the next open must follow the change. Changes
made by another process count as much as our own."""
import os
import shutil
import subprocess
import sys

import pytest
import win32con
import win32file
from helpers import win32_error

USER_TABLE = os.path.join(os.environ["XDG_CONFIG_HOME"], "winfile", "dosdevices")


def read(name):
    h = win32file.CreateFile(name, win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING, 0, None)
    try:
        return win32file.ReadFile(h, 100)[1]
    finally:
        h.Close()


@pytest.fixture
def drive(tmp):
    """Drive Y: of the user table; two target directories holding different x.txt."""
    a, b = tmp / "a", tmp / "b"
    for d in (a, b):
        d.mkdir()
        (d / "x.txt").write_bytes(d.name.encode())
    link = os.path.join(USER_TABLE, "y:")
    os.symlink(a, link)
    yield link, a, b
    for entry in (link, os.path.join(os.environ["XDG_RUNTIME_DIR"], "winfile", "dosdevices", "y:")):
        if os.path.islink(entry):
            os.unlink(entry)


def test_retargeted_entry(drive):
    link, a, b = drive
    assert read("Y:\\x.txt") == b"a"
    assert read("Y:\\x.txt") == b"a"
    tmp_link = link + ".new"
    os.symlink(b, tmp_link)
    os.rename(tmp_link, link)  # atomic replace, as ln -sfn does
    assert read("Y:\\x.txt") == b"b"
    os.unlink(link)
    assert win32_error(read, "Y:\\x.txt").winerror == 3


def test_retargeted_link_inside_the_target(drive, tmp):
    link, a, b = drive
    via = tmp / "via"
    via.symlink_to(a)
    os.unlink(link)
    os.symlink(via, link)
    assert read("Y:\\x.txt") == b"a"
    via.unlink()
    via.symlink_to(b)
    assert read("Y:\\x.txt") == b"b"


def test_target_renamed_and_replaced(drive, tmp):
    link, a, b = drive
    assert read("Y:\\x.txt") == b"a"
    a.rename(tmp / "old")
    b.rename(a)  # the name now holds b's content
    assert read("Y:\\x.txt") == b"b"
    shutil.rmtree(a)
    assert win32_error(read, "Y:\\x.txt").winerror == 3


def test_runtime_definition_by_another_process(drive):
    link, a, b = drive
    assert read("Y:\\x.txt") == b"a"
    code = "import sys, win32file; win32file.DefineDosDevice(0, 'Y:', sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, str(b)], check=True, env=os.environ.copy())
    try:
        assert read("Y:\\x.txt") == b"b"
    finally:
        win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION | win32con.DDD_EXACT_MATCH_ON_REMOVE, "Y:", str(b))
    assert read("Y:\\x.txt") == b"a"


def test_user_table_made_untrusted(drive):
    link, a, b = drive
    assert read("Y:\\x.txt") == b"a"
    mode = os.stat(USER_TABLE).st_mode & 0o7777
    os.chmod(USER_TABLE, mode | 0o002)  # others may plant entries: not read
    try:
        assert win32_error(read, "Y:\\x.txt").winerror == 3
    finally:
        os.chmod(USER_TABLE, mode)
    assert read("Y:\\x.txt") == b"a"


def test_environment_change(drive, tmp, monkeypatch):
    link, a, b = drive
    assert read("Y:\\x.txt") == b"a"
    other = tmp / "config2" / "winfile" / "dosdevices"
    other.mkdir(parents=True)
    os.symlink(b, other / "y:")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp / "config2"))
    assert read("Y:\\x.txt") == b"b"
    monkeypatch.undo()
    assert read("Y:\\x.txt") == b"a"
