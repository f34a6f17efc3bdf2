//! # Step 1 — as_completed: handle each result the moment it is ready
//!
//! In Python you would write:
//!
//! ```python
//! async def job(i, delay):
//!     await asyncio.sleep(delay)
//!     return i
//!
//! async def main(delays):
//!     tasks = [asyncio.create_task(job(i, d)) for i, d in enumerate(delays)]
//!     for next_done in asyncio.as_completed(tasks):
//!         i = await next_done
//!         print(f"job {i} finished")
//! ```
//!
//! `gather` hands back every result at the end, in the order the tasks were started.
//! `as_completed` hands back each result as soon as its task finishes, fastest first, so the
//! program can act on it while the slow ones are still running. Tokio's version is a
//! `tokio::task::JoinSet`: `set.spawn(fut)` starts a task in the set, and
//! `set.join_next().await` waits for whichever task finishes next (`None` once the set is
//! empty).
//!
//! Write `report_as_completed`:
//!
//! - start one task per delay, running `job(i, delays[i])`, all at once;
//! - each time a job finishes, write the line `job {i} finished` to `out` **right then** (not
//!   after the others are done) and remember `i`;
//! - return the job numbers in the order the jobs finished.
//!
//! The code below is `gather` again: it awaits the handles in the order they were spawned, so
//! a fast job's result sits waiting behind a slow one. The grader runs the function on tokio's
//! paused clock with distinct seeded delays and checks: the numbers come back fastest first,
//! each line is written at the exact virtual instant its job finished, the whole call takes as
//! long as the slowest job, and no task is left running.
//!
//! Run the program yourself with `cargo run -p course --example as_completed`.

use std::io::Write;
use std::time::Duration;

/// One job: sleeps `delay`, then returns its number.
pub async fn job(i: usize, delay: Duration) -> usize {
    tokio::time::sleep(delay).await;
    i
}

/// Runs one job per delay, all at once, writes `job {i} finished` to `out` as each one finishes,
/// and returns the job numbers in the order they finished.
pub async fn report_as_completed(delays: Vec<Duration>, out: &mut impl Write) -> Vec<usize> {
    // TODO: this waits for the jobs in the order they were started. Put the tasks in a
    // tokio::task::JoinSet instead, and take them out with join_next as they finish.
    let handles: Vec<_> = delays
        .into_iter()
        .enumerate()
        .map(|(i, delay)| tokio::spawn(job(i, delay)))
        .collect();
    let mut finished = Vec::new();
    for handle in handles {
        let i = handle.await.expect("a job panicked");
        writeln!(out, "job {i} finished").expect("could not write");
        finished.push(i);
    }
    finished
}

#[tokio::main]
async fn main() {
    let delays: Vec<Duration> = [1800, 300, 1200, 600]
        .into_iter()
        .map(Duration::from_millis)
        .collect();
    println!("starting jobs with delays {delays:?}");
    let started = tokio::time::Instant::now();
    let order = report_as_completed(delays, &mut std::io::stdout()).await;
    println!("finish order {order:?}, after {:?}", started.elapsed());
}
