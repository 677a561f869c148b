#!/usr/bin/env python3
"""Run pywin32's own test modules against winfile, unchanged.

pywin32's files are not part of this repository: copy win32/test/test_pywintypes.py,
handles.py, test_win32event.py, test_win32file.py and test_win32pipe.py from
mhammond/pywin32 into DIR,
then (with the Python that has winfile installed, e.g. .venv/bin/python):

    python scripts/pywin32_tests/run.py DIR

This directory provides a stand-in for the one module those files import that winfile
does not ship: pywin32_testutil (TestSkipped, testmain).
The modules run under unittest with DIR as the working directory (TestFindFiles lists
it). Prints each module's counts; exits non-zero if any module failed.
"""
import os
import subprocess
import sys
from pathlib import Path

MODULES = ["test_pywintypes", "handles", "test_win32event", "test_win32file", "test_win32pipe"]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    tests = Path(sys.argv[1]).resolve()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), str(tests)]))
    failed = False
    for module in MODULES:
        if not (tests / (module + ".py")).exists():
            print("%s: missing from %s" % (module, tests))
            failed = True
            continue
        r = subprocess.run([sys.executable, "-W", "ignore", "-m", "unittest", "-v", module],
                           cwd=tests, env=env, capture_output=True, text=True, timeout=900)
        lines = r.stderr.splitlines()
        print("== %s" % module)
        for line in lines:
            if " ... " in line and not line.endswith(" ok"):
                print("  " + line)
        print("  " + " ".join(l for l in lines if l.startswith(("Ran ", "OK", "FAILED"))))
        failed |= r.returncode != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
