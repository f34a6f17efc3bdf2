//! Grader for `as_completed`: `report_as_completed` handles each job's result the moment the
//! job finishes, fastest first, and returns the job numbers in finishing order.
//!
//! Inputs are 4 to 7 distinct whole-millisecond delays from the seeded generator, never in
//! ascending order, so finishing order always differs from spawn order.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/02_concurrency/01_as_completed.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/02_concurrency/01_as_completed.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::concurrency_tasks::with_leftovers;
use kit::prelude::*;

fn main() {
    grade(&[
        test(
            "finishing_order",
            "job numbers come back in the order the jobs finished",
            order,
        ),
        test(
            "lines_on_time",
            "each line is written at the instant its job finished",
            on_time,
        ),
        test(
            "runs_concurrently",
            "the whole call takes as long as the slowest job",
            concurrent,
        ),
        test(
            "nothing_left_running",
            "no job's task is still alive after the call",
            leftovers,
        ),
    ]);
}

/// What one run saw: the returned order, the stamped lines, the tasks left alive.
struct Seen {
    order: Vec<usize>,
    lines: Vec<(Duration, String)>,
    left: usize,
}

fn inputs(ctx: &mut Ctx) -> Vec<Duration> {
    let mut rng = ctx.rng();
    let n = rng.between(4, 7) as usize;
    let delays = rng.distinct_durations(n, 100, 3000);
    let shortest = delays.iter().min().copied().unwrap_or_default();
    ctx.scale_stall_limit(shortest, 0.5);
    delays
}

fn run(ctx: &mut Ctx, delays: &[Duration]) -> Result<Run<Seen>, Fail> {
    let delays = delays.to_vec();
    ctx.paused(|| async move {
        let mut out = Transcript::new();
        let (order, left) = with_leftovers(learner::report_as_completed(delays, &mut out)).await;
        Seen {
            order,
            lines: out.lines(),
            left,
        }
    })
}

/// Job numbers, fastest first.
fn finishing(delays: &[Duration]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..delays.len()).collect();
    order.sort_by_key(|&i| delays[i]);
    order
}

fn order(ctx: &mut Ctx) -> Check {
    let delays = inputs(ctx);
    let got = run(ctx, &delays)?.value.order;
    let want = finishing(&delays);
    if got == want {
        return Ok(());
    }
    let spawn_order: Vec<usize> = (0..delays.len()).collect();
    if got == spawn_order {
        fail!(
            "the job numbers came back in the order the jobs were started, {got:?}, but the \
             jobs finished in the order {want:?} (delays {}). That is gather's order. \
             as_completed hands out each result as its task finishes: spawn the jobs into a \
             tokio::task::JoinSet and loop on join_next().",
            show_durations(&delays)
        );
    }
    fail!(
        "the job numbers came back as {got:?}; with delays {} the jobs finish in the order \
         {want:?}. Return each job's number once, in the order join_next() hands them out.",
        show_durations(&delays)
    )
}

fn on_time(ctx: &mut Ctx) -> Check {
    let delays = inputs(ctx);
    let lines = run(ctx, &delays)?.value.lines;
    ensure!(
        lines.len() == delays.len(),
        "{} line(s) were written for {} jobs: write one line, `job {{i}} finished`, per job. \
         The lines were: {:?}",
        lines.len(),
        delays.len(),
        lines.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>()
    );
    let slack = Duration::from_millis(1);
    let mut seen = vec![false; delays.len()];
    for (at, text) in &lines {
        let Some(i) = job_number(text).filter(|&i| i < delays.len()) else {
            fail!(
                "a line read `{}`; expected `job {{i}} finished` with i between 0 and {}.",
                text.trim(),
                delays.len() - 1
            );
        };
        ensure!(
            !seen[i],
            "job {i} was reported twice: write one line per finished job."
        );
        seen[i] = true;
        let finished = delays[i];
        if *at > finished + slack {
            let blocker = (0..delays.len())
                .filter(|&j| delays[j] > finished && delays[j] <= *at)
                .max_by_key(|&j| delays[j]);
            let behind = blocker.map_or_else(String::new, |j| {
                format!(" It waited behind job {j}, which took {}.", ms(delays[j]))
            });
            fail!(
                "`job {i} finished` was written at {} of virtual time, but job {i} had \
                 finished at {}.{behind} Write each line as soon as join_next() hands you the \
                 job, not after the slower ones.",
                ms(*at),
                ms(finished)
            );
        }
        ensure!(
            *at >= finished,
            "`job {i} finished` was written at {}, before job {i} had finished (at {}). Write \
             the line once the job's result is in your hands.",
            ms(*at),
            ms(finished)
        );
    }
    Ok(())
}

/// The `i` of a `job {i} finished` line.
fn job_number(line: &str) -> Option<usize> {
    line.trim()
        .strip_prefix("job ")?
        .strip_suffix(" finished")?
        .parse()
        .ok()
}

fn concurrent(ctx: &mut Ctx) -> Check {
    let delays = inputs(ctx);
    let run = run(ctx, &delays)?;
    let longest = delays.iter().max().copied().unwrap_or_default();
    let sum: Duration = delays.iter().sum();
    let took = run.virtual_elapsed;
    if took >= longest && took <= longest + Duration::from_millis(1) {
        return Ok(());
    }
    let message = if took < longest {
        format!(
            "report_as_completed returned after {}, before the slowest job ({}) had finished. \
             Keep calling join_next() until it returns None.",
            ms(took),
            ms(longest)
        )
    } else if took + Duration::from_millis(delays.len() as u64) >= sum {
        format!(
            "the jobs ran one after another: {} of virtual time, where all at once takes {}. \
             Spawn every job into the JoinSet first, then take the results out.",
            ms(took),
            ms(longest)
        )
    } else {
        format!(
            "the call took {} of virtual time; with every job running at once it takes as long \
             as the slowest, {}. Start all the jobs before waiting for any.",
            ms(took),
            ms(longest)
        )
    };
    Err(Fail::new(message).with_picture(run.timeline.draw()))
}

fn leftovers(ctx: &mut Ctx) -> Check {
    let delays = inputs(ctx);
    let run = run(ctx, &delays)?;
    let left = run.value.left;
    ensure!(
        left == 0,
        "{left} task(s) were still alive after report_as_completed returned. Loop until \
         join_next() returns None, so every job is finished and handled before you return."
    );
    Ok(())
}
