//! 4 KiB random reads at a fixed queue depth through a completion port, from Rust.
//!
//! `qd32 PATH [SECONDS] [DEPTH]` prints one JSON line: `{"engine":..,"iops":..,"ops":..}`.
//! The backend follows `WINFILE_ENGINE` (uring|pool). Each completion resubmits its slot
//! at a new random 4 KiB-aligned offset, as fio's randread does; the data lands in the
//! engine's buffer and is not copied out (no deliver step), as fio does not copy either.
//! Run by `benches/bench_iocp.py`.

#![allow(clippy::print_stdout)] // an example reports on stdout

use std::sync::Arc;
use std::time::{Duration, Instant};
use winfile::consts::{FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, GENERIC_READ, OPEN_EXISTING};
use winfile::open::{create_file, CreateParams};
use winfile::overlapped::{
    associate, create_io_completion_port, get_queued_completion_status, read_file, Lent, Overlapped, Submit, Token,
};
use winfile::{handle, Handle};

const BLOCK: u64 = 4096;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: qd32 PATH [SECONDS] [DEPTH]");
    let seconds: f64 = args.next().map_or(5.0, |s| s.parse().expect("seconds"));
    let depth: usize = args.next().map_or(32, |s| s.parse().expect("depth"));
    let size = std::fs::metadata(&path).expect("stat").len();
    let blocks = size / BLOCK;
    assert!(blocks > 0, "file smaller than one block");

    let params = CreateParams {
        access: GENERIC_READ,
        share: FILE_SHARE_READ,
        disposition: OPEN_EXISTING,
        flags_and_attributes: FILE_FLAG_OVERLAPPED,
        inherit: false,
    };
    let h = create_file(&path, &params).expect("CreateFile");
    let port = create_io_completion_port(1);
    associate(h, port, 1).expect("associate");
    let engine = winfile::engine::backend_name();
    let mut rng = fastrand::Rng::with_seed(0x9E37_79B9_7F4A_7C15);
    let slots: Vec<Arc<Overlapped>> = (0..depth).map(|_| Arc::new(Overlapped::new())).collect();
    let issue = |slot: usize, rng: &mut fastrand::Rng| {
        let ol = &slots[slot];
        ol.set_offset(rng.u64(..blocks) * BLOCK);
        let s = Submit { ol: ol.clone(), event: Handle::from_raw(0), token: Some(Token::new(slot)) };
        read_file(h, Lent::new(vec![0u8; BLOCK as usize]), s).expect("ReadFile");
    };
    for slot in 0..depth {
        issue(slot, &mut rng);
    }
    let limit = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut ops: u64 = 0;
    let mut stopping = false;
    let mut outstanding = depth;
    while outstanding > 0 {
        let p = get_queued_completion_status(port, Some(Duration::from_secs(30))).expect("GetQueuedCompletionStatus");
        assert_eq!(p.bytes, BLOCK as usize, "short read");
        ops += 1;
        if !stopping && ops % 1024 == 0 && start.elapsed() >= limit {
            stopping = true;
        }
        if stopping {
            outstanding -= 1;
        } else {
            let slot = *p.token.expect("token").downcast::<usize>().expect("slot");
            issue(slot, &mut rng);
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    handle::close(h).expect("CloseHandle");
    handle::close(port).expect("CloseHandle");
    println!("{{\"engine\":\"{engine}\",\"iops\":{:.0},\"ops\":{ops},\"seconds\":{elapsed:.3}}}", ops as f64 / elapsed);
}
