//! Events, mutexes, semaphores, timers and waits through the core API.

use std::thread;
use std::time::{Duration, Instant};
use winfile::sync::*;
use winfile::{handle, Win32Error};

const SHORT: Option<Duration> = Some(Duration::from_millis(20));

#[test]
fn auto_and_manual_events() {
    let auto = create_event(false, true, None).unwrap();
    assert_eq!(wait_for_single(auto, SHORT).unwrap(), WaitOutcome::Object(0));
    assert_eq!(wait_for_single(auto, SHORT).unwrap(), WaitOutcome::Timeout);
    let manual = create_event(true, false, None).unwrap();
    set_event(manual).unwrap();
    assert_eq!(wait_for_single(manual, SHORT).unwrap(), WaitOutcome::Object(0));
    assert_eq!(wait_for_single(manual, SHORT).unwrap(), WaitOutcome::Object(0));
    reset_event(manual).unwrap();
    assert_eq!(wait_for_multiple(&[manual, auto], false, SHORT).unwrap(), WaitOutcome::Timeout);
    set_event(auto).unwrap();
    assert_eq!(wait_for_multiple(&[manual, auto], false, None).unwrap(), WaitOutcome::Object(1));
    handle::close(auto).unwrap();
    assert_eq!(set_event(auto).unwrap_err().code(), Win32Error::INVALID_HANDLE);
    handle::close(manual).unwrap();
}

#[test]
fn set_from_another_thread_wakes_the_waiter() {
    let ev = create_event(false, false, None).unwrap();
    let t = thread::spawn(move || {
        thread::sleep(Duration::from_millis(30));
        set_event(ev).unwrap();
    });
    assert_eq!(wait_for_single(ev, None).unwrap(), WaitOutcome::Object(0));
    t.join().unwrap();
}

#[test]
fn wait_all_is_atomic() {
    let a = create_event(false, true, None).unwrap();
    let b = create_event(false, false, None).unwrap();
    assert_eq!(wait_for_multiple(&[a, b], true, SHORT).unwrap(), WaitOutcome::Timeout);
    // `a` must not have been consumed by the failed wait-all.
    assert_eq!(wait_for_single(a, SHORT).unwrap(), WaitOutcome::Object(0));
    set_event(a).unwrap();
    set_event(b).unwrap();
    assert_eq!(wait_for_multiple(&[a, b], true, SHORT).unwrap(), WaitOutcome::Object(0));
    assert_eq!(wait_for_multiple(&[a, a], true, SHORT).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
}

#[test]
fn pulse_releases_only_present_waiters() {
    let ev = create_event(true, false, None).unwrap();
    let waiters: Vec<_> =
        (0..3).map(|_| thread::spawn(move || wait_for_single(ev, Some(Duration::from_secs(5))).unwrap())).collect();
    thread::sleep(Duration::from_millis(100));
    pulse_event(ev).unwrap();
    for w in waiters {
        assert_eq!(w.join().unwrap(), WaitOutcome::Object(0));
    }
    assert_eq!(wait_for_single(ev, SHORT).unwrap(), WaitOutcome::Timeout);
}

#[test]
fn mutex_ownership_recursion_and_abandonment() {
    let m = create_mutex(true, None).unwrap();
    assert_eq!(wait_for_single(m, SHORT).unwrap(), WaitOutcome::Object(0)); // recursive
    let other = thread::spawn(move || (wait_for_single(m, SHORT).unwrap(), release_mutex(m).unwrap_err().code()));
    assert_eq!(other.join().unwrap(), (WaitOutcome::Timeout, Win32Error::NOT_OWNER));
    release_mutex(m).unwrap();
    release_mutex(m).unwrap();
    assert_eq!(release_mutex(m).unwrap_err().code(), Win32Error::NOT_OWNER);
    // A thread that exits owning the mutex abandons it.
    thread::spawn(move || assert_eq!(wait_for_single(m, None).unwrap(), WaitOutcome::Object(0))).join().unwrap();
    assert_eq!(wait_for_single(m, SHORT).unwrap(), WaitOutcome::Abandoned(0));
    release_mutex(m).unwrap();
}

#[test]
fn semaphore_counts() {
    let s = create_semaphore(1, 2, None).unwrap();
    assert_eq!(wait_for_single(s, SHORT).unwrap(), WaitOutcome::Object(0));
    assert_eq!(wait_for_single(s, SHORT).unwrap(), WaitOutcome::Timeout);
    assert_eq!(release_semaphore(s, 2).unwrap(), 0);
    assert_eq!(release_semaphore(s, 1).unwrap_err().code(), Win32Error::TOO_MANY_POSTS);
    assert_eq!(create_semaphore(3, 2, None).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
}

#[test]
fn timers_fire_and_repeat() {
    let t = create_waitable_timer(false, None).unwrap();
    let start = Instant::now();
    set_waitable_timer(t, -500_000, 0).unwrap(); // 50 ms, relative
    assert_eq!(wait_for_single(t, Some(Duration::from_secs(5))).unwrap(), WaitOutcome::Object(0));
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert_eq!(wait_for_single(t, SHORT).unwrap(), WaitOutcome::Timeout);
    set_waitable_timer(t, -10_000, 10).unwrap();
    for _ in 0..3 {
        assert_eq!(wait_for_single(t, Some(Duration::from_secs(5))).unwrap(), WaitOutcome::Object(0));
    }
    cancel_waitable_timer(t).unwrap();
    assert_eq!(wait_for_single(t, Some(Duration::from_millis(50))).unwrap(), WaitOutcome::Timeout);
}

#[test]
fn named_objects_are_shared_and_typed() {
    let name = format!("winfile-test-ev-{}", std::process::id());
    let a = create_event(true, false, Some(&name)).unwrap();
    let b = open_event(0x001f_0003, &format!("Local\\{name}")).unwrap();
    set_event(b).unwrap();
    assert_eq!(wait_for_single(a, SHORT).unwrap(), WaitOutcome::Object(0));
    assert_eq!(open_mutex(0x0010_0000, &name).unwrap_err().code(), Win32Error::INVALID_HANDLE);
    assert_eq!(open_event(0x0010_0000, "winfile-no-such").unwrap_err().code(), Win32Error::FILE_NOT_FOUND);
    handle::close(a).unwrap();
    handle::close(b).unwrap();
}

#[test]
fn file_handles_are_signaled_when_no_io_is_in_flight() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("x");
    std::fs::write(&f, b"").unwrap();
    let p = winfile::open::CreateParams { access: winfile::consts::GENERIC_READ, disposition: 3, ..Default::default() };
    let h = winfile::open::create_file(f.to_str().unwrap(), &p).unwrap();
    assert_eq!(wait_for_single(h, SHORT).unwrap(), WaitOutcome::Object(0));
    let port = winfile::overlapped::create_io_completion_port(0);
    assert_eq!(wait_for_single(port, SHORT).unwrap_err().code(), Win32Error::INVALID_HANDLE);
    assert_eq!(wait_for_multiple(&[], false, SHORT).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
}
