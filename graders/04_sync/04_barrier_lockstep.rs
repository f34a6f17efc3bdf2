//! Grader for `barrier_lockstep`: every worker starts each round at the same instant, the
//! instant the slowest worker finished the round before (so the run takes exactly the sum of
//! each round's slowest job), and every job runs once.
//!
//! The jobs are the grader's; each notes on the paused clock when it was first polled and when
//! it finished. Job lengths are seeded multiples of 10 ms, different for every worker.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/04_sync/04_barrier_lockstep.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/04_sync/04_barrier_lockstep.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::sync_spans::{Span, Spans};
use learner::Job;

fn main() {
    grade(&[
        test(
            "nobody_starts_a_round_early",
            "no worker starts a round before every worker has finished the one before",
            nobody_early,
        ),
        test(
            "rounds_start_together",
            "each round starts for every worker at the instant the last one finished the round before",
            start_together,
        ),
        test(
            "every_job_runs_once",
            "every job of every round runs once, and lockstep returns when the last one ends",
            every_job_once,
        ),
    ]);
}

/// Job lengths: `lengths[w][r]` is worker `w`'s job in round `r`.
type Plan = Vec<Vec<Duration>>;

fn plan(ctx: &Ctx, workers: (u64, u64)) -> Plan {
    let mut rng = ctx.rng();
    let n = rng.between(workers.0, workers.1) as usize;
    let rounds = rng.between(3, 4) as usize;
    // Distinct lengths within each round, so every round has one slowest worker.
    let per_round: Vec<Vec<Duration>> = (0..rounds)
        .map(|_| rng.distinct_durations(n, 5, 60))
        .collect();
    (0..n)
        .map(|w| per_round.iter().map(|r| r[w] * 10).collect())
        .collect()
}

/// When each round should start: round `r` when the slowest worker finished round `r - 1`.
fn round_starts(plan: &Plan) -> Vec<Duration> {
    let rounds = plan[0].len();
    let mut starts = Vec::with_capacity(rounds);
    let mut t = Duration::ZERO;
    for r in 0..rounds {
        starts.push(t);
        t += plan.iter().map(|w| w[r]).max().unwrap_or_default();
    }
    starts
}

/// What lockstep did: the spans (lane = worker, mark = round number) and their picture.
struct Observed {
    spans: Vec<Span>,
    picture: String,
}

/// How long past the plan's end lockstep may still be running before it counts as stuck.
const STUCK_AFTER: Duration = Duration::from_secs(10);

/// Runs lockstep on the plan's jobs: what it did, and how long it took on the clock.
fn run(ctx: &mut Ctx, plan: &Plan) -> Result<(Observed, Duration), Fail> {
    let plan = plan.clone();
    let total: Duration = (0..plan[0].len())
        .map(|r| plan.iter().map(|w| w[r]).max().unwrap_or_default())
        .sum();
    let workers = plan.len();
    let run = ctx.paused(move || {
        let spans = Spans::new();
        let jobs: Vec<Vec<Job>> = plan
            .iter()
            .enumerate()
            .map(|(w, rounds)| {
                rounds
                    .iter()
                    .enumerate()
                    .map(|(r, &d)| Box::pin(spans.work(w, round_mark(r), d)) as Job)
                    .collect()
            })
            .collect();
        let call = tokio::time::timeout(total + STUCK_AFTER, learner::lockstep(jobs));
        async move {
            let finished = call.await.is_ok();
            let picture = spans.draw("the workers' jobs (digit = round)", |w| {
                format!("worker {}", w + 1)
            });
            (
                finished,
                Observed {
                    spans: spans.list(),
                    picture,
                },
            )
        }
    })?;
    let (finished, observed) = &run.value;
    if !finished {
        return Err(Fail::new(format!(
            "lockstep was still running {} after the last round should have ended ({}): \
             workers are stuck in barrier.wait(). A Barrier::new(n) lets its tasks go only once \
             n of them wait: n must be the number of workers ({workers}), every worker must \
             wait on the same barrier (one Arc, cloned into each task, not a barrier per task), \
             and every worker must be running at the same time (spawn them all before awaiting \
             any).",
            ms(STUCK_AFTER),
            ms(total)
        ))
        .with_picture(observed.picture.clone()));
    }
    let Run {
        value: (_, observed),
        virtual_elapsed,
        ..
    } = run;
    Ok((observed, virtual_elapsed))
}

