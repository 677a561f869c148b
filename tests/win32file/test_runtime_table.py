"""The runtime drive table in a shared temporary directory (issue 20, item 6): without
XDG_RUNTIME_DIR the table lives in ${TMPDIR:-/tmp}/winfile-<uid>, and a name another
user planted there (a directory, a symlink, one others may write) is refused, never
read or followed: definitions go to a private directory in the user's cache instead.

Each case runs a child process with XDG_RUNTIME_DIR unset and TMPDIR pointing at a
scratch directory made like /tmp (mode 1777). Handing a directory to another user
(65534) needs root; those cases skip otherwise."""
import json
import os
import subprocess
import sys

import pytest

OTHER = 65534
CHILD = r"""
import json, sys, win32con, win32file, pywintypes
target = sys.argv[1]
out = {}
def query():
    try:
        return win32file.QueryDosDevice("Q:")
    except pywintypes.error as e:
        return e.winerror
def attempt(f, *a):
    try:
        f(*a)
        return 0
    except pywintypes.error as e:
        return e.winerror
def create(name):
    h = win32file.CreateFile(name, win32con.GENERIC_WRITE, 0, None, win32con.CREATE_ALWAYS, 0, None)
    h.Close()
out["before"] = query()
out["q_before"] = bool(win32file.GetLogicalDrives() & (1 << 16))
out["open_before"] = attempt(create, "Q:\\before.txt")
out["define"] = attempt(win32file.DefineDosDevice, 0, "Q:", target)
out["after"] = query()
out["open_after"] = attempt(create, "Q:\\made.txt")
print(json.dumps(out))
"""


@pytest.fixture
def scratch(tmp_path):
    """(tmpdir like /tmp, home, my drive target, env for the child)."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    os.chmod(tmpdir, 0o1777)
    home = tmp_path / "home"
    home.mkdir()
    mine = tmp_path / "mine"
    mine.mkdir()
    env = dict(os.environ)
    env.pop("XDG_RUNTIME_DIR", None)
    env.pop("XDG_CACHE_HOME", None)
    env["TMPDIR"] = str(tmpdir)
    env["HOME"] = str(home)
    return tmpdir, home, mine, env


def run(env, target):
    r = subprocess.run([sys.executable, "-c", CHILD, str(target)], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def base_of(tmpdir):
    return tmpdir / ("winfile-%d" % os.geteuid())


def fallback_tables(home):
    """The runtime tables made in the private fallback (one per boot id)."""
    cache = home / ".cache" / "winfile"
    return sorted(cache.glob("runtime-*/winfile/dosdevices")) if cache.exists() else []


def tree(path):
    """Every name below `path` (lstat, links not followed), for before/after checks."""
    out = []
    for dirpath, dirnames, filenames in os.walk(path):
        out += [os.path.join(dirpath, n) for n in dirnames + filenames]
    return sorted(out)


def assert_defined_privately(result, mine, home):
    assert result["define"] == 0
    assert result["after"] == "\\??\\%s\0\0" % mine
    assert result["open_after"] == 0 and (mine / "made.txt").exists()
    tables = fallback_tables(home)
    assert len(tables) == 1 and os.readlink(tables[0] / "q:") == str(mine)
    for d in (tables[0], tables[0].parent, tables[0].parent.parent):
        st = os.lstat(d)
        assert st.st_uid == os.geteuid() and st.st_mode & 0o777 == 0o700, d


def test_fresh_tmp_base_is_created_private(scratch):
    tmpdir, home, mine, env = scratch
    r = run(env, mine)
    assert r["before"] == 2 and not r["q_before"] and r["open_before"] == 3
    assert r["define"] == 0 and r["after"] == "\\??\\%s\0\0" % mine and r["open_after"] == 0
    base = base_of(tmpdir)
    st = os.lstat(base)
    assert st.st_uid == os.geteuid() and st.st_mode & 0o777 == 0o700
    assert os.readlink(base / "winfile" / "dosdevices" / "q:") == str(mine)
    assert fallback_tables(home) == []
    # A second process sees the same table.
    again = run(env, mine)
    assert again["before"] == "\\??\\%s\0\0" % mine and again["open_before"] == 0


def plant_table(base, attacker_target):
    """Another user's runtime table: a drive Q: of theirs and a stack record."""
    (base / "winfile" / "dosdevices").mkdir(parents=True)
    (base / "winfile" / "dosdevices.stack").mkdir()
    os.symlink(attacker_target, base / "winfile" / "dosdevices" / "q:")
    (base / "winfile" / "dosdevices.stack" / "q:").write_bytes(
        b"\\??\\C:\\attacker\0" + str(attacker_target).encode() + b"\0")


