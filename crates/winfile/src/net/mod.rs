//! Sockets: Winsock's overlapped extensions and event selection over Linux sockets.
//!
//! One concern per file: `adopt` (how a socket descriptor becomes a winfile handle, and
//! why handle values and descriptors never collide), `reactor` (the per-process epoll
//! thread), `sendrecv` (WSASend/WSARecv, and ReadFile/WriteFile on socket handles),
//! `accept` (AcceptEx, GetAcceptExSockaddrs, CalculateSocketEndPointSize), `connect`
//! (ConnectEx), `transmit` (TransmitFile), `select` (WSAEventSelect,
//! WSAEnumNetworkEvents), `addr` (endpoint sizes and layouts). errno → WSA codes live
//! with the other errno tables (`error::wsa_from_errno`, `error::socket_status_from_errno`).
//!
//! Every overlapped socket operation is checked, then begun on the completion path
//! (`overlapped::begin_with`), so it completes as file I/O does: status and count in the
//! OVERLAPPED, then its event, then the port packet; CancelIo and closing the socket
//! complete it with ERROR_OPERATION_ABORTED (995). The readiness waits run on the
//! reactor whichever engine backend runs file I/O (engine jobs on socket handles are
//! handed to it).
//!
//! Layering: `net` sits with `overlapped` (layer 4). The engine does not import it: an
//! adopted socket's file object carries an `engine::PerformerSlot` whose performer hands
//! the engine's jobs to the reactor.

mod accept;
mod addr;
mod adopt;
mod connect;
mod reactor;
mod select;
mod sendrecv;
mod transmit;

