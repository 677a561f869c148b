//! Overlapped reads and writes, GetOverlappedResult, CancelIo and completion ports.
//!
//! Tests that go through the completion engine use `engine_test!` (once per backend).

#[macro_use]
mod engine_test;

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

engine_test!(
    fn reads_and_writes_at_offsets_signal_the_event() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("ov.bin");
        let h = open_overlapped(f.to_str().unwrap(), CREATE_NEW);
        let ev = sync::create_event(true, false, None).unwrap();
        let ol = Arc::new(Overlapped::new());
        ol.set_offset(1 << 20);
        write_file(h, Lent::new(b"hello".to_vec()), submit_with(&ol, ev)).unwrap();
        assert_eq!(sync::wait_for_single(ev, Some(Duration::from_secs(5))).unwrap(), sync::WaitOutcome::Object(0));
        assert_eq!(get_overlapped_result(h, &ol, false).unwrap(), 5);
        assert_eq!(std::fs::metadata(&f).unwrap().len(), (1 << 20) + 5);

        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        ol.set_offset((1 << 20) + 1);
        read_file(h, Lent::delivering(10, move |d| sink.lock().unwrap().extend_from_slice(d)), submit_with(&ol, ev))
            .unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 4);
        assert_eq!(&*got.lock().unwrap(), b"ello");

        ol.set_offset(1 << 30); // past the end
        read_file(h, Lent::new(vec![0u8; 10]), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap_err().code(), Win32Error::HANDLE_EOF);
        handle::close(h).unwrap();
    }
);

engine_test!(
    fn completion_port_gets_one_packet_per_operation() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("port.bin");
        std::fs::write(&f, vec![7u8; 64 * 1024]).unwrap();
        let h = open_overlapped(f.to_str().unwrap(), OPEN_EXISTING);
        let port = create_io_completion_port(0);
        associate(h, port, 42).unwrap();
        assert_eq!(associate(h, port, 43).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
        let ops: Vec<_> = (0..64u64)
            .map(|i| {
                let ol = Arc::new(Overlapped::new());
                ol.set_offset(i * 1024);
                read_file(
                    h,
                    Lent::new(vec![0u8; 1024]),
                    Submit { ol: ol.clone(), event: Handle::from_raw(0), token: Some(Token::new(i)) },
                )
                .unwrap();
                ol
            })
            .collect();
        let mut seen = [false; 64];
        for _ in 0..64 {
            let p = get_queued_completion_status(port, Some(Duration::from_secs(5))).unwrap();
            assert_eq!((p.status, p.bytes, p.key), (Win32Error::SUCCESS, 1024, 42));
            let i = *p.token.unwrap().downcast::<u64>().unwrap() as usize;
            assert!(!seen[i], "duplicate packet");
            seen[i] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(
            get_queued_completion_status(port, Some(Duration::from_millis(10))).err(),
            Some(Win32Error::WAIT_TIMEOUT)
        );
        drop(ops);
        handle::close(h).unwrap();
        handle::close(port).unwrap();
    }
);

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

engine_test!(
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
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_bits_truncate(0o600),
            0,
        )
        .unwrap();
        let writer = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap(); // keeps the FIFO open
        let h = open_overlapped(fifo.to_str().unwrap(), OPEN_EXISTING);
        let ol = Arc::new(Overlapped::new());
        read_file(h, Lent::new(vec![0u8; 16]), Submit { ol: ol.clone(), event: Handle::from_raw(0), token: None })
            .unwrap();
        assert_eq!(get_overlapped_result(h, &ol, false).unwrap_err().code(), Win32Error::IO_INCOMPLETE);
        assert_eq!(ol.internal(), STATUS_PENDING);
        cancel_io(h).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap_err().code(), Win32Error::OPERATION_ABORTED);
        let ol2 = Arc::new(Overlapped::new());
        read_file(h, Lent::new(vec![0u8; 16]), Submit { ol: ol2.clone(), event: Handle::from_raw(0), token: None })
            .unwrap();
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
);

fn make_fifo(d: &tempfile::TempDir) -> std::path::PathBuf {
    let fifo = d.path().join("fifo");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_bits_truncate(0o600),
        0,
    )
    .unwrap();
    fifo
}

/// A read target of `len` bytes whose data is appended to `sink` when the read ends.
fn collect(len: usize, sink: &Arc<Mutex<Vec<u8>>>) -> Lent {
    let sink = sink.clone();
    Lent::delivering(len, move |d: &[u8]| sink.lock().unwrap().extend_from_slice(d))
}

