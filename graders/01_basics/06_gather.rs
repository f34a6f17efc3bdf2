//! Grader for `gather`: `sleep_all` spawns one task per duration, they sleep at the same time,
//! and the results come back in spawn order.
//!
//! Inputs are 4 to 7 distinct whole-millisecond durations from the seeded generator, never in
//! ascending order, so completion order always differs from spawn order.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/01_basics/06_gather.rs"
)]
#[cfg_attr(feature = "solution", path = "../../solutions/01_basics/06_gather.rs")]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;

fn main() {
    grade(&[
        test(
            "does_not_block",
            "no task blocks the runtime thread",
            does_not_block,
        ),
        test(
            "results_in_spawn_order",
            "results come back in the order of the durations",
            in_order,
        ),
        test(
            "runs_concurrently",
            "the whole call takes as long as the longest sleep",
            concurrent,
        ),
        test(
            "one_task_per_duration",
            "one task per duration, none left afterwards",
            tasks_alive,
        ),
    ]);
}

/// The durations for one test, and a stall limit that grows with them.
fn inputs(ctx: &mut Ctx) -> Vec<Duration> {
    let mut rng = ctx.rng();
    let n = rng.between(4, 7) as usize;
    let durations = rng.distinct_durations(n, 200, 3000);
    let shortest = durations.iter().min().copied().unwrap_or_default();
    // A blocking sleep holds the thread for a whole duration; the limit is half the shortest,
    // far above what correct code needs (microseconds), even on a loaded machine.
    ctx.scale_stall_limit(shortest, 0.5);
    durations
}

fn does_not_block(ctx: &mut Ctx) -> Check {
    let durations = inputs(ctx);
    // Ctx::paused fails the test by itself when a poll holds the thread past the stall limit.
    ctx.paused(|| learner::sleep_all(durations))?;
    Ok(())
}

fn in_order(ctx: &mut Ctx) -> Check {
    let durations = inputs(ctx);
    let run = ctx.paused(|| learner::sleep_all(durations.clone()))?;
    let got = run.value;
    ensure!(
        got.len() == durations.len(),
        "sleep_all was given {} durations {} and returned {} results {}: return one result \
         per duration.",
        durations.len(),
        show_durations(&durations),
        got.len(),
        show_durations(&got)
    );
    let one_ms = Duration::from_millis(1);
    let fits = |slept: &Duration, asked: &Duration| *slept >= *asked && *slept <= *asked + one_ms;
    if got.iter().zip(&durations).all(|(s, a)| fits(s, a)) {
        return Ok(());
    }
    let mut by_finish = durations.clone();
    by_finish.sort();
    if got.iter().zip(&by_finish).all(|(s, a)| fits(s, a)) {
        fail!(
            "the results came back in the order the tasks finished, shortest first: {} for \
             durations {}. gather returns results in the order the tasks were started. Await \
             the JoinHandles one by one, in the order you spawned them (a JoinSet yields them \
             as they finish).",
            show_durations(&got),
            show_durations(&durations)
        );
    }
    let (i, (slept, asked)) = got
        .iter()
        .zip(&durations)
        .enumerate()
        .find(|(_, (s, a))| !fits(s, a))
        .expect("a mismatch exists");
    fail!(
        "result {} should say how long its task slept, {} (up to {} with the timer's \
         rounding), but it was {}. All results: {}, for durations {}. Return the duration the \
         task slept; if you measure it, use tokio::time::Instant, which follows tokio's clock.",
        i + 1,
        ms(*asked),
        ms(*asked + one_ms),
        ms(*slept),
        show_durations(&got),
        show_durations(&durations)
    )
}

fn concurrent(ctx: &mut Ctx) -> Check {
    let durations = inputs(ctx);
    let run = ctx.paused(|| learner::sleep_all(durations.clone()))?;
    let longest = durations.iter().max().copied().unwrap_or_default();
    let sum: Duration = durations.iter().sum();
    let took = run.virtual_elapsed;
    let picture = run.timeline.draw();
    if took >= longest && took <= longest + Duration::from_millis(1) {
        return Ok(());
    }
    let fail = if took.is_zero() {
        Fail::new(format!(
            "no time passed on the clock: sleep_all returned at once instead of after the \
             longest sleep, {}. Each task must sleep with tokio::time::sleep(d).await.",
            ms(longest)
        ))
    } else if took < longest {
        Fail::new(format!(
            "sleep_all returned after {} of virtual time, before the longest sleep ({}) was \
             over. Wait for every task to finish before returning.",
            ms(took),
            ms(longest)
        ))
    } else if took + Duration::from_millis(durations.len() as u64) >= sum {
        Fail::new(format!(
            "the tasks ran one after another: {} of virtual time; running concurrently takes {}. \
             Spawn all the tasks first and only then await them: awaiting each handle right \
             after spawning it waits for that task before the next one starts.",
            ms(took),
            ms(longest)
        ))
    } else {
        Fail::new(format!(
            "the tasks only partly overlapped: {} of virtual time, where all at once takes {} \
             and one after another {}. Start every task before awaiting any of them.",
            ms(took),
            ms(longest),
            ms(sum)
        ))
    };
    Err(fail.with_picture(picture))
}

fn tasks_alive(ctx: &mut Ctx) -> Check {
    let durations = inputs(ctx);
    let n = durations.len();
    let shortest = durations.iter().min().copied().unwrap_or_default();
    let run = ctx.paused(|| async move {
        let metrics = tokio::runtime::Handle::current().metrics();
        // Look while every task should still be asleep: halfway through the shortest sleep.
        let probe = async {
            tokio::time::sleep(shortest / 2).await;
            metrics.num_alive_tasks()
        };
        let (_, alive_while_sleeping) = tokio::join!(learner::sleep_all(durations), probe);
        (alive_while_sleeping, metrics.num_alive_tasks())
    })?;
    let (during, after) = run.value;
    let picture = run.timeline.draw();
    if during == 0 && run.peak_tasks > 0 {
        return Err(Fail::new(format!(
            "{} task(s) were spawned, but none was still alive halfway through the shortest \
             sleep ({}): the tasks finished without sleeping. Each task must \
             tokio::time::sleep(d).await before it returns.",
            run.peak_tasks,
            ms(shortest / 2)
        ))
        .with_picture(picture));
    }
    if during == 0 {
        return Err(Fail::new(
            "no task was alive while the durations were being slept: sleep_all spawned no \
             tasks. This step is about tasks, asyncio's create_task: give each duration its \
             own tokio::spawn.",
        )
        .with_picture(picture));
    }
    if during < n {
        return Err(Fail::new(format!(
            "only {during} task(s) were alive halfway through the shortest sleep, where {n} \
             durations should mean {n} sleeping tasks. Spawn every task before awaiting any."
        ))
        .with_picture(picture));
    }
    if after > 0 {
        return Err(Fail::new(format!(
            "{after} task(s) were still alive after sleep_all returned. Await every JoinHandle \
             before returning, so no task outlives the call."
        ))
        .with_picture(picture));
    }
    Ok(())
}
