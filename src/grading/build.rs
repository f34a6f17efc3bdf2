//! Compiling steps: a single `cargo build --test STEP..` of the steps' grader targets, whose JSON
//! messages give the executable's path and the compiler's diagnostics in one pass.

use crate::error::{Error, Result};
use crate::process::Cmd;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which file a step's grader is compiled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The learner's file under `exercises/`.
    Exercise,
    /// The reference under `solutions/` (the course package's `solution` feature).
    Solution,
}

/// What one compile produced.
#[derive(Debug, Clone)]
pub struct Built {
    /// The grader program, when the compile succeeded.
    pub executable: Option<PathBuf>,
    /// Errors and warnings about the step, as the compiler renders them.
    pub diagnostics: String,
    /// Wall-clock time of the compile.
    pub elapsed: Duration,
}

/// Something cargo reports while building, for progress displays.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    /// A crate finished compiling (`fresh` when it was already up to date).
    Crate { name: &'a str, fresh: bool },
}

#[derive(Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
enum CargoEvent {
    CompilerArtifact {
        target: Target,
        executable: Option<PathBuf>,
        fresh: bool,
    },
    CompilerMessage {
        target: Target,
        message: Diagnostic,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Diagnostic {
    rendered: Option<String>,
    level: String,
}

/// The cargo invocation that compiles the graders of `steps` in the workspace at `root`.
/// `cargo build --test STEP` makes the same artifact as `cargo test --no-run --test STEP`,
/// and unlike `cargo test` it takes `--keep-going`: every other step still builds when one
/// does not compile.
pub fn command(
    cargo: &Path,
    target_dir: Option<&Path>,
    root: &Path,
    steps: &[&str],
    source: Source,
    subcommand: &str,
) -> Cmd {
    let mut cmd = Cmd::new(cargo).cwd(root).args([subcommand]);
    if let Some(dir) = target_dir {
        cmd = cmd.env("CARGO_TARGET_DIR", dir);
    }
    if subcommand == "build" {
        cmd = cmd.args(["--keep-going"]);
    }
    cmd = cmd.args(["--package", "course", "--message-format=json"]);
    for step in steps {
        cmd = cmd.args(["--test", step]);
    }
    if source == Source::Solution {
        cmd = cmd.args(["--features", "solution"]);
    }
    cmd.cap(256 * 1024)
}

/// Compiles the graders of `steps` (with the learners' files, or the solutions) in one cargo
/// run, and returns what each one produced. `on_ready` hears of each grader program the
/// moment cargo has linked it (with the compiler's warnings about it), so grading can start
/// while the others still compile.
pub fn build(
    cargo: &Path,
    target_dir: Option<&Path>,
    root: &Path,
    steps: &[&str],
    source: Source,
    on_progress: &mut (dyn FnMut(Progress<'_>) + Send),
    on_ready: &mut (dyn FnMut(&str, &Path, &str) + Send),
) -> Result<BTreeMap<String, Built>> {
    let cmd = command(cargo, target_dir, root, steps, source, "build");
    let mut executables: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut diagnostics: BTreeMap<String, String> = BTreeMap::new();
    let finished =
        cmd.run_with_lines(&mut |line| match serde_json::from_str::<CargoEvent>(line) {
            Ok(CargoEvent::CompilerArtifact {
                target,
                executable,
                fresh,
            }) => {
                let is_step = steps.contains(&target.name.as_str());
                if let Some(exe) =
                    executable.filter(|_| is_step && target.kind.iter().any(|k| k == "test"))
                {
                    let warnings = diagnostics.get(&target.name).map_or("", String::as_str);
                    on_ready(&target.name, &exe, warnings);
                    executables.insert(target.name.clone(), exe);
                }
                on_progress(Progress::Crate {
                    name: &target.name,
                    fresh,
                });
            }
            Ok(CargoEvent::CompilerMessage { target, message })
                if steps.contains(&target.name.as_str()) =>
            {
                if let Some(text) = message.rendered.filter(|_| message.level != "failure-note") {
                    diagnostics
                        .entry(target.name)
                        .or_default()
                        .push_str(&clean_paths(&text));
                }
            }
            _ => {}
        })?;
    let mut built = BTreeMap::new();
    for &step in steps {
        let executable = executables.remove(step);
        let diagnostics = diagnostics.remove(step).unwrap_or_default();
        if executable.is_none() && diagnostics.is_empty() {
            // Cargo stopped before the compiler said anything about this step: a broken
            // manifest or toolchain is the harness's problem, not the learner's.
            return Err(Error::Cargo(format!(
                "`{}` in {} did not build `{step}` and gave no compiler message:\n{}",
                cmd.display(),
                root.display(),
                finished.stderr.text.trim_end()
            )));
        }
        let elapsed = finished.elapsed;
        built.insert(
            step.to_owned(),
            Built {
                executable,
                diagnostics,
                elapsed,
            },
        );
    }
    Ok(built)
}

/// Compiler paths go through the grader's `#[path]` detour
/// (`graders/01_basics/../../exercises/...`); show the learner's path instead.
pub fn clean_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("graders/") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        match detour_len(from) {
            Some(len) => rest = &from[len..],
            None => {
                out.push_str("graders/");
                rest = &from["graders/".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Length of `graders/<dir>/../../` at the start of `s`, if that is what it starts with.
fn detour_len(s: &str) -> Option<usize> {
    let after = s.strip_prefix("graders/")?;
    let slash = after.find('/')?;
    let dir = &after[..slash];
    (!dir.is_empty() && !dir.contains(' ') && after[slash..].starts_with("/../../"))
        .then_some("graders/".len() + slash + "/../../".len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detours_through_the_grader_folder_are_removed() {
        let text = "--> graders/01_basics/../../exercises/01_basics/01_hello.rs:46:35\n   graders/kit/x.rs";
        assert_eq!(
            clean_paths(text),
            "--> exercises/01_basics/01_hello.rs:46:35\n   graders/kit/x.rs"
        );
    }

    #[test]
    fn artifact_and_message_lines_parse() {
        let line = r#"{"reason":"compiler-artifact","target":{"name":"gather","kind":["test"]},"executable":"/t/gather-1","fresh":true}"#;
        assert!(matches!(
            serde_json::from_str::<CargoEvent>(line),
            Ok(CargoEvent::CompilerArtifact {
                fresh: true,
                executable: Some(_),
                ..
            })
        ));
        let other = r#"{"reason":"build-finished","success":true}"#;
        assert!(matches!(
            serde_json::from_str::<CargoEvent>(other),
            Ok(CargoEvent::Other)
        ));
    }
}