engine_test!(
    fn fifo_read_completes_when_data_arrives_and_writes_reach_the_reader() {
        use std::io::{Read, Write};
        let d = tempfile::tempdir().unwrap();
        let fifo = make_fifo(&d);
        let mut peer = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
        let h = open_overlapped(fifo.to_str().unwrap(), OPEN_EXISTING);
        let ev = sync::create_event(true, false, None).unwrap();
        let ol = Arc::new(Overlapped::new());
        ol.set_offset(12345); // ignored for pipes
        let got = Arc::new(Mutex::new(Vec::new()));
        read_file(h, collect(64, &got), submit_with(&ol, ev)).unwrap();
        assert_eq!(sync::wait_for_single(ev, Some(Duration::from_millis(50))).unwrap(), sync::WaitOutcome::Timeout);
        peer.write_all(b"ping").unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 4);
        assert_eq!(&*got.lock().unwrap(), b"ping");

        let olw = Arc::new(Overlapped::new());
        write_file(h, Lent::new(b"pong".to_vec()), submit_with(&olw, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &olw, true).unwrap(), 4);
        let mut back = [0u8; 4];
        peer.read_exact(&mut back).unwrap();
        assert_eq!(&back, b"pong");
        handle::close(h).unwrap();
    }
);

engine_test!(
    fn many_operations_through_a_port_under_eight_threads() {
        const OPS: u64 = 4000;
        const CHUNK: u64 = 512;
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("many.bin");
        let content: Vec<u8> = (0..OPS * CHUNK).map(|i| (i / CHUNK) as u8).collect();
        std::fs::write(&f, &content).unwrap();
        let h = open_overlapped(f.to_str().unwrap(), OPEN_EXISTING);
        let port = create_io_completion_port(0);
        associate(h, port, 7).unwrap();
        let seen = Arc::new(Mutex::new(vec![0u32; OPS as usize]));
        let waiters: Vec<_> = (0..8)
            .map(|_| {
                let seen = seen.clone();
                thread::spawn(move || loop {
                    match get_queued_completion_status(port, Some(Duration::from_secs(10))) {
                        Ok(p) if p.key == 7 => {
                            assert_eq!((p.status, p.bytes), (Win32Error::SUCCESS, CHUNK as usize));
                            let i = *p.token.unwrap().downcast::<u64>().unwrap();
                            seen.lock().unwrap()[i as usize] += 1;
                        }
                        Ok(_) => return, // the stop packet
                        Err(e) => panic!("GetQueuedCompletionStatus: {e:?}"),
                    }
                })
            })
            .collect();
        let bad = Arc::new(Mutex::new(0u32));
        // Submitters on several threads too; each checks its data.
        let submitters: Vec<_> = (0..4u64)
            .map(|t| {
                let bad = bad.clone();
                thread::spawn(move || {
                    for i in (t..OPS).step_by(4) {
                        let ol = Arc::new(Overlapped::new());
                        ol.set_offset(i * CHUNK);
                        let bad = bad.clone();
                        let check = Lent::delivering(CHUNK as usize, move |d: &[u8]| {
                            if d.len() != CHUNK as usize || d.iter().any(|b| *b != i as u8) {
                                *bad.lock().unwrap() += 1;
                            }
                        });
                        read_file(h, check, Submit { ol, event: Handle::from_raw(0), token: Some(Token::new(i)) })
                            .unwrap();
                    }
                })
            })
            .collect();
        for s in submitters {
            s.join().unwrap();
        }
        // Wait for every packet, then stop the waiters.
        let mut rounds = 0;
        while seen.lock().unwrap().iter().sum::<u32>() < OPS as u32 && rounds < 1000 {
            thread::sleep(Duration::from_millis(10));
            rounds += 1;
        }
        for _ in 0..8 {
            post_queued_completion_status(port, 0, 0, None).unwrap();
        }
        for w in waiters {
            w.join().unwrap();
        }
        assert!(seen.lock().unwrap().iter().all(|n| *n == 1), "a packet was lost or duplicated");
        assert_eq!(*bad.lock().unwrap(), 0, "wrong data delivered");
        handle::close(h).unwrap();
        handle::close(port).unwrap();
    }
);

