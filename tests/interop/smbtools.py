"""Small helpers over smbprotocol for the interop tests: raw opens with any access,
share mode and create options, byte-range lock elements, FILETIME conversions."""
from __future__ import annotations

import datetime as dt

from smbclient._pool import get_smb_tree
from smbprotocol.exceptions import SMBResponseException
from smbprotocol.open import (CreateDisposition, CreateOptions, FilePipePrinterAccessMask, ImpersonationLevel,
                              LockFlags, Open, ShareAccess, SMB2LockElement)

READ = FilePipePrinterAccessMask.FILE_READ_DATA | FilePipePrinterAccessMask.FILE_READ_ATTRIBUTES
WRITE = FilePipePrinterAccessMask.FILE_WRITE_DATA | FilePipePrinterAccessMask.FILE_WRITE_ATTRIBUTES
DELETE = FilePipePrinterAccessMask.DELETE
SHARE_ALL = ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE | ShareAccess.FILE_SHARE_DELETE

STATUS_SHARING_VIOLATION = 0xC0000043
STATUS_FILE_LOCK_CONFLICT = 0xC0000054
STATUS_LOCK_NOT_GRANTED = 0xC0000055
STATUS_DELETE_PENDING = 0xC0000056
STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034

EXCLUSIVE = LockFlags.SMB2_LOCKFLAG_EXCLUSIVE_LOCK | LockFlags.SMB2_LOCKFLAG_FAIL_IMMEDIATELY
SHARED = LockFlags.SMB2_LOCKFLAG_SHARED_LOCK | LockFlags.SMB2_LOCKFLAG_FAIL_IMMEDIATELY
UNLOCK = LockFlags.SMB2_LOCKFLAG_UNLOCK


def smb_open(unc: str, port: int, access=READ | WRITE, share=SHARE_ALL,
             disposition=CreateDisposition.FILE_OPEN, options=0, directory=False) -> Open:
    """An SMB2 CREATE with exactly these arguments (smbclient.open_file chooses its own)."""
    tree, path = get_smb_tree(unc, port=port)
    o = Open(tree, path)
    kind = CreateOptions.FILE_DIRECTORY_FILE if directory else CreateOptions.FILE_NON_DIRECTORY_FILE
    o.create(ImpersonationLevel.Impersonation, access, 0x80 if not directory else 0x10, share, disposition,
             options | kind)
    return o


def status_of(call, *args, **kwargs) -> int | None:
    """The NTSTATUS an SMB call fails with, or None when it succeeds."""
    try:
        call(*args, **kwargs)
    except SMBResponseException as e:
        return e.status
    return None


def lock(o: Open, offset: int, length: int, flags: int):
    e = SMB2LockElement()
    e["offset"] = offset
    e["length"] = length
    e["flags"] = flags
    return o.lock([e])


EPOCH_FT = 116444736000000000


def filetime(t: dt.datetime) -> int:
    """100 ns intervals since 1601 of an aware datetime."""
    delta = t - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return EPOCH_FT + (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def from_filetime(ft: int) -> dt.datetime:
    us = (ft - EPOCH_FT) // 10
    return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=us)
