//! # Step 3 — an event: wake every waiter, and stay set
//!
//! In Python you would write:
//!
//! ```python
//! ready = asyncio.Event()
//!
//! async def worker(name):
//!     await ready.wait()             # returns at once if the event is already set
//!     print(name, "starts")
//!
//! async def main():
//!     workers = [asyncio.create_task(worker(n)) for n in "abc"]
//!     await asyncio.sleep(1)
//!     ready.set()                    # wakes every waiter; the event stays set
//!     await worker("late")           # arrives after set(): does not wait
//! ```
//!
//! tokio has no `Event`; build one. `tokio::sync::Notify` wakes tasks, but it keeps no flag:
//! `notify_waiters()` wakes the tasks waiting right now and forgets about it, and
//! `notify_one()` wakes a single waiter (or lets the next one through). An asyncio event is a
//! flag *and* a wake-up. Two ways to get both:
//!
//! - keep `Notify` and a flag: in `wait`, create the `notified()` future first, then check the
//!   flag, then await (in that order, so a `set` in between cannot be missed); or
//! - use `tokio::sync::watch::channel(false)`: `set` stores `true` with `send_replace` (plain
//!   `send` fails, and stores nothing, when no receiver exists yet), and `wait` subscribes and
//!   awaits `wait_for(|set| *set)`.
//!
//! The code below wakes the waiters that are already waiting. Run it: the late worker never
//! starts.
//!
//! The contract the grader calls: `Event::new()`, `set(&self)`, `is_set(&self)`, and
//! `wait(&self)`, shared between tasks in an `Arc`.
//!
//! The grader checks, on tokio's paused clock: every waiter wakes at the exact instant `set`
//! is called, not before; a task that waits after `set` returns at once (each of several
//! such tasks); and `is_set` tells the truth.
//!
//! Run the program yourself with `cargo run -p course --example event_flag`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// asyncio's `Event`: a flag that tasks can wait for.
pub struct Event {
    set: AtomicBool,
    notify: Notify,
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl Event {
    /// An event that is not set.
    pub fn new() -> Event {
        Event {
            set: AtomicBool::new(false),
            notify: Notify::new(),
        }
    }

    /// Sets the event: wakes every task waiting for it, and every later `wait` returns at once.
    pub fn set(&self) {
        self.set.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether `set` has been called.
    pub fn is_set(&self) -> bool {
        self.set.load(Ordering::SeqCst)
    }

    /// Waits until the event is set; returns at once if it already is.
    pub async fn wait(&self) {
        // Register for the wake-up before looking at the flag: a `set` that happens between
        // the two still reaches this future, and a `set` that happened before is seen.
        let notified = self.notify.notified();
        if self.is_set() {
            return;
        }
        notified.await;
    }
}

#[tokio::main]
async fn main() {
    let ready = Arc::new(Event::new());
    let mut workers = Vec::new();
    for name in ["a", "b", "c"] {
        let ready = ready.clone();
        workers.push(tokio::spawn(async move {
            ready.wait().await;
            println!("{name} starts");
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("set!");
    ready.set();
    for worker in workers {
        worker.await.expect("a worker panicked");
    }
    println!("a late worker arrives (is_set: {})...", ready.is_set());
    ready.wait().await;
    println!("late starts");
}
