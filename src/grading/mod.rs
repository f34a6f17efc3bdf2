//! The check pipeline: compile a step once, run its grader under a wall-clock limit, read the
//! grader's report, and return a [`StepReport`] with the verdict.

mod build;
mod outcome;
mod report;

pub use build::{Built, Progress, Source, build, clean_paths};
pub use outcome::{Outcome, StepReport, TestResult, TestStatus};

use crate::course::{Clock, Course, Step};
use crate::error::{Error, Result};
use crate::process::Cmd;
use report::Report;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Most of a grader's output kept for the learner (the rest is counted, not stored).
const OUTPUT_CAP: usize = 16 * 1024;

/// Grades steps of one course.
#[derive(Debug, Clone)]
pub struct Grader {
    /// The cargo to build with.
    pub cargo: PathBuf,
    /// A fixed seed for every grader, or `None` for a fresh one each run.
    pub seed: Option<u64>,
    /// Where cargo puts artifacts, when not the course's own `target/` (scratch courses).
    pub target_dir: Option<PathBuf>,
    /// A real-time limit for every grader run, instead of each step's own.
    pub time_limit: Option<std::time::Duration>,
}

impl Grader {
    /// Compiles and grades one step of the course at `course.root`.
    pub fn check(
        &self,
        course: &Course,
        step: &Step,
        source: Source,
        on_progress: &mut (dyn FnMut(Progress<'_>) + Send),
    ) -> Result<StepReport> {
        let mut reports = Vec::new();
        self.check_many(course, &[step], source, on_progress, &mut |_, r| {
            reports.push(r)
        })?;
        Ok(reports.pop().expect("one step graded"))
    }

    /// Compiles the graders of `steps` in one cargo run, then runs them in parallel on the
    /// available cores; `on_report` receives the reports in the order of `steps`.
    pub fn check_many(
        &self,
        course: &Course,
        steps: &[&Step],
        source: Source,
        on_progress: &mut (dyn FnMut(Progress<'_>) + Send),
        on_report: &mut dyn FnMut(&Step, StepReport),
    ) -> Result<()> {
        let mut ready: Vec<Option<StepReport>> =
            steps.iter().map(|s| missing(course, s, source)).collect();
        for step in steps {
            let grader = course.grader_rel(step);
            if !course.root.join(&grader).is_file() {
                return Err(Error::MissingFile {
                    what: "the step's grader",
                    path: grader,
                });
            }
        }
        let to_build: Vec<&str> = steps
            .iter()
            .zip(&ready)
            .filter(|(_, r)| r.is_none())
            .map(|(s, _)| s.name.as_str())
            .collect();
        let (tx, rx) = mpsc::channel::<Message>();
        // Graders on the paused clock keep a core busy for their few milliseconds, so at most
        // one per core runs at a time; real-clock graders mostly wait on sockets, processes and
        // timers, so they all run at once and their waits overlap.
        let cores = Gate::new(std::thread::available_parallelism().map_or(1, |n| n.get()));
        let started = std::time::Instant::now();
        std::thread::scope(|scope| -> Result<()> {
            let (build_tx, cores) = (tx.clone(), &cores);
            scope.spawn(move || {
                // Each grader program starts grading as soon as cargo has linked it.
                let mut on_ready = |name: &str, exe: &Path, warnings: &str| {
                    let Some(i) = steps.iter().position(|s| s.name == name) else {
                        return;
                    };
                    let step = steps[i];
                    let built = Built {
                        executable: Some(exe.to_path_buf()),
                        diagnostics: warnings.to_owned(),
                        elapsed: started.elapsed(),
                    };
                    let tx = build_tx.clone();
                    scope.spawn(move || {
                        let _core = (step.clock != Clock::Real).then(|| cores.enter());
                        let report = self.grade_built(course, step, source, built);
                        let _ = tx.send(Message::Graded(i, report));
                    });
                };
                let built = if to_build.is_empty() {
                    Ok(Default::default())
                } else {
                    let (cargo, dir) = (&self.cargo, self.target_dir.as_deref());
                    build(
                        cargo,
                        dir,
                        &course.root,
                        &to_build,
                        source,
                        on_progress,
                        &mut on_ready,
                    )
                };
                let _ = build_tx.send(Message::Built(built));
            });
            drop(tx);
            // Reports arrive as graders finish; hand them on in course order.
            let mut next = 0;
            loop {
                while next < steps.len() {
                    let Some(report) = ready[next].take() else {
                        break;
                    };
                    on_report(steps[next], report);
                    next += 1;
                }
                if next == steps.len() {
                    return Ok(());
                }
                match rx.recv() {
                    Ok(Message::Graded(i, report)) => ready[i] = Some(report?),
                    Ok(Message::Built(built)) => {
                        // What did not produce a program did not compile: its report is ready.
                        for (name, built) in built? {
                            let Some(i) = steps.iter().position(|s| s.name == name) else {
                                continue;
                            };
                            if built.executable.is_none() {
                                let mut report = StepReport::new(&name, Outcome::CompileError);
                                report.diagnostics = built.diagnostics;
                                report.build_time = built.elapsed;
                                ready[i] = Some(report);
                            }
                        }
                    }
                    Err(_) => return Ok(()),
                }
            }
        })
    }

    fn grade_built(
        &self,
        course: &Course,
        step: &Step,
        source: Source,
        built: Built,
    ) -> Result<StepReport> {
        let mut report = StepReport::new(&step.name, Outcome::CompileError);
        report.diagnostics = built.diagnostics;
        report.build_time = built.elapsed;
        let Some(executable) = &built.executable else {
            return Ok(report);
        };
        self.run_grader(course, step, executable, &mut report)?;
        if report.outcome.passed() && step.clippy {
            self.lint(course, step, source, &mut report)?;
        }
        Ok(report)
    }

    fn run_grader(
        &self,
        course: &Course,
        step: &Step,
        executable: &Path,
        report: &mut StepReport,
    ) -> Result<()> {
        let token = fresh_token();
        let report_file = ReportFile::create(&token)?;
        let seed = self.seed.unwrap_or_else(fresh_seed);
        let limit = self.time_limit.unwrap_or(step.time_limit);
        let finished = Cmd::new(executable)
            .cwd(&course.root)
            .args(["--report".as_ref(), report_file.path().as_os_str()])
            .args(["--token", &token, "--seed", &seed.to_string()])
            .limit(limit)
            .cap(OUTPUT_CAP)
            .merge_stderr()
            .run()?;
        let text = std::fs::read_to_string(report_file.path())
            .map_err(|e| Error::io("read the report file", report_file.path(), e))?;
        let parsed = Report::parse(&text, &token);
        report.outcome = parsed.verdict(finished.exit);
        report.seed = parsed.seed.or(Some(seed));
        report.tests = parsed.tests;
        report.output = finished.stdout;
        report.run_time = finished.elapsed;
        Ok(())
    }

    /// Clippy, for steps whose lesson is a lint: a second (check-only) compile, so only those
    /// steps pay for it.
    fn lint(
        &self,
        course: &Course,
        step: &Step,
        source: Source,
        report: &mut StepReport,
    ) -> Result<()> {
        let cmd = build::command(
            &self.cargo,
            self.target_dir.as_deref(),
            &course.root,
            &[&step.name],
            source,
            "clippy",
        );
        let mut findings = String::new();
        cmd.run_with_lines(&mut |line| {
            if let Some(text) = clippy_warning(line, &step.name) {
                findings.push_str(&clean_paths(&text));
            }
        })?;
        if !findings.is_empty() {
            report.outcome = Outcome::LintsFailed;
            report.diagnostics.push_str(&findings);
        }
        Ok(())
    }
}

/// What the build thread and the grading threads tell the thread that reports.
enum Message {
    Graded(usize, Result<StepReport>),
    Built(Result<std::collections::BTreeMap<String, Built>>),
}

/// At most `n` holders at once: one grader per core for CPU-bound graders.
struct Gate {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Gate {
    fn new(n: usize) -> Gate {
        Gate {
            free: std::sync::Mutex::new(n.max(1)),
            freed: std::sync::Condvar::new(),
        }
    }

    fn enter(&self) -> GateGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        GateGuard(self)
    }
}

struct GateGuard<'a>(&'a Gate);

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// A report for a step whose file is missing (nothing to build), or `None`.
fn missing(course: &Course, step: &Step, source: Source) -> Option<StepReport> {
    let file = match source {
        Source::Exercise => course.exercise_rel(step),
        Source::Solution => course.solution_rel(step),
    };
    (!course.root.join(&file).is_file())
        .then(|| StepReport::new(&step.name, Outcome::MissingFile(file)))
}

/// The rendered text of a clippy lint about `step`'s target, if `line` is one.
fn clippy_warning(line: &str, step: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let is_step = value["target"]["name"] == step;
    let code = value["message"]["code"]["code"].as_str().unwrap_or("");
    (is_step && code.starts_with("clippy::")).then(|| {
        value["message"]["rendered"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    })
}

/// The grader's report file, in the temporary folder, removed when dropped. Created empty
/// and exclusively, so no earlier file can stand in for it.
struct ReportFile(PathBuf);

impl ReportFile {
    fn create(token: &str) -> Result<ReportFile> {
        let name = format!("asynclings-{}-{token}.jsonl", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::File::create_new(&path)
            .map_err(|e| Error::io("create the report file", &path, e))?;
        Ok(ReportFile(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ReportFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A fresh random token: the grader stamps it on every report line.
fn fresh_token() -> String {
    let state = std::collections::hash_map::RandomState::new();
    let now = std::time::SystemTime::now();
    format!(
        "{:016x}{:016x}",
        state.hash_one(now),
        state.hash_one(std::process::id())
    )
}

/// A fresh seed, printed in reports so a verdict can be reproduced with `--seed`.
pub fn fresh_seed() -> u64 {
    std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now())
        % 1_000_000
}
