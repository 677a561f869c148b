//! An I/O completion port echo server on winfile's Rust API: the shape of
//! examples/iocp_echo_server.py (WSARecv, then WSASend of what arrived, through one port
//! and one worker thread calling GetQueuedCompletionStatus), without Python.
//!
//! `iocp_echo` prints the port it listens on (127.0.0.1), then serves until killed.
//! `benches/bench_sockets.py` drives it with the same clients as the Python server and the
//! asyncio baseline: the difference between this row and the Python one is what CPython's
//! calls cost, the rest is winfile's completion path.

#![allow(clippy::print_stdout)] // an example reports on stdout

use std::collections::HashMap;
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use winfile::net::{wsa_recv, wsa_send};
use winfile::overlapped::{
    associate, create_io_completion_port, get_queued_completion_status, Lent, Overlapped, Submit, Token,
};
use winfile::Handle;

const BUFSIZE: usize = 4096;

/// What a packet's token says the operation was.
#[derive(Clone, Copy)]
enum Op {
    Read,
    Write,
}

struct Conn {
    /// Owns the descriptor (closed with the connection).
    _stream: std::net::TcpStream,
    sock: u64,
    ol: Arc<Overlapped>,
    /// The bytes the last receive delivered.
    data: Arc<Mutex<Vec<u8>>>,
}

fn post_read(c: &Conn) -> winfile::Result<()> {
    let data = c.data.clone();
    let mem = Lent::delivering(BUFSIZE, move |got| {
        let mut d = data.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        d.clear();
        d.extend_from_slice(got);
    });
    let s = Submit { ol: c.ol.clone(), event: Handle::from_raw(0), token: Some(Token::new(Op::Read)) };
    wsa_recv(c.sock, mem, 0, s).map(|_| ())
}

fn post_write(c: &Conn) -> winfile::Result<()> {
    let bytes = std::mem::take(&mut *c.data.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let s = Submit { ol: c.ol.clone(), event: Handle::from_raw(0), token: Some(Token::new(Op::Write)) };
    wsa_send(c.sock, Lent::new(bytes), 0, s).map(|_| ())
}

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("local address").port());
    let port = create_io_completion_port(1);
    let conns: Arc<Mutex<HashMap<u64, Conn>>> = Arc::default();
    {
        let conns = conns.clone();
        std::thread::spawn(move || {
            for (key, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { continue };
                let _ = stream.set_nodelay(true);
                // The descriptor number is the SOCKET, as `socket.fileno()` in Python.
                let sock = stream.as_raw_fd() as u64;
                let key = key as u64;
                let Some(h) = winfile::net::resolve(sock) else { continue };
                associate(h, port, key).expect("associate");
                let c = Conn { _stream: stream, sock, ol: Arc::new(Overlapped::new()), data: Arc::default() };
                // In the map before the first receive is posted, and posted with the map
                // locked: a receive that completes at once (the client's data is already
                // there) must find its connection when the worker dequeues its packet.
                let mut map = conns.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let c = map.entry(key).or_insert(c);
                // A receive that fails at once (the client already reset) queues nothing.
                if post_read(c).is_err() {
                    map.remove(&key);
                }
            }
        });
    }
    loop {
        let Ok(p) = get_queued_completion_status(port, Some(Duration::from_secs(3600))) else { continue };
        let op = p.token.as_ref().and_then(|t| t.downcast_ref::<Op>()).copied();
        let mut map = conns.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(c) = map.get(&p.key) else { continue };
        let ok = p.status.0 == 0 && p.bytes > 0;
        let next = match (ok, op) {
            (true, Some(Op::Read)) => post_write(c),
            (true, Some(Op::Write)) => post_read(c),
            _ => {
                // Reset or closed by the client: forget the connection.
                if let Some(c) = map.remove(&p.key) {
                    // winfile's adoption first (CloseHandle), then the descriptor.
                    if let Some(h) = winfile::net::resolve(c.sock) {
                        let _ = winfile::handle::close(h);
                    }
                }
                continue;
            }
        };
        if next.is_err() {
            map.remove(&p.key);
        }
    }
}
