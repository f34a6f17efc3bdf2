//! Grader for `run_command`: `run` starts a real process without holding the runtime thread,
//! returns its stdout exactly, and tells a failing command and a missing program apart.
//!
//! Real processes do not follow tokio's paused clock, so every run here is on the real clock;
//! no verdict depends on how fast the machine is: a blocking wait holds the thread for a whole
//! second where the async one holds it for the time it takes to start a process.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/06_subprocess/01_run_command.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/06_subprocess/01_run_command.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::subprocess_procs::words;
use learner::RunError;

/// Real time one run may take before the grader gives up on it.
const LIMIT: Duration = Duration::from_secs(10);

fn main() {
    grade(&[
        test(
            "does_not_block",
            "waiting for a command leaves the runtime thread free",
            does_not_block,
        ),
        test(
            "returns_stdout",
            "a command's stdout comes back exactly",
            returns_stdout,
        ),
        test(
            "reports_failure",
            "a failing command gives Failed with its exit code and stderr",
            failure,
        ),
        test(
            "missing_program",
            "a program that does not exist gives Spawn",
            missing_program,
        ),
    ]);
}

fn does_not_block(ctx: &mut Ctx) -> Check {
    // The kit's own stall limit would end the grader mid-run; raise it and judge here instead.
    ctx.stall_limit = Duration::from_secs(5);
    let held_max = Duration::from_millis(400);
    let run = ctx.real(LIMIT, || learner::run("sh", &["-c", "sleep 1; echo awake"]))?;
    let held = run.longest_poll.map(|s| s.real).unwrap_or_default();
    ensure!(
        held < held_max,
        "run held the runtime thread for {} in one go while `sh -c 'sleep 1; echo awake'` ran \
         (a correct run holds it only for the moment it takes to start the process). Meanwhile \
         no other task could run. std::process::Command's output() waits by blocking the \
         thread; use tokio::process::Command instead: same methods, but output() is a future, \
         so .await it.",
        ms(held)
    );
    Ok(())
}

fn returns_stdout(ctx: &mut Ctx) -> Check {
    let said = words(&mut ctx.rng(), 3);
    let script = format!(
        "printf '%s\\n' {}; echo 'this goes to stderr' >&2",
        said.join(" ")
    );
    let expected = format!("{}\n", said.join("\n"));
    let args = ["-c", script.as_str()];
    let run = ctx.real(LIMIT, || learner::run("sh", &args))?;
    let got = match run.value {
        Ok(text) => text,
        Err(e) => fail!(
            "`sh -c \"{script}\"` exits with status 0, so run should return Ok with its stdout, \
             {expected:?}; it returned Err({e:?}). Check output.status.success() before \
             deciding it failed."
        ),
    };
    if got == expected {
        return Ok(());
    }
    if got.contains("stderr") {
        fail!(
            "run returned {got:?}: stderr got mixed into stdout. Return only output.stdout as \
             the Ok value (stderr belongs in the Failed error)."
        );
    }
    if got == expected.trim_end() || got.trim() == expected.trim() {
        fail!(
            "run returned {got:?}, but the command printed {expected:?}: return stdout exactly \
             as printed, without trimming it."
        );
    }
    fail!(
        "`sh -c \"{script}\"` printed {expected:?} on stdout, but run returned {got:?}. Return \
         String::from_utf8_lossy(&output.stdout)."
    )
}

fn failure(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let code = rng.between(1, 120) as i32;
    let why = words(&mut rng, 1).remove(0);
    let script = format!("printf 'partial output\\n'; printf '%s\\n' {why} >&2; exit {code}");
    let args = ["-c", script.as_str()];
    let run = ctx.real(LIMIT, || learner::run("sh", &args))?;
    let expected = RunError::Failed {
        code: Some(code),
        stderr: format!("{why}\n"),
    };
    match run.value {
        Err(e) if e == expected => {}
        Ok(out) => fail!(
            "`sh -c \"{script}\"` exits with status {code}, but run returned Ok({out:?}), as if \
             it had worked. A failure status must give Err({expected:?}): check \
             output.status.success(), and build the error from output.status.code() and \
             output.stderr."
        ),
        Err(e) => fail!(
            "`sh -c \"{script}\"` should give Err({expected:?}), but run returned Err({e:?}). \
             code is output.status.code() and stderr the text of output.stderr, exactly."
        ),
    }
    // A process ended by a signal has no exit code.
    let run = ctx.real(LIMIT, || learner::run("sh", &["-c", "kill -9 $$"]))?;
    let expected = RunError::Failed {
        code: None,
        stderr: String::new(),
    };
    ensure!(
        run.value == Err(expected.clone()),
        "`sh -c 'kill -9 $$'` kills itself with a signal, so it has no exit code: run should \
         return Err({expected:?}), but it returned {:?}. Pass output.status.code() along as it \
         is (an Option), and treat any status that is not success() as a failure.",
        run.value
    );
    Ok(())
}

fn missing_program(ctx: &mut Ctx) -> Check {
    let program = format!("asynclings-no-such-program-{}", words(&mut ctx.rng(), 1)[0]);
    let run = ctx.real(LIMIT, || learner::run(&program, &["--help"]))?;
    match run.value {
        Err(RunError::Spawn(text)) if !text.is_empty() => Ok(()),
        other => fail!(
            "there is no program called {program}, so it cannot even start: run should return \
             Err(RunError::Spawn(..)) with the error's text, but it returned {other:?}. \
             Command::output() itself returns an io::Error in that case: map it with \
             .map_err(|e| RunError::Spawn(e.to_string()))?."
        ),
    }
}
