//! Grader for `wait_for`: `price_within` and `price_or_cached` return a fast answer as soon as
//! it arrives and give up on a slow one at the exact virtual instant the limit runs out.
//!
//! Latencies, limits and prices come from the seeded generator; a latency is never within
//! 50 ms of its limit, so no verdict hangs on which of two timers fires first.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/02_concurrency/02_wait_for.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/02_concurrency/02_wait_for.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::concurrency_tasks::with_leftovers;
use kit::prelude::*;
use learner::Service;

fn main() {
    grade(&[
        test(
            "fast_answer_comes_back",
            "an answer within the limit is returned as soon as it arrives",
            fast_answer,
        ),
        test(
            "gives_up_at_the_limit",
            "price_within returns Err(Elapsed) exactly when the limit runs out",
            gives_up,
        ),
        test(
            "fallback_at_the_limit",
            "price_or_cached returns the cached price exactly when the limit runs out",
            fallback,
        ),
        test(
            "nothing_left_running",
            "after giving up, no request is still running",
            nothing_left,
        ),
    ]);
}

const SLACK: Duration = Duration::from_millis(1);

/// A service, a limit and a cached price; the service is slower than the limit when `slow`.
fn scenario(ctx: &mut Ctx, slow: bool) -> (Service, Duration, u32) {
    let mut rng = ctx.rng();
    let limit = rng.between(300, 2000);
    let latency = if slow {
        limit + rng.between(50, 5000)
    } else {
        rng.between(20, limit - 50)
    };
    let price = rng.between(100, 999) as u32;
    let cached = rng.between(1, 99) as u32;
    let service = Service {
        latency: Duration::from_millis(latency),
        price,
    };
    ctx.scale_stall_limit(Duration::from_millis(limit), 0.5);
    (service, Duration::from_millis(limit), cached)
}

fn on_time(took: Duration, want: Duration) -> bool {
    took >= want && took <= want + SLACK
}

fn show(result: &Result<u32, tokio::time::error::Elapsed>) -> String {
    match result {
        Ok(price) => format!("Ok({price})"),
        Err(_) => "Err(Elapsed)".to_owned(),
    }
}

fn fast_answer(ctx: &mut Ctx) -> Check {
    let (service, limit, cached) = scenario(ctx, false);
    let latency = service.latency;
    let run = ctx.paused(|| learner::price_within(service, limit))?;
    let (got, took) = (run.value, run.virtual_elapsed);
    ensure!(
        matches!(got, Ok(p) if p == service.price) && on_time(took, latency),
        "price_within with a service answering in {} and a limit of {} should return Ok({}) \
         after {}; it returned {} after {}. An answer that comes in time is passed on as soon \
         as it arrives.",
        ms(latency),
        ms(limit),
        service.price,
        ms(latency),
        show(&got),
        ms(took)
    );
    let run = ctx.paused(|| learner::price_or_cached(service, limit, cached))?;
    let (got, took) = (run.value, run.virtual_elapsed);
    ensure!(
        got == service.price && on_time(took, latency),
        "price_or_cached with a service answering in {} and a limit of {} should return the \
         fresh price {} after {}; it returned {got} after {}. Only fall back to the cached \
         price ({cached}) when the limit runs out.",
        ms(latency),
        ms(limit),
        service.price,
        ms(latency),
        ms(took)
    );
    Ok(())
}

fn gives_up(ctx: &mut Ctx) -> Check {
    let (service, limit, _) = scenario(ctx, true);
    let latency = service.latency;
    let run = ctx.paused(|| learner::price_within(service, limit))?;
    let (got, took) = (run.value, run.virtual_elapsed);
    if got.is_err() && on_time(took, limit) {
        return Ok(());
    }
    if got.is_ok() && took >= latency {
        fail!(
            "price_within waited the whole {} for a service slower than its limit and returned \
             {}; with a limit of {} it should give up at {} with Err(Elapsed). Wrap the request \
             in tokio::time::timeout(limit, service.fetch()): it stops waiting when the limit \
             runs out.",
            ms(took),
            show(&got),
            ms(limit),
            ms(limit)
        );
    }
    fail!(
        "price_within with a service answering in {} and a limit of {} should return \
         Err(Elapsed) after {}; it returned {} after {}. Await \
         tokio::time::timeout(limit, service.fetch()) and return what it gives.",
        ms(latency),
        ms(limit),
        ms(limit),
        show(&got),
        ms(took)
    )
}

fn fallback(ctx: &mut Ctx) -> Check {
    let (service, limit, cached) = scenario(ctx, true);
    let latency = service.latency;
    let run = ctx.paused(|| learner::price_or_cached(service, limit, cached))?;
    let (got, took) = (run.value, run.virtual_elapsed);
    if got == cached && on_time(took, limit) {
        return Ok(());
    }
    if took >= latency {
        fail!(
            "price_or_cached returned {got} after {}, the full time the slow service takes; the \
             limit was {}, so the cached price ({cached}) was due at {}. Looking at the clock \
             after .await is too late: the await has already waited for the answer. Let \
             tokio::time::timeout stop the wait (price_within does it), and turn its Err into \
             the cached price.",
            ms(took),
            ms(limit),
            ms(limit)
        );
    }
    fail!(
        "price_or_cached with a service answering in {} and a limit of {} should return the \
         cached price {cached} after {}; it returned {got} after {}.",
        ms(latency),
        ms(limit),
        ms(limit),
        ms(took)
    )
}

fn nothing_left(ctx: &mut Ctx) -> Check {
    let (service, limit, cached) = scenario(ctx, true);
    let run = ctx.paused(|| async move {
        let (_, after_within) = with_leftovers(learner::price_within(service, limit)).await;
        let (_, after_cached) =
            with_leftovers(learner::price_or_cached(service, limit, cached)).await;
        (after_within, after_cached)
    })?;
    for (name, left) in [
        ("price_within", run.value.0),
        ("price_or_cached", run.value.1),
    ] {
        ensure!(
            left == 0,
            "{left} task(s) were still running after {name} gave up: the slow request goes on \
             in the background. timeout on a JoinHandle stops the waiting, not the task. Put \
             the timeout on the request's future itself, so it is dropped when time runs out \
             (or abort the task)."
        );
    }
    Ok(())
}
