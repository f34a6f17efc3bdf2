//! Grader for `worker_pool`: cooks sharing one queue work side by side, every job is done once,
//! jobs of equal length take `ceil(jobs / cooks)` rounds exactly, and a free cook takes the
//! next job at once.
//!
//! 7 to 13 jobs (never a multiple of the number of cooks) on 2 to 4 cooks, from the seeded
//! generator. For jobs of different lengths the grader makes sure that a pool where the free
//! cook takes the next job and a pool that deals jobs out in turn finish at different times.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/03_queues/03_worker_pool.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/03_queues/03_worker_pool.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::queues_support::{dealt_finish, pool_finish};
use learner::Job;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc};

fn main() {
    grade(&[
        test(
            "cooks_work_side_by_side",
            "cook tasks sharing one queue cook at the same time, each job once",
            side_by_side,
        ),
        test(
            "pool_takes_whole_rounds",
            "run_pool does equal jobs in ceil(jobs / cooks) rounds, each job once",
            whole_rounds,
        ),
        test(
            "free_cook_takes_next_job",
            "with jobs of different lengths, whichever cook is free takes the next job",
            free_cook_next,
        ),
    ]);
}

/// How long after even one cook would have done every job `run_pool` may still be running
/// before it counts as never returning (virtual time: it costs nothing).
const GRACE: Duration = Duration::from_secs(600);

/// A pool to run: the jobs and how many cooks.
struct Plan {
    jobs: Vec<Job>,
    cooks: usize,
}

impl Plan {
    fn times(&self) -> Vec<Duration> {
        self.jobs.iter().map(|j| j.time).collect()
    }

    fn ids(&self) -> Vec<u32> {
        self.jobs.iter().map(|j| j.id).collect()
    }
}

