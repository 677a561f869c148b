"""DOS device table edits (DefineDosDevice/QueryDosDevice/GetLogicalDrives) and their
effect on later path lookups; GetDriveType and free space against statvfs."""
import os
import subprocess

import pytest
import pywintypes
import win32con
import win32file


@pytest.fixture(autouse=True)
def runtime_dir(tmp_path, monkeypatch):
    """A private XDG_RUNTIME_DIR per test, so definitions never leak."""
    d = tmp_path / "run"
    d.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(d))
    return d


def bit(letter):
    return 1 << (ord(letter.upper()) - ord("A"))


def multi(*items):
    return "".join(s + "\0" for s in items) + "\0"


def create(path, disposition=win32con.CREATE_NEW):
    return win32file.CreateFile(
        path, win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None, disposition, 0, None
    )


@pytest.fixture
def tmpfs(cdir):
    """A private tmpfs mounted at <cdir>\\mnt, as (windows, linux)."""
    win, linux = cdir
    mnt = linux / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "winfile-test", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode:
        pytest.skip("cannot mount a tmpfs here: " + r.stderr.strip())
    yield win + "\\mnt", mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


# -- GetLogicalDrives / DefineDosDevice / QueryDosDevice --------------------------

def test_logical_drives_follow_definitions(tmp):
    before = win32file.GetLogicalDrives()
    assert isinstance(before, int)
    assert before & bit("C") and before & bit("Z")
    assert not before & bit("Q")
    win32file.DefineDosDevice(0, "Q:", str(tmp))
    assert win32file.GetLogicalDrives() == before | bit("Q")
    win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, "Q:", "")
    assert win32file.GetLogicalDrives() == before


def test_defined_drive_works_for_createfile_at_once(tmp, run_child):
    win32file.DefineDosDevice(0, "Q:", str(tmp))
    h = create("Q:\\New File.txt")
    win32file.WriteFile(h, b"through Q:")
    h.Close()
    assert (tmp / "New File.txt").read_bytes() == b"through Q:"
    # Case-insensitive lookup through the new drive, and other processes see it.
    h = create("q:\\NEW FILE.TXT", win32con.OPEN_EXISTING)
    assert win32file.ReadFile(h, 100)[1] == b"through Q:"
    h.Close()
    r = run_child(
        "import win32file\n"
        "h = win32file.CreateFile(r'Q:\\new file.txt', 0x80000000, 1, None, 3, 0, None)\n"
        "print(win32file.ReadFile(h, 100)[1].decode())"
    )
    assert (r.returncode, r.stdout.strip()) == (0, "through Q:"), r.stderr
    win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, "Q:", "")
    with pytest.raises(pywintypes.error) as e:
        create("Q:\\other.txt")
    assert e.value.winerror == 3


def test_definitions_stack_and_removal_restores(tmp):
    a, b = tmp / "a", tmp / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("A")
    (b / "f").write_text("B")
    win32file.DefineDosDevice(0, "Q:", str(a))
    win32file.DefineDosDevice(0, "Q:", str(b))
    assert win32file.QueryDosDevice("Q:") == multi("\\??\\" + str(b), "\\??\\" + str(a))
    h = create("Q:\\f", win32con.OPEN_EXISTING)
    assert win32file.ReadFile(h, 10)[1] == b"B"
    h.Close()
    # Removing the current definition brings the previous one back.
    win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, "Q:", "")
    assert win32file.QueryDosDevice("Q:") == multi("\\??\\" + str(a))
    h = create("Q:\\f", win32con.OPEN_EXISTING)
    assert win32file.ReadFile(h, 10)[1] == b"A"
    h.Close()
    # Exact-match removal of a definition that is not the current one.
    win32file.DefineDosDevice(0, "Q:", str(b))
    flags = win32con.DDD_REMOVE_DEFINITION | win32con.DDD_EXACT_MATCH_ON_REMOVE
    with pytest.raises(pywintypes.error) as e:
        win32file.DefineDosDevice(flags, "Q:", str(a)[:-1])  # a prefix is no exact match
    assert e.value.winerror == 2
    win32file.DefineDosDevice(flags | win32con.DDD_RAW_TARGET_PATH, "Q:", "\\??\\" + str(a))
    assert win32file.QueryDosDevice("Q:") == multi("\\??\\" + str(b))
    # Without EXACT_MATCH a prefix of the target text is enough.
    win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION | win32con.DDD_RAW_TARGET_PATH, "Q:", "\\??\\")
    with pytest.raises(pywintypes.error) as e:
        win32file.QueryDosDevice("Q:")
    assert (e.value.winerror, e.value.funcname) == (2, "QueryDosDevice")


