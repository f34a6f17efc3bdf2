//! Grader for `blocking_pool`: `map_blocking` returns results in input order, runs no more than
//! `limit` calls of `f` at once, and runs that many when there is work for them.
//!
//! Real clock (blocking threads). No verdict needs a stopwatch:
//! - order: the grader's `f` makes the calls finish last to first (`kit::blocking_probe::Chain`),
//!   so results collected as they finish come out backwards;
//! - at most `limit`: calls wait at a gate until all of them run together, or until
//!   400 ms have passed; too many at once are then certain to overlap, while correct code can
//!   never get past `limit` (it just waits the 400 ms once);
//! - at least `limit`: the first `limit` calls wait at that gate together for those 400 ms.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/07_blocking/03_blocking_pool.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/07_blocking/03_blocking_pool.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::blocking_probe::{Chain, Gauge};
use kit::prelude::*;

/// Real time a run may take before the grader gives up.
const LIMIT: Duration = Duration::from_secs(6);
/// How long calls wait at the gate for company.
const HOLD: Duration = Duration::from_millis(400);

fn main() {
    grade(&[
        test(
            "results_in_order",
            "results come back in the order of the inputs",
            in_order,
        ),
        test(
            "never_more_than_limit",
            "no more than `limit` calls of f at once",
            at_most,
        ),
        test(
            "uses_the_limit",
            "`limit` calls of f run at once when there is work",
            at_least,
        ),
    ]);
}

/// The answer the grader's `f` gives for an input.
fn answer(x: u64) -> u64 {
    x.wrapping_mul(x).wrapping_add(7)
}

/// `n` distinct inputs from the seeded generator.
fn inputs(ctx: &Ctx, n: usize) -> Vec<u64> {
    let mut rng = ctx.rng();
    let mut xs: Vec<u64> = Vec::with_capacity(n);
    while xs.len() < n {
        let x = rng.between(100, 999);
        if !xs.contains(&x) {
            xs.push(x);
        }
    }
    xs
}

fn in_order(ctx: &mut Ctx) -> Check {
    let n = ctx.rng().between(5, 8) as usize;
    let xs = inputs(ctx, n);
    let chain = Chain::new(n, Duration::from_millis(600));
    let positions = xs.clone();
    let f = move |x: u64| {
        let k = positions.iter().position(|p| *p == x).unwrap_or(0);
        chain.wait_for_next(k);
        let y = answer(x);
        chain.done(k);
        y
    };
    let run = ctx.real(LIMIT, || learner::map_blocking(f, xs.clone(), n))?;
    let got = run.value;
    let expected: Vec<u64> = xs.iter().map(|&x| answer(x)).collect();
    if got == expected {
        return Ok(());
    }
    let mut backwards = expected.clone();
    backwards.reverse();
    ensure!(
        got != backwards,
        "the results came back in the order the calls finished (the grader's f makes them \
         finish last to first): {got:?}, where the inputs give {expected:?}. Keep each \
         spawn_blocking JoinHandle in a Vec and await them in the order of the inputs."
    );
    fail!(
        "for inputs {xs:?}, f gives {expected:?} in that order, but map_blocking returned \
         {got:?}. Return one result per input, f(input), in the order of the inputs."
    )
}

/// Runs `n` inputs with `limit` through a gauge; returns the most calls seen at once.
fn gauged(ctx: &mut Ctx) -> Result<(usize, usize, usize), Fail> {
    let mut rng = ctx.rng();
    let limit = rng.between(2, 3) as usize;
    let n = rng.between(6, 9) as usize;
    let xs = inputs(ctx, n);
    let gauge = Gauge::new(n, HOLD);
    let probe = gauge.clone();
    let f = move |x: u64| {
        probe.enter();
        let y = answer(x);
        probe.leave();
        y
    };
    let run = ctx.real(LIMIT, || learner::map_blocking(f, xs.clone(), limit))?;
    let expected: Vec<u64> = xs.iter().map(|&x| answer(x)).collect();
    // The order is results_in_order's business; here only what came back.
    let (mut got, mut want) = (run.value.clone(), expected.clone());
    got.sort_unstable();
    want.sort_unstable();
    ensure!(
        got == want,
        "for inputs {xs:?}, f gives {expected:?}, but map_blocking returned {:?}: return f(input) \
         for every input.",
        run.value
    );
    Ok((gauge.peak(), limit, n))
}

fn at_most(ctx: &mut Ctx) -> Check {
    let (peak, limit, n) = gauged(ctx)?;
    ensure!(
        peak <= limit,
        "{peak} calls of f ran at the same time (of {n} inputs), where limit was {limit}. \
         spawn_blocking starts every job at once (tokio's blocking pool grows to 512 threads), \
         so it bounds nothing by itself. Make a Semaphore with `limit` permits; before each \
         spawn_blocking take one with permits.clone().acquire_owned().await and move it into \
         the closure, so it is held until the job ends (a permit dropped in the loop bounds \
         nothing)."
    );
    Ok(())
}

fn at_least(ctx: &mut Ctx) -> Check {
    let (peak, limit, n) = gauged(ctx)?;
    ensure!(
        peak >= limit,
        "at most {peak} call(s) of f ran at the same time, where {limit} were allowed and {n} \
         inputs were waiting: the jobs ran one after another. Start up to `limit` jobs before \
         awaiting any of them: in the loop, only wait for a permit; await the JoinHandles \
         after the loop."
    );
    Ok(())
}
