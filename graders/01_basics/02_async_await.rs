//! Grader for `async_await`: every step of `make_tea` runs, in order, one after another.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/01_basics/02_async_await.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/01_basics/02_async_await.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;

const STEPS: [&str; 3] = ["boiled the water", "steeped the tea", "poured"];

fn main() {
    grade(&[
        test(
            "every_step_runs",
            "boil, steep and pour all happen, in that order",
            every_step,
        ),
        test(
            "takes_half_a_second",
            "300 ms to boil plus 200 ms to steep",
            timing,
        ),
    ]);
}

fn every_step(ctx: &mut Ctx) -> Check {
    let run = ctx.paused(|| async {
        let mut log = Vec::new();
        learner::make_tea(&mut log).await;
        log
    })?;
    let log = run.value;
    if log.is_empty() {
        fail!(
            "make_tea returned without doing anything: the log is empty. Calling an async fn \
             only builds a future; its body runs when the future is awaited. Add .await to each \
             call (the compiler's \"unused implementer of `Future`\" warnings point at them)."
        );
    }
    let missing: Vec<&str> = STEPS
        .iter()
        .copied()
        .filter(|s| !log.iter().any(|l| l == s))
        .collect();
    ensure!(
        missing.is_empty(),
        "these steps never happened: {missing:?} (the log says {log:?}). A call whose future is \
         not awaited never runs: add .await to it."
    );
    ensure!(
        log == STEPS,
        "the steps should happen in the order {STEPS:?}; the log says {log:?}."
    );
    Ok(())
}

fn timing(ctx: &mut Ctx) -> Check {
    let run = ctx.paused(|| async {
        let mut log = Vec::new();
        learner::make_tea(&mut log).await;
    })?;
    ensure!(
        run.virtual_elapsed == Duration::from_millis(500),
        "making tea should take 500 ms of virtual time (300 ms to boil, then 200 ms to \
         steep); it took {}. Await each step before starting the next.",
        ms(run.virtual_elapsed)
    );
    Ok(())
}
