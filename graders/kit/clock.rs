//! Running learner futures: a fresh current-thread runtime per run, on the paused virtual clock
//! or the real one, with a deadlock limit, a stall watchdog and a record of what happened.

use crate::fmt::ms;
use crate::harness::Fail;
use crate::observe::{Observer, Stall, Watched};
use crate::report;
use crate::seed::Seeded;
use crate::timeline::Timeline;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant as RealInstant};

/// Yields after the future under test returns, before leaked tasks are counted.
const SETTLE_YIELDS: usize = 4;

/// What one run of learner code did.
#[derive(Debug)]
pub struct Run<T> {
    /// What the future returned.
    pub value: T,
    /// Time on the runtime's clock from start to finish (virtual on a paused runtime).
    pub virtual_elapsed: Duration,
    /// Time on the wall clock from start to finish.
    pub real_elapsed: Duration,
    /// Each task spawned during the run, as a row on the runtime's clock.
    pub timeline: Timeline,
    /// The most spawned tasks alive at the same moment.
    pub peak_tasks: usize,
    /// Spawned tasks still alive when the future under test returned.
    pub leaked_tasks: usize,
    /// The longest single poll, in real time.
    pub longest_poll: Option<Stall>,
}

/// A grader test's handle on the world: the seed, and runtimes to run learner code on.
pub struct Ctx {
    seed: u64,
    test: &'static str,
    virtual_total: Duration,
    /// How long the paused clock may run before a future counts as never finishing.
    pub deadlock_after: Duration,
    /// How long one poll may hold the runtime thread, in real time, before it counts as
    /// blocking. Graders raise it with the work they ask for (see [`Ctx::scale_stall_limit`]).
    pub stall_limit: Duration,
    /// How long a run on the paused clock may take in real time before it counts as spinning
    /// (always ready, so the clock never moves).
    pub spin_limit: Duration,
}

impl Ctx {
    pub(crate) fn new(seed: u64, test: &'static str) -> Ctx {
        Ctx {
            seed,
            test,
            virtual_total: Duration::ZERO,
            deadlock_after: Duration::from_secs(3600),
            stall_limit: Duration::from_millis(250),
            spin_limit: Duration::from_secs(2),
        }
    }

    /// The run's seed: printed in every report so a verdict can be reproduced.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A value-stable generator for this test, derived from the seed and the test's name.
    pub fn rng(&self) -> Seeded {
        Seeded::new(self.seed).fork(self.test)
    }

    /// Allows a single poll up to `fraction` of `work` (at least the default 250 ms): a step
    /// whose learner code legitimately sleeps long can only be said to block beyond that.
    pub fn scale_stall_limit(&mut self, work: Duration, fraction: f64) {
        self.stall_limit = self.stall_limit.max(work.mul_f64(fraction));
    }

    /// Virtual time simulated by all runs of this test so far.
    pub fn virtual_total(&self) -> Duration {
        self.virtual_total
    }

    /// Runs `make()`'s future on a fresh runtime whose clock is paused: time jumps straight to
    /// the next timer whenever every task waits, so sleeps cost no real time.
    pub fn paused<F: Future>(&mut self, make: impl FnOnce() -> F) -> Result<Run<F::Output>, Fail> {
        let limit = self.deadlock_after;
        self.run(true, make, limit)
    }

    /// Runs on a runtime with the real clock (sockets, processes, `spawn_blocking`), failing if
    /// it takes longer than `limit` of real time.
    pub fn real<F: Future>(
        &mut self,
        limit: Duration,
        make: impl FnOnce() -> F,
    ) -> Result<Run<F::Output>, Fail> {
        self.run(false, make, limit)
    }

    fn run<F: Future>(
        &mut self,
        paused: bool,
        make: impl FnOnce() -> F,
        limit: Duration,
    ) -> Result<Run<F::Output>, Fail> {
        let observer = Observer::default();
        let mut builder = tokio::runtime::Builder::new_current_thread();
        builder.enable_all().start_paused(paused);
        observer.install(&mut builder);
        let rt = builder
            .build()
            .map_err(|e| Fail::new(format!("failed to start a runtime: {e}")))?;
        // On the paused clock correct code finishes in milliseconds of real time; seconds mean
        // the clock never got to move because some task is always ready to run.
        let spin_limit = paused.then_some(self.spin_limit);
        let watchdog = Watchdog::start(observer.clone(), self.stall_limit, spin_limit);
        let real_start = RealInstant::now();
        let outcome = rt.block_on(async {
            let start = tokio::time::Instant::now();
            let fut = Watched::new(make(), observer.clone());
            let result = tokio::time::timeout(limit, fut).await;
            let end = tokio::time::Instant::now();
            // A task aborted just before the function returned ends the next time the runtime
            // polls it; let that happen (yielding moves no clock) so it is not counted as
            // leaked. A task that is merely sleeping stays alive and is counted.
            for _ in 0..SETTLE_YIELDS {
                tokio::task::yield_now().await;
            }
            (start, end, result)
        });
        let real_elapsed = real_start.elapsed();
        let (start, end, result) = outcome;
        let virtual_elapsed = end - start;
        self.virtual_total += virtual_elapsed;
        // Read what was observed before shutting the runtime down: shutdown ends every task
        // that is still alive, which would hide the leaked ones.
        let (timeline, leaked_tasks, peak_tasks, longest_poll) = {
            let state = observer.lock();
            let timeline =
                Timeline::from_observed(start, end, &state.tasks, Observer::sees_tasks());
            let leaked = state.tasks.iter().filter(|(_, t)| t.end.is_none()).count();
            (timeline, leaked, state.peak_alive, state.longest.clone())
        };
        rt.shutdown_timeout(Duration::from_millis(500));
        watchdog.stop();
        if let Some(stall) = longest_poll.as_ref().filter(|s| s.real >= self.stall_limit) {
            return Err(blocking_failure(stall, self.stall_limit).with_picture(timeline.draw()));
        }
        let Ok(value) = result else {
            return Err(never_finished(paused, limit).with_picture(timeline.draw()));
        };
        Ok(Run {
            value,
            virtual_elapsed,
            real_elapsed,
            leaked_tasks,
            peak_tasks,
            timeline,
            longest_poll,
        })
    }
}

