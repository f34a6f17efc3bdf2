//! The learner's progress: which steps passed, and with what file contents.
//!
//! It lives in `.asynclings/progress.json` at the course root (ignored by git) and is only a
//! cache of verdicts: a step counts as done while its file is unchanged since it passed. A
//! missing or corrupt file loses nothing; the runner says so and grades again.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Folder for the runner's own files, at the course root.
pub const STATE_DIR: &str = ".asynclings";
const FILE: &str = "progress.json";
const VERSION: u32 = 1;

/// Recorded verdicts, by step name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Progress {
    version: u32,
    steps: BTreeMap<String, Record>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Record {
    passed: bool,
    /// FNV-1a of the learner's file when it was graded.
    hash: String,
}

/// What the progress file says about one step right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Passed, and the file is unchanged since.
    Passed,
    /// Failed, and the file is unchanged since.
    Failed,
    /// Never graded, or the file changed since: grade it to know.
    Unknown,
}

impl Progress {
    /// Loads the progress of the course at `root`. The second value is a notice for the
    /// learner when the file existed but could not be used.
    pub fn load(root: &Path) -> (Progress, Option<String>) {
        let path = path(root);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Progress::new(), None),
            Err(e) => {
                let notice = format!(
                    "could not read {} ({e}); grading again to find out",
                    path.display()
                );
                return (Progress::new(), Some(notice));
            }
        };
        match serde_json::from_str::<Progress>(&text) {
            Ok(p) if p.version == VERSION => (p, None),
            Ok(_) | Err(_) => {
                let kept = path.with_extension("json.corrupt");
                let _ = std::fs::rename(&path, &kept);
                let notice = format!(
                    "the progress file {} was damaged, so it was set aside as {} and your \
                     progress is being worked out again by grading (your exercise files are \
                     untouched)",
                    path.display(),
                    kept.display()
                );
                (Progress::new(), Some(notice))
            }
        }
    }

    fn new() -> Progress {
        Progress {
            version: VERSION,
            steps: BTreeMap::new(),
        }
    }

    /// Saves atomically (write a temporary file, then rename), so a crash never leaves half
    /// a file.
    pub fn save(&self, root: &Path) -> Result<()> {
        let dir = root.join(STATE_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
        let text = serde_json::to_string_pretty(self).expect("progress always serialises");
        let tmp = dir.join("progress.json.tmp");
        std::fs::write(&tmp, text).map_err(|e| Error::io("write", &tmp, e))?;
        let target = path(root);
        std::fs::rename(&tmp, &target).map_err(|e| Error::io("replace", &target, e))
    }

    /// What is known about `step`, whose file now has `contents` (`None`: missing).
    pub fn known(&self, step: &str, contents: Option<&[u8]>) -> Known {
        match (self.steps.get(step), contents) {
            (Some(r), Some(c)) if r.hash == fnv(c) => {
                if r.passed {
                    Known::Passed
                } else {
                    Known::Failed
                }
            }
            _ => Known::Unknown,
        }
    }

    /// Records a verdict for `step` graded with `contents`.
    pub fn record(&mut self, step: &str, contents: &[u8], passed: bool) {
        self.steps.insert(
            step.to_owned(),
            Record {
                passed,
                hash: fnv(contents),
            },
        );
    }
}

fn path(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join(FILE)
}

/// FNV-1a, 64 bits: stable across Rust versions, unlike std's hasher.
fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_holds_until_the_file_changes() {
        let mut p = Progress::new();
        p.record("gather", b"v1", true);
        assert_eq!(p.known("gather", Some(b"v1")), Known::Passed);
        assert_eq!(p.known("gather", Some(b"v2")), Known::Unknown);
        assert_eq!(p.known("gather", None), Known::Unknown);
        assert_eq!(p.known("hello", Some(b"v1")), Known::Unknown);
    }

    #[test]
    fn round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Progress::new();
        p.record("hello", b"x", false);
        p.save(dir.path()).unwrap();
        assert_eq!(Progress::load(dir.path()), (p, None));
    }

    #[test]
    fn a_corrupt_file_is_set_aside_and_said() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(STATE_DIR)).unwrap();
        std::fs::write(path(dir.path()), "{ not json").unwrap();
        let (p, notice) = Progress::load(dir.path());
        assert_eq!(p, Progress::new());
        assert!(notice.unwrap().contains("damaged"));
        assert!(
            dir.path()
                .join(STATE_DIR)
                .join("progress.json.corrupt")
                .exists()
        );
    }
}
