//! Grader for `fastest_mirrors`: `fetch_first` keeps the first answers within a deadline that
//! covers the whole call, lists failures and cancelled mirrors, and leaves no task running.
//!
//! Mirrors come from the seeded generator: distinct latencies, shuffled so that their order
//! is never the order they finish in, and deadlines never within 20 ms of a latency.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/02_concurrency/06_fastest_mirrors.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/02_concurrency/06_fastest_mirrors.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::concurrency_tasks::with_leftovers;
use kit::prelude::*;
use learner::{Mirror, Report};

fn main() {
    grade(&[
        test(
            "first_answers_win",
            "the first `want` answers are kept, in order, and the call ends with the last of them",
            first_answers,
        ),
        test(
            "failures_are_not_answers",
            "failed mirrors are listed as failed, and the call waits for real answers",
            failures,
        ),
        test(
            "deadline_for_the_whole_call",
            "the deadline counts from the start of the call, not from the last answer",
            deadline,
        ),
        test(
            "losers_are_cancelled",
            "mirrors still fetching are listed as cancelled and their tasks are gone",
            cancelled,
        ),
    ]);
}

const SLACK: Duration = Duration::from_millis(1);
const NAMES: [&str; 8] = ["ams", "fra", "sin", "iad", "gru", "syd", "nrt", "jnb"];

/// One call to grade, and everything it should come back with.
struct Case {
    mirrors: Vec<Mirror>,
    want: usize,
    deadline: Duration,
    report: Report,
    ends_at: Duration,
}

/// Mirrors given `(latency ms, healthy)` in finishing order, shuffled into a calling order
/// that is not the finishing order; the expected report follows the contract.
fn case(rng: &mut Seeded, fastest_first: &[(u64, bool)], want: usize, deadline: u64) -> Case {
    let mut names: Vec<&str> = NAMES.to_vec();
    rng.shuffle(&mut names);
    let by_finish: Vec<Mirror> = fastest_first
        .iter()
        .zip(names)
        .map(|(&(latency, healthy), name)| Mirror {
            name: name.to_owned(),
            latency: Duration::from_millis(latency),
            healthy,
        })
        .collect();
    let mut mirrors = by_finish.clone();
    while mirrors == by_finish {
        rng.shuffle(&mut mirrors);
    }
    let deadline = Duration::from_millis(deadline);
    let mut report = Report::default();
    let mut ends_at = deadline;
    let mut last = Duration::ZERO;
    for m in &by_finish {
        if m.latency > deadline || report.answered.len() == want {
            break;
        }
        last = m.latency;
        if m.healthy {
            report.answered.push(m.name.clone());
        } else {
            report.failed.push(m.name.clone());
        }
        if report.answered.len() == want {
            ends_at = m.latency;
        }
    }
    let finished = report.answered.len() + report.failed.len();
    if finished == by_finish.len() && report.answered.len() < want {
        ends_at = last;
    }
    report.cancelled = mirrors
        .iter()
        .filter(|m| !report.answered.contains(&m.name) && !report.failed.contains(&m.name))
        .map(|m| m.name.clone())
        .collect();
    Case {
        mirrors,
        want,
        deadline,
        report,
        ends_at,
    }
}

/// `n` distinct latencies in ms, ascending, the smallest at least `low`.
fn latencies(rng: &mut Seeded, n: usize, low: u64, high: u64) -> Vec<u64> {
    let mut ls: Vec<u64> = rng
        .distinct_durations(n, low, high)
        .into_iter()
        .map(|d| d.as_millis() as u64)
        .collect();
    ls.sort();
    ls
}

fn describe(c: &Case) -> String {
    let parts: Vec<String> = c
        .mirrors
        .iter()
        .map(|m| {
            let state = if m.healthy { "" } else { ", failing" };
            format!("{} {}{state}", m.name, ms(m.latency))
        })
        .collect();
    format!(
        "mirrors [{}], want {}, deadline {}",
        parts.join("; "),
        c.want,
        ms(c.deadline)
    )
}

/// Runs one case: the report, when it came back, and the tasks left alive.
fn call(ctx: &mut Ctx, c: &Case) -> Result<(Report, Duration, usize), Fail> {
    let shortest = c
        .mirrors
        .iter()
        .map(|m| m.latency)
        .min()
        .unwrap_or_default();
    ctx.scale_stall_limit(shortest, 0.5);
    let (mirrors, want, deadline) = (c.mirrors.clone(), c.want, c.deadline);
    let run = ctx.paused(|| with_leftovers(learner::fetch_first(mirrors, want, deadline)))?;
    let (report, left) = run.value;
    Ok((report, run.virtual_elapsed, left))
}

/// Checks the answered and failed lists and the return time; `cancelled` has its own test.
fn check_lists_and_time(c: &Case, got: &Report, took: Duration) -> Check {
    let want = &c.report;
    if got.answered != want.answered {
        let mut same = got.answered.clone();
        same.sort();
        let mut expected = want.answered.clone();
        expected.sort();
        let hint = if same == expected {
            " The right mirrors, in the wrong order: note each one as it finishes (JoinSet's \
             join_next hands them out in that order)."
        } else if got.answered.len() > want.answered.len() {
            " Too many: stop as soon as `want` mirrors have answered or the deadline has passed."
        } else {
            ""
        };
        fail!(
            "answered should be {:?}; it was {:?}.{hint} ({})",
            want.answered,
            got.answered,
            describe(c)
        );
    }
    ensure!(
        got.failed == want.failed,
        "failed should be {:?}, the mirrors that returned Err before the call ended, in the \
         order they failed; it was {:?}. ({})",
        want.failed,
        got.failed,
        describe(c)
    );
    ensure!(
        took >= c.ends_at && took <= c.ends_at + SLACK,
        "fetch_first returned after {}; it should return at {}, {}. ({})",
        ms(took),
        ms(c.ends_at),
        why_then(c),
        describe(c)
    );
    Ok(())
}

