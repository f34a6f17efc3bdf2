//! Grader for `queue_join`: `Kitchen::close` returns exactly when the last order is cooked,
//! with every order, and leaves no cook task running.
//!
//! 6 to 12 orders of 100 to 900 ms on 2 or 3 cooks, from the seeded generator; the expected
//! closing time is that of a pool where whoever is free takes the next order.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/03_queues/04_queue_join.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/03_queues/04_queue_join.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::queues_support::pool_finish_from;
use learner::{Job, Kitchen};

fn main() {
    grade(&[
        test(
            "close_waits_for_every_order",
            "close returns with every order cooked, the moment the last one is done",
            every_order,
        ),
        test(
            "orders_through_the_evening",
            "orders placed over time, close called while some still cook: all done, on time",
            through_the_evening,
        ),
        test(
            "cooks_go_home",
            "no task is left alive after close, with or without orders",
            cooks_go_home,
        ),
    ]);
}

/// How long after the last order should be done `close` may still be waiting before it counts
/// as never returning (virtual time: it costs nothing).
const GRACE: Duration = Duration::from_secs(600);

/// One evening: the orders, when each is placed, when close is called, how many cooks.
struct Evening {
    jobs: Vec<Job>,
    /// Wait before placing each order, after the previous one.
    gaps: Vec<Duration>,
    /// Wait after the last order before calling close.
    then_close: Duration,
    cooks: usize,
}

