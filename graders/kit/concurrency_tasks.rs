//! For the concurrency track's graders: how many spawned tasks a learner's function leaves
//! running behind it, counted from inside the run (by the runtime's metrics) at the moment the
//! grader chooses, where `Run::leaked_tasks` counts once the whole run is over.

use std::future::Future;

/// How many times to yield before counting: an aborted task ends the next time the runtime
/// polls it, which on a current-thread runtime is right after the function under test yields.
/// Yielding moves no virtual time, so a task that is merely sleeping is still counted.
const SETTLE_YIELDS: usize = 4;

/// Runs `fut`, then lets aborted tasks finish dying (without moving the clock) and counts the
/// spawned tasks still alive. Call it inside `Ctx::paused`, with no tasks of the grader's own.
pub async fn with_leftovers<F: Future>(fut: F) -> (F::Output, usize) {
    let value = fut.await;
    (value, alive_after_settling().await)
}

/// Spawned tasks alive on the current runtime once aborted ones have had the chance to end.
pub async fn alive_after_settling() -> usize {
    for _ in 0..SETTLE_YIELDS {
        tokio::task::yield_now().await;
    }
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}