fn why_then(c: &Case) -> &'static str {
    if c.report.answered.len() == c.want {
        "the moment the last wanted answer arrives"
    } else if c.report.cancelled.is_empty() {
        "when the last mirror has finished and no answer is left to wait for"
    } else {
        "when the deadline passes"
    }
}

fn first_answers(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    for want in [2, 3] {
        let n = rng.between(5, 7) as usize;
        let ls = latencies(&mut rng, n, 100, 3000);
        let plan: Vec<(u64, bool)> = ls.iter().map(|&l| (l, true)).collect();
        let c = case(&mut rng, &plan, want, ls[n - 1] + 500);
        let (got, took, _) = call(ctx, &c)?;
        check_lists_and_time(&c, &got, took)?;
    }
    Ok(())
}

fn failures(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    // The fastest and the third fastest fail: the two answers are the 2nd and 4th.
    let n = rng.between(5, 7) as usize;
    let ls = latencies(&mut rng, n, 100, 3000);
    let plan: Vec<(u64, bool)> = ls
        .iter()
        .enumerate()
        .map(|(i, &l)| (l, i != 0 && i != 2))
        .collect();
    let c = case(&mut rng, &plan, 2, ls[n - 1] + 500);
    let (got, took, _) = call(ctx, &c)?;
    check_lists_and_time(&c, &got, took)?;
    // All but one fail, well before the deadline: the call ends with the last mirror.
    let n = rng.between(4, 6) as usize;
    let ls = latencies(&mut rng, n, 100, 2000);
    let healthy = rng.between(0, n as u64 - 1) as usize;
    let plan: Vec<(u64, bool)> = ls
        .iter()
        .enumerate()
        .map(|(i, &l)| (l, i == healthy))
        .collect();
    let late = ls[n - 1] + rng.between(500, 3000);
    let c = case(&mut rng, &plan, 2, late);
    let (got, took, _) = call(ctx, &c)?;
    if took > c.ends_at + SLACK && took >= c.deadline {
        fail!(
            "every mirror had finished by {}, with fewer answers than wanted, yet fetch_first \
             waited until the deadline, {}. When no mirror is left fetching, stop: join_next() \
             returns None once the JoinSet is empty. (In select!, a branch written \
             `Some(x) = set.join_next()` is switched off when it gets None, and select! \
             goes on waiting for the other branches: match on the Option instead.) ({})",
            ms(c.ends_at),
            ms(took),
            describe(&c)
        );
    }
    check_lists_and_time(&c, &got, took)
}

fn deadline(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    // One answer before the deadline, the second after it but less than a deadline after the
    // first: a timeout restarted for every wait would let it in.
    let first = rng.between(300, 1000);
    let deadline = first + rng.between(50, 400);
    let second = deadline + rng.between(20, first - 20);
    let n = rng.between(5, 7) as usize;
    let mut plan = vec![(first, true), (second, true)];
    if rng.between(0, 1) == 1 {
        // A failure between the first answer and the deadline.
        plan.insert(1, (first + (deadline - first) / 2, false));
    }
    let rest = latencies(&mut rng, n - plan.len(), second + 20, second + 3000);
    plan.extend(rest.into_iter().map(|l| (l, true)));
    let c = case(&mut rng, &plan, 2, deadline);
    let (got, took, _) = call(ctx, &c)?;
    if took > c.deadline + SLACK {
        fail!(
            "the deadline is {} from the start of the call, but fetch_first returned after {} \
             with answered {:?}. A timeout put around each wait starts counting again at every \
             answer. Fix the end once, `let end = tokio::time::Instant::now() + deadline;`, \
             and wait with tokio::time::timeout_at(end, ..) or sleep_until(end). ({})",
            ms(c.deadline),
            ms(took),
            got.answered,
            describe(&c)
        );
    }
    check_lists_and_time(&c, &got, took)
}

fn cancelled(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(5, 7) as usize;
    let ls = latencies(&mut rng, n, 100, 3000);
    let plan: Vec<(u64, bool)> = ls.iter().enumerate().map(|(i, &l)| (l, i != 1)).collect();
    let c = case(&mut rng, &plan, 2, ls[n - 1] + 500);
    let (got, took, left) = call(ctx, &c)?;
    check_lists_and_time(&c, &got, took)?;
    let try_this = if got.cancelled.is_empty() {
        "Nothing was listed: once the call ends (enough answers, the deadline, or no mirror \
         left), go through the mirrors in the order given, put the name of every mirror that \
         has neither answered nor failed in `cancelled`, and abort its task. Keep each task's \
         JoinHandle (or AbortHandle) next to its mirror's name so you can tell which are \
         still fetching."
    } else {
        "List exactly the mirrors that had neither answered nor failed when the call ended, in \
         the order of `mirrors` (not the order they were started or finished), and abort their \
         tasks."
    };
    ensure!(
        got.cancelled == c.report.cancelled,
        "cancelled should be {:?}, the mirrors still fetching when the call ended, in the order \
         they were given; it was {:?}. {try_this} ({})",
        c.report.cancelled,
        got.cancelled,
        describe(&c)
    );
    ensure!(
        left == 0,
        "cancelled lists {:?}, but {left} task(s) were still running after fetch_first \
         returned: those mirrors go on downloading for nobody. A spawned task runs until it \
         ends or is aborted; dropping its JoinHandle does not stop it. Abort them: \
         JoinSet::abort_all, or drop or shutdown() the JoinSet, or abort() each handle.",
        got.cancelled
    );
    Ok(())
}