def give_away(path):
    for dirpath, dirnames, filenames in os.walk(path):
        for n in [dirpath] + [os.path.join(dirpath, x) for x in dirnames + filenames]:
            os.lchown(n, OTHER, OTHER)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand a directory to another user")
def test_tmp_base_of_another_user_is_never_read(scratch, tmp_path):
    tmpdir, home, mine, env = scratch
    attacker = tmp_path / "attacker"
    attacker.mkdir()
    base = base_of(tmpdir)
    base.mkdir(mode=0o700)
    plant_table(base, attacker)
    give_away(base)
    before = tree(base)
    r = run(env, mine)
    # Not the attacker's target: their table is not read at all.
    assert r["before"] == 2 and not r["q_before"] and r["open_before"] == 3
    assert_defined_privately(r, mine, home)
    assert tree(base) == before and os.listdir(attacker) == []


@pytest.mark.parametrize("kind", ["symlink_to_other_dir", "symlink_to_own_table", "dangling_symlink"])
def test_symlinked_tmp_base_is_never_followed(scratch, tmp_path, kind):
    tmpdir, home, mine, env = scratch
    decoy = tmp_path / "decoy"
    attacker = tmp_path / "attacker"
    attacker.mkdir()
    if kind == "symlink_to_own_table":
        # Even a directory of the user's own: the name in /tmp must not be a link.
        decoy.mkdir(mode=0o700)
        plant_table(decoy, attacker)
    elif kind == "symlink_to_other_dir":
        decoy.mkdir(mode=0o700)
        if os.geteuid() == 0:
            plant_table(decoy, attacker)
            give_away(decoy)
    os.symlink(decoy, base_of(tmpdir))
    before = tree(decoy) if decoy.exists() else None
    r = run(env, mine)
    assert r["before"] == 2 and r["open_before"] == 3
    assert_defined_privately(r, mine, home)
    assert os.path.islink(base_of(tmpdir))
    assert (tree(decoy) if decoy.exists() else None) == before
    assert not decoy.exists() or kind != "dangling_symlink"


def test_tmp_base_writable_by_others_is_refused(scratch, tmp_path):
    tmpdir, home, mine, env = scratch
    base = base_of(tmpdir)
    base.mkdir()
    os.chmod(base, 0o777)
    plant_table(base, tmp_path)
    r = run(env, mine)
    assert r["before"] == 2
    assert_defined_privately(r, mine, home)
    assert os.readlink(base / "winfile" / "dosdevices" / "q:") == str(tmp_path)


def test_tmpdir_without_sticky_bit_is_not_used(scratch):
    # In a directory everyone may write but that is not sticky, anyone can rename our
    # directory away and put theirs in its place: the private fallback is used.
    tmpdir, home, mine, env = scratch
    os.chmod(tmpdir, 0o777)
    r = run(env, mine)
    assert_defined_privately(r, mine, home)
    assert not base_of(tmpdir).exists()


def test_private_fallback_is_shared_by_the_users_processes(scratch):
    tmpdir, home, mine, env = scratch
    os.symlink("/nonexistent", base_of(tmpdir))
    first = run(env, mine)
    assert_defined_privately(first, mine, home)
    second = run(env, mine)
    assert second["before"] == "\\??\\%s\0\0" % mine and second["open_before"] == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand a directory to another user")
def test_runtime_dir_of_another_user_is_not_used(scratch, tmp_path):
    # XDG_RUNTIME_DIR kept from another user (sudo -E): theirs is not read, the
    # per-user /tmp location is used.
    tmpdir, home, mine, env = scratch
    theirs = tmp_path / "theirs-run"
    theirs.mkdir(mode=0o700)
    plant_table(theirs, tmp_path)
    give_away(theirs)
    env["XDG_RUNTIME_DIR"] = str(theirs)
    r = run(env, mine)
    assert r["before"] == 2 and r["define"] == 0 and r["after"] == "\\??\\%s\0\0" % mine
    assert os.readlink(base_of(tmpdir) / "winfile" / "dosdevices" / "q:") == str(mine)
    assert not os.path.exists(theirs / "winfile" / "dosdevices.lock")
