//! Helpers shared by the graders of the queues track: a guard against loops that spin on an
//! always-ready future, and the finishing time of a pool of workers that share one queue.
//!
//! A task that loops around something always ready (`try_send` retried with `yield_now`,
//! `recv()` polled again after it returned `None`) keeps the runtime busy, so the paused clock
//! can never jump ahead and the kit's one-hour deadlock limit is never reached. The stall
//! watchdog does not see it either: every single poll is short. [`spin_guard`] watches the run
//! from another thread and ends it with an explanation after [`SPIN_LIMIT`] of real time.

use crate::fmt::ms;
use crate::harness::Fail;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant as RealInstant};

/// How long a guarded run may take in real time. Correct code needs milliseconds at most: the
/// paused clock skips every sleep.
pub const SPIN_LIMIT: Duration = Duration::from_secs(2);

/// Wraps the future under test (inside `Ctx::paused`) so that, if the run is still going after
/// [`SPIN_LIMIT`] of real time, the test fails with a message about spinning loops and the
/// grader ends, as it does for a blocked thread.
pub fn spin_guard<F: Future>(inner: F) -> SpinGuard<F> {
    SpinGuard {
        inner: Box::pin(inner),
        watch: None,
    }
}

/// See [`spin_guard`].
pub struct SpinGuard<F: Future> {
    inner: Pin<Box<F>>,
    watch: Option<Watch>,
}

struct Watch {
    done: Arc<AtomicBool>,
    /// Virtual milliseconds since the first poll, as last seen by a poll of the guard.
    clock_ms: Arc<AtomicU64>,
    origin: tokio::time::Instant,
    thread: Option<JoinHandle<()>>,
}

impl Watch {
    fn start() -> Watch {
        let done = Arc::new(AtomicBool::new(false));
        let clock_ms = Arc::new(AtomicU64::new(0));
        let (flag, clock) = (done.clone(), clock_ms.clone());
        let started = RealInstant::now();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Acquire) {
                let waited = started.elapsed();
                if waited >= SPIN_LIMIT {
                    let at = Duration::from_millis(clock.load(Ordering::Relaxed));
                    crate::report::fail_current_and_exit(spinning(at), at, waited);
                }
                std::thread::park_timeout(Duration::from_millis(10).min(SPIN_LIMIT - waited));
            }
        });
        Watch {
            done,
            clock_ms,
            origin: tokio::time::Instant::now(),
            thread: Some(thread),
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

fn spinning(clock: Duration) -> Fail {
    Fail::new(format!(
        "the run was still going after {} of real time (its clock read {} when the grader \
         last looked), and on a paused clock, where every sleep is skipped, correct code \
         takes milliseconds. Some loop keeps polling a future that is always ready, so the runtime \
         is never idle and the clock cannot move on: recv() on a closed queue returns None at \
         once, every time (leave the loop when it does), and a try_send or try_recv retried \
         in a loop never waits (use send().await or recv().await, which do).",
        ms(SPIN_LIMIT),
        ms(clock)
    ))
}

impl<F: Future> Future for SpinGuard<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let watch = self.watch.get_or_insert_with(Watch::start);
        let clock = watch.origin.elapsed().as_millis() as u64;
        watch.clock_ms.store(clock, Ordering::Relaxed);
        let out = self.inner.as_mut().poll(cx);
        if out.is_ready() {
            self.watch = None;
        }
        out
    }
}

/// When a pool of `workers` that share one queue finishes `jobs` (each a duration, all queued
/// at the start): each job goes to whichever worker is free first, in queue order.
pub fn pool_finish(jobs: &[Duration], workers: usize) -> Duration {
    pool_finish_from(&vec![Duration::ZERO; jobs.len()], jobs, workers)
}

/// Like [`pool_finish`], for jobs put on the queue at the instants `arrivals` (in order): a job
/// starts when it has arrived and a worker is free, whichever comes last.
pub fn pool_finish_from(arrivals: &[Duration], jobs: &[Duration], workers: usize) -> Duration {
    assert!(workers > 0, "a pool needs a worker");
    assert_eq!(arrivals.len(), jobs.len(), "one arrival per job");
    let mut free = vec![Duration::ZERO; workers];
    for (&arrived, &job) in arrivals.iter().zip(jobs) {
        let first = (0..workers)
            .min_by_key(|&w| free[w])
            .expect("at least one worker");
        free[first] = free[first].max(arrived) + job;
    }
    free.into_iter().max().unwrap_or_default()
}

/// When the same jobs finish if they are dealt out in turn (job i to worker i % workers) before
/// any starts: what a pool that assigns jobs up front takes.
pub fn dealt_finish(jobs: &[Duration], workers: usize) -> Duration {
    assert!(workers > 0, "a pool needs a worker");
    let mut busy = vec![Duration::ZERO; workers];
    for (i, &job) in jobs.iter().enumerate() {
        busy[i % workers] += job;
    }
    busy.into_iter().max().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: &[u64]) -> Vec<Duration> {
        v.iter().copied().map(Duration::from_millis).collect()
    }

    #[test]
    fn a_free_worker_takes_the_next_job() {
        // Worker A takes the 5; worker B does the three 1s, then the 4 from 3 to 7.
        assert_eq!(
            pool_finish(&d(&[5, 1, 1, 1, 4]), 2),
            Duration::from_millis(7)
        );
        // Dealt out in turn: A gets 5, 1, 4 = 10.
        assert_eq!(
            dealt_finish(&d(&[5, 1, 1, 1, 4]), 2),
            Duration::from_millis(10)
        );
    }

    #[test]
    fn a_job_waits_for_its_arrival() {
        // A: 0-5; B: 0-1, idle, then the 2 arriving at 4 runs 4-6.
        let arrivals = d(&[0, 0, 4]);
        assert_eq!(
            pool_finish_from(&arrivals, &d(&[5, 1, 2]), 2),
            Duration::from_millis(6)
        );
    }

    #[test]
    fn equal_jobs_take_ceil_rounds() {
        assert_eq!(pool_finish(&d(&[3; 7]), 3), Duration::from_millis(9));
    }
}
