//! # Step 6 — the challenge: the fastest mirrors
//!
//! In Python you would write:
//!
//! ```python
//! async def fetch_first(mirrors, want, deadline):
//!     loop = asyncio.get_running_loop()
//!     end = loop.time() + deadline
//!     pending = {asyncio.create_task(m.fetch(), name=m.name) for m in mirrors}
//!     report = Report()
//!     while pending and len(report.answered) < want:
//!         done, pending = await asyncio.wait(
//!             pending, timeout=end - loop.time(), return_when=asyncio.FIRST_COMPLETED)
//!         if not done:
//!             break                                    # the deadline has passed
//!         for task in done:
//!             if task.exception() is None:
//!                 report.answered.append(task.get_name())
//!             else:
//!                 report.failed.append(task.get_name())
//!     for task in pending:
//!         task.cancel()
//!     still = {task.get_name() for task in pending}
//!     report.cancelled = [m.name for m in mirrors if m.name in still]
//!     return report
//! ```
//!
//! The same file is on several mirrors; ask them all at once and keep the first answers.
//! Write `fetch_first(mirrors, want, deadline)`:
//!
//! - start fetching from **every mirror at once**, one task each;
//! - as each mirror finishes, note its name: in `answered` if it returned `Ok`, in `failed` if
//!   it returned `Err` (a failure is not an answer), both in the order they finished;
//! - stop as soon as **`want` mirrors have answered**, or the **deadline** has passed (it counts
//!   from the moment `fetch_first` is called, for the whole call), or no mirror is left
//!   fetching, whichever comes first;
//! - then **cancel** every mirror still fetching, so that no task is left running when
//!   `fetch_first` returns, and list their names in `cancelled`, in the order of `mirrors`.
//!
//! Everything from this track fits here: a `JoinSet` hands back results as they finish (step
//! 1); a deadline for a whole loop is `tokio::time::Instant::now() + deadline`, waited for with
//! `tokio::time::timeout_at` or `sleep_until` (step 2); `select!` races a result against the
//! deadline (step 3); `abort` cancels, and dropping a `JoinHandle` does not (step 4); dropping a
//! `JoinSet` aborts what is left in it (step 5).
//!
//! The code below is a first attempt with three faults. The grader runs `fetch_first` on tokio's
//! paused clock with seeded mirrors (distinct latencies, some failing) and checks who is in
//! each list, in which order, the exact virtual instant the call returns, and that every
//! cancelled mirror's task is really gone.
//!
//! Run the program yourself with `cargo run -p course --example fastest_mirrors`.

use std::time::Duration;

/// One mirror of the file: it takes `latency` to answer, and fails if it is not `healthy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    pub name: String,
    pub latency: Duration,
    pub healthy: bool,
}

impl Mirror {
    /// Downloads the file: its size in bytes, or why the mirror could not serve it.
    pub async fn fetch(self) -> Result<u64, String> {
        tokio::time::sleep(self.latency).await;
        if self.healthy {
            Ok(4096)
        } else {
            Err(format!("{} is down", self.name))
        }
    }
}

/// What happened to each mirror.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Mirrors that answered, in the order they answered (at most `want`).
    pub answered: Vec<String>,
    /// Mirrors that failed before `fetch_first` returned, in the order they failed.
    pub failed: Vec<String>,
    /// Mirrors still fetching when `fetch_first` returned, in the order of `mirrors`.
    pub cancelled: Vec<String>,
}

/// Asks every mirror at once and keeps the first `want` answers that come within `deadline`;
/// the mirrors still fetching after that are cancelled.
pub async fn fetch_first(mirrors: Vec<Mirror>, want: usize, deadline: Duration) -> Report {
    // TODO: a first attempt with three faults; the grader's messages point at each of them.
    let (tx, mut rx) = tokio::sync::mpsc::channel(mirrors.len().max(1));
    for mirror in mirrors {
        let tx = tx.clone();
        tokio::spawn(async move {
            let name = mirror.name.clone();
            let _ = tx.send((name, mirror.fetch().await)).await;
        });
    }
    drop(tx);
    let mut report = Report::default();
    while report.answered.len() < want {
        match tokio::time::timeout(deadline, rx.recv()).await {
            Ok(Some((name, Ok(_size)))) => report.answered.push(name),
            Ok(Some((name, Err(_why)))) => report.failed.push(name),
            Ok(None) | Err(_) => break,
        }
    }
    report
}

#[tokio::main]
async fn main() {
    let mirrors: Vec<Mirror> = [
        ("ams", 700, true),
        ("fra", 250, false),
        ("sin", 1600, true),
        ("iad", 450, true),
        ("gru", 2400, true),
    ]
    .into_iter()
    .map(|(name, ms, healthy)| Mirror {
        name: name.to_owned(),
        latency: Duration::from_millis(ms),
        healthy,
    })
    .collect();
    let started = tokio::time::Instant::now();
    let report = fetch_first(mirrors, 2, Duration::from_millis(1000)).await;
    println!("after {:?}: {report:#?}", started.elapsed());
}
