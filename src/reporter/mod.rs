//! Rendering what the runner found. Only this module knows about colours, widths, plurals and
//! timings; everything writes to `&mut dyn Write`, so tests hand it a `Vec<u8>`.

mod json;
mod style;
mod terminal;

pub use json::{json_report, step_json};
pub use style::Style;
pub use terminal::{BuildMeter, Mark, Terminal, display_path};