fn shape(rng: &mut Seeded) -> (usize, usize, Vec<u32>) {
    let cooks = rng.between(2, 4) as usize;
    let mut n = rng.between(7, 13) as usize;
    if n.is_multiple_of(cooks) {
        n += 1;
    }
    let mut ids: Vec<u32> = Vec::new();
    while ids.len() < n {
        let id = rng.between(100, 999) as u32;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    (cooks, n, ids)
}

/// Jobs all of one length.
fn equal_jobs(ctx: &Ctx) -> Plan {
    let mut rng = ctx.rng();
    let (cooks, _, ids) = shape(&mut rng);
    let time = Duration::from_millis(rng.between(100, 900));
    let jobs = ids.into_iter().map(|id| Job { id, time }).collect();
    Plan { jobs, cooks }
}

/// Jobs of different lengths, drawn until sharing the queue and dealing out in turn differ.
fn mixed_jobs(ctx: &Ctx) -> Plan {
    let mut rng = ctx.rng();
    loop {
        let (cooks, n, ids) = shape(&mut rng);
        let times = rng.distinct_durations(n, 100, 900);
        if pool_finish(&times, cooks) != dealt_finish(&times, cooks) {
            let jobs = ids
                .into_iter()
                .zip(times)
                .map(|(id, time)| Job { id, time })
                .collect();
            return Plan { jobs, cooks };
        }
    }
}

/// Every job done exactly once?
fn check_each_once(plan: &Plan, done: &[Vec<u32>]) -> Check {
    let all: Vec<u32> = done.iter().flatten().copied().collect();
    let want = plan.ids();
    let missing: Vec<u32> = want
        .iter()
        .copied()
        .filter(|id| !all.contains(id))
        .collect();
    let mut twice: Vec<u32> = want
        .iter()
        .copied()
        .filter(|id| all.iter().filter(|a| *a == id).count() > 1)
        .collect();
    twice.dedup();
    let strange: Vec<u32> = all
        .iter()
        .copied()
        .filter(|id| !want.contains(id))
        .collect();
    ensure!(
        missing.is_empty() && twice.is_empty() && strange.is_empty(),
        "every job should be done exactly once. The jobs were {want:?}; the cooks did {done:?}.{}{}{}",
        if missing.is_empty() {
            String::new()
        } else {
            format!(" Never done: {missing:?}.")
        },
        if twice.is_empty() {
            String::new()
        } else {
            format!(" Done more than once: {twice:?}.")
        },
        if strange.is_empty() {
            String::new()
        } else {
            format!(" Not jobs at all: {strange:?}.")
        }
    );
    Ok(())
}

/// The message for a pool that finished at the wrong time.
fn wrong_time(plan: &Plan, took: Duration, want: Duration) -> String {
    let times = plan.times();
    let one_by_one: Duration = times.iter().sum();
    let (n, cooks) = (plan.jobs.len(), plan.cooks);
    if took >= one_by_one {
        format!(
            "the cooks took turns: {n} jobs took {} of virtual time, the sum of their lengths, \
             as if there were one cook; {cooks} cooks sharing the queue take {}. A cook holds \
             the lock on the queue while it cooks, so the others wait for the lock instead of \
             taking the next job. In `while let Some(job) = orders.lock().await.recv().await \
             {{ .. }}` the MutexGuard is a temporary of the `while let` line, and a temporary \
             there lives until the end of the loop body. Take the job in a statement of its \
             own, `let next = orders.lock().await.recv().await;` (the guard dies at the `;`), \
             and cook after that.",
            ms(took),
            ms(want)
        )
    } else if took < want {
        format!(
            "the jobs were done in {} of virtual time, but {n} jobs {} on {cooks} cooks cannot \
             be done in less than {}: each job takes its full time, one job per cook at a \
             time. Sleep job.time for every job, in the cook that took it.",
            ms(took),
            show_durations(&times),
            ms(want)
        )
    } else {
        format!(
            "{n} jobs {} on {cooks} cooks took {} of virtual time; a pool where whoever is free \
             takes the next job takes {}. Start all {cooks} cooks at once, each taking jobs \
             from the one shared queue until it is closed and empty.",
            show_durations(&times),
            ms(took),
            ms(want)
        )
    }
}

fn side_by_side(ctx: &mut Ctx) -> Check {
    let plan = equal_jobs(ctx);
    let (jobs, cooks) = (plan.jobs.clone(), plan.cooks);
    let run = ctx.paused(|| async move {
        let (tx, rx) = mpsc::channel(jobs.len());
        let orders = Arc::new(Mutex::new(rx));
        let handles: Vec<_> = (0..cooks)
            .map(|_| tokio::spawn(learner::cook(orders.clone())))
            .collect();
        for job in jobs {
            tx.send(job).await.expect("the grader's queue has room");
        }
        drop(tx);
        let mut done = Vec::new();
        for h in handles {
            done.push(h.await.expect("a cook panicked"));
        }
        done
    })?;
    check_each_once(&plan, &run.value)?;
    let want = pool_finish(&plan.times(), plan.cooks);
    if run.virtual_elapsed != want {
        return Err(Fail::new(wrong_time(&plan, run.virtual_elapsed, want))
            .with_picture(run.timeline.draw()));
    }
    Ok(())
}

/// Runs the learner's run_pool and checks the common ground: one Vec per cook, each job once,
/// the finishing time, no task left.
fn check_pool(ctx: &mut Ctx, plan: &Plan, mixed: bool) -> Check {
    let (jobs, cooks) = (plan.jobs.clone(), plan.cooks);
    let one_cook: Duration = plan.times().iter().sum();
    let limit = one_cook + GRACE;
    let run = ctx.paused(|| async move {
        let outcome = tokio::time::timeout(limit, learner::run_pool(jobs, cooks)).await;
        // Counted before the dropped run_pool future lets any cook wake up.
        let alive = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        outcome.map_err(|_| alive)
    })?;
    let done = match &run.value {
        Ok(done) => done,
        Err(alive) => return Err(never_returned(plan, *alive).with_picture(run.timeline.draw())),
    };
    ensure!(
        done.len() == plan.cooks,
        "run_pool was asked for {} cooks and returned what {} cook(s) did: {done:?}. Start \
         exactly `cooks` cook tasks and return one Vec per cook.",
        plan.cooks,
        done.len()
    );
    check_each_once(plan, done)?;
    let want = pool_finish(&plan.times(), plan.cooks);
    let took = run.virtual_elapsed;
    if took != want {
        let dealt = dealt_finish(&plan.times(), plan.cooks);
        let message = if mixed && took == dealt {
            format!(
                "{} jobs {} on {} cooks took {}: the time it takes when the jobs are dealt \
                 out in turn before cooking starts (job 1 to cook 1, job 2 to cook 2, ...). \
                 Then a cook with short jobs sits idle while another still has a queue of its \
                 own. With one shared queue, whoever is free takes the next job, and the pool \
                 takes {}.",
                plan.jobs.len(),
                show_durations(&plan.times()),
                plan.cooks,
                ms(took),
                ms(want)
            )
        } else {
            wrong_time(plan, took, want)
        };
        return Err(Fail::new(message).with_picture(run.timeline.draw()));
    }
    ensure!(
        run.leaked_tasks == 0,
        "{} task(s) were still running when run_pool returned. Await every cook's JoinHandle \
         before returning.",
        run.leaked_tasks
    );
    Ok(())
}

/// The message for a run_pool that was still running `GRACE` after even one cook would have
/// done every job; `alive` is how many tasks were still alive then.
fn never_returned(plan: &Plan, alive: usize) -> Fail {
    let (n, cooks) = (plan.jobs.len(), plan.cooks);
    let want = pool_finish(&plan.times(), cooks);
    let one_cook: Duration = plan.times().iter().sum();
    if alive > 0 {
        Fail::new(format!(
            "run_pool never returned: {n} jobs {} on {cooks} cooks take {} (even one cook \
             would be done by {}), and {} after that run_pool was still waiting, with \
             {alive} cook task(s) alive, each idle in recv() with no job left to take. \
             recv() returns None only once the queue is empty and every Sender is dropped, \
             and run_pool still holds `tx`, so the cooks' recv() never returns None, the \
             cooks never end, and run_pool awaits them for ever. drop(tx) after sending the \
             last job (or let it go out of scope) before awaiting the cooks.",
            show_durations(&plan.times()),
            ms(want),
            ms(one_cook),
            ms(GRACE)
        ))
    } else {
        Fail::new(format!(
            "run_pool never returned: {n} jobs {} on {cooks} cooks take {} (even one cook \
             would be done by {}), and {} after that run_pool was still waiting, though no \
             cook task was running. Something in run_pool waits for something that never \
             comes: for instance `tx.send(job).await` on a queue that is full while no cook \
             has been started to empty it. Make the queue hold every job, or start the cooks \
             before sending.",
            show_durations(&plan.times()),
            ms(want),
            ms(one_cook),
            ms(GRACE)
        ))
    }
}

fn whole_rounds(ctx: &mut Ctx) -> Check {
    let plan = equal_jobs(ctx);
    check_pool(ctx, &plan, false)
}

fn free_cook_next(ctx: &mut Ctx) -> Check {
    let plan = mixed_jobs(ctx);
    check_pool(ctx, &plan, true)
}
