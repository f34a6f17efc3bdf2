//! Fixture courses for the runner's integration tests: a copy of the real course's basics
//! track in a folder of its own under `target/`, sharing the workspace's target directory so
//! tokio is compiled once for everything.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository the tests belong to.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo().join("target"), PathBuf::from)
}

/// A course folder owned by one test.
pub struct Fixture {
    pub root: PathBuf,
}

impl Fixture {
    /// A fresh copy of the basics track for the test `name`. The folder is kept between runs
    /// (same path, files rewritten only when they differ) so cargo's fingerprints stay valid
    /// and only what changed is compiled again.
    pub fn basics(name: &str) -> Fixture {
        let root = target_dir().join("fixture-courses").join(name);
        let _ = std::fs::remove_dir_all(root.join(".asynclings"));
        let _ = std::fs::remove_dir_all(root.join(".git"));
        let course: toml::Table = toml::from_str(&read(&repo().join("course.toml"))).unwrap();
        let mut trimmed = course.clone();
        let tracks = course["tracks"].as_array().unwrap();
        let basics = tracks
            .iter()
            .find(|t| t["name"].as_str() == Some("basics"))
            .unwrap();
        trimmed.insert("tracks".into(), toml::Value::Array(vec![basics.clone()]));
        let steps: Vec<String> = basics["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect();
        let fixture = Fixture { root };
        fixture.write("course.toml", &toml::to_string(&trimmed).unwrap());
        fixture.write("Cargo.toml", &workspace_manifest());
        fixture.write("graders/Cargo.toml", &course_manifest(&steps, name));
        fixture.write("Cargo.lock", &read(&repo().join("Cargo.lock")));
        fixture.write(
            ".cargo/config.toml",
            &read(&repo().join(".cargo/config.toml")),
        );
        fixture.copy_tree("graders/kit");
        for dir in [
            "exercises/01_basics",
            "solutions/01_basics",
            "graders/01_basics",
        ] {
            fixture.copy_tree(dir);
        }
        fixture
    }

    /// Writes `rel` unless it already holds exactly `text`.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text) {
            return;
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn copy_tree(&self, rel: &str) {
        for entry in std::fs::read_dir(repo().join(rel)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let name = path.file_name().unwrap().to_string_lossy();
                self.write(&format!("{rel}/{name}"), &read(&path));
            }
        }
    }

    /// Replaces a learner file with the reference solution.
    pub fn solve(&self, file: &str) {
        self.write(
            &format!("exercises/01_basics/{file}"),
            &read(&repo().join("solutions/01_basics").join(file)),
        );
    }

    /// Makes the folder a git repository with everything committed (for `reset`).
    pub fn commit(&self) {
        for args in [
            &["init", "-q"][..],
            &["add", "-A"],
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "course",
            ],
        ] {
            let ok = Command::new("git")
                .args(args)
                .current_dir(&self.root)
                .status()
                .unwrap()
                .success();
            assert!(ok, "git {args:?} failed");
        }
    }

    /// Runs the built runner in this course with `args`, colour off, a fixed seed.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_asynclings"))
            .args(args)
            .args(["--color", "never"])
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target_dir())
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        Run::from(output)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// A finished run of the runner.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// The insta settings every snapshot of runner output uses: durations, seeds and paths vary.
pub fn settings(fixture: &Fixture) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(
        &regex_escape(&fixture.root.display().to_string()),
        "[COURSE]",
    );
    s.add_filter(r"(built|graded) in \d+(\.\d+)? (ms|s)", "$1 in [TIME]");
    s.add_filter(r"\\", "/");
    s.add_filter(r"/tmp/[^ )]+", "[TMP]");
    s.add_filter(r"backups/(\w+)-\d+\.rs", "backups/$1-[STAMP].rs");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The workspace manifest: the real one's profiles and lints, with only the course package.
fn workspace_manifest() -> String {
    let real: toml::Table = toml::from_str(&read(&repo().join("Cargo.toml"))).unwrap();
    let mut workspace = real["workspace"].as_table().unwrap().clone();
    workspace.insert("members".into(), toml::Value::Array(vec!["graders".into()]));
    workspace.remove("default-members");
    let mut out = toml::Table::new();
    out.insert("workspace".into(), toml::Value::Table(workspace));
    out.insert("profile".into(), real["profile"].clone());
    toml::to_string(&out).unwrap()
}

/// The course package's manifest, with targets for `steps` only. Cargo names artifacts by
/// package name and version, not path: each fixture gets its own version so that fixtures
/// built side by side in the shared target directory never overwrite each other's programs.
fn course_manifest(steps: &[String], fixture: &str) -> String {
    let mut real: toml::Table = toml::from_str(&read(&repo().join("graders/Cargo.toml"))).unwrap();
    let package = real["package"].as_table_mut().unwrap();
    package.insert(
        "version".into(),
        format!("0.1.0-fixture-{}", fixture.replace('_', "-")).into(),
    );
    for kind in ["test", "example"] {
        let kept: Vec<toml::Value> = real[kind]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| steps.iter().any(|s| t["name"].as_str() == Some(s)))
            .cloned()
            .collect();
        real.insert(kind.into(), toml::Value::Array(kept));
    }
    toml::to_string(&real).unwrap()
}
