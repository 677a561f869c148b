//! Named synchronization objects across processes (sync/named): the test binary runs
//! itself as the other process (`--exact <test>` with a role in the environment).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use winfile::error::last_error;
use winfile::sync::*;
use winfile::{handle, Win32Error};

const ROLE: &str = "WINFILE_NAMED_ROLE";
const NAME: &str = "WINFILE_NAMED_NAME";
const LONG: Option<Duration> = Some(Duration::from_secs(20));
const ALL: u32 = 0x001f_0003;
const SYNCHRONIZE: u32 = 0x0010_0000;

fn unique(tag: &str) -> String {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("winfile-rs-{tag}-{}-{t}", std::process::id())
}

#[allow(clippy::zombie_processes)] // every caller waits for or kills the child
/// Runs test `test` of this binary as a child with `role`; it prints "ready" when set up.
fn child(test: &str, role: &str, name: &str) -> (Child, String) {
    let mut c = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env(NAME, name)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(c.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "child ended early");
        if line.contains("ready") {
            let at = line.rfind("ready").unwrap_or(0);
            return (c, line[at..].trim().to_owned());
        }
    }
}

fn role() -> Option<(String, String)> {
    Some((std::env::var(ROLE).ok()?, std::env::var(NAME).ok()?))
}

fn say(s: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{s}").unwrap();
    out.flush().unwrap();
}

#[test]
fn second_creator_in_another_process_gets_already_exists() {
    if let Some((r, name)) = role() {
        assert_eq!(r, "create");
        let _m = create_mutex(false, Some(&name)).unwrap();
        say(&format!("ready {}", last_error().0));
        std::process::exit(0);
    }
    let name = unique("single");
    let m = create_mutex(false, Some(&name)).unwrap();
    assert_eq!(last_error(), Win32Error::SUCCESS);
    let (mut c, line) = child("second_creator_in_another_process_gets_already_exists", "create", &name);
    c.wait().unwrap();
    assert_eq!(line, "ready 183");
    handle::close(m).unwrap();
    // No process holds it any more: the next creator makes a new one.
    let (mut c, line) = child("second_creator_in_another_process_gets_already_exists", "create", &name);
    c.wait().unwrap();
    assert_eq!(line, "ready 0");
    assert_eq!(open_mutex(SYNCHRONIZE, &name).unwrap_err().code(), Win32Error::FILE_NOT_FOUND);
}

#[test]
fn killed_owner_abandons_the_mutex() {
    if let Some((_, name)) = role() {
        let m = open_mutex(SYNCHRONIZE, &name).unwrap();
        assert_eq!(wait_for_single(m, LONG).unwrap(), WaitOutcome::Object(0));
        say("ready");
        std::thread::sleep(Duration::from_secs(600));
        std::process::exit(0);
    }
    let name = unique("abandon");
    let m = create_mutex(false, Some(&name)).unwrap();
    for _ in 0..5 {
        let (mut c, _out) = child("killed_owner_abandons_the_mutex", "own", &name);
        assert_eq!(wait_for_single(m, Some(Duration::ZERO)).unwrap(), WaitOutcome::Timeout);
        c.kill().unwrap();
        c.wait().unwrap();
        assert_eq!(wait_for_single(m, LONG).unwrap(), WaitOutcome::Abandoned(0));
        release_mutex(m).unwrap();
    }
    assert_eq!(release_mutex(m).unwrap_err().code(), Win32Error::NOT_OWNER);
    handle::close(m).unwrap();
}

#[test]
fn event_set_in_another_process_wakes_a_mixed_wait() {
    if let Some((_, name)) = role() {
        let ev = open_event(ALL, &name).unwrap();
        say("ready");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).unwrap();
        set_event(ev).unwrap();
        std::process::exit(0);
    }
    let name = unique("mixed");
    let named = create_event(false, false, Some(&name)).unwrap();
    let local = create_event(false, false, None).unwrap();
    let (mut c, _out) = child("event_set_in_another_process_wakes_a_mixed_wait", "set", &name);
    c.stdin.take().unwrap().write_all(b"go\n").unwrap();
    assert_eq!(wait_for_multiple(&[local, named], false, LONG).unwrap(), WaitOutcome::Object(1));
    c.wait().unwrap();
    set_event(local).unwrap();
    assert_eq!(wait_for_multiple(&[named, local], false, LONG).unwrap(), WaitOutcome::Object(1));
}

#[test]
fn names_types_lengths_and_access() {
    let name = unique("types");
    let ev = create_event(true, false, Some(&name)).unwrap();
    assert_eq!(create_semaphore(0, 1, Some(&name)).unwrap_err().code(), Win32Error::INVALID_HANDLE);
    assert_eq!(open_waitable_timer(SYNCHRONIZE, &name).unwrap_err().code(), Win32Error::INVALID_HANDLE);
    assert_eq!(open_event(SYNCHRONIZE, &name.to_uppercase()).unwrap_err().code(), Win32Error::FILE_NOT_FOUND);
    assert_eq!(open_event(0x8, &name).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
    let long = "n".repeat(MAX_NAME + 1);
    assert_eq!(create_event(false, false, Some(&long)).unwrap_err().code(), Win32Error::FILENAME_EXCED_RANGE);
    let weak = open_event(SYNCHRONIZE, &name).unwrap();
    assert_eq!(set_event(weak).unwrap_err().code(), Win32Error::ACCESS_DENIED);
    let again = create_event(false, true, Some(&name)).unwrap();
    assert_eq!(last_error(), Win32Error::ALREADY_EXISTS);
    // The existing (manual-reset, non-signaled) object, not the parameters of the call.
    assert_eq!(wait_for_single(again, Some(Duration::ZERO)).unwrap(), WaitOutcome::Timeout);
    set_event(again).unwrap();
    assert_eq!(wait_for_multiple(&[weak, ev], false, Some(Duration::ZERO)).unwrap(), WaitOutcome::Object(0));
    assert_eq!(
        wait_for_multiple(&[weak, ev], true, Some(Duration::ZERO)).unwrap_err().code(),
        Win32Error::INVALID_PARAMETER
    );
    for h in [ev, weak, again] {
        handle::close(h).unwrap();
    }
    assert_eq!(open_event(SYNCHRONIZE, &name).unwrap_err().code(), Win32Error::FILE_NOT_FOUND);
}

#[test]
fn named_semaphore_and_timer() {
    let name = unique("sem");
    let s = create_semaphore(2, 3, Some(&name)).unwrap();
    let s2 = open_semaphore(ALL, &name).unwrap();
    assert_eq!(wait_for_single(s2, Some(Duration::ZERO)).unwrap(), WaitOutcome::Object(0));
    assert_eq!(release_semaphore(s, 2).unwrap(), 1);
    assert_eq!(release_semaphore(s, 1).unwrap_err().code(), Win32Error::TOO_MANY_POSTS);
    let t = create_waitable_timer_ex(Some(&unique("timer")), CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, ALL).unwrap();
    set_waitable_timer(t, -10_000, 0).unwrap();
    assert_eq!(wait_for_single(t, LONG).unwrap(), WaitOutcome::Object(0));
    assert_eq!(wait_for_single(t, Some(Duration::ZERO)).unwrap(), WaitOutcome::Timeout);
    assert_eq!(create_waitable_timer_ex(None, 0x10, ALL).unwrap_err().code(), Win32Error::INVALID_PARAMETER);
    for h in [s, s2, t] {
        handle::close(h).unwrap();
    }
}
