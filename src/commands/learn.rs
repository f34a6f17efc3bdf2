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
    let mut results: Vec<serde_json::Value> = Vec::new();
    let mut passed = 0;
    let mut first_failure: Option<(usize, StepReport)> = None;
    if all {
        let refs: Vec<&_> = steps.iter().collect();
        let contents: Vec<_> = steps.iter().map(|s| session.contents(s)).collect();
        let mut graded = Vec::new();
        let meter = std::sync::Mutex::new(BuildMeter::new());
        let course = session.course.clone();
        let mut on_progress = |p: crate::grading::Progress<'_>| {
            meter.lock().unwrap_or_else(|e| e.into_inner()).update(p)
        };
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
        for ((i, step), report) in steps.iter().enumerate().zip(graded) {
            session.remember(step, contents[i].as_deref(), &report)?;
            tally(
                session,
                &mut results,
                &mut passed,
                &mut first_failure,
                i,
                report,
                json,
            );
        }
    } else {
        for (i, step) in steps.iter().enumerate() {
            let report = session.grade(step)?;
            if !json {
                term.verdict_line(out, step, &report).map_err(write_error)?;
            }
            let failed = !report.outcome.passed();
            tally(
                session,
                &mut results,
                &mut passed,
                &mut first_failure,
                i,
                report,
                json,
            );
            if failed {
                break;
            }
        }
    }
    if json {
        let value = json_report(results, steps.len());
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).expect("json")
        )
        .map_err(write_error)?;
    } else {
        writeln!(out).map_err(write_error)?;
        if let Some((i, report)) = &first_failure {
            term.verdict(out, &steps[*i], report).map_err(write_error)?;
        }
        let next = first_failure.as_ref().map(|(i, _)| &steps[*i]);
        term.summary(out, &session.course, passed, next)
            .map_err(write_error)?;
    }
    Ok(if passed == steps.len() {
        Status::AllPass
    } else {
        Status::Pending
    })
}

fn tally(
    session: &Session,
    results: &mut Vec<serde_json::Value>,
    passed: &mut usize,
    first_failure: &mut Option<(usize, StepReport)>,
    index: usize,
    report: StepReport,
    json: bool,
) {
    if json {
        results.push(step_json(
            &session.course,
            &session.course.steps[index],
            &report,
        ));
    }
    if report.outcome.passed() {
        *passed += 1;
    } else if first_failure.is_none() {
        *first_failure = Some((index, report));
    }
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
