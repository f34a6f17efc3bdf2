//! Grader for `queue_pipeline`: the kitchen line serves every order in the order given, takes
//! exactly the time a line of bounded queues takes on the paused clock, and leaves no task
//! behind.
//!
//! 10 to 14 orders with prep times of 10 to 150 ms and cook times of 200 to 700 ms, 2 or 3
//! cooks, room for 1 to 3 orders, from the seeded generator: the prep station is faster than
//! the cooks, so it runs into a full queue. The inputs are drawn until the size of the queue
//! shows in when the station is done (with an unbounded `prepped` queue, or with room for one
//! more order, it would finish at a different time) and some order is cooked before one given
//! earlier (so dishes reach the pass out of order).
//!
//! The total time hardly depends on the size of the queue (the cooks are the bottleneck
//! either way), so the bound is checked on the prep station's task: the timeline shows when
//! each task ended (the grader spawns none of its own), and the station is the task spawned
//! alone at its line of code. A station run inside `run_line` itself cannot be seen, and
//! passes that check.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/03_queues/05_pipeline.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/03_queues/05_pipeline.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use learner::Order;

fn main() {
    grade(&[
        test(
            "served_in_order",
            "run_line returns every id once, in the order the orders were given",
            served_in_order,
        ),
        test(
            "line_takes_exact_time",
            "the line takes exactly as long as stages joined by bounded queues take",
            exact_time,
        ),
        test(
            "prep_station_waits_for_room",
            "the prep station's task ends when a station that waits for room would",
            station_waits,
        ),
        test(
            "room_for_one",
            "with room for a single order on each queue: in order, on time, waiting for room",
            room_for_one,
        ),
        test(
            "nothing_left_running",
            "no task is alive when run_line returns",
            nothing_left,
        ),
    ]);
}

/// How long past the expected end `run_line` may still be running before it counts as never
/// returning (virtual time: it costs nothing).
const GRACE: Duration = Duration::from_secs(600);

/// One evening on the line.
struct Line {
    orders: Vec<Order>,
    cooks: usize,
    room: usize,
}

