//! Grader for `command_batch`: `run_jobs` runs its jobs at the same time, each under its own
//! limit, returns every outcome in the order of the jobs, and kills the ones that time out.
//!
//! One batch mixes three kinds of job whose verdicts do not depend on the machine's speed:
//! - chain jobs (`Scratch::chain`): they can only finish if they all run at the same time
//!   (one at a time they wait for each other forever); together they take milliseconds, and
//!   their limit is 4 s;
//! - two stragglers that would sleep 30 s, with limits of 300 to 800 ms;
//! - a watcher, placed before the slower straggler, that finishes (in milliseconds) once that
//!   straggler has been killed and reaped: it runs out of its own 4 s only if the straggler was
//!   not stopped at its own limit. It also makes collecting outcomes as they finish give them
//!   out of order, whatever the machine: the watcher cannot end before the straggler's end
//!   has been seen by the runtime.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/06_subprocess/04_command_batch.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/06_subprocess/04_command_batch.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::Seeded;
use kit::prelude::*;
use kit::subprocess_procs::{Scratch, command_line, wait_dead, words};
use learner::{Job, Outcome};

/// The limit of the chain jobs and the watcher: they need milliseconds.
const LONG: Duration = Duration::from_secs(4);
/// How long the whole call may take in real time (run together, the jobs take under a second).
const CAP: Duration = Duration::from_secs(5);
/// How long a killed process may take to disappear (it takes microseconds).
const GRACE: Duration = Duration::from_secs(2);

fn main() {
    grade(&[
        test(
            "does_not_block",
            "waiting for the jobs leaves the runtime thread free",
            does_not_block,
        ),
        test(
            "outcomes_right_and_in_order",
            "every job's outcome is right, in job order",
            outcomes,
        ),
        test(
            "stragglers_are_killed",
            "no timed-out process is left running",
            stragglers_killed,
        ),
    ]);
}

fn does_not_block(ctx: &mut Ctx) -> Check {
    ctx.stall_limit = Duration::from_secs(5);
    let jobs: Vec<Job> = ["one", "two"]
        .iter()
        .map(|w| Job {
            script: format!("sleep 0.5; echo {w}"),
            limit: LONG,
        })
        .collect();
    let run = ctx.real(CAP, || learner::run_jobs(jobs))?;
    let held = run.longest_poll.map(|s| s.real).unwrap_or_default();
    ensure!(
        held < Duration::from_millis(300),
        "run_jobs held the runtime thread for {} in one go while two `sleep 0.5` jobs ran. A \
         blocking wait (std::process::Command, std::thread::sleep) stops every other task and \
         every timer; use tokio::process::Command and tokio::time::timeout.",
        ms(held)
    );
    // Only what came back, not its order: the two finish at about the same time, and the
    // order is checked where it can be told for sure.
    let mut got = run.value.clone();
    got.sort_by_key(|o| format!("{o:?}"));
    let expected = vec![
        Outcome::Finished("one\n".into()),
        Outcome::Finished("two\n".into()),
    ];
    ensure!(
        got == expected,
        "two jobs `sleep 0.5; echo one` and `sleep 0.5; echo two`, allowed {} each, should give \
         {expected:?}, but run_jobs returned {:?}.",
        ms(LONG),
        run.value
    );
    Ok(())
}

/// What each job in the batch is, by position.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Chain,
    Straggler,
    Watcher,
}

/// One batch, run once.
struct Batch {
    kinds: Vec<Kind>,
    limits: Vec<Duration>,
    expected: Vec<Outcome>,
    /// Position of the straggler the watcher waits for, and of the watcher.
    watched: usize,
    watcher: usize,
    /// What run_jobs returned, `None` if it had not returned within [`CAP`].
    got: Option<Vec<Outcome>>,
    started: usize,
    /// Kills leftovers when dropped.
    scratch: Scratch,
}

fn run_batch(ctx: &mut Ctx) -> Result<Batch, Fail> {
    let mut rng: Seeded = ctx.rng();
    let chains = rng.between(2, 3) as usize;
    let n = chains + 3;
    // Positions: shuffle until the watcher comes before the straggler it watches.
    let mut kinds: Vec<Kind> = vec![Kind::Chain; chains];
    kinds.extend([Kind::Straggler, Kind::Straggler, Kind::Watcher]);
    let (watcher, watched) = loop {
        rng.shuffle(&mut kinds);
        let w = kinds.iter().position(|k| *k == Kind::Watcher).unwrap_or(0);
        let last_straggler = kinds
            .iter()
            .rposition(|k| *k == Kind::Straggler)
            .unwrap_or(0);
        if w < last_straggler {
            break (w, last_straggler);
        }
    };
    let said = words(&mut rng, chains + 1);
    let scratch = Scratch::new();
    let chain_scripts = scratch.chain(&said[..chains]);
    let short = rng.distinct_durations(2, 300, 800);
    // The watched straggler gets the longer of the two limits.
    let (short_limit, watched_limit) = (short[0].min(short[1]), short[0].max(short[1]));
    let (mut scripts, mut limits, mut expected) = (Vec::new(), Vec::new(), Vec::new());
    let mut next_chain = 0;
    for (i, kind) in kinds.iter().enumerate() {
        let (script, limit, outcome) = match kind {
            Kind::Chain => {
                next_chain += 1;
                let word = &said[next_chain - 1];
                (
                    chain_scripts[next_chain - 1].clone(),
                    LONG,
                    Outcome::Finished(format!("{word}\n")),
                )
            }
            Kind::Straggler => {
                let limit = if i == watched {
                    watched_limit
                } else {
                    short_limit
                };
                (
                    scratch.straggler(&format!("s{i:02}")),
                    limit,
                    Outcome::TimedOut,
                )
            }
            Kind::Watcher => {
                let word = &said[chains];
                let script = scratch.watcher(&format!("w{i:02}"), &format!("s{watched:02}"), word);
                (script, LONG, Outcome::Finished(format!("{word}\n")))
            }
        };
        scripts.push(script);
        limits.push(limit);
        expected.push(outcome);
    }
    let jobs: Vec<Job> = scripts
        .into_iter()
        .zip(&limits)
        .map(|(script, &limit)| Job { script, limit })
        .collect();
    let run = ctx.real(CAP + Duration::from_secs(2), || async {
        tokio::time::timeout(CAP, learner::run_jobs(jobs))
            .await
            .ok()
    })?;
    let started = scratch.started().len();
    debug_assert_eq!(n, kinds.len());
    Ok(Batch {
        kinds,
        limits,
        expected,
        watched,
        watcher,
        got: run.value,
        started,
        scratch,
    })
}

