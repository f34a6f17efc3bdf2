//! What a person sees in the terminal: verdicts, lists, summaries and build progress.

use super::style::{Style, human, plural, wrap};
use crate::course::{Course, Step};
use crate::grading::{Outcome, Progress, StepReport, TestStatus};
use std::io::{self, IsTerminal, Write};

const WIDTH: usize = 100;
/// Lines of the learner's own output shown under a verdict.
const OUTPUT_LINES: usize = 40;

/// A step's status in lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Passed and unchanged since.
    Done,
    /// Graded and failing.
    Failing,
    /// Not graded since it last changed.
    NotChecked,
}

/// Renders for a terminal (or, in tests, a `Vec<u8>`).
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    style: Style,
}

impl Terminal {
    /// A renderer, coloured or not.
    pub fn new(color: bool) -> Terminal {
        Terminal {
            style: Style::new(color),
        }
    }

    /// A note about the runner itself (a damaged progress file, a reset copy).
    pub fn notice(&self, out: &mut dyn Write, text: &str) -> io::Result<()> {
        write!(
            out,
            "{}",
            wrap(&format!("{} {text}", self.style.warn("note:")), WIDTH, "")
        )
    }

    /// Where the learner is, and what the step asks.
    pub fn step_intro(&self, out: &mut dyn Write, course: &Course, step: &Step) -> io::Result<()> {
        let s = &self.style;
        let track = course.track_of(step);
        let position = format!(
            "step {} of {}",
            course.index_of(step) + 1,
            course.steps.len()
        );
        writeln!(
            out,
            "{} · {} · {}",
            s.bold(&step.name),
            position,
            track.title
        )?;
        writeln!(out, "{}", s.dim(&format!("ports {}", step.asyncio)))?;
        writeln!(out)?;
        write!(out, "{}", wrap(&capitalise(&step.summary), WIDTH, ""))?;
        writeln!(out)?;
        let file = display_path(course, &course.exercise_rel(step));
        writeln!(
            out,
            "Edit {}  (the instructions are at the top of the file)",
            s.bold(&file)
        )?;
        writeln!(out)
    }

    /// The full verdict on a step.
    pub fn verdict(&self, out: &mut dyn Write, step: &Step, report: &StepReport) -> io::Result<()> {
        let s = &self.style;
        let name = &step.name;
        match &report.outcome {
            Outcome::Passed => {
                let checks = plural(report.tests.len(), "check", "checks");
                writeln!(out, "{} {name} passes: {checks}, all hold.", s.good("✓"))?;
            }
            Outcome::CompileError => {
                writeln!(
                    out,
                    "{} {name} does not compile yet. The compiler says:",
                    s.bad("✗")
                )?;
                writeln!(out)?;
                write_block(out, &report.diagnostics)?;
                write!(
                    out,
                    "{}",
                    wrap(
                        "Start with the first error: the others often follow from it.",
                        WIDTH,
                        ""
                    )
                )?;
                return Ok(());
            }
            Outcome::TestsFailed => {
                let failed = report.failed();
                writeln!(
                    out,
                    "{} {name}: {failed} of {} fail.",
                    s.bad("✗"),
                    plural(report.tests.len(), "check", "checks")
                )?;
            }
            Outcome::TimedOut(limit) => {
                let text = format!(
                    "{} {name} did not finish within {} of real time, so it was stopped, with \
                     everything it started. A loop that never reaches an .await, or a blocking \
                     call that never returns, holds the runtime thread forever: no timer, no \
                     other task and no timeout can run. Look for a loop without .await, or a \
                     std call that waits (std::thread::sleep, a std lock, a blocking read).",
                    s.bad("✗"),
                    human(*limit)
                );
                write!(out, "{}", wrap(&text, WIDTH, ""))?;
            }
            Outcome::Crashed(why) => {
                write!(
                    out,
                    "{}",
                    wrap(&format!("{} {name}: {why}", s.bad("✗")), WIDTH, "")
                )?;
            }
            Outcome::LintsFailed => {
                writeln!(
                    out,
                    "{} {name} works, but clippy has this step's lesson for you:",
                    s.bad("✗")
                )?;
                writeln!(out)?;
                write_block(out, &report.diagnostics)?;
                return Ok(());
            }
            Outcome::MissingFile(path) => {
                let text = format!(
                    "{} {name}: its file {} is missing. `cargo run -- reset {name}` puts the \
                     original back.",
                    s.bad("✗"),
                    path.display()
                );
                write!(out, "{}", wrap(&text, WIDTH, ""))?;
                return Ok(());
            }
        }
        self.tests(out, report)?;
        if !report.diagnostics.is_empty() {
            writeln!(out, "The compiler warns:")?;
            write_block(out, &report.diagnostics)?;
        }
        if !report.outcome.passed() {
            self.output(out, report)?;
            if let Some(seed) = report.seed {
                writeln!(
                    out,
                    "{}",
                    s.dim(&format!(
                        "Same inputs again: cargo run -- run {name} --seed {seed}"
                    ))
                )?;
            }
        }
        Ok(())
    }

