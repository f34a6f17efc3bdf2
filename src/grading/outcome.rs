//! What grading a step found. A failing exercise is an outcome, never an error.

use crate::process::Captured;
use std::time::Duration;

/// The verdict on one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every grader test ran and passed.
    Passed,
    /// The step's file (with its grader) did not compile.
    CompileError,
    /// The grader ran and at least one test failed.
    TestsFailed,
    /// The program ran past its wall-clock limit and was killed.
    TimedOut(Duration),
    /// The program ended without finishing the grader's tests (exit, abort, crash): says how.
    Crashed(String),
    /// Clippy's lints for this step (only steps whose lesson is a lint) found problems.
    LintsFailed,
    /// The step's file is not there.
    MissingFile(std::path::PathBuf),
}

impl Outcome {
    /// Whether the step is done.
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Passed)
    }
}

/// One grader test's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// The test's id.
    pub name: String,
    /// What property it checks.
    pub what: String,
    /// Whether it passed, failed, or never got to run.
    pub status: TestStatus,
    /// The failure's explanation (empty when passed).
    pub message: String,
    /// A drawing of what was observed, for concurrency failures.
    pub picture: Option<String>,
    /// Virtual time the test simulated.
    pub virtual_time: Duration,
    /// Real time it took.
    pub real_time: Duration,
}

/// A grader test's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    /// The property holds.
    Passed,
    /// The property does not hold.
    Failed,
    /// The program ended before this test ran, or ran it but reported nothing.
    NotRun,
}

/// Everything known about one graded step.
#[derive(Debug, Clone)]
pub struct StepReport {
    /// The step's name.
    pub step: String,
    /// The verdict.
    pub outcome: Outcome,
    /// Each grader test, in the grader's order (empty if it never ran).
    pub tests: Vec<TestResult>,
    /// Compiler errors and warnings about the step, rendered as the compiler prints them.
    pub diagnostics: String,
    /// What the program printed (learner output, capped).
    pub output: Captured,
    /// The seed the grader used.
    pub seed: Option<u64>,
    /// Time spent compiling.
    pub build_time: Duration,
    /// Time spent running the grader.
    pub run_time: Duration,
}

impl StepReport {
    /// A report with only a verdict, before or without a run.
    pub fn new(step: &str, outcome: Outcome) -> StepReport {
        StepReport {
            step: step.to_owned(),
            outcome,
            tests: Vec::new(),
            diagnostics: String::new(),
            output: Captured::default(),
            seed: None,
            build_time: Duration::ZERO,
            run_time: Duration::ZERO,
        }
    }

    /// How many grader tests failed.
    pub fn failed(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| t.status == TestStatus::Failed)
            .count()
    }

    /// The verdict in a few words: `passes`, `2 of 4 checks fail`, `timed out`...
    pub fn summary(&self) -> String {
        match &self.outcome {
            Outcome::Passed => "passes".to_owned(),
            Outcome::CompileError => "does not compile".to_owned(),
            Outcome::TestsFailed => {
                format!("{} of {} checks fail", self.failed(), self.tests.len())
            }
            Outcome::TimedOut(_) => "timed out".to_owned(),
            Outcome::Crashed(_) => "ended early".to_owned(),
            Outcome::LintsFailed => "clippy objects".to_owned(),
            Outcome::MissingFile(_) => "file missing".to_owned(),
        }
    }

    /// Virtual time all tests simulated.
    pub fn virtual_time(&self) -> Duration {
        self.tests.iter().map(|t| t.virtual_time).sum()
    }
}
