//! Byte-range locks through the core API, on real files.

use winfile::consts::*;
use winfile::handle::{close, Handle};
use winfile::io;
use winfile::lock::{lock_file, lock_file_ex, unlock_file, LOCKFILE_EXCLUSIVE_LOCK, LOCKFILE_FAIL_IMMEDIATELY};
use winfile::open::{create_file, CreateParams};

const SHARE_ALL: u32 = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

fn open(path: &str, access: u32) -> Handle {
    create_file(
        path,
        &CreateParams { access, share: SHARE_ALL, disposition: OPEN_ALWAYS, flags_and_attributes: 0, inherit: false },
    )
    .unwrap()
}

fn code<T: std::fmt::Debug>(r: winfile::Result<T>) -> u32 {
    r.expect_err("expected a failure").code().0
}

fn shared(h: Handle, off: u64, len: u64) -> winfile::Result<()> {
    lock_file_ex(h, LOCKFILE_FAIL_IMMEDIATELY, off, len)
}

#[test]
fn same_handle_rules() {
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/l", d.path().display());
    let h = open(&f, GENERIC_READ | GENERIC_WRITE);
    lock_file(h, 10, 20).unwrap();
    assert_eq!(code(lock_file(h, 12, 10)), 33); // overlapping exclusive, same handle
    assert_eq!(code(lock_file(h, 5, 6)), 33);
    lock_file(h, 5, 5).unwrap();
    assert_eq!(code(unlock_file(h, 10, 10)), 158); // not the exact range
    unlock_file(h, 10, 20).unwrap();
    assert_eq!(code(unlock_file(h, 10, 20)), 158);
    unlock_file(h, 5, 5).unwrap();
    // Shared locks stack; exclusive over them fails.
    shared(h, 100, 100).unwrap();
    shared(h, 150, 100).unwrap();
    assert_eq!(code(lock_file_ex(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 150, 50)), 33);
    unlock_file(h, 100, 100).unwrap();
    unlock_file(h, 150, 100).unwrap();
    // A range ending at 2^64 is valid; one past it is not.
    lock_file(h, 0x1000_0000_0000_0000, 0xf000_0000_0000_0000).unwrap();
    assert_eq!(code(lock_file(h, u64::MAX, 1)), 33);
    unlock_file(h, 0x1000_0000_0000_0000, 0xf000_0000_0000_0000).unwrap();
    assert_eq!(code(lock_file(h, 0x1000_0000_0000_0000, 0xf000_0000_0000_0001)), 307);
    // Zero-length locks.
    lock_file(h, 100, 0).unwrap();
    assert_eq!(code(lock_file(h, 98, 4)), 33);
    lock_file(h, 90, 10).unwrap();
    unlock_file(h, 90, 10).unwrap();
    unlock_file(h, 100, 0).unwrap();
    close(h).unwrap();
}

#[test]
fn other_handle_rules_and_mandatory_io() {
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/m", d.path().display());
    std::fs::write(&f, vec![b'x'; 1000]).unwrap();
    let h1 = open(&f, GENERIC_READ | GENERIC_WRITE);
    let h2 = open(&f, GENERIC_READ | GENERIC_WRITE);
    lock_file_ex(h1, LOCKFILE_EXCLUSIVE_LOCK, 300, 100).unwrap();
    assert_eq!(code(shared(h2, 300, 100)), 33);
    // Same handle may stack shared on its exclusive; exclusive goes first on unlock.
    shared(h1, 300, 100).unwrap();
    unlock_file(h1, 300, 100).unwrap();
    shared(h2, 300, 100).unwrap();
    unlock_file(h2, 300, 100).unwrap();
    // Mandatory I/O: h1 holds shared (over) its range now.
    let mut buf = [0u8; 10];
    assert_eq!(io::read_file_at(h2, &mut buf, 305).unwrap(), 10); // shared: reads pass
    assert_eq!(code(io::write_file_at(h2, b"y", 305)), 33); // but no writes
    assert_eq!(code(io::write_file_at(h1, b"y", 305)), 33); // not even the owner's
    unlock_file(h1, 300, 100).unwrap();
    lock_file(h1, 300, 100).unwrap();
    assert_eq!(code(io::read_file_at(h2, &mut buf, 395)), 33);
    assert_eq!(io::read_file_at(h1, &mut buf, 395).unwrap(), 10);
    assert_eq!(io::write_file_at(h1, b"z", 300).unwrap(), 1);
    assert_eq!(io::read_file_at(h2, &mut buf, 400).unwrap(), 10); // just past the range
                                                                  // Closing the handle drops its locks.
    close(h1).unwrap();
    assert_eq!(io::write_file_at(h2, b"w", 300).unwrap(), 1);
    lock_file(h2, 0, 1000).unwrap();
    close(h2).unwrap();
}

#[test]
fn read_only_and_write_only_handles_take_both_kinds() {
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/rw", d.path().display());
    std::fs::write(&f, b"0123456789").unwrap();
    let r = open(&f, GENERIC_READ);
    let w = open(&f, GENERIC_WRITE);
    lock_file(r, 0, 5).unwrap();
    shared(w, 5, 5).unwrap();
    assert_eq!(code(shared(w, 0, 5)), 33);
    assert_eq!(code(lock_file(r, 5, 1)), 33);
    let mut buf = [0u8; 2];
    assert_eq!(io::read_file_at(r, &mut buf, 0).unwrap(), 2);
    assert_eq!(code(io::write_file_at(w, b"a", 0)), 33);
    assert_eq!(code(io::write_file_at(w, b"a", 6)), 33);
    close(r).unwrap();
    close(w).unwrap();
}

#[test]
fn blocking_wait_is_released_by_unlock() {
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/w", d.path().display());
    let h1 = open(&f, GENERIC_READ | GENERIC_WRITE);
    let h2 = open(&f, GENERIC_READ | GENERIC_WRITE);
    lock_file(h1, 0, 10).unwrap();
    let waiter = std::thread::spawn(move || lock_file_ex(h2, LOCKFILE_EXCLUSIVE_LOCK, 0, 10));
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!waiter.is_finished());
    unlock_file(h1, 0, 10).unwrap();
    waiter.join().unwrap().unwrap();
    assert_eq!(code(lock_file(h1, 0, 10)), 33);
    close(h2).unwrap();
    lock_file(h1, 0, 10).unwrap();
    close(h1).unwrap();
}
