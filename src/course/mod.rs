//! The course: its manifest (tracks and steps in order) and where each step's files live.

mod manifest;
pub mod scratch;

pub use manifest::{Clock, Course, Step, Track};
