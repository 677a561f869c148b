//! Socket transfers through the core API: WSARecv/WSASend with memory lent by the caller.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex};
use winfile::net::{resolve, wsa_recv, wsa_send};
use winfile::overlapped::{get_overlapped_result, Issued, Lent, Overlapped, Submit};
use winfile::Handle;

fn pair() -> (TcpStream, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let a = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (b, _) = l.accept().unwrap();
    (a, b)
}

fn submit(ol: &Arc<Overlapped>) -> Submit {
    Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None }
}

fn collecting(sink: &Arc<Mutex<Vec<u8>>>) -> Lent {
    let sink = sink.clone();
    Lent::delivering(64, move |got| sink.lock().unwrap().extend_from_slice(got))
}

/// A receive that finds its data in the call completes there, and the lender is told
/// the count (its memory delivered) before the OVERLAPPED shows the result; one that
/// waits delivers the same way.
#[test]
fn receives_deliver_their_bytes_whether_done_in_the_call_or_later() {
    let (mut a, b) = pair();
    let sock = b.as_raw_fd() as u64;
    let h = resolve(sock).unwrap();
    a.write_all(b"hello").unwrap();
    let mut peek = [0u8; 8];
    assert_eq!(b.peek(&mut peek).unwrap(), 5); // the data is there before the call
    let got = Arc::new(Mutex::new(Vec::new()));
    let ol = Arc::new(Overlapped::new());
    // Done in the call: Windows' return 0 with the count (pywin32's (0, n)).
    assert!(matches!(wsa_recv(sock, collecting(&got), 0, submit(&ol)).unwrap(), Issued::Completed(5)));
    assert_eq!((ol.internal(), ol.internal_high()), (0, 5), "done in the call");
    assert_eq!(&*got.lock().unwrap(), b"hello");

    got.lock().unwrap().clear();
    assert!(matches!(wsa_recv(sock, collecting(&got), 0, submit(&ol)).unwrap(), Issued::Pending));
    a.write_all(b"world!").unwrap();
    assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 6);
    assert_eq!(&*got.lock().unwrap(), b"world!");

    // A send done in the call: its result is there when it returns.
    assert!(matches!(wsa_send(sock, Lent::new(b"back".to_vec()), 0, submit(&ol)).unwrap(), Issued::Completed(4)));
    assert_eq!((ol.internal(), ol.internal_high()), (0, 4));
    let mut buf = [0u8; 4];
    std::io::Read::read_exact(&mut a, &mut buf).unwrap();
    assert_eq!(&buf, b"back");
}
