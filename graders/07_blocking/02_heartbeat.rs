//! Grader for `heartbeat`: the heartbeat keeps beating while the blocking work runs, the work's
//! result comes back, the heartbeat keeps its period, and it is stopped afterwards.
//!
//! Real clock: the paused clock does not advance while `spawn_blocking` work runs, so a
//! heartbeat's timer would never fire. "Keeps beating" needs no stopwatch: the grader's work
//! waits for three beats (giving up after 1.5 s, where a free runtime needs three periods of
//! 10 to 30 ms), which cannot happen while the work holds the runtime thread.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/07_blocking/02_heartbeat.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/07_blocking/02_heartbeat.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

/// Real time a run may take before the grader gives up.
const LIMIT: Duration = Duration::from_secs(5);
/// How long the grader's work waits for beats.
const WAIT: Duration = Duration::from_millis(1500);
/// Beats the grader's work waits for.
const BEATS: usize = 3;

fn main() {
    grade(&[
        test(
            "beats_while_working",
            "the heartbeat beats while the work runs",
            beats_while_working,
        ),
        test(
            "returns_the_result",
            "with_heartbeat returns what the work returned",
            returns_result,
        ),
        test(
            "keeps_its_period",
            "no more than one beat per period",
            keeps_period,
        ),
        test(
            "heartbeat_stops",
            "no heartbeat task is left once it returns",
            stops,
        ),
    ]);
}

/// The heartbeat's period for one test. Also lets a poll run long: code that runs the work on
/// the runtime thread is beats_while_working's finding, and the other tests should still give
/// their own verdicts rather than stop at the kit's stall limit.
fn period(ctx: &mut Ctx) -> Duration {
    ctx.stall_limit = Duration::from_secs(4);
    Duration::from_millis(ctx.rng().between(10, 30))
}

fn beats_while_working(ctx: &mut Ctx) -> Check {
    // The work below holds the runtime thread for WAIT if it runs there: judge that here.
    let period = period(ctx);
    let (tx, rx) = mpsc::channel::<()>();
    let beat = move || {
        let _ = tx.send(());
    };
    let work = move || {
        let deadline = Instant::now() + WAIT;
        let mut seen = 0;
        while seen < BEATS {
            let left = deadline.saturating_duration_since(Instant::now());
            if rx.recv_timeout(left).is_err() {
                break;
            }
            seen += 1;
        }
        seen
    };
    let run = ctx.real(LIMIT, || learner::with_heartbeat(period, beat, work))?;
    let seen = run.value;
    ensure!(
        seen >= BEATS,
        "the work waited {} for {BEATS} heartbeats (one every {}) and saw {seen}: the heartbeat \
         task could not run while the work did, because the work was holding the runtime's only \
         thread. A spawned task runs only when that thread is free, and wrapping the work in \
         tokio::spawn does not help: that task runs on the same thread. Run the work with \
         tokio::task::spawn_blocking(work).await, so the runtime keeps serving the heartbeat.",
        ms(WAIT),
        ms(period)
    );
    Ok(())
}

fn returns_result(ctx: &mut Ctx) -> Check {
    let period = period(ctx);
    let n = ctx.rng().between(100, 999);
    let run = ctx.real(LIMIT, || {
        learner::with_heartbeat(
            period,
            || {},
            move || {
                std::thread::sleep(Duration::from_millis(30));
                vec![n; 3]
            },
        )
    })?;
    ensure!(
        run.value == vec![n; 3],
        "the work returned {:?}, but with_heartbeat returned {:?}: return the work's result.",
        vec![n; 3],
        run.value
    );
    Ok(())
}

fn keeps_period(ctx: &mut Ctx) -> Check {
    let period = period(ctx);
    let beats: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let log = beats.clone();
    let beat = move || {
        log.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Instant::now())
    };
    let work = move || std::thread::sleep(period * 10);
    let started = Instant::now();
    ctx.real(LIMIT, || learner::with_heartbeat(period, beat, work))?;
    let beats = beats.lock().unwrap_or_else(|e| e.into_inner()).clone();
    // No beats at all is beats_while_working's business.
    let Some(last) = beats.last() else {
        return Ok(());
    };
    // Beat k cannot come before k periods have passed, however the heartbeat is written
    // (sleep in a loop, or an interval, whose first tick is at once).
    let span = last.duration_since(started);
    let allowed = (span.as_secs_f64() / period.as_secs_f64()).floor() as usize + 2;
    ensure!(
        beats.len() <= allowed,
        "the heartbeat beat {} times in {}, where one beat every {} gives at most {allowed}: it \
         is spinning instead of waiting. Wait a period between beats: \
         tokio::time::sleep(period).await in the loop, or a tokio::time::interval(period) \
         whose tick() you await.",
        beats.len(),
        ms(span),
        ms(period)
    );
    Ok(())
}

fn stops(ctx: &mut Ctx) -> Check {
    let period = period(ctx);
    let run = ctx.real(LIMIT, || async move {
        let metrics = tokio::runtime::Handle::current().metrics();
        let work = move || std::thread::sleep(period * 3);
        learner::with_heartbeat(period, || {}, work).await;
        // An aborted task ends the next time the runtime gets to it: give it that chance.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        metrics.num_alive_tasks()
    })?;
    let alive = run.value;
    ensure!(
        alive == 0,
        "{alive} task(s) were still alive after with_heartbeat returned: the heartbeat would \
         beat forever. Once the work is done, stop it: heartbeat.abort() on its JoinHandle (a \
         JoinHandle that is dropped does not stop its task), as asyncio's hb.cancel()."
    );
    Ok(())
}
