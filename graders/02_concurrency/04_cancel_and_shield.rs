//! Grader for `cancel_and_shield`: `cancel_after` stops its task for good when patience runs
//! out, and `save_shielded` stops waiting at its limit while the save itself completes.
//!
//! Durations come from the seeded generator and are never within 20 ms of each other.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/02_concurrency/04_cancel_and_shield.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/02_concurrency/04_cancel_and_shield.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::concurrency_tasks::with_leftovers;
use kit::prelude::*;
use learner::{Outcome, Saving, Store};

fn main() {
    grade(&[
        test(
            "finished_task_keeps_its_value",
            "a task done before patience runs out gives Finished(value)",
            finished,
        ),
        test(
            "cancelled_task_is_gone",
            "a task still running when patience runs out is cancelled and gone",
            cancelled,
        ),
        test(
            "quick_save_is_done",
            "a save that finishes within the limit gives Done, with the record stored",
            quick_save,
        ),
        test(
            "shielded_save_completes",
            "a slow save gives StillRunning at the limit and still lands in the store",
            shielded,
        ),
    ]);
}

const SLACK: Duration = Duration::from_millis(1);

/// A shorter and a longer duration, at least 20 ms apart.
fn pair(ctx: &mut Ctx) -> (Duration, Duration) {
    let mut rng = ctx.rng();
    let short = rng.between(100, 2000);
    let long = short + rng.between(20, 3000);
    ctx.scale_stall_limit(Duration::from_millis(short), 0.5);
    (Duration::from_millis(short), Duration::from_millis(long))
}

fn near(took: Duration, want: Duration) -> bool {
    took >= want && took <= want + SLACK
}

fn finished(ctx: &mut Ctx) -> Check {
    let (work, patience) = pair(ctx);
    let run = ctx.paused(|| with_leftovers(learner::cancel_after(work, patience)))?;
    let ((got, _), took) = (run.value, run.virtual_elapsed);
    let want = Outcome::Finished(work.as_millis() as u64);
    // Waiting out the patience (asyncio.sleep, then cancel) and returning as soon as the task
    // is done (a timeout on the handle) are both fine.
    ensure!(
        got == want && (near(took, patience) || near(took, work)),
        "cancel_after with {} of work and {} of patience should return {want:?}: the task is \
         done before patience runs out, and abort() on a finished task changes nothing, so \
         awaiting its handle gives Ok(value). It returned {got:?} after {}.",
        ms(work),
        ms(patience),
        ms(took)
    );
    Ok(())
}

fn cancelled(ctx: &mut Ctx) -> Check {
    let (patience, work) = pair(ctx);
    let run = ctx.paused(|| with_leftovers(learner::cancel_after(work, patience)))?;
    let ((got, left), took) = (run.value, run.virtual_elapsed);
    ensure!(
        got == Outcome::Cancelled && near(took, patience),
        "cancel_after with {} of work and {} of patience should return Cancelled after {}; it \
         returned {got:?} after {}. Wait `patience`, call abort() on the handle, then await \
         the handle: Err(e) with e.is_cancelled() means the task was stopped.",
        ms(work),
        ms(patience),
        ms(patience),
        ms(took)
    );
    // No picture: the timeline is drawn after the runtime shut down, which ends every task,
    // so the leftover task's row would look finished.
    ensure!(
        left == 0,
        "cancel_after said Cancelled, but the crunching task was still running after it \
         returned ({left} task(s) alive; its {} of work would have gone on to the end). \
         Dropping a JoinHandle does not cancel its task, it only lets go of it. Call \
         handle.abort(), which is asyncio's task.cancel().",
        ms(work)
    );
    Ok(())
}

/// What one save did: the status, when it came back, the store then and at the write's end.
struct SaveSeen {
    status: Saving,
    returned_at: Duration,
    at_return: Vec<String>,
    after_write: Vec<String>,
}

fn run_save(ctx: &mut Ctx, write: Duration, limit: Duration) -> Result<Run<SaveSeen>, Fail> {
    let record = format!("order #{}", ctx.rng().between(1000, 9999));
    ctx.paused(|| async move {
        let store = Store::default();
        let start = tokio::time::Instant::now();
        let status = learner::save_shielded(store.clone(), record, write, limit).await;
        let returned_at = start.elapsed();
        let at_return = store.lock().unwrap_or_else(|e| e.into_inner()).clone();
        // Give a background save the time it needs (and a little more) to land.
        tokio::time::sleep_until(start + write + Duration::from_millis(5)).await;
        let after_write = store.lock().unwrap_or_else(|e| e.into_inner()).clone();
        SaveSeen {
            status,
            returned_at,
            at_return,
            after_write,
        }
    })
}

fn quick_save(ctx: &mut Ctx) -> Check {
    let (write, limit) = pair(ctx);
    let seen = run_save(ctx, write, limit)?.value;
    ensure!(
        seen.status == Saving::Done && near(seen.returned_at, write),
        "save_shielded with a {} write and a limit of {} should return Done after {}, when the \
         save has finished; it returned {:?} after {}.",
        ms(write),
        ms(limit),
        ms(write),
        seen.status,
        ms(seen.returned_at)
    );
    ensure!(
        seen.at_return.len() == 1,
        "save_shielded returned Done, but the store held {:?} at that moment: exactly one \
         record should be saved.",
        seen.at_return
    );
    Ok(())
}

fn shielded(ctx: &mut Ctx) -> Check {
    let (limit, write) = pair(ctx);
    let run = run_save(ctx, write, limit)?;
    let picture = run.timeline.draw();
    let seen = run.value;
    ensure!(
        seen.status == Saving::StillRunning && near(seen.returned_at, limit),
        "save_shielded with a {} write and a limit of {} should stop waiting and return \
         StillRunning after {}; it returned {:?} after {}. Await the save's JoinHandle inside \
         tokio::time::timeout(limit, ..).",
        ms(write),
        ms(limit),
        ms(limit),
        seen.status,
        ms(seen.returned_at)
    );
    if seen.after_write.is_empty() {
        return Err(Fail::new(format!(
            "save_shielded returned StillRunning at {}, but the record never reached the store, \
             not even after the {} the write takes: the save was cancelled halfway. timeout \
             drops the future it wraps when the limit runs out. Shield the save: tokio::spawn \
             it, and put the timeout on its JoinHandle; dropping a JoinHandle lets the task \
             finish on its own.",
            ms(limit),
            ms(write)
        ))
        .with_picture(picture));
    }
    ensure!(
        seen.after_write.len() == 1,
        "after the save finished the store held {:?}: the record should be saved exactly once. \
         Start the save once and let that one task finish.",
        seen.after_write
    );
    Ok(())
}
