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
    try:
        smbclient.register_session("127.0.0.1", username=server.user, password=server.password,
                                   port=server.port, encrypt=False)
        yield Smb(server)
    finally:
        try:
            smbclient.reset_connection_cache()
        finally:
            server.stop()


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