impl Line {
    fn draw(ctx: &Ctx, room: Option<usize>) -> Line {
        let mut rng = ctx.rng();
        loop {
            let cooks = rng.between(2, 3) as usize;
            let room = room.unwrap_or_else(|| rng.between(1, 3) as usize);
            let n = rng.between(10, 14) as usize;
            let mut ids: Vec<u32> = Vec::new();
            while ids.len() < n {
                let id = rng.between(100, 999) as u32;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let orders = ids
                .into_iter()
                .map(|id| Order {
                    id,
                    prep: Duration::from_millis(rng.between(10, 150)),
                    cook: Duration::from_millis(rng.between(200, 700)),
                })
                .collect();
            let line = Line {
                orders,
                cooks,
                room,
            };
            let done = line.station_done(Some(room));
            if done != line.station_done(None)
                && done != line.station_done(Some(room + 1))
                && line.overtakes()
            {
                return line;
            }
        }
    }

    fn ids(&self) -> Vec<u32> {
        self.orders.iter().map(|o| o.id).collect()
    }

    fn preps(&self) -> Vec<Duration> {
        self.orders.iter().map(|o| o.prep).collect()
    }

    fn cook_times(&self) -> Vec<Duration> {
        self.orders.iter().map(|o| o.cook).collect()
    }

    /// When the line finishes with room for `room` orders on `prepped` (`None`: unbounded)
    /// and `cooks` cooks.
    fn finish(&self, room: Option<usize>, cooks: usize) -> Duration {
        self.schedule(room, cooks).1
    }

    /// When the prep station puts its last order on the queue (and its task ends), with room
    /// for `room` orders on `prepped`.
    fn station_done(&self, room: Option<usize>) -> Duration {
        self.schedule(room, self.cooks).0
    }

    /// (station done, line done). The station puts order i on the queue once it is prepped
    /// and the queue has room (order i - room has been taken); a cook takes it once it is
    /// there and a cook is free. The pass takes dishes at once, so `plated` holds nobody up.
    fn schedule(&self, room: Option<usize>, cooks: usize) -> (Duration, Duration) {
        let (put, cooked) = self.timings(room, cooks);
        let end = cooked.iter().copied().max().unwrap_or_default();
        (put.last().copied().unwrap_or_default(), end)
    }

    /// When each order goes on `prepped`, and when each is cooked.
    fn timings(&self, room: Option<usize>, cooks: usize) -> (Vec<Duration>, Vec<Duration>) {
        let mut put: Vec<Duration> = Vec::new();
        let mut taken: Vec<Duration> = Vec::new();
        let mut free = vec![Duration::ZERO; cooks];
        let mut cooked: Vec<Duration> = Vec::new();
        for (i, order) in self.orders.iter().enumerate() {
            let prepped = put.last().copied().unwrap_or_default() + order.prep;
            let room_at = match room {
                Some(r) if i >= r => taken[i - r],
                _ => Duration::ZERO,
            };
            let p = prepped.max(room_at);
            let cook = (0..cooks).min_by_key(|&c| free[c]).expect("a cook");
            let t = p.max(free[cook]);
            free[cook] = t + order.cook;
            cooked.push(free[cook]);
            put.push(p);
            taken.push(t);
        }
        (put, cooked)
    }

    /// Whether some order is cooked strictly before an order given earlier: then the dishes
    /// reach the pass out of order.
    fn overtakes(&self) -> bool {
        let (_, cooked) = self.timings(Some(self.room), self.cooks);
        cooked.windows(2).any(|w| w[1] < w[0])
    }

    fn expected(&self) -> Duration {
        self.finish(Some(self.room), self.cooks)
    }

    fn describe(&self) -> String {
        format!(
            "{} orders with prep times {} and cook times {}, {} cooks, room for {} on each \
             queue",
            self.orders.len(),
            show_durations(&self.preps()),
            show_durations(&self.cook_times()),
            self.cooks,
            self.room
        )
    }
}

/// What one run of the line gave: the ids, when run_line returned, tasks alive right after.
struct Served {
    ids: Vec<u32>,
    at: Duration,
    alive_after: usize,
}

fn run(ctx: &mut Ctx, line: &Line) -> Result<(Served, Run<()>), Fail> {
    let (orders, cooks, room) = (line.orders.clone(), line.cooks, line.room);
    let limit = line.expected() + GRACE;
    let run = ctx.paused(|| async move {
        let start = tokio::time::Instant::now();
        let ids = tokio::time::timeout(limit, learner::run_line(orders, cooks, room)).await;
        let alive = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        ids.map(|ids| Served {
            ids,
            at: start.elapsed(),
            alive_after: alive,
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
    let Ok(served) = value else {
        return Err(Fail::new(format!(
            "run_line never returned: the last dish should have been ready at {}, and {} \
             later run_line was still waiting. Something waits for a queue to close that \
             never does, or for room that never comes. Two usual causes: a Sender still alive \
             (run_line keeps the `plated` Sender it cloned for the cooks: drop it once they \
             are spawned), or the pass waiting for the cooks to finish before it takes any \
             dish (with room for {} on `plated`, the cooks then wait for room forever: take \
             dishes while they cook). {}.",
            ms(line.expected()),
            ms(GRACE),
            line.room,
            line.describe()
        ))
        .with_picture(timeline.draw()));
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
    Ok((served, rest))
}

fn check_order(line: &Line, got: &[u32]) -> Check {
    let want = line.ids();
    if got == want {
        return Ok(());
    }
    let mut a = got.to_vec();
    let mut b = want.clone();
    a.sort_unstable();
    b.sort_unstable();
    if a == b {
        fail!(
            "run_line returned every order, but not in the order they were given: {got:?} \
             for orders {want:?}. Cooks finish in a different order than they start, so the \
             pass gets the dishes out of order. Tag each order with its seat (its index, \
             from enumerate()) on the way in, and put each dish at its seat on the way out."
        );
    }
    let missing: Vec<u32> = want
        .iter()
        .copied()
        .filter(|id| !got.contains(id))
        .collect();
    fail!(
        "run_line returned {got:?} for the orders {want:?}{}. Every order must go through \
         the whole line and reach the pass exactly once; the pass keeps taking dishes until \
         `plated` is closed and empty, that is until recv() returns None.",
        if missing.is_empty() {
            String::new()
        } else {
            format!(" (never served: {missing:?})")
        }
    )
}

fn check_time(line: &Line, took: Duration, picture: String) -> Check {
    let want = line.expected();
    if took == want {
        return Ok(());
    }
    let sequential: Duration = line.preps().iter().chain(line.cook_times().iter()).sum();
    let why = if took == line.finish(Some(line.room), 1) {
        "that is how long one cook alone takes: the cooks take turns. A cook must let go of \
         the lock on `prepped` as soon as it has taken an order, before it cooks (take the \
         order in a statement of its own, as in worker_pool)."
            .to_owned()
    } else if took == sequential {
        "that is every prep and every cook one after another: the stages must run side by \
         side, each in its own task, joined by the queues."
            .to_owned()
    } else if took == line.finish(Some(line.room + 1), line.cooks)
        && took != line.finish(None, line.cooks)
    {
        format!(
            "that is how long the line takes with room for {} on `prepped`: one order more \
             than asked. Something takes an order off the queue before a cook is free to cook \
             it, and the order waits outside the queue. Let each cook take its next order \
             only when it is free, straight from the shared queue.",
            line.room + 1
        )
    } else if took == line.finish(None, line.cooks) {
        format!(
            "that is how long the line takes with an unbounded `prepped` queue: the prep \
             station never waited for room. Make the queue with mpsc::channel({}) and put \
             each order with send().await, which waits while the queue is full.",
            line.room
        )
    } else if took < want {
        "no line can be that fast: every order is prepped (by the one prep station, one at a \
         time) and then cooked, each for its full time."
            .to_owned()
    } else {
        "compare your stages with the contract: one prep station, prepping in order and \
         waiting for room; cooks taking the next order only when free; a pass that takes \
         each dish at once."
            .to_owned()
    };
    Err(Fail::new(format!(
        "the line took {} of virtual time; a line of bounded queues takes {}: {why} ({}.)",
        ms(took),
        ms(want),
        line.describe()
    ))
    .with_picture(picture))
}

fn served_in_order(ctx: &mut Ctx) -> Check {
    let line = Line::draw(ctx, None);
    let (served, _) = run(ctx, &line)?;
    check_order(&line, &served.ids)
}

fn exact_time(ctx: &mut Ctx) -> Check {
    let line = Line::draw(ctx, None);
    let (served, run) = run(ctx, &line)?;
    check_order(&line, &served.ids)?;
    check_time(&line, served.at, run.timeline.draw())
}

fn station_waits(ctx: &mut Ctx) -> Check {
    let line = Line::draw(ctx, None);
    let (served, run) = run(ctx, &line)?;
    check_order(&line, &served.ids)?;
    check_station(&line, &run)
}

/// Whether the prep station's task ended when a station that waits for room would.
fn check_station(line: &Line, run: &Run<()>) -> Check {
    // The grader spawns no task of its own: every row is the learner's. The station is spawned
    // once, at a line of its own; cooks (or tasks per order) come from a line spawning many,
    // and each ends when some cook finishes, which is also when the station's sends complete.
    let rows = &run.timeline.rows;
    let once = |at: &str| rows.iter().filter(|r| r.spawned_at == at).count() == 1;
    let ends: Vec<Duration> = rows
        .iter()
        .filter(|row| once(&row.spawned_at))
        .filter_map(|row| row.end)
        .collect();
    let want = line.station_done(Some(line.room));
    if ends.contains(&want) {
        return Ok(());
    }
    let unbounded = line.station_done(None);
    let one_more = line.station_done(Some(line.room + 1));
    let why = if ends.contains(&unbounded) {
        format!(
            "a task ended at {}: that is when a prep station that never waits is done with \
             the last order (the sum of the prep times). The `prepped` queue let it run \
             ahead of the cooks. Make it with mpsc::channel({}) and put each order with \
             send().await, which waits while the queue is full.",
            ms(unbounded),
            line.room
        )
    } else if ends.contains(&one_more) {
        format!(
            "a task ended at {}: that is when the prep station is done if the `prepped` \
             queue has room for {}, one order more than asked. Something takes an order off \
             the queue before a cook is free to cook it, and the order waits outside the \
             queue. Let each cook take its next order only when it is free.",
            ms(one_more),
            line.room + 1
        )
    } else {
        // The station may run inside run_line rather than as a task: nothing to see then.
        return Ok(());
    };
    Err(Fail::new(format!(
        "a prep station that waits for room on the `prepped` queue puts its last order there \
         at {}, and its task ends then; {why} ({}.)",
        ms(want),
        line.describe()
    ))
    .with_picture(run.timeline.draw()))
}

fn room_for_one(ctx: &mut Ctx) -> Check {
    let line = Line::draw(ctx, Some(1));
    let (served, run) = run(ctx, &line)?;
    check_order(&line, &served.ids)?;
    check_time(&line, served.at, run.timeline.draw())?;
    check_station(&line, &run)
}

fn nothing_left(ctx: &mut Ctx) -> Check {
    let line = Line::draw(ctx, None);
    let (served, run) = run(ctx, &line)?;
    check_order(&line, &served.ids)?;
    let left = served.alive_after.max(run.leaked_tasks);
    if left > 0 {
        return Err(Fail::new(format!(
            "{left} task(s) were still alive when run_line returned. Await the JoinHandle of \
             the prep station and of every cook before returning: each one ends by itself once \
             the queue it reads from is closed and empty."
        ))
        .with_picture(run.timeline.draw()));
    }
    Ok(())
}
