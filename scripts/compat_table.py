#!/usr/bin/env python3
"""Render the README's compatibility table from ``winfile.compat`` (the single source).

    python scripts/compat_table.py           # print the table
    python scripts/compat_table.py --write   # replace README.md's table between the markers
    python scripts/compat_table.py --check   # exit 1 if README.md's table differs

The table sits between ``<!-- compat:begin -->`` and ``<!-- compat:end -->`` in
README.md; everything outside the markers is left alone.
"""

import argparse
import difflib
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN = "<!-- compat:begin -->"
END = "<!-- compat:end -->"


def load_compat():
    """``python/winfile/compat.py`` loaded by path: pure data, no native module needed."""
    spec = importlib.util.spec_from_file_location("_winfile_compat", ROOT / "python" / "winfile" / "compat.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def block():
    """The text that belongs between the markers (markers excluded)."""
    return "\n" + load_compat().render_table() + "\n"


def split_readme(text):
    start = text.find(BEGIN)
    end = text.find(END)
    if start < 0 or end < start:
        raise SystemExit("compat_table.py: %s must contain %s then %s" % (README.name, BEGIN, END))
    start += len(BEGIN)
    return text[:start], text[start:end], text[end:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the table into README.md")
    mode.add_argument("--check", action="store_true", help="fail if README.md's table is out of date")
    args = parser.parse_args(argv)
    wanted = block()
    if not (args.write or args.check):
        sys.stdout.write(wanted.strip("\n") + "\n")
        return 0
    head, current, tail = split_readme(README.read_text(encoding="utf-8"))
    if args.write:
        if current != wanted:
            README.write_text(head + wanted + tail, encoding="utf-8")
            print("compat_table.py: README.md updated")
        return 0
    if current != wanted:
        diff = difflib.unified_diff(
            current.splitlines(), wanted.splitlines(), "README.md", "rendered", lineterm="", n=1
        )
        print("\n".join(diff))
        print("compat_table.py: README.md's table is out of date; run scripts/compat_table.py --write")
        return 1
    print("compat_table.py: README.md's table is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
