//! # Step 3 — Awaitables
//!
//! Python has three kinds of awaitables: coroutines, Tasks and Futures. In Rust there is one
//! idea, the `Future` trait, and everything you can `.await` implements it: the future an
//! `async fn` returns, an `async { .. }` block, and the `JoinHandle` that `tokio::spawn` gives
//! back (Python's Task).
//!
//! Futures are *lazy*: building one runs none of its code; each poll runs it up to the next
//! point where it has to wait. The code in a plain `fn` that returns a future, however, runs
//! right away, when the function is called.
//!
//! 1. `double_later` records "started" in the log as soon as it is called, before anybody
//!    awaits the future it returns. Make it lazy: "started" must be recorded when the future is
//!    first polled, then "done" after `delay`, and the future's output is `value * 2`.
//! 2. `double_in_task` spawns that future as a task. A `JoinHandle` is a future too: await it
//!    and return the task's result.
//!
//! The grader polls your future by hand with tokio-test's `task::spawn`: it checks that nothing
//! happens before the first poll, that the first poll stops at the sleep, and that the future
//! is woken and ready exactly `delay` later on the paused clock.
//!
//! Run the program yourself with `cargo run -p course --example awaitables`.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A log shared with whoever made the future.
pub type Log = Arc<Mutex<Vec<&'static str>>>;

/// A future that, once polled, records "started", sleeps `delay`, records "done" and
/// returns `value * 2`.
// A plain fn returning a future, not an `async fn`, is what this step is about.
#[allow(clippy::manual_async_fn)]
pub fn double_later(log: Log, value: u64, delay: Duration) -> impl Future<Output = u64> {
    // TODO: this line runs when double_later is called, not when its future is polled.
    log.lock().unwrap().push("started");
    async move {
        tokio::time::sleep(delay).await;
        log.lock().unwrap().push("done");
        value * 2
    }
}

/// Runs `double_later` as a task and returns what the task returns.
pub async fn double_in_task(log: Log, value: u64, delay: Duration) -> u64 {
    let handle = tokio::spawn(double_later(log, value, delay));
    // TODO: a JoinHandle is a future: await it. It gives Err if the task panicked.
    let _ = handle;
    todo!("await the handle and return the task's result")
}

#[tokio::main]
async fn main() {
    let log = Log::default();
    let future = double_later(log.clone(), 21, Duration::from_millis(500));
    println!("future built, log: {:?}", log.lock().unwrap());
    println!("awaited: {}, log: {:?}", future.await, log.lock().unwrap());
    let in_task = double_in_task(log.clone(), 4, Duration::from_millis(100)).await;
    println!("from a task: {in_task}");
}
