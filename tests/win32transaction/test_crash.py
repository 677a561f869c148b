"""The crash test (tests/txn_crash_harness.py) with a few iterations; `make fuzz` runs
1000. After every SIGKILL of a committing child, the first winfile process to touch the
volume recovers, and the tree is exactly the before-state or the after-state."""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))
import txn_crash_harness  # noqa: E402


def test_killed_transactions_recover_to_before_or_after():
    n = int(os.environ.get("WINFILE_TXN_CRASH_TEST_ITERATIONS", "30"))
    counts = txn_crash_harness.run(n, seed=12345, log=lambda s: None)
    assert counts["before"] + counts["after"] == n
    assert counts["before"] and counts["after"]  # both sides of the decision were hit