    fn tests(&self, out: &mut dyn Write, report: &StepReport) -> io::Result<()> {
        let s = &self.style;
        let widest = report.tests.iter().map(|t| t.name.len()).max().unwrap_or(0);
        let mut previous: Option<&str> = None;
        for t in &report.tests {
            let mark = match t.status {
                TestStatus::Passed => s.good("✓"),
                TestStatus::Failed => s.bad("✗"),
                TestStatus::NotRun => s.dim("·"),
            };
            let what = if t.status == TestStatus::NotRun {
                format!("{} (not run)", t.what)
            } else {
                t.what.clone()
            };
            writeln!(out, "  {mark} {:<widest$}  {}", t.name, s.dim(&what))?;
            if t.status == TestStatus::Failed
                && previous == Some(t.message.as_str())
                && t.picture.is_none()
            {
                writeln!(out, "      {}", s.dim("(the same failure as above)"))?;
            } else if t.status == TestStatus::Failed {
                previous = Some(t.message.as_str());
                write!(out, "{}", wrap(&t.message, WIDTH, "      "))?;
                if let Some(picture) = &t.picture {
                    for line in picture.lines() {
                        writeln!(out, "      {line}")?;
                    }
                }
            }
        }
        writeln!(out)
    }

    fn output(&self, out: &mut dyn Write, report: &StepReport) -> io::Result<()> {
        let text = report.output.text.trim_end();
        if text.is_empty() {
            return Ok(());
        }
        writeln!(out, "What the program printed:")?;
        let lines: Vec<&str> = text.lines().collect();
        for line in lines.iter().take(OUTPUT_LINES) {
            writeln!(out, "  | {line}")?;
        }
        let hidden_lines = lines.len().saturating_sub(OUTPUT_LINES);
        if hidden_lines > 0 || report.output.dropped > 0 {
            let mut note = format!(
                "  ({} more not shown",
                plural(hidden_lines, "line", "lines")
            );
            if report.output.dropped > 0 {
                note.push_str(&format!(
                    ", and {} bytes past the capture limit",
                    report.output.dropped
                ));
            }
            writeln!(out, "{})", self.style.dim(&note))?;
        }
        writeln!(out)
    }

    /// One line per graded step, for `verify`.
    pub fn verdict_line(
        &self,
        out: &mut dyn Write,
        step: &Step,
        report: &StepReport,
    ) -> io::Result<()> {
        let s = &self.style;
        let mark = if report.outcome.passed() {
            s.good("✓")
        } else {
            s.bad("✗")
        };
        let what = report.summary();
        writeln!(out, "{mark} {:<24} {what}", step.name)
    }

    /// Every step with its mark, for `list`.
    pub fn list(
        &self,
        out: &mut dyn Write,
        course: &Course,
        marks: &[Mark],
        current: Option<usize>,
    ) -> io::Result<()> {
        let s = &self.style;
        let mut last_track = usize::MAX;
        for (i, (step, mark)) in course.steps.iter().zip(marks).enumerate() {
            if step.track != last_track {
                last_track = step.track;
                let track = &course.tracks[step.track];
                writeln!(
                    out,
                    "{}",
                    s.bold(&format!("{} ({})", track.title, track.name))
                )?;
            }
            let status = match (mark, current == Some(i)) {
                (_, true) => s.warn("→ next"),
                (Mark::Done, _) => s.good("✓ done"),
                (Mark::Failing, _) => s.bad("✗ failing"),
                (Mark::NotChecked, _) => s.dim("· to do"),
            };
            writeln!(
                out,
                "  {:>2}. {:<22} {:<10} {}",
                i + 1,
                step.name,
                status,
                s.dim(&step.asyncio)
            )?;
        }
        writeln!(out)
    }

