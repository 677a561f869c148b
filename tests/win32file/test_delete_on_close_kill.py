"""FILE_FLAG_DELETE_ON_CLOSE through SIGKILL: a process killed anywhere while it creates,
uses or closes delete-on-close files leaves nothing that survives winfile's next look
at the directory (a listing) or at the name (an open). See docs/share-and-locks.md,
"Delete-on-close through a crash"."""
import os
import random
import signal
import subprocess
import sys

import pytest
import pywintypes
import win32con
import ntsecuritycon as nsc
import win32file

RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
ALL = win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE | win32con.FILE_SHARE_DELETE
DOC = win32con.FILE_FLAG_DELETE_ON_CLOSE
KILLS = 200

# The factory forks one worker per kill (fork after the import keeps each start cheap).
# A worker creates delete-on-close files under fresh names in a loop (the three creating
# dispositions in turn, with a write, then CloseHandle) and says "r" after its first
# round; the factory then waits a random 0-4 ms, many rounds, and SIGKILLs it.
FACTORY = r"""
import os, random, signal, sys, time
import win32con, win32file
d, kills, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
RW = win32con.GENERIC_READ | win32con.GENERIC_WRITE
DOC = win32con.FILE_FLAG_DELETE_ON_CLOSE
DISP = (win32file.CREATE_NEW, win32file.CREATE_ALWAYS, win32file.OPEN_ALWAYS)

def worker(k, w):
    n = 0
    while True:
        h = win32file.CreateFile(f"{d}/w{k}-{n}.tmp", RW, 0, None, DISP[n % 3], DOC, None)
        win32file.WriteFile(h, b"x" * 64)
        h.Close()
        if n == 0:
            os.write(w, b"r")
        n += 1

for k in range(kills):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            worker(k, w)
        finally:
            os._exit(1)
    os.close(w)
    ok = os.read(r, 1) == b"r"
    os.close(r)
    if ok:
        time.sleep(rng.uniform(0, 0.004))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert ok and os.WIFSIGNALED(status), (k, status)
print("done")
"""

# A child that creates delete-on-close files, holds them open, says so, and waits to be
# killed: its files are marked for certain, and visible once it is gone.
HOLDER = r"""
import sys, win32con, win32file
d, count = sys.argv[1], int(sys.argv[2])
hs = [win32file.CreateFile(f"{d}/held{i}.tmp", win32con.GENERIC_READ | win32con.GENERIC_WRITE,
                           7, None, win32file.CREATE_NEW, win32con.FILE_FLAG_DELETE_ON_CLOSE, None)
      for i in range(count)]
print("ready", flush=True)
sys.stdin.read()
"""


def kill_holder(ldir, count):
    """Runs HOLDER, SIGKILLs it while it holds `count` delete-on-close files."""
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(ldir), str(count)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                         env=os.environ.copy())
    assert p.stdout.readline() == "ready\n"
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    p.stdin.close()
    p.stdout.close()


def names(found):
    return sorted(t[8] for t in found if t[8] not in (".", ".."))


def open_error(name, disposition=win32file.OPEN_EXISTING):
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile(name, RW, ALL, None, disposition, 0, None)
    return e.value.winerror


