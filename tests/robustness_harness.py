"""Robustness harness: calls every function win32file exports (and the pywintypes
factories, PyHANDLE/PyOVERLAPPED methods and attribute setters) with random arguments
of every type and arity, and checks that only ordinary Python exceptions come back.

Failures it looks for: a crash or abort of the interpreter, a hang, a leaked Rust
panic (``pyo3_runtime.PanicException``, a BaseException) and SystemError.

Before that, while the child has no thread but its own, two property sessions check
what no exception type shows: handle integers (an int beyond a pointer's range,
-2**63 ..= 2**64 - 1, is a TypeError for every function and never reaches the handle it
equals modulo 2**64) and size arguments (a size no call can use is refused, and a call
that cannot succeed allocates nothing for its size: each such call runs with the
address space capped a little above what the process maps, so an early allocation
shows as MemoryError).

Usage (the launcher; ``make fuzz`` and ``tests/test_robustness.py`` run it):

    python tests/robustness_harness.py [--examples N] [--seed S | --derandomize]

The launcher makes a scratch sandbox, a private drive table mapping C: (and COM1-9,
LPT1-9, so AUX and PRN too) into it, and runs the fuzz session in a child process whose
cwd is the sandbox, with no controlling terminal, stdin from /dev/null and an address
space limit (huge allocations fail with MemoryError instead of exhausting the machine).
A crash shows as a non-zero return code; the launcher then prints the call being made
(the child logs each call before making it) and the child's output, where Hypothesis
prints the falsifying example for Python-level failures.

Safety: every string argument is checked right before the call. Only relative names
without ``..``, names under C: (the sandbox), the sandbox's own Linux path, and a few
device forms that the drive table sends into the sandbox get through; anything else
(other drive letters such as Z:, which maps to /, absolute Linux paths, NUL, CON,
CONIN$ and CONOUT$, which are real devices) is never passed. The current directory is
restored after every call. A canary directory beside the sandbox must survive the run.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

CALL_TIMEOUT = 20  # seconds one call may take before the watchdog kills the child
ADDRESS_SPACE = 6 << 30  # RLIMIT_AS for the child
# Functions with effects beyond any sandbox, never fuzzed: they mount, unmount and
# relabel real file systems (as root they would succeed on the host's volumes). Their
# argument checking is covered by tests/win32file/test_volumes.py on private mounts.
HOST_WIDE = {"SetVolumeMountPoint", "DeleteVolumeMountPoint", "SetVolumeLabel"}

PORTS = [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]


# ---------------------------------------------------------------------------
# Launcher (parent side)
# ---------------------------------------------------------------------------


def launch(examples, seed=None, derandomize=False, timeout=None):
    """Runs one fuzz session in a sandboxed child. Returns (ok, report text)."""
    root = tempfile.mkdtemp(prefix="winfile-fuzz-")
    try:
        sandbox = os.path.join(root, "c")
        os.mkdir(sandbox)
        table = os.path.join(root, "config", "winfile", "dosdevices")
        os.makedirs(table)
        os.symlink(sandbox, os.path.join(table, "c:"))
        ports = os.path.join(root, "ports")
        os.mkdir(ports)
        for port in PORTS:
            target = os.path.join(ports, port)
            open(target, "wb").close()
            os.symlink(target, os.path.join(table, port))
        canary = os.path.join(root, "canary")
        os.mkdir(canary)
        with open(os.path.join(canary, "keep"), "w") as f:
            f.write("canary")
        log = os.path.join(root, "calls.log")
        env = dict(os.environ)
        # DefineDosDevice writes the runtime table: keep it inside the sandbox, never the
        # user's real one (later processes on this machine read that table first).
        env["XDG_RUNTIME_DIR"] = os.path.join(root, "runtime")
        os.mkdir(env["XDG_RUNTIME_DIR"], 0o700)
        env["XDG_CONFIG_HOME"] = os.path.join(root, "config")
        # Named streams beyond the xattr budget go to a depot directory: inside the root too.
        env["WINFILE_STREAMS_DEPOT"] = os.path.join(root, "streams")
        env["HOME"] = os.path.join(root, "home")
        env["PYTHONFAULTHANDLER"] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        argv = [
            sys.executable, os.path.abspath(__file__), "--child",
            "--examples", str(examples), "--sandbox", sandbox, "--log", log,
        ]
        if derandomize:
            argv.append("--derandomize")
        elif seed is not None:
            argv += ["--seed", str(seed)]
        out_path = os.path.join(root, "child.out")
        with open(out_path, "wb") as out:
            try:
                rc = subprocess.run(
                    argv, cwd=sandbox, env=env, stdin=subprocess.DEVNULL, stdout=out,
                    stderr=subprocess.STDOUT, start_new_session=True, timeout=timeout,
                    preexec_fn=_limit_memory,
                ).returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        with open(out_path, "rb") as f:
            output = f.read().decode("utf-8", "replace")
        lines = []
        canary_ok = _canary_intact(canary)
        ok = rc == 0 and canary_ok
        if not ok:
            lines.append(f"fuzz session FAILED: return code {rc}")
            if not canary_ok:
                lines.append("the canary beside the sandbox was touched: a call escaped it")
            try:
                with open(log, encoding="utf-8", errors="replace") as f:
                    calls = f.read().splitlines()
            except OSError:
                calls = []
            if calls:
                lines.append("calls of the example running when the child stopped:")
                lines += ["    " + c[:2000] for c in calls[-10:]]
        lines.append("---- child output (tail) ----")
        lines.append(output[-20000:])
        return ok, "\n".join(lines)
    finally:
        _rmtree(root)


def _limit_memory():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _canary_intact(canary):
    try:
        with open(os.path.join(canary, "keep")) as f:
            return f.read() == "canary" and os.listdir(canary) == ["keep"]
    except OSError:
        return False


def _mounts_below(path):
    """Mount points at or below `path` (from /proc/self/mountinfo), deepest first."""
    path = os.path.realpath(path)
    found = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                point = line.split()[4].encode().decode("unicode_escape")
                if point == path or point.startswith(path + os.sep):
                    found.append(point)
    except OSError:
        pass
    return sorted(found, key=len, reverse=True)


def _rmtree(path):
    # Never recurse into a mount: a bind mount of a real volume below the sandbox would
    # make rmtree delete that volume's files. Detach any, and keep the tree if one stays.
    for point in _mounts_below(path):
        subprocess.run(["umount", "-l", point], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if _mounts_below(path):
        print(f"robustness harness: {path} still has mounts below it; left in place", file=sys.stderr)
        return

    def onerror(func, p, _exc):
        try:
            os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=onerror)


# ---------------------------------------------------------------------------
# Safety filter (child side): every string argument passes here before a call
# ---------------------------------------------------------------------------

_DEVICES = {"nul", "con", "conin$", "conout$"}


def _component_unsafe(comp):
    low = comp.lower()
    stem = re.split(r"[.:]", low, maxsplit=1)[0].rstrip(" ")
    if stem in _DEVICES:
        return True  # real devices (/dev/null, /dev/tty): never delete/chmod/rename them
    if set(comp) <= {".", " "} and comp.count(".") >= 2:
        return True  # "..", ". .", "...": could climb out
    return False


def path_is_safe(text, sandbox):
    """Whether `text`, as any path form, stays inside the sandbox (conservatively)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        return all(
            path_is_safe(raw.decode(enc, "replace"), sandbox) for enc in ("utf-8", "latin-1")
        )
    if not isinstance(text, str):
        return True
    s = text.split("\0", 1)[0]  # anything past a NUL is never seen by a path parser
    if ".." in s:
        return False
    w = s.replace("/", "\\")
    low = w.lower()
    win_sandbox = sandbox.replace("/", "\\").lower()
    # Any drive letter other than C: (Z: is /), anywhere.
    for m in re.finditer(r"([^\\]):", low):
        if m.group(1) != "c":
            return False
    if low.startswith("\\\\"):
        allowed = ("\\\\?\\c:", "\\\\.\\c:", "\\\\?\\unc\\", "\\\\server\\",
                   "\\\\?\\unix" + win_sandbox)
        allowed += tuple("\\\\.\\" + p for p in PORTS) + ("\\\\.\\aux", "\\\\.\\prn")
        if not any(low == a or low.startswith(a + "\\") or (a.endswith("\\") and low.startswith(a))
                   for a in allowed):
            return False
    elif low.startswith("\\"):
        if s.startswith("/"):
            if not (s == sandbox or s.startswith(sandbox + "/")):
                return False
        # "\x" is the root of the current drive: C:, the sandbox (cwd is kept there).
    for comp in re.split(r"[\\/]", s):
        if _component_unsafe(comp):
            return False
    return True


