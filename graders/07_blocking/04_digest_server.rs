//! Grader for `digest_server`: `digest_all` digests on the blocking pool without holding the
//! runtime thread, answers status requests while digests run, returns digests in input order,
//! and runs exactly `limit` digests at once when there is work for that many.
//!
//! Real clock (blocking threads); no verdict needs a stopwatch:
//! - status: each of the grader's digests asks for the status and waits for the answer before
//!   it finishes (holding its permit), so unanswered requests cannot go unnoticed; waits end at
//!   a shared deadline 1.5 s after the first request, where an answer takes microseconds;
//! - order and limit: as in `blocking_pool` (`kit::blocking_probe::{Chain, Gauge}`).
//!
//! The grader always keeps a status sender alive until `digest_all` returns: code that waits for
//! the status channel to close before returning never returns, and is told so.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/07_blocking/04_digest_server.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/07_blocking/04_digest_server.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::blocking_probe::{Chain, Gauge, fnv1a};
use kit::prelude::*;
use learner::StatusRequest;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// How long the grader waits for `digest_all` to return, in real time.
const CAP: Duration = Duration::from_secs(5);
/// How long `digest_all` may take to return once every digest is done (it needs microseconds).
const GRACE: Duration = Duration::from_secs(1);
/// How long digests wait for answers to their status requests, from the first request.
const ANSWER_WAIT: Duration = Duration::from_millis(1500);

fn main() {
    grade(&[
        test(
            "does_not_block",
            "digests run off the runtime thread",
            does_not_block,
        ),
        test(
            "answers_while_digesting",
            "status requests are answered while digests run",
            answers,
        ),
        test(
            "results_in_order",
            "digests come back in the order of the inputs",
            in_order,
        ),
        test(
            "runs_limit_at_once",
            "exactly `limit` digests at once when there is work",
            limit_at_once,
        ),
    ]);
}

/// `n` inputs of 1 to 4 KiB from the seeded generator.
fn inputs(ctx: &Ctx, n: usize) -> Vec<Vec<u8>> {
    let mut rng = ctx.rng();
    (0..n)
        .map(|_| {
            let len = rng.between(1024, 4096) as usize;
            (0..len).map(|_| rng.between(0, 255) as u8).collect()
        })
        .collect()
}

/// Runs `digest_all`, keeping a status sender alive throughout; `None` if it had not returned
/// within [`CAP`], or [`GRACE`] after `finished` reached the number of inputs (all digests done).
fn run<D>(
    ctx: &mut Ctx,
    digest: D,
    inputs: Vec<Vec<u8>>,
    limit: usize,
    status: (mpsc::Sender<StatusRequest>, mpsc::Receiver<StatusRequest>),
    finished: &Arc<AtomicUsize>,
) -> Result<Option<Vec<u64>>, Fail>
where
    D: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    let (keep_open, rx) = status;
    let n = inputs.len();
    let finished = finished.clone();
    let run = ctx.real(CAP + Duration::from_secs(2), || async move {
        let all_done = async {
            while finished.load(Ordering::SeqCst) < n {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            tokio::time::sleep(GRACE).await;
        };
        let got = tokio::select! {
            digests = learner::digest_all(digest, inputs, limit, rx) => Some(digests),
            () = all_done => None,
            () = tokio::time::sleep(CAP) => None,
        };
        drop(keep_open);
        got
    })?;
    Ok(run.value)
}

fn never_returned(n: usize, finished: usize) -> Fail {
    if finished == n {
        Fail::new(format!(
            "all {n} digests were done, but digest_all had not returned {} later. Return as soon \
             as the last digest is in: do not wait for the status channel to close (someone may \
             keep it open), so stop the serving loop when the batch's JoinHandle is ready.",
            ms(GRACE)
        ))
    } else {
        Fail::new(format!(
            "digest_all had not returned after {}, with {finished} of {n} digests done. Start \
             the digests with spawn_blocking (up to `limit` at once), and keep answering status \
             requests while you wait for them.",
            ms(CAP)
        ))
    }
}

fn does_not_block(ctx: &mut Ctx) -> Check {
    // Each digest holds its thread for 300 ms; correct code holds the runtime thread for
    // microseconds at a time.
    ctx.stall_limit = Duration::from_millis(150);
    let data = inputs(ctx, 3);
    let expected: Vec<u64> = data.iter().map(|d| fnv1a(d)).collect();
    let finished = Arc::new(AtomicUsize::new(0));
    let count = finished.clone();
    let digest = move |d: &[u8]| {
        std::thread::sleep(Duration::from_millis(300));
        count.fetch_add(1, Ordering::SeqCst);
        fnv1a(d)
    };
    let Some(got) = run(ctx, digest, data, 3, mpsc::channel(8), &finished)? else {
        return Err(never_returned(3, finished.load(Ordering::SeqCst)));
    };
    ensure!(
        got == expected,
        "the digests of the 3 inputs are {expected:x?}, in that order, but digest_all returned \
         {got:x?}. Return digest(input) for every input, in the order of the inputs."
    );
    Ok(())
}

/// What one digest saw when it asked for the status.
#[derive(Clone, Copy)]
struct Asked {
    answer: Option<usize>,
    /// Digests the grader had seen finish when the answer arrived.
    finished_then: usize,
}

