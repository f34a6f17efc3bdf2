//! # Step 2 — a semaphore: never more than `limit` at once
//!
//! In Python you would write:
//!
//! ```python
//! async def run_limited(jobs, limit):
//!     sem = asyncio.Semaphore(limit)
//!
//!     async def one(job):
//!         async with sem:            # wait for a free slot, give it back on the way out
//!             return await job
//!
//!     return await asyncio.gather(*(one(job) for job in jobs))
//! ```
//!
//! Write `run_limited`, tokio's version: run every job (a future handed to you), at most
//! `limit` of them at the same moment, and return their results in the order of `jobs`.
//!
//! `tokio::sync::Semaphore::new(limit)` holds `limit` permits. `acquire().await` waits for one
//! and gives you a `SemaphorePermit`; the slot is taken for as long as that value lives and is
//! handed back when it is dropped (there is no `release()` to forget). To move a permit into a
//! spawned task, share the semaphore in an `Arc` and use `acquire_owned()`.
//!
//! The code below runs, but does not keep to the limit. Find out why.
//!
//! The contract the grader calls: `run_limited(jobs, limit)`, with `jobs: Vec<Job>` and
//! `limit >= 1`; results in the order of `jobs`.
//!
//! The grader hands you jobs that count how many of them run at once, on tokio's paused clock,
//! and checks: never more than `limit` at once; `n` jobs of equal length `d` with a limit of 3
//! take exactly `ceil(n / 3) * d`; a new job starts at the very instant a slot frees up (no
//! slot sits idle while a job waits); and the results come back in order.
//!
//! Run the program yourself with `cargo run -p course --example semaphore_limit`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// A job handed in by the caller: some work that gives back a number.
pub type Job = Pin<Box<dyn Future<Output = u64> + Send>>;

/// Runs every job, never more than `limit` at the same time, and returns their results in
/// the order of `jobs`.
pub async fn run_limited(jobs: Vec<Job>, limit: usize) -> Vec<u64> {
    let permits = Arc::new(Semaphore::new(limit));
    let mut handles = Vec::with_capacity(jobs.len());
    for job in jobs {
        let permits = permits.clone();
        handles.push(tokio::spawn(async move {
            // TODO: more than `limit` jobs run at once. Why does this permit not hold them back?
            let _ = permits
                .acquire()
                .await
                .expect("the semaphore is never closed");
            job.await
        }));
    }
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(handle.await.expect("a job panicked"));
    }
    results
}

#[tokio::main]
async fn main() {
    let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let jobs: Vec<Job> = (0..8u64)
        .map(|i| {
            let running = running.clone();
            Box::pin(async move {
                use std::sync::atomic::Ordering::SeqCst;
                let now = running.fetch_add(1, SeqCst) + 1;
                println!("job {i} starts, {now} running");
                tokio::time::sleep(Duration::from_millis(300)).await;
                running.fetch_sub(1, SeqCst);
                i * i
            }) as Job
        })
        .collect();
    let started = tokio::time::Instant::now();
    let results = run_limited(jobs, 3).await;
    println!("results {results:?} after {:?}", started.elapsed());
}
