//! Share modes and delete-on-close through the core API, on real files.

use winfile::consts::*;
use winfile::handle::{close, Handle};
use winfile::open::{create_file, CreateParams};
use winfile::{fs, io};

fn open(path: &str, access: u32, share: u32, disposition: u32, flags: u32) -> winfile::Result<Handle> {
    create_file(path, &CreateParams { access, share, disposition, flags_and_attributes: flags, inherit: false })
}

fn code<T: std::fmt::Debug>(r: winfile::Result<T>) -> u32 {
    r.expect_err("expected a failure").code().0
}

/// The documented rule: each side's data access must be in the other's share mode;
/// opens without read/write/delete access take no part.
fn compatible(a1: u32, s1: u32, a2: u32, s2: u32) -> bool {
    let classes = |a: u32| {
        let a = winfile::open::map_generic(a);
        [a & (FILE_READ_DATA | FILE_EXECUTE) != 0, a & (FILE_WRITE_DATA | FILE_APPEND_DATA) != 0, a & DELETE != 0]
    };
    let shares = |s: u32| [s & FILE_SHARE_READ != 0, s & FILE_SHARE_WRITE != 0, s & FILE_SHARE_DELETE != 0];
    let (c1, c2) = (classes(a1), classes(a2));
    let (h1, h2) = (shares(s1), shares(s2));
    (0..3).all(|i| (!c1[i] || h2[i] || !c2.iter().any(|x| *x)) && (!c2[i] || h1[i] || !c1.iter().any(|x| *x)))
}

#[test]
fn share_matrix_in_one_process() {
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/m", d.path().display());
    std::fs::write(&f, b"data").unwrap();
    let accesses = [
        0,
        GENERIC_READ,
        GENERIC_WRITE,
        GENERIC_READ | GENERIC_WRITE,
        DELETE,
        GENERIC_READ | DELETE,
        FILE_APPEND_DATA,
        FILE_EXECUTE,
        FILE_READ_ATTRIBUTES,
    ];
    for &a1 in &accesses {
        for s1 in 0..8 {
            let h1 = open(&f, a1, s1, OPEN_EXISTING, 0).unwrap();
            for &a2 in &accesses {
                for s2 in 0..8 {
                    let r = open(&f, a2, s2, OPEN_EXISTING, 0);
                    if compatible(a1, s1, a2, s2) {
                        let h2 = r.unwrap_or_else(|e| panic!("{a1:x}/{s1}/{a2:x}/{s2}: {e:?}"));
                        close(h2).unwrap();
                    } else {
                        assert_eq!(code(r), 32, "{a1:x}/{s1}/{a2:x}/{s2}");
                    }
                }
            }
            close(h1).unwrap();
        }
    }
}

#[test]
fn truncation_waits_for_the_share_check() {
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/t", d.path().display());
    std::fs::write(&f, b"precious").unwrap();
    let h = open(&f, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, 0).unwrap();
    assert_eq!(code(open(&f, GENERIC_WRITE, FILE_SHARE_READ, CREATE_ALWAYS, 0)), 32);
    assert_eq!(code(open(&f, GENERIC_WRITE, FILE_SHARE_READ, TRUNCATE_EXISTING, 0)), 32);
    assert_eq!(std::fs::read(&f).unwrap(), b"precious");
    close(h).unwrap();
    let h = open(&f, GENERIC_WRITE, 0, TRUNCATE_EXISTING, 0).unwrap();
    assert_eq!(std::fs::read(&f).unwrap(), b"");
    close(h).unwrap();
}

