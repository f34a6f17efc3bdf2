//! The JSON report: each step as an exercism test-runner result (version 3), with asynclings'
//! own fields beside the standard ones, so existing tooling can read it. See README.md.

use crate::course::{Course, Step};
use crate::grading::{Outcome, StepReport, TestStatus};
use serde_json::{Value, json};

/// One step's result object.
pub fn step_json(course: &Course, step: &Step, report: &StepReport) -> Value {
    let (status, message) = match &report.outcome {
        Outcome::Passed => ("pass", Value::Null),
        Outcome::TestsFailed => ("fail", Value::Null),
        Outcome::CompileError => ("error", json!(report.diagnostics)),
        Outcome::MissingFile(path) => ("error", json!(format!("missing file {}", path.display()))),
        Outcome::TimedOut(limit) => (
            "fail",
            json!(format!(
                "did not finish within {} s of real time and was stopped",
                limit.as_secs()
            )),
        ),
        Outcome::Crashed(why) => ("fail", json!(why)),
        Outcome::LintsFailed => ("fail", json!(report.diagnostics)),
    };
    let task_id = course
        .steps
        .iter()
        .filter(|s| s.track == step.track)
        .position(|s| s.name == step.name)
        .map_or(1, |i| i + 1);
    let output = truncated_output(report);
    let tests: Vec<Value> = report
        .tests
        .iter()
        .map(|t| {
            let (status, message) = match t.status {
                TestStatus::Passed => ("pass", Value::Null),
                TestStatus::Failed => ("fail", json!(t.message)),
                TestStatus::NotRun => (
                    "error",
                    json!("not run: the program ended before this test reported"),
                ),
            };
            json!({
                "name": t.name,
                "status": status,
                "message": message,
                "output": if t.status == TestStatus::Passed { Value::Null } else { output.clone() },
                "task_id": task_id,
                "what": t.what,
                "picture": t.picture,
                "virtual_ms": t.virtual_time.as_secs_f64() * 1e3,
                "real_ms": t.real_time.as_secs_f64() * 1e3,
            })
        })
        .collect();
    json!({
        "version": 3,
        "status": status,
        "message": message,
        "tests": tests,
        "step": step.name,
        "track": course.track_of(step).name,
        "clock": step.clock,
        "outcome": outcome_name(&report.outcome),
        "seed": report.seed,
        "output": output,
        "output_dropped_bytes": report.output.dropped,
        "warnings": if matches!(report.outcome, Outcome::CompileError) { Value::Null } else { json!(report.diagnostics) },
        "build_ms": report.build_time.as_secs_f64() * 1e3,
        "run_ms": report.run_time.as_secs_f64() * 1e3,
        "virtual_ms": report.virtual_time().as_secs_f64() * 1e3,
    })
}

/// A report over several steps: `{"steps": [...], "passed": n, "total": m}`.
pub fn json_report(steps: Vec<Value>, total: usize) -> Value {
    let passed = steps.iter().filter(|s| s["status"] == "pass").count();
    json!({ "passed": passed, "graded": steps.len(), "total": total, "steps": steps })
}

/// exercism caps `output` at 500 characters; we do the same and say so.
fn truncated_output(report: &StepReport) -> Value {
    let text = report.output.text.trim_end();
    if text.is_empty() {
        return Value::Null;
    }
    const LIMIT: usize = 500;
    if text.chars().count() <= LIMIT && report.output.dropped == 0 {
        return json!(text);
    }
    let cut: String = text.chars().take(LIMIT).collect();
    json!(format!("{cut}\n[output truncated]"))
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::CompileError => "compile_error",
        Outcome::TestsFailed => "tests_failed",
        Outcome::TimedOut(_) => "timed_out",
        Outcome::Crashed(_) => "crashed",
        Outcome::LintsFailed => "lints_failed",
        Outcome::MissingFile(_) => "missing_file",
    }
}
