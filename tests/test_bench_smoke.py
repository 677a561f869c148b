"""The benchmark harness in smoke mode (tiny sizes, one round), so it cannot rot
unnoticed. Figures are not checked against their goals: no timed assertions."""
import json
import math
import subprocess
import sys
from pathlib import Path

BENCHES = Path(__file__).resolve().parent.parent / "benches"
EXPECTED = [
    "ReadFile 4 KiB", "WriteFile 4 KiB", "ReadFile 1 MiB sequential", "WriteFile 2 GiB bytearray",
    "CreateFile+CloseHandle", "CreateFile+CloseHandle, drive path", "LockFileEx+UnlockFileEx",
    "FindFilesIterator 100k entries", "FindFilesIterator 100k, raw baseline",
    "CopyFileEx 1 GiB vs cp", "CopyFileEx 1 GiB vs shutil.copyfile",
    "IOCP echo 64 clients 1 KiB vs asyncio", "IOCP echo 64 clients 1 KiB, Rust server vs asyncio",
    "TransmitFile 256 MiB vs socket.sendfile",
    "pipe message round trip 4 KiB", "pipe streaming 1 MiB",
    "transaction of 100 4 KiB creations vs write+fsync+rename loop",
    "transaction of 100 4 KiB creations vs the same without a transaction",
]
EXPECTED += ["named event ping-pong", "named CreateMutex+Wait+Release+Close"]  # benches/bench_named_sync.py
EXPECTED += ["BackupRead 1 GiB + 3 streams"]
EXPECTED += ["pipe message round trip 4 KiB, one CPU"]  # benches/bench_pipes.py
MEASURED = ["delivered", "lost", "p50 latency", "p99 latency"]
MEASURED = [f"RDCW 100k-create burst: {key}" for key in MEASURED]
# benches/bench_serial.py runs only with pyserial (its baseline), which `make bench` installs.
try:
    import serial  # noqa: F401

    EXPECTED += ["Serial write 1 MiB at 4 KiB", "Serial read 1 MiB at 4 KiB", "Serial 1-byte round trip"]
except ImportError:
    pass


def test_smoke_mode_prints_the_table_and_writes_json(tmp):
    out = tmp / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCHES / "run.py"), "--smoke", "--json", str(out), "--dir", str(tmp)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:5] == ["workload", "unit", "winfile", "baseline", "ratio"]
    for name in EXPECTED + MEASURED:
        row = [line for line in lines if line.startswith(name + "  ")]
        assert len(row) == 1, proc.stdout
        if name in EXPECTED or name.endswith(("lost", "p99 latency")):
            assert row[0].rstrip().endswith(("pass", "MISS"))

    doc = json.loads(out.read_text())
    assert doc["mode"] == "smoke" and doc["rounds"] == 1
    by_name = {w["name"]: w for w in doc["workloads"]}
    assert sorted(by_name) == sorted(EXPECTED + MEASURED)
    # Measurements: winfile's value against an absolute goal, no ratio.
    burst = {name: by_name.pop(name) for name in MEASURED}
    assert burst["RDCW 100k-create burst: delivered"]["winfile"]["value"] + \
        burst["RDCW 100k-create burst: lost"]["winfile"]["value"] == 1000
    for w in burst.values():
        assert w["kind"] == "measurement" and "ratio" not in w
        assert len(w["winfile"]["rounds"]) == 1
        if w["goal"] is None:
            assert w["pass"] is None
        else:
            assert w["pass"] == (w["winfile"]["value"] <= w["goal"])
    for w in by_name.values():
        assert w["kind"] == "ratio"
        for side in ("winfile", "baseline"):
            assert len(w[side]["rounds"]) == 1
            assert w[side]["median"] > 0 and math.isfinite(w[side]["median"])
        assert w["ratio"] == w["winfile"]["median"] / w["baseline"]["median"]
        assert w["pass"] == (w["ratio"] >= w["goal"] if w["higher_is_better"] else w["ratio"] <= w["goal"])
    # The data files stay in the scratch directory given, not in the default one.
    assert any(p.name.startswith("seq-") for p in tmp.iterdir())
