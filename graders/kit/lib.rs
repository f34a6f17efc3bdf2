//! The grader toolkit: what every step's grader shares.
//!
//! A grader is a test target (`harness = false`) whose root file pulls in the learner's exercise
//! file as a module and calls [`grade`] with its list of [`Test`]s. Each test gets a [`Ctx`] that
//! runs learner futures on a fresh runtime, on tokio's paused virtual clock ([`Ctx::paused`]) or
//! on the real clock with a real-time limit ([`Ctx::real`]), and hands back a [`Run`] with the
//! virtual and real time it took and what the runtime observed (task rows, stalls).
//!
//! Tests return [`Check`]: `Ok(())` or a [`Fail`] whose message is written for the learner:
//! what was expected, what happened, what to try.
//!
//! The verdict travels to the runner through a report file (see [`report`]), never through the
//! program's output, which the learner controls.

pub mod capture;
pub mod clock;
pub mod fmt;
mod harness;
mod observe;
pub mod report;
pub mod seed;
pub mod timeline;

// Helpers shared by the graders of one track.
pub mod blocking_probe;
pub mod concurrency_tasks;
pub mod logging_capture;
pub mod network_io;
pub mod queues_support;
pub mod subprocess_procs;
pub mod sync_spans;

pub use clock::{Ctx, Run};
pub use fmt::ms;
pub use harness::{Check, Fail, Test, grade, test};
pub use seed::Seeded;
pub use timeline::Timeline;

/// What a grader file usually needs.
pub mod prelude {
    pub use crate::capture::Transcript;
    pub use crate::fmt::{ms, show_durations};
    pub use crate::{Check, Ctx, Fail, Run, Seeded, Test, ensure, fail, grade, test};
    pub use std::time::Duration;
}

/// Fails the current test with a message built like `format!`.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => {
        return ::std::result::Result::Err($crate::Fail::new(::std::format!($($arg)*)))
    };
}

/// Fails the current test with the message unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            $crate::fail!($($arg)*);
        }
    };
}