fn answers(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(5, 7) as usize;
    let limit = rng.between(2, 3) as usize;
    let data = inputs(ctx, n);
    let finished = Arc::new(AtomicUsize::new(0));
    let log: Arc<Mutex<Vec<Asked>>> = Arc::default();
    let first_ask: Arc<Mutex<Option<Instant>>> = Arc::default();
    let (tx, rx) = mpsc::channel::<StatusRequest>(n + 1);
    let (count, record, asker) = (finished.clone(), log.clone(), tx.clone());
    let digest = move |d: &[u8]| {
        let deadline = *first_ask
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(Instant::now)
            + ANSWER_WAIT;
        let (reply, mut answer) = oneshot::channel();
        let mut got = None;
        if asker.try_send(reply).is_ok() {
            while Instant::now() < deadline {
                match answer.try_recv() {
                    Ok(v) => {
                        got = Some(v);
                        break;
                    }
                    Err(oneshot::error::TryRecvError::Empty) => {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Err(oneshot::error::TryRecvError::Closed) => break,
                }
            }
        }
        let asked = Asked {
            answer: got,
            finished_then: count.load(Ordering::SeqCst),
        };
        record.lock().unwrap_or_else(|e| e.into_inner()).push(asked);
        count.fetch_add(1, Ordering::SeqCst);
        fnv1a(d)
    };
    let got = run(ctx, digest, data, limit, (tx, rx), &finished)?;
    let asked = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let unanswered = asked.iter().filter(|a| a.answer.is_none()).count();
    ensure!(
        unanswered == 0,
        "{unanswered} of the {} status requests sent while digests ran got no answer within {} \
         (each digest asks once, and waits for the answer while holding its permit; {n} inputs, \
         limit {limit}). Keep serving while the batch runs: start the batch (permits, \
         spawn_blocking, awaiting in order) in its own task, then loop on tokio::select! over \
         status.recv() and that task's JoinHandle, answering each request with reply.send(count).",
        asked.len(),
        ms(ANSWER_WAIT)
    );
    if let Some(a) = asked
        .iter()
        .find(|a| a.answer.is_some_and(|v| v > a.finished_then))
    {
        fail!(
            "a status request was answered {}, when only {} digest(s) had finished: the count \
             ran ahead of the work. Count a digest as done after digest(..) has returned (for \
             example with an Arc<AtomicUsize> incremented inside the job, after the call), not \
             when it is started.",
            a.answer.unwrap_or_default(),
            a.finished_then
        );
    }
    if got.is_none() {
        return Err(never_returned(n, finished.load(Ordering::SeqCst)));
    }
    Ok(())
}

fn in_order(ctx: &mut Ctx) -> Check {
    let n = ctx.rng().between(5, 7) as usize;
    let data = inputs(ctx, n);
    let expected: Vec<u64> = data.iter().map(|d| fnv1a(d)).collect();
    let chain = Chain::new(n, Duration::from_millis(600));
    let finished = Arc::new(AtomicUsize::new(0));
    let (count, order) = (finished.clone(), expected.clone());
    let digest = move |d: &[u8]| {
        let h = fnv1a(d);
        let k = order.iter().position(|x| *x == h).unwrap_or(0);
        chain.wait_for_next(k);
        chain.done(k);
        count.fetch_add(1, Ordering::SeqCst);
        h
    };
    let Some(got) = run(ctx, digest, data, n, mpsc::channel(8), &finished)? else {
        return Err(never_returned(n, finished.load(Ordering::SeqCst)));
    };
    if got == expected {
        return Ok(());
    }
    let mut backwards = expected.clone();
    backwards.reverse();
    ensure!(
        got != backwards,
        "the digests came back in the order they finished (the grader's digests finish last to \
         first): {got:x?}, where the inputs give {expected:x?}. Await the spawn_blocking \
         JoinHandles in the order of the inputs."
    );
    fail!(
        "the inputs' digests are {expected:x?}, in that order, but digest_all returned \
         {got:x?}. Return digest(input) for every input, in the order of the inputs."
    )
}

fn limit_at_once(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(6, 8) as usize;
    let limit = rng.between(2, 3) as usize;
    let data = inputs(ctx, n);
    let mut expected: Vec<u64> = data.iter().map(|d| fnv1a(d)).collect();
    let gauge = Gauge::new(n, Duration::from_millis(400));
    let (probe, finished) = (gauge.clone(), Arc::new(AtomicUsize::new(0)));
    let count = finished.clone();
    let digest = move |d: &[u8]| {
        probe.enter();
        let h = fnv1a(d);
        probe.leave();
        count.fetch_add(1, Ordering::SeqCst);
        h
    };
    let Some(mut got) = run(ctx, digest, data, limit, mpsc::channel(8), &finished)? else {
        return Err(never_returned(n, finished.load(Ordering::SeqCst)));
    };
    // The order is results_in_order's business.
    got.sort_unstable();
    expected.sort_unstable();
    ensure!(
        got == expected,
        "digest_all did not return one digest per input: {got:x?}."
    );
    let peak = gauge.peak();
    ensure!(
        peak <= limit,
        "{peak} digests ran at the same time (of {n} inputs), where limit was {limit}. \
         spawn_blocking alone starts every job at once: take a permit from a Semaphore of \
         `limit` permits before each spawn_blocking, and move it into the job so it is held \
         until the digest is done."
    );
    ensure!(
        peak >= limit,
        "at most {peak} digest(s) ran at the same time, where {limit} were allowed and {n} \
         inputs were waiting: start up to `limit` jobs before awaiting any, and await the \
         JoinHandles after starting them all."
    );
    Ok(())
}