    /// Where the learner stands.
    pub fn summary(
        &self,
        out: &mut dyn Write,
        course: &Course,
        done: usize,
        next: Option<&Step>,
    ) -> io::Result<()> {
        let total = course.steps.len();
        let percent = done * 100 / total.max(1);
        writeln!(
            out,
            "Progress: {done} of {} done ({percent}%).",
            plural(total, "step", "steps")
        )?;
        match next {
            Some(step) => {
                let file = display_path(course, &course.exercise_rel(step));
                writeln!(
                    out,
                    "Next up: {} in {file}. `cargo run -- next` shows it.",
                    step.name
                )
            }
            None => writeln!(out, "{}", self.style.good("Every step passes. Well done!")),
        }
    }

    /// A step's hint.
    pub fn hint(&self, out: &mut dyn Write, step: &Step) -> io::Result<()> {
        writeln!(out, "Hint for {}:", self.style.bold(&step.name))?;
        write!(out, "{}", wrap(&step.hint, WIDTH, "  "))
    }

    /// Timings and the seed, in a dim line.
    pub fn timing(&self, out: &mut dyn Write, step: &Step, report: &StepReport) -> io::Result<()> {
        let mut parts = vec![format!("built in {}", human(report.build_time))];
        if !report.tests.is_empty() {
            parts.push(format!("graded in {}", human(report.run_time)));
            // On the real clock there is no virtual time to speak of.
            if step.clock == crate::course::Clock::Virtual {
                parts.push(format!("{} of virtual time", human(report.virtual_time())));
            }
        }
        if let Some(seed) = report.seed {
            parts.push(format!("seed {seed}"));
        }
        writeln!(out, "{}", self.style.dim(&parts.join(" · ")))
    }
}

/// A path as the learner can open it: relative to the current folder when the course is below
/// it, absolute otherwise.
pub fn display_path(course: &Course, rel: &std::path::Path) -> String {
    let full = course.root.join(rel);
    let here = std::env::current_dir().ok();
    let shown = here
        .and_then(|h| full.strip_prefix(&h).ok().map(|p| p.to_path_buf()))
        .unwrap_or(full);
    shown.display().to_string()
}

fn write_block(out: &mut dyn Write, text: &str) -> io::Result<()> {
    for line in text.trim_end().lines() {
        writeln!(out, "  {line}")?;
    }
    writeln!(out)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str() + "."
    })
}

/// Shows compile progress on standard error while cargo works, only when that is a terminal.
pub struct BuildMeter {
    live: bool,
    compiled: usize,
    shown: bool,
}

impl BuildMeter {
    /// A meter that draws only on a terminal.
    pub fn new() -> BuildMeter {
        BuildMeter {
            live: io::stderr().is_terminal(),
            compiled: 0,
            shown: false,
        }
    }

    /// Feeds one progress event from cargo.
    pub fn update(&mut self, progress: Progress<'_>) {
        let Progress::Crate { name, fresh } = progress;
        if fresh || !self.live {
            return;
        }
        self.compiled += 1;
        let first = if self.compiled > 3 {
            " (the first build compiles tokio and friends once; later checks take under a second)"
        } else {
            ""
        };
        eprint!(
            "\r\x1b[2K  compiling {} crate(s): {name}{first}",
            self.compiled
        );
        self.shown = true;
    }

    /// Draws a bar for `done` of `total` steps graded.
    pub fn graded(&mut self, done: usize, total: usize) {
        if !self.live || done >= total {
            return;
        }
        let width = 30;
        let filled = done * width / total.max(1);
        eprint!(
            "\r\x1b[2K  [{}{}] {done}/{total} graded",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        self.shown = true;
    }

    /// Clears the meter's line.
    pub fn finish(&mut self) {
        if self.shown {
            eprint!("\r\x1b[2K");
            self.shown = false;
        }
    }
}

impl Default for BuildMeter {
    fn default() -> Self {
        BuildMeter::new()
    }
}
