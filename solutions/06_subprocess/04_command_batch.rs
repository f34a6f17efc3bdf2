//! # Step 4 — the challenge: a batch of commands, each with its own deadline
//!
//! In Python you would write:
//!
//! ```python
//! async def run_job(script, limit):
//!     proc = await asyncio.create_subprocess_shell(script, stdout=asyncio.subprocess.PIPE)
//!     try:
//!         out, _ = await asyncio.wait_for(proc.communicate(), limit)
//!         return out.decode()
//!     except TimeoutError:
//!         proc.kill()
//!         await proc.wait()
//!         return None                      # timed out
//!
//! async def run_jobs(jobs):
//!     return await asyncio.gather(*(run_job(j.script, j.limit) for j in jobs))
//! ```
//!
//! Write `run_jobs`: run every job's `script` with `sh -c`, **all at the same time**, each
//! under **its own** `limit`, and return one `Outcome` per job, **in the order of `jobs`**:
//!
//! - `Outcome::Finished(stdout)` when the command exits within its limit (whatever its exit
//!   status), with everything it printed on stdout;
//! - `Outcome::TimedOut` when its limit runs out first; then its process must be **killed**,
//!   right away, not left running in the background.
//!
//! Everything you need was in steps 1 to 3: a task per job (`tokio::spawn`) whose handles you
//! await in order, `tokio::time::timeout(job.limit, ..)` around the wait, and
//! `child.kill().await` (or `.kill_on_drop(true)`) when it runs out.
//!
//! The grader's jobs check each other, so no stopwatch is needed: some of them can only finish
//! if they all run at the same time; some would sleep for 30 s; and one finishes only once
//! another has been killed, so it runs out of time unless that one is stopped at its own
//! limit. It checks: the runtime thread is never held, every outcome is right and in order,
//! and no timed-out process is left running.
//!
//! Run the program yourself with `cargo run -p course --example command_batch`.

use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::process::Command;

/// A command to run, and how long it may take.
#[derive(Debug, Clone)]
pub struct Job {
    /// Run with `sh -c`.
    pub script: String,
    /// How long it may run before it is killed.
    pub limit: Duration,
}

/// What became of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It exited within its limit; everything it printed on stdout.
    Finished(String),
    /// Its limit ran out first, and it was killed.
    TimedOut,
}

/// Runs one job: its stdout if it ends in time, else kills it.
async fn run_job(job: Job) -> Outcome {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&job.script)
        .stdout(Stdio::piped())
        .spawn()
        .expect("failed to start sh");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut printed = Vec::new();
    let finished = tokio::time::timeout(job.limit, async {
        stdout.read_to_end(&mut printed).await?;
        child.wait().await
    })
    .await;
    match finished {
        Ok(status) => {
            status.expect("failed to wait for a job");
            Outcome::Finished(String::from_utf8_lossy(&printed).into_owned())
        }
        Err(_elapsed) => {
            child.kill().await.expect("failed to kill a job");
            Outcome::TimedOut
        }
    }
}

/// Runs every job at the same time, each under its own limit, and returns their outcomes in
/// the order of `jobs`.
pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Outcome> {
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|job| tokio::spawn(run_job(job)))
        .collect();
    let mut outcomes = Vec::with_capacity(handles.len());
    for handle in handles {
        outcomes.push(handle.await.expect("a job's task panicked"));
    }
    outcomes
}

#[tokio::main]
async fn main() {
    let job = |script: &str, ms: u64| Job {
        script: script.to_owned(),
        limit: Duration::from_millis(ms),
    };
    let jobs = vec![
        job("sleep 1; echo slow but in time", 2000),
        job("sleep 30; echo never printed", 500),
        job("echo quick", 500),
        job("echo partial; sleep 30", 1000),
    ];
    let started = std::time::Instant::now();
    let outcomes = run_jobs(jobs).await;
    for outcome in &outcomes {
        println!("{outcome:?}");
    }
    println!("all done in {:?}", started.elapsed());
}