def test_dos_style_target_is_recorded_as_nt_path(cdir):
    win, linux = cdir
    (linux / "Data").mkdir()
    win32file.DefineDosDevice(0, "R:", win.lower() + "\\data")
    assert win32file.QueryDosDevice("R:") == multi("\\??\\" + win.lower() + "\\data")
    h = create("R:\\x.txt")
    h.Close()
    assert (linux / "Data" / "x.txt").exists()


def test_raw_nt_device_target(cdir):
    win, linux = cdir
    d = win32file.CreateFile(win, 0, 7, None, win32con.OPEN_EXISTING, win32con.FILE_FLAG_BACKUP_SEMANTICS, None)
    nt = win32file.GetFinalPathNameByHandle(d, win32con.VOLUME_NAME_NT)
    d.Close()
    assert nt.startswith("\\Device\\HarddiskVolume")
    win32file.DefineDosDevice(win32con.DDD_RAW_TARGET_PATH, "R:", nt)
    assert win32file.QueryDosDevice("R:") == multi(nt)
    create("R:\\raw.txt").Close()
    assert (linux / "raw.txt").exists()
    # A raw target winfile cannot follow hides older definitions and leads nowhere.
    win32file.DefineDosDevice(win32con.DDD_RAW_TARGET_PATH, "R:", "\\Device\\NoSuchThing")
    assert win32file.QueryDosDevice("R:") == multi("\\Device\\NoSuchThing", nt)
    with pytest.raises(pywintypes.error) as e:
        create("R:\\raw2.txt")
    assert e.value.winerror == 3


def test_define_errors(tmp):
    with pytest.raises(pywintypes.error) as e:
        win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, "Q:", "")
    assert (e.value.winerror, e.value.funcname) == (2, "DefineDosDevice")
    with pytest.raises(pywintypes.error) as e:
        win32file.DefineDosDeviceW(win32con.DDD_REMOVE_DEFINITION, "C:", "")
    assert (e.value.winerror, e.value.funcname) == (5, "DefineDosDeviceW")
    with pytest.raises(pywintypes.error) as e:
        win32file.DefineDosDevice(0, "Q:\\", str(tmp))
    assert e.value.winerror == 87
    with pytest.raises(TypeError):
        win32file.DefineDosDevice(0, "Q:", None)


def test_query_all_names_is_one_raw_multistring(tmp):
    win32file.DefineDosDevice(0, "Q:", str(tmp))
    win32file.DefineDosDevice(0, "COM7", "/dev/null")
    out = win32file.QueryDosDevice(None)
    assert isinstance(out, str) and out.endswith("\0\0")
    names = out[:-2].split("\0")
    assert {"C:", "Z:", "Q:", "NUL", "COM7"} <= set(names)
    assert win32file.QueryDosDevice("nul") == multi("\\Device\\Null")
    assert win32file.QueryDosDevice("COM7") == multi("\\??\\/dev/null")


def test_table_drive_targets(drive_c):
    # C: is a directory of the per-user table; Z: defaults to / (a mount root).
    assert win32file.QueryDosDevice("C:") == multi("\\??\\" + os.path.realpath(drive_c))
    z = win32file.QueryDosDevice("Z:")
    assert z.startswith("\\Device\\HarddiskVolume") and z.endswith("\0\0")
    with open("/proc/self/mountinfo") as f:
        ids = {line.split()[0] for line in f}
    assert z[len("\\Device\\HarddiskVolume"):-2] in ids