fn round_mark(round: usize) -> char {
    char::from_digit((round as u32 + 1) % 10, 10).unwrap_or('#')
}

/// Worker `w`'s span for round `r`, if that job started.
fn span_of(spans: &[Span], w: usize, r: usize) -> Option<&Span> {
    spans
        .iter()
        .find(|s| s.lane == w && s.mark == round_mark(r))
}

fn nobody_early(ctx: &mut Ctx) -> Check {
    let plan = plan(ctx, (3, 5));
    let (Observed { spans, picture }, _) = run(ctx, &plan)?;
    for r in 1..plan[0].len() {
        // The last moment anyone finished round r - 1.
        let Some((slowest, done)) = (0..plan.len())
            .filter_map(|w| {
                span_of(&spans, w, r - 1)
                    .and_then(|s| s.end)
                    .map(|e| (w, e))
            })
            .max_by_key(|&(_, e)| e)
        else {
            continue;
        };
        for w in 0..plan.len() {
            let Some(s) = span_of(&spans, w, r) else {
                continue;
            };
            if s.start < done {
                return Err(Fail::new(format!(
                    "worker {} started round {} at {} while worker {} was still busy with \
                     round {} until {}. No worker may start a round before every worker has \
                     finished the one before: share one tokio::sync::Barrier::new(number of \
                     workers) between the tasks (in an Arc) and await barrier.wait() after each \
                     job.",
                    w + 1,
                    r + 1,
                    ms(s.start),
                    slowest + 1,
                    r,
                    ms(done)
                ))
                .with_picture(picture));
            }
        }
    }
    Ok(())
}

fn start_together(ctx: &mut Ctx) -> Check {
    let plan = plan(ctx, (2, 6));
    let starts = round_starts(&plan);
    let (Observed { spans, picture }, _) = run(ctx, &plan)?;
    for (r, &due) in starts.iter().enumerate() {
        let mut started: Vec<(usize, Duration)> = Vec::new();
        for w in 0..plan.len() {
            match span_of(&spans, w, r) {
                Some(s) => started.push((w, s.start)),
                None => fail!(
                    "worker {} never started its job for round {}: lockstep returned (or \
                     stopped) before running every round of every worker.",
                    w + 1,
                    r + 1
                ),
            }
        }
        if let Some(&(w, at)) = started.iter().find(|(_, at)| *at != due) {
            let why = if r == 0 {
                "Every worker should start its first job at once, at 0 ms: spawn all the \
                 workers before awaiting any of them."
                    .to_owned()
            } else {
                format!(
                    "Round {} should start for everyone at {}, when the slowest worker \
                     finished round {}: with a shared Barrier all waiting workers are released \
                     at that very instant.",
                    r + 1,
                    ms(due),
                    r
                )
            };
            return Err(Fail::new(format!(
                "worker {} started round {} at {}. {why}",
                w + 1,
                r + 1,
                ms(at)
            ))
            .with_picture(picture));
        }
    }
    Ok(())
}

fn every_job_once(ctx: &mut Ctx) -> Check {
    let plan = plan(ctx, (2, 5));
    let (Observed { spans, picture }, took) = run(ctx, &plan)?;
    let jobs = plan.len() * plan[0].len();
    let finished = spans
        .iter()
        .filter(|s| s.end.is_some() && !s.cancelled)
        .count();
    if spans.len() != jobs || finished != jobs {
        return Err(Fail::new(format!(
            "{} workers with {} rounds each make {jobs} jobs; {} of them started and {finished} \
             ran to the end. Await every job of every worker, and every worker's task, before \
             lockstep returns.",
            plan.len(),
            plan[0].len(),
            spans.len()
        ))
        .with_picture(picture));
    }
    let last = spans.iter().filter_map(|s| s.end).max().unwrap_or_default();
    ensure!(
        took == last,
        "lockstep returned after {} of virtual time, but the last job finished at {}. Return as \
         soon as every worker is done: await each worker's JoinHandle, nothing more.",
        ms(took),
        ms(last)
    );
    Ok(())
}
