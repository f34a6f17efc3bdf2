//! What the runtime saw while learner code ran: each spawned task's life on the clock, how many
//! were alive at once, and any poll that held the runtime thread too long in real time.
//!
//! Task rows and per-poll timing come from tokio's task hooks, which need `--cfg tokio_unstable`
//! (set in `.cargo/config.toml`). Without it the kit still times the learner's own future, so
//! blocking is caught either way; only the timeline picture goes missing.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Instant as RealInstant;
use tokio::time::Instant;

/// One spawned task as observed: where it was spawned, when it started and ended.
#[derive(Debug, Clone)]
pub struct TaskLife {
    /// Source location of the `spawn` call, as `file:line`.
    pub spawned_at: String,
    /// Runtime clock when spawned (virtual on a paused runtime).
    pub start: Instant,
    /// Runtime clock when it ended, `None` while still alive.
    pub end: Option<Instant>,
}

/// A poll that kept the runtime thread busy.
#[derive(Debug, Clone)]
pub struct Stall {
    /// Where the polled task was spawned, or `None` for the future under test itself.
    pub spawned_at: Option<String>,
    /// Real time the poll took (or has taken so far).
    pub real: std::time::Duration,
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) tasks: Vec<(u64, TaskLife)>,
    pub(crate) alive: usize,
    pub(crate) peak_alive: usize,
    /// The poll running right now: when it began and which task (None: the root future).
    pub(crate) polling: Option<(RealInstant, Option<u64>)>,
    pub(crate) longest: Option<Stall>,
}

/// Shared between the hooks, the root-future wrapper, the watchdog and the grader.
#[derive(Clone, Default)]
pub(crate) struct Observer(Arc<Mutex<State>>);

impl Observer {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn poll_started(&self, task: Option<u64>) {
        self.lock().polling = Some((RealInstant::now(), task));
    }

    fn poll_ended(&self) {
        let mut state = self.lock();
        if let Some((began, task)) = state.polling.take() {
            let real = began.elapsed();
            if state.longest.as_ref().is_none_or(|s| real > s.real) {
                let spawned_at = task.and_then(|id| state.location_of(id));
                state.longest = Some(Stall { spawned_at, real });
            }
        }
    }

    /// Adds the task hooks to a runtime builder, where tokio offers them.
    pub(crate) fn install(&self, builder: &mut tokio::runtime::Builder) {
        #[cfg(tokio_unstable)]
        {
            let on_spawn = self.clone();
            builder.on_task_spawn(move |meta| {
                let at = meta.spawned_at();
                let life = TaskLife {
                    spawned_at: format!("{}:{}", crate::fmt::clean_path(at.file()), at.line()),
                    start: Instant::now(),
                    end: None,
                };
                let mut state = on_spawn.lock();
                state.tasks.push((task_key(meta.id()), life));
                state.alive += 1;
                state.peak_alive = state.peak_alive.max(state.alive);
            });
            let on_end = self.clone();
            builder.on_task_terminate(move |meta| {
                let key = task_key(meta.id());
                let mut state = on_end.lock();
                // spawn_blocking work ends here too without having been seen to start: skip it.
                let found = state.tasks.iter_mut().rev().find(|(k, _)| *k == key);
                if let Some((_, life)) = found.filter(|(_, l)| l.end.is_none()) {
                    life.end = Some(Instant::now());
                    state.alive = state.alive.saturating_sub(1);
                }
            });
            let before = self.clone();
            builder.on_before_task_poll(move |meta| before.poll_started(Some(task_key(meta.id()))));
            let after = self.clone();
            builder.on_after_task_poll(move |_| after.poll_ended());
        }
        #[cfg(not(tokio_unstable))]
        let _ = builder;
    }

    /// Whether task-level observation (rows, per-task stalls) is available in this build.
    pub(crate) fn sees_tasks() -> bool {
        cfg!(tokio_unstable)
    }
}

impl State {
    fn location_of(&self, key: u64) -> Option<String> {
        self.tasks
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, l)| l.spawned_at.clone())
    }

    /// The poll in progress, if it has already taken longer than `limit`.
    pub(crate) fn stalled_for(&self, limit: std::time::Duration) -> Option<Stall> {
        let (began, task) = self.polling?;
        let real = began.elapsed();
        (real >= limit).then(|| Stall {
            spawned_at: task.and_then(|id| self.location_of(id)),
            real,
        })
    }
}

#[cfg(tokio_unstable)]
fn task_key(id: tokio::task::Id) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Wraps the future under test so its own polls are timed like a task's.
pub(crate) struct Watched<F: Future> {
    inner: Pin<Box<F>>,
    observer: Observer,
}

impl<F: Future> Watched<F> {
    pub(crate) fn new(inner: F, observer: Observer) -> Self {
        Watched {
            inner: Box::pin(inner),
            observer,
        }
    }
}

impl<F: Future> Future for Watched<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let observer = self.observer.clone();
        observer.poll_started(None);
        let out = self.inner.as_mut().poll(cx);
        observer.poll_ended();
        out
    }
}