def args_are_safe(values, sandbox, depth=0):
    for v in values:
        if isinstance(v, (str, bytes, bytearray, memoryview)):
            try:
                if not path_is_safe(v, sandbox):
                    return False
            except ValueError:  # released memoryview
                pass
        elif isinstance(v, (list, tuple)) and depth < 4:
            if not args_are_safe(v, sandbox, depth + 1):
                return False
        elif isinstance(v, dict) and depth < 4:
            if not args_are_safe(list(v.keys()) + list(v.values()), sandbox, depth + 1):
                return False
    return True


# ---------------------------------------------------------------------------
# Child: the Hypothesis session
# ---------------------------------------------------------------------------


def child_main(args):
    import faulthandler
    import warnings

    warnings.simplefilter("ignore")
    faulthandler.enable()
    sandbox = os.path.realpath(args.sandbox)
    os.chdir(sandbox)
    log_fd = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    props = _Properties(sandbox, log_fd)
    props.run(args)
    session = _Session(sandbox, log_fd)
    session.sweep()
    test = session.build_test(args)
    test()
    print(f"robustness: properties held over {props.examples} examples "
          f"({props.capped} calls under a capped address space)")
    print(f"robustness: {session.calls} calls in {session.examples} examples, "
          f"{len(session.called)} of {len(session.targets)} targets called; "
          f"{session.skipped} calls skipped by the sandbox filter")
    missing = sorted(set(session.targets) - session.called)
    if missing:
        print("never called:", ", ".join(missing))
    return 0


