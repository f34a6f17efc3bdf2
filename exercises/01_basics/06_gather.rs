//! # Step 6 — the challenge: gather
//!
//! In Python you would write:
//!
//! ```python
//! async def nap(seconds):
//!     await asyncio.sleep(seconds)
//!     return seconds
//!
//! async def main():
//!     tasks = [asyncio.create_task(nap(random.uniform(1, 3))) for _ in range(5)]
//!     print(await asyncio.gather(*tasks))
//! ```
//!
//! Write `sleep_all`, tokio's version of that `gather`:
//!
//! - spawn **one task per duration** with `tokio::spawn`; each task sleeps that long with
//!   `tokio::time::sleep` and returns how long it slept (returning the duration it was given
//!   is fine; so is measuring it with `tokio::time::Instant`, but not with `std::time::Instant`,
//!   which knows nothing of tokio's clock);
//! - keep the `JoinHandle`s in a `Vec` and await them **in the order they were spawned**, so the
//!   results line up with `durations` (a `JoinSet` would hand them back as they finish instead:
//!   that is asyncio's `as_completed`, the next track);
//! - all the tasks must sleep **at the same time**: five naps of 1 to 3 s take about 3 s, not 10.
//!
//! The grader runs your function on tokio's paused clock, so even minutes of sleeping cost it
//! only milliseconds, and checks: nothing blocks the thread, the results come back in order,
//! the whole call takes as long as the longest nap, and every task is alive while they sleep.
//!
//! Run the program yourself with `cargo run -p course --example gather`.

use rand::RngExt;
use std::time::Duration;

/// Sleeps every duration in its own task, all at once, and returns how long each slept, in the
/// order of `durations`.
pub async fn sleep_all(durations: Vec<Duration>) -> Vec<Duration> {
    // TODO: spawn one task per duration; each sleeps for its duration and returns it.
    // TODO: await the handles in spawn order and collect what they return.
    let _ = durations;
    todo!("spawn the tasks, then gather their results")
}

#[tokio::main]
async fn main() {
    let mut rng = rand::rng();
    let durations: Vec<Duration> = (0..5)
        .map(|_| Duration::from_millis(rng.random_range(500..=3000)))
        .collect();
    println!("sleeping {durations:?} at the same time...");
    let started = tokio::time::Instant::now();
    let slept = sleep_all(durations).await;
    println!("slept {slept:?}, in {:?} all told", started.elapsed());
}