#[test]
fn name_operations_need_share_delete() {
    let d = tempfile::tempdir().unwrap();
    let base = d.path().display().to_string();
    let (f, g) = (format!("{base}/f"), format!("{base}/g"));
    std::fs::write(&f, b"x").unwrap();
    let h = open(&f, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING, 0).unwrap();
    assert_eq!(code(fs::delete_file(&f)), 32);
    assert_eq!(code(fs::move_file(&f, Some(&g), 0)), 32);
    close(h).unwrap();
    let h = open(&f, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, OPEN_EXISTING, 0).unwrap();
    fs::move_file(&f, Some(&g), 0).unwrap();
    fs::delete_file(&g).unwrap();
    assert!(!std::path::Path::new(&g).exists());
    let mut buf = [0u8; 1];
    assert_eq!(io::read_file(h, &mut buf).unwrap(), 1); // the handle keeps working
    close(h).unwrap();

    let sub = format!("{base}/sub");
    fs::create_directory(&sub, None).unwrap();
    let h = open(&sub, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS).unwrap();
    assert_eq!(code(fs::remove_directory(&sub)), 32);
    close(h).unwrap();
    fs::remove_directory(&sub).unwrap();
}

#[test]
fn delete_on_close_waits_for_the_last_handle() {
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/doc", d.path().display());
    let all = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
    let h1 = open(&f, GENERIC_WRITE, all, CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE).unwrap();
    // The delete-on-close handle has DELETE: others must share delete.
    assert_eq!(code(open(&f, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING, 0)), 32);
    let h2 = open(&f, GENERIC_READ, all, OPEN_EXISTING, 0).unwrap();
    close(h1).unwrap();
    assert!(std::path::Path::new(&f).exists(), "deleted while a handle is open");
    // Delete pending: new opens are refused with ERROR_ACCESS_DENIED.
    assert_eq!(code(open(&f, GENERIC_READ, all, OPEN_EXISTING, 0)), 5);
    assert_eq!(code(open(&f, FILE_READ_ATTRIBUTES, all, OPEN_EXISTING, 0)), 5);
    close(h2).unwrap();
    assert!(!std::path::Path::new(&f).exists());
    assert_eq!(code(open(&f, GENERIC_READ, all, OPEN_EXISTING, 0)), 2);
}

/// Cost of the share-token protocol at the core level (not a timed assertion: run with
/// `cargo test --release -p winfile --test share -- --ignored --nocapture`).
#[test]
#[ignore]
#[allow(clippy::print_stdout)] // a measurement printed on request
fn cost_of_share_tokens() {
    use std::time::Instant;
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/b", d.path().display());
    std::fs::write(&f, b"x").unwrap();
    let n = 100_000;
    let t = Instant::now();
    for _ in 0..n {
        close(open(&f, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING, 0).unwrap())
            .unwrap();
    }
    let wf = t.elapsed().as_nanos() as f64 / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        let fd = rustix::fs::open(
            f.as_str(),
            rustix::fs::OFlags::RDWR | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .unwrap();
        drop(fd);
    }
    let raw = t.elapsed().as_nanos() as f64 / n as f64;
    println!("create_file+close {wf:.0} ns, open+close {raw:.0} ns, ratio {:.2}", wf / raw);
}

/// Opens take their token before probing, most without the per-inode flock: of two
/// racing opens that refuse each other exactly one wins, every time (never both, and
/// never neither).
#[test]
fn racing_conflicting_opens_one_wins() {
    use std::sync::{Arc, Barrier};
    let d = tempfile::tempdir().unwrap();
    let f = format!("{}/race", d.path().display());
    std::fs::write(&f, b"data").unwrap();
    let rounds = 1000;
    let barrier = Arc::new(Barrier::new(2));
    let racers: Vec<_> = [(GENERIC_READ | GENERIC_WRITE, 0), (GENERIC_READ, FILE_SHARE_READ)]
        .into_iter()
        .map(|(access, share)| {
            let (f, barrier) = (f.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut won = Vec::with_capacity(rounds);
                for _ in 0..rounds {
                    barrier.wait();
                    let r = open(&f, access, share, OPEN_EXISTING, 0);
                    won.push(r.is_ok());
                    if let Err(e) = &r {
                        assert_eq!(e.code().0, 32);
                    }
                    barrier.wait();
                    if let Ok(h) = r {
                        close(h).unwrap();
                    }
                }
                won
            })
        })
        .collect();
    let results: Vec<Vec<bool>> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    for (i, (a, b)) in results[0].iter().zip(&results[1]).enumerate() {
        assert!(a ^ b, "round {i}: both or neither opened");
    }
}
