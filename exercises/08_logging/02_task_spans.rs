//! # Step 2 — a span per task
//!
//! In Python you would write:
//!
//! ```python
//! job_id = contextvars.ContextVar("job_id")  # a logging.Filter adds it to every record
//!
//! async def download(delay):                  # library code: it knows nothing about jobs
//!     log.info("download started")
//!     await asyncio.sleep(delay)
//!     log.info("download finished")
//!
//! async def run_job(job):
//!     job_id.set(job.id)                      # each task has its own copy of the context
//!     await download(job.delay)
//!
//! async def run_jobs(jobs):
//!     await asyncio.gather(*(run_job(job) for job in jobs))
//! ```
//!
//! In tracing the context is a **span**: `tracing::info_span!("job", id = job.id)`. Every event
//! emitted while a span is *entered* is recorded inside it, so `download`'s plain "download
//! finished" reaches the log as `job{id=7}: download finished`, without `download` knowing
//! anything about jobs.
//!
//! The trap: `span.enter()` returns a guard that keeps the span entered *on the thread* until the
//! guard is dropped. Hold it across an `.await` and, while this task waits, the runtime runs the
//! other tasks on that same thread, still inside your span: their events get your job's id.
//! Attach the span to the *future* instead: `fut.instrument(span)` (the trait
//! `tracing::Instrument`) enters the span each time the future is polled and leaves it when the
//! poll returns; `#[tracing::instrument]` on an `async fn` does the same. And unlike asyncio's
//! `create_task`, which copies the context, `tokio::spawn` carries no span into the new task: the
//! span must go with the future you spawn.
//!
//! Write `run_jobs`: spawn one task per job, all at once; each task runs `download(job.delay)`
//! inside its own span named `job` with the field `id`; then wait for every task.
//!
//! Contract: `pub struct Job { pub id: u64, pub delay: Duration }`, `pub async fn download(delay:
//! Duration)` (given: do not change it) and `pub async fn run_jobs(jobs: Vec<Job>)`.
//!
//! The grader runs `run_jobs` on tokio's paused clock under its own subscriber, which records every
//! event with the spans it was in. The jobs sleep different lengths, so their events interleave.
//! It checks: the jobs run at the same time; every event of `download` is inside a `job` span
//! with an `id`; and each is inside *its own* job's span (the "download finished" at 1200 ms
//! belongs to the job that sleeps 1200 ms), with no job's span inside another's.
//!
//! Run the program yourself with `cargo run -p course --example task_spans`.

use std::time::Duration;

/// A job to run: an id for the logs and how long its download takes.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// Shown in every log line of the job, through its span.
    pub id: u64,
    /// How long the job's download takes.
    pub delay: Duration,
}

/// Library code you do not own: it logs, but knows nothing about jobs. Do not change it.
pub async fn download(delay: Duration) {
    tracing::info!("download started");
    tokio::time::sleep(delay).await;
    tracing::info!("download finished");
}

/// Runs every job in its own task, all at once, each inside a span `job` with its `id`.
pub async fn run_jobs(jobs: Vec<Job>) {
    let mut handles = Vec::new();
    for job in jobs {
        handles.push(tokio::spawn(async move {
            let span = tracing::info_span!("job", id = job.id);
            // TODO: this guard keeps the span entered on the thread across the .await below,
            // while the other jobs run on that thread too. Attach the span to the future
            // instead, with .instrument(span) from the trait tracing::Instrument.
            let _entered = span.enter();
            download(job.delay).await;
        }));
    }
    for handle in handles {
        handle.await.expect("a job panicked");
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tracing_subscriber::fmt().with_target(false).init();
    let jobs = [(7, 900), (8, 300), (9, 600)].map(|(id, ms)| Job {
        id,
        delay: Duration::from_millis(ms),
    });
    run_jobs(jobs.to_vec()).await;
}
