"""Fixtures for the Samba interop tests (`make interop`): one private smbd per session
(`smbd.py`), an smbprotocol client session to it, and a fresh directory of the share per
test, seen by winfile as a Linux path and by the client as a UNC name.

These tests run only under `make interop` (WINFILE_INTEROP=1): `make test` does not
collect them (tests/conftest.py). They skip, with the reason, only where smbd cannot
run at all (not installed, not root) or the client library is missing.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import smbd as _smbd  # noqa: E402


class Smb:
    """The running server and the client's view of it."""

    def __init__(self, server: _smbd.Smbd):
        self.server = server
        self.kw = {"port": server.port}

    def unc(self, *parts: str) -> str:
        return "\\".join([self.server.unc, *parts])

    def local(self, *parts: str) -> Path:
        return self.server.share.joinpath(*parts)


# Drive letters winfile's Windows-style names use for the two shares' directories (only
# Windows-style names are parsed for `file:stream`, docs/streams.md).
XATTR_DRIVE = "S:"
DEPOT_DRIVE = "T:"


@pytest.fixture(scope="session")
def smb():
    try:
        import smbclient
    except ImportError as e:
        pytest.skip(f"smbprotocol is not installed ({e}); make interop installs it")
    try:
        server = _smbd.start_private()
    except _smbd.Unavailable as e:
        pytest.skip(f"smbd cannot run here: {e}")
    # winfile's depot for streams beyond the xattr budget is smbd's
    # streams_depot:directory of the depot share (docs/streams.md).
    old_depot = os.environ.get("WINFILE_STREAMS_DEPOT")
    os.environ["WINFILE_STREAMS_DEPOT"] = str(server.depot)
    import win32con
    import win32file
    win32file.DefineDosDevice(0, XATTR_DRIVE, str(server.share))
    win32file.DefineDosDevice(0, DEPOT_DRIVE, str(server.depot_share))
    try:
        smbclient.register_session("127.0.0.1", username=server.user, password=server.password,
                                   port=server.port, encrypt=False)
        yield Smb(server)
    finally:
        try:
            smbclient.reset_connection_cache()
        finally:
            server.stop()
            win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, XATTR_DRIVE, str(server.share))
            win32file.DefineDosDevice(win32con.DDD_REMOVE_DEFINITION, DEPOT_DRIVE, str(server.depot_share))
            if old_depot is None:
                os.environ.pop("WINFILE_STREAMS_DEPOT", None)
            else:
                os.environ["WINFILE_STREAMS_DEPOT"] = old_depot


@pytest.fixture
def where(smb, request):
    """A fresh directory of the share for one test: (unc, linux_path)."""
    name = "t_" + request.node.name.replace("[", "_").replace("]", "_")[:60]
    linux = smb.local(name)
    shutil.rmtree(linux, ignore_errors=True)
    linux.mkdir()
    os.chmod(linux, 0o777)
    yield smb.unc(name), linux
    shutil.rmtree(linux, ignore_errors=True)


def _fresh(request, unc_root: str, root: Path, drive: str):
    name = "t_" + request.node.name.replace("[", "_").replace("]", "_")[:60]
    linux = root / name
    shutil.rmtree(linux, ignore_errors=True)
    linux.mkdir()
    os.chmod(linux, 0o777)
    return unc_root + "\\" + name, linux, drive + "\\" + name


@pytest.fixture
def where_xattr(smb, request):
    """A fresh directory of the streams_xattr share: (unc, linux_path, windows_path);
    the Windows-style name is the one winfile parses `file:stream` in."""
    unc, linux, win = _fresh(request, smb.server.unc, smb.server.share, XATTR_DRIVE)
    yield unc, linux, win
    shutil.rmtree(linux, ignore_errors=True)


@pytest.fixture
def where_depot(smb, request):
    """A fresh directory of the streams_depot share: (unc, linux_path, windows_path)."""
    unc, linux, win = _fresh(request, smb.server.unc_depot, smb.server.depot_share, DEPOT_DRIVE)
    yield unc, linux, win
    shutil.rmtree(linux, ignore_errors=True)
