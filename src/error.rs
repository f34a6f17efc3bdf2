//! The harness's own failures: what stops asynclings from judging at all.
//!
//! A learner's failing exercise is never an `Error`; it is a [`crate::grading::Outcome`].
//! Messages are lowercase fragments that read well after "failed to ...".

use std::path::PathBuf;

/// Why the harness could not do its job (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The course manifest is missing or unreadable.
    #[error("failed to read the course manifest {path}: {source}")]
    ManifestRead {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The course manifest is not valid TOML or misses fields.
    #[error("failed to parse the course manifest {path}: {message}")]
    ManifestParse { path: PathBuf, message: String },
    /// The manifest is well-formed but inconsistent.
    #[error("the course manifest {path} is inconsistent: {message}")]
    ManifestInvalid { path: PathBuf, message: String },
    /// No course.toml in this directory or any parent.
    #[error(
        "failed to find course.toml in {start} or any parent directory; run asynclings from \
         inside the course, or pass --course DIR"
    )]
    NoCourse { start: PathBuf },
    /// The learner named a step that does not exist.
    #[error("there is no step named `{name}`{suggestion}; `cargo run -- list` shows them all")]
    UnknownStep { name: String, suggestion: String },
    /// A file the course expects is missing.
    #[error("failed to find {what} at {path}")]
    MissingFile { what: &'static str, path: PathBuf },
    /// Starting or talking to a child process failed.
    #[error("failed to run `{command}`: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    /// Any other IO failure, with the path involved.
    #[error("failed to {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// Cargo itself failed before compiling anything (not a compile error in a step).
    #[error("failed to build with cargo: {0}")]
    Cargo(String),
    /// A command needs confirmation that could not be asked for.
    #[error("{0}")]
    Refused(String),
    /// Command-line input that parses but makes no sense.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Shorthand for [`Error::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
