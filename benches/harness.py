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

Some figures are not ratios (events lost in a burst, a latency percentile): a
*measurement* (``@measurement(...)``) is a generator that yields a ``Probe`` whose
callables each run one trial and return a dict of named figures; every ``Metric`` it
declares becomes one row of the table that compares winfile's value with an absolute
goal (the baseline's value, when there is one, is shown for information).
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
    # The 1-minute load average at the end of each round: ratios on a small machine move
    # with other jobs' load, and a reader of the results can tell a quiet run from a busy one.
    loads: list = field(default_factory=list)

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


@dataclass(frozen=True)
class Metric:
    """One named figure of a measurement: a row of its own in the table. `goal` None
    means the figure is information only; `worst` takes the worst trial instead of
    the median (for figures such as "events lost", where one bad trial is the news)."""
    key: str
    unit: str
    goal: Optional[float] = None
    higher_is_better: bool = False
    worst: bool = False


@dataclass
class Probe:
    """One trial of each side: callables returning {metric key: figure}. `baseline`
    None when the comparison tool is unavailable (the table says so)."""
    winfile: Callable[[], dict]
    baseline: Optional[Callable[[], dict]] = None
    baseline_missing: str = ""  # why there is no baseline


@dataclass
class Measurement:
    name: str
    metrics: list
    winfile_label: str
    baseline_label: str
    func: Callable[[Config], Iterator[Probe]]
    note: str = ""
    max_rounds: Optional[int] = None  # trials are long: cap the rounds


@dataclass
class MetricResult:
    measurement: Measurement
    metric: Metric
    winfile: list = field(default_factory=list)
    baseline: list = field(default_factory=list)
    baseline_missing: str = ""

    @property
    def name(self) -> str:
        return f"{self.measurement.name}: {self.metric.key}"

    def _pick(self, values: list) -> float:
        if not self.metric.worst:
            return statistics.median(values)
        return min(values) if self.metric.higher_is_better else max(values)

    @property
    def value(self) -> float:
        return self._pick(self.winfile)

    @property
    def baseline_value(self) -> Optional[float]:
        return self._pick(self.baseline) if self.baseline else None

    @property
    def passed(self) -> Optional[bool]:
        m = self.metric
        if m.goal is None:
            return None
        return self.value >= m.goal if m.higher_is_better else self.value <= m.goal

    @property
    def goal_text(self) -> str:
        m = self.metric
        if m.goal is None:
            return "—"
        return ("≥ " if m.higher_is_better else "≤ ") + f"{m.goal:g} {m.unit}"


REGISTRY: list = []  # Workload and Measurement, in registration order


def workload(name: str, *, unit: str, goal: float, higher_is_better: bool,
             winfile: str, baseline: str, note: str = ""):
    """Registers a generator workload (see the module docstring)."""
    def register(func):
        REGISTRY.append(Workload(name, unit, higher_is_better, goal, winfile, baseline, func, note))
        return func
    return register


def measurement(name: str, *, metrics: list, winfile: str, baseline: str, note: str = "",
                max_rounds: Optional[int] = None):
    """Registers a generator measurement (see the module docstring)."""
    def register(func):
        REGISTRY.append(Measurement(name, list(metrics), winfile, baseline, func, note, max_rounds))
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


def run_measurement(m: Measurement, cfg: Config, log=sys.stderr) -> list[MetricResult]:
    results = [MetricResult(m, metric) for metric in m.metrics]
    rounds = min(cfg.rounds, m.max_rounds or cfg.rounds)
    gen = m.func(cfg)
    probe = next(gen)
    try:
        for r in range(rounds):
            order = [("winfile", probe.winfile), ("baseline", probe.baseline)]
            if r % 2:
                order.reverse()
            figures = {}
            for side, fn in order:
                if fn is not None:
                    figures[side] = fn()
            for res in results:
                for side, got in figures.items():
                    getattr(res, side).append(float(got[res.metric.key]))
                res.baseline_missing = probe.baseline_missing
            shown = ", ".join(f"{k} {fmt_figure(v)}" for k, v in figures["winfile"].items())
            print(f"  {m.name}: round {r + 1}/{rounds} winfile {shown}", file=log, flush=True)
            if "baseline" in figures:
                shown = ", ".join(f"{k} {fmt_figure(v)}" for k, v in figures["baseline"].items())
                print(f"  {m.name}: round {r + 1}/{rounds} baseline {shown}", file=log, flush=True)
    finally:
        gen.close()
    return results


def run(workloads: list, cfg: Config, log=sys.stderr) -> list:
    results = []
    for w in workloads:
        if isinstance(w, Measurement):
            results.extend(run_measurement(w, cfg, log))
            continue
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
                res.loads.append(os.getloadavg()[0])
                print(f"  {w.name}: round {r + 1}/{cfg.rounds} winfile {fmt_figure(res.winfile[-1])} "
                      f"baseline {fmt_figure(res.baseline[-1])} {w.unit} (load {res.loads[-1]:.2f})",
                      file=log, flush=True)
        finally:
            gen.close()
        results.append(res)
    return results


def fmt_figure(x: float) -> str:
    """4 significant digits without exponents (12345 MB/s, 0.9863 µs)."""
    if x >= 1000 or x == int(x):
        return f"{x:.0f}"
    return f"{x:.4g}"


def table(results: list, cfg: Config) -> str:
    head = ["workload", "unit", "winfile", "baseline", "ratio", "goal", ""]
    rows = []
    for r in results:
        if isinstance(r, MetricResult):
            m = r.measurement
            base = (f"{fmt_figure(r.baseline_value)} ({m.baseline_label})" if r.baseline
                    else f"n/a ({r.baseline_missing or 'no baseline'})")
            verdict = {None: "", True: "pass", False: "MISS"}[r.passed]
            rows.append([r.name, r.metric.unit, fmt_figure(r.value), base, "—", r.goal_text, verdict])
            continue
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
    loads = [x for r in results if isinstance(r, Result) for x in r.loads]
    if loads:
        lines.append(f"(1-minute load average at the end of the rounds: {min(loads):.2f}–{max(loads):.2f} "
                     f"on {os.cpu_count()} CPUs)")
    trials = sorted({len(r.winfile) for r in results if isinstance(r, MetricResult)})
    if trials:
        worst = sorted({r.metric.key for r in results if isinstance(r, MetricResult) and r.metric.worst})
        lines.append(f"(rows without a ratio are measurements against an absolute goal: median of "
                     f"{'/'.join(map(str, trials))} trial(s) per side"
                     + (f", the worst trial for {', '.join(worst)}" if worst else "") + ")")
    notes, noted = [], set()
    for r in results:
        w = r.measurement if isinstance(r, MetricResult) else r.workload
        if w.note and w.name not in noted:
            noted.add(w.name)
            notes.append(f"  {w.name}: {w.note}")
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
                "name": r.name,
                "kind": "measurement",
                "unit": r.metric.unit,
                "higher_is_better": r.metric.higher_is_better,
                "winfile": {"label": r.measurement.winfile_label, "value": r.value, "rounds": r.winfile},
                "baseline": ({"label": r.measurement.baseline_label, "value": r.baseline_value,
                              "rounds": r.baseline} if r.baseline else None),
                "baseline_missing": r.baseline_missing if not r.baseline else "",
                "goal": r.metric.goal,
                "pass": r.passed,
                "note": r.measurement.note,
            } if isinstance(r, MetricResult) else {
                "name": r.workload.name,
                "kind": "ratio",
                "unit": r.workload.unit,
                "higher_is_better": r.workload.higher_is_better,
                "winfile": {"label": r.workload.winfile_label, "median": r.winfile_median,
                            "rounds": r.winfile},
                "baseline": {"label": r.workload.baseline_label, "median": r.baseline_median,
                             "rounds": r.baseline},
                "ratio": r.ratio,
                "load": r.loads,
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


def ensure_data_file(path, size: int, block: int = 1 << 20) -> None:
    """Creates a data file of `size` bytes once (later runs reuse it while its size still
    matches): a random block, each copy stamped with its offset, so nothing is sparse,
    all-zero or repeated."""
    try:
        st = os.stat(path)
        if st.st_size == size and st.st_blocks * 512 >= size:
            return
    except FileNotFoundError:
        pass
    tmp = f"{path}.part"
    fill_data_file(tmp, size, block)
    os.replace(tmp, path)


def fill_data_file(path, size: int, block: int = 1 << 20) -> None:
    """Writes `size` bytes of stamped random data to `path` (see `ensure_data_file`)."""
    pattern = bytearray(os.urandom(min(block, size)))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        done = 0
        while done < size:
            pattern[:8] = done.to_bytes(8, "little")
            done += os.write(fd, memoryview(pattern)[: size - done])
        os.fsync(fd)
    finally:
        os.close(fd)
