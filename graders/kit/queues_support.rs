//! Helpers shared by the graders of the queues track: when a pool of workers sharing one
//! queue finishes its jobs, and when it would finish if the jobs were dealt out in advance.

use std::time::Duration;

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
