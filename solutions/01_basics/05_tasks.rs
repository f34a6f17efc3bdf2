//! # Step 5 — Tasks
//!
//! ```python
//! async def nested():
//!     return 42
//!
//! async def main():
//!     task = asyncio.create_task(nested())   # scheduled to run soon, concurrently
//!     ...                                    # main goes on meanwhile
//!     print(await task)                      # 42
//! ```
//!
//! `tokio::spawn(future)` is `asyncio.create_task`: it hands the future to the runtime as a
//! *task*, which runs concurrently with the code that spawned it, and returns a `JoinHandle`
//! at once. Awaiting the handle waits for the task and gives `Ok(output)`, or `Err` if the task
//! panicked or was cancelled.
//!
//! `spawn_nested` below awaits `nested` directly: that works, but no task is created, so
//! nothing runs concurrently. Make it spawn `nested(delay)` as a task, do its own work
//! (`other_work`) while the task runs, and only then await the handle. Return the task's value.
//!
//! The grader checks the value (42), that a task was alive while `nested` slept, and the time on
//! the paused clock: the two waits overlap, so the whole call takes as long as the longer one.
//!
//! Run the program yourself with `cargo run -p course --example tasks`.

use std::time::Duration;

/// The coroutine from the lesson, with a nap first so that overlapping shows.
pub async fn nested(delay: Duration) -> u32 {
    tokio::time::sleep(delay).await;
    42
}

/// Work `spawn_nested` does itself while the task runs.
pub async fn other_work(how_long: Duration) {
    tokio::time::sleep(how_long).await;
}

/// Runs `nested(delay)` as a task, does `other_work(work)` meanwhile, returns the task's value.
pub async fn spawn_nested(delay: Duration, work: Duration) -> u32 {
    let task = tokio::spawn(nested(delay));
    other_work(work).await;
    task.await.expect("the nested task panicked")
}

#[tokio::main]
async fn main() {
    let started = tokio::time::Instant::now();
    let answer = spawn_nested(Duration::from_millis(300), Duration::from_millis(200)).await;
    println!("{answer} after {:?}", started.elapsed());
}
