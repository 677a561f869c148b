"""Timing harness for winfile's benchmarks: each workload pits winfile against what a
Linux user would otherwise call, in the same process and the same run.

A bench module (``benches/bench_*.py``) registers workloads with ``@workload(...)``.
A workload function takes a ``Config`` and is a generator: it sets up (files,
handles), yields a ``Pair`` of two zero-argument callables that each measure one
round and return the figure for it, and cleans up after the yield. The harness runs
``cfg.rounds`` rounds; each round interleaves short batches of the two sides
(see ``Pair``) so both share the machine's noise, and the report gives the median
round of each side. Ratios are what count:
``ratio = winfile / baseline`` in the workload's own unit; the goal bounds it from
above for costs (lower is better) and from below for rates (higher is better).
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Config:
    """What a workload may size itself by."""
    smoke: bool
    rounds: int
    dir: Path  # scratch directory for files ($WINFILE_BENCH_DIR or /tmp/winfile-bench)

    def pick(self, full, smoke):
        """`full` normally, `smoke` in smoke mode."""
        return smoke if self.smoke else full


@dataclass
class Pair:
    """One batch of each side: callables returning the figure in the workload's unit.

    A round runs `batches` batches of each side, alternating winfile and baseline
    batch by batch, and takes the median batch figure of each side: on a shared
    machine, noise then lands on both sides within milliseconds of each other, and a
    batch hit by a spike does not move the round."""
    winfile: Callable[[], float]
    baseline: Callable[[], float]
    batches: int = 1


@dataclass
class Workload:
    name: str
    unit: str
    higher_is_better: bool
    goal: float
    winfile_label: str
    baseline_label: str
    func: Callable[[Config], Iterator[Pair]]
    note: str = ""


@dataclass
class Result:
    workload: Workload
    winfile: list = field(default_factory=list)
    baseline: list = field(default_factory=list)

    @property
    def winfile_median(self) -> float:
        return statistics.median(self.winfile)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline)

    @property
    def ratio(self) -> float:
        return self.winfile_median / self.baseline_median

    @property
    def passed(self) -> bool:
        if self.workload.higher_is_better:
            return self.ratio >= self.workload.goal
        return self.ratio <= self.workload.goal

    @property
    def goal_text(self) -> str:
        return ("≥ " if self.workload.higher_is_better else "≤ ") + f"{self.workload.goal:g}×"


REGISTRY: list[Workload] = []


def workload(name: str, *, unit: str, goal: float, higher_is_better: bool,
             winfile: str, baseline: str, note: str = ""):
    """Registers a generator workload (see the module docstring)."""
    def register(func):
        REGISTRY.append(Workload(name, unit, higher_is_better, goal, winfile, baseline, func, note))
        return func
    return register


def per_call_us(loop: Callable[[int], None], calls: int) -> float:
    """Runs `loop(calls)` and returns the time per call in µs."""
    t0 = time.perf_counter_ns()
    loop(calls)
    return (time.perf_counter_ns() - t0) / calls / 1000.0


def throughput_mbs(loop: Callable[[], int]) -> float:
    """Runs `loop()` (which returns the bytes it moved) and returns MB/s (10^6 bytes)."""
    t0 = time.perf_counter_ns()
    moved = loop()
    return moved / ((time.perf_counter_ns() - t0) / 1e9) / 1e6


def run(workloads: list[Workload], cfg: Config, log=sys.stderr) -> list[Result]:
    results = []
    for w in workloads:
        res = Result(w)
        gen = w.func(cfg)
        pair = next(gen)
        try:
            for r in range(cfg.rounds):
                # Interleave batch by batch, alternating who goes first, so drift and
                # other processes' load hit both sides alike.
                figures = {"winfile": [], "baseline": []}
                for b in range(pair.batches):
                    order = [("winfile", pair.winfile), ("baseline", pair.baseline)]
                    if (r + b) % 2:
                        order.reverse()
                    for side, fn in order:
                        figures[side].append(fn())
                for side, got in figures.items():
                    getattr(res, side).append(statistics.median(got))
                print(f"  {w.name}: round {r + 1}/{cfg.rounds} winfile {fmt_figure(res.winfile[-1])} "
                      f"baseline {fmt_figure(res.baseline[-1])} {w.unit}", file=log, flush=True)
        finally:
            gen.close()
        results.append(res)
    return results


def fmt_figure(x: float) -> str:
    """4 significant digits without exponents (12345 MB/s, 0.9863 µs)."""
    if x >= 1000:
        return f"{x:.0f}"
    return f"{x:.4g}"


def table(results: list[Result], cfg: Config) -> str:
    head = ["workload", "unit", "winfile", "baseline", "ratio", "goal", ""]
    rows = []
    for r in results:
        w = r.workload
        rows.append([
            w.name, w.unit, fmt_figure(r.winfile_median),
            f"{fmt_figure(r.baseline_median)} ({w.baseline_label})",
            f"{r.ratio:.3f}×", r.goal_text, "pass" if r.passed else "MISS",
        ])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    fmt = lambda row: "  ".join(str(c).ljust(n) for c, n in zip(row, widths)).rstrip()
    lines = [fmt(head), fmt(["-" * n for n in widths])] + [fmt(r) for r in rows]
    mode = "smoke" if cfg.smoke else "full"
    lines.append(f"(median of {cfg.rounds} round(s) of interleaved batches, {mode} mode; "
                 "ratio = winfile / baseline)")
    notes = [f"  {r.workload.name}: {r.workload.note}" for r in results if r.workload.note]
    if notes:
        lines += ["notes:"] + notes
    return "\n".join(lines)


def write_json(results: list[Result], cfg: Config, path: Path) -> None:
    doc = {
        "mode": "smoke" if cfg.smoke else "full",
        "rounds": cfg.rounds,
        "dir": str(cfg.dir),
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "workloads": [
            {
                "name": r.workload.name,
                "unit": r.workload.unit,
                "higher_is_better": r.workload.higher_is_better,
                "winfile": {"label": r.workload.winfile_label, "median": r.winfile_median,
                            "rounds": r.winfile},
                "baseline": {"label": r.workload.baseline_label, "median": r.baseline_median,
                             "rounds": r.baseline},
                "ratio": r.ratio,
                "goal": r.workload.goal,
                "pass": r.passed,
                "note": r.workload.note,
            }
            for r in results
        ],
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def default_dir() -> Path:
    return Path(os.environ.get("WINFILE_BENCH_DIR") or "/tmp/winfile-bench")
