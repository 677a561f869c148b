//! CopyFileExW's progress routine, ReplaceFileW and links through the core API.

use std::sync::atomic::AtomicBool;
use winfile::consts::*;
use winfile::copy::{self, Progress};

fn code<T: std::fmt::Debug>(r: winfile::Result<T>) -> u32 {
    r.expect_err("expected a failure").code().0
}

#[test]
fn progress_sequence_and_stop_resume() {
    let d = tempfile::Builder::new().prefix("wf").tempdir().unwrap();
    let base = d.path().to_str().unwrap();
    let (a, b) = (format!("{base}/a"), format!("{base}/b"));
    let data: Vec<u8> = (0..(40u32 << 20)).map(|i| (i % 251) as u8).collect();
    std::fs::write(&a, &data).unwrap();
    let mut seen: Vec<Progress> = Vec::new();
    let mut routine = |p: &Progress| {
        seen.push(*p);
        if seen.len() == 2 {
            PROGRESS_STOP
        } else {
            PROGRESS_CONTINUE
        }
    };
    let r = copy::copy_file_ex(&a, &b, COPY_FILE_RESTARTABLE, Some(&mut routine), None);
    assert_eq!(code(r), 1235);
    assert_eq!(seen[0].reason, CALLBACK_STREAM_SWITCH);
    assert_eq!(seen[0].total_transferred, 0);
    assert_eq!(seen[1].reason, CALLBACK_CHUNK_FINISHED);
    let stopped = seen[1].total_transferred;
    let mut first = None;
    let mut again = |p: &Progress| {
        first.get_or_insert(p.total_transferred);
        PROGRESS_CONTINUE
    };
    copy::copy_file_ex(&a, &b, COPY_FILE_RESTARTABLE, Some(&mut again), None).unwrap();
    assert_eq!(first, Some(stopped));
    assert_eq!(std::fs::read(&b).unwrap(), data);
    let cancel = AtomicBool::new(true);
    assert_eq!(code(copy::copy_file_ex(&a, &format!("{base}/c"), 0, None, Some(&cancel))), 1235);
    assert!(!std::path::Path::new(&format!("{base}/c")).exists());
}

#[test]
fn replace_and_links() {
    let d = tempfile::Builder::new().prefix("wf").tempdir().unwrap();
    let base = d.path().to_str().unwrap();
    let (a, b, bak) = (format!("{base}/a"), format!("{base}/b"), format!("{base}/bak"));
    std::fs::write(&a, b"old").unwrap();
    std::fs::write(&b, b"new").unwrap();
    copy::replace_file(&a, &b, Some(&bak), 0).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), b"new");
    assert_eq!(std::fs::read(&bak).unwrap(), b"old");
    assert_eq!(code(copy::replace_file(&a, &b, None, 0)), 2);
    winfile::link::create_hard_link(&b, &a).unwrap();
    let mut names = winfile::link::find_file_names(&a).unwrap();
    assert_eq!(names[0], a);
    names.sort();
    assert_eq!(names, vec![a.clone(), b.clone()]);
    winfile::link::create_symbolic_link(&format!("{base}/l"), "..\\x\\y", 0).unwrap();
    assert_eq!(std::fs::read_link(format!("{base}/l")).unwrap().to_str(), Some("../x/y"));
}
