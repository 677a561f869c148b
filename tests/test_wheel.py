"""The wheel `make wheel` builds (dist/) installs with pip into a fresh venv whose
PATH has no Rust toolchain, offline and binary-only, and works there: modules,
stubs, py.typed, and real file I/O through the native module.

Skipped when no wheel was built (`make test` builds it first; `make wheel` alone)."""
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"

SMOKE = r'''
import os, sys, tempfile, importlib.util
from pathlib import Path
import win32file, win32con, win32event, pywintypes, winerror, winnt, ntsecuritycon, win32timezone
import win32api, win32pipe, win32transaction
import winfile
assert win32api.error is pywintypes.error
assert win32api.FormatMessage(2) == "The system cannot find the file specified.\r\n"
site = Path(win32file.__file__).parent
assert "site-packages" in str(site), win32file.__file__
for stub in ("win32file.pyi", "pywintypes.pyi", "win32event.pyi", "win32timezone.pyi", "win32api.pyi",
             "win32pipe.pyi", "win32transaction.pyi"):
    assert (site / stub).is_file(), stub
assert (site / "winfile" / "py.typed").is_file()
d = tempfile.mkdtemp()
name = os.path.join(d, "smoke.txt")
h = win32file.CreateFile(name, win32con.GENERIC_READ | win32con.GENERIC_WRITE, 0, None,
                         win32file.CREATE_NEW, 0, None)
win32file.WriteFile(h, b"smoke")
win32file.SetFilePointer(h, 0, win32file.FILE_BEGIN)
assert win32file.ReadFile(h, 10) == (0, b"smoke")
h.Close()
try:
    win32file.CreateFile(name, 0, 0, None, win32file.CREATE_NEW, 0, None)
except pywintypes.error as e:
    assert e.winerror == winerror.ERROR_FILE_EXISTS, e
else:
    raise AssertionError("CREATE_NEW over an existing file succeeded")
ev = win32event.CreateEvent(None, True, False, None)
win32event.SetEvent(ev)
assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_OBJECT_0
r, w = win32pipe.CreatePipe(None, 0)
win32file.WriteFile(w, b"pipe")
assert win32file.ReadFile(r, 4) == (0, b"pipe")
assert win32file.GetFileType(r) == win32file.FILE_TYPE_PIPE
print("smoke ok", winfile._native.__file__)
'''


def _wheel():
    wheels = sorted(DIST.glob("winfile-*.whl"))
    if not wheels:
        pytest.skip("no wheel in dist/ (run `make wheel`)")
    assert len(wheels) == 1, wheels
    return wheels[0]


def _path_without_rust():
    cargo_bin = str(Path.home() / ".cargo" / "bin")
    parts = [p for p in os.environ.get("PATH", "").split(os.pathsep)
             if p and p != cargo_bin and not (Path(p) / "cargo").exists()
             and not (Path(p) / "rustc").exists()]
    return os.pathsep.join(parts)


def test_wheel_installs_and_runs_without_rust(tmp_path):
    wheel = _wheel()
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    py = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "CARGO_HOME", "RUSTUP_HOME")}
    env["PATH"] = str(env_dir / "bin") + os.pathsep + _path_without_rust()
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    assert shutil.which("cargo", path=env["PATH"]) is None
    assert shutil.which("rustc", path=env["PATH"]) is None
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-index", "--only-binary", ":all:",
         "--find-links", str(wheel.parent), "winfile"],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    run = subprocess.run([str(py), "-c", SMOKE], env=env, capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "smoke ok" in run.stdout
    assert str(env_dir) in run.stdout  # the installed native module, not the checkout's


def test_sdist_builds(tmp_path):
    maturin = Path(sys.executable).parent / "maturin"
    if not maturin.exists():
        pytest.skip("maturin is not installed next to this Python")
    r = subprocess.run([str(maturin), "sdist", "--out", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    (sdist,) = tmp_path.glob("winfile-*.tar.gz")
    import tarfile
    with tarfile.open(sdist) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    for needed in ("pyproject.toml", "Cargo.toml", "Cargo.lock", "crates/winfile/Cargo.toml",
                   "crates/winfile-py/Cargo.toml", "python/win32file.py", "python/pywintypes.pyi",
                   "python/winfile/py.typed"):
        assert needed in names, needed
