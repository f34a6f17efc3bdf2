//! One module per command. Each takes the opened [`Session`] and a writer, and returns whether
//! everything it looked at passes.

mod dev;
mod grade;
mod learn;
mod reset;
mod watch;

use crate::cli::{Command, Config, DevCommand};
use crate::course::{Course, Step};
use crate::error::{Error, Result};
use crate::grading::{Grader, Source, StepReport};
use crate::progress::{Known, Progress};
use crate::reporter::{BuildMeter, Terminal};
use std::io::Write;
use std::path::PathBuf;

/// How a command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything looked at passes (exit 0).
    AllPass,
    /// Something is pending or failing (exit 1).
    Pending,
}

/// Runs the configured command, writing to `out`.
pub fn execute(config: Config, out: &mut dyn Write) -> Result<Status> {
    let mut session = Session::open(&config)?;
    match config.command {
        Command::Next => learn::next(&mut session, out),
        Command::Verify { all, format } => learn::verify(&mut session, out, all, format.json),
        Command::List => learn::list(&mut session, out),
        Command::Run { step, format } => learn::run(&mut session, out, &step, format.json),
        Command::Hint { step } => learn::hint(&mut session, out, step.as_deref()),
        Command::Solution { step } => learn::solution(&mut session, out, &step),
        Command::Reset { step, yes } => reset::reset(&mut session, out, &step, yes),
        Command::Watch { poll } => watch::watch(&mut session, out, poll),
        Command::Grade {
            submissions,
            shard,
            time_limit,
            format,
        } => {
            session.grader.time_limit = time_limit.map(std::time::Duration::from_secs);
            grade::grade(
                &mut session,
                out,
                &submissions,
                shard.as_deref(),
                format.json,
            )
        }
        Command::Dev(DevCommand::Check { seeds, steps }) => {
            dev::check(&mut session, out, seeds, &steps)
        }
        Command::Dev(DevCommand::Table) => dev::table(&session, out),
    }
}

/// The course, its grader, the learner's progress and the renderer, for one run.
pub struct Session {
    /// The course being taken.
    pub course: Course,
    /// Compiles and grades steps.
    pub grader: Grader,
    /// Cached verdicts.
    pub progress: Progress,
    /// Renders for people.
    pub term: Terminal,
    notice: Option<String>,
}

impl Session {
    fn open(config: &Config) -> Result<Session> {
        let course = match &config.course {
            Some(dir) => Course::load(dir)?,
            None => {
                let here = std::env::current_dir()
                    .map_err(|e| Error::io("read", "the current folder", e))?;
                Course::discover(&here)?
            }
        };
        let (progress, notice) = Progress::load(&course.root);
        let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
        Ok(Session {
            course,
            grader: Grader {
                cargo,
                seed: config.seed,
                target_dir: None,
                time_limit: None,
            },
            progress,
            term: Terminal::new(config.color),
            notice,
        })
    }

    /// Prints the notice about the progress file, once, if there is one.
    pub fn flush_notice(&mut self, out: &mut dyn Write) -> Result<()> {
        if let Some(text) = self.notice.take() {
            self.term.notice(out, &text).map_err(write_error)?;
            writeln!(out).map_err(write_error)?;
        }
        Ok(())
    }

    /// The learner's file of `step`, if it exists.
    pub fn contents(&self, step: &Step) -> Option<Vec<u8>> {
        std::fs::read(self.course.root.join(self.course.exercise_rel(step))).ok()
    }

    /// What the progress file knows about `step` without grading it.
    pub fn known(&self, step: &Step) -> Known {
        self.progress
            .known(&step.name, self.contents(step).as_deref())
    }

    /// Grades the learner's `step` (showing build progress) and records the verdict.
    pub fn grade(&mut self, step: &Step) -> Result<StepReport> {
        let contents = self.contents(step);
        let mut meter = BuildMeter::new();
        let report = self
            .grader
            .check(&self.course, step, Source::Exercise, &mut |p| {
                meter.update(p)
            });
        meter.finish();
        let report = report?;
        self.remember(step, contents.as_deref(), &report)?;
        Ok(report)
    }

    /// Records a verdict graded from `contents`.
    pub fn remember(
        &mut self,
        step: &Step,
        contents: Option<&[u8]>,
        report: &StepReport,
    ) -> Result<()> {
        if let Some(contents) = contents {
            self.progress
                .record(&step.name, contents, report.outcome.passed());
            self.progress.save(&self.course.root)?;
        }
        Ok(())
    }

    /// The first step that does not pass, grading in order where nothing is known, with its
    /// report; `None` when every step passes.
    pub fn current(&mut self) -> Result<Option<(Step, StepReport)>> {
        for step in self.course.steps.clone() {
            if self.known(&step) == Known::Passed {
                continue;
            }
            let report = self.grade(&step)?;
            if !report.outcome.passed() {
                return Ok(Some((step, report)));
            }
        }
        Ok(None)
    }

    /// The first step not known to pass, without grading anything.
    pub fn first_not_passed(&self) -> Option<usize> {
        self.course
            .steps
            .iter()
            .position(|s| self.known(s) != Known::Passed)
    }
}

/// Writing to the terminal failed (a closed pipe): nothing more can be said.
pub fn write_error(e: std::io::Error) -> Error {
    Error::io("write to", "standard output", e)
}
