"""User-space instructions per iteration of socket_percall.py's patterns, counted by
callgrind (valgrind): deterministic, unlike the user CPU time the kernel samples at each
timer tick (HZ=250 here: a 0.5 s run's user/system split moves by ~10% from run to run).
What one change saves in winfile's own code shows here exactly; what an atomic operation
or a cache miss costs does not (count instructions, then confirm with socket_percall).

Each pattern runs twice in its own process under callgrind (--n and 5x --n iterations
after the same warm-up); the difference of the totals, divided by the difference of the
iterations, is the cost of one iteration (start-up and warm-up cancel out).

    flock -s /tmp/winfile-cpu.lock .venv/bin/python benches/socket_ir.py [--n 5000] [inline waiting baseline]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def run_pattern(pattern: str, n: int) -> None:
    from socket_percall import patterns

    f = patterns()[pattern]
    f(2000)  # warm-up
    f(n)


def instructions(pattern: str, n: int) -> int:
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={d}/cg.out", sys.executable, __file__,
             "--child", pattern, "--n", str(n)],
            capture_output=True, text=True, env=os.environ, check=False,
        )
    m = re.search(r"Collected : (\d+)", r.stderr)
    if r.returncode != 0 or not m:
        sys.exit(f"callgrind failed for {pattern} (n={n}):\n{r.stderr[-2000:]}")
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("patterns", nargs="*", default=["baseline", "inline", "waiting"])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        run_pattern(args.child, args.n)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    rows = {}
    for p in args.patterns:
        lo, hi = instructions(p, args.n), instructions(p, 5 * args.n)
        rows[p] = (hi - lo) / (4 * args.n)
    for p, ir in rows.items():
        extra = f"   over baseline {ir - rows['baseline']:+.0f}" if "baseline" in rows and p != "baseline" else ""
        print(f"{p:9s} {ir:8.0f} instructions/iter{extra}")


if __name__ == "__main__":
    main()
