"""No Windows-style name leaves the target of its drive, share or volume (issue 20, item 1;
docs/path-containment.md): the `\\\\?\\Q:/..` escape and its siblings of every prefix
form, on real files around a jail, then the generated-name property of
tests/path_forms_harness.py (`make fuzz` runs it longer)."""
import importlib.util
import os
from pathlib import Path

import pytest
import pywintypes
import win32con
import win32file
from winfile import _native

_HARNESS = Path(__file__).resolve().parent.parent / "path_forms_harness.py"
_spec = importlib.util.spec_from_file_location("path_forms_harness", _HARNESS)
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

NOT_FOUND = (2, 3, 123)  # what Windows answers for each of these forms


@pytest.fixture
def jail(tmp_path, monkeypatch):
    """Q: → <tmp>/jail (defined in this test's private runtime table); a secret file
    beside the jail and one inside it. Yields (jail, outside secret)."""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    jail = tmp_path / "jail"
    (jail / "sub").mkdir(parents=True)
    (jail / "inside.txt").write_bytes(b"inside")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"outside secret")
    win32file.DefineDosDevice(0, "Q:", str(jail))
    yield jail, secret
    win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, "Q:", "")


def open_(name, access=win32con.GENERIC_READ, disposition=win32con.OPEN_EXISTING):
    return win32file.CreateFile(name, access, 7, None, disposition,
                                win32con.FILE_FLAG_BACKUP_SEMANTICS, None)


def depth_to_root(path):
    return len(Path(path).resolve().parts)


def test_verbatim_slash_escape_is_refused(jail):
    # The reported escape: `/` is no separator after \\?\, so `Q:/../..` is one (unknown)
    # device name, and the open fails as on Windows; nothing outside is read or written.
    jail_dir, secret = jail
    up = "/".join([".."] * depth_to_root(jail_dir))
    for name in (r"\\?\Q:/" + up + "/etc/hostname", r"\\?\Q:/../secret.txt",
                 r"\??\Q:/../secret.txt", r"\\?\Q:/..\secret.txt"):
        with pytest.raises(pywintypes.error) as e:
            open_(name)
        assert e.value.winerror in NOT_FOUND, name
    for disposition in (win32con.CREATE_ALWAYS, win32con.TRUNCATE_EXISTING, win32con.OPEN_ALWAYS,
                        win32con.CREATE_NEW):
        with pytest.raises(pywintypes.error) as e:
            open_(r"\\?\Q:/../secret.txt", win32con.GENERIC_WRITE, disposition)
        assert e.value.winerror in NOT_FOUND
        with pytest.raises(pywintypes.error):
            open_(r"\\?\Q:/../new.txt", win32con.GENERIC_WRITE, disposition)
    assert secret.read_bytes() == b"outside secret"
    assert sorted(p.name for p in secret.parent.iterdir()) == ["jail", "run", "secret.txt"]
    # The codes are the ones Windows gives: unknown device name (2), then with more
    # components after it (3); `..` and `/` as names under \\?\ are invalid (123).
    assert _code(r"\\?\Q:/../secret.txt") == 2
    assert _code(r"\\?\Q:/..\secret.txt") == 3
    assert _code(r"\\?\Q:\..\secret.txt") == 123
    assert _code(r"\\?\Q:\sub/../../secret.txt") == 123


def _code(name):
    with pytest.raises(pywintypes.error) as e:
        open_(name)
    return e.value.winerror


@pytest.mark.parametrize("name", [
    r"\\?\Q:\..\secret.txt",            # verbatim: `..` is a name, refused
    r"\\?\Q:\sub\..\..\secret.txt",
    r"\\?\Q:\sub/../../secret.txt",     # verbatim: `/` is a character, refused
    r"\\.\Q:\..\secret.txt",            # device form: `..` climbs to \\.\, a device
    r"\\.\Q:\sub\..\..\..\secret.txt",
    r"\\.\..\secret.txt",
    r"\\.\UNC\..\..\secret.txt",
    r"\\?\Volume{00000000-0000-0000-0000-000000000000}\..\secret.txt",
    r"\\.\Volume{00000000-0000-0000-0000-000000000000}\..\secret.txt",
    r"\\?\Volume{00000000-0000-0000-0000-000000000000}/../secret.txt",
    r"\\..\..\secret.txt",              # UNC: `..` as server or share names nothing
    r"\\srv\..\secret.txt",
    r"\\?\UNC\srv\share\..\..\secret.txt",
])
def test_sibling_escapes_fail(jail, name):
    _, secret = jail
    with pytest.raises(pywintypes.error) as e:
        open_(name)
    assert e.value.winerror in NOT_FOUND + (53, 67), name
    with pytest.raises(pywintypes.error):
        open_(name, win32con.GENERIC_WRITE, win32con.CREATE_ALWAYS)
    assert secret.read_bytes() == b"outside secret"


