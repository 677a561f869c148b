"""Runs winfile's benchmarks: `python benches/run.py [--smoke] [--rounds N] [-k TEXT]`.

Discovers ``benches/bench_*.py``, runs every workload they register (see
harness.py), prints one table to stdout (progress goes to stderr) and writes
``benches/results.json`` (or ``--json PATH``). Exit status is 0 even when a goal
is missed: the table says so; benchmarks are information, not a gate.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402


def discover() -> None:
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, 1 round (checks the harness)")
    ap.add_argument("--rounds", type=int, help="rounds per workload (default 5; 1 in smoke mode)")
    ap.add_argument("-k", dest="only", help="run only workloads whose name contains this text")
    ap.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write results")
    ap.add_argument("--dir", type=Path, help="scratch directory (default $WINFILE_BENCH_DIR or /tmp/winfile-bench)")
    args = ap.parse_args(argv)

    rounds = args.rounds or (1 if args.smoke else 5)
    cfg = harness.Config(smoke=args.smoke, rounds=rounds, dir=args.dir or harness.default_dir())
    cfg.dir.mkdir(parents=True, exist_ok=True)
    discover()
    workloads = [w for w in harness.REGISTRY if not args.only or args.only in w.name]
    if not workloads:
        print("no workload matches", file=sys.stderr)
        return 2
    results = harness.run(workloads, cfg)
    print(harness.table(results, cfg))
    harness.write_json(results, cfg, args.json)
    print(f"results written to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
