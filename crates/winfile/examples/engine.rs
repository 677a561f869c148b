//! Prints which completion engine this machine runs (and why not io_uring, when the
//! kernel refuses it), so a test log says plainly what the "uring" runs exercised.

#![allow(clippy::print_stdout)] // an example reports on stdout

fn main() {
    let name = winfile::engine::backend_name();
    match winfile::engine::fallback_reason() {
        Some(why) => println!("winfile completion engine: {name} (io_uring refused by the kernel: {why})"),
        None => println!("winfile completion engine: {name}"),
    }
}
