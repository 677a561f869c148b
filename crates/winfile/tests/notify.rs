//! ReadDirectoryChangesW through the core API: the async seam, encoding, close and cancel.

use std::sync::mpsc;
use std::time::Duration;
use winfile::consts::*;
use winfile::notify::*;
use winfile::open::{create_file, CreateParams};
use winfile::{handle, Handle, Win32Error};

fn open_dir(path: &str, access: u32) -> Handle {
    let p = CreateParams {
        access,
        share: FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        disposition: OPEN_EXISTING,
        flags_and_attributes: FILE_FLAG_BACKUP_SEMANTICS,
        inherit: false,
    };
    create_file(path, &p).unwrap()
}

type Rx = mpsc::Receiver<Result<Vec<u8>, Win32Error>>;

fn start(h: Handle, len: usize, subtree: bool, filter: u32) -> (CancelToken, Rx) {
    let (tx, rx) = mpsc::channel();
    let tok = read_changes_async(h, len, subtree, filter, Box::new(move |r| tx.send(r).unwrap())).unwrap();
    (tok, rx)
}

fn wait(rx: &Rx) -> Result<Vec<u8>, Win32Error> {
    rx.recv_timeout(Duration::from_secs(10)).expect("no completion")
}

fn names(bytes: &[u8]) -> Vec<(u32, String)> {
    decode(bytes).into_iter().map(|c| (c.action, c.name)).collect()
}

/// Reads until `want` records arrived (events may come over several completions).
fn collect(h: Handle, subtree: bool, filter: u32, want: usize) -> Vec<(u32, String)> {
    let mut got = Vec::new();
    while got.len() < want {
        let (_t, rx) = start(h, 4096, subtree, filter);
        let b = wait(&rx).unwrap();
        assert!(!b.is_empty(), "unexpected overflow after {got:?}");
        got.extend(names(&b));
    }
    got
}

#[test]
fn async_read_reports_create_rename_delete() {
    let d = tempfile::tempdir().unwrap();
    let base = d.path().to_str().unwrap();
    let h = open_dir(base, FILE_LIST_DIRECTORY);
    let all = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME;
    // The first call makes the watch; changes after it are queued.
    let (_t, rx) = start(h, 4096, false, all);
    std::fs::write(d.path().join("a"), b"").unwrap();
    let first = names(&wait(&rx).unwrap());
    assert_eq!(first[0], (FILE_ACTION_ADDED, "a".into()));
    std::fs::rename(d.path().join("a"), d.path().join("b")).unwrap();
    std::fs::remove_file(d.path().join("b")).unwrap();
    let mut got = first[1..].to_vec();
    got.extend(collect(h, false, all, 3 - got.len()));
    assert_eq!(
        got,
        vec![
            (FILE_ACTION_RENAMED_OLD_NAME, "a".into()),
            (FILE_ACTION_RENAMED_NEW_NAME, "b".into()),
            (FILE_ACTION_REMOVED, "b".into())
        ]
    );
    handle::close(h).unwrap();
}

#[test]
fn close_completes_pending_read_and_cancel_aborts() {
    let d = tempfile::tempdir().unwrap();
    let h = open_dir(d.path().to_str().unwrap(), FILE_LIST_DIRECTORY);
    let (tok, rx) = start(h, 4096, false, FILE_NOTIFY_CHANGE_FILE_NAME);
    assert!(tok.cancel());
    assert_eq!(wait(&rx), Err(Win32Error::OPERATION_ABORTED));
    assert!(!tok.cancel());
    let (_tok, rx) = start(h, 4096, false, FILE_NOTIFY_CHANGE_FILE_NAME);
    handle::close(h).unwrap();
    assert_eq!(wait(&rx), Ok(Vec::new()));
}

#[test]
fn bad_handles_and_filters() {
    let d = tempfile::tempdir().unwrap();
    let base = d.path().to_str().unwrap();
    let no_list = open_dir(base, FILE_READ_ATTRIBUTES);
    let list = open_dir(base, FILE_LIST_DIRECTORY);
    let code = |h, f| read_changes_async(h, 100, false, f, Box::new(|_| ())).err().unwrap().code().0;
    assert_eq!(code(no_list, FILE_NOTIFY_CHANGE_FILE_NAME), 5);
    assert_eq!(code(list, 0), 87);
    assert_eq!(code(list, 0x1000), 87);
    assert_eq!(code(Handle::from_raw(0x7FFF_FFF0), 1), 6);
    std::fs::write(d.path().join("f"), b"").unwrap();
    let p = CreateParams {
        access: GENERIC_READ,
        share: 7,
        disposition: OPEN_EXISTING,
        flags_and_attributes: 0,
        inherit: false,
    };
    let file = create_file(&format!("{base}/f"), &p).unwrap();
    assert_eq!(code(file, 1), 87);
    for h in [no_list, list, file] {
        handle::close(h).unwrap();
    }
}

#[test]
fn record_too_large_for_buffer_reports_enum_dir() {
    let d = tempfile::tempdir().unwrap();
    let h = open_dir(d.path().to_str().unwrap(), FILE_LIST_DIRECTORY);
    let (_t, rx) = start(h, 8, false, FILE_NOTIFY_CHANGE_FILE_NAME);
    std::fs::write(d.path().join("longer-name"), b"").unwrap();
    assert_eq!(wait(&rx), Ok(Vec::new()));
    handle::close(h).unwrap();
}

#[test]
fn sync_form_returns_queued_changes_under_the_first_filter() {
    let d = tempfile::tempdir().unwrap();
    let h = open_dir(d.path().to_str().unwrap(), FILE_LIST_DIRECTORY);
    // The first call makes the watch; what happens after it is queued for the next.
    let (tok, _rx) = start(h, 1024, false, FILE_NOTIFY_CHANGE_DIR_NAME);
    tok.cancel();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    let b = read_directory_changes(h, 1024, true, FILE_NOTIFY_CHANGE_FILE_NAME).unwrap();
    assert_eq!(names(&b), vec![(FILE_ACTION_ADDED, "sub".into())]);
    handle::close(h).unwrap();
}
