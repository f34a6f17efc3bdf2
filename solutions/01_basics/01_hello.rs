//! # Step 1 — Hello world
//!
//! The Python version:
//!
//! ```python
//! import asyncio
//!
//! async def main():
//!     print('Hello ...')
//!     await asyncio.sleep(1)
//!     print('... World!')
//!
//! asyncio.run(main())
//! ```
//!
//! In Rust, `async fn main` needs a runtime to run on, the job `asyncio.run` does in Python.
//! `#[tokio::main]` writes that code for you: it builds a runtime and runs your `main` on it.
//!
//! This file does not compile yet: `main` uses `.await` but is not `async`. Read the
//! compiler's message, then:
//!
//! 1. turn `main` into `async fn main` and put `#[tokio::main]` above it;
//! 2. in `hello`, wait one second between the two lines **without blocking the thread**:
//!    `std::thread::sleep` would freeze the whole runtime; `tokio::time::sleep(..).await`
//!    lets it run other tasks meanwhile.
//!
//! `hello` writes to any `std::io::Write` (your terminal in `main`), so the grader can record
//! each line together with the instant it was written on tokio's paused clock. It checks the
//! two lines, that the second one comes exactly 1 s after the first, and that nothing blocks.
//!
//! Run the program yourself with `cargo run -p course --example hello`.

use std::io::Write;
use std::time::Duration;

/// Writes `Hello ...`, waits one second without blocking, then writes `... World!`.
pub async fn hello(out: &mut impl Write) {
    writeln!(out, "Hello ...").expect("failed to write");
    tokio::time::sleep(Duration::from_secs(1)).await;
    writeln!(out, "... World!").expect("failed to write");
}

#[tokio::main]
async fn main() {
    hello(&mut std::io::stdout()).await;
}
