//! # Step 2 — what blocking does to everyone else
//!
//! In Python you would write:
//!
//! ```python
//! async def heartbeat(period, beat):
//!     while True:
//!         beat()
//!         await asyncio.sleep(period)
//!
//! async def with_heartbeat(period, beat, work):
//!     hb = asyncio.create_task(heartbeat(period, beat))
//!     try:
//!         return await asyncio.to_thread(work)      # work() here would freeze the heartbeat
//!     finally:
//!         hb.cancel()
//! ```
//!
//! Write `with_heartbeat`: while the blocking function `work` runs, a heartbeat task calls
//! `beat()` every `period`; when `work` is done, stop the heartbeat and return `work`'s result.
//!
//! The heartbeat task below is fine, and so is stopping it with `abort()`. The trouble is the
//! call to `work()`: it runs on the runtime's thread, and a spawned task only runs when that
//! thread is free, so the heartbeat does not beat once until `work` returns. A server that
//! answered pings this way would look dead for as long as each heavy request lasts. Move
//! `work` to the blocking pool (`tokio::task::spawn_blocking`) and await its `JoinHandle`.
//!
//! The grader runs this on the real clock (the paused clock does not advance while blocking
//! work runs) and checks: the heartbeat beats while `work` runs (the grader's `work` waits for
//! three beats, and gives up after 1.5 s), `work`'s result comes back, the heartbeat keeps to
//! its period instead of spinning, and no heartbeat task is left once `with_heartbeat` returns.
//!
//! Run the program yourself with `cargo run -p course --example heartbeat`.

use std::time::Duration;

/// Runs `work` on the blocking pool while a heartbeat task calls `beat` every `period`; stops
/// the heartbeat once `work` is done and returns its result.
pub async fn with_heartbeat<T, B, W>(period: Duration, mut beat: B, work: W) -> T
where
    T: Send + 'static,
    B: FnMut() + Send + 'static,
    W: FnOnce() -> T + Send + 'static,
{
    let heartbeat = tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        loop {
            ticks.tick().await;
            beat();
        }
    });
    let result = tokio::task::spawn_blocking(work).await;
    heartbeat.abort();
    result.expect("the work panicked")
}

/// Heavy work from a synchronous library: it holds its thread for 300 ms.
fn crunch() -> u64 {
    std::thread::sleep(Duration::from_millis(300));
    (1..=20u64).product()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = std::time::Instant::now();
    let beat = move || println!("  ♥ {:>4} ms", started.elapsed().as_millis());
    let result = with_heartbeat(Duration::from_millis(50), beat, crunch).await;
    println!("crunched {result} in {:?}", started.elapsed());
}
