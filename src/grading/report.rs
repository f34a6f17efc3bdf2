//! Reading a grader's report file back, and turning it plus the way the program ended into a
//! verdict. The format is written by the grader toolkit (`graders/kit/report.rs`).
//!
//! Only lines carrying this run's token count, so nothing the learner's code prints can pass
//! for a result; and a step passes only with positive evidence: a plan, a `pass` line for every
//! planned test, the closing `done` line, and a clean exit.

use super::outcome::{Outcome, TestResult, TestStatus};
use crate::process::Exit;
use serde::Deserialize;
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Line {
    Plan {
        token: String,
        seed: u64,
        tests: Vec<Planned>,
    },
    Test {
        token: String,
        name: String,
        status: String,
        message: String,
        picture: Option<String>,
        virtual_ns: u64,
        real_ns: u64,
    },
    Done {
        token: String,
    },
}

#[derive(Debug, Deserialize)]
struct Planned {
    name: String,
    what: String,
}

/// What a report file says, read with the run's token.
#[derive(Debug, Default)]
pub struct Report {
    /// The seed the grader used, from its plan.
    pub seed: Option<u64>,
    /// The planned tests, each with its result or `NotRun`.
    pub tests: Vec<TestResult>,
    /// Whether the plan line was seen.
    pub planned: bool,
    /// Whether the closing line was seen.
    pub done: bool,
}

impl Report {
    /// Parses the report text; lines with another token, or that do not parse, are ignored.
    pub fn parse(text: &str, token: &str) -> Report {
        let mut report = Report::default();
        for line in text.lines() {
            let Ok(line) = serde_json::from_str::<Line>(line) else {
                continue;
            };
            match line {
                Line::Plan {
                    token: t,
                    seed,
                    tests,
                } if t == token && !report.planned => {
                    report.planned = true;
                    report.seed = Some(seed);
                    report.tests = tests.into_iter().map(not_run).collect();
                }
                Line::Test {
                    token: t,
                    name,
                    status,
                    message,
                    picture,
                    virtual_ns,
                    real_ns,
                } if t == token => {
                    let Some(test) = report.tests.iter_mut().find(|x| x.name == name) else {
                        continue;
                    };
                    if test.status != TestStatus::NotRun {
                        continue;
                    }
                    test.status = if status == "pass" {
                        TestStatus::Passed
                    } else {
                        TestStatus::Failed
                    };
                    test.message = message;
                    test.picture = picture;
                    test.virtual_time = Duration::from_nanos(virtual_ns);
                    test.real_time = Duration::from_nanos(real_ns);
                }
                Line::Done { token: t } if t == token => report.done = true,
                _ => {}
            }
        }
        report
    }

    /// The verdict, given how the program ended.
    pub fn verdict(&self, exit: Exit) -> Outcome {
        if let Exit::TimedOut(limit) = exit {
            return Outcome::TimedOut(limit);
        }
        if !self.planned {
            return Outcome::Crashed(format!(
                "the grader never started: the program {} before it could list its tests.",
                describe_exit(exit)
            ));
        }
        if self.tests.iter().any(|t| t.status == TestStatus::Failed) {
            return Outcome::TestsFailed;
        }
        let unfinished = self.tests.iter().find(|t| t.status == TestStatus::NotRun);
        match (unfinished, self.done, exit) {
            (None, true, Exit::Code(0)) => Outcome::Passed,
            (Some(test), _, _) => Outcome::Crashed(format!(
                "the program {} in the middle of the grader's test `{}`, so that test and the \
                 ones after it never reported. {}",
                describe_exit(exit),
                test.name,
                advice(exit)
            )),
            (None, _, _) => Outcome::Crashed(format!(
                "every test reported a pass, but then the program {} instead of finishing \
                 normally. {}",
                describe_exit(exit),
                advice(exit)
            )),
        }
    }
}