engine_test!(
    fn post_and_get_across_threads() {
        let port = create_io_completion_port(0);
        let getter = thread::spawn(move || {
            (0..100)
                .map(|_| get_queued_completion_status(port, Some(Duration::from_secs(10))).unwrap().key)
                .collect::<Vec<_>>()
        });
        let posters: Vec<_> = (0..4u64)
            .map(|t| {
                thread::spawn(move || {
                    for i in 0..25 {
                        post_queued_completion_status(port, 0, t * 100 + i, None).unwrap()
                    }
                })
            })
            .collect();
        for p in posters {
            p.join().unwrap();
        }
        let mut keys = getter.join().unwrap();
        keys.sort_unstable();
        let mut want: Vec<u64> = (0..4u64).flat_map(|t| (0..25).map(move |i| t * 100 + i)).collect();
        want.sort_unstable();
        assert_eq!(keys, want);
        handle::close(port).unwrap();
    }
);

engine_test!(
    fn dropping_every_reference_mid_flight() {
        let d = tempfile::tempdir().unwrap();
        let fifo = make_fifo(&d);
        let _peer = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
        let h = open_overlapped(fifo.to_str().unwrap(), OPEN_EXISTING);
        let ev = sync::create_event(true, false, None).unwrap();
        let kept = Arc::new(Overlapped::new());
        for _ in 0..50 {
            // The caller's only reference goes at once; the engine keeps the operation alive.
            read_file(h, Lent::new(vec![0u8; 4096]), submit_with(&Arc::new(Overlapped::new()), Handle::from_raw(0)))
                .unwrap();
        }
        read_file(h, Lent::new(vec![0u8; 4096]), submit_with(&kept, ev)).unwrap();
        handle::close(h).unwrap();
        assert_eq!(sync::wait_for_single(ev, Some(Duration::from_secs(10))).unwrap(), sync::WaitOutcome::Object(0));
        assert_eq!(kept.internal(), 995);
        handle::close(ev).unwrap();
    }
);

engine_test!(
    fn zero_length_eof_and_locked_ranges() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("lk.bin");
        std::fs::write(&f, vec![1u8; 4096]).unwrap();
        let p = CreateParams {
            access: GENERIC_READ | GENERIC_WRITE,
            share: FILE_SHARE_READ | FILE_SHARE_WRITE,
            disposition: OPEN_EXISTING,
            flags_and_attributes: FILE_FLAG_OVERLAPPED,
            ..Default::default()
        };
        let h = create_file(f.to_str().unwrap(), &p).unwrap();
        let other = create_file(f.to_str().unwrap(), &CreateParams { flags_and_attributes: 0, ..p.clone() }).unwrap();
        let ol = Arc::new(Overlapped::new());
        read_file(h, Lent::new(vec![0u8; 0]), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 0);
        ol.set_offset(4000);
        let got = Arc::new(Mutex::new(Vec::new()));
        read_file(h, collect(1000, &got), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 96); // short at end of file
        assert_eq!(got.lock().unwrap().len(), 96);
        ol.set_offset(4096);
        read_file(h, Lent::new(vec![0u8; 10]), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap_err().code(), Win32Error::HANDLE_EOF);
        // Another handle's exclusive lock: reads and writes of the range fail with 33.
        winfile::lock::lock_file(other, 100, 100).unwrap();
        ol.set_offset(150);
        // Rejected at once, as Windows does (no completion, the OVERLAPPED untouched).
        assert_eq!(
            read_file(h, Lent::new(vec![0u8; 10]), submit_with(&ol, Handle::from_raw(0))).unwrap_err().code(),
            Win32Error::LOCK_VIOLATION
        );
        // Rejected at once, as Windows does (no completion, the OVERLAPPED untouched).
        assert_eq!(
            write_file(h, Lent::new(b"x".to_vec()), submit_with(&ol, Handle::from_raw(0))).unwrap_err().code(),
            Win32Error::LOCK_VIOLATION
        );
        ol.set_offset(300);
        write_file(h, Lent::new(b"y".to_vec()), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 1);
        assert_eq!(std::fs::read(&f).unwrap()[300], b'y');
        handle::close(other).unwrap();
        handle::close(h).unwrap();
    }
);

