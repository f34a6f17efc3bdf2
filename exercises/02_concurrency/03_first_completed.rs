//! # Step 3 — first_completed: take whichever answer comes first
//!
//! In Python you would write:
//!
//! ```python
//! async def first_reply(primary, backup, limit):
//!     p = asyncio.create_task(primary.query())
//!     b = asyncio.create_task(backup.query())
//!     done, pending = await asyncio.wait(
//!         {p, b}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
//!     for task in pending:
//!         task.cancel()
//!     if p in done:
//!         return ("primary", p.result())
//!     if b in done:
//!         return ("backup", b.result())
//!     return None
//! ```
//!
//! Tokio's `asyncio.wait(..., return_when=FIRST_COMPLETED)` is the `tokio::select!` macro. It
//! polls several futures at once; as soon as one finishes, it runs that branch's code and
//! **drops all the other futures**, so the losers are cancelled without a word:
//!
//! ```text
//! tokio::select! {
//!     value = some_future => { /* some_future won */ }
//!     _ = tokio::time::sleep(limit) => { /* nothing came in time */ }
//! }
//! ```
//!
//! If several branches are ready at the same moment, `select!` picks one **at random** (write
//! `biased;` as its first line to try them top to bottom). Here no two answers arrive at
//! the same instant.
//!
//! Write `first_reply`: ask both replicas at once and return the first answer, as
//! `Reply::Primary(answer)` or `Reply::Backup(answer)`, the moment it arrives; return
//! `Reply::NoAnswer` exactly when `limit` runs out if neither has answered by then.
//!
//! The code below uses `tokio::join!`, which is `asyncio.wait(return_when=ALL_COMPLETED)`: it
//! waits for both. The grader runs `first_reply` on tokio's paused clock with seeded, distinct
//! latencies and checks: the faster replica's answer comes back at the exact virtual instant it
//! arrives, whichever replica is faster; `NoAnswer` comes exactly at the limit; and nothing is
//! left running afterwards.
//!
//! Run the program yourself with `cargo run -p course --example first_completed`.

use std::time::Duration;

/// A database replica that answers a query after `latency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replica {
    pub latency: Duration,
    pub answer: u32,
}

impl Replica {
    /// Sends the query; the answer takes `latency` to arrive.
    pub async fn query(self) -> u32 {
        tokio::time::sleep(self.latency).await;
        self.answer
    }
}

/// Which replica answered first, and what it said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Primary(u32),
    Backup(u32),
    NoAnswer,
}

/// Queries both replicas at once and returns the first answer, or `NoAnswer` at `limit`.
pub async fn first_reply(primary: Replica, backup: Replica, limit: Duration) -> Reply {
    // TODO: join! waits until both replicas have answered. Use tokio::select! to take the
    // first answer, with a third branch that gives up when `limit` runs out.
    let (from_primary, from_backup) = tokio::join!(primary.query(), backup.query());
    let _ = (from_backup, limit);
    Reply::Primary(from_primary)
}

#[tokio::main]
async fn main() {
    let primary = Replica {
        latency: Duration::from_millis(900),
        answer: 7,
    };
    let backup = Replica {
        latency: Duration::from_millis(300),
        answer: 7,
    };
    for limit in [Duration::from_secs(1), Duration::from_millis(100)] {
        let started = tokio::time::Instant::now();
        let reply = first_reply(primary, backup, limit).await;
        println!("limit {limit:?}: {reply:?} after {:?}", started.elapsed());
    }
}
