"""Share modes and byte-range locks: what binding a handle to Windows semantics costs.

- CreateFile(OPEN_EXISTING, share read|write) + CloseHandle vs os.open + os.close on
  the same file, while another winfile handle of the file is open (so every open
  runs the full share check against a holder, as in real use). The open is
  read/write on both sides; os.open gets O_CLOEXEC as CreateFile's descriptor does.
- LockFileEx(exclusive, fail immediately) + UnlockFileEx vs fcntl.lockf lock +
  unlock (LOCK_EX|LOCK_NB, then LOCK_UN) on the same 50-byte range.
"""
from __future__ import annotations

import fcntl
import os

import pywintypes
import win32con
import win32file

from harness import Config, Pair, per_call_us, workload

ACCESS = win32con.GENERIC_READ | win32con.GENERIC_WRITE
SHARE = win32con.FILE_SHARE_READ | win32con.FILE_SHARE_WRITE


def _file(cfg: Config, name: str) -> str:
    path = str(cfg.dir / name)
    with open(path, "wb") as f:
        f.write(bytes(4096))
    return path


@workload("CreateFile+CloseHandle", unit="µs/call", goal=2.0, higher_is_better=False,
          winfile="CreateFile(OPEN_EXISTING, share r|w)+CloseHandle", baseline="os.open+os.close",
          note="read/write open of an existing file while another winfile handle holds it; "
               "includes the share check, the share token and its release")
def open_close(cfg: Config):
    path = _file(cfg, "share-open.bin")
    calls = cfg.pick(2000, 200)
    holder = win32file.CreateFile(path, ACCESS, SHARE, None, win32file.OPEN_EXISTING, 0, None)
    try:
        yield _open_close_pair(cfg, path, path, calls)
    finally:
        holder.Close()
        os.unlink(path)


def _open_close_pair(cfg: Config, name: str, path: str, calls: int) -> Pair:
    """CreateFile(name)+CloseHandle against os.open(path)+os.close, both warmed up."""
    def win_loop(n):
        cf, ch, ex = win32file.CreateFile, win32file.CloseHandle, win32file.OPEN_EXISTING
        for _ in range(n):
            ch(cf(name, ACCESS, SHARE, None, ex, 0, None))

    def os_loop(n):
        op, cl, flags = os.open, os.close, os.O_RDWR | os.O_CLOEXEC
        for _ in range(n):
            cl(op(path, flags))

    win_loop(calls)
    os_loop(calls)
    return Pair(lambda: per_call_us(win_loop, calls), lambda: per_call_us(os_loop, calls),
                batches=cfg.pick(20, 2))


@workload("CreateFile+CloseHandle, drive path", unit="µs/call", goal=2.5, higher_is_better=False,
          winfile="CreateFile('W:\\share-open.bin')+CloseHandle", baseline="os.open+os.close",
          note="the same through a Windows name: drive W: of a private drive table, mapped to "
               "the bench directory (path parsing and drive lookup included)")
def open_close_drive(cfg: Config):
    path = _file(cfg, "share-open-drive.bin")
    table = cfg.dir / "config" / "winfile" / "dosdevices"
    table.mkdir(parents=True, exist_ok=True)
    link = table / "w:"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(cfg.dir.resolve())
    saved = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "XDG_RUNTIME_DIR")}
    os.environ["XDG_CONFIG_HOME"] = str(cfg.dir / "config")
    os.environ.pop("XDG_RUNTIME_DIR", None)
    name = "W:\\share-open-drive.bin"
    calls = cfg.pick(2000, 200)
    try:
        holder = win32file.CreateFile(name, ACCESS, SHARE, None, win32file.OPEN_EXISTING, 0, None)
        yield _open_close_pair(cfg, name, path, calls)
        holder.Close()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.unlink(path)


@workload("LockFileEx+UnlockFileEx", unit="µs/call", goal=1.5, higher_is_better=False,
          winfile="LockFileEx(excl, fail now)+UnlockFileEx", baseline="fcntl.lockf",
          note="exclusive lock and unlock of bytes 100..149, nobody else holding the file's ranges")
def lock_unlock(cfg: Config):
    path = _file(cfg, "share-lock.bin")
    calls = cfg.pick(5000, 200)
    h = win32file.CreateFile(path, ACCESS, SHARE, None, win32file.OPEN_EXISTING, 0, None)
    fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    ol = pywintypes.OVERLAPPED()
    ol.Offset = 100
    flags = win32con.LOCKFILE_EXCLUSIVE_LOCK | win32con.LOCKFILE_FAIL_IMMEDIATELY

    def win_loop(n):
        lk, ul = win32file.LockFileEx, win32file.UnlockFileEx
        for _ in range(n):
            lk(h, flags, 50, 0, ol)
            ul(h, 50, 0, ol)

    def os_loop(n):
        lf, ex, un = fcntl.lockf, fcntl.LOCK_EX | fcntl.LOCK_NB, fcntl.LOCK_UN
        for _ in range(n):
            lf(fd, ex, 50, 100)
            lf(fd, un, 50, 100)

    try:
        win_loop(calls)
        os_loop(calls)
        yield Pair(lambda: per_call_us(win_loop, calls), lambda: per_call_us(os_loop, calls),
                   batches=cfg.pick(20, 2))
    finally:
        h.Close()
        os.close(fd)
        os.unlink(path)
