//! Probes for the blocking track: blocking jobs that count how many of them run at once, a gate
//! that makes "too many at once" certain to be seen, and a chain that makes jobs finish last to
//! first.
//!
//! All waits here are real-time waits on blocking threads, each with a deadline, so a wrong
//! solution ends in a clear verdict instead of a hang.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

#[derive(Default)]
struct GaugeState {
    running: usize,
    peak: usize,
    open: bool,
    /// When the first job arrived: the gate's deadline counts from here.
    first: Option<Instant>,
}

/// Counts the jobs running at once. Jobs wait at a gate until `target` of them run together,
/// or until `hold` has passed since the first one arrived; after that the gate stays open.
///
/// With `target` one more than the allowed number, code that runs too many at once is certain
/// to be caught (they all wait at the gate, so they all overlap), while correct code only waits
/// `hold`, once, because no more than the allowed number can ever arrive.
#[derive(Clone)]
pub struct Gauge {
    state: Arc<(Mutex<GaugeState>, Condvar)>,
    target: usize,
    hold: Duration,
}

impl Gauge {
    /// A gate that opens when `target` jobs run at once, or `hold` after the first arrives.
    pub fn new(target: usize, hold: Duration) -> Gauge {
        Gauge {
            state: Arc::default(),
            target,
            hold,
        }
    }

    fn lock(&self) -> MutexGuard<'_, GaugeState> {
        self.state.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Call at the start of a job: counts it, then waits at the gate.
    pub fn enter(&self) {
        let (_, cvar) = &*self.state;
        let mut s = self.lock();
        s.running += 1;
        s.peak = s.peak.max(s.running);
        let first = *s.first.get_or_insert_with(Instant::now);
        if s.running >= self.target {
            s.open = true;
            cvar.notify_all();
        }
        let deadline = first + self.hold;
        while !s.open {
            let now = Instant::now();
            if now >= deadline {
                s.open = true;
                cvar.notify_all();
                break;
            }
            s = cvar
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Call at the end of a job.
    pub fn leave(&self) {
        let mut s = self.lock();
        s.running = s.running.saturating_sub(1);
    }

    /// The most jobs that ran at once.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }
}

/// Which jobs of a [`Chain`] are done, and when the first one started.
struct ChainState {
    done: Vec<bool>,
    first: Option<Instant>,
}

/// Makes jobs finish last to first: job `k` waits until job `k + 1` is done, then a little
/// longer, so that results collected as they finish come out backwards. Every wait ends at a
/// shared deadline, so jobs run one at a time (which never needs the chain) still end.
#[derive(Clone)]
pub struct Chain {
    state: Arc<(Mutex<ChainState>, Condvar)>,
    deadline: Duration,
}

impl Chain {
    /// A chain of `n` jobs whose waits all end `deadline` after the first job starts.
    pub fn new(n: usize, deadline: Duration) -> Chain {
        Chain {
            state: Arc::new((
                Mutex::new(ChainState {
                    done: vec![false; n],
                    first: None,
                }),
                Condvar::new(),
            )),
            deadline,
        }
    }

    /// Call at the start of job `k`: waits for job `k + 1` to be done (if there is one).
    pub fn wait_for_next(&self, k: usize) {
        let (lock, cvar) = &*self.state;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        let end = *s.first.get_or_insert_with(Instant::now) + self.deadline;
        let has_next = k + 1 < s.done.len();
        while has_next && !s.done[k + 1] {
            let now = Instant::now();
            if now >= end {
                break;
            }
            s = cvar
                .wait_timeout(s, end - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        drop(s);
        if has_next {
            // Give job k + 1 time to hand its result over before this one does.
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Call at the end of job `k`.
    pub fn done(&self, k: usize) {
        let (lock, cvar) = &*self.state;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(flag) = s.done.get_mut(k) {
            *flag = true;
        }
        cvar.notify_all();
    }
}

/// A stand-in for real work: FNV-1a over the bytes, a digest anyone can recompute.
pub fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}
