//! # Step 2 — async and await
//!
//! In Python, calling a coroutine function does not run it: `boil_water()` only builds a
//! coroutine object, and nothing happens until you `await` it (Python even warns "coroutine
//! ... was never awaited"). Rust is the same: calling an `async fn` builds a *future*, and a
//! future does nothing until it is awaited (or polled some other way).
//!
//! `make_tea` below calls three async functions but awaits none of them, so it returns at once
//! having done nothing. The compiler already tells you: look for the warnings
//! "unused implementer of `Future` that must be used" in the output.
//!
//! Fix `make_tea` so that it boils the water, then steeps the tea, then pours, each step
//! finished before the next begins. The grader runs it on tokio's paused clock and checks the
//! steps in `log`, in order, and the time it takes: 300 ms to boil plus 200 ms to steep.
//!
//! Run the program yourself with `cargo run -p course --example async_await`.

use std::time::Duration;
use tokio::time::sleep;

/// Boils the water: takes 300 ms.
pub async fn boil_water(log: &mut Vec<String>) {
    sleep(Duration::from_millis(300)).await;
    log.push("boiled the water".to_owned());
}

/// Steeps the tea: takes 200 ms.
pub async fn steep_tea(log: &mut Vec<String>) {
    sleep(Duration::from_millis(200)).await;
    log.push("steeped the tea".to_owned());
}

/// Pours the tea: instant.
pub async fn pour(log: &mut Vec<String>) {
    log.push("poured".to_owned());
}

/// Boils, steeps and pours, in that order, writing each step to `log` as it is done.
pub async fn make_tea(log: &mut Vec<String>) {
    // TODO: each of these lines builds a future and drops it. Make them run.
    boil_water(log);
    steep_tea(log);
    pour(log);
}

#[tokio::main]
async fn main() {
    let mut log = Vec::new();
    make_tea(&mut log).await;
    println!("{log:?}");
}
