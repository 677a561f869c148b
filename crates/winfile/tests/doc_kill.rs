//! FILE_FLAG_DELETE_ON_CLOSE through SIGKILL, on real processes: a creator killed at
//! random points leaves only marked names, and the next listing or open deletes them
//! (docs/share-and-locks.md, "Delete-on-close through a crash").
//!
//! The test binary is its own child: run with `WINFILE_DOC_KILL_DIR` set, the test
//! below becomes the creator loop and never returns.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};
use winfile::consts::*;
use winfile::find::Finder;
use winfile::open::{create_file, CreateParams};

const KILLS: u32 = 200;
const DIR_ENV: &str = "WINFILE_DOC_KILL_DIR";
const ID_ENV: &str = "WINFILE_DOC_KILL_ID";
const TEST: &str = "sigkill_loop_leaves_no_delete_on_close_file";

fn open(path: &str, disposition: u32, flags: u32) -> winfile::Result<winfile::Handle> {
    create_file(
        path,
        &CreateParams {
            access: GENERIC_READ | GENERIC_WRITE,
            share: 0,
            disposition,
            flags_and_attributes: flags,
            inherit: false,
        },
    )
}

/// The child: creates delete-on-close files under fresh names (the three creating
/// dispositions in turn), writes, closes; says "ready" after the first round.
fn creator_loop(dir: &str, id: &str) -> ! {
    let disp = [CREATE_NEW, CREATE_ALWAYS, OPEN_ALWAYS];
    for n in 0u64.. {
        let name = format!("{dir}/w{id}-{n}.tmp");
        let h = open(&name, disp[(n % 3) as usize], FILE_FLAG_DELETE_ON_CLOSE).expect("create");
        winfile::io::write_file(h, &[b'x'; 64]).expect("write");
        winfile::handle::close(h).expect("close");
        if n == 0 {
            let mut out = std::io::stdout();
            writeln!(out, "doc-kill-ready").and_then(|()| out.flush()).expect("stdout");
        }
    }
    unreachable!()
}

/// A small xorshift generator (no dependency) for the kill delays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn sigkill_loop_leaves_no_delete_on_close_file() {
    if let (Ok(dir), Ok(id)) = (std::env::var(DIR_ENV), std::env::var(ID_ENV)) {
        creator_loop(&dir, &id);
    }
    let d = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let seed = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    let mut rng = Rng(seed);
    for k in 0..KILLS {
        let mut child = Command::new(&exe)
            .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env(DIR_ENV, d.path())
            .env(ID_ENV, k.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "child {k} ended early (seed {seed})");
            if line.contains("doc-kill-ready") {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(4000)));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "child {k} was not killed (seed {seed})");
    }
    let left = listing(d.path());
    eprintln!("seed {seed}: {} of {KILLS} kills left a marked name before cleanup", left.len());
    // Every name left carries the marker's hint (S_ISVTX): never an ordinary file.
    for n in &left {
        let mode = std::fs::metadata(d.path().join(n)).unwrap().permissions().mode();
        assert_ne!(mode & 0o1000, 0, "{n} is an ordinary file (seed {seed})");
    }
    // Half are opened by name: the open finishes the delete and finds nothing.
    for n in &left[..left.len() / 2] {
        let path = format!("{}/{n}", d.path().display());
        let e = open(&path, OPEN_EXISTING, 0).expect_err("a leftover opened");
        assert_eq!(e.code().0, 2, "{n} (seed {seed})");
    }
    // The rest: a listing shows none of them and deletes them.
    let spec = format!("{}/*", d.path().display());
    let shown: Vec<String> =
        Finder::open(&spec).unwrap().map(|r| r.unwrap().name).filter(|n| n != "." && n != "..").collect();
    assert!(shown.is_empty(), "listed {shown:?} (seed {seed})");
    assert_eq!(listing(d.path()), Vec::<String>::new(), "seed {seed}");
}