engine_test!(
    fn no_buffering_alignment() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("direct.bin");
        let content: Vec<u8> = (0..8192u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&f, &content).unwrap();
        let p = CreateParams {
            access: GENERIC_READ | GENERIC_WRITE,
            disposition: OPEN_EXISTING,
            flags_and_attributes: FILE_FLAG_OVERLAPPED | FILE_FLAG_NO_BUFFERING,
            ..Default::default()
        };
        let h = create_file(f.to_str().unwrap(), &p).unwrap();
        let ol = Arc::new(Overlapped::new());
        ol.set_offset(100);
        // Rejected at once, as Windows does (no completion, the OVERLAPPED untouched).
        assert_eq!(
            read_file(h, Lent::new(vec![0u8; 512]), submit_with(&ol, Handle::from_raw(0))).unwrap_err().code(),
            Win32Error::INVALID_PARAMETER
        );
        ol.set_offset(512);
        // Rejected at once, as Windows does (no completion, the OVERLAPPED untouched).
        assert_eq!(
            read_file(h, Lent::new(vec![0u8; 100]), submit_with(&ol, Handle::from_raw(0))).unwrap_err().code(),
            Win32Error::INVALID_PARAMETER
        );
        let got = Arc::new(Mutex::new(Vec::new()));
        read_file(h, collect(1024, &got), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 1024);
        assert_eq!(&got.lock().unwrap()[..], &content[512..1536]);
        // Unbuffered reads go through the ring on io_uring: a short read at the end of the
        // file, then end of file.
        ol.set_offset(7680);
        read_file(h, Lent::new(vec![0u8; 1024]), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 512);
        ol.set_offset(8192);
        read_file(h, Lent::new(vec![0u8; 512]), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap_err().code(), Win32Error::HANDLE_EOF);
        ol.set_offset(4096);
        write_file(h, Lent::new(vec![9u8; 512]), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 512);
        handle::close(h).unwrap();
        assert_eq!(&std::fs::read(&f).unwrap()[4096..4608], &[9u8; 512][..]);
    }
);

engine_test!(
    fn uncached_reads_complete_with_the_data() {
        // Evicted pages: io_uring cannot serve these inline, so the ring (or a pool worker)
        // reads them from the disk.
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("cold.bin");
        let content: Vec<u8> = (0..(1u32 << 20)).map(|i| (i * 7 % 253) as u8).collect();
        std::fs::write(&f, &content).unwrap();
        let file = std::fs::File::open(&f).unwrap();
        file.sync_all().unwrap();
        rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        let h = open_overlapped(f.to_str().unwrap(), OPEN_EXISTING);
        let ops: Vec<_> = [3u64, 100, 0, 200, 254]
            .iter()
            .map(|&i| {
                let ol = Arc::new(Overlapped::new());
                ol.set_offset(i * 4096 + 10);
                let got = Arc::new(Mutex::new(Vec::new()));
                read_file(h, collect(4096, &got), submit_with(&ol, Handle::from_raw(0))).unwrap();
                (i, ol, got)
            })
            .collect();
        for (i, ol, got) in ops {
            assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 4096);
            let at = (i * 4096 + 10) as usize;
            assert_eq!(&got.lock().unwrap()[..], &content[at..at + 4096]);
        }
        handle::close(h).unwrap();
    }
);

/// An OVERLAPPED that shows whether a rejected request touched it: InternalHigh 7,
/// its event set, the file handle signaled.
fn untouched_after(h: Handle, ol: &Arc<Overlapped>, ev: Handle) {
    assert_eq!(ol.internal_high(), 7, "InternalHigh changed");
    assert_eq!(ol.internal(), 0, "Internal changed");
    assert_eq!(sync::wait_for_single(ev, Some(Duration::ZERO)).unwrap(), sync::WaitOutcome::Object(0), "event reset");
    assert_eq!(sync::wait_for_single(h, Some(Duration::ZERO)).unwrap(), sync::WaitOutcome::Object(0), "handle reset");
    // Not pending: GetOverlappedResult answers at once with the old count.
    assert_eq!(get_overlapped_result(h, ol, true).unwrap(), 7);
}

fn marked_overlapped() -> (Arc<Overlapped>, Handle) {
    let ol = Arc::new(Overlapped::new());
    ol.set_internal_high(7);
    (ol, sync::create_event(true, true, None).unwrap())
}