def test_runtime_dir_falls_back_to_tmp(monkeypatch, tmp, tmp_path):
    # ${TMPDIR:-/tmp}/winfile-<uid>, here in a scratch directory made like /tmp (the
    # refusals of names other users planted there: test_runtime_table.py).
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    monkeypatch.setenv("TMPDIR", str(shared))
    base = str(shared / ("winfile-%d" % os.geteuid()))
    try:
        win32file.DefineDosDevice(0, "Q:", str(tmp))
        link = os.path.join(base, "winfile", "dosdevices", "q:")
        assert os.readlink(link) == str(tmp)
        assert os.stat(base).st_mode & 0o777 == 0o700
        create("Q:\\fallback.txt").Close()
        assert (tmp / "fallback.txt").exists()
    finally:
        try:
            win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, "Q:", "")
        except pywintypes.error:
            pass
    assert not os.path.lexists(os.path.join(base, "winfile", "dosdevices", "q:"))


# -- GetDriveType ---------------------------------------------------------------------

def test_drive_type_of_roots_and_non_roots(cdir, tmpfs):
    win, linux = cdir
    st_c = os.statvfs(str(linux))
    assert win32file.GetDriveType("C:\\") == win32file.GetDriveType("C:")
    assert win32file.GetDriveType("C:\\") in (win32con.DRIVE_FIXED, win32con.DRIVE_RAMDISK, win32con.DRIVE_REMOVABLE)
    assert st_c.f_blocks > 0
    assert win32file.GetDriveType(tmpfs[0] + "\\") == win32con.DRIVE_RAMDISK
    assert win32file.GetDriveType(str(tmpfs[1]) + "/") == win32con.DRIVE_RAMDISK
    assert win32file.GetDriveTypeW(tmpfs[0] + "\\") == win32con.DRIVE_RAMDISK
    for not_root in (win + "\\", str(linux) + "/", "Q:\\", win + "\\nothing\\", "", "\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\"):
        assert win32file.GetDriveType(not_root) == win32con.DRIVE_NO_ROOT_DIR, not_root
    assert win32file.GetDriveType(None) != win32con.DRIVE_NO_ROOT_DIR
    with pytest.raises(TypeError):  # TCHAR is WCHAR in pywin32: bytes are refused
        win32file.GetDriveType(b"/")


# -- GetDiskFreeSpace(Ex) -------------------------------------------------------------

def test_disk_free_space_matches_statvfs(tmpfs):
    win, linux = tmpfs
    v = os.statvfs(str(linux))
    assert win32file.GetDiskFreeSpaceEx(win + "\\") == [
        v.f_bavail * v.f_frsize, v.f_blocks * v.f_frsize, v.f_bfree * v.f_frsize]
    spc, bps, free, total = win32file.GetDiskFreeSpace(win + "\\")
    assert bps == 512 and spc * bps == v.f_frsize
    assert (free, total) == (v.f_bavail, v.f_blocks)
    # Writing 1 MiB shows in the next answer.
    (linux / "big").write_bytes(b"x" * (1 << 20))
    v2 = os.statvfs(str(linux))
    after = win32file.GetDiskFreeSpaceEx(str(linux / "big"))
    assert after == [v2.f_bavail * v2.f_frsize, v2.f_blocks * v2.f_frsize, v2.f_bfree * v2.f_frsize]
    assert after[0] <= win32file.GetDiskFreeSpaceEx(win + "\\")[0] <= v.f_bavail * v.f_frsize - (1 << 20)


def test_disk_free_space_of_drive_c_and_errors(cdir):
    win, linux = cdir
    v = os.statvfs(str(linux))
    caller, total, free = win32file.GetDiskFreeSpaceEx("C:\\")
    assert total == v.f_blocks * v.f_frsize
    assert 0 <= caller <= free <= total
    spc, bps, nfree, ntotal = win32file.GetDiskFreeSpace(win)
    assert spc * bps == v.f_frsize
    # Signed 32-bit conversion, as pywin32's SWIG wrapper does.
    assert ntotal == (v.f_blocks if v.f_blocks < 2**31 else v.f_blocks - 2**32)
    assert 0 <= nfree <= v.f_bfree if nfree >= 0 else v.f_bavail >= 2**31
    with pytest.raises(pywintypes.error) as e:
        win32file.GetDiskFreeSpaceEx(win + "\\missing\\dir\\")
    assert (e.value.winerror, e.value.funcname) == (3, "GetDiskFreeSpaceEx")
    with pytest.raises(TypeError):
        win32file.GetDiskFreeSpace(None)
