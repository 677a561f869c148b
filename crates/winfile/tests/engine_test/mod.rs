//! `engine_test!`: runs a test body once per completion-engine backend.
//!
//! The backend is chosen once per process, so each run happens in a child process: the
//! macro makes `<name>::body` (ignored in ordinary runs) and `<name>::uring` /
//! `<name>::pool`, which re-run this test binary with `WINFILE_ENGINE` set and only
//! `<name>::body` selected, and fail if the child fails.

use std::process::Command;

/// Runs `<test>` (a full test path) in a child of this binary under `backend`.
pub fn run_child(test: &str, backend: &str) {
    let exe = std::env::current_exe().expect("test binary path");
    let out = Command::new(exe)
        .args([test, "--exact", "--ignored", "--test-threads=1", "--nocapture"])
        .env("WINFILE_ENGINE", backend)
        .env("WINFILE_ENGINE_TEST_CHILD", backend)
        .output()
        .expect("spawn the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test} under WINFILE_ENGINE={backend} failed:\n{stdout}\n{stderr}"
    );
}

/// In a child: the engine in use is the one asked for (io_uring may be refused by the
/// kernel, in which case the pool runs the body and says so).
pub fn check_backend() {
    let Ok(wanted) = std::env::var("WINFILE_ENGINE_TEST_CHILD") else { return };
    let got = winfile::engine::backend_name();
    if wanted == "uring" && got == "pool" {
        eprintln!("io_uring is unavailable here: the body ran on the thread pool");
        return;
    }
    assert_eq!(got, wanted, "engine in use");
}

/// `engine_test!(fn name() { body })`: the body runs once per backend.
#[macro_export]
macro_rules! engine_test {
    (fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            #[ignore = "run per backend by the sibling uring/pool tests"]
            fn body() {
                $crate::engine_test::check_backend();
                $body
            }

            #[test]
            fn uring() {
                $crate::engine_test::run_child(concat!(stringify!($name), "::body"), "uring");
            }

            #[test]
            fn pool() {
                $crate::engine_test::run_child(concat!(stringify!($name), "::body"), "pool");
            }
        }
    };
}
