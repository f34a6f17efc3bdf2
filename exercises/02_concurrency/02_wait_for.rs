//! # Step 2 — wait_for: give up on a slow answer at a deadline
//!
//! In Python you would write:
//!
//! ```python
//! async def price_within(service, limit):
//!     return await asyncio.wait_for(service.fetch(), timeout=limit)  # raises TimeoutError
//!
//! async def price_or_cached(service, limit, cached):
//!     try:
//!         return await asyncio.wait_for(service.fetch(), timeout=limit)
//!     except TimeoutError:
//!         return cached
//! ```
//!
//! Tokio's `wait_for` is `tokio::time::timeout(limit, future)`. It is itself a future: awaited,
//! it gives `Ok(value)` if the inner future finished in time, or `Err(Elapsed)` the moment the
//! limit runs out, and then it **drops** the inner future, which is how a future is cancelled
//! in Rust: it is simply never polled again.
//!
//! Write both functions:
//!
//! - `price_within(service, limit)` returns `Ok(price)` if the service answers within `limit`,
//!   and `Err(Elapsed)` exactly when `limit` runs out otherwise;
//! - `price_or_cached(service, limit, cached)` returns the fresh price if it comes in time, and
//!   `cached` exactly when `limit` runs out otherwise.
//!
//! The code below asks the service and only then looks at the clock. The grader runs both
//! functions on tokio's paused clock with seeded latencies and limits (never equal) and
//! checks: a fast answer comes back as soon as it arrives, a slow one is given up on at the
//! exact virtual instant the limit runs out, the fallback is returned at that same instant,
//! and nothing is left running after giving up.
//!
//! Run the program yourself with `cargo run -p course --example wait_for`.

use std::time::Duration;
use tokio::time::error::Elapsed;

/// A remote price service that answers after `latency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    pub latency: Duration,
    pub price: u32,
}

impl Service {
    /// Asks the service for the price; the answer takes `latency` to arrive.
    pub async fn fetch(self) -> u32 {
        tokio::time::sleep(self.latency).await;
        self.price
    }
}

/// The price, if the service answers within `limit`; `Err(Elapsed)` at `limit` otherwise.
pub async fn price_within(service: Service, limit: Duration) -> Result<u32, Elapsed> {
    // TODO: this waits for as long as the service takes. Wrap the request in
    // tokio::time::timeout so it is abandoned when `limit` runs out.
    let _ = limit;
    Ok(service.fetch().await)
}

/// The fresh price, if the service answers within `limit`; `cached` at `limit` otherwise.
pub async fn price_or_cached(service: Service, limit: Duration, cached: u32) -> u32 {
    // TODO: by the time this checks the clock, it has already waited for the slow answer.
    let started = tokio::time::Instant::now();
    let fresh = service.fetch().await;
    if started.elapsed() > limit {
        cached
    } else {
        fresh
    }
}

#[tokio::main]
async fn main() {
    let limit = Duration::from_millis(500);
    for latency in [200, 2000] {
        let service = Service {
            latency: Duration::from_millis(latency),
            price: 120,
        };
        let started = tokio::time::Instant::now();
        let within = price_within(service, limit).await;
        println!(
            "service taking {latency} ms, limit {limit:?}: price_within gave {within:?} after {:?}",
            started.elapsed()
        );
        let started = tokio::time::Instant::now();
        let price = price_or_cached(service, limit, 99).await;
        println!(
            "service taking {latency} ms, limit {limit:?}: price_or_cached gave {price} after {:?}",
            started.elapsed()
        );
    }
}
