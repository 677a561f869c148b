"""`make demo` runs examples/tour.py: it must keep running to the end, and its pipe and
named-object steps must show what Windows shows."""
import subprocess
import sys
from pathlib import Path

TOUR = Path(__file__).resolve().parent.parent / "examples" / "tour.py"


def test_the_tour_runs_to_the_end():
    r = subprocess.run([sys.executable, str(TOUR)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.rstrip().endswith("Tour complete.")
    assert "(0, b'hello from another process')" in out
    assert "(234, b'a re')" in out  # ERROR_MORE_DATA with the first bytes of the message
    assert "second instance GetLastError       183" in out