def test_sigkill_loop_leaves_no_delete_on_close_file(cdir, run_child):
    wdir, ldir = cdir
    seed = random.randrange(1 << 30)
    r = run_child(FACTORY, ldir, KILLS, seed, timeout=120)
    assert r.returncode == 0 and r.stdout == "done\n", (seed, r.stderr)
    left = sorted(os.listdir(ldir))
    print(f"seed {seed}: {len(left)} of {KILLS} kills left a marked name before cleanup")
    # Every name still there belongs to a killed holder: opening it finishes the delete
    # (ERROR_FILE_NOT_FOUND, the name goes) — an ordinary file would open.
    for n in left[: len(left) // 2]:
        assert open_error(f"{wdir}\\{n}") == 2, (seed, n)
        assert not (ldir / n).exists()
    # The rest: a listing shows none of them and removes them.
    assert names(win32file.FindFilesW(wdir + "\\*")) == [], seed
    assert os.listdir(ldir) == [], seed


@pytest.mark.parametrize("lister", ["FindFilesW", "FindFilesIterator", "literal"])
def test_listing_hides_and_deletes_files_of_a_killed_holder(cdir, lister):
    wdir, ldir = cdir
    (ldir / "plain.txt").write_bytes(b"stays")
    kill_holder(ldir, 3)
    assert sorted(os.listdir(ldir)) == ["held0.tmp", "held1.tmp", "held2.tmp", "plain.txt"]
    if lister == "FindFilesW":
        got = names(win32file.FindFilesW(wdir + "\\*"))
    elif lister == "FindFilesIterator":
        got = names(win32file.FindFilesIterator(wdir + "\\*.*"))
    else:
        got = [n for i in range(3) for n in names(win32file.FindFilesW(f"{wdir}\\HELD{i}.TMP"))]
        got += names(win32file.FindFilesW(wdir + "\\plain.txt"))
    assert got == ["plain.txt"]
    assert os.listdir(ldir) == ["plain.txt"]


def test_listing_keeps_files_whose_holder_lives(cdir):
    wdir, ldir = cdir
    h = win32file.CreateFile(wdir + "\\live.tmp", RW, ALL, None, win32file.CREATE_NEW, DOC, None)
    try:
        assert names(win32file.FindFilesW(wdir + "\\*")) == ["live.tmp"]
        # Another handle keeps it after the delete-on-close one closes: delete pending,
        # still listed (as Windows lists delete-pending files) until that handle goes.
        h2 = win32file.CreateFile(wdir + "\\live.tmp", win32con.GENERIC_READ, ALL, None,
                                  win32file.OPEN_EXISTING, 0, None)
    finally:
        h.Close()
    assert names(win32file.FindFilesW(wdir + "\\*")) == ["live.tmp"]
    h2.Close()
    assert os.listdir(ldir) == []


@pytest.mark.parametrize("disposition", [win32file.CREATE_NEW, win32file.OPEN_ALWAYS,
                                         win32file.CREATE_ALWAYS])
def test_a_killed_holders_name_is_free_for_a_new_file(cdir, disposition):
    wdir, ldir = cdir
    kill_holder(ldir, 1)
    # A fresh file: Windows deleted the old one when its holder died.
    h = win32file.CreateFile(wdir + "\\held0.tmp", RW, 0, None, disposition, 0, None)
    win32file.WriteFile(h, b"new")
    h.Close()
    assert (ldir / "held0.tmp").read_bytes() == b"new"
    assert open_error(wdir + "\\held0.tmp", win32file.CREATE_NEW) == 80


def test_create_new_on_an_existing_name_still_fails_and_leaves_it(cdir):
    wdir, ldir = cdir
    (ldir / "x.bin").write_bytes(b"keep")
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile(wdir + "\\x.bin", RW, 0, None, win32file.CREATE_NEW, DOC, None)
    assert e.value.winerror == 80
    assert (ldir / "x.bin").read_bytes() == b"keep"
    assert os.listdir(ldir) == ["x.bin"]


def fd_flags(path):
    """The open flags of every descriptor of this process open on `path`."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != str(path):
                continue
            with open(f"/proc/self/fdinfo/{fd}") as f:
                out.append(int(f.read().split("flags:")[1].split()[0], 8))
        except OSError:
            continue
    return out


@pytest.mark.parametrize("access", [win32con.GENERIC_READ, win32con.GENERIC_WRITE,
                                    nsc.FILE_APPEND_DATA, RW])
def test_created_delete_on_close_handle_has_the_asked_access(cdir, access):
    wdir, ldir = cdir
    h = win32file.CreateFile(wdir + "\\acc.tmp", access, ALL, None, win32file.CREATE_NEW, DOC, None)
    assert (ldir / "acc.tmp").exists()
    if access == win32con.GENERIC_READ:
        with pytest.raises(pywintypes.error) as e:
            win32file.WriteFile(h, b"no")
        assert e.value.winerror == 5
    else:
        win32file.WriteFile(h, b"ab")
        win32file.WriteFile(h, b"cd")
        assert (ldir / "acc.tmp").read_bytes() == b"abcd"
    # The descriptors behind the handle carry the asked access, no more (a write-only
    # handle also keeps a read-only one for its share token).
    modes = {f & os.O_ACCMODE for f in fd_flags(ldir / "acc.tmp")}
    assert (os.O_RDWR in modes) == (access == RW), modes
    if access != RW:
        assert modes <= {os.O_RDONLY, os.O_WRONLY}
    if access == nsc.FILE_APPEND_DATA:
        assert any(f & os.O_APPEND for f in fd_flags(ldir / "acc.tmp"))
    h.Close()
    assert not (ldir / "acc.tmp").exists()


HOLD_DIR = r"""
import sys, win32con, win32file
h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING,
                         win32con.FILE_FLAG_DELETE_ON_CLOSE | win32con.FILE_FLAG_BACKUP_SEMANTICS, None)
print("ready", flush=True)
sys.stdin.read()
"""

OPEN_DIR = r"""
import sys, win32con, win32file
h = win32file.CreateFile(sys.argv[1], win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING,
                         win32con.FILE_FLAG_BACKUP_SEMANTICS, None)
print("opened")
"""


@pytest.mark.parametrize("empty", [True, False])
def test_a_killed_holders_directory(cdir, run_child, empty):
    wdir, ldir = cdir
    (ldir / "sub").mkdir()
    p = subprocess.Popen([sys.executable, "-c", HOLD_DIR, str(ldir / "sub")],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                         env=os.environ.copy())
    assert p.stdout.readline() == "ready\n"
    if not empty:
        (ldir / "sub" / "inner.txt").write_bytes(b"x")
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    p.stdin.close()
    p.stdout.close()
    # The next open finishes the delete; a directory that cannot go (not empty, as
    # Windows' delete at close would fail too) stays and opens normally (in a child: a
    # retry loop would hang).
    r = run_child(OPEN_DIR, ldir / "sub", timeout=20)
    if empty:
        assert "(2," in r.stderr, r.stderr
        assert not (ldir / "sub").exists()
    else:
        assert r.stdout == "opened\n", r.stderr
        assert (ldir / "sub" / "inner.txt").exists()
        assert names(win32file.FindFilesW(wdir + "\\*")) == ["sub"]
