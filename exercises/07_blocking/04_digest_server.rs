//! # Step 4 — the challenge: digest on the blocking pool, keep answering
//!
//! In Python you would write:
//!
//! ```python
//! async def digest_all(digest, inputs, limit, status):
//!     pool = concurrent.futures.ThreadPoolExecutor(max_workers=limit)
//!     loop, done = asyncio.get_running_loop(), 0
//!     async def one(data):
//!         nonlocal done
//!         d = await loop.run_in_executor(pool, digest, data)
//!         done += 1
//!         return d
//!     batch = asyncio.ensure_future(asyncio.gather(*(one(d) for d in inputs)))
//!     while not batch.done():                      # keep answering while the batch runs
//!         ask = asyncio.ensure_future(status.get())
//!         await asyncio.wait({batch, ask}, return_when=asyncio.FIRST_COMPLETED)
//!         if ask.done():
//!             ask.result().set_result(done)         # "how many are done?"
//!         else:
//!             ask.cancel()
//!     return batch.result()
//! ```
//!
//! Write `digest_all`: compute `digest(input)` for every input on the blocking pool, **at most
//! `limit` at a time**, and return the digests **in the order of `inputs`**. Meanwhile keep
//! answering the status requests that arrive on `status`: each is a `oneshot::Sender<usize>`
//! on which you send how many digests have finished so far. Return as soon as the last digest
//! is in: the status channel may well stay open after that.
//!
//! The pieces are those of this track: `spawn_blocking`, a `Semaphore` of `limit` permits moved
//! into each job, `JoinHandle`s awaited in order. The new part is doing two things at once:
//! while the batch waits for permits and results, status requests must still be answered, or a
//! digest that waits for an answer holds its permit forever. One way: run the batch in its
//! own task (`tokio::spawn`) and `tokio::select!` in a loop over that task's `JoinHandle` and
//! `status.recv()`. Count finished digests with an `Arc<AtomicUsize>`, incremented inside each
//! job after `digest` returns.
//!
//! The grader's `digest` blocks for real (its threads sleep, wait, or ask for the status
//! themselves), so it runs on the real clock, and checks: the runtime thread is never held,
//! every status request is answered while digests run (with a count that is never ahead of
//! the digests that have really finished), the results come back in order, and exactly
//! `limit` digests run at once when there is work for that many.
//!
//! Run the program yourself with `cargo run -p course --example digest_server`.

use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// A status request: send back how many digests have finished so far.
pub type StatusRequest = oneshot::Sender<usize>;

/// Digests every input on the blocking pool, at most `limit` at a time, answering status
/// requests meanwhile; returns the digests in the order of `inputs`.
pub async fn digest_all<D>(
    digest: D,
    inputs: Vec<Vec<u8>>,
    limit: usize,
    mut status: mpsc::Receiver<StatusRequest>,
) -> Vec<u64>
where
    D: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    // TODO: run the batch (a Semaphore of `limit` permits, one spawn_blocking job per input,
    // JoinHandles awaited in order) in its own task, counting finished digests.
    // TODO: until the batch is done, answer every status request with that count.
    let _ = (digest, inputs, limit, &mut status);
    todo!("digest on the blocking pool while answering status requests")
}

/// A slow digest: FNV-1a, after 200 ms of pretending to be much more work.
fn slow_digest(data: &[u8]) -> u64 {
    std::thread::sleep(Duration::from_millis(200));
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h: u64, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[tokio::main]
async fn main() {
    let inputs: Vec<Vec<u8>> = (1..=6).map(|i| vec![i; 1000 * i as usize]).collect();
    let (ask, status) = mpsc::channel(8);
    let asker = tokio::spawn(async move {
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            let (reply, answer) = oneshot::channel();
            if ask.send(reply).await.is_err() {
                break;
            }
            match answer.await {
                Ok(done) => println!("status: {done} of 6 done"),
                Err(_) => break,
            }
        }
    });
    let digests = digest_all(slow_digest, inputs, 2, status).await;
    println!("{digests:x?}");
    asker.abort();
}
