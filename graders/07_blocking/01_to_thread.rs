//! Grader for `to_thread`: `f` runs on a blocking-pool thread, its result comes back, and the
//! runtime thread stays free meanwhile.
//!
//! Runs use the real clock: while `spawn_blocking` work runs, the paused clock stops advancing.
//! "Stays free" is shown without a stopwatch: the grader's `f` waits for a message that another
//! task sends, which can only happen if `f` is not holding the runtime thread.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/07_blocking/01_to_thread.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/07_blocking/01_to_thread.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use std::sync::mpsc;
use std::thread::ThreadId;

/// Real time a run may take before the grader gives up.
const LIMIT: Duration = Duration::from_secs(5);

fn main() {
    grade(&[
        test(
            "returns_the_value",
            "to_thread returns what f returned",
            returns_value,
        ),
        test(
            "runs_on_another_thread",
            "f runs on a thread other than the runtime's",
            other_thread,
        ),
        test(
            "others_keep_running",
            "other tasks run while f blocks",
            others_run,
        ),
    ]);
}

fn returns_value(ctx: &mut Ctx) -> Check {
    let n = ctx.rng().between(1000, 9999);
    let expected = format!("reading #{n}");
    let answer = expected.clone();
    let run = ctx.real(LIMIT, || {
        learner::to_thread(move || {
            std::thread::sleep(Duration::from_millis(50));
            answer
        })
    })?;
    ensure!(
        run.value == expected,
        "f returned {expected:?}, but to_thread returned {:?}. Return the value f returned \
         (spawn_blocking's JoinHandle gives it as Ok(value)).",
        run.value
    );
    Ok(())
}

fn other_thread(ctx: &mut Ctx) -> Check {
    // The runtime under test is a current-thread runtime driven by this very thread.
    let runtime_thread = std::thread::current().id();
    // Also note whether f ran inside a spawned task: the grader polls to_thread's future
    // directly, not as a task, so a task id means to_thread wrapped f in tokio::spawn.
    let run = ctx.real(LIMIT, || {
        learner::to_thread(|| (std::thread::current().id(), tokio::task::try_id().is_some()))
    })?;
    let (ran_on, in_task): (ThreadId, bool) = run.value;
    if ran_on == runtime_thread && in_task {
        fail!(
            "f ran on the runtime's own thread, inside a task made by tokio::spawn. \
             tokio::spawn runs its task on the runtime's own threads too (here there is only \
             one), so blocking work in it blocks the runtime just the same, and no other task \
             can run meanwhile. tokio::task::spawn_blocking(f) is what moves f to another \
             thread, one kept for blocking work: .await the JoinHandle it returns."
        );
    }
    ensure!(
        ran_on != runtime_thread,
        "f ran on the runtime's own thread: called directly inside async code, a blocking \
         function holds that thread until it returns, and no other task can run meanwhile. \
         (tokio::spawn would not help: its tasks run on the runtime's threads too.) Hand f to \
         tokio::task::spawn_blocking(f), which runs it on a thread kept for blocking work, and \
         .await the JoinHandle it returns."
    );
    Ok(())
}

fn others_run(ctx: &mut Ctx) -> Check {
    // f waits up to WAIT for a message from another task; the runtime's own stall limit is set
    // above that so the verdict comes from here, with a clearer message.
    const WAIT: Duration = Duration::from_millis(1500);
    ctx.stall_limit = Duration::from_secs(4);
    let run = ctx.real(LIMIT, || async {
        let (tx, rx) = mpsc::channel::<()>();
        let helper = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let _ = tx.send(());
        });
        let got = learner::to_thread(move || rx.recv_timeout(WAIT).is_ok()).await;
        helper.abort();
        got
    })?;
    ensure!(
        run.value,
        "f waited {} for a message that another task sends 10 ms after the start, and never \
         got it: while f ran, that task could not run at all, because f held the runtime's \
         only thread. This is what blocking the event loop means. Run f with \
         tokio::task::spawn_blocking(f).await: the runtime thread is then free to run other \
         tasks while f blocks.",
        ms(WAIT)
    );
    Ok(())
}