fn never_finished(paused: bool, limit: Duration) -> Fail {
    if paused {
        Fail::new(format!(
            "it never finished: the grader waited {} of virtual time and it was still waiting. \
             Something awaits a value that never comes: a channel nobody sends on or nobody \
             closes, a lock that is never released, a task that is never started.",
            ms(limit)
        ))
    } else {
        Fail::new(format!(
            "it did not finish within {} of real time. Look for an await that waits on \
             something that never happens, or a loop that never ends.",
            ms(limit)
        ))
    }
}

/// The seed lesson's warning, made concrete: synchronous work inside async code stops the loop.
pub(crate) fn blocking_failure(stall: &Stall, limit: Duration) -> Fail {
    let who = match &stall.spawned_at {
        Some(at) => format!("the task spawned at {at}"),
        None => "the function under test".to_owned(),
    };
    Fail::new(format!(
        "the runtime thread was blocked: {who} kept it for {} of real time in one go without \
         reaching an .await (the limit is {}). Meanwhile no other task could run and the clock \
         could not move. As the lesson's hello world warns, a synchronous call inside async code \
         (std::thread::sleep, a blocking read, a long loop, even printing megabytes) blocks the \
         event loop and loses the benefit of running concurrently; use \
         tokio::time::sleep(..).await, the async version of the call, or \
         tokio::task::spawn_blocking for heavy work.",
        ms(stall.real),
        ms(limit)
    ))
}

fn spinning_failure(spin: Duration) -> Fail {
    Fail::new(format!(
        "it was still running after {} of real time, yet tokio's paused clock never got to move: \
         some task is always ready to run, so the runtime is never idle. Look for a loop whose \
         .await is always ready at once: recv() on a closed channel returning None over and \
         over, try_recv() or yield_now() in a loop, or a spawn_blocking job that never ends \
         (while one runs, the paused clock stands still).",
        ms(spin)
    ))
}

/// A thread that ends the grader if a poll never gives the runtime thread back, or if a run
/// on the paused clock spins without the clock moving.
struct Watchdog {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(observer: Observer, limit: Duration, spin_limit: Option<Duration>) -> Watchdog {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let started = RealInstant::now();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
                let stalled = observer.lock().stalled_for(limit);
                if let Some(stall) = stalled {
                    // The runtime thread is stuck inside learner code: nothing will return to
                    // the harness, so report from here and end the program.
                    let fail = blocking_failure(&stall, limit);
                    report::fail_current_and_exit(fail, Duration::ZERO, started.elapsed());
                }
                if let Some(spin) = spin_limit.filter(|s| started.elapsed() >= *s) {
                    report::fail_current_and_exit(
                        spinning_failure(spin),
                        Duration::ZERO,
                        started.elapsed(),
                    );
                }
            }
        });
        Watchdog {
            stop,
            thread: Some(thread),
        }
    }

    fn stop(self) {
        drop(self);
    }
}

/// Also on unwinding: a panic in learner code must not leave a watchdog behind that later
/// mistakes the abandoned poll for a blocked thread.
impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_aborted_on_return_is_not_leaked_but_a_sleeping_one_is() {
        let mut ctx = Ctx::new(1, "leaks");
        let run = ctx
            .paused(|| async {
                let aborted = tokio::spawn(tokio::time::sleep(Duration::from_secs(5)));
                tokio::spawn(tokio::time::sleep(Duration::from_secs(5)));
                aborted.abort();
            })
            .unwrap();
        assert_eq!(run.leaked_tasks, 1);
        assert_eq!(run.virtual_elapsed, Duration::ZERO);
    }

    #[test]
    fn a_deadlock_fails_at_once_in_virtual_time() {
        let mut ctx = Ctx::new(1, "deadlock");
        let fail = ctx.paused(std::future::pending::<()>).unwrap_err();
        assert!(
            fail.message.starts_with("it never finished"),
            "{}",
            fail.message
        );
        assert_eq!(ctx.virtual_total(), Duration::from_secs(3600));
    }
}
