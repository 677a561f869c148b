"""Shared fixtures: a private drive table (C: mapped to a scratch directory) set up
before any test runs, so Windows-style paths are exercised on real files."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Shared helpers (helpers.py) import as a plain module in every test file.
sys.path.insert(0, str(Path(__file__).parent))

_ROOT = Path(tempfile.mkdtemp(prefix="winfile-tests-"))
_DRIVE_C = _ROOT / "drive_c"
_DRIVE_C.mkdir()
_TABLE = _ROOT / "config" / "winfile" / "dosdevices"
_TABLE.mkdir(parents=True)
(_TABLE / "c:").symlink_to(_DRIVE_C)
os.environ["XDG_CONFIG_HOME"] = str(_ROOT / "config")
# A private runtime drive table (DefineDosDevice writes there): nothing a test defines
# outlives the session or reaches the user's real table.
(_ROOT / "runtime").mkdir(mode=0o700)
os.environ["XDG_RUNTIME_DIR"] = str(_ROOT / "runtime")
# Named streams beyond the xattr budget go to a vfs_streams_depot directory: a private one.
os.environ["WINFILE_STREAMS_DEPOT"] = str(_ROOT / "streams")


@pytest.fixture(params=[("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)], ids=["ipv4", "ipv6"])
def host(request):
    """A loopback address and its family: the socket tests run on 127.0.0.1 and ::1 (skipped
    where ::1 cannot be bound)."""
    addr, family = request.param
    try:
        with socket.socket(family) as s:
            s.bind((addr, 0))
    except OSError:
        pytest.skip(f"no loopback for {addr}")
    return addr, family


def pytest_report_header(config):
    """Which completion engine runs, and why not io_uring when the kernel refused it."""
    import winfile._native as native
    reason = native.engine_fallback_reason()
    line = f"winfile completion engine: {native.engine_name()}"
    return line + (f" (io_uring refused by the kernel: {reason})" if reason else "")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_ROOT, ignore_errors=True)


@pytest.fixture
def drive_c():
    """The Linux directory behind C: (a fresh subdirectory per test is `cdir`)."""
    return _DRIVE_C


@pytest.fixture
def cdir(request):
    """A fresh directory under C:, as (windows_path, linux_path)."""
    name = "t_" + request.node.name.replace("[", "_").replace("]", "_")[:60]
    linux = _DRIVE_C / name
    shutil.rmtree(linux, ignore_errors=True)
    linux.mkdir()
    yield "C:\\" + name, linux
    shutil.rmtree(linux, ignore_errors=True)


@pytest.fixture
def tmp(tmp_path):
    """A fresh Linux scratch directory (not hidden: tmp_path names start with no dot)."""
    d = tmp_path / "work"
    d.mkdir()
    return d


@pytest.fixture
def run_child():
    """run_child(code, *args, timeout=30): runs `code` in a child Python with the same
    environment (drive table included) and returns the CompletedProcess."""
    def run(code, *args, timeout=30):
        return subprocess.run(
            [sys.executable, "-c", code, *map(str, args)],
            capture_output=True, text=True, timeout=timeout, env=os.environ.copy(),
        )
    return run


@pytest.fixture
def other_fs(drive_c):
    """A scratch directory on a file system other than drive C:'s (e.g. /dev/shm, a
    tmpfs), for moves and copies across file systems; skips when there is none."""
    dev = os.stat(drive_c).st_dev
    for base in ("/dev/shm", "/run", "/var/tmp", tempfile.gettempdir()):
        try:
            if os.stat(base).st_dev == dev:
                continue
            d = tempfile.mkdtemp(prefix="winfile-xfs-", dir=base)
        except OSError:
            continue
        yield d
        shutil.rmtree(d, ignore_errors=True)
        return
    pytest.skip("no second writable file system")


# The Samba interop tests (tests/interop/) start a real smbd and need the samba package
# and smbprotocol: `make interop` runs them (WINFILE_INTEROP=1), `make test` does not.
collect_ignore = [] if os.environ.get("WINFILE_INTEROP") == "1" else ["interop"]
