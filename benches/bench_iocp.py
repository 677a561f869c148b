"""Benchmark for issue 4: 4 KiB random reads at queue depth 32 through a completion
port, from Rust and from Python, against fio's io_uring engine on the same file in the
same run.

Run: ``.venv/bin/python benches/bench_iocp.py [--seconds S] [--size-mib N]`` (or
``make bench-iocp``). Not a ``@workload`` of ``benches/run.py``: fio is a separate
process and each engine backend needs its own process, so this script prints its own
table (and writes ``benches/results-iocp.json``).

Setup and fairness:
- One file of real data (default 1 GiB, $WINFILE_BENCH_DIR or /tmp/winfile-bench),
  read through once before the runs so every run is **hot** (page cache); fio runs with
  ``--invalidate=0`` so it does not drop the cache (its default would make it read the
  disk while winfile reads memory).
- fio: ``--ioengine=io_uring --rw=randread --bs=4k --iodepth=32 --direct=0``, one job,
  time-based. fio is installed with apt-get if missing; if that fails its row says so
  and the other rows are still printed (with no ratio).
- Rust: ``cargo run --release --example qd32`` (crates/winfile/examples/qd32.rs): 32
  OVERLAPPED slots, each completion from GetQueuedCompletionStatus resubmits its slot
  at a new random 4 KiB-aligned offset.
- Python: the same loop with win32file.ReadFile into a preallocated buffer per slot and
  win32file.GetQueuedCompletionStatus.
- winfile rows run once per engine backend (WINFILE_ENGINE=uring, then pool); the
  goals (≥ 0.9× fio from Rust, ≥ 0.6× from Python) are checked on the default backend.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MiB = 1 << 20

PY_LOOP = r"""
import json, sys, time, random
import pywintypes, win32file, win32con
from winfile import _native
path, seconds, depth = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
size = __import__("os").path.getsize(path)
blocks = size // 4096
h = win32file.CreateFile(path, win32con.GENERIC_READ, win32file.FILE_SHARE_READ, None,
                         win32file.OPEN_EXISTING, win32file.FILE_FLAG_OVERLAPPED, None)
port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 1)
win32file.CreateIoCompletionPort(h, port, 1, 1)
# Offsets drawn up front (the loop measures winfile's calls, not random.randrange);
# 64 Ki random blocks, cycled. The file is below 4 GiB, so OffsetHigh stays 0.
assert size < 1 << 32
rnd = random.Random(12345).randrange
offsets = [rnd(blocks) * 4096 for _ in range(1 << 16)]
mask = (1 << 16) - 1
bufs, ols = [], []
for i in range(depth):
    ol = pywintypes.OVERLAPPED()
    ol.object = i
    bufs.append(win32file.AllocateReadBuffer(4096))
    ols.append(ol)
ReadFile, GQCS = win32file.ReadFile, win32file.GetQueuedCompletionStatus
for i in range(depth):
    ols[i].Offset = offsets[i]
    ReadFile(h, bufs[i], ols[i])
ops = 0
outstanding = depth
stopping = False
perf = time.perf_counter
start = perf()
end = start + seconds
while outstanding:
    rc, n, key, ol = GQCS(port, 30000)
    if rc or n != 4096:
        raise SystemExit(f"completion failed: rc={rc} n={n}")
    ops += 1
    if not stopping and not (ops & 1023) and perf() >= end:
        stopping = True
    if stopping:
        outstanding -= 1
        continue
    ol.Offset = offsets[ops & mask]
    ReadFile(h, bufs[ol.object], ol)