fn describe(b: &Batch) -> String {
    let parts: Vec<String> = b
        .kinds
        .iter()
        .zip(&b.limits)
        .enumerate()
        .map(|(i, (kind, limit))| {
            let what = match kind {
                Kind::Chain => "needs the chain jobs running together",
                Kind::Straggler => "would sleep 30 s",
                Kind::Watcher => "waits for a straggler to be killed",
            };
            format!("job {} ({what}, limit {})", i + 1, ms(*limit))
        })
        .collect();
    parts.join("; ")
}

fn outcomes(ctx: &mut Ctx) -> Check {
    let b = run_batch(ctx)?;
    let Some(got) = &b.got else {
        fail!(
            "run_jobs was still running after {} of real time; run at the same time these jobs \
             take under a second: {}. {} of the {} jobs had started. Jobs that wait for each \
             other cannot finish one at a time: spawn one task per job, then await the tasks.",
            ms(CAP),
            describe(&b),
            b.started,
            b.kinds.len()
        );
    };
    if *got == b.expected {
        return Ok(());
    }
    ensure!(
        got.len() == b.expected.len(),
        "run_jobs was given {} jobs and returned {} outcomes ({got:?}): return one per job.",
        b.expected.len(),
        got.len()
    );
    let mut sorted_got = got.clone();
    let mut sorted_expected = b.expected.clone();
    let key = |o: &Outcome| format!("{o:?}");
    sorted_got.sort_by_key(key);
    sorted_expected.sort_by_key(key);
    if sorted_got == sorted_expected {
        fail!(
            "the outcomes are right but out of order: {got:?}, where the jobs' order gives \
             {:?}. Collect them in the order of the jobs, awaiting the tasks' JoinHandles one \
             by one, not as they finish.",
            b.expected
        );
    }
    let chain_timed_out: Vec<usize> = (0..got.len())
        .filter(|&i| b.kinds[i] == Kind::Chain && got[i] == Outcome::TimedOut)
        .collect();
    if !chain_timed_out.is_empty() {
        fail!(
            "job(s) {} timed out, though they finish in milliseconds when all the chain jobs \
             run at the same time (each waits for another to start or to end). So the jobs did \
             not all run together: start every job (one task each) before awaiting any. The \
             batch: {}.",
            list(&chain_timed_out),
            describe(&b)
        );
    }
    if got[b.watcher] == Outcome::TimedOut {
        fail!(
            "job {} ended as TimedOut. It finishes within milliseconds once job {} (limit {}) \
             has been killed, and it was allowed {}. So job {} was not stopped at its own limit \
             (not killed, or killed only later), or job {} was not given its own limit. Give \
             each job its own tokio::time::timeout(job.limit, ..), and kill the process when it \
             runs out.",
            b.watcher + 1,
            b.watched + 1,
            ms(b.limits[b.watched]),
            ms(LONG),
            b.watched + 1,
            b.watcher + 1
        );
    }
    fail!(
        "run_jobs returned {got:?}, where {:?} was expected. The batch: {}. A job that ends in \
         time gives Finished with everything it printed on stdout; one whose limit runs out \
         gives TimedOut.",
        b.expected,
        describe(&b)
    )
}

fn stragglers_killed(ctx: &mut Ctx) -> Check {
    let b = run_batch(ctx)?;
    ensure!(
        b.got.is_some(),
        "run_jobs did not return within {}, so whether it kills what times out cannot be \
         checked yet: make outcomes_right_and_in_order pass first.",
        ms(CAP)
    );
    for (i, kind) in b.kinds.iter().enumerate() {
        if *kind != Kind::Straggler {
            continue;
        }
        let Some(pid) = b.scratch.pid(&format!("s{i:02}")) else {
            continue;
        };
        let command = command_line(pid);
        ensure!(
            wait_dead(pid, GRACE),
            "job {} (`sleep 30`, limit {}) was still running {} after run_jobs returned (pid \
             {pid}, `{command}`). When a job's limit runs out, kill its process: \
             child.kill().await, or .kill_on_drop(true) on the Command; timeout alone only \
             stops the waiting.",
            i + 1,
            ms(b.limits[i]),
            ms(GRACE)
        );
    }
    Ok(())
}

fn list(positions: &[usize]) -> String {
    let parts: Vec<String> = positions.iter().map(|i| (i + 1).to_string()).collect();
    parts.join(", ")
}
