//! asynclings: a course in async Rust with tokio, and the harness that grades it.
//!
//! The runner compiles each step's grader together with the learner's file
//! ([`grading`]), runs it under a wall-clock limit ([`process`]), reads the grader's report and
//! turns it into an [`grading::Outcome`]; [`reporter`] renders that for people or as JSON.

pub mod cli;
pub mod commands;
pub mod course;
pub mod error;
pub mod grading;
pub mod process;
pub mod progress;
pub mod reporter;

pub use commands::{Status, execute};
pub use error::{Error, Result};
