//! The command line, parsed and checked into a plain [`Config`] before any work starts.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// asynclings: a course in async Rust with tokio, graded on tokio's paused virtual clock.
///
/// Start with `cargo run -- next`. Edit the file it names, then run it again.
#[derive(Debug, Parser)]
#[command(name = "asynclings", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The course folder (default: the one holding course.toml above the current folder).
    #[arg(long, global = true, value_name = "DIR")]
    course: Option<PathBuf>,
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Give every grader this seed, to reproduce a verdict (default: a fresh one per run).
    #[arg(long, global = true)]
    seed: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Show the first unfinished step: its file, what to do, and its current verdict.
    Next,
    /// Grade the steps in course order, stopping at the first that does not pass.
    Verify {
        /// Go on past failing steps and grade them all.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        format: Format,
    },
    /// List every step with its status.
    List,
    /// Grade one step; exits 0 only if it passes.
    Run {
        /// The step's name, as `list` shows it.
        step: String,
        #[command(flatten)]
        format: Format,
    },
    /// Show the hint for a step (default: the current one).
    Hint {
        /// The step's name.
        step: Option<String>,
    },
    /// Put a step's file back as it was shipped, keeping a copy of your version.
    Reset {
        /// The step's name.
        step: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// Show a step's reference solution, once your own passes.
    Solution {
        /// The step's name.
        step: String,
    },
    /// Re-grade the current step every time its file is saved.
    Watch {
        /// Check files for changes by polling (for network and WSL file systems).
        #[arg(long)]
        poll: bool,
    },
    /// For instructors: grade learners' copies of the course against this repo's graders.
    Grade {
        /// Submissions: each a checkout of the course or its `exercises/` folder.
        #[arg(required = true)]
        submissions: Vec<PathBuf>,
        /// Grade only the i-th of n parts of the sorted submissions, as `i/n` (1-based).
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Real seconds each step's grader may run, instead of the manifest's limits.
        #[arg(long, value_name = "SECS")]
        time_limit: Option<u64>,
        #[command(flatten)]
        format: Format,
    },
    /// For course authors: check the course itself.
    #[command(subcommand)]
    Dev(DevCommand),
}

/// Commands for course authors.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DevCommand {
    /// Every stub fails, every solution passes, graders are deterministic, files match the
    /// manifest, solutions are rustfmt- and clippy-clean.
    Check {
        /// Seeds to try each solution with (determinism).
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// Only check these steps.
        steps: Vec<String>,
    },
    /// Print the course table (tracks, steps, the asyncio API each ports) as Markdown, as the
    /// README shows it.
    Table,
}

/// Output format flags shared by grading commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Args)]
pub struct Format {
    /// Print a JSON report (exercism test-runner v3 per step) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Everything the run needs, decided up front.
#[derive(Debug, Clone)]
pub struct Config {
    /// What to do (`watch` when no command was given).
    pub command: Command,
    /// Where the course is, if given.
    pub course: Option<PathBuf>,
    /// Whether to use colour.
    pub color: bool,
    /// A fixed grader seed.
    pub seed: Option<u64>,
}

impl Cli {
    /// Turns the parsed words into a config, reading the terminal only for `--color auto`.
    pub fn into_config(self) -> Config {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        // With no command, a person at a terminal gets watch mode; scripts get `next`.
        let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
        let default = if interactive {
            Command::Watch { poll: false }
        } else {
            Command::Next
        };
        Config {
            command: self.command.unwrap_or(default),
            course: self.course,
            color,
            seed: self.seed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Config {
        Cli::try_parse_from(std::iter::once("asynclings").chain(words.iter().copied()))
            .unwrap()
            .into_config()
    }

    #[test]
    fn no_command_outside_a_terminal_means_next() {
        assert_eq!(parse(&[]).command, Command::Next);
    }

    #[test]
    fn flags_reach_the_config() {
        let config = parse(&["run", "gather", "--json", "--seed", "7", "--color", "never"]);
        assert_eq!(
            config.command,
            Command::Run {
                step: "gather".into(),
                format: Format { json: true }
            }
        );
        assert_eq!((config.seed, config.color), (Some(7), false));
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
