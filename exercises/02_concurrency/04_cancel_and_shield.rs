//! # Step 4 — cancel and shield: stop a task, or keep one going
//!
//! In Python you would write:
//!
//! ```python
//! async def cancel_after(work, patience):
//!     task = asyncio.create_task(crunch(work))
//!     await asyncio.sleep(patience)
//!     task.cancel()                 # does nothing if the task is already done
//!     try:
//!         return ("finished", await task)
//!     except asyncio.CancelledError:
//!         return "cancelled"
//!
//! async def save_shielded(store, record, write, limit):
//!     try:
//!         await asyncio.wait_for(asyncio.shield(save(store, record, write)), timeout=limit)
//!         return "done"
//!     except TimeoutError:
//!         return "still running"    # the save goes on in the background
//! ```
//!
//! Two facts about tokio's `JoinHandle` make both halves work:
//!
//! - `handle.abort()` is `task.cancel()`: the task is stopped at its next `.await` (its future
//!   is dropped). Awaiting the handle afterwards gives `Err(JoinError)` whose `is_cancelled()`
//!   is true, or `Ok(value)` if the task had already finished.
//! - **dropping** a `JoinHandle` does not cancel anything: the task runs on, detached. So a
//!   `timeout` around a handle gives up waiting without stopping the task, which is what
//!   `asyncio.shield` is for. A `timeout` around a plain future, on the other hand, drops that
//!   future, and the work it was doing stops halfway.
//!
//! Write both functions:
//!
//! - `cancel_after(work, patience)` starts `crunch(work)` as a task, waits `patience`, and then
//!   cancels the task: it returns `Outcome::Finished(value)` if the task got there first,
//!   `Outcome::Cancelled` if it was stopped, and afterwards the task must be **gone**;
//! - `save_shielded(store, record, write, limit)` saves the record, waiting at most `limit`:
//!   `Saving::Done` if the save finished in time, `Saving::StillRunning` at `limit` otherwise,
//!   and then the save must still complete, in the background, at `write`.
//!
//! The code below drops the handle instead of cancelling, and puts the timeout on the save
//! itself. The grader runs both on tokio's paused clock with seeded durations (never within
//! 20 ms of each other) and checks what comes back and when, that a cancelled task is really
//! gone, and that a shielded save really lands in the store.
//!
//! Run the program yourself with `cargo run -p course --example cancel_and_shield`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Some long computation: takes `work`, and returns how many milliseconds it worked.
pub async fn crunch(work: Duration) -> u64 {
    tokio::time::sleep(work).await;
    work.as_millis() as u64
}

/// How the crunching task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Finished(u64),
    Cancelled,
}

/// Runs `crunch(work)` as a task for at most `patience`, then cancels it.
pub async fn cancel_after(work: Duration, patience: Duration) -> Outcome {
    let handle = tokio::spawn(crunch(work));
    tokio::time::sleep(patience).await;
    if handle.is_finished() {
        Outcome::Finished(handle.await.expect("crunch panicked"))
    } else {
        // TODO: dropping the handle lets the task run on. Cancel it with abort(), then await
        // the handle: an Err whose is_cancelled() is true says it was stopped.
        drop(handle);
        Outcome::Cancelled
    }
}

/// A list of saved records, shared between tasks.
pub type Store = Arc<Mutex<Vec<String>>>;

/// Writes `record` to `store`; the write takes `write`.
pub async fn save(store: Store, record: String, write: Duration) {
    tokio::time::sleep(write).await;
    store.lock().expect("store poisoned").push(record);
}

/// Whether the save was done by the time the caller stopped waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saving {
    Done,
    StillRunning,
}

/// Saves `record`, waiting at most `limit` for it; a save still running then must go on.
pub async fn save_shielded(
    store: Store,
    record: String,
    write: Duration,
    limit: Duration,
) -> Saving {
    // TODO: when the limit runs out, timeout drops the save, and the record is lost. Shield
    // it: spawn the save as a task and wait for its JoinHandle under the timeout instead.
    match tokio::time::timeout(limit, save(store, record, write)).await {
        Ok(()) => Saving::Done,
        Err(_) => Saving::StillRunning,
    }
}

#[tokio::main]
async fn main() {
    let patience = Duration::from_millis(500);
    for work in [200, 2000] {
        let outcome = cancel_after(Duration::from_millis(work), patience).await;
        println!("crunching for {work} ms with {patience:?} of patience: {outcome:?}");
    }
    let store = Store::default();
    let saving = save_shielded(
        store.clone(),
        "order #1".to_owned(),
        Duration::from_millis(800),
        Duration::from_millis(300),
    )
    .await;
    println!(
        "after 300 ms the save is {saving:?}; store: {:?}",
        store.lock().unwrap()
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    println!("600 ms later, store: {:?}", store.lock().unwrap());
}
