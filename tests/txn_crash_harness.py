"""Crash test for transactions: a child process runs one transaction of creates,
writes, renames, deletes and a new directory over a tree and commits; it is SIGKILLed
at a random point (a random delay, or a fixed point of the commit through the
WINFILE_TXN_TEST_KILL hook: after the decision record, after N redo steps, before the
journal goes). A fresh process then touches the volume (winfile's first-touch
recovery) and the tree must hash to exactly the before-state or the after-state.

    python tests/txn_crash_harness.py [--iterations N] [--seed S]

`make fuzz` runs 1000 iterations; tests/win32transaction/test_crash.py runs a few.
"""
import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CHILD = r'''
import sys, win32transaction as wt, win32file, win32con
root, seed = sys.argv[1], int(sys.argv[2])
import random
rnd = random.Random(seed)
t = wt.CreateTransaction(Description="crash")
def write(name, data, disp):
    h = win32file.CreateFileW(root + "/" + name, win32con.GENERIC_WRITE, 0, None, disp, 0, None, Transaction=t)
    win32file.WriteFile(h, data)
    h.Close()
for i in range(5):
    write("f%02d" % i, b"rewritten %d %d" % (i, seed) * 50, win32file.CREATE_ALWAYS)
for i in range(5):
    write("new%02d" % i, b"new %d" % i * 100, win32file.CREATE_NEW)
for i in range(5, 8):
    win32file.MoveFileWithProgress(root + "/f%02d" % i, root + "/moved%02d" % i, Transaction=t)
win32file.MoveFileWithProgress(root + "/f08", root + "/f09", None, None, win32file.MOVEFILE_REPLACE_EXISTING, Transaction=t)
for i in range(10, 13):
    win32file.DeleteFileW(root + "/f%02d" % i, Transaction=t)
win32file.CreateDirectoryExW(None, root + "/newdir", Transaction=t)
write("newdir/inner", b"inner", win32file.CREATE_NEW)
win32file.DeleteFileW(root + "/sub/s0", Transaction=t)
win32file.RemoveDirectory(root + "/sub", Transaction=t)
win32file.SetFileAttributesW(root + "/f13", win32con.FILE_ATTRIBUTE_HIDDEN, Transaction=t)
sys.stdout.write("committing\n"); sys.stdout.flush()
wt.CommitTransaction(t)
sys.stdout.write("committed\n"); sys.stdout.flush()
'''

TOUCH = "import win32file, sys; win32file.GetFileAttributes(sys.argv[1])"


def build_tree(root):
    os.makedirs(root)
    for i in range(16):
        with open(os.path.join(root, "f%02d" % i), "wb") as f:
            f.write(b"original %d\n" % i * 40)
    os.mkdir(os.path.join(root, "sub"))
    with open(os.path.join(root, "sub", "s0"), "wb") as f:
        f.write(b"s0")


def tree_hash(root):
    """Names, types, modes, data and DOS attributes (user.DOSATTRIB) of the tree."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            h.update(os.path.relpath(p, root).encode() + b"\0%o\0" % st.st_mode)
            try:
                h.update(os.getxattr(p, "user.DOSATTRIB", follow_symlinks=False))
            except OSError:
                h.update(b"-")
            if not os.path.isdir(p):
                with open(p, "rb") as f:
                    h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def run_child(py, root, seed, env=None, kill_after=None):
    p = subprocess.Popen([py, "-c", CHILD, root, str(seed)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    if kill_after is not None:
        time.sleep(kill_after)
        p.send_signal(signal.SIGKILL)
    out, err = p.communicate()
    return p.returncode, out.decode(), err.decode()


def recover(py, root):
    subprocess.run([py, "-c", TOUCH, root], check=True)


def run(iterations, seed, py=sys.executable, base=None, log=print):
    rnd = random.Random(seed)
    work = tempfile.mkdtemp(prefix="winfile-txn-crash-", dir=base)
    try:
        before_root = os.path.join(work, "before")
        build_tree(before_root)
        before = tree_hash(before_root)
        after_root = os.path.join(work, "after")
        build_tree(after_root)
        t0 = time.monotonic()
        rc, out, err = run_child(py, after_root, 7)
        duration = time.monotonic() - t0
        assert rc == 0, err
        after = tree_hash(after_root)
        assert after != before
        points = ["decided", "applied"] + ["apply:%d" % n for n in range(0, 20, 3)]
        counts = {"before": 0, "after": 0}
        for i in range(iterations):
            root = os.path.join(work, "t%d" % i)
            build_tree(root)
            env = dict(os.environ)
            if i % 2 == 0:
                env["WINFILE_TXN_TEST_KILL"] = rnd.choice(points)
                rc, out, err = run_child(py, root, 7, env=env)
                how = env["WINFILE_TXN_TEST_KILL"]
            else:
                delay = rnd.uniform(0, duration * 1.2)
                rc, out, err = run_child(py, root, 7, kill_after=delay)
                how = "after %.3fs" % delay
            assert rc in (0, -signal.SIGKILL), (rc, err)
            recover(py, root)
            got = tree_hash(root)
            if got == before:
                counts["before"] += 1
            elif got == after:
                counts["after"] += 1
            else:
                raise AssertionError("iteration %d (%s, child rc %s): tree is neither before nor after: %s"
                                     % (i, how, rc, sorted(os.listdir(root))))
            shutil.rmtree(root)
        log("transaction crash test: %d iterations (seed %d): %d before-state, %d after-state"
            % (iterations, seed, counts["before"], counts["after"]))
        return counts
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=int(os.environ.get("WINFILE_TXN_CRASH_ITERATIONS", "1000")))
    ap.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    a = ap.parse_args()
    run(a.iterations, a.seed)
