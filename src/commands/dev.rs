//! `dev check`: proves the course itself. Every stub fails its grader, every solution passes
//! it under several seeds, verdicts do not change from seed to seed, the manifest matches the
//! files, and solutions are rustfmt- and clippy-clean.

use super::{Session, Status, write_error};
use crate::course::{Course, Step};
use crate::error::{Error, Result};
use crate::grading::{Grader, Outcome, Source, StepReport, TestStatus};
use crate::process::{Cmd, Exit};
use std::collections::BTreeMap;
use std::io::Write;

/// Runs every check and prints one line per problem; exit 0 only when there are none.
pub fn check(
    session: &mut Session,
    out: &mut dyn Write,
    seeds: u32,
    only: &[String],
) -> Result<Status> {
    let course = session.course.clone();
    let steps: Vec<&Step> = if only.is_empty() {
        course.steps.iter().collect()
    } else {
        only.iter().map(|n| course.step(n)).collect::<Result<_>>()?
    };
    let mut problems: Vec<String> = manifest_problems(&course, &steps)?;
    let base = session.grader.seed.unwrap_or(1);
    let seeds: Vec<u64> = (0..u64::from(seeds.max(1))).map(|i| base + i).collect();
    writeln!(
        out,
        "Checking {} step(s) with seeds {seeds:?}…",
        steps.len()
    )
    .map_err(write_error)?;

    let stub_runs = runs(session, &course, &steps, Source::Exercise, &seeds)?;
    let solution_runs = runs(session, &course, &steps, Source::Solution, &seeds)?;
    for step in &steps {
        let stubs = &stub_runs[&step.name];
        let solutions = &solution_runs[&step.name];
        if let Some(r) = stubs.iter().find(|r| r.outcome.passed()) {
            problems.push(format!(
                "{}: the stub passes its grader (seed {:?}): a stub must fail",
                step.name, r.seed
            ));
        }
        if let Some(r) = solutions.iter().find(|r| !r.outcome.passed()) {
            problems.push(format!(
                "{}: the solution fails with seed {:?}: {}",
                step.name,
                r.seed,
                describe(r)
            ));
        }
        for runs in [stubs, solutions] {
            let verdicts: Vec<String> = runs.iter().map(verdict_key).collect();
            if verdicts.windows(2).any(|w| w[0] != w[1]) {
                problems.push(format!(
                    "{}: the verdict changes with the seed: {verdicts:?}",
                    step.name
                ));
            }
        }
        let line = format!(
            "{:<24} stub: {:<28} solution: {}",
            step.name,
            stubs[0].summary(),
            solutions[0].summary()
        );
        writeln!(out, "{line}").map_err(write_error)?;
    }
    problems.extend(style_problems(session, &course, &steps)?);
    writeln!(out).map_err(write_error)?;
    if problems.is_empty() {
        writeln!(
            out,
            "The course holds: {} step(s), no problems.",
            steps.len()
        )
        .map_err(write_error)?;
        return Ok(Status::AllPass);
    }
    for p in &problems {
        writeln!(out, "problem: {p}").map_err(write_error)?;
    }
    writeln!(out, "{} problem(s).", problems.len()).map_err(write_error)?;
    Ok(Status::Pending)
}

/// The course table in Markdown: one row per step, grouped by track.
pub fn table(session: &Session, out: &mut dyn Write) -> Result<Status> {
    writeln!(out, "{}", markdown_table(&session.course)).map_err(write_error)?;
    Ok(Status::AllPass)
}

/// The table itself (the README must contain it; a test checks).
pub fn markdown_table(course: &Course) -> String {
    let mut text =
        String::from("| # | track | step | what you do | asyncio |\n|---|---|---|---|---|\n");
    for (i, step) in course.steps.iter().enumerate() {
        let track = course.track_of(step);
        text.push_str(&format!(
            "| {} | {} | `{}` | {} | {} |\n",
            i + 1,
            track.title,
            step.name,
            step.summary.replace('|', "\\|"),
            step.asyncio.replace('|', "\\|")
        ));
    }
    text.trim_end().to_owned()
}

/// Grades `steps` from `source` once per seed; each seed's round builds all steps in one
/// cargo run (only the first compiles anything) and runs graders in parallel.
fn runs(
    session: &Session,
    course: &Course,
    steps: &[&Step],
    source: Source,
    seeds: &[u64],
) -> Result<BTreeMap<String, Vec<StepReport>>> {
    let mut all: BTreeMap<String, Vec<StepReport>> = BTreeMap::new();
    for &seed in seeds {
        let grader = Grader {
            seed: Some(seed),
            ..session.grader.clone()
        };
        grader.check_many(course, steps, source, &mut |_| {}, &mut |step, report| {
            all.entry(step.name.clone()).or_default().push(report);
        })?;
    }
    Ok(all)
}

