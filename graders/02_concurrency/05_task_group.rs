//! Grader for `task_group`: `run_all` collects every job's outcome, failures included, in job
//! order; `run_all_or_nothing` returns all values, or the first failure the moment it happens
//! with no job left running.
//!
//! Jobs come from the seeded generator with distinct latencies, never finishing in job order;
//! sets with failures have one job that returns an error and one that panics (see `Layout`).

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/02_concurrency/05_task_group.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/02_concurrency/05_task_group.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::concurrency_tasks::with_leftovers;
use kit::prelude::*;
use learner::{Job, JobError, Plan};

fn main() {
    grade(&[
        test(
            "every_result_collected",
            "run_all returns one result per job, failures included, in job order",
            every_result,
        ),
        test(
            "run_all_waits_for_all",
            "run_all takes as long as the slowest job and leaves nothing running",
            waits_for_all,
        ),
        test(
            "all_values_when_all_succeed",
            "run_all_or_nothing returns every value, in job order, when no job fails",
            all_succeed,
        ),
        test(
            "fails_fast",
            "run_all_or_nothing returns the first failure the moment it happens, nothing left running",
            fails_fast,
        ),
    ]);
}

const SLACK: Duration = Duration::from_millis(1);
const MESSAGES: [&str; 5] = [
    "disk full",
    "connection reset",
    "bad checksum",
    "quota exceeded",
    "permission denied",
];

/// How a grader test arranges its jobs' failures.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Every job succeeds.
    AllSucceed,
    /// One error and one panic somewhere in the middle; the last job is the slowest and
    /// succeeds, so code that stops collecting at a failure leaves it running.
    Scattered,
    /// Job 0 fails last; a job at index 2 or later fails second-fastest; the fastest
    /// succeeds. The first failure in time is then never the first in job order.
    FirstFailsLate,
}

/// Seeded jobs with distinct latencies, never finishing in job order.
fn jobs(ctx: &mut Ctx, layout: Layout) -> Vec<Job> {
    let mut rng = ctx.rng();
    let n = rng.between(5, 7) as usize;
    let mut latencies = rng.distinct_durations(n, 100, 3000);
    latencies.sort();
    ctx.scale_stall_limit(latencies[0], 0.5);
    let mut plans: Vec<Plan> = (0..n)
        .map(|_| Plan::Value(rng.between(1, 999) as u32))
        .collect();
    let message = MESSAGES[rng.between(0, MESSAGES.len() as u64 - 1) as usize].to_owned();
    let (one, other) = if rng.between(0, 1) == 0 {
        (Plan::Error(message), Plan::Panic)
    } else {
        (Plan::Panic, Plan::Error(message))
    };
    // order[rank] is the job that gets the rank-th shortest latency.
    let order: Vec<usize> = match layout {
        Layout::AllSucceed => {
            let mut order: Vec<usize> = (0..n).collect();
            while order.windows(2).all(|w| w[0] < w[1]) {
                rng.shuffle(&mut order);
            }
            order
        }
        Layout::Scattered => {
            let mut middle: Vec<usize> = (0..n - 1).collect();
            rng.shuffle(&mut middle);
            let (f1, f2) = (middle[0].max(1), middle[1].max(1));
            let f2 = if f1 == f2 { middle[2].max(1) } else { f2 };
            plans[f1] = one;
            plans[f2] = other;
            middle.push(n - 1);
            middle
        }
        Layout::FirstFailsLate => {
            let early = rng.between(2, n as u64 - 1) as usize;
            let mut rest: Vec<usize> = (1..n).filter(|&i| i != early).collect();
            rng.shuffle(&mut rest);
            plans[early] = one;
            plans[0] = other;
            std::iter::once(rest[0])
                .chain(std::iter::once(early))
                .chain(rest[1..].iter().copied())
                .chain(std::iter::once(0))
                .collect()
        }
    };
    let mut by_job = vec![Duration::ZERO; n];
    for (rank, &job) in order.iter().enumerate() {
        by_job[job] = latencies[rank];
    }
    by_job
        .into_iter()
        .zip(plans)
        .map(|(latency, plan)| Job { latency, plan })
        .collect()
}

fn expected(job: &Job) -> Result<u32, JobError> {
    match &job.plan {
        Plan::Value(v) => Ok(*v),
        Plan::Error(m) => Err(JobError::Failed(m.clone())),
        Plan::Panic => Err(JobError::Crashed),
    }
}

fn show_jobs(jobs: &[Job]) -> String {
    let parts: Vec<String> = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| {
            let end = match &j.plan {
                Plan::Value(v) => format!("Ok({v})"),
                Plan::Error(m) => format!("Err({m:?})"),
                Plan::Panic => "panics".to_owned(),
            };
            format!("job {i}: {} → {end}", ms(j.latency))
        })
        .collect();
    parts.join("; ")
}