elapsed = perf() - start
print(json.dumps({"engine": _native.engine_name(), "iops": ops / elapsed, "ops": ops, "seconds": elapsed}))
"""


def ensure_file(path: Path, size: int) -> None:
    try:
        if path.stat().st_size == size:
            return
    except FileNotFoundError:
        pass
    tmp = path.with_suffix(".part")
    block = os.urandom(MiB)
    with open(tmp, "wb") as f:
        for i in range(size // MiB):
            f.write(i.to_bytes(8, "little") + block[8:])
    os.replace(tmp, path)


def warm(path: Path) -> None:
    """Reads the file once so every run reads from the page cache."""
    with open(path, "rb", buffering=0) as f:
        while f.read(8 * MiB):
            pass


def ensure_fio() -> str | None:
    fio = shutil.which("fio")
    if fio:
        return fio
    print("fio missing: installing it with apt-get", file=sys.stderr)
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "fio"]):
        try:
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=600, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        except (OSError, subprocess.SubprocessError) as e:
            print(f"could not install fio: {e}", file=sys.stderr)
            return None
    return shutil.which("fio")


def run_fio(fio: str, path: Path, seconds: float, depth: int) -> dict:
    cmd = [fio, "--name=qd", f"--filename={path}", "--ioengine=io_uring", "--rw=randread",
           "--bs=4k", f"--iodepth={depth}", "--direct=0", "--invalidate=0", "--numjobs=1",
           f"--size={path.stat().st_size}", f"--runtime={seconds}", "--time_based",
           "--output-format=json"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 120)
    job = json.loads(out.stdout[out.stdout.index("{"):])["jobs"][0]
    return {"iops": job["read"]["iops"]}


def run_rust(path: Path, seconds: float, depth: int, engine: str) -> dict:
    cmd = ["cargo", "run", "-q", "--release", "-p", "winfile", "--example", "qd32", "--",
           str(path), str(seconds), str(depth)]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=seconds + 900, env={**os.environ, "WINFILE_ENGINE": engine})
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_python(path: Path, seconds: float, depth: int, engine: str) -> dict:
    cmd = [sys.executable, "-c", PY_LOOP, str(path), str(seconds), str(depth)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 120,
                         env={**os.environ, "WINFILE_ENGINE": engine})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0, help="length of each run")
    ap.add_argument("--size-mib", type=int, default=1024, help="file size (default 1 GiB)")
    ap.add_argument("--depth", type=int, default=32, help="queue depth")
    ap.add_argument("--rounds", type=int, default=3, help="rounds; the median run of each row counts")
    ap.add_argument("--json", type=Path, default=HERE / "results-iocp.json")
    args = ap.parse_args(argv)

    d = Path(os.environ.get("WINFILE_BENCH_DIR") or "/tmp/winfile-bench")
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"iocp-{args.size_mib}m.bin"
    ensure_file(path, args.size_mib * MiB)
    fio = ensure_fio()
    # Build once before timing anything.
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "winfile", "--example", "qd32"],
                   cwd=ROOT, check=True)

    rows = {"fio io_uring": [], "Rust uring": [], "Rust pool": [], "Python uring": [], "Python pool": []}
    errors = {}
    for r in range(args.rounds):
        warm(path)
        # Same file, same run, interleaved so the machine's noise hits every row alike.
        runs = [("fio io_uring", lambda: run_fio(fio, path, args.seconds, args.depth) if fio else None)]
        for eng in ("uring", "pool"):
            runs.append((f"Rust {eng}", lambda e=eng: run_rust(path, args.seconds, args.depth, e)))
            runs.append((f"Python {eng}", lambda e=eng: run_python(path, args.seconds, args.depth, e)))
        for name, fn in runs:
            try:
                got = fn()
            except (subprocess.SubprocessError, OSError, ValueError, KeyError) as e:
                errors[name] = str(e).splitlines()[0] if str(e) else type(e).__name__
                got = None
            if got is None:
                errors.setdefault(name, "fio unavailable")
                continue
            if name != "fio io_uring" and got.get("engine") != name.split()[1]:
                errors[name] = f"ran on the {got.get('engine')} backend (io_uring refused here?)"
            rows[name].append(got["iops"])
            print(f"  round {r + 1}/{args.rounds} {name}: {got['iops']:.0f} IOPS", file=sys.stderr, flush=True)

    med = {k: sorted(v)[len(v) // 2] for k, v in rows.items() if v}
    base = med.get("fio io_uring")
    # Ratios are paired per round (each row against fio of the same round), then the
    # median is taken: the machine's load moves all rows of a round together.
    fio_runs = rows["fio io_uring"]
    paired = {k: sorted(a / b for a, b in zip(v, fio_runs))[min(len(v), len(fio_runs)) // 2]
              for k, v in rows.items() if v and fio_runs and k != "fio io_uring"}
    goals = {"Rust uring": 0.9, "Python uring": 0.6, "Rust pool": None, "Python pool": None}
    lines = [f"4 KiB random reads, queue depth {args.depth}, hot {args.size_mib} MiB file, "
             f"{args.seconds:g} s runs, median of {args.rounds} rounds",
             f"{'row':<14} {'IOPS':>10} {'vs fio':>8}  goal   (vs fio: median of per-round ratios)"]
    for name in rows:
        if name not in med:
            lines.append(f"{name:<14} {'-':>10} {'-':>8}  ({errors.get(name, 'no result')})")
            continue
        ratio = f"{paired[name]:.2f}×" if name in paired else ""
        goal = goals.get(name)
        verdict = ""
        if goal and name in paired:
            verdict = f"≥ {goal}× {'pass' if paired[name] >= goal else 'MISS'}"
        note = f"  ({errors[name]})" if name in errors else ""
        lines.append(f"{name:<14} {med[name]:>10.0f} {ratio:>8}  {verdict}{note}")
    print("\n".join(lines))
    args.json.write_text(json.dumps({"rounds": rows, "median": med, "ratio": paired, "errors": errors,
                                     "depth": args.depth, "size_mib": args.size_mib,
                                     "seconds": args.seconds, "cpus": os.cpu_count(),
                                     "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
