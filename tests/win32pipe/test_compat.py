"""The win32pipe rows of the compatibility registry against the module."""
import pytest
from helpers import winerror_of
import win32pipe

from winfile import compat


def test_every_function_of_the_module_has_a_row_and_back():
    functions = {n for n in dir(win32pipe) if not n.startswith("_") and callable(getattr(win32pipe, n))}
    functions -= {"error"}
    assert functions == {e.name for e in compat.PIPE_ENTRIES}


@pytest.mark.parametrize("entry", compat.PIPE_ENTRIES, ids=lambda e: e.name)
def test_rows_are_well_formed(entry):
    assert entry.status in (compat.FULL, compat.PARTIAL, compat.UNSUPPORTED)
    assert entry.mechanism.strip() and "\n" not in entry.mechanism + entry.notes
    if entry.status == compat.UNSUPPORTED:
        # An honest refusal: pywintypes.error with ERROR_NOT_SUPPORTED, as the table says.
        assert winerror_of(getattr(win32pipe, entry.name), "x", "r") == 50
