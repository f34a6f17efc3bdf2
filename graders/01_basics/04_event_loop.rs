//! Grader for `event_loop`: `run_countdown` builds its own runtime from plain code, and
//! refuses (without panicking) inside a running one.
//!
//! This step is about building the runtime, so its first test calls the learner's function
//! from a plain thread, outside the toolkit's runtime; the countdown then runs on the real
//! clock (a few tens of milliseconds).

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/01_basics/04_event_loop.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/01_basics/04_event_loop.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;

fn main() {
    grade(&[
        test(
            "runs_from_plain_code",
            "block_on runs the countdown to completion",
            from_plain,
        ),
        test(
            "refuses_inside_a_runtime",
            "returns Err inside a runtime, no panic",
            inside,
        ),
    ]);
}

fn from_plain(ctx: &mut Ctx) -> Check {
    let from = ctx.rng().between(2, 5) as u32;
    let expected: Vec<u32> = (1..=from).rev().collect();
    match learner::run_countdown(from) {
        Ok(said) if said == expected => Ok(()),
        Ok(said) => {
            fail!("run_countdown({from}) should return {expected:?}; it returned {said:?}.")
        }
        Err(learner::AlreadyInRuntime) => fail!(
            "run_countdown({from}) was called from a plain thread with no runtime, yet returned \
             Err(AlreadyInRuntime). Only return the error when Handle::try_current() is Ok."
        ),
    }
}

fn inside(ctx: &mut Ctx) -> Check {
    let run = ctx.paused(|| async {
        // tokio panics when a runtime is started inside another: catch it to say what to do.
        std::panic::catch_unwind(|| learner::run_countdown(3)).ok()
    })?;
    match run.value {
        Some(Err(learner::AlreadyInRuntime)) => Ok(()),
        None => fail!(
            "called from inside a running runtime, run_countdown panicked (tokio refuses to \
             start a runtime inside another, as asyncio.run refuses a second loop on a thread). \
             Check tokio::runtime::Handle::try_current() first, and return \
             Err(AlreadyInRuntime) when it is Ok."
        ),
        Some(other) => fail!(
            "called from inside a running runtime, run_countdown should return \
             Err(AlreadyInRuntime), as asyncio.run refuses to start a second loop on a thread; \
             it returned {other:?}. Check tokio::runtime::Handle::try_current() first."
        ),
    }
}
