"""Path containment property (docs/path-containment.md): a Windows-style name of any
form resolves inside the target of its drive, share or volume, never above it.

Hypothesis generates names from every prefix form (drive, drive-relative, rooted,
relative, UNC, ``\\\\?\\``, ``\\??\\``, ``\\\\.\\``, ``//?/``, ``//./``,
``\\\\?\\UNC\\``, ``\\\\.\\UNC\\``, ``\\\\?\\Volume{..}``, ``\\\\?\\unix``) joined with
``..``, ``.``, dotted and spaced names, names holding ``/`` and ``:``, drive and device
names, under every separator mix. For each name:

1. ``winfile._native.resolve_path`` (what CreateFile opens) must lie inside the jail (all
   drives and the ``unc`` entry map into it), or under ``/dev`` for a device, or inside
   the volume's mount for ``Volume{..}`` names and under ``/`` for Wine's
   ``\\\\?\\unix\\`` escape: no ``..`` step, and the real path of its longest existing
   ancestor inside as well;
2. only then is the name opened for real (read, then write with OPEN_ALWAYS), and the
   opened file must be the resolved one (same inode);
3. nothing outside the jail may change (a snapshot of the scratch tree around it).

Usage (``make fuzz`` and ``tests/win32file/test_path_containment.py`` run it):

    python tests/path_forms_harness.py [--examples N] [--seed S | --derandomize]

The launcher builds the jail and a private drive table, and runs the session in a child
process (cwd inside the jail, on drive Q:, no controlling terminal).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

PORTS = [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)] + ["aux", "prn"]
FAKE_VOLUME = "Volume{00000000-0000-0000-0000-000000000000}"


def launch(examples, seed=None, derandomize=False, timeout=None):
    """Runs one session in a child. Returns (ok, report text)."""
    root = os.path.realpath(tempfile.mkdtemp(prefix="winfile-paths-"))
    try:
        jail = os.path.join(root, "jail")
        for d in ("sub/deeper", "zdrive", "net/srv/share", "ports"):
            os.makedirs(os.path.join(jail, d))
        with open(os.path.join(jail, "secret.txt"), "w") as f:
            f.write("inside")
        with open(os.path.join(root, "secret.txt"), "w") as f:
            f.write("outside")
        os.makedirs(os.path.join(root, "canary"))
        with open(os.path.join(root, "canary", "keep"), "w") as f:
            f.write("canary")
        table = os.path.join(root, "config", "winfile", "dosdevices")
        os.makedirs(table)
        os.symlink(jail, os.path.join(table, "q:"))
        os.symlink(os.path.join(jail, "zdrive"), os.path.join(table, "z:"))
        os.symlink(os.path.join(jail, "net"), os.path.join(table, "unc"))
        for port in PORTS:
            target = os.path.join(jail, "ports", port)
            open(target, "wb").close()
            os.symlink(target, os.path.join(table, port))
        env = dict(os.environ)
        env["XDG_CONFIG_HOME"] = os.path.join(root, "config")
        env["XDG_RUNTIME_DIR"] = os.path.join(root, "runtime")
        os.mkdir(env["XDG_RUNTIME_DIR"], 0o700)
        env["HOME"] = os.path.join(root, "home")
        env["PYTHONFAULTHANDLER"] = "1"
        argv = [sys.executable, os.path.abspath(__file__), "--child", "--examples", str(examples),
                "--root", root]
        if derandomize:
            argv.append("--derandomize")
        elif seed is not None:
            argv += ["--seed", str(seed)]
        try:
            proc = subprocess.run(argv, cwd=os.path.join(jail, "sub"), env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  start_new_session=True, timeout=timeout)
            rc, out = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as e:
            rc, out = "timeout", (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        ok = rc == 0
        report = ("" if ok else f"path containment session FAILED: return code {rc}\n") + out[-20000:]
        return ok, report
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------------------
# Child
# ---------------------------------------------------------------------------


def _mount_root(path):
    path = os.path.realpath(path)
    while not os.path.ismount(path):
        path = os.path.dirname(path)
    return path


def _is_windows_style(name):
    return "\\" in name or re.match(r"^[A-Za-z]:", name) is not None


class _Session:
    def __init__(self, root):
        import pywintypes
        import win32con
        import win32file
        from winfile import _native

        self.w, self.con, self.pwt, self.native = win32file, win32con, pywintypes, _native
        self.root = root
        self.jail = os.path.join(root, "jail")
        self.mount = _mount_root(self.jail)
        try:
            self.volume = win32file.GetVolumeNameForVolumeMountPoint(self.mount.rstrip("/") + "/")
            self.volume = self.volume.rstrip("\\")  # \\?\Volume{...}
        except pywintypes.error:
            self.volume = None
        self.snapshot = self._outside()
        self.names = self.resolved = self.opened = self.unix = 0
        self.errors = {}

    # -- strategies ------------------------------------------------------------

    def strategy(self):
        from hypothesis import strategies as st

        jail_win = self.jail.replace("/", "\\")
        prefixes = ["", "\\", "/", ".\\", "..\\", "Q:", "q:", "Q:\\", "q:/", "Z:\\", "z:",
                    "\\\\?\\Q:\\", "\\\\?\\Q:", "\\\\?\\Q:/", "\\??\\Q:\\", "\\??\\q:/",
                    "\\\\.\\Q:\\", "\\\\.\\q:", "//./Q:/", "//?/Q:/", "\\\\?\\", "\\\\.\\",
                    "\\??\\", "\\\\", "\\\\srv\\share\\", "//srv/share/", "\\\\srv/share/",
                    "\\\\?\\UNC\\srv\\share\\", "\\\\.\\UNC\\srv\\share\\", "\\\\?\\UNC\\",
                    "\\\\.\\UNC\\", "\\\\?\\" + FAKE_VOLUME + "\\", "\\\\?\\unix" + jail_win + "\\"]
        words = ["..", ".", "...", ". .", ".. ", " ..", "... ", "..\t", "sub", "SUB", "deeper",
                 "secret.txt", "SECRET.TXT", "outside", "canary", "jail", "config", "a/..",
                 "/..", "../..", "..\\..", "Q:", "q:", "Q:/..", "q:..", "UNC", "srv", "share",
                 "Z:", "C:", "nul", "com1", "lpt2", "con", "unix", "GLOBALROOT", FAKE_VOLUME,
                 "x.", "x ", "*", "a:b", "\u00e9t\u00e9", "dosdevices", "q::"]
        if self.volume:
            prefixes += [self.volume + "\\", self.volume.replace("\\\\?\\", "\\\\.\\", 1) + "\\"]
            words.append(self.volume[4:])
        # Mostly names that resolve (so the checks bite), some random punctuation soup.
        plain = st.sampled_from(["..", "..", ".", "sub", "deeper", "secret.txt", "x"])
        comps = st.one_of(plain, st.sampled_from(words), plain,
                          st.text(alphabet=". :/\\Qq?ab", min_size=1, max_size=5))
        seps = st.sampled_from(["\\", "/", "\\\\", "//", "\\/", "/\\"])

        @st.composite
        def name(draw):
            out = draw(st.sampled_from(prefixes))
            parts = draw(st.lists(comps, max_size=6))
            for i, part in enumerate(parts):
                if i:
                    out += draw(seps)
                out += part
            if draw(st.booleans()):
                out += draw(seps)
            return out

        return name()

    # -- checks ----------------------------------------------------------------

    def _outside(self):
        """Everything in the scratch tree except the jail: names, kinds, contents."""
        seen = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            if dirpath == self.root:
                dirnames[:] = [d for d in dirnames if d != "jail"]
            for d in dirnames:
                p = os.path.join(dirpath, d)
                seen[p] = ("link", os.readlink(p)) if os.path.islink(p) else ("dir", None)
            for f in filenames:
                p = os.path.join(dirpath, f)
                if os.path.islink(p):
                    seen[p] = ("link", os.readlink(p))
                else:
                    with open(p, "rb") as fh:
                        seen[p] = ("file", fh.read())
        return seen

    def bound(self, name):
        low = name.lower()
        if re.match(r"^(\\\\\?\\|\\\?\?\\)unix(\\|$)", low):
            return "/"  # Wine's escape to the Linux root, by design
        if "volume{" in low and self.volume and self.volume[4:].lower() in low:
            return self.mount
        return self.jail

    def inside(self, linux, bound):
        parts = linux.split("/")
        assert ".." not in parts and "." not in parts[1:], linux
        assert linux == bound or linux.startswith(bound.rstrip("/") + "/"), (linux, bound)
        probe = linux
        while not os.path.lexists(probe):
            probe = os.path.dirname(probe)
        real = os.path.realpath(probe)
        assert real == bound or real.startswith(bound.rstrip("/") + "/"), (linux, real, bound)

    def check(self, name):
        self.names += 1
        if "\0" in name or not _is_windows_style(name):
            self.unix += 1
            return  # Unix names are Linux paths, passed through as written
        try:
            linux, device = self.native.resolve_path(name)
        except self.pwt.error as e:
            self.errors[e.winerror] = self.errors.get(e.winerror, 0) + 1
            return
        self.resolved += 1
        if device:
            parts = linux.split("/")
            assert ".." not in parts, (name, linux)
            if not linux.startswith("/dev/"):
                self.inside(linux, self.jail)
            return
        try:
            self.inside(linux, self.bound(name))
        except AssertionError as e:
            raise AssertionError(f"{name!r} resolves outside its root: {e}") from None
        if self.bound(name) != self.jail:
            return  # only names inside the jail are opened for real
        self.open_for_real(name, linux)
        after = self._outside()
        assert after == self.snapshot, f"{name!r} changed something outside the jail"

    def open_for_real(self, name, linux):
        w, con = self.w, self.con
        existed = os.path.lexists(linux)
        for access, disposition, flags in (
            (con.GENERIC_READ, w.OPEN_EXISTING, w.FILE_FLAG_BACKUP_SEMANTICS),
            (con.GENERIC_WRITE, w.OPEN_ALWAYS, 0),
        ):
            try:
                h = w.CreateFile(name, access, 7, None, disposition, flags, None)
            except self.pwt.error:
                continue
            try:
                info = w.GetFileInformationByHandle(h)
                ino = (info[8] << 32) | info[9]
                now = os.path.realpath(self.native.resolve_path(name)[0])
                assert os.stat(now).st_ino == ino, f"{name!r} opened something else than {now}"
                self.opened += 1
            finally:
                h.Close()
        if not existed and os.path.isfile(linux) and not os.path.islink(linux):
            os.unlink(linux)


def child_main(args):
    from hypothesis import HealthCheck, given, seed, settings

    session = _Session(os.path.realpath(args.root))
    conf = settings(max_examples=args.examples, deadline=None, derandomize=args.derandomize,
                    database=None, print_blob=True, suppress_health_check=list(HealthCheck))

    @conf
    @given(session.strategy())
    def prop(name):
        session.check(name)

    if args.seed is not None and not args.derandomize:
        prop = seed(args.seed)(prop)
    prop()
    print(f"path containment: {session.names} names, {session.resolved} resolved, "
          f"{session.opened} opened for real, {session.unix} Unix-style; errors "
          + ", ".join(f"{k}: {v}" for k, v in sorted(session.errors.items())))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int,
                    default=int(os.environ.get("WINFILE_FUZZ_EXAMPLES", "20000")))
    ap.add_argument("--seed", type=int)
    ap.add_argument("--derandomize", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child_main(args)
    if args.seed is None and not args.derandomize:
        args.seed = int.from_bytes(os.urandom(4), "little")
    print(f"path containment: {args.examples} examples, "
          + ("derandomized" if args.derandomize else f"seed {args.seed} (replay: --seed {args.seed})"),
          flush=True)
    ok, report = launch(args.examples, seed=args.seed, derandomize=args.derandomize)
    print(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
