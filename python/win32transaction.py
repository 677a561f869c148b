"""Kernel Transaction Manager transactions, like pywin32's ``win32transaction``,
implemented on Linux by winfile: a per-volume redo journal with shadow copies and one
durable decision record (see docs/transactions.md). Pass the handle as ``Transaction=``
to the win32file functions that take one.
"""

import pywintypes

error = pywintypes.error

from winfile import _native as _n  # noqa: E402

_t = _n.win32transaction

CreateTransaction = _t.CreateTransaction
CommitTransaction = _t.CommitTransaction
CommitTransactionAsync = _t.CommitTransactionAsync
RollbackTransaction = _t.RollbackTransaction
RollbackTransactionAsync = _t.RollbackTransactionAsync


def GetTransactionId(TransactionHandle):
    """Returns the transaction's GUID (a ``PyIID``)."""
    return pywintypes.IID(_t._transaction_id(TransactionHandle), True)


def OpenTransaction(DesiredAccess, TransactionId):
    """Returns a new handle to the live transaction with GUID *TransactionId* (of this
    process); error 6715 (ERROR_TRANSACTION_NOT_FOUND) when there is none."""
    if not isinstance(TransactionId, pywintypes.IIDType):
        TransactionId = pywintypes.IID(TransactionId)
    return _t._open_transaction(DesiredAccess, bytes(TransactionId))


del _n
