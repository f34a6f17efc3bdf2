//! Grader for `tasks`: `spawn_nested` runs `nested` as a task, concurrently with its own work.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/01_basics/05_tasks.rs"
)]
#[cfg_attr(feature = "solution", path = "../../solutions/01_basics/05_tasks.rs")]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;

fn main() {
    grade(&[
        test("returns_42", "the task's value comes back", returns_42),
        test(
            "spawns_a_task",
            "nested runs as a task of its own",
            spawns_a_task,
        ),
        test(
            "overlaps_work",
            "the task and the other work run at the same time",
            overlaps,
        ),
    ]);
}

fn inputs(ctx: &Ctx) -> (Duration, Duration) {
    let mut rng = ctx.rng();
    let delay = rng.between(100, 900);
    let mut work = rng.between(100, 900);
    if work == delay {
        work += 1;
    }
    (Duration::from_millis(delay), Duration::from_millis(work))
}

fn returns_42(ctx: &mut Ctx) -> Check {
    let (delay, work) = inputs(ctx);
    let run = ctx.paused(|| learner::spawn_nested(delay, work))?;
    ensure!(
        run.value == 42,
        "spawn_nested should return nested's 42; it returned {}.",
        run.value
    );
    Ok(())
}

fn spawns_a_task(ctx: &mut Ctx) -> Check {
    let (delay, work) = inputs(ctx);
    let halfway = delay.min(work) / 2;
    let run = ctx.paused(|| async move {
        let metrics = tokio::runtime::Handle::current().metrics();
        let probe = async {
            tokio::time::sleep(halfway).await;
            metrics.num_alive_tasks()
        };
        tokio::join!(learner::spawn_nested(delay, work), probe).1
    })?;
    ensure!(
        run.value >= 1,
        "no task was alive while nested slept: it was awaited in place, so it ran as part of \
         spawn_nested, not as a task. Schedule it with tokio::spawn(nested(delay)), the \
         equivalent of asyncio.create_task."
    );
    Ok(())
}

fn overlaps(ctx: &mut Ctx) -> Check {
    let (delay, work) = inputs(ctx);
    let run = ctx.paused(|| learner::spawn_nested(delay, work))?;
    let longer = delay.max(work);
    ensure!(
        run.virtual_elapsed == longer,
        "with nested taking {} and the other work {}, running them at the same time takes {}; \
         spawn_nested took {}. {}",
        ms(delay),
        ms(work),
        ms(longer),
        ms(run.virtual_elapsed),
        if run.virtual_elapsed >= delay + work {
            "They ran one after another: spawn the task first, do the other work, then await \
             the handle."
        } else {
            "Await the task's handle after the other work, and return its value."
        }
    );
    Ok(())
}
