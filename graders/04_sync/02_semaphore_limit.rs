//! Grader for `semaphore_limit`: `run_limited` never runs more than `limit` jobs at once,
//! starts the next job the instant a slot frees, and returns results in job order.
//!
//! The jobs are the grader's: each records, on the paused clock, when it was first polled and
//! when it finished, so "how many at once" is observed, not trusted.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/04_sync/02_semaphore_limit.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/04_sync/02_semaphore_limit.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::sync_spans::{self, Span, Spans};
use learner::Job;

fn main() {
    grade(&[
        test(
            "never_more_than_limit",
            "never more than `limit` jobs run at once",
            never_more,
        ),
        test(
            "every_slot_used",
            "n equal jobs with a limit of 3 take exactly ceil(n/3) job lengths",
            every_slot_used,
        ),
        test(
            "next_job_starts_when_a_slot_frees",
            "no slot stays free while a job waits, with jobs of different lengths",
            no_idle_slot,
        ),
        test(
            "results_in_job_order",
            "results come back in the order of the jobs",
            in_order,
        ),
    ]);
}

/// What a run of `run_limited` left behind.
struct Observed {
    results: Vec<u64>,
    spans: Vec<Span>,
    picture: String,
}

/// Runs `run_limited` on jobs of the given lengths; job `i` returns `values[i]`.
fn run(
    ctx: &mut Ctx,
    lengths: &[Duration],
    values: &[u64],
    limit: usize,
) -> Result<Run<Observed>, Fail> {
    let (lengths, values) = (lengths.to_vec(), values.to_vec());
    ctx.paused(move || {
        let spans = Spans::new();
        let jobs: Vec<Job> = lengths
            .iter()
            .zip(&values)
            .enumerate()
            .map(|(i, (&d, &v))| {
                let job = async move {
                    tokio::time::sleep(d).await;
                    v
                };
                Box::pin(spans.wrap(i, '█', job)) as Job
            })
            .collect();
        let call = learner::run_limited(jobs, limit);
        async move {
            let results = call.await;
            let picture = spans.draw("the jobs as they ran (█ = running)", |i| {
                format!("job {}", i + 1)
            });
            Observed {
                results,
                spans: spans.list(),
                picture,
            }
        }
    })
}

/// `n` equal jobs, their length, and distinct values.
fn equal_jobs(ctx: &Ctx) -> (Vec<Duration>, Vec<u64>) {
    let mut rng = ctx.rng();
    let n = rng.between(7, 11) as usize;
    let d = Duration::from_millis(rng.between(10, 90) * 10);
    let values = (0..n as u64)
        .map(|i| i * 100 + rng.between(0, 99))
        .collect();
    (vec![d; n], values)
}

fn too_many(most: usize, limit: usize, picture: String) -> Fail {
    Fail::new(format!(
        "{most} jobs ran at the same time; the limit is {limit}. A permit holds a slot only while \
         the permit value is alive. `let _ = sem.acquire().await` drops it at once (the `_` \
         pattern keeps nothing), and a permit borrowed with `sem.acquire()` in the spawning loop \
         is dropped at the end of that loop's turn. Either acquire inside the task and keep the \
         permit in a named variable (`let _permit = ...`, not `let _ = ...`), or take an owned \
         permit in the loop with `Arc::clone(&sem).acquire_owned().await` and move that \
         OwnedSemaphorePermit into the task: either way it lives until the job is done."
    ))
    .with_picture(picture)
}

fn never_more(ctx: &mut Ctx) -> Check {
    let (lengths, values) = equal_jobs(ctx);
    let limit = 3;
    let run = run(ctx, &lengths, &values, limit)?;
    let most = sync_spans::max_overlap(&run.value.spans);
    if most > limit {
        return Err(too_many(most, limit, run.value.picture));
    }
    Ok(())
}

