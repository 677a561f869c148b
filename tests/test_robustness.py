"""A short, reproducible run of the robustness harness (tests/robustness_harness.py):
every win32file function and pywintypes factory, method and setter called with random
arguments in a sandboxed child; only ordinary Python exceptions may come back (no crash,
hang, leaked Rust panic or SystemError). `make fuzz` runs the long, random version."""
import importlib.util
from pathlib import Path

_HARNESS = Path(__file__).with_name("robustness_harness.py")
_spec = importlib.util.spec_from_file_location("robustness_harness", _HARNESS)
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)


def test_random_calls_raise_only_python_exceptions():
    ok, report = harness.launch(300, derandomize=True, timeout=50)
    assert ok, report
    assert "of " in report and "targets called" in report, report
    # The fixed sweep calls every target; a target never reached means the harness broke.
    assert "never called" not in report, report


def test_sandbox_filter_refuses_paths_outside():
    sandbox = "/tmp/winfile-fuzz-x/c"
    unsafe = ["..\\x", "a/../b", "Z:\\etc", "z:/", "/etc/passwd", "\\\\?\\unix\\etc",
              "\\\\.\\PhysicalDrive0", "NUL", "sub\\con.txt", "CONIN$", "d:x", ". .",
              "\\\\?\\Z:\\", b"../x", "/tmp/winfile-fuzz-x/cx"]
    safe = ["data.bin", "C:\\sub\\x", "c:x", "\\\\?\\C:\\a", sandbox + "/a", "COM1",
            "\\\\.\\COM1", "\\x", "\\\\?\\unix" + sandbox.replace("/", "\\") + "\\a", "a\0..",
            "nulx", "x.con"]
    assert [p for p in unsafe if harness.path_is_safe(p, sandbox)] == []
    assert [p for p in safe if not harness.path_is_safe(p, sandbox)] == []


def test_a_crash_in_the_child_is_reported(tmp_path, monkeypatch):
    # The launcher must see a hard crash (here: os.abort in place of a win32file call)
    # as a failure, with the call that was running.
    bad = tmp_path / "sitecustomize.py"
    bad.write_text(
        "import os, win32file\n"
        "win32file.GetFileSize = lambda *a, **k: os.abort()\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    ok, report = harness.launch(20, derandomize=True, timeout=50)
    assert not ok
    assert "return code -6" in report, report
    assert "win32file.GetFileSize" in report, report