/// What must not change between seeds: the outcome and which tests fail.
fn verdict_key(report: &StepReport) -> String {
    let failing: Vec<&str> = report
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
        .map(|t| t.name.as_str())
        .collect();
    format!("{} {failing:?}", report.summary())
}

fn describe(report: &StepReport) -> String {
    let first_failure = report.tests.iter().find(|t| t.status == TestStatus::Failed);
    match (&report.outcome, first_failure) {
        (Outcome::TestsFailed, Some(t)) => format!("{}: {}", t.name, t.message),
        (Outcome::CompileError | Outcome::LintsFailed, _) => report.diagnostics.clone(),
        (Outcome::Crashed(why), _) => why.clone(),
        _ => report.summary(),
    }
}

/// Files and registrations the manifest promises.
fn manifest_problems(course: &Course, steps: &[&Step]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let cargo_path = course.root.join("graders/Cargo.toml");
    let text =
        std::fs::read_to_string(&cargo_path).map_err(|e| Error::io("read", &cargo_path, e))?;
    let manifest: toml::Table = toml::from_str(&text)
        .map_err(|e| Error::Cargo(format!("{}: {e}", cargo_path.display())))?;
    let targets = |kind: &str| -> BTreeMap<String, (String, bool)> {
        manifest
            .get(kind)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|t| {
                let name = t.get("name")?.as_str()?.to_owned();
                let path = t.get("path")?.as_str()?.to_owned();
                let harness = t.get("harness").and_then(|h| h.as_bool()).unwrap_or(true);
                Some((name, (path, harness)))
            })
            .collect()
    };
    let (tests, examples) = (targets("test"), targets("example"));
    for step in steps {
        let dir = &course.track_of(step).dir;
        let exercise = course.root.join(course.exercise_rel(step));
        match std::fs::read_to_string(&exercise) {
            Ok(text) if !text.contains("TODO") => {
                problems.push(format!("{}: the stub has no TODO marker", step.name))
            }
            Ok(_) => {}
            Err(_) => problems.push(format!("{}: no stub at {}", step.name, exercise.display())),
        }
        for (what, rel) in [
            ("solution", course.solution_rel(step)),
            ("grader", course.grader_rel(step)),
        ] {
            if !course.root.join(&rel).is_file() {
                problems.push(format!("{}: no {what} at {}", step.name, rel.display()));
            }
        }
        if step.hint.trim().is_empty() {
            problems.push(format!("{}: the hint is empty", step.name));
        }
        let want = format!("{dir}/{}", step.file);
        match tests.get(&step.name) {
            Some((path, false)) if *path == want => {}
            Some((path, harness)) => problems.push(format!(
                "{}: graders/Cargo.toml's [[test]] should have path = \"{want}\" and harness = false (has \"{path}\", harness = {harness})",
                step.name
            )),
            None => problems.push(format!("{}: graders/Cargo.toml has no [[test]] named `{}`", step.name, step.name)),
        }
        if examples.get(&step.name).map(|(p, _)| p.as_str())
            != Some(&format!("../exercises/{want}"))
        {
            problems.push(format!("{}: graders/Cargo.toml needs [[example]] name = \"{}\", path = \"../exercises/{want}\"", step.name, step.name));
        }
    }
    for track in &course.tracks {
        let lesson = course
            .root
            .join("exercises")
            .join(&track.dir)
            .join("README.md");
        if !lesson.is_file() {
            problems.push(format!(
                "track {}: no lesson at {}",
                track.name,
                lesson.display()
            ));
        }
    }
    Ok(problems)
}

/// rustfmt and clippy on the solutions (and the toolkit, which they compile with).
fn style_problems(session: &Session, course: &Course, steps: &[&Step]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let files: Vec<String> = steps
        .iter()
        .map(|s| course.solution_rel(s).to_string_lossy().into_owned())
        .collect();
    let fmt = Cmd::new("rustfmt")
        .cwd(&course.root)
        .args(["--edition", "2024", "--check"])
        .args(&files)
        .run()?;
    if fmt.exit != Exit::Code(0) {
        let unformatted: Vec<&str> = fmt
            .stdout
            .text
            .lines()
            .filter_map(|l| l.strip_prefix("Diff in "))
            .collect();
        problems.push(format!(
            "solutions are not rustfmt-clean: {}",
            unformatted.join(", ")
        ));
    }
    let mut clippy = Cmd::new(&session.grader.cargo).cwd(&course.root).args([
        "clippy",
        "--package",
        "course",
        "--features",
        "solution",
        "--lib",
    ]);
    for step in steps {
        clippy = clippy.args(["--test", &step.name]);
    }
    let clippy = clippy.args(["--", "-D", "warnings"]).cap(64 * 1024).run()?;
    if clippy.exit != Exit::Code(0) {
        problems.push(format!(
            "clippy finds problems in the solutions or graders:\n{}",
            clippy.stderr.text.trim_end()
        ));
    }
    Ok(problems)
}
