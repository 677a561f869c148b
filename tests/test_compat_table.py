"""The compatibility registry (python/winfile/compat.py) against the reference, the
built win32file module, and README.md's generated table."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
import win32file

from winfile import compat

ROOT = Path(__file__).resolve().parent.parent
# The reference's function names (shared/reference/win32file_functions.tsv plus the
# functions win32file.md documents that the TSV lacks), copied so that the tests need
# nothing outside the repository.
FUNCTIONS = Path(__file__).resolve().parent / "data" / "win32file_functions.txt"


def reference_functions():
    """Every function of the reference."""
    lines = FUNCTIONS.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_reference_is_read():
    names = reference_functions()
    assert {"CreateFile", "LockFileEx", "OVERLAPPED", "COMSTAT", "_get_osfhandle"} <= names
    assert len(names) > 130


def test_every_reference_function_has_an_entry():
    missing = sorted(reference_functions() - set(compat.BY_NAME))
    assert missing == []


def test_no_entry_outside_the_reference():
    extra = sorted(set(compat.BY_NAME) - reference_functions())
    assert extra == []


def test_entries_are_well_formed():
    assert len(compat.BY_NAME) == len(compat.ENTRIES)
    for e in compat.ENTRIES:
        assert e.status in compat.STATUSES, e
        assert e.mechanism.strip(), e
        assert "\n" not in e.mechanism + e.notes, e
        assert bool(e.group) == (e.status == compat.PLANNED), e
        if e.status == compat.UNSUPPORTED:
            assert e.notes, "an unsupported function needs its reason: %s" % e.name


@pytest.mark.parametrize("entry", compat.ENTRIES, ids=lambda e: e.name)
def test_status_matches_the_module(entry):
    is_exported = callable(getattr(win32file, entry.name, None))
    if compat.exported(entry.status):
        # full, partial and unsupported functions are exported (unsupported ones raise).
        assert is_exported, "%s is %s but win32file does not export it" % (entry.name, entry.status)
    else:
        # planned functions are absent: no stub that pretends.
        assert entry.status == compat.PLANNED
        assert not is_exported, "%s is %s but win32file exports it" % (entry.name, entry.status)
        assert not hasattr(win32file, entry.name)


def _capsule():
    import ctypes
    new = ctypes.pythonapi.PyCapsule_New
    new.restype = ctypes.py_object
    new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    return new(ctypes.c_void_p(1), None, None)


def _valid_arguments(name, path, win_dir):
    """Arguments pywin32 would accept for each unsupported function."""
    h = win32file.CreateFile(path, win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)
    users = [(None, 1, b"cert")]
    table = {
        "WSAAsyncSelect": (0, 0, 0x400, 0),
        "AddUsersToEncryptedFile": (path, users),
        "RemoveUsersFromEncryptedFile": (path, [(None, b"hash", "user")]),
        "QueryUsersOnEncryptedFile": (path,),
        "QueryRecoveryAgentsOnEncryptedFile": (path,),
        "DuplicateEncryptionInfoFile": (path, path + ".copy", win32file.CREATE_NEW, 0, None),
        "EncryptFile": (path,),
        "EncryptionDisable": (win_dir, 1),
        "OpenEncryptedFileRaw": (path, 0),
        "ReadEncryptedFileRaw": (lambda *a: 0, None, _capsule()),
        "WriteEncryptedFileRaw": (lambda *a: (0, 0), None, _capsule()),
        "CloseEncryptedFileRaw": (_capsule(),),
        "SetFileShortName": (h, "SHORT~1.TXT"),
        "SetVolumeLabel": ("C:\\", "LABEL"),
        "SetVolumeMountPoint": ("C:\\mnt\\", "\\\\?\\Volume{00000000-0000-0000-0000-000000000000}\\"),
        "DeleteVolumeMountPoint": ("C:\\mnt\\",),
    }
    return h, table[name]


_UNSUPPORTED = [e for e in compat.ENTRIES if e.status == compat.UNSUPPORTED]


@pytest.mark.parametrize("entry", _UNSUPPORTED, ids=lambda e: e.name)
def test_unsupported_functions_raise_the_code_their_notes_give(entry, cdir):
    import pywintypes
    win_dir, linux_dir = cdir
    (linux_dir / "f.txt").write_bytes(b"data")
    h, args = _valid_arguments(entry.name, win_dir + "\\f.txt", win_dir)
    try:
        with pytest.raises(pywintypes.error) as info:
            getattr(win32file, entry.name)(*args)
    finally:
        win32file.CloseHandle(h)
    codes = [int(c) for c in re.findall(r"error (\d+)", entry.notes)]
    assert codes, "the notes of %s must give the error it raises" % entry.name
    assert info.value.winerror == codes[0]
    assert info.value.funcname == entry.name
    assert info.value.strerror


def test_module_exports_no_function_without_an_entry():
    functions = {
        n for n in dir(win32file)
        if callable(getattr(win32file, n)) and not isinstance(getattr(win32file, n), type)
        and not n.startswith("__") and n != "error"
    }
    assert sorted(functions - set(compat.BY_NAME)) == []


def test_readme_table_is_current():
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compat_table.py"), "--check"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_rendering_has_one_row_per_entry():
    rows = [line for line in compat.render_table().splitlines() if line.startswith("| `")]
    assert len(rows) == len(compat.ENTRIES) + len(compat.PIPE_ENTRIES) + len(compat.WIN32API_ENTRIES)
    assert any(r.startswith("| `ReplaceFile` | full |") and "swapped" in r for r in rows)


# -- the win32api subset ----------------------------------------------------------------

def test_win32api_entries_are_exported_and_well_formed():
    import win32api
    assert len(compat.WIN32API_BY_NAME) == len(compat.WIN32API_ENTRIES)
    for e in compat.WIN32API_ENTRIES:
        assert e.status in (compat.FULL, compat.PARTIAL), e
        assert e.mechanism.strip() and "\n" not in e.mechanism + e.notes, e
        assert callable(getattr(win32api, e.name, None)), "%s is listed but win32api lacks it" % e.name


def test_win32api_exports_nothing_without_an_entry():
    import win32api
    functions = {
        n for n in dir(win32api)
        if callable(getattr(win32api, n)) and not isinstance(getattr(win32api, n), type)
        and not n.startswith("_") and n not in ("error",)
        and getattr(getattr(win32api, n), "__module__", "") not in ("signal", "os", "threading")
    }
    assert sorted(functions - set(compat.WIN32API_BY_NAME)) == []


def test_the_rest_of_win32api_is_absent():
    import win32api
    for name in ("RegOpenKeyEx", "MessageBox", "LoadLibrary", "GetSystemMetrics", "ShellExecute"):
        assert not hasattr(win32api, name)
    assert "rest of win32api" in compat.render_table()
