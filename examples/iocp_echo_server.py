"""An I/O completion port echo server, written as one is written for pywin32 on Windows:
AcceptEx into pre-created sockets, WSARecv/WSASend through one port, a pool of worker
threads calling GetQueuedCompletionStatus. With winfile it runs unchanged on Linux.

    python examples/iocp_echo_server.py [--port N] [--workers N] [--selftest N]

Without --selftest it serves until Ctrl-C; with --selftest N it starts N loopback
clients, checks that every message comes back, and exits (what `make test` runs).
"""
import argparse
import socket
import threading

import pywintypes
import win32event
import win32file
import winerror

OP_ACCEPT, OP_READ, OP_WRITE = 1, 2, 3
BUFSIZE = 4096


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = win32file.AllocateReadBuffer(BUFSIZE)
        self.overlapped = pywintypes.OVERLAPPED()
        self.overlapped.object = self


class Server:
    def __init__(self, port, workers, backlog=16):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(128)
        self.port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
        win32file.CreateIoCompletionPort(self.listener.fileno(), self.port, 0, 0)
        self.workers = [threading.Thread(target=self.worker, daemon=True) for _ in range(workers)]
        self.lock = threading.Lock()
        self.stopping = False
        for _ in range(backlog):
            self.post_accept()

    def post_accept(self):
        conn = Connection(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        conn.op = OP_ACCEPT
        # A buffer of exactly the endpoint size: complete on connect, without waiting for data.
        conn.accept_buffer = win32file.AllocateReadBuffer(win32file.CalculateSocketEndPointSize(self.listener))
        win32file.AcceptEx(self.listener, conn.sock, conn.accept_buffer, conn.overlapped)

    # WSARecv/WSASend return (0, n) when done at once or (997, 0) when queued: the
    # packet comes through the port either way, so the return is ignored. A call that
    # fails at once (the client reset the connection: WSAECONNRESET) queues nothing, as
    # on Windows: the connection is dropped here.
    def post_read(self, conn):
        conn.op = OP_READ
        try:
            win32file.WSARecv(conn.sock, conn.buffer, conn.overlapped, 0)
        except pywintypes.error:
            conn.sock.close()

    def post_write(self, conn, data):
        conn.op = OP_WRITE
        try:
            win32file.WSASend(conn.sock, data, conn.overlapped, 0)
        except pywintypes.error:
            conn.sock.close()

    def worker(self):
        while True:
            rc, nbytes, key, ol = win32file.GetQueuedCompletionStatus(self.port, win32event.INFINITE)
            if ol is None:  # our stop packet
                return
            conn = ol.object
            if rc != 0 or (conn.op in (OP_READ, OP_WRITE) and nbytes == 0):
                # Reset, aborted, or the client closed its side: drop the connection.
                if conn.op == OP_ACCEPT and not self.stopping:
                    self.post_accept()
                conn.sock.close()
                continue
            if conn.op == OP_ACCEPT:
                family, local, remote = win32file.GetAcceptExSockaddrs(conn.sock, conn.accept_buffer)
                win32file.CreateIoCompletionPort(conn.sock.fileno(), self.port, 1, 0)
                if not self.stopping:
                    self.post_accept()
                self.post_read(conn)
            elif conn.op == OP_READ:
                # The received bytes go back out from the read buffer itself (a slice of it:
                # no copy); the next read is posted only once this send has completed.
                self.post_write(conn, conn.buffer[:nbytes])
            else:
                self.post_read(conn)

    def start(self):
        for t in self.workers:
            t.start()

    def stop(self):
        self.stopping = True
        for _ in self.workers:
            win32file.PostQueuedCompletionStatus(self.port, 0, 0, None)
        for t in self.workers:
            t.join()
        self.listener.close()
        self.port.Close()


def selftest(server, clients, messages=20):
    errors = []

    def client(i):
        try:
            with socket.create_connection(server.listener.getsockname(), timeout=30) as s:
                for m in range(messages):
                    msg = b"client %d message %d " % (i, m) * 8
                    s.sendall(msg)
                    got = b""
                    while len(got) < len(msg):
                        got += s.recv(BUFSIZE)
                    if got != msg:
                        errors.append((i, m))
        except OSError as e:
            errors.append((i, e))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--selftest", type=int, metavar="CLIENTS")
    args = ap.parse_args()
    server = Server(args.port, args.workers)
    server.start()
    print("echo server on %s:%d" % server.listener.getsockname())
    if args.selftest:
        errors = selftest(server, args.selftest)
        server.stop()
        print("selftest: %d clients, %s" % (args.selftest, "all echoed" if not errors else errors))
        raise SystemExit(1 if errors else 0)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
