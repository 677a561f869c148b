"""A private Samba server for the interop tests: one `smbd` on 127.0.0.1 at a free port,
serving one temporary directory, with its configuration, password database, lock, state,
cache, pid and log directories all under that run's temporary root — nothing outside it
is read or written (the system's smb.conf and /var/lib/samba are never used).

`Smbd.start()` returns a running server or raises `Unavailable` with the reason;
`stop()` ends it (SIGTERM, then SIGKILL) and removes the root. The SMB user is the Unix
user running the tests, with a random password in the run's own passdb (smbd needs root
to serve anyone: it changes to the connecting user's uid).
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SMBD_CANDIDATES = ("smbd", "/usr/sbin/smbd")


class Unavailable(Exception):
    """smbd cannot run here (the reason is the message)."""


def find(cmd: str, extra: tuple[str, ...] = ()) -> str | None:
    for c in (cmd, *extra):
        p = shutil.which(c) or (c if os.path.isabs(c) and os.access(c, os.X_OK) else None)
        if p:
            return p
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The share's lines are the deployment docs/across-machines.md describes; the rest keeps
# this server private and quiet.
SHARE_LINES = """\
   path = {share}
   read only = no
   vfs objects = streams_xattr
   ea support = yes
   store dos attributes = yes
   map archive = no
   map hidden = no
   map system = no
   map readonly = no
   posix locking = yes
   strict locking = yes
   kernel oplocks = no
   oplocks = no
   level2 oplocks = no
   create mask = 0644
   directory mask = 0755
"""

# A second share, the same lines but with named streams in vfs_streams_depot's layout,
# in a depot directory winfile is given too (WINFILE_STREAMS_DEPOT, docs/streams.md).
DEPOT_SHARE_LINES = SHARE_LINES.replace("vfs objects = streams_xattr", "vfs objects = streams_depot") + """\
   streams_depot:directory = {depot}
"""


@dataclass
class Smbd:
    root: Path
    share: Path = field(init=False)
    depot_share: Path = field(init=False)
    depot: Path = field(init=False)
    port: int = 0
    user: str = ""
    password: str = ""
    proc: subprocess.Popen | None = None
    share_name: str = "wf"
    depot_share_name: str = "wfdepot"

    def __post_init__(self):
        self.share = self.root / "share"
        self.depot_share = self.root / "depot_share"
        self.depot = self.root / "depot"

    @property
    def unc(self) -> str:
        return rf"\\127.0.0.1\{self.share_name}"

    @property
    def unc_depot(self) -> str:
        return rf"\\127.0.0.1\{self.depot_share_name}"

    def conf_path(self) -> Path:
        return self.root / "smb.conf"

    def write_conf(self):
        r = self.root
        for d in ("private", "lock", "state", "cache", "pid", "ncalrpc", "log", "binddns"):
            (r / d).mkdir(exist_ok=True)
        self.conf_path().write_text(f"""\
[global]
   server role = standalone server
   workgroup = WINFILE
   netbios name = WINFILETEST
   interfaces = 127.0.0.1
   bind interfaces only = yes
   smb ports = {self.port}
   disable netbios = yes
   server min protocol = SMB2_10
   private dir = {r}/private
   lock directory = {r}/lock
   state directory = {r}/state
   cache directory = {r}/cache
   pid directory = {r}/pid
   ncalrpc dir = {r}/ncalrpc
   binddns dir = {r}/binddns
   passdb backend = tdbsam:{r}/private/passdb.tdb
   log file = {r}/log/smbd.log
   log level = 1
   max log size = 0
   load printers = no
   printing = bsd
   printcap name = /dev/null
   disable spoolss = yes
   rpc start on demand helpers = no
   server services = -nbt
   usershare path =
   smb encrypt = off
   smb2 leases = no
   kernel change notify = yes

[{self.share_name}]
{SHARE_LINES.format(share=self.share)}
[{self.depot_share_name}]
{DEPOT_SHARE_LINES.format(share=self.depot_share, depot=self.depot)}""")

    def start(self) -> "Smbd":
        smbd = find("smbd", SMBD_CANDIDATES)
        smbpasswd = find("smbpasswd", ("/usr/bin/smbpasswd",))
        if not smbd or not smbpasswd:
            raise Unavailable("smbd/smbpasswd not installed (make interop installs Debian's samba package as root)")
        if os.geteuid() != 0:
            raise Unavailable("smbd must run as root to serve a user (it switches to the user's uid)")
        import pwd
        self.user = pwd.getpwuid(os.geteuid()).pw_name
        self.password = "Wf-" + secrets.token_hex(12)
        self.share.mkdir(parents=True, exist_ok=True)
        self.depot_share.mkdir(parents=True, exist_ok=True)
        self.depot.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.write_conf()
        env = dict(os.environ, SMB_CONF_PATH=str(self.conf_path()))
        pw = f"{self.password}\n{self.password}\n"
        r = subprocess.run([smbpasswd, "-c", str(self.conf_path()), "-a", "-s", self.user],
                           input=pw, capture_output=True, text=True, env=env, timeout=60)
        if r.returncode != 0:
            raise Unavailable(f"smbpasswd -a failed: {r.stdout}{r.stderr}")
        out = open(self.root / "log" / "stdout.log", "wb")
        (self.root / "owner").write_text(str(os.getpid()))
        self.proc = subprocess.Popen(
            [smbd, "--foreground", "--no-process-group", "--debug-stdout",
             "--configfile", str(self.conf_path())],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            preexec_fn=_die_with_parent)
        out.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.root / "log" / "stdout.log").read_text(errors="replace")[-2000:]
                raise Unavailable(f"smbd exited with {self.proc.returncode}: {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise Unavailable("smbd did not listen within 30 s")

    def stop(self):
        p, self.proc = self.proc, None
        if p is not None and p.poll() is None:
            # smbd's children (one per connection) are in its session: end them all.
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


def _die_with_parent():
    """In the child before exec: SIGTERM when the test process dies, even by SIGKILL
    (smbd then stops its own children)."""
    import ctypes
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _remove_stale(prefix: str):
    """Roots left by killed runs (their owner process is gone)."""
    for d in Path(tempfile.gettempdir()).glob(prefix + "*"):
        try:
            os.kill(int((d / "owner").read_text()), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (OSError, ValueError):
            pass


def start_private(prefix: str = "winfile-smbd-") -> Smbd:
    _remove_stale(prefix)
    root = Path(tempfile.mkdtemp(prefix=prefix))
    s = Smbd(root)
    try:
        return s.start()
    except BaseException:
        s.stop()
        raise