fn every_slot_used(ctx: &mut Ctx) -> Check {
    let (lengths, values) = equal_jobs(ctx);
    let (n, d, limit) = (lengths.len(), lengths[0], 3);
    let run = run(ctx, &lengths, &values, limit)?;
    let Observed { spans, picture, .. } = run.value;
    let most = sync_spans::max_overlap(&spans);
    if most > limit {
        return Err(too_many(most, limit, picture));
    }
    ensure!(
        spans.len() == n && spans.iter().all(|s| s.end.is_some()),
        "{n} jobs were handed in but only {} ran to the end: await every job.",
        spans.iter().filter(|s| s.end.is_some()).count()
    );
    let expected = d * n.div_ceil(limit) as u32;
    let took = run.virtual_elapsed;
    if took == expected {
        return Ok(());
    }
    let fail = if most == 1 {
        Fail::new(format!(
            "the jobs ran one at a time: {n} jobs of {} took {}. With {limit} slots they take \
             {} ({} rounds of {limit}). Start every job in its own task (or future) and let the \
             semaphore, not the order of your awaits, hold them back.",
            ms(d),
            ms(took),
            ms(expected),
            n.div_ceil(limit)
        ))
    } else {
        Fail::new(format!(
            "{n} jobs of {} each, at most {limit} at a time, should take exactly {} of virtual \
             time ({} rounds); they took {}, with at most {most} running at once. Every slot \
             should be busy while jobs are waiting.",
            ms(d),
            ms(expected),
            n.div_ceil(limit),
            ms(took)
        ))
    };
    Err(fail.with_picture(picture))
}

fn no_idle_slot(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(8, 12) as usize;
    let limit = rng.between(2, 4) as usize;
    let lengths: Vec<Duration> = (0..n)
        .map(|_| Duration::from_millis(rng.between(5, 60) * 10))
        .collect();
    let values: Vec<u64> = (0..n as u64).collect();
    let run = run(ctx, &lengths, &values, limit)?;
    let Observed { spans, picture, .. } = run.value;
    let most = sync_spans::max_overlap(&spans);
    if most > limit {
        return Err(too_many(most, limit, picture));
    }
    for t in sync_spans::event_times(&spans) {
        let finished = spans
            .iter()
            .filter(|s| s.end.is_some_and(|e| e <= t))
            .count();
        let running = sync_spans::running_after(&spans, t);
        let waiting = n - finished - running;
        if running < limit && waiting > 0 {
            let why = if most == 1 {
                "The jobs ran one at a time: awaiting each job before starting the next uses one \
                 slot. Give every job its own task that acquires a permit, then runs."
            } else {
                "A semaphore lets the next job in the moment a permit comes back; running the \
                 jobs in fixed batches makes each batch wait for its slowest job. Give every job \
                 its own task that acquires a permit, then runs."
            };
            return Err(Fail::new(format!(
                "a slot stood free while a job waited: just after {}, {running} job(s) were \
                 running with a limit of {limit}, and {waiting} had not started. {why} (job \
                 lengths {})",
                ms(t),
                show_durations(&lengths)
            ))
            .with_picture(picture));
        }
    }
    let last = spans.iter().filter_map(|s| s.end).max().unwrap_or_default();
    ensure!(
        spans.len() == n && run.virtual_elapsed == last,
        "run_limited returned after {} of virtual time, but the last of its {n} jobs finished \
         at {}: return as soon as every job is done, with every job's result.",
        ms(run.virtual_elapsed),
        ms(last)
    );
    Ok(())
}

fn in_order(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(6, 9) as usize;
    let lengths = rng
        .distinct_durations(n, 10, 90)
        .into_iter()
        .map(|d| d * 10)
        .collect::<Vec<_>>();
    let values: Vec<u64> = (0..n).map(|_| rng.between(1, 999)).collect();
    let run = run(ctx, &lengths, &values, 3)?;
    let got = run.value.results;
    if got == values {
        return Ok(());
    }
    let mut by_finish: Vec<(Duration, u64)> = Vec::new();
    for s in &run.value.spans {
        by_finish.push((s.end.unwrap_or(Duration::MAX), values[s.lane]));
    }
    by_finish.sort();
    let finish_order: Vec<u64> = by_finish.into_iter().map(|(_, v)| v).collect();
    if got == finish_order {
        fail!(
            "the results came back in the order the jobs finished, {got:?}, instead of the \
             order of the jobs, {values:?}. Keep the JoinHandles in a Vec and await them in \
             the order you spawned them."
        );
    }
    fail!(
        "run_limited returned {got:?}; the jobs gave {values:?}, in that order. Return one result per job, in the order of `jobs`."
    )
}
