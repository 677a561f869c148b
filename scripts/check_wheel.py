"""Check a built winfile wheel: a manylinux abi3 tag, the native module, every
drop-in module with its stub, and py.typed. Usage: check_wheel.py WHEEL"""
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(p.stem for p in (ROOT / "python").glob("*.py"))
STUBS = sorted(p.name for p in (ROOT / "python").glob("*.pyi"))


def problems(wheel):
    name = Path(wheel).name
    found = []
    if not re.search(r"-cp311-abi3-manylinux[\w.]*_(x86_64|aarch64)\.whl$", name):
        found.append("not a manylinux abi3 wheel name: %s" % name)
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    for module in MODULES:
        if module + ".py" not in names:
            found.append("missing module %s.py" % module)
    for stub in STUBS:
        if stub not in names:
            found.append("missing stub %s" % stub)
    for required in ("winfile/__init__.py", "winfile/compat.py", "winfile/py.typed"):
        if required not in names:
            found.append("missing %s" % required)
    if not any(re.fullmatch(r"winfile/_native\.abi3\.so", n) for n in names):
        found.append("missing winfile/_native.abi3.so")
    return found


if __name__ == "__main__":
    wheels = sys.argv[1:]
    if len(wheels) != 1:
        sys.exit("usage: check_wheel.py WHEEL (exactly one)")
    bad = problems(wheels[0])
    for line in bad:
        print("check_wheel: " + line, file=sys.stderr)
    if not bad:
        print("check_wheel: %s has every module, stub and py.typed" % Path(wheels[0]).name)
    sys.exit(1 if bad else 0)
