//! Grader for `kill_on_timeout`: `run_with_timeout` returns a quick command's output, gives up
//! on a slow one at its limit, and kills it.
//!
//! The slow command writes its pid to a file and then becomes `sleep 30` (`exec` keeps the pid),
//! so the grader can look the process up in /proc after the call, whatever the learner's code
//! did with its `Child`. Verdicts keep wide margins: the limit is half a second, the call has 5 s
//! to return, and the process 2 s to disappear, where an unkilled one lives for 30 s.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/06_subprocess/03_kill_on_timeout.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/06_subprocess/03_kill_on_timeout.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::subprocess_procs::{Scratch, command_line, wait_dead, words};
use learner::TimedOut;

/// How long the call may take, in real time, before the grader stops waiting for it.
const CAP: Duration = Duration::from_secs(5);
/// How long a killed process may take to disappear (it takes microseconds).
const GRACE: Duration = Duration::from_secs(2);

fn main() {
    grade(&[
        test(
            "quick_command_finishes",
            "a command that ends in time gives its stdout",
            quick,
        ),
        test(
            "slow_command_times_out",
            "a 30 s command given 500 ms gives TimedOut promptly",
            slow,
        ),
        test(
            "timed_out_process_is_gone",
            "the timed-out process has been killed",
            killed,
        ),
    ]);
}

fn quick(ctx: &mut Ctx) -> Check {
    let said = words(&mut ctx.rng(), 2);
    let script = format!("printf '%s\\n' {}", said.join(" "));
    let expected = format!("{}\n", said.join("\n"));
    let run = ctx.real(CAP + Duration::from_secs(2), || async {
        tokio::time::timeout(
            CAP,
            learner::run_with_timeout(&script, Duration::from_secs(4)),
        )
        .await
    })?;
    match run.value {
        Ok(Ok(out)) if out == expected => Ok(()),
        Ok(Ok(out)) => fail!(
            "`sh -c \"{script}\"` prints {expected:?}, but run_with_timeout returned \
             Ok({out:?}). Return everything the command printed on stdout."
        ),
        Ok(Err(TimedOut)) => fail!(
            "`sh -c \"{script}\"` ends in a few milliseconds and was allowed 4 s, but \
             run_with_timeout returned Err(TimedOut). Return Err(TimedOut) only when the time \
             limit runs out before the command exits."
        ),
        Err(_) => fail!(
            "`sh -c \"{script}\"` ends in a few milliseconds, yet run_with_timeout had not \
             returned after {}. Wait for the command to exit and return its output.",
            ms(CAP)
        ),
    }
}

/// One run of a command that would sleep 30 s, with `limit` to do it in.
struct SlowRun {
    /// What the call returned, `None` if it had not returned within [`CAP`].
    value: Option<Result<String, TimedOut>>,
    /// The pid the command wrote down, if it got that far.
    pid: Option<u32>,
    limit: Duration,
    /// Keeps the pid file and kills the process, if still alive, when dropped.
    scratch: Scratch,
}

fn slow_run(ctx: &mut Ctx) -> Result<SlowRun, Fail> {
    // If the process was stopped before it could even write its pid (on a very busy machine),
    // try again with more time: the verdict must not depend on how quickly `sh` starts.
    let mut limit = Duration::from_millis(500);
    loop {
        let scratch = Scratch::new();
        let script = format!("{}; exec sleep 30", scratch.record_pid("00"));
        let run = ctx.real(CAP + Duration::from_secs(2), || async {
            tokio::time::timeout(CAP, learner::run_with_timeout(&script, limit))
                .await
                .ok()
        })?;
        let pid = scratch.pid("00");
        if pid.is_some() || limit >= Duration::from_secs(2) || run.value.is_none() {
            return Ok(SlowRun {
                value: run.value,
                pid,
                limit,
                scratch,
            });
        }
        limit *= 2;
    }
}

fn slow(ctx: &mut Ctx) -> Check {
    let run = slow_run(ctx)?;
    match run.value {
        Some(Err(TimedOut)) => {}
        Some(Ok(out)) => fail!(
            "`sleep 30` was allowed {} but run_with_timeout returned Ok({out:?}) instead of \
             Err(TimedOut). When the limit runs out first, return Err(TimedOut).",
            ms(run.limit)
        ),
        None => fail!(
            "`sleep 30` was allowed {}, but run_with_timeout was still waiting after {}. Wrap \
             the wait in tokio::time::timeout(limit, ..): it gives up waiting when the time is \
             up and returns Err(Elapsed).",
            ms(run.limit),
            ms(CAP)
        ),
    }
    ensure!(
        run.pid.is_some(),
        "run_with_timeout returned Err(TimedOut), but the command never even started (it writes \
         its pid first thing, and no pid was written). Start the command, then time it out."
    );
    Ok(())
}

fn killed(ctx: &mut Ctx) -> Check {
    let run = slow_run(ctx)?;
    let (Some(Err(TimedOut)), Some(pid)) = (&run.value, run.pid) else {
        fail!(
            "`sleep 30`, allowed {}, did not give Err(TimedOut) after starting, so there is no \
             timed-out process to look for: make slow_command_times_out pass first.",
            ms(run.limit)
        );
    };
    let command = command_line(pid);
    if wait_dead(pid, GRACE) {
        drop(run.scratch);
        return Ok(());
    }
    drop(run.scratch);
    fail!(
        "run_with_timeout returned Err(TimedOut), but the process was still running {} later \
         (pid {pid}, `{command}`): it would have run its full 30 s. tokio::time::timeout stops \
         the waiting, not the process, and dropping a Child leaves the process running. Kill it: \
         keep the Child and call child.kill().await when the time is up, or build the Command \
         with .kill_on_drop(true) so that dropping it kills the process.",
        ms(GRACE)
    )
}
