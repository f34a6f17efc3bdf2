//! A scratch copy of the course's pristine graders, in a workspace of its own, into which other
//! people's exercise files are put to be graded (`grade`). It shares the course's target
//! directory, so dependencies are compiled once for both.

use super::{Course, manifest::MANIFEST};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Version given to the scratch copy of the course package: cargo names artifacts by package
/// name and version, so without it the scratch builds would overwrite the course's own.
const SCRATCH_VERSION: &str = "0.1.0-scratch";

/// Lays out (or refreshes) a scratch workspace at `dir` with the course's graders, manifest
/// and build settings, and returns the course as seen from there.
pub fn prepare(course: &Course, dir: &Path) -> Result<Course> {
    let root = &course.root;
    write_if_changed(&dir.join("Cargo.toml"), &workspace_manifest(root)?)?;
    write_if_changed(&dir.join("graders/Cargo.toml"), &package_manifest(root)?)?;
    for rel in ["Cargo.lock", ".cargo/config.toml", MANIFEST] {
        if let Ok(text) = std::fs::read_to_string(root.join(rel)) {
            write_if_changed(&dir.join(rel), &text)?;
        }
    }
    copy_rust_files(&root.join("graders"), &dir.join("graders"))?;
    Course::load(dir)
}

/// Puts `source`'s exercise files (only those the course names) in the scratch course,
/// removing any left from a previous submission.
pub fn fill_exercises(scratch: &Course, source: &Path) -> Result<()> {
    for step in &scratch.steps {
        let rel = scratch.exercise_rel(step);
        let inside = rel.strip_prefix("exercises").unwrap_or(&rel);
        let target = scratch.root.join(&rel);
        match std::fs::read_to_string(source.join(inside)) {
            Ok(text) => write_if_changed(&target, &text)?,
            Err(_) => {
                let _ = std::fs::remove_file(&target);
            }
        }
    }
    Ok(())
}

fn workspace_manifest(root: &Path) -> Result<String> {
    let real = read_toml(&root.join("Cargo.toml"))?;
    let mut workspace = real
        .get("workspace")
        .and_then(|w| w.as_table())
        .cloned()
        .unwrap_or_default();
    workspace.insert("members".into(), toml::Value::Array(vec!["graders".into()]));
    workspace.remove("default-members");
    let mut out = toml::Table::new();
    out.insert("workspace".into(), toml::Value::Table(workspace));
    if let Some(profile) = real.get("profile") {
        out.insert("profile".into(), profile.clone());
    }
    Ok(toml::to_string(&out).expect("a table serialises"))
}

fn package_manifest(root: &Path) -> Result<String> {
    let mut real = read_toml(&root.join("graders/Cargo.toml"))?;
    if let Some(package) = real.get_mut("package").and_then(|p| p.as_table_mut()) {
        package.insert("version".into(), SCRATCH_VERSION.into());
    }
    Ok(toml::to_string(&real).expect("a table serialises"))
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
    toml::from_str(&text).map_err(|e| Error::Cargo(format!("{}: {e}", path.display())))
}

fn copy_rust_files(from: &Path, to: &Path) -> Result<()> {
    let entries = std::fs::read_dir(from).map_err(|e| Error::io("read", from, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let dest: PathBuf = to.join(entry.file_name());
        if path.is_dir() {
            copy_rust_files(&path, &dest)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
            write_if_changed(&dest, &text)?;
        }
    }
    Ok(())
}

/// Writes only when the content differs, so cargo's fingerprints see no change otherwise.
fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io("write", path, e))
}