impl Evening {
    fn draw(rng: &mut Seeded, spread: bool) -> Evening {
        let cooks = rng.between(2, 3) as usize;
        let n = rng.between(6, 12) as usize;
        let mut ids: Vec<u32> = Vec::new();
        while ids.len() < n {
            let id = rng.between(100, 999) as u32;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let times = rng.distinct_durations(n, 100, 900);
        let jobs = ids
            .into_iter()
            .zip(times)
            .map(|(id, time)| Job { id, time })
            .collect();
        let mut wait =
            |max: u64| Duration::from_millis(if spread { rng.between(0, max) } else { 0 });
        let gaps = (0..n).map(|_| wait(400)).collect();
        let then_close = wait(200);
        Evening {
            jobs,
            gaps,
            then_close,
            cooks,
        }
    }

    fn ids(&self) -> Vec<u32> {
        self.jobs.iter().map(|j| j.id).collect()
    }

    fn times(&self) -> Vec<Duration> {
        self.jobs.iter().map(|j| j.time).collect()
    }

    fn arrivals(&self) -> Vec<Duration> {
        self.gaps
            .iter()
            .scan(Duration::ZERO, |at, gap| {
                *at += *gap;
                Some(*at)
            })
            .collect()
    }

    fn close_called_at(&self) -> Duration {
        self.gaps.iter().sum::<Duration>() + self.then_close
    }

    /// When close should return: the last order done, or close's own call if that is later.
    fn closes_at(&self) -> Duration {
        pool_finish_from(&self.arrivals(), &self.times(), self.cooks).max(self.close_called_at())
    }
}

/// What one evening did: close's answer, when it returned, and tasks alive right after.
struct Closed {
    ids: Vec<u32>,
    at: Duration,
    alive_after: usize,
}

/// Opens the kitchen, places the orders as planned, closes it; fails if close never returns.
fn run_evening(ctx: &mut Ctx, evening: &Evening) -> Result<(Closed, Run<()>), Fail> {
    let (jobs, gaps, then_close, cooks) = (
        evening.jobs.clone(),
        evening.gaps.clone(),
        evening.then_close,
        evening.cooks,
    );
    let limit = evening.closes_at() + GRACE;
    let run = ctx.paused(|| async move {
        let start = tokio::time::Instant::now();
        let kitchen = Kitchen::open(cooks);
        for (job, gap) in jobs.into_iter().zip(gaps) {
            tokio::time::sleep(gap).await;
            kitchen.order(job).await;
        }
        tokio::time::sleep(then_close).await;
        let ids = tokio::time::timeout_at(start + limit, kitchen.close()).await;
        let metrics = tokio::runtime::Handle::current().metrics();
        ids.map(|ids| Closed {
            ids,
            at: start.elapsed(),
            alive_after: metrics.num_alive_tasks(),
        })
    })?;
    let Run {
        value,
        virtual_elapsed,
        real_elapsed,
        timeline,
        peak_tasks,
        leaked_tasks,
        longest_poll,
    } = run;
    let picture = timeline.draw();
    let Ok(closed) = value else {
        let by = if evening.jobs.is_empty() {
            format!(
                "the kitchen got no orders, so close should have returned at once, at {}",
                ms(evening.closes_at())
            )
        } else {
            format!(
                "every order should have been cooked by {}",
                ms(evening.closes_at())
            )
        };
        return Err(Fail::new(format!(
            "close never returned: {by}, and {} later close was still waiting. The cooks were waiting too, for more orders: recv() \
             returns None only once every Sender is dropped, and the kitchen's own Sender, \
             `self.orders`, lives as long as `self` does, that is until close returns. Drop it \
             first, `drop(self.orders);`, then await the cooks.",
            ms(GRACE)
        ))
        .with_picture(picture));
    };
    let rest = Run {
        value: (),
        virtual_elapsed,
        real_elapsed,
        timeline,
        peak_tasks,
        leaked_tasks,
        longest_poll,
    };
    Ok((closed, rest))
}

/// close's answer and timing, against the evening's plan.
fn check_closed(evening: &Evening, closed: &Closed, picture: String) -> Check {
    let want = evening.ids();
    let expected = evening.closes_at();
    let lost: Vec<u32> = want
        .iter()
        .copied()
        .filter(|id| !closed.ids.contains(id))
        .collect();
    if !lost.is_empty() {
        return Err(Fail::new(format!(
            "close returned at {} with {} of the {} orders cooked; {:?} were lost. The last \
             order is done only at {}. An empty queue does not mean the work is done: the \
             last orders have been taken off it and are still cooking, which is why asyncio \
             has task_done() and join(). And abort(), asyncio's cancel(), stops a cook \
             wherever it is, even halfway through an order, and what it would have returned \
             is lost with it. A tokio queue can be closed instead: drop the Sender, and each \
             cook finishes what is on the queue, gets None from recv(), and returns what it \
             cooked. Await each JoinHandle to collect it.",
            ms(closed.at),
            want.len() - lost.len(),
            want.len(),
            lost,
            ms(expected)
        ))
        .with_picture(picture));
    }
    let mut sorted = closed.ids.clone();
    sorted.sort_unstable();
    let mut want_sorted = want.clone();
    want_sorted.sort_unstable();
    ensure!(
        sorted == want_sorted,
        "the orders were {want:?}, and close returned {:?}: return each order's id once.",
        closed.ids
    );
    if closed.at != expected && evening.jobs.is_empty() {
        fail!(
            "the kitchen got no orders, so close should have returned at once, at {}, but it \
             returned at {}. Await the cooks' JoinHandles instead of sleeping or polling: with \
             the queue closed, idle cooks return at once.",
            ms(expected),
            ms(closed.at)
        );
    }
    if closed.at != expected {
        let why = if closed.at > expected {
            format!(
                "every order was cooked by {}, but close returned only at {}. Return the \
                 moment the last cook is done: await the cooks' JoinHandles instead of \
                 sleeping or polling.",
                ms(expected),
                ms(closed.at)
            )
        } else {
            format!(
                "close returned at {}, before the last order could be done, at {}.",
                ms(closed.at),
                ms(expected)
            )
        };
        return Err(Fail::new(format!(
            "{why} The orders {}, on {} cooks, placed at {}, close called at {}.",
            show_durations(&evening.times()),
            evening.cooks,
            show_durations(&evening.arrivals()),
            ms(evening.close_called_at())
        ))
        .with_picture(picture));
    }
    Ok(())
}

fn every_order(ctx: &mut Ctx) -> Check {
    let evening = Evening::draw(&mut ctx.rng(), false);
    let (closed, run) = run_evening(ctx, &evening)?;
    check_closed(&evening, &closed, run.timeline.draw())
}

fn through_the_evening(ctx: &mut Ctx) -> Check {
    let evening = Evening::draw(&mut ctx.rng(), true);
    let (closed, run) = run_evening(ctx, &evening)?;
    check_closed(&evening, &closed, run.timeline.draw())
}

fn cooks_go_home(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let mut quiet = Evening::draw(&mut rng, false);
    quiet.jobs.clear();
    quiet.gaps.clear();
    let busy = Evening::draw(&mut rng, true);
    for (evening, which) in [
        (quiet, "with no orders at all"),
        (busy, "after a busy evening"),
    ] {
        let (closed, run) = run_evening(ctx, &evening)?;
        check_closed(&evening, &closed, run.timeline.draw())?;
        let left = closed.alive_after.max(run.leaked_tasks);
        if left > 0 {
            return Err(Fail::new(format!(
                "{left} task(s) were still alive when close returned, {which} ({} cooks). \
                 Every cook must be gone when close returns: close the queue so the cooks \
                 leave their loop, and await every JoinHandle (an aborted task, too, is only \
                 gone once its handle has been awaited).",
                evening.cooks
            ))
            .with_picture(run.timeline.draw()));
        }
    }
    Ok(())
}
