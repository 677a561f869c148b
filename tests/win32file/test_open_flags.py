"""CreateFile flags and attributes: FILE_ATTRIBUTE_* on create, READONLY enforcement,
DELETE_ON_CLOSE, WRITE_THROUGH, NO_BUFFERING, inheritance, devices, name matching."""
import gc
import os
import subprocess
import sys

import pytest
import pywintypes
import win32con
import win32file

R = win32con.GENERIC_READ
W = win32con.GENERIC_WRITE
RW = R | W
SHARE = win32file.FILE_SHARE_READ | win32file.FILE_SHARE_WRITE | win32file.FILE_SHARE_DELETE
A = win32file


def open_(name, access, disposition, flags=0, sa=None):
    return win32file.CreateFile(name, access, SHARE, sa, disposition, flags, None)


def open_error(name, access, disposition, flags=0):
    with pytest.raises(pywintypes.error) as e:
        open_(name, access, disposition, flags)
    return e.value.winerror


def fd_flags(linux_path):
    """The open flags of this process's descriptors on `linux_path` (from /proc)."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(linux_path):
                with open(f"/proc/self/fdinfo/{fd}") as f:
                    line = next(x for x in f if x.startswith("flags:"))
                out.append(int(line.split()[1], 8))
        except OSError:
            pass
    return out


# ---- attributes on create --------------------------------------------------------

@pytest.mark.parametrize("attr", [A.FILE_ATTRIBUTE_HIDDEN, A.FILE_ATTRIBUTE_SYSTEM,
                                  A.FILE_ATTRIBUTE_HIDDEN | A.FILE_ATTRIBUTE_SYSTEM])
def test_attributes_applied_on_create(cdir, attr):
    wpath, _ = cdir
    name = wpath + "\\attr.txt"
    open_(name, RW, A.CREATE_NEW, attr).Close()
    assert win32file.GetFileAttributes(name) == attr | A.FILE_ATTRIBUTE_ARCHIVE


def test_normal_file_gets_archive(cdir):
    wpath, _ = cdir
    open_(wpath + "\\n.txt", RW, A.CREATE_NEW, A.FILE_ATTRIBUTE_NORMAL).Close()
    assert win32file.GetFileAttributes(wpath + "\\n.txt") == A.FILE_ATTRIBUTE_ARCHIVE


def test_readonly_on_create_then_write_opens_fail(cdir):
    wpath, linux = cdir
    name = wpath + "\\ro.txt"
    h = open_(name, RW, A.CREATE_NEW, A.FILE_ATTRIBUTE_READONLY)
    assert win32file.WriteFile(h, b"kept") == (0, 4)  # the creating handle may write
    h.Close()
    expected = A.FILE_ATTRIBUTE_READONLY | A.FILE_ATTRIBUTE_ARCHIVE
    assert win32file.GetFileAttributes(name) == expected
    for access in (W, RW, A.FILE_GENERIC_WRITE):
        for disp in (A.OPEN_EXISTING, A.OPEN_ALWAYS):
            assert open_error(name, access, disp) == 5
    assert open_error(name, W, A.TRUNCATE_EXISTING) == 5
    assert open_error(name, RW, A.CREATE_ALWAYS) == 5
    assert open_error(name, R, A.OPEN_EXISTING, A.FILE_FLAG_DELETE_ON_CLOSE) == 5
    h = open_(name, R, A.OPEN_EXISTING)
    assert win32file.ReadFile(h, 10) == (0, b"kept")
    h.Close()
    assert (linux / "ro.txt").read_bytes() == b"kept"


def test_create_always_over_hidden_needs_hidden_again(cdir):
    wpath, linux = cdir
    name = wpath + "\\h.txt"
    h = open_(name, W, A.CREATE_NEW, A.FILE_ATTRIBUTE_HIDDEN)
    win32file.WriteFile(h, b"secret")
    h.Close()
    assert open_error(name, W, A.CREATE_ALWAYS, A.FILE_ATTRIBUTE_NORMAL) == 5
    assert (linux / "h.txt").read_bytes() == b"secret"
    open_(name, W, A.CREATE_ALWAYS, A.FILE_ATTRIBUTE_HIDDEN).Close()
    assert (linux / "h.txt").read_bytes() == b""
    assert win32file.GetFileAttributes(name) & A.FILE_ATTRIBUTE_HIDDEN


def test_create_always_over_system_needs_system_again(cdir):
    wpath, _ = cdir
    name = wpath + "\\s.txt"
    open_(name, W, A.CREATE_NEW, A.FILE_ATTRIBUTE_SYSTEM).Close()
    assert open_error(name, W, A.CREATE_ALWAYS, 0) == 5
    open_(name, W, A.CREATE_ALWAYS, A.FILE_ATTRIBUTE_SYSTEM).Close()


# ---- DELETE_ON_CLOSE ---------------------------------------------------------------

def test_delete_on_close_deletes_at_close_handle(cdir):
    wpath, linux = cdir
    h = open_(wpath + "\\doc.txt", RW, A.CREATE_NEW, A.FILE_FLAG_DELETE_ON_CLOSE)
    win32file.WriteFile(h, b"temp")
    assert (linux / "doc.txt").exists()
    win32file.CloseHandle(h)
    assert not (linux / "doc.txt").exists()


def test_delete_on_close_deletes_when_handle_is_collected(cdir):
    wpath, linux = cdir
    h = open_(wpath + "\\gc.txt", RW, A.CREATE_NEW, A.FILE_FLAG_DELETE_ON_CLOSE)
    assert (linux / "gc.txt").exists()
    del h
    gc.collect()
    assert not (linux / "gc.txt").exists()


def test_detached_delete_on_close_handle_keeps_file_until_closed(cdir):
    wpath, linux = cdir
    h = open_(wpath + "\\det.txt", RW, A.CREATE_NEW, A.FILE_FLAG_DELETE_ON_CLOSE)
    raw = h.Detach()
    del h
    gc.collect()
    assert (linux / "det.txt").exists()
    win32file.CloseHandle(raw)
    assert not (linux / "det.txt").exists()


# ---- WRITE_THROUGH and NO_BUFFERING --------------------------------------------------

def test_write_through_writes_synchronously(cdir):
    wpath, linux = cdir
    h = open_(wpath + "\\wt.txt", RW, A.CREATE_NEW, A.FILE_FLAG_WRITE_THROUGH)
    assert win32file.WriteFile(h, b"durable") == (0, 7)
    assert (linux / "wt.txt").read_bytes() == b"durable"
    assert any(flags & os.O_DSYNC for flags in fd_flags(linux / "wt.txt"))
    h.Close()


def test_no_buffering_requires_sector_alignment(cdir):
    wpath, linux = cdir
    name = wpath + "\\nb.bin"
    h = open_(name, RW, A.CREATE_NEW, A.FILE_FLAG_NO_BUFFERING)
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(h, b"x" * 100)
    assert e.value.winerror == 87 and e.value.funcname == "WriteFile"
    block = bytes(range(256)) * 4  # 1024 bytes
    assert win32file.WriteFile(h, block) == (0, 1024)
    assert win32file.SetFilePointer(h, 0, A.FILE_BEGIN) == 0
    assert win32file.ReadFile(h, 512) == (0, block[:512])
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(h, 100)
    assert e.value.winerror == 87
    win32file.SetFilePointer(h, 10, A.FILE_BEGIN)  # pointer not on a sector boundary
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(h, 512)
    assert e.value.winerror == 87
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 100
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(h, block, ol)
    assert e.value.winerror == 87
    ol.Offset = 512
    assert win32file.ReadFile(h, bytearray(512), ol)[1][:] == block[512:]
    h.Close()
    assert (linux / "nb.bin").read_bytes() == block


# ---- inheritance ---------------------------------------------------------------------

_CHILD_FINDS = """
import os, sys
for fd in os.listdir('/proc/self/fd'):
    try:
        if os.readlink('/proc/self/fd/' + fd) == sys.argv[1]:
            os.lseek(int(fd), 0, 0)
            print(os.read(int(fd), 100).decode())
    except OSError:
        pass