fn not_run(p: Planned) -> TestResult {
    TestResult {
        name: p.name,
        what: p.what,
        status: TestStatus::NotRun,
        message: String::new(),
        picture: None,
        virtual_time: Duration::ZERO,
        real_time: Duration::ZERO,
    }
}

fn describe_exit(exit: Exit) -> String {
    match exit {
        Exit::Code(0) => "exited with code 0".to_owned(),
        Exit::Code(code) => format!("exited with code {code}"),
        Exit::Signal(6) => "aborted (signal 6, SIGABRT)".to_owned(),
        Exit::Signal(9) => "was killed (signal 9, SIGKILL)".to_owned(),
        Exit::Signal(11) => "crashed (signal 11, a segmentation fault)".to_owned(),
        Exit::Signal(sig) => format!("was ended by signal {sig}"),
        Exit::TimedOut(limit) => format!("ran past its {} s limit", limit.as_secs()),
    }
}

fn advice(exit: Exit) -> &'static str {
    match exit {
        Exit::Code(_) => {
            "Something in the step's code ends the whole program (std::process::exit?): return \
             from the function instead."
        }
        Exit::Signal(6) => {
            "An abort usually means a panic while already panicking (for example inside a \
             Drop implementation) or a call to std::process::abort."
        }
        _ => "Look for code that ends or crashes the process.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{"token":"T","kind":"plan","seed":7,"tests":[{"name":"a","what":"A"},{"name":"b","what":"B"}]}"#;

    fn test_line(token: &str, name: &str, status: &str) -> String {
        format!(
            r#"{{"token":"{token}","kind":"test","name":"{name}","status":"{status}","message":"m","picture":null,"virtual_ns":5,"real_ns":6}}"#
        )
    }

    fn report(lines: &[String]) -> Report {
        let mut text = String::from(PLAN);
        for l in lines {
            text.push('\n');
            text.push_str(l);
        }
        Report::parse(&text, "T")
    }

    #[test]
    fn every_planned_test_passing_and_done_is_a_pass() {
        let r = report(&[
            test_line("T", "a", "pass"),
            test_line("T", "b", "pass"),
            r#"{"token":"T","kind":"done"}"#.into(),
        ]);
        assert_eq!(r.verdict(Exit::Code(0)), Outcome::Passed);
        assert_eq!(r.seed, Some(7));
    }

    #[test]
    fn lines_with_another_token_are_not_evidence() {
        let r = report(&[
            test_line("forged", "a", "pass"),
            test_line("forged", "b", "pass"),
            r#"{"token":"forged","kind":"done"}"#.into(),
        ]);
        assert!(matches!(r.verdict(Exit::Code(0)), Outcome::Crashed(m) if m.contains("`a`")));
    }

    #[test]
    fn exit_zero_midway_is_named() {
        let r = report(&[test_line("T", "a", "pass")]);
        let Outcome::Crashed(message) = r.verdict(Exit::Code(0)) else {
            panic!()
        };
        assert!(
            message.contains("exited with code 0 in the middle of the grader's test `b`"),
            "{message}"
        );
        assert!(message.contains("std::process::exit"), "{message}");
    }

    #[test]
    fn a_failure_wins_over_a_missing_done() {
        let r = report(&[test_line("T", "a", "fail")]);
        assert_eq!(r.verdict(Exit::Code(1)), Outcome::TestsFailed);
        assert_eq!(r.tests[1].status, TestStatus::NotRun);
    }

    #[test]
    fn an_abort_after_all_passes_is_still_a_crash() {
        let r = report(&[
            test_line("T", "a", "pass"),
            test_line("T", "b", "pass"),
            r#"{"token":"T","kind":"done"}"#.into(),
        ]);
        assert!(matches!(r.verdict(Exit::Signal(6)), Outcome::Crashed(m) if m.contains("abort")));
    }

    #[test]
    fn no_plan_means_the_grader_never_started() {
        let r = Report::parse("test result: ok. 4 passed", "T");
        assert!(
            matches!(r.verdict(Exit::Code(0)), Outcome::Crashed(m) if m.contains("never started"))
        );
    }
}
