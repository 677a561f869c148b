"""Every constant of the reference tables, with pywin32's exact (signed) value."""
import csv
import importlib
from pathlib import Path

import pytest

# Copies of the specification's tables (shared/reference/*.tsv).
REFERENCE = Path(__file__).parent / "data"
# Modules that are not built yet; their rows are skipped, not dropped.
LATER = {"win32pipe"}  # not one of the modules winfile installs (named pipes are out of its scope)


def rows(name):
    with open(REFERENCE / name, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


WIN32FILE = rows("win32file_constants.tsv")
COMPANION = rows("companion_constants.tsv")


def ids(row):
    return row.get("module", "win32file") + "." + row["name"]


def test_table_is_complete():
    assert len(WIN32FILE) > 150
    assert {r["module"] for r in COMPANION} >= {"winerror", "win32con", "winnt", "ntsecuritycon"}


@pytest.mark.parametrize("row", WIN32FILE, ids=ids)
def test_win32file_constant(row):
    import win32file
    value = getattr(win32file, row["name"])
    assert type(value) is int
    assert value == int(row["value"], 0)


@pytest.mark.parametrize("row", COMPANION, ids=ids)
def test_companion_constant(row):
    if row["module"] in LATER:
        pytest.skip("%s is not built yet" % row["module"])
    module = importlib.import_module(row["module"])
    value = getattr(module, row["name"])
    assert type(value) is int
    assert value == int(row["value"], 0)


def test_signed_values_as_pywin32_exports_them():
    import win32con
    import win32file
    assert win32file.GENERIC_READ == win32con.GENERIC_READ == -2147483648
    assert win32file.INVALID_HANDLE_VALUE == -1
    assert win32file.FILE_FLAG_WRITE_THROUGH == -2147483648
    assert win32file.GetFileExInfoStandard == 1
