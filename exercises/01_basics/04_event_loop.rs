//! # Step 4 — The event loop
//!
//! `asyncio.run(coroutine)` creates an event loop, runs the coroutine to completion on it and
//! closes the loop. It is meant to be the program's single entry point, and it refuses to run
//! when an event loop is already running in the same thread.
//!
//! tokio's event loop is the `Runtime`. `#[tokio::main]` builds one for you, but you can build
//! it by hand with `tokio::runtime::Builder`, and `runtime.block_on(future)` is the
//! `asyncio.run` of tokio: it drives the future to completion on the current thread and returns
//! its output. Like `asyncio.run`, it must not be called from code that already runs inside a
//! runtime: tokio panics with "Cannot start a runtime from within a runtime".
//!
//! Write `run_countdown`:
//!
//! 1. if the current thread is already inside a runtime (`tokio::runtime::Handle::try_current()`
//!    tells you), return `Err(AlreadyInRuntime)` instead of panicking;
//! 2. otherwise build a current-thread runtime with the time driver enabled
//!    (`Builder::new_current_thread().enable_all().build()`), `block_on` the `countdown`, and
//!    return its result.
//!
//! The grader calls `run_countdown` from a plain thread (as `main` would) and from inside a
//! runtime.
//!
//! Run the program yourself with `cargo run -p course --example event_loop`.

use std::time::Duration;

/// Returned when a runtime is asked to start inside another one.
#[derive(Debug, PartialEq, Eq)]
pub struct AlreadyInRuntime;

/// Counts down from `from` to 1, pausing 10 ms before each number.
pub async fn countdown(from: u32) -> Vec<u32> {
    let mut said = Vec::new();
    for n in (1..=from).rev() {
        tokio::time::sleep(Duration::from_millis(10)).await;
        said.push(n);
    }
    said
}

/// Runs `countdown(from)` on a runtime built here, like `asyncio.run(countdown(from))`.
pub fn run_countdown(from: u32) -> Result<Vec<u32>, AlreadyInRuntime> {
    // TODO: return Err(AlreadyInRuntime) when this thread already runs a runtime.
    // TODO: build a current-thread runtime and block_on the countdown.
    let _ = from;
    todo!("build a runtime and block_on countdown(from)")
}

fn main() {
    println!("{:?}", run_countdown(5));
}
