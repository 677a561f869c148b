"""Helpers shared by the tests (tests/conftest.py puts this directory on sys.path)."""
import pytest
import pywintypes


def win32_error(call, *args, **kwargs):
    """The pywintypes.error that `call(*args, **kwargs)` raises; the test fails when it
    raises none (or another exception)."""
    with pytest.raises(pywintypes.error) as e:
        call(*args, **kwargs)
    return e.value


def winerror_of(call, *args, **kwargs):
    """The Win32 error code `call(*args, **kwargs)` fails with."""
    return win32_error(call, *args, **kwargs).winerror
