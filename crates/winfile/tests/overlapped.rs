//! Overlapped reads and writes, GetOverlappedResult, CancelIo and completion ports.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;
use winfile::consts::*;
use winfile::open::{create_file, CreateParams};
use winfile::overlapped::*;
use winfile::{handle, sync, Handle, Win32Error};

fn open_overlapped(path: &str, disposition: u32) -> Handle {
    let p = CreateParams {
        access: GENERIC_READ | GENERIC_WRITE,
        disposition,
        flags_and_attributes: FILE_FLAG_OVERLAPPED,
        ..Default::default()
    };
    create_file(path, &p).unwrap()
}

fn submit_with(ol: &Arc<Overlapped>, event: Handle) -> Submit {
    Submit { ol: ol.clone(), event, token: None }
}

#[test]
fn reads_and_writes_at_offsets_signal_the_event() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("ov.bin");
    let h = open_overlapped(f.to_str().unwrap(), CREATE_NEW);
    let ev = sync::create_event(true, false, None).unwrap();
    let ol = Arc::new(Overlapped::new());
    ol.set_offset(1 << 20);
    submit_write(h, b"hello".to_vec(), submit_with(&ol, ev)).unwrap();
    assert_eq!(sync::wait_for_single(ev, Some(Duration::from_secs(5))).unwrap(), sync::WaitOutcome::Object(0));
    assert_eq!(get_overlapped_result(h, &ol, false).unwrap(), 5);
    assert_eq!(std::fs::metadata(&f).unwrap().len(), (1 << 20) + 5);

    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    ol.set_offset((1 << 20) + 1);
    submit_read(h, 10, submit_with(&ol, ev), Some(Box::new(move |d| sink.lock().unwrap().extend_from_slice(d)))).unwrap();
    assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 4);
    assert_eq!(&*got.lock().unwrap(), b"ello");

    ol.set_offset(1 << 30); // past the end
    submit_read(h, 10, submit_with(&ol, Handle::from_raw(0)), None).unwrap();
    assert_eq!(get_overlapped_result(h, &ol, true).unwrap_err().code(), Win32Error::HANDLE_EOF);
    handle::close(h).unwrap();
}

#[test]
fn completion_port_gets_one_packet_per_operation() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("port.bin");
    std::fs::write(&f, vec![7u8; 64 * 1024]).unwrap();
    let h = open_overlapped(f.to_str().unwrap(), OPEN_EXISTING);
    let port = create_io_completion_port(0);
    associate(h, port, 42).unwrap();
    assert_eq!(associate(h, port, 43).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
    let ops: Vec<_> = (0..64u64).map(|i| {
        let ol = Arc::new(Overlapped::new());
        ol.set_offset(i * 1024);
        submit_read(h, 1024, Submit { ol: ol.clone(), event: Handle::from_raw(0), token: Some(Box::new(i)) }, None).unwrap();
        ol
    }).collect();
    let mut seen = vec![false; 64];
    for _ in 0..64 {
        let p = get_queued_completion_status(port, Some(Duration::from_secs(5))).unwrap();
        assert_eq!((p.status, p.bytes, p.key), (Win32Error::SUCCESS, 1024, 42));
        let i = *p.token.unwrap().downcast::<u64>().unwrap() as usize;
        assert!(!seen[i], "duplicate packet");
        seen[i] = true;
    }
    assert!(seen.iter().all(|s| *s));
    assert_eq!(get_queued_completion_status(port, Some(Duration::from_millis(10))).err(), Some(Win32Error::WAIT_TIMEOUT));
    drop(ops);
    handle::close(h).unwrap();
    handle::close(port).unwrap();
}

#[test]
fn lifo_wakeup_and_abandoned_waits() {
    let port = create_io_completion_port(0);
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for i in 0..3u64 {
        let order = order.clone();
        threads.push(thread::spawn(move || {
            if let Ok(p) = get_queued_completion_status(port, Some(Duration::from_secs(5))) {
                order.lock().unwrap().push((i, p.key));
            }
        }));
        thread::sleep(Duration::from_millis(50)); // waiters stack up in order 0, 1, 2
    }
    post_queued_completion_status(port, 0, 100, None).unwrap();
    thread::sleep(Duration::from_millis(50));
    assert_eq!(*order.lock().unwrap(), vec![(2, 100)]); // the newest waiter first
    handle::close(port).unwrap(); // the other two are abandoned
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(order.lock().unwrap().len(), 1);
}

#[test]
fn cancel_and_close_abort_pending_reads() {
    let (r, w) = rustix::pipe::pipe().unwrap();
    let _keep = w;
    let raw = std::os::fd::AsRawFd::as_raw_fd(&r);
    // A pipe with nothing to read: the read stays pending until cancelled.
    let h = handle::get_osfhandle(raw).unwrap();
    // get_osfhandle handles are synchronous; use a named FIFO for an overlapped handle.
    let _ = h;
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("fifo");
    rustix::fs::mknodat(rustix::fs::CWD, &fifo, rustix::fs::FileType::Fifo, rustix::fs::Mode::from_bits_truncate(0o600), 0).unwrap();
    let writer = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap(); // keeps the FIFO open
    let h = open_overlapped(fifo.to_str().unwrap(), OPEN_EXISTING);
    let ol = Arc::new(Overlapped::new());
    submit_read(h, 16, Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None }, None).unwrap();
    assert_eq!(get_overlapped_result(h, &ol, false).unwrap_err().code(), Win32Error::IO_INCOMPLETE);
    assert_eq!(ol.internal(), STATUS_PENDING);
    cancel_io(h).unwrap();
    assert_eq!(get_overlapped_result(h, &ol, true).unwrap_err().code(), Win32Error::OPERATION_ABORTED);
    let ol2 = Arc::new(Overlapped::new());
    submit_read(h, 16, Submit { ol: ol2.clone(), event: Handle::from_raw(0), token: None }, None).unwrap();
    handle::close(h).unwrap();
    thread::sleep(Duration::from_millis(10));
    // The handle is gone; the OVERLAPPED still tells the outcome.
    let (status, _) = loop {
        if ol2.internal() != STATUS_PENDING {
            break (ol2.internal(), 0);
        }
        thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status, 995);
    drop(writer);
}