pub use accept::{accept_ex, calculate_socket_end_point_size, get_accept_ex_sockaddrs};
pub use addr::Endpoint;
pub use adopt::{adopted_count, resolve, tie_checks, Owner, Sock};
pub use connect::connect_ex;
pub use select::{
    wsa_enum_network_events, wsa_event_select, FD_ACCEPT, FD_CLOSE, FD_CONNECT, FD_OOB, FD_READ, FD_WRITE,
};
pub use sendrecv::{recv_sync, send_sync, wsa_recv, wsa_recv_in_place, wsa_send, wsa_send_in_place};
pub use transmit::{transmit_file, transmit_file_sync, TF_DISCONNECT, TF_REUSE_SOCKET};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlapped::{get_overlapped_result, Lent, Overlapped, Submit};
    use crate::{Handle, Win32Error};
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsRawFd;
    use std::sync::Arc;

    fn submit(ol: &Arc<Overlapped>) -> Submit {
        Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None }
    }

    #[test]
    fn descriptors_are_adopted_and_values_never_collide() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let h = resolve(lst.as_raw_fd() as u64).expect("a socket descriptor is adopted");
        assert!(h.raw() >= 1 << 32);
        assert_eq!(resolve(lst.as_raw_fd() as u64), Some(h), "the same socket, the same handle");
        assert_eq!(resolve(h.raw()), None, "a handle value is never a descriptor");
        let file = std::fs::File::open("/dev/null").unwrap();
        assert_eq!(resolve(file.as_raw_fd() as u64), None, "only sockets are adopted");
    }

    /// A consumer that never runs dry keeps the reactor thread aside (the lease); a receive
    /// nobody dequeues and nobody sleeps on must still complete: the reactor thread looks
    /// at the epoll set itself when no consumer did during a lease.
    #[test]
    fn a_receive_completes_while_a_consumer_never_runs_dry() {
        use crate::overlapped::{
            create_io_completion_port, get_queued_completion_status, post_queued_completion_status,
        };
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::time::{Duration, Instant};
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut cli = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (srv, _) = lst.accept().unwrap();
        let sock = srv.as_raw_fd() as u64;
        // The reactor runs before the consumer gets busy.
        let ol = Arc::new(Overlapped::new());
        wsa_recv(sock, Lent::new(vec![0u8; 8]), 0, submit(&ol)).unwrap();
        cli.write_all(b"x").unwrap();
        assert_eq!(ol.wait().unwrap().1, 1);
        let port = create_io_completion_port(0);
        post_queued_completion_status(port, 0, 1, None).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let busy = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut rounds = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    get_queued_completion_status(port, Some(Duration::from_secs(1))).unwrap();
                    post_queued_completion_status(port, 0, 1, None).unwrap();
                    rounds += 1;
                }
                rounds
            })
        };
        std::thread::sleep(Duration::from_millis(300)); // the reactor thread stands aside
        let ol = Arc::new(Overlapped::new());
        wsa_recv(sock, Lent::new(vec![0u8; 8]), 0, submit(&ol)).unwrap();
        cli.write_all(b"ping").unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while ol.internal() == 0x103 {
            assert!(Instant::now() < deadline, "the receive never completed");
            // Not a wait function's sleep (that would end the lease), and leaving the
            // consumer a core of its own.
            std::thread::sleep(Duration::from_micros(200));
        }
        stop.store(true, Ordering::Relaxed);
        assert!(busy.join().unwrap() > 0);
        assert_eq!(ol.internal_high(), 4);
        crate::handle::close(port).unwrap();
    }

    #[test]
    fn accept_ex_then_wsa_recv_and_send() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let acc = std::net::UdpSocket::bind("127.0.0.1:0").unwrap(); // any socket; replaced by the connection
        let ol = Arc::new(Overlapped::new());
        let size = calculate_socket_end_point_size(lst.as_raw_fd() as u64).unwrap();
        let mem = Lent::new(vec![0u8; size + 8]);
        accept_ex(lst.as_raw_fd() as u64, acc.as_raw_fd() as u64, mem, submit(&ol)).unwrap();
        let mut cli = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        cli.write_all(b"ping").unwrap();
        let lh = resolve(lst.as_raw_fd() as u64).unwrap();
        assert_eq!(get_overlapped_result(lh, &ol, true).unwrap(), 4);
        // The accept socket's number is now the connection.
        let conn = acc.as_raw_fd() as u64;
        let ol = Arc::new(Overlapped::new());
        wsa_send(conn, Lent::new(b"pong".to_vec()), 0, submit(&ol)).unwrap();
        let ch = resolve(conn).unwrap();
        assert_eq!(get_overlapped_result(ch, &ol, true).unwrap(), 4);
        let mut got = [0u8; 4];
        cli.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"pong");
        // A receive cancelled by closing the adoption completes with 995.
        let ol = Arc::new(Overlapped::new());
        wsa_recv(conn, Lent::new(vec![0u8; 4]), 0, submit(&ol)).unwrap();
        crate::handle::close(ch).unwrap();
        let r = ol.wait().unwrap();
        assert_eq!(r.0, Win32Error::OPERATION_ABORTED);
    }

    /// Polls `cond` until it holds (the reactor marks a socket after publishing the
    /// completion that ran on its thread); fails after 10 s.
    fn eventually(what: &str, cond: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !cond() {
            assert!(std::time::Instant::now() < deadline, "{what}");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// The short-read rule: a receive that waited and came back short marks a TCP socket
    /// not ready to read (the next receive waits for an edge instead of failing first);
    /// the next message, sent after the mark or before the next receive, still arrives.
    #[test]
    fn a_short_read_marks_a_tcp_socket_not_ready_and_the_next_message_arrives() {
        let lst = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut cli = TcpStream::connect(lst.local_addr().unwrap()).unwrap();
        let (srv, _) = lst.accept().unwrap();
        let sock = srv.as_raw_fd() as u64;
        let (_, file) = adopt::socket(sock, "test").unwrap();
        let ol = Arc::new(Overlapped::new());
        wsa_recv(sock, Lent::new(vec![0u8; 8]), 0, submit(&ol)).unwrap(); // waits: nothing sent
        cli.write_all(b"ab").unwrap();
        assert_eq!(ol.wait().unwrap().1, 2);
        eventually("a short read on TCP marks the socket", || reactor::read_blocked(&file) == Some(true));
        let ol = Arc::new(Overlapped::new());
        wsa_recv(sock, Lent::new(vec![0u8; 8]), 0, submit(&ol)).unwrap();
        cli.write_all(b"cd").unwrap();
        assert_eq!(ol.wait().unwrap().1, 2, "the message after the short read arrives");
        // A message that is there before the receive is posted (the socket may still be
        // marked: the edge clears it).
        cli.write_all(b"ef").unwrap();
        let ol = Arc::new(Overlapped::new());
        wsa_recv(sock, Lent::new(vec![0u8; 8]), 0, submit(&ol)).unwrap();
        assert_eq!(ol.wait().unwrap().1, 2);
    }

    /// Datagrams: one per receive, a short read says nothing about the queue; several
    /// waiting receives all complete from several queued datagrams, and the socket is
    /// never marked.
    #[test]
    fn waiting_receives_on_a_datagram_socket_all_complete() {
        let rx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let sock = rx.as_raw_fd() as u64;
        let ols: Vec<_> = (0..3)
            .map(|_| {
                let ol = Arc::new(Overlapped::new());
                wsa_recv(sock, Lent::new(vec![0u8; 8]), 0, submit(&ol)).unwrap();
                ol
            })
            .collect();
        for d in [&b"a"[..], b"bb", b"ccc"] {
            tx.send_to(d, rx.local_addr().unwrap()).unwrap();
        }
        let got: Vec<usize> = ols.iter().map(|ol| ol.wait().unwrap().1).collect();
        assert_eq!(got, [1, 2, 3]);
        let (_, file) = adopt::socket(sock, "test").unwrap();
        assert_eq!(reactor::read_blocked(&file), Some(false));
    }
}
