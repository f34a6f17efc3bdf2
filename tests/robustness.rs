//! Learner files that try to fool or hang the grader, and the verdict each gets: every
//! fixture under `tests/fixtures/` graded in one `grade --json` run against the real course's
//! pristine graders. The README's table of bad learner files is this test's table.

mod common;

use serde_json::Value;
use std::path::Path;

/// (fixture, step file it replaces, expected outcome, words the verdict must contain)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("gather/ok_measured", "06_gather.rs", "passed", ""),
    ("gather/ok_joinset_sorted", "06_gather.rs", "passed", ""),
    ("gather/ok_join_all_style", "06_gather.rs", "passed", ""),
    (
        "gather/sequential",
        "06_gather.rs",
        "tests_failed",
        "the tasks ran one after another",
    ),
    (
        "gather/completion_order",
        "06_gather.rs",
        "tests_failed",
        "in the order the tasks finished",
    ),
    (
        "gather/spinning",
        "06_gather.rs",
        "tests_failed",
        "paused clock never got to move",
    ),
    (
        "gather/blocking",
        "06_gather.rs",
        "tests_failed",
        "the runtime thread was blocked",
    ),
    (
        "gather/no_sleep",
        "06_gather.rs",
        "tests_failed",
        "no time passed on the clock",
    ),
    (
        "gather/std_instant",
        "06_gather.rs",
        "tests_failed",
        "use tokio::time::Instant",
    ),
    (
        "gather/leaked_tasks",
        "06_gather.rs",
        "tests_failed",
        "still alive after sleep_all returned",
    ),
    (
        "gather/no_tasks",
        "06_gather.rs",
        "tests_failed",
        "sleep_all spawned no tasks",
    ),
    (
        "gather/deadlock",
        "06_gather.rs",
        "tests_failed",
        "it never finished",
    ),
    (
        "gather/cpu_loop",
        "06_gather.rs",
        "tests_failed",
        "without reaching an .await",
    ),
    (
        "gather/panics",
        "06_gather.rs",
        "tests_failed",
        "forgot to measure",
    ),
    (
        "gather/panic_in_drop",
        "06_gather.rs",
        "tests_failed",
        "cleanup failed in Drop",
    ),
    (
        "gather/stray_thread",
        "06_gather.rs",
        "tests_failed",
        "still running after the test ended",
    ),
    (
        "gather/exit_zero",
        "06_gather.rs",
        "crashed",
        "exited with code 0 in the middle",
    ),
    (
        "gather/fake_output",
        "06_gather.rs",
        "crashed",
        "exited with code 0 in the middle",
    ),
    ("gather/abort", "06_gather.rs", "crashed", "aborted"),
    ("gather/megabytes", "06_gather.rs", "", "[output truncated]"),
    (
        "gather/compile_error",
        "06_gather.rs",
        "compile_error",
        "borrow of moved value",
    ),
    (
        "event_loop/endless",
        "04_event_loop.rs",
        "timed_out",
        "did not finish within 3 s",
    ),
];

#[test]
fn every_bad_learner_file_gets_the_verdict_that_names_its_fault() {
    let submissions = tempfile::tempdir().unwrap();
    let fixtures = common::repo().join("tests/fixtures");
    let mut dirs = Vec::new();
    for (name, file, _, _) in CASES {
        let dir = submissions.path().join(name.replace('/', "__"));
        let target = dir.join("exercises/01_basics").join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixtures.join(format!("{name}.rs")), &target).unwrap();
        dirs.push(dir);
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_asynclings"))
        .args(["grade", "--json", "--seed", "11", "--time-limit", "3"])
        .args(&dirs)
        .current_dir(common::repo())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "not every submission passes:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let mut wrong = Vec::new();
    for ((name, file, outcome, words), dir) in CASES.iter().zip(&dirs) {
        let submission = report["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| Path::new(s["submission"].as_str().unwrap()) == dir)
            .unwrap();
        let step_name = if *file == "06_gather.rs" {
            "gather"
        } else {
            "event_loop"
        };
        let step = submission["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["step"] == step_name)
            .unwrap();
        let text = step.to_string().replace("\\n", " ").replace("\\\"", "\"");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let outcome_ok = outcome.is_empty() || step["outcome"] == *outcome;
        if !outcome_ok || !text.contains(words) {
            wrong.push(format!(
                "{name}: expected {outcome} with {words:?}, got {}: {text:.600}",
                step["outcome"]
            ));
        }
        if *name == "gather/megabytes" {
            assert!(
                step["output_dropped_bytes"].as_u64().unwrap() > 1_000_000,
                "{text:.300}"
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