# ---------------------------------------------------------------------------
# Properties (child side): handle integers and size arguments
# ---------------------------------------------------------------------------

POINTER_MIN, POINTER_END = -(2**63), 2**64  # what converts to a handle or a pointer
C_LONG_MIN, C_LONG_END = -(2**31), 2**31  # what pywin32 takes as a buffer size
CAP_EXTRA = 128 << 20  # address space left to a call under the cap
FSCTL_SET_SPARSE, FSCTL_QUERY_ALLOCATED_RANGES = 0x900C4, 0x940CF


class _Properties:
    """Hypothesis sessions for two properties no exception type shows (see the module
    docstring). Only synchronous calls: the process stays single-threaded, so capping
    its address space around a call cannot starve another thread."""

    def __init__(self, sandbox, log_fd):
        import pywintypes
        import win32event
        import win32file

        self.sandbox, self.log_fd = sandbox, log_fd
        self.w, self.e, self.pwt = win32file, win32event, pywintypes
        self.examples = self.capped = 0
        self.big_input = bytearray(CAP_EXTRA * 2)  # an input a call must not copy whole
        w, e, pwt = win32file, win32event, pywintypes
        # Every conversion of a handle int, by the function doing it: (label, call(v)).
        self.handle_calls = [
            ("win32file.CloseHandle", lambda v, h: w.CloseHandle(v)),
            ("win32file.GetFileSize", lambda v, h: w.GetFileSize(v)),
            ("win32file.ReadFile", lambda v, h: w.ReadFile(v, 4)),
            ("win32file.WriteFile", lambda v, h: w.WriteFile(v, b"zz")),
            ("win32file.WriteFile ol", lambda v, h: w.WriteFile(v, b"zz", pwt.OVERLAPPED())),
            ("win32file.SetFilePointer", lambda v, h: w.SetFilePointer(v, 5, 0)),
            ("win32file.SetEndOfFile", lambda v, h: w.SetEndOfFile(v)),
            ("win32file.FlushFileBuffers", lambda v, h: w.FlushFileBuffers(v)),
            ("win32file.GetFileType", lambda v, h: w.GetFileType(v)),
            ("win32file.GetFileInformationByHandle", lambda v, h: w.GetFileInformationByHandle(v)),
            ("win32file.GetFileInformationByHandleEx", lambda v, h: w.GetFileInformationByHandleEx(v, 0)),
            ("win32file.LockFileEx", lambda v, h: w.LockFileEx(v, 3, 0, 1, pwt.OVERLAPPED())),
            ("win32file.UnlockFileEx", lambda v, h: w.UnlockFileEx(v, 0, 1, pwt.OVERLAPPED())),
            ("win32file.DeviceIoControl", lambda v, h: w.DeviceIoControl(v, FSCTL_SET_SPARSE, None, 0)),
            ("win32file._open_osfhandle", lambda v, h: w._open_osfhandle(v, 0)),
            ("win32file.GetOverlappedResult", lambda v, h: w.GetOverlappedResult(v, pwt.OVERLAPPED(), False)),
            ("win32event.SetEvent", lambda v, h: e.SetEvent(v)),
            ("win32event.WaitForSingleObject", lambda v, h: e.WaitForSingleObject(v, 0)),
            ("win32event.WaitForMultipleObjects", lambda v, h: e.WaitForMultipleObjects([v], False, 0)),
            ("pywintypes.HANDLE", lambda v, h: pwt.HANDLE(v)),
            ("PyHANDLE.__eq__", lambda v, h: h == v),
            ("OVERLAPPED.Internal", lambda v, h: setattr(pwt.OVERLAPPED(), "Internal", v)),
            ("OVERLAPPED.InternalHigh", lambda v, h: setattr(pwt.OVERLAPPED(), "InternalHigh", v)),
            ("win32file.PostQueuedCompletionStatus key", lambda v, h: w.PostQueuedCompletionStatus(0, 0, v, None)),
        ]
        ol = pwt.OVERLAPPED
        # Every size argument: call(handle, size). The handles given make the call fail.
        self.size_calls = [
            ("win32file.ReadFile", lambda h, n: w.ReadFile(h, n)),
            ("win32file.ReadFile ol", lambda h, n: w.ReadFile(h, n, ol())),
            ("win32file.DeviceIoControl", lambda h, n: w.DeviceIoControl(h, FSCTL_SET_SPARSE, None, n)),
            ("win32file.DeviceIoControl ol", lambda h, n: w.DeviceIoControl(h, FSCTL_SET_SPARSE, None, n, ol())),
            ("win32file.DeviceIoControl ranges", lambda h, n: w.DeviceIoControl(
                h, FSCTL_QUERY_ALLOCATED_RANGES, self.big_input, n)),
            ("win32file.DeviceIoControl unknown", lambda h, n: w.DeviceIoControl(h, 0x12345, memoryview(self.big_input), n)),
        ]

    def _log(self, text):
        os.write(self.log_fd, (text + "\n").encode("utf-8", "backslashreplace"))

    def _open(self, name, access, flags=0):
        w = self.w
        return w.CreateFile(os.path.join(self.sandbox, name), access, 7, None, w.OPEN_ALWAYS,
                            flags, None)

    def run(self, args):
        from hypothesis import HealthCheck, given, seed, settings
        from hypothesis import strategies as st

        with open(os.path.join(self.sandbox, "prop.bin"), "wb") as f:
            f.write(b"0123456789")
        os.makedirs(os.path.join(self.sandbox, "propdir"), exist_ok=True)
        examples = max(50, args.examples // 8)
        conf = settings(max_examples=examples, deadline=None, derandomize=args.derandomize,
                        database=None, print_blob=True, suppress_health_check=list(HealthCheck))
        out_of_range = st.one_of(
            st.integers(1, 2**80).map(lambda k: ("offset", k)),
            st.integers(-(2**80), -1).map(lambda k: ("offset", k)),
            st.integers(POINTER_END, 2**200).map(lambda v: ("value", v)),
            st.integers(-(2**200), POINTER_MIN - 1).map(lambda v: ("value", v)),
        )

        @conf
        @given(st.sampled_from(range(len(self.handle_calls))), out_of_range)
        def handle_ints(which, bad):
            self.check_handle_int(self.handle_calls[which], bad)

        sizes = st.one_of(
            st.sampled_from([C_LONG_END - 1, C_LONG_END, 2**32 - 1, 2**32, 2**63, 2**64, -1,
                             C_LONG_MIN, C_LONG_MIN - 1, 1 << 30]),
            st.integers(CAP_EXTRA, C_LONG_END - 1),
            st.integers(C_LONG_END, 2**100),
            st.integers(-(2**100), -1),
        )
        targets = st.sampled_from(["closed", "stale", "zero", "none", "dir", "write_only"])

        @conf
        @given(st.sampled_from(range(len(self.size_calls))), targets, sizes)
        def size_args(which, target, size):
            self.check_size(self.size_calls[which], target, size)

        @conf
        @given(st.one_of(st.integers(C_LONG_END, 2**100), st.integers(-(2**100), C_LONG_MIN - 1)))
        def read_buffer_sizes(size):
            self.examples += 1
            try:
                with _CappedAddressSpace(self):
                    self.w.AllocateReadBuffer(size)
            except OverflowError:
                return
            raise AssertionError(f"AllocateReadBuffer({size}) did not raise OverflowError")

        for test in (handle_ints, size_args, read_buffer_sizes):
            if args.seed is not None and not args.derandomize:
                test = seed(args.seed)(test)
            test()

    def check_handle_int(self, call, bad):
        label, fn = call
        self.examples += 1
        w = self.w
        h = self._open("prop.bin", w.GENERIC_READ | w.GENERIC_WRITE)
        try:
            kind, x = bad
            v = int(h) + x * 2**64 if kind == "offset" else x
            assert not POINTER_MIN <= v < POINTER_END, v
            self._log(f"property handle int: {label}({v})")
            try:
                fn(v, h)
            except TypeError:
                pass
            else:
                raise AssertionError(f"{label}: handle int {v} (out of range) was accepted")
            # h is untouched: open, at offset 0, its data and locks as they were.
            assert w.SetFilePointer(h, 0, w.FILE_CURRENT) == 0, label
            assert w.ReadFile(h, 100) == (0, b"0123456789"), label
            w.LockFileEx(h, 3, 0, 10, self.pwt.OVERLAPPED())
        finally:
            h.Close()

    def _target(self, kind):
        w = self.w
        if kind == "closed" or kind == "stale":
            h = self._open("prop.bin", w.GENERIC_READ | w.GENERIC_WRITE)
            v = int(h)
            h.Close()
            return h if kind == "closed" else v
        if kind == "zero":
            return 0
        if kind == "none":
            return None
        if kind == "dir":
            return self._open("propdir", w.GENERIC_READ, w.FILE_FLAG_BACKUP_SEMANTICS)
        return self._open("prop.bin", w.GENERIC_WRITE)

    def check_size(self, call, target, size):
        label, fn = call
        self.examples += 1
        may_succeed = label == "win32file.DeviceIoControl ranges" and target in ("dir", "write_only")
        if label in ("win32file.DeviceIoControl", "win32file.DeviceIoControl ol") and target in ("dir", "write_only"):
            target = "stale"  # FSCTL_SET_SPARSE succeeds there (and then may allocate)
        h = self._target(target)
        self._log(f"property size: {label}({target}, {size})")
        try:
            with _CappedAddressSpace(self):
                fn(h, size)
        except self.pwt.error:
            ok = C_LONG_MIN <= size < C_LONG_END
        except TypeError:
            ok = not C_LONG_MIN <= size < C_LONG_END  # pywin32's refusal of a non-size
        except ValueError:
            ok = C_LONG_MIN <= size < 0
        except MemoryError:
            raise AssertionError(f"{label}({target}, {size}): allocated before failing")
        else:
            ok = may_succeed and C_LONG_MIN <= size < C_LONG_END
        finally:
            if hasattr(h, "Close"):
                h.Close()
        assert ok, f"{label}({target}, {size}): unexpected outcome"


class _CappedAddressSpace:
    """Caps RLIMIT_AS a little above what the process maps, for one call (only while the
    process is single-threaded; otherwise the call runs uncapped)."""

    def __init__(self, props):
        self.props = props

    def __enter__(self):
        import resource

        self.before = resource.getrlimit(resource.RLIMIT_AS)
        status = {}
        with open("/proc/self/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                status[key] = value.split()
        self.active = status.get("Threads") == ["1"]
        if self.active:
            vm = int(status["VmSize"][0]) * 1024
            resource.setrlimit(resource.RLIMIT_AS, (vm + CAP_EXTRA, self.before[1]))
            self.props.capped += 1

    def __exit__(self, *exc):
        import resource

        if self.active:
            resource.setrlimit(resource.RLIMIT_AS, self.before)
        return False


class Ref:
    """A live object made in each example (handles, structures, descriptors)."""

    def __init__(self, kind, n=0):
        self.kind, self.n = kind, n

    def __repr__(self):
        return f"Ref({self.kind!r}, {self.n})" if self.n else f"Ref({self.kind!r})"


class _Odd:
    """Objects with awkward protocols."""

    def __init__(self, kind):
        self.kind = kind

    def __repr__(self):
        return f"Odd({self.kind})"

    def __index__(self):
        if self.kind == "index_raises":
            raise RuntimeError("__index__ failed")
        if self.kind == "index_huge":
            return 2**100
        if self.kind == "index_not_int":
            return "7"  # CPython raises TypeError itself
        return 5

    def __int__(self):
        return self.__index__()

    def __fspath__(self):
        return "fspath_name"


class _Session:
    def __init__(self, sandbox, log_fd):
        import pywintypes
        import win32file

        self.sandbox = sandbox
        self.log_fd = log_fd
        self.w = win32file
        self.pwt = pywintypes
        self.calls = self.examples = self.skipped = 0
        self.called = set()
        self.targets = self._discover()
        _guard_osfhandle(self)

    # -- discovery ---------------------------------------------------------

    def _discover(self):
        import inspect

        targets = {}
        for name in dir(self.w):
            if name in HOST_WIDE:
                continue
            if name.startswith("_") and name not in (
                "_get_osfhandle", "_open_osfhandle", "_getmaxstdio", "_setmaxstdio"
            ):
                continue
            obj = getattr(self.w, name)
            if callable(obj):
                targets["win32file." + name] = obj
        for name in ("HANDLE", "OVERLAPPED", "SECURITY_ATTRIBUTES", "Time", "TimeStamp"):
            if hasattr(self.pwt, name):
                targets["pywintypes." + name] = getattr(self.pwt, name)
        for meth in ("Close", "close", "Detach", "__int__", "__index__", "__bool__",
                     "__hash__", "__eq__", "__repr__", "__str__"):
            targets["PyHANDLE." + meth] = ("method", "handle", meth)
        for attr in ("handle",):
            targets["PyHANDLE.set " + attr] = ("set", "handle", attr)
        ol = self.pwt.OVERLAPPED()
        for attr in ("Offset", "OffsetHigh", "Internal", "InternalHigh", "hEvent", "object",
                     "dword"):
            if hasattr(ol, attr):
                targets["PyOVERLAPPED.set " + attr] = ("set", "overlapped", attr)
        targets["PyOVERLAPPED.__repr__"] = ("method", "overlapped", "__repr__")
        sa = self.pwt.SECURITY_ATTRIBUTES()
        for attr in ("bInheritHandle", "SECURITY_DESCRIPTOR"):
            if hasattr(sa, attr):
                targets["PySECURITY_ATTRIBUTES.set " + attr] = ("set", "sa", attr)
        self.params = {}
        for label, obj in targets.items():
            params = []
            if callable(obj):
                try:
                    sig = inspect.signature(obj)
                    params = list(sig.parameters.values())
                except (TypeError, ValueError):
                    params = []
            self.params[label] = params
        return targets

    # -- a fixed sweep, so every target is called whatever Hypothesis draws ------

    def sweep(self):
        """Calls every target at every arity up to one past its signature's, with
        arguments taken in turn from a fixed pool (typed, then hostile)."""
        pool = [Ref("file_rw"), "data.bin", 0, -1, 2**64, None, b"x", Ref("overlapped"),
                Ref("closed"), "C:\\sub", 2**40, bytearray(4), Ref("stale_int"), "\ud800",
                (1, 2), [], 1.5, Ref("sa"), Ref("fd"), Ref("time")]
        for label in sorted(self.targets):
            target = self.targets[label]
            if isinstance(target, tuple):
                for value in pool:
                    self.run_example([(label, (value,), {})])
                continue
            arity = len(self.params[label])
            for n in range(arity + 2):
                for start in range(0, len(pool), 5):
                    args = tuple(pool[(start + i) % len(pool)] for i in range(n))
                    self.run_example([(label, args, {})])
                    if n == 0:
                        break

    # -- strategies ----------------------------------------------------------

    def build_test(self, args):
        from hypothesis import HealthCheck, given, seed, settings
        from hypothesis import strategies as st

        self.st = st
        gen = self._generic()
        self.generic = gen
        labels = sorted(self.targets)

        @st.composite
        def one_call(draw):
            label = draw(st.sampled_from(labels))
            target = self.targets[label]
            if isinstance(target, tuple):
                return (label, (draw(gen),), {})
            params = self.params[label]
            positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            if params and draw(st.booleans()):
                # Near the real signature: typed arguments, right-ish arity.
                lo = sum(1 for p in positional if p.default is p.empty)
                n = draw(st.integers(max(0, lo - 1), min(8, len(positional) + 1)))
                pos = [draw(self._for_param(positional[i].name if i < len(positional) else ""))
                       for i in range(n)]
            else:
                pos = draw(st.lists(gen, max_size=8))
            kw = {}
            kw_names = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
            if kw_names and draw(st.integers(0, 3)) == 0:
                names = draw(st.lists(st.sampled_from(kw_names + ["bogus", "fileName"]),
                                      max_size=3, unique=True))
                kw = {k: draw(self._for_param(k)) for k in names}
            return (label, tuple(pos), kw)

        conf = settings(
            max_examples=args.examples,
            deadline=None,
            derandomize=args.derandomize,
            database=None,
            print_blob=True,
            suppress_health_check=list(HealthCheck),
        )

        @conf
        @given(st.lists(one_call(), min_size=1, max_size=4))
        def fuzz(calls):
            self.run_example(calls)

        if args.seed is not None and not args.derandomize:
            fuzz = seed(args.seed)(fuzz)
        return fuzz

    def _generic(self):
        st = self.st
        specials = [0, 1, -1, 2, 3, 4, 5, 7, 0x40, 0xFF, 2**31 - 1, 2**31, -(2**31), 2**32 - 1,
                    2**32, 2**40, 2**63 - 1, 2**63, -(2**63), 2**64 - 1, 2**64, 2**100,
                    -(2**100), -0x10000, 0xFFFF0000]
        ints = st.one_of(st.sampled_from(specials), st.integers())
        floats = st.sampled_from([0.0, -1.5, 1e300, float("nan"), float("inf"), 2.5])
        texts = st.one_of(
            self._paths(),
            st.text(st.characters(blacklist_characters="/\\:."), max_size=20),
            st.sampled_from(["", "\0", "a\0b", "\ud800", "x\udfffy", "é€😀", "x" * 40000]),
        )
        raw = st.one_of(st.binary(max_size=64), st.sampled_from([b"", b"\0", b"\xff\xfe",
                                                                   b"x" * 70000]))
        buffers = st.one_of(
            raw,
            raw.map(bytearray),
            raw.map(memoryview),
            st.integers(0, 100).map(lambda n: memoryview(bytearray(n))),
            st.integers(0, 64).map(lambda n: memoryview(bytearray(n * 4)).cast("i")),
            st.integers(2, 64).map(lambda n: memoryview(bytearray(n))[::2]),
            st.just(None).map(lambda _: _released()),
            st.integers(0, 8).map(lambda n: memoryview(bytearray(n * n)).cast("B", (n, n))
                                  if n else memoryview(b"")),
        )
        refs = st.one_of(
            st.sampled_from(["file_rw", "file_ro", "dir", "closed", "stale_int", "foreign_int",
                             "detached", "osf", "overlapped", "sa", "fd", "time", "closed_fd"])
            .map(Ref),
        )
        odd = st.sampled_from(["index_raises", "index_huge", "index_not_int", "plain"]).map(_Odd)
        scalars = st.one_of(ints, st.none(), st.booleans(), floats, texts, buffers, refs, odd,
                            st.sampled_from([object(), {}, {"a": 1}, int, str, ...]))
        return st.recursive(
            scalars,
            lambda inner: st.one_of(st.lists(inner, max_size=4),
                                    st.lists(inner, max_size=4).map(tuple)),
            max_leaves=6,
        )

    def _paths(self):
        st = self.st
        sandbox = self.sandbox
        names = st.sampled_from(["data.bin", "ro.txt", "sub", "sub\\inner.txt", "new", "new.txt",
                                 "fd.txt", "COM1", "com3.txt", "AUX", "prn.log", "LPT2", "COM10",
                                 "a ", "b.", "trail. . ", "x" * 300, "\u00e9t\u00e9", "\ud800",
                                 "sub/inner.txt", "DATA.BIN", "*", "?", "a<b", "q\"", "."])
        rel = st.one_of(names, st.text(st.characters(blacklist_characters="/\\:."), min_size=1,
                                       max_size=12))
        rel2 = st.one_of(rel, st.tuples(rel, rel).map(lambda t: t[0] + "\\" + t[1]))
        prefixes = st.sampled_from(["", "C:\\", "c:/", "C:", "\\", "\\\\?\\C:\\", "\\\\.\\C:\\",
                                    sandbox + "/", "\\\\?\\unix" + sandbox.replace("/", "\\") + "\\",
                                    "\\\\server\\share\\", "\\\\?\\UNC\\server\\share\\", ".\\"])
        suffixes = st.sampled_from(["", "\\", "/", ".", " ", ":stream", "::$DATA", "\0tail"])
        devices = st.sampled_from(["\\\\.\\COM1", "\\\\.\\com2", "\\\\.\\LPT1", "\\\\.\\AUX",
                                   "\\\\.\\C:", "C:\\", "C:", sandbox, "\\\\?\\C:"])
        return st.one_of(
            st.tuples(prefixes, rel2, suffixes).map(lambda t: "".join(t)),
            devices,
        )

    def _for_param(self, name):
        st = self.st
        low = name.lower()
        gen = self.generic
        handle_refs = st.sampled_from(["file_rw", "file_ro", "dir", "closed", "stale_int",
                                       "foreign_int", "detached", "osf"]).map(Ref)
        if low in ("fd",):
            typed = st.one_of(st.just(Ref("fd")), st.just(Ref("closed_fd")),
                              st.sampled_from([-1, 2**31, 10**6]))
        elif "handle" in low or low in ("hfile", "file", "templatefile", "htemplatefile"):
            typed = st.one_of(handle_refs, st.sampled_from([0, -1, None, 2**64, 0x40]))
        elif "overlapped" in low or low == "ol":
            typed = st.one_of(st.just(Ref("overlapped")), st.none())
        elif low in ("sa", "attributes", "securityattributes"):
            typed = st.one_of(st.just(Ref("sa")), st.none())
        elif "time" in low and low != "utctimes":
            typed = st.one_of(st.just(Ref("time")), st.none(),
                              st.sampled_from([0, -1, 2**40, 1.5, (2024, 1, 1, 0, 0, 0, 0, 0, 0)]))
        elif "name" in low or "path" in low or "directory" in low:
            typed = self._paths()
        elif "size" in low or low == "data" or "buffer" in low:
            typed = st.one_of(st.sampled_from([0, 1, 10, 4096, 2**20, 2**40, 2**63, -1, 2**64]),
                              st.binary(max_size=32), st.integers(0, 64).map(bytearray))
        else:
            typed = st.one_of(st.sampled_from([0, 1, 2, 3, 4, 5, -1, 0x80000000, 0xC0000000,
                                               0x40000000, 0x02000000, 0x04000000, 7, 2**32, 2**64]),
                              st.integers(-(2**33), 2**33))
        return st.one_of(typed, typed, gen)

    # -- running ---------------------------------------------------------------

    def _log(self, text):
        os.write(self.log_fd, (text + "\n").encode("utf-8", "backslashreplace"))

    def _reset_sandbox(self):
        os.chdir("/")
        # The port files COMn/LPTn map to (a call may delete them or move a directory
        # over them, even the sandbox itself: MoveFile("\\\\?\\C:", "\\\\.\\LPT1")).
        ports = os.path.join(os.path.dirname(self.sandbox), "ports")
        for port in PORTS:
            target = os.path.join(ports, port)
            if not os.path.isfile(target) or os.path.islink(target):
                _rmtree(target) if os.path.isdir(target) else None
                try:
                    os.unlink(target)
                except OSError:
                    pass
                open(target, "wb").close()
        _rmtree(self.sandbox)
        os.makedirs(os.path.join(self.sandbox, "sub"))
        os.chdir(self.sandbox)
        with open("data.bin", "wb") as f:
            f.write(bytes(range(256)) * 4)
        with open("sub/inner.txt", "w") as f:
            f.write("inner")
        with open("ro.txt", "w") as f:
            f.write("read only")
        with open("fd.txt", "w") as f:
            f.write("fd")
        try:
            self.w.SetFileAttributes("ro.txt", 1)
        except Exception:
            pass

    def run_example(self, calls):
        import faulthandler

        self.examples += 1
        os.ftruncate(self.log_fd, 0)
        os.lseek(self.log_fd, 0, os.SEEK_SET)
        self._reset_sandbox()
        ctx = _Context(self)
        try:
            for label, pos, kw in calls:
                self._log(f"{label}{pos!r:.3000} {kw!r:.1000}")
                target = self.targets[label]
                try:
                    real_pos = tuple(ctx.materialize(a) for a in pos)
                    real_kw = {k: ctx.materialize(v) for k, v in kw.items()}
                except Exception:
                    continue
                if not args_are_safe(list(real_pos) + list(real_kw.values()), self.sandbox):
                    self.skipped += 1
                    continue
                self.calls += 1
                self.called.add(label)
                faulthandler.dump_traceback_later(CALL_TIMEOUT, exit=True)
                try:
                    result = self._invoke(ctx, target, real_pos, real_kw)
                    ctx.adopt(result)
                    repr(result)
                except BaseException as e:  # noqa: B902 - the point is to classify it
                    _check_exception(e, label, pos, kw)
                finally:
                    faulthandler.cancel_dump_traceback_later()
                    os.makedirs(self.sandbox, exist_ok=True)  # a call may have moved it
                    os.chdir(self.sandbox)
        finally:
            ctx.cleanup()

    def _invoke(self, ctx, target, pos, kw):
        if isinstance(target, tuple):
            what, kind, name = target
            obj = ctx.materialize(Ref({"handle": "file_rw", "overlapped": "overlapped",
                                       "sa": "sa"}[kind]))
            if what == "set":
                setattr(obj, name, pos[0])
                return getattr(obj, name)
            meth = getattr(obj, name)
            if name == "__eq__":
                return meth(pos[0])
            return meth()
        return target(*pos, **kw)


def _released():
    m = memoryview(bytearray(4))
    m.release()
    return m


def _check_exception(e, label, pos, kw):
    kind = type(e).__name__
    if kind == "PanicException" or isinstance(e, SystemError) or not isinstance(e, Exception):
        raise AssertionError(
            f"{label} raised {type(e).__module__}.{kind}: {e!r:.500} "
            f"(args {pos!r:.1000}, keywords {kw!r:.500})"
        ) from e


class _Context:
    """The live objects of one example, made on first use and released at its end."""

    def __init__(self, session):
        self.s = session
        self.objs = {}
        self.handles = []  # PyHANDLEs to close
        self.ints = []  # int handles to close
        self.fds = []  # descriptors to close

    def materialize(self, v):
        if isinstance(v, Ref):
            if v.kind not in self.objs:
                self.objs[v.kind] = self._make(v.kind)
            return self.objs[v.kind]
        if isinstance(v, list):
            return [self.materialize(x) for x in v]
        if isinstance(v, tuple):
            return tuple(self.materialize(x) for x in v)
        return v

    def _open(self, name, access, flags=0):
        w = self.s.w
        h = w.CreateFile(os.path.join(self.s.sandbox, name), access, 7, None,
                         w.OPEN_ALWAYS if flags == 0 else w.OPEN_EXISTING, flags, None)
        self.handles.append(h)
        return h

    def _make(self, kind):
        w, pwt = self.s.w, self.s.pwt
        rw = w.GENERIC_READ | w.GENERIC_WRITE
        if kind == "file_rw":
            return self._open("data.bin", rw)
        if kind == "file_ro":
            return self._open("data.bin", w.GENERIC_READ)
        if kind == "dir":
            return self._open("sub", w.GENERIC_READ, w.FILE_FLAG_BACKUP_SEMANTICS)
        if kind == "closed":
            h = self._open("data.bin", rw)
            h.Close()
            return h
        if kind == "stale_int":
            h = self._open("data.bin", rw)
            v = int(h)
            h.Close()
            return v
        if kind == "foreign_int":
            return int(self.materialize(Ref("file_rw")))
        if kind == "detached":
            return pwt.HANDLE(0)
        if kind in ("fd", "closed_fd"):
            fd = os.open(os.path.join(self.s.sandbox, "fd.txt"), os.O_RDWR)
            if kind == "closed_fd":
                os.close(fd)
            else:
                self.fds.append(fd)
            return fd
        if kind == "osf":
            fd = self.materialize(Ref("fd"))
            h = w._get_osfhandle(fd)
            self.ints.append(h)
            return h
        if kind == "overlapped":
            return pwt.OVERLAPPED()
        if kind == "sa":
            return pwt.SECURITY_ATTRIBUTES()
        if kind == "time":
            return pwt.Time(0)
        raise KeyError(kind)

    def adopt(self, result):
        """Takes ownership of what a call returned, so the example can release it."""
        if isinstance(result, self.s.pwt.HANDLEType):
            self.handles.append(result)

    def cleanup(self):
        w = self.s.w
        for h in self.handles:
            try:
                h.Close()
            except Exception:
                pass
        for v in self.ints:
            try:
                w.CloseHandle(v)
            except Exception:
                pass
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass


def _guard_osfhandle(session):
    """_get_osfhandle must only lend descriptors that point into the sandbox (or none):
    a handle on the harness's own descriptors (stdout, the call log) could truncate or
    overwrite them."""
    original = session.targets.get("win32file._get_osfhandle")
    if original is None:
        return

    def guarded(*args, **kw):
        if len(args) == 1 and not kw:
            try:
                fd = int(args[0]) if isinstance(args[0], int) else None
            except Exception:
                fd = None
            if fd is not None and 0 <= fd < 2**31:
                try:
                    where = os.readlink(f"/proc/self/fd/{fd}")
                except OSError:
                    where = None  # not open: fine, it gives EBADF
                if where is not None and not where.startswith(session.sandbox + "/"):
                    raise OSError(9, "descriptor outside the sandbox (harness guard)")
        return original(*args, **kw)

    session.targets["win32file._get_osfhandle"] = guarded


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--examples", type=int,
                   default=int(os.environ.get("WINFILE_FUZZ_EXAMPLES", "2000")))
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--derandomize", action="store_true")
    p.add_argument("--timeout", type=float, default=None, help="whole-session limit (s)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--sandbox", help=argparse.SUPPRESS)
    p.add_argument("--log", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return child_main(args)
    seed = args.seed
    if seed is None and not args.derandomize:
        seed = int.from_bytes(os.urandom(4), "little")
    print(f"robustness: {args.examples} examples, "
          + ("derandomized" if args.derandomize else f"seed {seed}"), flush=True)
    ok, report = launch(args.examples, seed=seed, derandomize=args.derandomize,
                        timeout=args.timeout)
    print(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
