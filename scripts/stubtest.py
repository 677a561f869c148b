#!/usr/bin/env python3
"""Check the drop-in modules' API shape with mypy's stubtest, twice.

1. ``own``: winfile's stubs in ``python/*.pyi`` against the built modules; they must
   match exactly (``.mypy-stubtest-allowlist`` holds the few reasoned exceptions).
2. ``typeshed``: typeshed's ``types-pywin32`` stubs, flattened as
   ``conformance.md`` describes, against the same built modules
   (``.typeshed-stubtest-allowlist`` lists what winfile lacks so far and the known
   stub-vs-pywin32 disagreements).

Run it with the Python that has winfile, mypy and types-pywin32 installed
(``make stubtest`` uses ``.venv``). Works offline; exits non-zero on any error.

    python scripts/stubtest.py [own] [typeshed]   # default: both
"""

import ast
import importlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# winfile modules that have their own .pyi in python/.
OWN_MODULES = ["win32file", "pywintypes", "win32timezone", "win32event", "win32api", "win32pipe", "win32transaction"]
OWN_ALLOWLIST = ROOT / ".mypy-stubtest-allowlist"

# typeshed stub files to flatten: (path inside the installed package, module name).
TYPESHED_FILES = [
    ("win32-stubs/win32file.pyi", "win32file"),
    ("win32-stubs/win32event.pyi", "win32event"),
    ("win32-stubs/win32api.pyi", "win32api"),
    ("win32-stubs/win32pipe.pyi", "win32pipe"),
    ("win32-stubs/win32transaction.pyi", "win32transaction"),
    ("win32-stubs/lib/pywintypes.pyi", "pywintypes"),
    ("win32-stubs/lib/winerror.pyi", "winerror"),
    ("win32-stubs/lib/win32con.pyi", "win32con"),
    ("win32-stubs/lib/winnt.pyi", "winnt"),
    ("win32-stubs/lib/ntsecuritycon.pyi", "ntsecuritycon"),
    ("win32-stubs/lib/win32timezone.pyi", "win32timezone"),
]
TYPESHED_ALLOWLIST = ROOT / ".typeshed-stubtest-allowlist"

# Constant modules winfile provides as a deliberate subset (the file API's names):
# typeshed lists whole SDK headers (thousands of names). For these, "typeshed has it,
# winfile does not export it" is expected; the driver allowlists exactly those names,
# computed from the two sides, so every name winfile does export is still checked
# (present in typeshed, same type).
# win32api is a subset by design too: winfile provides the file-handling functions only
# (the README's table names them), so the rest of typeshed's win32api is expected absent.
CONSTANT_SUBSET_MODULES = ["winerror", "win32con", "winnt", "ntsecuritycon", "win32api"]


def stubtest(modules, mypypath, allowlists, cache_dir):
    """Run stubtest; returns its exit code."""
    env = dict(os.environ, MYPYPATH=str(mypypath), MYPY_CACHE_DIR=str(cache_dir))
    cmd = [sys.executable, "-m", "mypy.stubtest", *modules]
    for a in allowlists:
        cmd += ["--allowlist", str(a)]
    print("$ MYPYPATH=%s %s" % (mypypath, " ".join(cmd[1:])), flush=True)
    return subprocess.run(cmd, env=env, cwd=ROOT).returncode


def run_own(work):
    allow = [OWN_ALLOWLIST] if OWN_ALLOWLIST.exists() else []
    return stubtest(OWN_MODULES, ROOT / "python", allow, work / "cache-own")


def typeshed_root():
    try:
        dist = importlib.metadata.distribution("types-pywin32")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("stubtest.py: types-pywin32 is not installed (pip install -r requirements-dev.txt)")
    return Path(dist.locate_file("win32-stubs")).parent


def stub_names(pyi):
    """Top-level names a stub file defines."""
    names = set()
    for node in ast.parse(pyi.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def subset_allowlist(flat):
    """Entries for the typeshed constants winfile's subset modules do not export."""
    lines = []
    for mod in CONSTANT_SUBSET_MODULES:
        runtime = set(vars(importlib.import_module(mod)))
        missing = sorted(n for n in stub_names(flat / (mod + ".pyi")) - runtime if not n.startswith("_"))
        lines += ["%s.%s" % (mod, n) for n in missing]
    return lines


def run_typeshed(work):
    src = typeshed_root()
    flat = work / "typeshed"
    flat.mkdir()
    modules = []
    for rel, mod in TYPESHED_FILES:
        shutil.copyfile(src / rel, flat / (mod + ".pyi"))
        # A module is checked as soon as winfile provides it (win32event later).
        if importlib.util.find_spec(mod) is not None:
            modules.append(mod)
    generated = work / "constant-subsets.allowlist"
    entries = subset_allowlist(flat)
    generated.write_text("\n".join(entries) + "\n")
    print("typeshed: %d constants of %s are not exported by winfile (generated entries)"
          % (len(entries), "/".join(CONSTANT_SUBSET_MODULES)))
    return stubtest(modules, flat, [TYPESHED_ALLOWLIST, generated], work / "cache-typeshed")


def main(argv):
    passes = argv or ["own", "typeshed"]
    runners = {"own": run_own, "typeshed": run_typeshed}
    unknown = [p for p in passes if p not in runners]
    if unknown:
        sys.exit("stubtest.py: unknown pass %s (choose from own, typeshed)" % ", ".join(unknown))
    failed = []
    with tempfile.TemporaryDirectory(prefix="winfile-stubtest-") as tmp:
        for name in passes:
            print("== stubtest: %s ==" % name, flush=True)
            work = Path(tmp) / name
            work.mkdir()
            if runners[name](work) != 0:
                failed.append(name)
    if failed:
        print("stubtest failed: %s" % ", ".join(failed))
        return 1
    print("stubtest passed: %s" % ", ".join(passes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
