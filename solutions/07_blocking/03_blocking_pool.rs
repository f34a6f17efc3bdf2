//! # Step 3 — several blocking jobs at once, but not too many
//!
//! In Python you would write:
//!
//! ```python
//! async def map_blocking(f, inputs, limit):
//!     loop = asyncio.get_running_loop()
//!     with concurrent.futures.ThreadPoolExecutor(max_workers=limit) as pool:
//!         return await asyncio.gather(*(loop.run_in_executor(pool, f, x) for x in inputs))
//! ```
//!
//! Write `map_blocking`: call the blocking function `f` on every input on tokio's blocking
//! pool, **no more than `limit` at a time**, and return the results **in the order of
//! `inputs`**.
//!
//! Python's executor has `max_workers`; tokio's blocking pool is shared by the whole runtime
//! and grows up to 512 threads, so `spawn_blocking` alone starts every job at once. Bound them
//! yourself with a `tokio::sync::Semaphore` of `limit` permits: before each `spawn_blocking`,
//! `acquire_owned().await` a permit and move it into the closure, so it is given back when the
//! job ends. Keep the `JoinHandle`s in a `Vec` and await them in order, as in gather.
//!
//! `f` is shared by every job, each on its own thread: put it in an `Arc` and give each job a
//! clone (that is why it must be `Send + Sync`).
//!
//! The grader runs this on the real clock with its own `f`, which counts how many calls run at
//! the same time, and checks: results in order, never more than `limit` at once, and `limit`
//! at once when there is work for that many (not one at a time).
//!
//! Run the program yourself with `cargo run -p course --example blocking_pool`.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Calls `f` on every input on the blocking pool, at most `limit` at a time, and returns the
/// results in the order of `inputs`.
pub async fn map_blocking<F, T, U>(f: F, inputs: Vec<T>, limit: usize) -> Vec<U>
where
    F: Fn(T) -> U + Send + Sync + 'static,
    T: Send + 'static,
    U: Send + 'static,
{
    let f = Arc::new(f);
    let permits = Arc::new(Semaphore::new(limit));
    let mut handles = Vec::with_capacity(inputs.len());
    for input in inputs {
        let permit = permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let f = f.clone();
        handles.push(tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f(input)
        }));
    }
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(handle.await.expect("a job panicked"));
    }
    results
}

/// A slow, blocking computation: 100 ms per call.
fn slow_square(x: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(100));
    x * x
}

#[tokio::main]
async fn main() {
    let started = std::time::Instant::now();
    let squares = map_blocking(slow_square, (1..=8).collect(), 3).await;
    println!(
        "{squares:?} in {:?} (8 jobs of 100 ms, 3 at a time)",
        started.elapsed()
    );
}