@pytest.mark.parametrize("name", [
    r"Q:\..\..\inside.txt",             # `..` stops at the root of the drive
    r"q:/../inside.txt",
    r"\\.\Q:\sub\..\inside.txt",
    r"\\.\Q:\..\Q:\inside.txt",         # out to \\.\ and back into the drive
    r"\\?\Q:\inside.txt",
    r"Q:..\..\inside.txt",              # drive-relative, with the current directory on Q:
    r"..\..\..\inside.txt",
    r"\..\inside.txt",
])
def test_dots_stop_at_the_drive_root(jail, name, monkeypatch):
    jail_dir, _ = jail
    monkeypatch.chdir(jail_dir / "sub")
    h = open_(name)
    try:
        assert win32file.ReadFile(h, 100)[1] == b"inside"
    finally:
        h.Close()
    linux, device = _native.resolve_path(name)
    assert (linux, device) == (str(jail_dir / "inside.txt"), False)


def test_long_path_name_stays_on_the_drive(jail, monkeypatch):
    jail_dir, secret = jail
    # GetLongPathName walks names itself: `..` must not climb above Q:\ either.
    with pytest.raises(pywintypes.error) as e:
        win32file.GetLongPathName(r"Q:\..\secret.txt")
    assert e.value.winerror == 2
    assert win32file.GetLongPathName(r"Q:\..\INSIDE.TXT") == r"Q:\..\inside.txt"
    monkeypatch.chdir(jail_dir / "sub")
    assert win32file.GetLongPathName(r"..\..\Inside.txt") == r"..\..\inside.txt"
    for name in (r"\\?\Q:\..\secret.txt", r"\\?\Q:/../secret.txt", r"\\?\Q:\sub/.."):
        with pytest.raises(pywintypes.error) as e:
            win32file.GetLongPathName(name)
        assert e.value.winerror in NOT_FOUND, name


def test_volume_paths_stay_in_the_volume(jail):
    # GetVolumePathName and friends split \\?\Volume{..}\ names themselves.
    jail_dir, _ = jail
    mount = harness._mount_root(str(jail_dir))
    try:
        vol = win32file.GetVolumeNameForVolumeMountPoint(mount.rstrip("/") + "/")
    except pywintypes.error:
        pytest.skip("no volume name for the scratch file system")
    for name in (vol + "..\\x", vol + "a/..\\x", vol.replace("\\\\?\\", "\\\\.\\") + "..\\..\\x"):
        with pytest.raises(pywintypes.error) as e:
            win32file.GetVolumePathName(name)
        assert e.value.winerror == 123, name


def test_symlinks_inside_a_drive_are_followed(jail):
    # Containment is about names: a symlink the user placed is followed, as on Windows.
    jail_dir, secret = jail
    (jail_dir / "link").symlink_to(secret.parent)
    h = open_(r"Q:\link\secret.txt")
    try:
        assert win32file.ReadFile(h, 100)[1] == b"outside secret"
    finally:
        h.Close()


def test_raw_nt_targets_with_dots_lead_nowhere(jail):
    # DefineDosDevice(DDD_RAW_TARGET_PATH) of \Device\HarddiskVolumeN\..: NT paths are
    # not normalised, so the drive leads nowhere instead of above the volume.
    q = win32file.QueryDosDevice("Z:")
    if not q.startswith("\\Device\\HarddiskVolume"):
        pytest.skip("/ is not a mount root here")
    dev = q.split("\0")[0]
    win32file.DefineDosDevice(win32con.DDD_RAW_TARGET_PATH, "P:", dev + "\\tmp\\..\\..\\etc")
    try:
        with pytest.raises(pywintypes.error) as e:
            open_(r"P:\hostname")
        assert e.value.winerror == 3
    finally:
        win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, "P:", "")


def test_generated_names_stay_inside_their_root():
    # Thousands of names of every prefix form and separator mix (derandomized, so the
    # run is reproducible); `make fuzz` runs many more with a random seed.
    ok, report = harness.launch(3000, derandomize=True, timeout=240)
    assert ok, report
    assert "path containment: 3000 names" in report, report


