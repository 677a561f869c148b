"""Volume names, mount points and labels, checked against /proc/self/mountinfo; paths
of open files (GetFinalPathNameByHandle) and on-disk spelling (GetLongPathName)."""
import fcntl
import os
import re
import shutil
import subprocess
import uuid

import pytest
import pywintypes
import win32con
import win32file

VOLUME = re.compile(r"^\\\\\?\\Volume\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}\\$")
FS_IOC_GETFSLABEL = 0x81009431
CAP_SYS_ADMIN = 21


@pytest.fixture(autouse=True)
def runtime_dir(tmp_path, monkeypatch):
    d = tmp_path / "run"
    d.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(d))


def mountinfo():
    """[(mount point, major:minor, root, fstype)] from /proc/self/mountinfo."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            head, tail = line.split(" - ", 1)
            h = head.split()
            unesc = lambda s: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)
            out.append((unesc(h[4]), h[2], unesc(h[3]), tail.split()[0]))
    return out


def has_cap_sys_admin():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> CAP_SYS_ADMIN & 1)
    return False


def mount(args, where):
    r = subprocess.run(["mount", *args, str(where)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip("mount refused here (%s)" % r.stderr.strip())


@pytest.fixture
def tmpfs(cdir):
    win, linux = cdir
    mnt = linux / "Mnt"
    mnt.mkdir()
    mount(["-t", "tmpfs", "-o", "size=4m", "winfile-test"], mnt)
    yield win + "\\Mnt", mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def dev_of(path):
    st = os.stat(path)
    return "%d:%d" % (os.major(st.st_dev), os.minor(st.st_dev))


# -- GetVolumeNameForVolumeMountPoint / GetVolumePathName(s) -------------------------

def test_volume_name_of_drives_and_errors(cdir):
    win, linux = cdir
    c = win32file.GetVolumeNameForVolumeMountPoint("C:\\")
    z = win32file.GetVolumeNameForVolumeMountPoint("Z:\\")
    assert VOLUME.match(c) and VOLUME.match(z)
    assert (c == z) == (dev_of(linux) == dev_of("/"))
    assert win32file.GetVolumeNameForVolumeMountPoint("/") == z
    # The volume name maps to itself.
    assert win32file.GetVolumeNameForVolumeMountPoint(z) == z
    for bad, code in (("C:", 123), ("Q:\\", 2), (win + "\\", 4390), (str(linux) + "/", 4390),
                      (win + "\\missing\\", 2), (win + "\\a\\b\\", 3)):
        with pytest.raises(pywintypes.error) as e:
            win32file.GetVolumeNameForVolumeMountPoint(bad)
        assert (e.value.winerror, e.value.funcname) == (code, "GetVolumeNameForVolumeMountPoint"), bad


def test_root_volume_path_names_match_mountinfo(drive_c):
    vol = win32file.GetVolumeNameForVolumeMountPoint("Z:\\")
    names = win32file.GetVolumePathNamesForVolumeName(vol)
    assert "Z:\\" in names
    assert ("C:\\" in names) == (dev_of(drive_c) == dev_of("/"))
    root_dev = dev_of("/")
    c_root = os.path.realpath(drive_c)
    for mp, dev, _, _ in mountinfo():
        if dev == root_dev and mp != "/" and "\\" not in mp and not mp.startswith(c_root + "/"):
            assert "Z:" + mp.replace("/", "\\") + "\\" in names, mp
    for n in names:
        assert win32file.GetVolumeNameForVolumeMountPoint(n) == vol, n
    zero = "\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\"
    for bad, code in ((zero, 2), (vol[:-1], 123), ("", 123), ("C:\\", 123)):
        with pytest.raises(pywintypes.error) as e:
            win32file.GetVolumePathNamesForVolumeName(bad)
        assert (e.value.winerror, e.value.funcname) == (code, "GetVolumePathNamesForVolumeName"), bad


def test_mounted_tmpfs_is_its_own_volume(cdir, tmpfs):
    win, linux = cdir
    mwin, mlinux = tmpfs
    assert any(mp == str(mlinux) and fs == "tmpfs" for mp, _, _, fs in mountinfo())
    vol = win32file.GetVolumeNameForVolumeMountPoint(mwin + "\\")
    assert VOLUME.match(vol)
    assert vol != win32file.GetVolumeNameForVolumeMountPoint("C:\\")
    assert win32file.GetVolumeNameForVolumeMountPoint(str(mlinux) + "/") == vol
    assert win32file.GetVolumePathNamesForVolumeName(vol) == [mwin + "\\"]
    # GetVolumePathName: the mount point in the caller's style, spelled as on disk.
    (mlinux / "Sub").mkdir()
    assert win32file.GetVolumePathName(win + "\\mnt\\sub\\missing\\x", 260) == mwin + "\\"
    assert win32file.GetVolumePathName(win + "\\mnt\\sub\\missing\\x") == mwin + "\\"
    assert win32file.GetVolumePathName(win + "\\other\\file") == "C:\\"
    assert win32file.GetVolumePathName("c:\\") == "C:\\"
    assert win32file.GetVolumePathName("\\\\?\\c:\\AnInvalidFolder") == "\\\\?\\c:\\"
    assert win32file.GetVolumePathName(str(mlinux / "Sub" / "f")) == str(mlinux) + "/"
    assert win32file.GetVolumePathName("/proc/self/status") == "/proc/"
    # Windows' buffer rules: the trailing separator alone may be dropped.
    assert win32file.GetVolumePathName("C:\\x\\y", 3) == "C:"
    with pytest.raises(pywintypes.error) as e:
        win32file.GetVolumePathName("C:\\x\\y", 2)
    assert (e.value.winerror, e.value.funcname) == (206, "GetVolumePathName")
    with pytest.raises(pywintypes.error) as e:
        win32file.GetVolumePathName("Q:\\x")
    assert e.value.winerror == 2


def test_loop_ext4_volume_uuid_and_label(cdir):
    if not shutil.which("mkfs.ext4"):
        pytest.skip("mkfs.ext4 is not installed")
    win, linux = cdir
    img, mnt = linux / "fs.img", linux / "loop"
    mnt.mkdir()
    with open(img, "wb") as f:
        f.truncate(8 << 20)
    u = uuid.uuid4()
    subprocess.run(["mkfs.ext4", "-q", "-F", "-U", str(u), "-L", "before", str(img)], check=True)
    mount(["-o", "loop", str(img)], mnt)
    try:
        assert win32file.GetVolumeNameForVolumeMountPoint(win + "\\loop\\") == "\\\\?\\Volume{%s}\\" % u
        assert win32file.GetDriveType(win + "\\loop\\") in (win32con.DRIVE_FIXED, win32con.DRIVE_REMOVABLE)
        win32file.SetVolumeLabel(win + "\\loop\\", "winfile")
        fd = os.open(mnt, os.O_RDONLY)
        try:
            label = fcntl.ioctl(fd, FS_IOC_GETFSLABEL, bytes(256)).rstrip(b"\0")
        finally:
            os.close(fd)
        assert label == b"winfile"
        (mnt / "dir").mkdir()
        with pytest.raises(pywintypes.error) as e:
            win32file.SetVolumeLabel(win + "\\loop\\dir\\", "x")
        assert (e.value.winerror, e.value.funcname) == (144, "SetVolumeLabel")
        with pytest.raises(pywintypes.error) as e:
            win32file.SetVolumeLabel(win + "\\loop\\", "x" * 300)
        assert e.value.winerror == 154
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_label_unsupported_on_tmpfs(tmpfs):
    with pytest.raises(pywintypes.error) as e:
        win32file.SetVolumeLabel(tmpfs[0] + "\\", "x")
    assert (e.value.winerror, e.value.funcname) == (1, "SetVolumeLabel")
    with pytest.raises(pywintypes.error) as e:
        win32file.SetVolumeLabel(tmpfs[0], "x")
    assert e.value.winerror == 123
    with pytest.raises(TypeError):
        win32file.SetVolumeLabel(tmpfs[0] + "\\", None)


# -- SetVolumeMountPoint / DeleteVolumeMountPoint -------------------------------------

def test_set_and_delete_mount_point(cdir, tmpfs):
    win, linux = cdir
    mwin, mlinux = tmpfs
    (mlinux / "hello.txt").write_text("on the tmpfs")
    (linux / "bind").mkdir()
    vol = win32file.GetVolumeNameForVolumeMountPoint(mwin + "\\")
    try:
        got = win32file.SetVolumeMountPoint(win + "\\bind\\", mwin + "\\")
    except pywintypes.error as e:
        if e.winerror == 1314 and has_cap_sys_admin():
            pytest.skip("mount(2) refused despite CAP_SYS_ADMIN (container policy)")
        raise
    try:
        assert got == vol
        assert (linux / "bind" / "hello.txt").read_text() == "on the tmpfs"
        assert any(mp == str(linux / "bind") for mp, _, _, _ in mountinfo())
        assert win32file.GetVolumeNameForVolumeMountPoint(win + "\\bind\\") == vol
        assert sorted(win32file.GetVolumePathNamesForVolumeName(vol)) == sorted([mwin + "\\", win + "\\bind\\"])
        assert win32file.GetVolumePathName(win + "\\bind\\hello.txt") == win + "\\bind\\"
    finally:
        win32file.DeleteVolumeMountPoint(win + "\\bind\\")
    assert not any(mp == str(linux / "bind") for mp, _, _, _ in mountinfo())
    assert not (linux / "bind" / "hello.txt").exists()
    # Errors: not empty, no trailing separator, not a mount point, a drive root.
    (linux / "full").mkdir()
    (linux / "full" / "x").write_text("x")
    for call, code in (
        (lambda: win32file.SetVolumeMountPoint(win + "\\full\\", vol), 145),
        (lambda: win32file.SetVolumeMountPoint(win + "\\bind", vol), 123),
        (lambda: win32file.SetVolumeMountPoint(win + "\\nothing\\", vol), 2),
        (lambda: win32file.DeleteVolumeMountPoint(win + "\\bind\\"), 4390),
        (lambda: win32file.DeleteVolumeMountPoint(win + "\\bind"), 123),
        (lambda: win32file.DeleteVolumeMountPoint("C:\\"), 87),
    ):
        with pytest.raises(pywintypes.error) as e:
            call()
        assert e.value.winerror == code


def test_mount_without_privilege_is_1314(cdir, tmpfs):
    if not shutil.which("capsh"):
        pytest.skip("capsh is not installed (needed to drop CAP_SYS_ADMIN)")
    win, linux = cdir
    (linux / "bind").mkdir()
    code = (
        "import sys, win32file, pywintypes\n"
        "target, source = sys.argv[1:]\n"
        "for f in (lambda: win32file.SetVolumeMountPoint(target, source),\n"
        "          lambda: win32file.DeleteVolumeMountPoint(source)):\n"
        "    try: f()\n"
        "    except pywintypes.error as e: print(e.winerror, e.funcname)\n"
    )
    import sys
    r = subprocess.run(["capsh", "--drop=cap_sys_admin", "--", "-c", '"$0" -c "$1" "$2" "$3"', sys.executable, code,
                        win + "\\bind\\", tmpfs[0] + "\\"],
                       capture_output=True, text=True, env=os.environ.copy())
    assert r.stdout.split("\n")[:2] == ["1314 SetVolumeMountPoint", "1314 DeleteVolumeMountPoint"], r.stderr
    assert not (linux / "bind").is_mount()


# -- GetFinalPathNameByHandle ---------------------------------------------------------

def test_final_path_forms_and_rename(cdir):
    win, linux = cdir
    (linux / "Dir").mkdir()
    (linux / "Dir" / "File.txt").write_text("x")
    h = win32file.CreateFile(win + "\\dir\\FILE.TXT", win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    real = os.path.realpath(linux / "Dir" / "File.txt")
    # The volume-relative part, from mountinfo (the mount's root accounts for bind mounts).
    best = max((m for m in mountinfo() if real == m[0] or real.startswith(m[0].rstrip("/") + "/")), key=lambda m: len(m[0]))
    rel = os.path.join(best[2], os.path.relpath(real, best[0])).replace("/", "\\")
    rel = "\\" + rel.strip("\\")
    assert win32file.GetFinalPathNameByHandle(h, win32con.VOLUME_NAME_DOS) == "\\\\?\\" + win + "\\Dir\\File.txt"
    assert win32file.GetFinalPathNameByHandle(h, win32con.FILE_NAME_OPENED) == "\\\\?\\" + win + "\\Dir\\File.txt"
    assert win32file.GetFinalPathNameByHandle(h, win32con.VOLUME_NAME_NONE) == rel
    vol = win32file.GetVolumeNameForVolumeMountPoint(best[0].rstrip("/") + "/")
    assert win32file.GetFinalPathNameByHandle(h, win32con.VOLUME_NAME_GUID) == vol[:-1] + rel
    nt = win32file.GetFinalPathNameByHandle(h, win32con.VOLUME_NAME_NT)
    assert re.match(r"^\\Device\\HarddiskVolume\d+\\", nt) and nt.endswith(rel)
    os.rename(linux / "Dir" / "File.txt", linux / "Dir" / "Moved.txt")
    assert win32file.GetFinalPathNameByHandle(h, 0) == "\\\\?\\" + win + "\\Dir\\Moved.txt"
    for bad in (3, 5, 0x10):
        with pytest.raises(pywintypes.error) as e:
            win32file.GetFinalPathNameByHandle(h, bad)
        assert (e.value.winerror, e.value.funcname) == (87, "GetFinalPathNameByHandle")
    h.Close()
    with pytest.raises(pywintypes.error) as e:
        win32file.GetFinalPathNameByHandle(h, 0)
    assert e.value.winerror == 6


def test_final_path_through_longest_prefix_drive(cdir, tmp):
    win, linux = cdir
    (linux / "deep").mkdir()
    win32file.DefineDosDevice(0, "Q:", str(linux / "deep"))
    h = win32file.CreateFile(win + "\\deep\\f", win32con.GENERIC_WRITE, 0, None, win32con.CREATE_NEW, 0, None)
    assert win32file.GetFinalPathNameByHandle(h, 0) == "\\\\?\\Q:\\f"
    h.Close()
    d = win32file.CreateFile("C:\\", 0, 7, None, win32con.OPEN_EXISTING, win32con.FILE_FLAG_BACKUP_SEMANTICS, None)
    assert win32file.GetFinalPathNameByHandle(d, 0) == "\\\\?\\C:\\"
    d.Close()
    f = tmp / "unix.txt"
    f.write_text("x")
    h = win32file.CreateFile(str(f), win32con.GENERIC_READ, 7, None, win32con.OPEN_EXISTING, 0, None)
    assert win32file.GetFinalPathNameByHandle(h, 0) == "\\\\?\\Z:" + os.path.realpath(f).replace("/", "\\")
    h.Close()


# -- GetLongPathName ------------------------------------------------------------------

def test_long_path_name_corrects_case(cdir):
    win, linux = cdir
    (linux / "MixedCase").mkdir()
    (linux / "MixedCase" / "Report.TXT").write_text("x")
    assert win32file.GetLongPathName(win.lower() + "\\mixedcase\\report.txt") == win.lower().replace(
        win.lower()[3:], win[3:]) + "\\MixedCase\\Report.TXT"
    assert win32file.GetLongPathName(win + "/MIXEDCASE/") == win + "/MixedCase/"
    assert win32file.GetLongPathName(win + "\\MixedCase\\.\\..\\mixedcase") == win + "\\MixedCase\\.\\..\\MixedCase"
    assert win32file.GetLongPathName("\\\\?\\" + win + "\\MIXEDCASE") == "\\\\?\\" + win + "\\MixedCase"
    with pytest.raises(TypeError):  # the wide API: bytes refused
        win32file.GetLongPathName(b"C:\\" + win[3:].upper().encode())
    unix = str(linux / "MixedCase")
    assert win32file.GetLongPathName(unix) == unix
    cwd = os.getcwd()
    os.chdir(linux)
    try:
        assert win32file.GetLongPathName("mixedcase\\REPORT.txt") == "MixedCase\\Report.TXT"
    finally:
        os.chdir(cwd)
    for bad, code in ((win + "\\MixedCase\\missing.txt", 2), (win + "\\nodir\\x.txt", 3),
                      (win + "\\MixedCase\\Report.TXT\\x", 3), (str(linux / "missing"), 2)):
        with pytest.raises(pywintypes.error) as e:
            win32file.GetLongPathName(bad)
        assert (e.value.winerror, e.value.funcname) == (code, "GetLongPathName"), bad


def test_volume_guid_paths_open_the_same_file(cdir):
    """GetFinalPathNameByHandle(VOLUME_NAME_GUID) gives a name CreateFile opens again."""
    wpath, linux = cdir
    (linux / "Named.txt").write_bytes(b"round trip")
    h = win32file.CreateFile(wpath + "\\named.txt", win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING, 0, None)
    guid_path = win32file.GetFinalPathNameByHandle(h, win32con.VOLUME_NAME_GUID)
    assert guid_path.startswith("\\\\?\\Volume{")
    h2 = win32file.CreateFile(guid_path, win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING, 0, None)
    a, b = win32file.GetFileInformationByHandle(h), win32file.GetFileInformationByHandle(h2)
    assert (a[4], a[8], a[9]) == (b[4], b[8], b[9])
    assert win32file.ReadFile(h2, 100) == (0, b"round trip")
    h.Close()
    h2.Close()
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile("\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\x", win32con.GENERIC_READ, 7,
                             None, win32file.OPEN_EXISTING, 0, None)
    assert e.value.winerror in (2, 3)