engine_test!(
    fn rejected_requests_leave_nothing_pending() {
        use winfile::lock::{LOCKFILE_EXCLUSIVE_LOCK, LOCKFILE_FAIL_IMMEDIATELY};
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("r.bin");
        std::fs::write(&f, vec![1u8; 4096]).unwrap();
        let shared = CreateParams {
            access: GENERIC_READ,
            share: FILE_SHARE_READ | FILE_SHARE_WRITE,
            disposition: OPEN_EXISTING,
            flags_and_attributes: FILE_FLAG_OVERLAPPED,
            ..Default::default()
        };
        let h = create_file(f.to_str().unwrap(), &shared).unwrap();
        let other = create_file(
            f.to_str().unwrap(),
            &CreateParams { access: GENERIC_READ | GENERIC_WRITE, flags_and_attributes: 0, ..shared.clone() },
        )
        .unwrap();
        let (ol, ev) = marked_overlapped();
        let code = |r: winfile::Result<Issued>| r.unwrap_err().code();
        // ReadFile: a bad event handle (6), a locked range (33).
        let bad_event = Submit { ol: ol.clone(), event: Handle::from_raw(0x7777_0000), token: None };
        assert_eq!(code(read_file(h, Lent::new(vec![0; 10]), bad_event)), Win32Error::INVALID_HANDLE);
        untouched_after(h, &ol, ev);
        winfile::lock::lock_file(other, 0, 100).unwrap();
        assert_eq!(code(read_file(h, Lent::new(vec![0; 10]), submit_with(&ol, ev))), Win32Error::LOCK_VIOLATION);
        untouched_after(h, &ol, ev);
        // WriteFile without write access (5).
        assert_eq!(code(write_file(h, Lent::new(vec![0; 10]), submit_with(&ol, ev))), Win32Error::ACCESS_DENIED);
        untouched_after(h, &ol, ev);
        // LockFileEx: a bad event (6); a conflict with LOCKFILE_FAIL_IMMEDIATELY (33).
        let bad_event = Submit { ol: ol.clone(), event: Handle::from_raw(0x7777_0000), token: None };
        assert_eq!(code(lock_file(h, LOCKFILE_EXCLUSIVE_LOCK, 0, 10, bad_event)), Win32Error::INVALID_HANDLE);
        untouched_after(h, &ol, ev);
        let flags = LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY;
        assert_eq!(code(lock_file(h, flags, 0, 10, submit_with(&ol, ev))), Win32Error::LOCK_VIOLATION);
        untouched_after(h, &ol, ev);
        // ReadDirectoryChangesW: filter 0 (87) on a directory; a file handle (87).
        let dir = create_file(
            d.path().to_str().unwrap(),
            &CreateParams {
                access: FILE_LIST_DIRECTORY,
                share: FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                disposition: OPEN_EXISTING,
                flags_and_attributes: FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED,
                ..Default::default()
            },
        )
        .unwrap();
        let rdcw = |target: Handle, filter: u32| {
            read_directory_changes(target, Lent::new(vec![0; 1024]), false, filter, submit_with(&ol, ev))
                .unwrap_err()
                .code()
        };
        assert_eq!(rdcw(dir, 0), Win32Error::INVALID_PARAMETER);
        untouched_after(dir, &ol, ev);
        assert_eq!(rdcw(h, winfile::notify::FILE_NOTIFY_CHANGE_FILE_NAME), Win32Error::INVALID_PARAMETER);
        untouched_after(h, &ol, ev);
        for x in [dir, other, h, ev] {
            handle::close(x).unwrap();
        }
    }
);

engine_test!(
    fn a_panic_while_finishing_is_contained_and_later_io_completes() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("p.bin");
        std::fs::write(&f, vec![5u8; 8192]).unwrap();
        let h = open_overlapped(f.to_str().unwrap(), OPEN_EXISTING);
        let fifo = make_fifo(&d);
        let _peer = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
        let pipe = open_overlapped(fifo.to_str().unwrap(), OPEN_EXISTING);
        // One on the caller's thread (cached data), one on the engine's (a pipe write).
        winfile::engine::inject_finish_panic(1);
        let ol = Arc::new(Overlapped::new());
        read_file(h, Lent::new(vec![0u8; 4096]), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(h, &ol, true).unwrap_err().code(), Win32Error::INTERNAL_ERROR);
        winfile::engine::inject_finish_panic(1);
        write_file(pipe, Lent::new(b"abc".to_vec()), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(pipe, &ol, true).unwrap_err().code(), Win32Error::INTERNAL_ERROR);
        // The engine goes on.
        for i in 0..50u64 {
            let got = Arc::new(Mutex::new(Vec::new()));
            ol.set_offset(i * 64);
            read_file(h, collect(64, &got), submit_with(&ol, Handle::from_raw(0))).unwrap();
            assert_eq!(get_overlapped_result(h, &ol, true).unwrap(), 64);
            assert_eq!(*got.lock().unwrap(), vec![5u8; 64]);
        }
        write_file(pipe, Lent::new(b"abc".to_vec()), submit_with(&ol, Handle::from_raw(0))).unwrap();
        assert_eq!(get_overlapped_result(pipe, &ol, true).unwrap(), 3);
        handle::close(pipe).unwrap();
        handle::close(h).unwrap();
    }
);