"""


@pytest.mark.parametrize("inherit", [0, 1])
def test_inherit_handle_survives_exec(cdir, inherit):
    wpath, linux = cdir
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = inherit
    h = open_(wpath + "\\inh.txt", RW, A.CREATE_NEW, 0, sa)
    win32file.WriteFile(h, b"inherited")
    child = subprocess.run([sys.executable, "-c", _CHILD_FINDS, str(linux / "inh.txt")],
                           close_fds=False, capture_output=True, text=True, timeout=30)
    h.Close()
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == (["inherited"] if inherit else [])


def test_no_security_attributes_is_not_inherited(cdir):
    wpath, linux = cdir
    h = open_(wpath + "\\ni.txt", RW, A.CREATE_NEW)
    flags = fd_flags(linux / "ni.txt")
    assert flags and all(f & 0o2000000 for f in flags)  # O_CLOEXEC
    h.Close()


def test_security_attributes_default_to_inherit():
    assert pywintypes.SECURITY_ATTRIBUTES().bInheritHandle == 1


# ---- devices and names -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["NUL", "nul", "C:\\x\\nul.txt", "\\\\.\\NUL"])
def test_nul_device(drive_c, name):
    h = open_(name, RW, A.OPEN_EXISTING)
    assert win32file.GetFileType(h) == A.FILE_TYPE_CHAR
    assert win32file.WriteFile(h, b"gone") == (0, 4)
    assert win32file.ReadFile(h, 10) == (0, b"")
    h.Close()
    assert not (drive_c / "x").exists() and not (drive_c / "nul.txt").exists()


def test_nul_device_with_create_always_creates_nothing(cdir):
    wpath, linux = cdir
    h = open_(wpath + "\\nul", W, A.CREATE_ALWAYS)
    assert win32file.GetFileType(h) == A.FILE_TYPE_CHAR
    h.Close()
    assert list(linux.iterdir()) == []


def test_unix_paths_pass_through(tmp):
    target = tmp / "MixedCase.txt"
    h = open_(str(target), RW, A.CREATE_NEW)
    win32file.WriteFile(h, b"unix")
    h.Close()
    assert target.read_bytes() == b"unix"
    h = open_(str(target), R, A.OPEN_EXISTING)
    assert win32file.ReadFile(h, 10) == (0, b"unix")
    h.Close()


def test_windows_names_match_case_insensitively(cdir):
    wpath, linux = cdir
    (linux / "Hello.txt").write_bytes(b"x")
    assert open_error(wpath + "\\HELLO.TXT", RW, A.CREATE_NEW) == 80
    open_(wpath + "\\hello.TXT", R, A.OPEN_EXISTING).Close()


def test_posix_semantics_makes_matching_exact(cdir):
    wpath, linux = cdir
    (linux / "Hello.txt").write_bytes(b"x")
    posix = A.FILE_FLAG_POSIX_SEMANTICS
    assert open_error(wpath + "\\HELLO.TXT", R, A.OPEN_EXISTING, posix) == 2
    open_(wpath + "\\Hello.txt", R, A.OPEN_EXISTING, posix).Close()
    open_(wpath + "\\HELLO.TXT", W, A.CREATE_NEW, posix).Close()
    assert sorted(p.name for p in linux.iterdir()) == ["HELLO.TXT", "Hello.txt"]


def test_template_supplies_attributes_and_extended_attributes(cdir):
    """hTemplateFile: a file being created takes the template's attributes and extended
    attributes; opening an existing file ignores the template."""
    import os as _os
    wpath, linux = cdir
    (linux / "tmpl").write_bytes(b"t")
    win32file.SetFileAttributes(wpath + "\\tmpl", win32con.FILE_ATTRIBUTE_HIDDEN | win32con.FILE_ATTRIBUTE_SYSTEM)
    _os.setxattr(linux / "tmpl", "user.comment", b"from the template")
    tmpl = win32file.CreateFile(wpath + "\\tmpl", win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING, 0, None)
    h = win32file.CreateFile(wpath + "\\new", win32con.GENERIC_WRITE, 0, None, win32file.CREATE_NEW,
                             win32con.FILE_ATTRIBUTE_NORMAL, tmpl)
    h.Close()
    attrs = win32file.GetFileAttributes(wpath + "\\new")
    assert attrs & (win32con.FILE_ATTRIBUTE_HIDDEN | win32con.FILE_ATTRIBUTE_SYSTEM) == (
        win32con.FILE_ATTRIBUTE_HIDDEN | win32con.FILE_ATTRIBUTE_SYSTEM)
    assert _os.getxattr(linux / "new", "user.comment") == b"from the template"
    # An existing file is opened as it is.
    (linux / "old").write_bytes(b"o")
    win32file.CreateFile(wpath + "\\old", win32con.GENERIC_READ, 7, None, win32file.OPEN_EXISTING, 0, tmpl).Close()
    assert win32file.GetFileAttributes(wpath + "\\old") & win32con.FILE_ATTRIBUTE_HIDDEN == 0
    # Creating with a template handle that cannot be read fails.
    wo = win32file.CreateFile(wpath + "\\tmpl", win32con.GENERIC_WRITE, 7, None, win32file.OPEN_EXISTING, 0, None)
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile(wpath + "\\new2", win32con.GENERIC_WRITE, 0, None, win32file.CREATE_NEW, 0, wo)
    assert e.value.winerror == 5
    stale = int(tmpl)
    tmpl.Close()
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile(wpath + "\\new3", win32con.GENERIC_WRITE, 0, None, win32file.CREATE_NEW, 0, stale)
    assert e.value.winerror == 6
