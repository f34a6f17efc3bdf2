//! # Step 5 — task groups: when one task fails
//!
//! In Python you would write:
//!
//! ```python
//! async def run_all(jobs):
//!     # every outcome, failures included, in the order of `jobs`
//!     return await asyncio.gather(*(run(j) for j in jobs), return_exceptions=True)
//!
//! async def run_all_or_nothing(jobs):
//!     # the first failure cancels every other task and is raised
//!     async with asyncio.TaskGroup() as tg:
//!         tasks = [tg.create_task(run(j)) for j in jobs]
//!     return [t.result() for t in tasks]
//! ```
//!
//! A job can fail in two ways: `run` returns `Err(message)`, or it panics. A panic does not
//! bring the program down: tokio catches it, ends that task, and hands the task's owner an
//! `Err(JoinError)` (with `is_panic()` true) when it awaits the handle. Every other task goes on.
//!
//! Write both functions:
//!
//! - `run_all` is `gather(return_exceptions=True)`: run every job at once and return one entry
//!   per job, **in the order of `jobs`**: `Ok(value)`, `Err(JobError::Failed(message))` or
//!   `Err(JobError::Crashed)` for a panic. A failure must not stop the others from being
//!   collected.
//! - `run_all_or_nothing` is a `TaskGroup`: run every job at once; if all succeed return their
//!   values in the order of `jobs`, but **as soon as one fails**, return its error at once and
//!   leave no other job running. A `tokio::task::JoinSet` fits: `join_next` gives results as
//!   they finish, and dropping a `JoinSet` aborts every task still in it (dropping a plain
//!   `JoinHandle` does not).
//!
//! The code below gives up collecting at the first failure in `run_all`, and makes
//! `run_all_or_nothing` wait for everything. The grader runs both on tokio's paused clock with
//! seeded jobs (distinct latencies, one failing and one panicking) and checks every result,
//! their order, the exact virtual time each call returns, and that no task is left behind.
//! (The panicking jobs print nothing while graded; run the program to see tokio's report.)
//!
//! Run the program yourself with `cargo run -p course --example task_group`.

use std::time::Duration;

/// How a job will end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Value(u32),
    Error(String),
    Panic,
}

/// A job that takes `latency`, then ends as planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub latency: Duration,
    pub plan: Plan,
}

/// Runs one job: `Ok(value)`, `Err(message)`, or a panic.
pub async fn run(job: Job) -> Result<u32, String> {
    tokio::time::sleep(job.latency).await;
    match job.plan {
        Plan::Value(value) => Ok(value),
        Plan::Error(message) => Err(message),
        Plan::Panic => panic!("the job crashed"),
    }
}

/// Why a job gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// `run` returned `Err(message)`.
    Failed(String),
    /// The job's task panicked.
    Crashed,
}

/// Runs every job at once; one result per job, in the order of `jobs`.
pub async fn run_all(jobs: Vec<Job>) -> Vec<Result<u32, JobError>> {
    let handles: Vec<_> = jobs.into_iter().map(|job| tokio::spawn(run(job))).collect();
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(match handle.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(message)) => Err(JobError::Failed(message)),
            Err(_) => Err(JobError::Crashed),
        });
    }
    results
}

/// Runs every job at once; all their values in the order of `jobs`, or the first failure as
/// soon as it happens.
pub async fn run_all_or_nothing(jobs: Vec<Job>) -> Result<Vec<u32>, JobError> {
    let mut values = vec![0; jobs.len()];
    let mut set = tokio::task::JoinSet::new();
    for (i, job) in jobs.into_iter().enumerate() {
        set.spawn(async move { (i, run(job).await) });
    }
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, Ok(value))) => values[i] = value,
            // Returning drops the set, which aborts every job still running.
            Ok((_, Err(message))) => return Err(JobError::Failed(message)),
            Err(_) => return Err(JobError::Crashed),
        }
    }
    Ok(values)
}

#[tokio::main]
async fn main() {
    let jobs = vec![
        Job {
            latency: Duration::from_millis(900),
            plan: Plan::Value(1),
        },
        Job {
            latency: Duration::from_millis(300),
            plan: Plan::Error("disk full".to_owned()),
        },
        Job {
            latency: Duration::from_millis(600),
            plan: Plan::Panic,
        },
        Job {
            latency: Duration::from_millis(200),
            plan: Plan::Value(4),
        },
    ];
    let started = tokio::time::Instant::now();
    let all = run_all(jobs.clone()).await;
    println!("run_all: {all:?} after {:?}", started.elapsed());
    let started = tokio::time::Instant::now();
    let some = run_all_or_nothing(jobs).await;
    println!("run_all_or_nothing: {some:?} after {:?}", started.elapsed());
}
