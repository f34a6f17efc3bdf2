//! # Step 3 — a pool of workers sharing one queue
//!
//! In Python you would write:
//!
//! ```python
//! async def cook(orders):
//!     done = []
//!     while not orders.empty():
//!         job = orders.get_nowait()
//!         await asyncio.sleep(job.time)    # cooking
//!         done.append(job.id)
//!     return done
//!
//! async def run_pool(jobs, cooks):
//!     orders = asyncio.Queue()
//!     for job in jobs:
//!         orders.put_nowait(job)
//!     return await asyncio.gather(*(cook(orders) for _ in range(cooks)))
//! ```
//!
//! An asyncio queue may have any number of consumers. A tokio `mpsc` channel has many senders
//! (`Sender` is `Clone`) but a single consumer: `Receiver` is not `Clone`, and `recv` needs
//! `&mut self`. To let several workers take from one queue, put the receiver behind an async
//! lock and share that: `Arc<tokio::sync::Mutex<Receiver<Job>>>`. A worker locks, takes one
//! job, unlocks, and only then does the job; whoever is free takes the next one.
//!
//! The `cook` below looks right and compiles, yet its cooks take turns: only one of them is
//! ever cooking. Find out why and fix it (Rust's drop rules for temporaries are the key:
//! where does the `MutexGuard` returned by `lock().await` end its life?). Then write
//! `run_pool`.
//!
//! Contract (the grader calls these):
//!
//! - `cook(orders) -> Vec<u32>`: takes the next job off the shared queue, sleeps `job.time`,
//!   records `job.id`, and so on until the queue is closed and empty; returns the ids it did.
//! - `run_pool(jobs, cooks) -> Vec<Vec<u32>>`: puts every job on one queue and runs `cooks`
//!   cooks on it as tasks; returns what each cook did, one `Vec` per cook.
//!
//! The grader checks on tokio's paused clock: that every job is done exactly once; that `cooks`
//! cooks sharing the queue finish jobs of equal length in `ceil(jobs / cooks)` rounds exactly
//! (7 jobs of 1 s on 3 cooks: 3 s); and, with jobs of different lengths, that a cook who is
//! free takes the next job straight away, rather than jobs being dealt out in advance.
//!
//! Run the program yourself with `cargo run -p course --example worker_pool`.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::sync::mpsc::{self, Receiver};

/// One order for the kitchen: its ticket number and how long it takes to cook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub id: u32,
    pub time: Duration,
}

/// One worker: cooks jobs from the shared queue until it is closed and empty.
pub async fn cook(orders: Arc<Mutex<Receiver<Job>>>) -> Vec<u32> {
    let mut done = Vec::new();
    // TODO: with this loop the cooks take turns instead of cooking side by side. Why?
    while let Some(job) = orders.lock().await.recv().await {
        tokio::time::sleep(job.time).await;
        done.push(job.id);
    }
    done
}

/// Runs every job on `cooks` cooks that share one queue; returns what each cook did.
pub async fn run_pool(jobs: Vec<Job>, cooks: usize) -> Vec<Vec<u32>> {
    let (tx, rx) = mpsc::channel::<Job>(jobs.len().max(1));
    // TODO: put every job on the queue and close it; start `cooks` tasks, each running `cook`
    // on the shared receiver (an Arc<Mutex<Receiver<Job>>>); return what each cook did.
    let _ = (tx, rx, jobs, cooks);
    todo!("start the cooks on one shared queue")
}

#[tokio::main]
async fn main() {
    let jobs: Vec<Job> = (1..=7)
        .map(|id| Job {
            id,
            time: Duration::from_secs(1),
        })
        .collect();
    let started = tokio::time::Instant::now();
    let done = run_pool(jobs, 3).await;
    for (i, ids) in done.iter().enumerate() {
        println!("cook {} did {ids:?}", i + 1);
    }
    println!("7 one-second jobs on 3 cooks took {:?}", started.elapsed());
}
