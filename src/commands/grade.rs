//! `grade`: an instructor grades learners' copies of the exercises against this repository's
//! pristine graders and manifest (never the copies' own), with a summary table and an
//! optional JSON report. `--shard i/n` splits a class across machines.

use super::{Session, Status, write_error};
use crate::course::{Course, scratch};
use crate::error::{Error, Result};
use crate::grading::{Outcome, Source, StepReport};
use crate::reporter::{json_report, step_json};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Grades each submission in turn; exit 0 only if every step of every submission passes.
pub fn grade(
    session: &mut Session,
    out: &mut dyn Write,
    submissions: &[PathBuf],
    shard: Option<&str>,
    json: bool,
) -> Result<Status> {
    let mut sorted: Vec<PathBuf> = submissions.to_vec();
    sorted.sort();
    sorted.dedup();
    let (index, count) = parse_shard(shard)?;
    let mine: Vec<&PathBuf> = sorted
        .iter()
        .enumerate()
        .filter(|(i, _)| i % count == index)
        .map(|(_, p)| p)
        .collect();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| session.course.root.join("target"), PathBuf::from);
    let workspace = target.join("asynclings-grade");
    let scratch_course = scratch::prepare(&session.course, &workspace)?;
    let mut grader = session.grader.clone();
    grader.target_dir = Some(target);

    let mut rows: Vec<(String, Vec<StepReport>)> = Vec::new();
    for submission in mine {
        let exercises = exercises_of(submission)?;
        scratch::fill_exercises(&scratch_course, &exercises)?;
        let steps: Vec<_> = scratch_course.steps.iter().collect();
        let mut reports = Vec::new();
        grader.check_many(
            &scratch_course,
            &steps,
            Source::Exercise,
            &mut |_| {},
            &mut |_, r| reports.push(r),
        )?;
        if !json {
            let passed = reports.iter().filter(|r| r.outcome.passed()).count();
            writeln!(
                out,
                "graded {}: {passed} of {} steps pass",
                submission.display(),
                reports.len()
            )
            .map_err(write_error)?;
        }
        rows.push((submission.display().to_string(), reports));
    }
    let all_pass = rows
        .iter()
        .all(|(_, rs)| rs.iter().all(|r| r.outcome.passed()));
    if json {
        let value = report(&scratch_course, &rows);
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).expect("json")
        )
        .map_err(write_error)?;
    } else {
        table(out, &scratch_course, &rows).map_err(write_error)?;
    }
    Ok(if all_pass {
        Status::AllPass
    } else {
        Status::Pending
    })
}

/// `i/n` (1-based) as a 0-based index and a count; no shard means the only part.
fn parse_shard(shard: Option<&str>) -> Result<(usize, usize)> {
    let Some(text) = shard else { return Ok((0, 1)) };
    let parsed = text.split_once('/').and_then(|(i, n)| {
        Some((
            i.trim().parse::<usize>().ok()?,
            n.trim().parse::<usize>().ok()?,
        ))
    });
    match parsed {
        Some((i, n)) if n >= 1 && (1..=n).contains(&i) => Ok((i - 1, n)),
        _ => Err(Error::Usage(format!(
            "--shard takes i/n with 1 <= i <= n, like 2/4; got `{text}`"
        ))),
    }
}

/// A submission is a checkout (with `exercises/` inside) or the `exercises/` folder itself.
fn exercises_of(submission: &Path) -> Result<PathBuf> {
    if !submission.is_dir() {
        return Err(Error::MissingFile {
            what: "a submission folder",
            path: submission.to_path_buf(),
        });
    }
    let inner = submission.join("exercises");
    Ok(if inner.is_dir() {
        inner
    } else {
        submission.to_path_buf()
    })
}

fn report(course: &Course, rows: &[(String, Vec<StepReport>)]) -> serde_json::Value {
    let submissions: Vec<_> = rows
        .iter()
        .map(|(name, reports)| {
            let steps = reports
                .iter()
                .zip(&course.steps)
                .map(|(r, s)| step_json(course, s, r))
                .collect();
            let mut value = json_report(steps, course.steps.len());
            value["submission"] = json!(name);
            value
        })
        .collect();
    json!({ "submissions": submissions })
}

/// Submissions down, steps across: one mark per step.
fn table(
    out: &mut dyn Write,
    course: &Course,
    rows: &[(String, Vec<StepReport>)],
) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "marks: ✓ passes, ✗ checks fail, C does not compile, T timed out, E ended early, L clippy, - missing"
    )?;
    let widest = rows
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(10)
        .max(10);
    write!(out, "{:<widest$}  ", "submission")?;
    for (i, _) in course.steps.iter().enumerate() {
        write!(out, "{}", (i + 1) % 10)?;
    }
    writeln!(out, "  passed")?;
    for (name, reports) in rows {
        write!(out, "{name:<widest$}  ")?;
        for r in reports {
            write!(out, "{}", mark(&r.outcome))?;
        }
        let passed = reports.iter().filter(|r| r.outcome.passed()).count();
        writeln!(out, "  {passed}/{}", reports.len())?;
    }
    writeln!(out)?;
    for (i, step) in course.steps.iter().enumerate() {
        writeln!(out, "  {:>2} {}", i + 1, step.name)?;
    }
    Ok(())
}

fn mark(outcome: &Outcome) -> char {
    match outcome {
        Outcome::Passed => '✓',
        Outcome::TestsFailed => '✗',
        Outcome::CompileError => 'C',
        Outcome::TimedOut(_) => 'T',
        Outcome::Crashed(_) => 'E',
        Outcome::LintsFailed => 'L',
        Outcome::MissingFile(_) => '-',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_one_based_and_checked() {
        assert_eq!(parse_shard(None).unwrap(), (0, 1));
        assert_eq!(parse_shard(Some("2/4")).unwrap(), (1, 4));
        assert!(parse_shard(Some("0/4")).is_err());
        assert!(parse_shard(Some("5/4")).is_err());
        assert!(parse_shard(Some("x")).is_err());
    }
}
