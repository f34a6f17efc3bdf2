//! Grader for `commands_at_once`: `run_all` runs its scripts at the same time and returns their
//! stdout in the order given.
//!
//! Concurrency is proven without a stopwatch: the scripts form a chain through named pipes in
//! which script k waits for script k + 1 to exit and script k + 1 cannot get going until script
//! k runs (see `kit::subprocess_procs::Scratch::chain`). Started together they finish in
//! milliseconds; one at a time, in either order, they never finish at all, so the 2 s cap only
//! separates "finished" from "never", never fast from slow.
//!
//! The order test uses another chain (`Scratch::reaped_chain`): script k exits only once script
//! k + 1 has been reaped, i.e. once the runtime has seen it finish, so results collected as they
//! finish come out exactly backwards on any machine.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/06_subprocess/02_commands_at_once.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/06_subprocess/02_commands_at_once.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::subprocess_procs::{Scratch, words};

/// How long a chain may take, in real time, before it counts as never finishing; together the
/// scripts need a few milliseconds.
const CAP: Duration = Duration::from_secs(2);

/// The order test's scripts never wait forever (each wait gives up after about half a second),
/// so this cap is only a backstop.
const ORDER_CAP: Duration = Duration::from_secs(8);

fn main() {
    grade(&[
        test(
            "does_not_block",
            "waiting for the commands leaves the runtime thread free",
            does_not_block,
        ),
        test(
            "runs_at_the_same_time",
            "scripts that need each other all finish",
            same_time,
        ),
        test(
            "outputs_in_given_order",
            "outputs come back in the order of the scripts",
            in_order,
        ),
    ]);
}

fn does_not_block(ctx: &mut Ctx) -> Check {
    // Judge blocking here, with a clearer message than the kit's watchdog would give.
    ctx.stall_limit = Duration::from_secs(5);
    let scripts = vec![
        "sleep 0.5; echo one".to_owned(),
        "sleep 0.5; echo two".to_owned(),
    ];
    let run = ctx.real(Duration::from_secs(10), || learner::run_all(&scripts))?;
    let held = run.longest_poll.map(|s| s.real).unwrap_or_default();
    ensure!(
        held < Duration::from_millis(300),
        "run_all held the runtime thread for {} in one go while two `sleep 0.5` commands ran. \
         A blocking wait (std::process::Command, or a blocking read of a pipe) stops every other \
         task; use tokio::process::Command and .await its output().",
        ms(held)
    );
    // Only what came back, not its order: the two finish at about the same time, and the
    // order is checked where it can be told for sure.
    let mut got = run.value.clone();
    got.sort();
    ensure!(
        got == ["one\n", "two\n"],
        "`sleep 0.5; echo one` and `sleep 0.5; echo two` should give [\"one\\n\", \"two\\n\"], \
         but run_all returned {:?}. Return each script's stdout.",
        run.value
    );
    Ok(())
}

/// What one run of a chain of 3 to 6 scripts gave: the words they print, what `run_all`
/// returned (`None` if it had not finished within the cap), and how many scripts had started.
struct ChainRun {
    words: Vec<String>,
    outputs: Option<Vec<String>>,
    started: usize,
}

fn run_chain(ctx: &mut Ctx, reaped: bool) -> Result<ChainRun, Fail> {
    let mut rng = ctx.rng();
    let n = rng.between(3, 6) as usize;
    let words = words(&mut rng, n);
    let scratch = Scratch::new();
    let scripts = if reaped {
        scratch.reaped_chain(&words)
    } else {
        scratch.chain(&words)
    };
    let cap = if reaped { ORDER_CAP } else { CAP };
    let run = ctx.real(cap + Duration::from_secs(2), || async {
        tokio::time::timeout(cap, learner::run_all(&scripts))
            .await
            .ok()
    })?;
    let started = scratch.started().len();
    // Dropping the scratch kills any script still waiting.
    drop(scratch);
    Ok(ChainRun {
        words,
        outputs: run.value,
        started,
    })
}

fn never_finished(chain: &ChainRun) -> Fail {
    let n = chain.words.len();
    let k = chain.started;
    let how = if k < n {
        format!(
            "Only {k} of the {n} had started: the first waits for the second, which your code \
             had not started yet, because it was still waiting for the first."
        )
    } else {
        "All had started, yet run_all did not return: check that it awaits every command and \
         nothing else."
            .to_owned()
    };
    Fail::new(format!(
        "run_all was still waiting after {} of real time on {n} scripts that need each other \
         (started together they finish in a few milliseconds; started one at a time they never \
         do). {how} Start every command before waiting for any: spawn one task per script with \
         tokio::spawn and then await the JoinHandles in order, or spawn() every child first and \
         wait for each afterwards.",
        ms(CAP)
    ))
}

fn same_time(ctx: &mut Ctx) -> Check {
    let chain = run_chain(ctx, false)?;
    if chain.outputs.is_none() {
        return Err(never_finished(&chain));
    }
    Ok(())
}

fn in_order(ctx: &mut Ctx) -> Check {
    let chain = run_chain(ctx, true)?;
    let Some(got) = chain.outputs.as_ref() else {
        fail!(
            "run_all was still waiting after {} on {} short scripts ({} of them had started). \
             Await every command and nothing else.",
            ms(ORDER_CAP),
            chain.words.len(),
            chain.started
        );
    };
    let expected: Vec<String> = chain.words.iter().map(|w| format!("{w}\n")).collect();
    if *got == expected {
        return Ok(());
    }
    ensure!(
        got.len() == expected.len(),
        "run_all was given {} scripts and returned {} outputs ({got:?}): return one output per \
         script.",
        expected.len(),
        got.len()
    );
    let mut backwards = expected.clone();
    backwards.reverse();
    if *got == backwards {
        fail!(
            "the outputs came back in the order the commands finished, last script first: \
             {got:?}, where the scripts print {expected:?}. gather keeps the order of its \
             arguments: await the JoinHandles (or the children) in the order you started them, \
             not as they finish (a JoinSet hands them over as they finish)."
        );
    }
    fail!(
        "the scripts print {expected:?}, one each, but run_all returned {got:?}. Return each \
         script's stdout, exactly, in the order of the scripts."
    )
}
