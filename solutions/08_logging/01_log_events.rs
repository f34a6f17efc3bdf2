//! # Step 1 — events instead of println
//!
//! In Python you would write:
//!
//! ```python
//! log = logging.getLogger(__name__)
//!
//! async def fetch(url, delay):
//!     log.info("fetching", extra={"url": url})
//!     await asyncio.sleep(delay)
//!     level = logging.WARNING if delay > SLOW else logging.INFO
//!     log.log(level, "fetched", extra={"url": url, "ms": round(delay * 1000)})
//! ```
//!
//! `println!` is Rust's `print`: it formats a line and writes it to stdout on the spot, under a
//! lock, while the runtime thread waits. Nobody can filter it by level, send it elsewhere, or
//! read the url back out of the text. The `tracing` crate is Rust's `logging`: code *emits
//! events* (`tracing::info!`, `tracing::warn!`, ...) and whatever *subscriber* the program
//! installed decides where they go. Data rides along as typed **fields**, not inside the text:
//! `tracing::info!(url, "fetching")` records a field `url` and the fixed message `fetching`.
//!
//! Rewrite `fetch` so it emits two events and prints nothing:
//!
//! - at the start: level INFO, message `fetching`, field `url` (the url it was given);
//! - after `tokio::time::sleep(delay).await`: message `fetched`, fields `url` and `ms` (the delay
//!   in whole milliseconds, **as a number**, e.g. `ms = delay.as_millis() as u64`), at level
//!   WARN when `delay` is longer than `SLOW`, INFO otherwise.
//!
//! Contract: `pub async fn fetch(url: &str, delay: Duration)` and `pub const SLOW: Duration`.
//!
//! The grader runs `fetch` on tokio's paused clock under its own subscriber, which records every
//! event in memory (your code must not install one), and checks: events are emitted at all;
//! their messages and fields are exactly as above; the level follows the delay; and each event
//! happens at the right virtual instant, also with several fetches running at once.
//!
//! Run the program yourself with `cargo run -p course --example log_events`.

use std::time::Duration;

/// Fetches longer than this are logged as warnings.
pub const SLOW: Duration = Duration::from_secs(1);

/// Pretends to fetch `url`: the sleep stands in for the network. Logs when it starts and ends.
pub async fn fetch(url: &str, delay: Duration) {
    tracing::info!(url, "fetching");
    tokio::time::sleep(delay).await;
    let ms = delay.as_millis() as u64;
    if delay > SLOW {
        tracing::warn!(url, ms, "fetched");
    } else {
        tracing::info!(url, ms, "fetched");
    }
}

#[tokio::main]
async fn main() {
    // The program, not the library, picks the subscriber: here tracing-subscriber's `fmt`, which
    // writes one line per event, with its level and fields, to stdout.
    tracing_subscriber::fmt().with_target(false).init();
    tokio::join!(
        fetch("https://example.org/index.html", Duration::from_millis(300)),
        fetch("https://example.org/big.iso", Duration::from_millis(1800)),
        fetch("https://example.org/style.css", Duration::from_millis(700)),
    );
}
