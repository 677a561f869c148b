"""make interop's benchmark: GetFileAttributesEx of N files an SMB client wrote, read
by winfile through the local path, against the SMB client's own query of the same files
(a CREATE for FILE_READ_ATTRIBUTES, whose response carries the attributes, times and
size, and a CLOSE, in one related compound — one round trip, as a Windows client sends
for GetFileAttributesEx; over loopback). The client creates the files the same way
(CREATE with FILE_CREATE, a 64-byte WRITE, CLOSE: one compound each).

Prints one line per side and the ratio; `--json FILE` writes the numbers."""
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import smbd  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--json")
    args = ap.parse_args()
    try:
        import smbclient
        import win32file
        server = smbd.start_private("winfile-smbd-bench-")
    except (ImportError, smbd.Unavailable) as e:
        print(f"bench skipped: {e}")
        return
    try:
        smbclient.register_session("127.0.0.1", username=server.user, password=server.password,
                                   port=server.port, encrypt=False)
        kw = {"port": server.port}
        unc = server.unc + "\\bench"
        smbclient.mkdir(unc, **kw)
        t0 = time.perf_counter()
        # 500 files per directory: smbd checks a new name against the whole directory
        # (case-insensitive lookup), so one directory of 10k makes creating quadratic.
        per_dir = 500
        for d in range((args.n + per_dir - 1) // per_dir):
            smbclient.mkdir(unc + f"\\d{d:03d}", **kw)
        names = [f"d{i // per_dir:03d}\\f{i:05d}.dat" for i in range(args.n)]
        from smbclient._pool import get_smb_tree
        from smbprotocol.open import CreateDisposition, CreateOptions, ImpersonationLevel, Open
        tree, _ = get_smb_tree(unc, **kw)
        nfile = CreateOptions.FILE_NON_DIRECTORY_FILE
        conn = tree.session.connection
        sid, tid = tree.session.session_id, tree.tree_connect_id

        def compound(o, *steps):
            """One related compound (one round trip), as Windows clients send them."""
            msgs, recvs = zip(*steps)
            reqs = conn.send_compound(list(msgs), sid, tid, related=True)
            return [r(q) for r, q in zip(recvs, reqs)]

        for n in names:
            o = Open(tree, "bench\\" + n)
            compound(o, o.create(ImpersonationLevel.Impersonation, 0x2 | 0x80, 0x20, 7, CreateDisposition.FILE_CREATE,
                                 nfile, send=False),
                     o.write(b"x" * 64, 0, send=False), o.close(False, send=False))
        t_write = time.perf_counter() - t0
        local = [str(server.share / "bench" / n.replace("\\", "/")) for n in names]
        remote = [unc + "\\" + n for n in names]

        def run_winfile():
            t = time.perf_counter()
            for p in local:
                win32file.GetFileAttributesEx(p)
            return time.perf_counter() - t

        def run_client():
            t = time.perf_counter()
            for n in names:
                o = Open(tree, "bench\\" + n)
                compound(o, o.create(ImpersonationLevel.Impersonation, 0x80, 0, 7, CreateDisposition.FILE_OPEN, nfile,
                                     send=False), o.close(False, send=False))
            return time.perf_counter() - t

                # One client round (10k round trips take seconds here), the best of three
        # winfile rounds around it.
        w1 = run_winfile()
        c = run_client()
        w = min(w1, run_winfile(), run_winfile())
        # The answers agree (attributes and sizes of the SMB side's files).
        a = win32file.GetFileAttributesEx(local[0])
        s = smbclient.stat(remote[0], **kw)
        assert a[0] & 0x27 == s.st_file_attributes & 0x27 and a[4] == s.st_size == 64
        res = {"files": args.n, "client_write_s": t_write, "winfile_s": w, "client_s": c,
               "winfile_us_per_file": w / args.n * 1e6, "client_us_per_file": c / args.n * 1e6,
               "ratio_client_over_winfile": c / w}
        print(f"GetFileAttributesEx, {args.n} files written by the SMB client:")
        print(f"  winfile (local path)      {w * 1e3:9.1f} ms  {w / args.n * 1e6:8.2f} us/file")
        print(f"  SMB client's own stat     {c * 1e3:9.1f} ms  {c / args.n * 1e6:8.2f} us/file")
        print(f"  winfile is {c / w:.0f}x faster (written in {t_write:.1f} s)")
        if args.json:
            Path(args.json).write_text(json.dumps(res, indent=1) + "\n")
    finally:
        try:
            smbclient.reset_connection_cache()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
