//! `course.toml`: tracks and steps in the order a learner meets them, with hints and limits.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The manifest file's name, at the course root.
pub const MANIFEST: &str = "course.toml";

/// Which clock a step's grader runs learner code on (informational; the grader decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    /// tokio's paused clock: sleeps cost no real time.
    #[default]
    Virtual,
    /// The real clock: sockets, processes, threads.
    Real,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    time_limit: Option<u64>,
    #[serde(default)]
    tracks: Vec<RawTrack>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrack {
    name: String,
    dir: String,
    title: String,
    #[serde(default)]
    asyncio: String,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    name: String,
    file: String,
    #[serde(default)]
    asyncio: String,
    summary: String,
    hint: String,
    #[serde(default)]
    clock: Clock,
    time_limit: Option<u64>,
    #[serde(default)]
    clippy: bool,
}

/// A track: a folder of steps about one part of asyncio's API.
#[derive(Debug, Clone)]
pub struct Track {
    /// Short id (`basics`).
    pub name: String,
    /// Folder name under `exercises/`, `solutions/` and `graders/` (`01_basics`).
    pub dir: String,
    /// Title shown to learners.
    pub title: String,
    /// The asyncio API the track ports.
    pub asyncio: String,
}

/// One step: an exercise file, its solution, its grader.
#[derive(Debug, Clone)]
pub struct Step {
    /// Unique id; also the grader's test target name.
    pub name: String,
    /// Index of its track in [`Course::tracks`].
    pub track: usize,
    /// File name inside the track's folders.
    pub file: String,
    /// The asyncio API the step ports.
    pub asyncio: String,
    /// One line: what the learner does.
    pub summary: String,
    /// Shown by `hint`.
    pub hint: String,
    /// The clock the grader uses.
    pub clock: Clock,
    /// Real-time limit for running the grader (not compiling it).
    pub time_limit: Duration,
    /// Whether clippy is part of the check.
    pub clippy: bool,
}

/// The whole course, validated.
#[derive(Debug, Clone)]
pub struct Course {
    /// The folder holding `course.toml`.
    pub root: PathBuf,
    /// Tracks in order.
    pub tracks: Vec<Track>,
    /// Steps in course order.
    pub steps: Vec<Step>,
}

impl Course {
    /// Finds `course.toml` in `start` or a parent directory and loads it.
    pub fn discover(start: &Path) -> Result<Course> {
        let found = start.ancestors().find(|dir| dir.join(MANIFEST).is_file());
        match found {
            Some(root) => Course::load(root),
            None => Err(Error::NoCourse {
                start: start.to_path_buf(),
            }),
        }
    }

    /// Loads and validates the manifest of the course at `root`.
    pub fn load(root: &Path) -> Result<Course> {
        let path = root.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::ManifestRead {
            path: path.clone(),
            source,
        })?;
        let raw: RawCourse = toml::from_str(&text).map_err(|e| Error::ManifestParse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        Course::from_raw(root, raw).map_err(|message| Error::ManifestInvalid {
            path: path.clone(),
            message,
        })
    }

    fn from_raw(root: &Path, raw: RawCourse) -> Result<Course, String> {
        let default_limit = Duration::from_secs(raw.time_limit.unwrap_or(20));
        let mut tracks = Vec::new();
        let mut steps = Vec::new();
        let mut seen = HashSet::new();
        for (index, t) in raw.tracks.into_iter().enumerate() {
            if t.steps.is_empty() {
                return Err(format!("track `{}` has no steps", t.name));
            }
            for s in t.steps {
                if !seen.insert(s.name.clone()) {
                    return Err(format!("two steps are named `{}`", s.name));
                }
                if !s
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return Err(format!("step name `{}` must be snake_case", s.name));
                }
                steps.push(Step {
                    name: s.name,
                    track: index,
                    file: s.file,
                    asyncio: s.asyncio,
                    summary: s.summary,
                    hint: s.hint.trim().to_owned(),
                    clock: s.clock,
                    time_limit: s.time_limit.map_or(default_limit, Duration::from_secs),
                    clippy: s.clippy,
                });
            }
            tracks.push(Track {
                name: t.name,
                dir: t.dir,
                title: t.title,
                asyncio: t.asyncio,
            });
        }
        if steps.is_empty() {
            return Err("it lists no steps".to_owned());
        }
        Ok(Course {
            root: root.to_path_buf(),
            tracks,
            steps,
        })
    }

    /// The step called `name`, or an error that suggests the closest name.
    pub fn step(&self, name: &str) -> Result<&Step> {
        if let Some(step) = self.steps.iter().find(|s| s.name == name) {
            return Ok(step);
        }
        let suggestion = self
            .steps
            .iter()
            .map(|s| (edit_distance(&s.name, name), &s.name))
            .filter(|(d, _)| *d <= 3)
            .min()
            .map(|(_, n)| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        Err(Error::UnknownStep {
            name: name.to_owned(),
            suggestion,
        })
    }

    /// Position of a step in course order (0-based).
    pub fn index_of(&self, step: &Step) -> usize {
        self.steps
            .iter()
            .position(|s| s.name == step.name)
            .unwrap_or(0)
    }

    /// The track a step belongs to.
    pub fn track_of(&self, step: &Step) -> &Track {
        &self.tracks[step.track]
    }

    /// The learner's file, relative to the course root.
    pub fn exercise_rel(&self, step: &Step) -> PathBuf {
        Path::new("exercises")
            .join(&self.tracks[step.track].dir)
            .join(&step.file)
    }

    /// The reference solution, relative to the course root.
    pub fn solution_rel(&self, step: &Step) -> PathBuf {
        Path::new("solutions")
            .join(&self.tracks[step.track].dir)
            .join(&step.file)
    }

    /// The grader, relative to the course root.
    pub fn grader_rel(&self, step: &Step) -> PathBuf {
        Path::new("graders")
            .join(&self.tracks[step.track].dir)
            .join(&step.file)
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Course, String> {
        let raw: RawCourse = toml::from_str(text).map_err(|e| e.to_string())?;
        Course::from_raw(Path::new("/c"), raw)
    }

    const ONE: &str = r#"
        [[tracks]]
        name = "basics"
        dir = "01_basics"
        title = "Basics"
        [[tracks.steps]]
        name = "gather"
        file = "06_gather.rs"
        summary = "s"
        hint = "h"
    "#;

    #[test]
    fn paths_follow_the_track_folder() {
        let course = parse(ONE).unwrap();
        let step = course.step("gather").unwrap();
        assert_eq!(
            course.exercise_rel(step),
            Path::new("exercises/01_basics/06_gather.rs")
        );
        assert_eq!(
            course.grader_rel(step),
            Path::new("graders/01_basics/06_gather.rs")
        );
        assert_eq!(step.time_limit, Duration::from_secs(20));
    }

    #[test]
    fn unknown_steps_get_a_suggestion() {
        let course = parse(ONE).unwrap();
        let err = course.step("gathr").unwrap_err().to_string();
        assert!(err.contains("did you mean `gather`"), "{err}");
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let twice = format!(
            "{ONE}\n[[tracks.steps]]\nname = \"gather\"\nfile = \"x.rs\"\nsummary = \"s\"\nhint = \"h\"\n"
        );
        assert_eq!(parse(&twice).unwrap_err(), "two steps are named `gather`");
    }

    #[test]
    fn unknown_fields_are_an_error_not_ignored() {
        let typo = ONE.replace("hint = \"h\"", "hint = \"h\"\nclipy = true");
        assert!(parse(&typo).unwrap_err().contains("clipy"));
    }
}
