//! # Step 4 — a barrier: everyone waits, then everyone goes
//!
//! In Python (3.11 and later) you would write:
//!
//! ```python
//! async def worker(rounds, barrier):
//!     for job in rounds:
//!         await job
//!         await barrier.wait()       # wait until every worker has finished this round
//!
//! async def lockstep(workers):
//!     barrier = asyncio.Barrier(len(workers))
//!     async with asyncio.TaskGroup() as tg:
//!         for rounds in workers:
//!             tg.create_task(worker(rounds, barrier))
//! ```
//!
//! Write `lockstep`: each worker runs in its own task and has a list of jobs, one per round
//! (every worker has the same number of rounds). No worker may start round 2 before every
//! worker has finished round 1, and then they all start round 2 at the same instant.
//!
//! `tokio::sync::Barrier::new(n)` is asyncio's `Barrier(n)`: `wait().await` returns once `n`
//! tasks are waiting, for all of them at once, and the barrier is then ready for the next
//! round. Share one barrier between the tasks in an `Arc`. (`wait` returns a
//! `BarrierWaitResult`; `is_leader()` is true for exactly one of the tasks each round, handy
//! when one of them should, say, print a summary.)
//!
//! The code below runs every worker at once, but each goes at its own pace.
//!
//! The contract the grader calls: `lockstep(workers)`, where `workers[w][r]` is worker `w`'s job
//! for round `r`; it returns when every job is done.
//!
//! The grader hands you jobs that note when they start and end, on tokio's paused clock, and
//! checks: every worker starts round `r` at the same instant, the instant the slowest worker
//! finished round `r - 1`, never earlier; the whole run takes exactly the sum of each round's
//! slowest job; and every job runs once.
//!
//! Run the program yourself with `cargo run -p course --example barrier_lockstep`.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// One worker's job for one round.
pub type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs each worker (a list of jobs, one per round) in its own task; every worker starts round
/// `r` at the same instant, once all have finished round `r - 1`.
pub async fn lockstep(workers: Vec<Vec<Job>>) {
    // TODO: one tokio::sync::Barrier for all the workers, shared in an Arc.
    let mut handles = Vec::with_capacity(workers.len());
    for rounds in workers {
        handles.push(tokio::spawn(async move {
            for job in rounds {
                job.await;
                // TODO: wait here until every worker has finished this round.
            }
        }));
    }
    for handle in handles {
        handle.await.expect("a worker panicked");
    }
}

#[tokio::main]
async fn main() {
    let started = tokio::time::Instant::now();
    let workers: Vec<Vec<Job>> = (1..=3u64)
        .map(|w| {
            (1..=3u64)
                .map(|round| {
                    Box::pin(async move {
                        let at = started.elapsed().as_millis();
                        println!("worker {w} starts round {round} at {at} ms");
                        tokio::time::sleep(Duration::from_millis(100 * ((w + round) % 3 + 1)))
                            .await;
                    }) as Job
                })
                .collect()
        })
        .collect();
    lockstep(workers).await;
    println!("all done after {:?}", started.elapsed());
}
