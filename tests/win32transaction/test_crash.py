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


def _fake_journal(root_dir, victim, uid):
    """A decided journal whose record unlinks `victim`, owned by `uid`."""
    d = Path("/.winfile-txn") / os.urandom(16).hex()
    d.mkdir(parents=True)
    (d / "lock").write_bytes(b"")
    record = "winfile-txn 1\nU %s\nEND\n" % bytes(str(victim), "utf-8").hex()
    (d / "commit").write_text(record)
    for p in (d / "lock", d / "commit", d):
        os.chown(p, uid, uid)
    return d


def test_recovery_replays_only_our_own_journals(tmp_path):
    import subprocess
    if os.geteuid() != 0:
        import pytest
        pytest.skip("needs root to make another user's journal")
    os.makedirs("/.winfile-txn", exist_ok=True)
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    foreign = _fake_journal(tmp_path, victim, 65534)
    ours = tmp_path / "ours"
    ours.write_bytes(b"go")
    own = _fake_journal(tmp_path, ours, 0)
    touch = "import win32file, sys; win32file.GetFileAttributes(sys.argv[1])"
    subprocess.run([sys.executable, "-c", touch, str(tmp_path)], check=True)
    assert victim.read_bytes() == b"keep" and foreign.is_dir()  # another user's record is not believed
    assert not ours.exists() and not own.exists()  # ours is redone and removed
    import shutil
    shutil.rmtree(foreign)
