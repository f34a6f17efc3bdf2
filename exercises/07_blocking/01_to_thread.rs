//! # Step 1 — move blocking work off the runtime thread
//!
//! In Python you would write:
//!
//! ```python
//! def read_sensor():          # a synchronous library call: it blocks its thread
//!     time.sleep(0.2)
//!     return 21.5
//!
//! async def main():
//!     value = await asyncio.to_thread(read_sensor)   # not read_sensor()!
//! ```
//!
//! Write `to_thread`, tokio's version: run `f` somewhere it may block, wait for it without
//! blocking, and return what it returned.
//!
//! Calling `f()` inside async code runs it on the runtime's thread. While it works (a
//! `std::thread::sleep`, a blocking read, a long computation) that thread cannot poll anything
//! else: every other task and timer waits. `tokio::task::spawn_blocking(f)` hands `f` to a pool
//! of threads kept for blocking work and gives back a `JoinHandle`; awaiting it waits without
//! holding the runtime thread and gives `Ok(value)`, or `Err(JoinError)` if `f` panicked (pass
//! that panic on, as `to_thread` re-raises the exception: `.expect(..)` will do, or
//! `std::panic::resume_unwind(err.into_panic())` to keep its message).
//!
//! Why the bounds? `f` runs on another thread, maybe after the caller has moved on, so it must
//! own what it uses (`'static`) and be allowed to cross threads (`Send`); so must its result.
//!
//! The grader checks: `f`'s result comes back, `f` runs on a thread other than the runtime's,
//! and other tasks keep running while `f` works (its `f` waits for a message from one of them).
//!
//! Run the program yourself with `cargo run -p course --example to_thread`.

use std::time::Duration;

/// Runs the blocking function `f` on tokio's blocking pool and returns its result, without
/// blocking the runtime thread.
pub async fn to_thread<F, T>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // TODO: this calls `f` right here, on the runtime's thread: while it blocks, no other task
    // can run. Hand it to tokio::task::spawn_blocking and await the JoinHandle instead.
    f()
}

/// A synchronous "driver" call: it holds its thread for 200 ms.
fn read_sensor() -> f64 {
    std::thread::sleep(Duration::from_millis(200));
    21.5
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let ticker = tokio::spawn(async {
        for i in 1..=4 {
            println!("tick {i}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let value = to_thread(read_sensor).await;
    println!("sensor says {value}");
    ticker.await.expect("the ticker panicked");
}