def test_property_catches_an_escape(tmp_path, monkeypatch):
    # The check itself must fail on a name that leaves the jail: here resolve_path is
    # made to answer a path outside it, through sitecustomize in the child.
    site = tmp_path / "sitecustomize.py"
    site.write_text(
        "import winfile._native as n\n"
        "real = n.resolve_path\n"
        "def fake(name):\n"
        "    p, d = real(name)\n"
        "    return (p + '/../../..' if 'secret' in name.lower() else p, d)\n"
        "n.resolve_path = fake\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    ok, report = harness.launch(300, derandomize=True, timeout=120)
    assert not ok
    assert "resolves outside its root" in report, report


def test_rename_relative_to_a_directory_handle_stays_in_it(jail):
    # FileRenameInfo with RootDirectory: an NT path relative to that directory, never
    # normalised, so `..` and `/` are invalid names (123) and nothing leaves the drive.
    jail_dir, secret = jail
    (jail_dir / "sub" / "f.txt").write_bytes(b"f")
    d = open_(r"Q:\sub")
    h = win32file.CreateFile(r"Q:\sub\f.txt", win32con.GENERIC_READ | win32con.DELETE, 7, None,
                             win32con.OPEN_EXISTING, 0, None)
    try:
        for name in (r"..\..\moved.txt", "../../moved.txt", r"x\..\..\moved.txt", r".\moved.txt",
                     r"a\\b", "a/b"):
            info = {"ReplaceIfExists": True, "RootDirectory": d, "FileName": name}
            with pytest.raises(pywintypes.error) as e:
                win32file.SetFileInformationByHandle(h, win32file.FileRenameInfo, info)
            assert e.value.winerror == 123, name
        assert not (jail_dir.parent / "moved.txt").exists()
        info = {"ReplaceIfExists": False, "RootDirectory": d, "FileName": "g.txt"}
        win32file.SetFileInformationByHandle(h, win32file.FileRenameInfo, info)
        assert (jail_dir / "sub" / "g.txt").read_bytes() == b"f"
    finally:
        h.Close()
        d.Close()


def test_find_dots_at_a_drive_root_name_nothing(jail):
    # The Linux parent of a drive's root is outside the drive: not an entry of Q:\.
    jail_dir, _ = jail
    for spec in (r"Q:\..", r"Q:\."):
        assert win32file.FindFilesW(spec) == [], spec
    assert [f[8] for f in win32file.FindFilesW(r"Q:\sub")] == ["sub"]


def test_move_respelling_never_takes_dots(jail):
    # MoveFile of a name onto itself in another case renames to the spelling given; a
    # last component `..` or trimmed dots is no spelling of the name.
    jail_dir, _ = jail
    (jail_dir / "Sub2").mkdir()
    win32file.MoveFile(r"Q:\Sub2", r"Q:\SUB2\x\..")
    assert sorted(os.listdir(jail_dir.parent)) == ["jail", "run", "secret.txt"]
    assert "SUB2" in os.listdir(jail_dir)
    win32file.MoveFile(r"Q:\SUB2", r"Q:\sub2. .")
    assert "sub2" in os.listdir(jail_dir)


def test_relative_symlink_targets_stop_at_the_drive_root(jail):
    # Windows resolves a relative link target from the link's directory and `..` stops
    # at the volume root; the Linux link text drops the `..` that would climb higher.
    jail_dir, secret = jail
    win32file.CreateSymbolicLink(r"Q:\sub\up", r"..\..\..\..\inside.txt", 0)
    assert os.readlink(jail_dir / "sub" / "up") == "../inside.txt"
    win32file.CreateSymbolicLink(r"Q:\sub\out", r"..\..\secret.txt", 0)
    assert os.readlink(jail_dir / "sub" / "out") == "../secret.txt"
    with pytest.raises(pywintypes.error) as e:
        open_(r"Q:\sub\out")
    assert e.value.winerror == 2
    win32file.CreateSymbolicLink(r"Q:\sub\side", r"x\..\..\sub\.\f", 0)
    assert os.readlink(jail_dir / "sub" / "side") == "../sub/f"
    h = open_(r"Q:\sub\up")
    try:
        assert win32file.ReadFile(h, 100)[1] == b"inside"
    finally:
        h.Close()
