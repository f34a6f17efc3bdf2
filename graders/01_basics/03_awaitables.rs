//! Grader for `awaitables`: `double_later` is lazy and wakes on time (polled by hand with
//! tokio-test), and a `JoinHandle` is awaited like any future.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/01_basics/03_awaitables.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/01_basics/03_awaitables.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use std::task::Poll;
use tokio_test::{assert_pending, task};

fn main() {
    grade(&[
        test(
            "lazy_until_polled",
            "nothing runs before the first poll",
            lazy,
        ),
        test(
            "wakes_after_delay",
            "pending at the sleep, ready exactly `delay` later",
            wakes,
        ),
        test(
            "join_handle_awaited",
            "double_in_task returns the task's result",
            join_handle,
        ),
    ]);
}

fn inputs(ctx: &Ctx) -> (u64, Duration) {
    let mut rng = ctx.rng();
    (
        rng.between(1, 1000),
        Duration::from_millis(rng.between(50, 900)),
    )
}

fn log_of(log: &learner::Log) -> Vec<&'static str> {
    log.lock().map(|l| l.clone()).unwrap_or_default()
}

fn lazy(ctx: &mut Ctx) -> Check {
    let (value, delay) = inputs(ctx);
    let run = ctx.paused(|| async move {
        let log = learner::Log::default();
        let future = learner::double_later(log.clone(), value, delay);
        let before_poll = log_of(&log);
        drop(future);
        before_poll
    })?;
    ensure!(
        run.value.is_empty(),
        "double_later did work before its future was polled: right after the call, before any \
         await, the log already said {:?}. Code in the fn body runs at the call; code inside the \
         `async move` block runs when the future is polled. Move the logging into the block.",
        run.value
    );
    Ok(())
}

fn wakes(ctx: &mut Ctx) -> Check {
    let (value, delay) = inputs(ctx);
    let run = ctx.paused(|| async move {
        let log = learner::Log::default();
        let mut fut = task::spawn(learner::double_later(log.clone(), value, delay));
        assert_pending!(
            fut.poll(),
            "the future should wait at its sleep on the first poll"
        );
        let after_first_poll = log_of(&log);
        tokio::time::advance(delay - Duration::from_millis(1)).await;
        let early = (fut.is_woken(), fut.poll());
        tokio::time::advance(Duration::from_millis(1)).await;
        let woken = fut.is_woken();
        let ready = fut.poll();
        (after_first_poll, early, woken, ready, log_of(&log))
    })?;
    let (after_first_poll, (early_woken, early_poll), woken, ready, log) = run.value;
    ensure!(
        after_first_poll == ["started"],
        "after the first poll the log should say [\"started\"]; it said {after_first_poll:?}. \
         Record \"started\" at the top of the `async move` block, before the sleep: the first \
         poll runs the block up to its first .await."
    );
    ensure!(
        !early_woken && early_poll.is_pending(),
        "the future was ready (or woken) before its {} delay was over.",
        ms(delay)
    );
    ensure!(
        woken,
        "the future was not woken when its {} sleep ended.",
        ms(delay)
    );
    ensure!(
        ready == Poll::Ready(value * 2),
        "once the sleep is over the future should be ready with {} (value * 2); a poll gave \
         {ready:?}.",
        value * 2
    );
    ensure!(
        log == ["started", "done"],
        "the log should end as [\"started\", \"done\"]; it is {log:?}."
    );
    Ok(())
}

fn join_handle(ctx: &mut Ctx) -> Check {
    let (value, delay) = inputs(ctx);
    let run = ctx.paused(|| learner::double_in_task(learner::Log::default(), value, delay))?;
    ensure!(
        run.value == value * 2,
        "double_in_task({value}, ..) should return {} from its task; it returned {}.",
        value * 2,
        run.value
    );
    ensure!(
        run.virtual_elapsed == delay,
        "double_in_task should return when its task finishes, after {}; it took {}.",
        ms(delay),
        ms(run.virtual_elapsed)
    );
    Ok(())
}
