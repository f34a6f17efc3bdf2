//! Grader for `first_completed`: `first_reply` returns the faster replica's answer the moment
//! it arrives, or `NoAnswer` exactly at the limit, and leaves nothing running.
//!
//! Latencies and limits come from the seeded generator and are at least 20 ms apart, so
//! `select!`'s random choice among branches ready at the same instant never decides a verdict.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/02_concurrency/03_first_completed.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/02_concurrency/03_first_completed.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::concurrency_tasks::with_leftovers;
use kit::prelude::*;
use learner::{Replica, Reply};

fn main() {
    grade(&[
        test(
            "faster_reply_wins",
            "the faster replica's answer comes back the moment it arrives",
            faster_wins,
        ),
        test(
            "no_answer_at_the_limit",
            "NoAnswer comes back exactly when the limit runs out",
            no_answer,
        ),
        test(
            "loser_is_dropped",
            "once an answer is in, the other query is not left running",
            loser_dropped,
        ),
    ]);
}

const SLACK: Duration = Duration::from_millis(1);

/// One race to grade: the two replicas, the limit, and what should come back when.
struct Race {
    primary: Replica,
    backup: Replica,
    limit: Duration,
    want: Reply,
    at: Duration,
}

/// A race that one replica wins within the limit; `primary_wins` says which.
fn race(rng: &mut Seeded, primary_wins: bool) -> Race {
    let fast = rng.between(100, 2000);
    let slow = fast + rng.between(20, 3000);
    let limit = fast + rng.between(20, 4000);
    // Never let the limit and the slow replica tie.
    let limit = if limit == slow { limit + 7 } else { limit };
    let (p, b) = if primary_wins {
        (fast, slow)
    } else {
        (slow, fast)
    };
    let answers = (rng.between(1, 500) as u32, rng.between(501, 999) as u32);
    let primary = Replica {
        latency: Duration::from_millis(p),
        answer: answers.0,
    };
    let backup = Replica {
        latency: Duration::from_millis(b),
        answer: answers.1,
    };
    let want = if primary_wins {
        Reply::Primary(primary.answer)
    } else {
        Reply::Backup(backup.answer)
    };
    Race {
        primary,
        backup,
        limit: Duration::from_millis(limit),
        want,
        at: Duration::from_millis(fast),
    }
}

/// A race that neither replica finishes within the limit.
fn too_slow(rng: &mut Seeded) -> Race {
    let limit = rng.between(100, 2000);
    let mut latencies = [limit + rng.between(20, 1500), limit + rng.between(20, 1500)];
    if latencies[0] == latencies[1] {
        latencies[1] += 13;
    }
    Race {
        primary: Replica {
            latency: Duration::from_millis(latencies[0]),
            answer: rng.between(1, 500) as u32,
        },
        backup: Replica {
            latency: Duration::from_millis(latencies[1]),
            answer: rng.between(501, 999) as u32,
        },
        limit: Duration::from_millis(limit),
        want: Reply::NoAnswer,
        at: Duration::from_millis(limit),
    }
}

fn describe(r: &Race) -> String {
    format!(
        "primary answering in {}, backup in {}, limit {}",
        ms(r.primary.latency),
        ms(r.backup.latency),
        ms(r.limit)
    )
}

/// Runs one race and checks what came back and when.
fn check_race(ctx: &mut Ctx, r: &Race) -> Check {
    let (primary, backup, limit) = (r.primary, r.backup, r.limit);
    ctx.scale_stall_limit(r.at, 0.5);
    let run = ctx.paused(|| learner::first_reply(primary, backup, limit))?;
    let (got, took) = (run.value, run.virtual_elapsed);
    if got == r.want && took >= r.at && took <= r.at + SLACK {
        return Ok(());
    }
    let both = primary.latency.max(backup.latency);
    let waited_for_both = took >= both && took <= both + SLACK && took > r.at;
    if r.want == Reply::NoAnswer && took > r.at + SLACK {
        let why = if waited_for_both {
            " It waited for both replicas, as tokio::join! does."
        } else {
            ""
        };
        fail!(
            "with {}, neither replica answers in time: first_reply should return NoAnswer at \
             {}; it returned {got:?} after {}.{why} Give tokio::select! a branch that sleeps \
             for `limit` and returns NoAnswer: that is asyncio.wait's timeout.",
            describe(r),
            ms(r.at),
            ms(took)
        );
    }
    if waited_for_both {
        fail!(
            "first_reply waited for both replicas: it returned {got:?} after {}, when the first \
             answer was in at {} ({}). tokio::join! is asyncio's ALL_COMPLETED. tokio::select! \
             is FIRST_COMPLETED: it finishes with the first branch that is ready and drops the \
             others.",
            ms(took),
            ms(r.at),
            describe(r)
        );
    }
    fail!(
        "with {}, first_reply should return {:?} after {}; it returned {got:?} after {}.",
        describe(r),
        r.want,
        ms(r.at),
        ms(took)
    )
}

fn faster_wins(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let primary_first = rng.between(0, 1) == 1;
    // Both ways round, so "always the primary" or "always the backup" cannot pass.
    check_race(ctx, &race(&mut rng, primary_first))?;
    check_race(ctx, &race(&mut rng, !primary_first))
}

fn no_answer(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    check_race(ctx, &too_slow(&mut rng))
}

fn loser_dropped(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    for r in [
        race(&mut rng, true),
        race(&mut rng, false),
        too_slow(&mut rng),
    ] {
        let (primary, backup, limit) = (r.primary, r.backup, r.limit);
        let run = ctx.paused(|| with_leftovers(learner::first_reply(primary, backup, limit)))?;
        let (got, left) = run.value;
        ensure!(
            left == 0,
            "{left} task(s) were still running after first_reply returned {got:?} ({}): a query \
             nobody is waiting for any more goes on in the background. select! drops the \
             losing futures, which cancels them, but a spawned task is not a future you own: \
             dropping its JoinHandle lets it run on. Select on the queries themselves, or \
             abort() the losing task.",
            describe(&r)
        );
    }
    Ok(())
}