fn every_result(ctx: &mut Ctx) -> Check {
    let jobs = jobs(ctx, Layout::Scattered);
    let input = jobs.clone();
    let got = ctx.paused(|| learner::run_all(input))?.value;
    let want: Vec<_> = jobs.iter().map(expected).collect();
    if got == want {
        return Ok(());
    }
    if got.len() < want.len() && got[..] == want[..got.len()] {
        let stop = got.len();
        fail!(
            "run_all returned {} result(s) for {} jobs: it stopped at job {stop}, which {}. \
             return_exceptions=True keeps going: push Err(JobError::Failed(message)) for a job \
             that returned Err, Err(JobError::Crashed) for a handle that gave Err(JoinError), \
             and collect the rest. The jobs: {}.",
            got.len(),
            want.len(),
            if jobs[stop].plan == Plan::Panic {
                "panicked"
            } else {
                "returned an error"
            },
            show_jobs(&jobs)
        );
    }
    let by_finish = {
        let mut idx: Vec<usize> = (0..jobs.len()).collect();
        idx.sort_by_key(|&i| jobs[i].latency);
        idx.iter().map(|&i| want[i].clone()).collect::<Vec<_>>()
    };
    if got == by_finish {
        fail!(
            "run_all returned the results in the order the jobs finished; gather keeps the \
             order of the jobs. Await the JoinHandles in spawn order, or put each result at \
             its job's index. The jobs: {}.",
            show_jobs(&jobs)
        );
    }
    fail!(
        "run_all should return {want:?}; it returned {got:?}. The jobs: {}.",
        show_jobs(&jobs)
    )
}

fn waits_for_all(ctx: &mut Ctx) -> Check {
    let jobs = jobs(ctx, Layout::Scattered);
    let input = jobs.clone();
    let run = ctx.paused(|| with_leftovers(learner::run_all(input)))?;
    let ((_, left), took) = (run.value, run.virtual_elapsed);
    let longest = jobs.iter().map(|j| j.latency).max().unwrap_or_default();
    let sum: Duration = jobs.iter().map(|j| j.latency).sum();
    ensure!(
        left == 0,
        "{left} job(s) were still running after run_all returned, their results never \
         collected. gather waits for every job, failed ones included: await every JoinHandle \
         before returning (a dropped handle leaves its task running)."
    );
    if took + Duration::from_millis(jobs.len() as u64) >= sum {
        return Err(Fail::new(format!(
            "the jobs ran one after another: run_all took {}, where all at once takes {}. \
             Spawn every job before awaiting any.",
            ms(took),
            ms(longest)
        ))
        .with_picture(run.timeline.draw()));
    }
    ensure!(
        took >= longest && took <= longest + SLACK,
        "run_all returned after {}; with every job running at once, it takes as long as the \
         slowest, {}.",
        ms(took),
        ms(longest)
    );
    Ok(())
}

fn all_succeed(ctx: &mut Ctx) -> Check {
    let jobs = jobs(ctx, Layout::AllSucceed);
    let input = jobs.clone();
    let run = ctx.paused(|| learner::run_all_or_nothing(input))?;
    let (got, took) = (run.value, run.virtual_elapsed);
    let want: Vec<u32> = jobs.iter().filter_map(|j| expected(j).ok()).collect();
    let longest = jobs.iter().map(|j| j.latency).max().unwrap_or_default();
    if let Ok(values) = &got {
        let mut sorted_want = want.clone();
        sorted_want.sort();
        let mut sorted_got = values.clone();
        sorted_got.sort();
        ensure!(
            *values == want || sorted_got != sorted_want,
            "run_all_or_nothing returned the right values in the wrong order, {values:?}; a \
             TaskGroup's results follow the jobs: {want:?}. join_next hands them out as they \
             finish: spawn each job with its index, (i, run(job).await), and put each value \
             in its place. The jobs: {}.",
            show_jobs(&jobs)
        );
    }
    ensure!(
        got == Ok(want.clone()),
        "when every job succeeds, run_all_or_nothing should return Ok({want:?}); it returned \
         {got:?}. The jobs: {}.",
        show_jobs(&jobs)
    );
    ensure!(
        took >= longest && took <= longest + SLACK,
        "run_all_or_nothing returned after {}; with every job running at once and none failing \
         it takes as long as the slowest, {}.",
        ms(took),
        ms(longest)
    );
    Ok(())
}

fn fails_fast(ctx: &mut Ctx) -> Check {
    let jobs = jobs(ctx, Layout::FirstFailsLate);
    let input = jobs.clone();
    let run = ctx.paused(|| with_leftovers(learner::run_all_or_nothing(input)))?;
    let ((got, left), took) = (run.value, run.virtual_elapsed);
    let first = (0..jobs.len())
        .filter(|&i| expected(&jobs[i]).is_err())
        .min_by_key(|&i| jobs[i].latency)
        .expect("the jobs include failures");
    let at = jobs[first].latency;
    let want_err = expected(&jobs[first]).expect_err("a failing job");
    let on_time = took >= at && took <= at + SLACK;
    if got.as_ref().err() != Some(&want_err) || !on_time {
        let got_text = match &got {
            Ok(v) => format!("Ok({v:?})"),
            Err(e) => format!("Err({e:?})"),
        };
        let hint = if took > at + SLACK {
            " It kept waiting after the failure: take results with JoinSet::join_next as they \
             finish and return at the first failure."
        } else {
            ""
        };
        fail!(
            "the first job to fail is job {first}, at {}: run_all_or_nothing should return \
             Err({want_err:?}) right then. It returned {got_text} after {}.{hint} The jobs: {}.",
            ms(at),
            ms(took),
            show_jobs(&jobs)
        );
    }
    ensure!(
        left == 0,
        "run_all_or_nothing returned the first failure on time, but {left} other job(s) were \
         still running afterwards. A TaskGroup cancels the rest: drop the JoinSet (returning \
         from the function does), call abort_all(), or abort each handle."
    );
    Ok(())
}
