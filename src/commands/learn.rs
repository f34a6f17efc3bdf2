//! The learner's everyday commands: `next`, `verify`, `list`, `run`, `hint`, `solution`.

use super::{Session, Status, write_error};
use crate::error::{Error, Result};
use crate::grading::{Source, StepReport};
use crate::progress::Known;
use crate::reporter::{BuildMeter, json_report, step_json};
use std::io::Write;

/// Shows the first unfinished step with its current verdict.
pub fn next(session: &mut Session, out: &mut dyn Write) -> Result<Status> {
    session.flush_notice(out)?;
    let Some((step, report)) = session.current()? else {
        let total = session.course.steps.len();
        session
            .term
            .summary(out, &session.course, total, None)
            .map_err(write_error)?;
        return Ok(Status::AllPass);
    };
    let term = session.term;
    term.step_intro(out, &session.course, &step)
        .map_err(write_error)?;
    term.verdict(out, &step, &report).map_err(write_error)?;
    term.timing(out, &step, &report).map_err(write_error)?;
    writeln!(
        out,
        "Stuck? `cargo run -- hint` gives a hint. Save the file and run `cargo run -- next` again."
    )
    .map_err(write_error)?;
    Ok(Status::Pending)
}

/// Grades steps in order; stops at the first failure unless `all`.
pub fn verify(session: &mut Session, out: &mut dyn Write, all: bool, json: bool) -> Result<Status> {
    if !json {
        session.flush_notice(out)?;
    }
    let steps: Vec<_> = session.course.steps.clone();
    let term = session.term;
    let graded = if all {
        grade_all(session, out, json)?
    } else {
        let mut graded = Vec::new();
        for step in &steps {
            let report = session.grade(step)?;
            if !json {
                term.verdict_line(out, step, &report).map_err(write_error)?;
            }
            let failed = !report.outcome.passed();
            graded.push(report);
            if failed {
                break;
            }
        }
        graded
    };
    let passed = graded.iter().filter(|r| r.outcome.passed()).count();
    let first_failure = graded.iter().position(|r| !r.outcome.passed());
    if json {
        let results = steps
            .iter()
            .zip(&graded)
            .map(|(s, r)| step_json(&session.course, s, r))
            .collect();
        let value = json_report(results, steps.len());
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).expect("json")
        )
        .map_err(write_error)?;
    } else {
        writeln!(out).map_err(write_error)?;
        if let Some(i) = first_failure {
            term.verdict(out, &steps[i], &graded[i])
                .map_err(write_error)?;
        }
        let next = first_failure.map(|i| &steps[i]);
        term.summary(out, &session.course, passed, next)
            .map_err(write_error)?;
    }
    Ok(if passed == steps.len() {
        Status::AllPass
    } else {
        Status::Pending
    })
}

/// Every step in one cargo run, graded in parallel; lines appear in course order.
fn grade_all(session: &mut Session, out: &mut dyn Write, json: bool) -> Result<Vec<StepReport>> {
    let course = session.course.clone();
    let refs: Vec<&_> = course.steps.iter().collect();
    let contents: Vec<_> = course.steps.iter().map(|s| session.contents(s)).collect();
    let term = session.term;
    let mut graded = Vec::new();
    let meter = std::sync::Mutex::new(BuildMeter::new());
    let mut on_progress =
        |p: crate::grading::Progress<'_>| meter.lock().unwrap_or_else(|e| e.into_inner()).update(p);
    session.grader.check_many(
        &course,
        &refs,
        Source::Exercise,
        &mut on_progress,
        &mut |step, report| {
            let mut meter = meter.lock().unwrap_or_else(|e| e.into_inner());
            meter.finish();
            if !json {
                let _ = term.verdict_line(out, step, &report);
            }
            graded.push(report);
            meter.graded(graded.len(), refs.len());
        },
    )?;
    for ((step, contents), report) in course.steps.iter().zip(&contents).zip(&graded) {
        session.remember(step, contents.as_deref(), report)?;
    }
    Ok(graded)
}

/// Every step with its status, from the progress file (nothing is graded).
pub fn list(session: &mut Session, out: &mut dyn Write) -> Result<Status> {
    use crate::reporter::Mark;
    session.flush_notice(out)?;
    let marks: Vec<Mark> = session
        .course
        .steps
        .iter()
        .map(|s| match session.known(s) {
            Known::Passed => Mark::Done,
            Known::Failed => Mark::Failing,
            Known::Unknown => Mark::NotChecked,
        })
        .collect();
    let current = session.first_not_passed();
    session
        .term
        .list(out, &session.course, &marks, current)
        .map_err(write_error)?;
    let done = marks.iter().filter(|m| **m == Mark::Done).count();
    let next = current.map(|i| &session.course.steps[i]);
    session
        .term
        .summary(out, &session.course, done, next)
        .map_err(write_error)?;
    Ok(if current.is_none() {
        Status::AllPass
    } else {
        Status::Pending
    })
}

/// Grades one step.
pub fn run(session: &mut Session, out: &mut dyn Write, name: &str, json: bool) -> Result<Status> {
    let step = session.course.step(name)?.clone();
    let report = session.grade(&step)?;
    if json {
        let value = step_json(&session.course, &step, &report);
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).expect("json")
        )
        .map_err(write_error)?;
    } else {
        session.flush_notice(out)?;
        session
            .term
            .verdict(out, &step, &report)
            .map_err(write_error)?;
        session
            .term
            .timing(out, &step, &report)
            .map_err(write_error)?;
    }
    Ok(if report.outcome.passed() {
        Status::AllPass
    } else {
        Status::Pending
    })
}

/// The hint for a step, or for the first step not known to pass.
pub fn hint(session: &mut Session, out: &mut dyn Write, name: Option<&str>) -> Result<Status> {
    let step = match name {
        Some(name) => session.course.step(name)?.clone(),
        None => match session.first_not_passed() {
            Some(i) => session.course.steps[i].clone(),
            None => {
                writeln!(out, "Every step passes: no hint needed.").map_err(write_error)?;
                return Ok(Status::AllPass);
            }
        },
    };
    session.term.hint(out, &step).map_err(write_error)?;
    Ok(Status::AllPass)
}

/// The reference solution, once the learner's own passes.
pub fn solution(session: &mut Session, out: &mut dyn Write, name: &str) -> Result<Status> {
    let step = session.course.step(name)?.clone();
    if session.known(&step) != Known::Passed {
        let report = session.grade(&step)?;
        if !report.outcome.passed() {
            return Err(Error::Refused(format!(
                "the solution to `{name}` is shown once your own passes; `cargo run -- run {name}` \
                 shows where it stands, and `cargo run -- hint {name}` gives a hint"
            )));
        }
    }
    let path = session.course.root.join(session.course.solution_rel(&step));
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    writeln!(
        out,
        "The reference solution ({}):\n",
        session.course.solution_rel(&step).display()
    )
    .map_err(write_error)?;
    write!(out, "{text}").map_err(write_error)?;
    Ok(Status::AllPass)
}
