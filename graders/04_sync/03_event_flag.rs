//! Grader for `event_flag`: the learner's `Event` wakes every waiter at the instant it is set,
//! lets later waiters straight through, and reports `is_set` truthfully.
//!
//! Waiters are the grader's tasks, each arriving at a seeded instant and noting when `wait`
//! returned; a waiter still waiting 10 s (virtual) after it should have woken counts as stuck.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/04_sync/03_event_flag.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/04_sync/03_event_flag.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use learner::Event;
use std::sync::Arc;
use tokio::time::Instant;

fn main() {
    grade(&[
        test(
            "waiters_wake_when_set",
            "every waiter wakes at the instant set() is called, none before",
            wake_when_set,
        ),
        test(
            "late_waiters_do_not_wait",
            "wait() after set() returns at once, for every late waiter",
            late_waiters,
        ),
        test(
            "is_set_tells_the_truth",
            "is_set() is false before set() and true after",
            is_set,
        ),
    ]);
}

/// How long past its due time a waiter may still be waiting before it counts as stuck.
const STUCK_AFTER: Duration = Duration::from_secs(10);

/// Runs waiters arriving at `arrivals` and a setter at `set_at` (`None`: never); gives each
/// waiter's wake-up time, `None` for a waiter still waiting at `deadline`.
fn waiters(
    ctx: &mut Ctx,
    arrivals: &[Duration],
    set_at: Option<Duration>,
    deadline: Duration,
) -> Result<Vec<Option<Duration>>, Fail> {
    let arrivals = arrivals.to_vec();
    let run = ctx.paused(move || async move {
        let origin = Instant::now();
        let event = Arc::new(Event::new());
        let mut tasks = Vec::new();
        for arrive in arrivals {
            let event = event.clone();
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep(arrive).await;
                event.wait().await;
                origin.elapsed()
            }));
        }
        if let Some(at) = set_at {
            let event = event.clone();
            tokio::spawn(async move {
                tokio::time::sleep(at).await;
                event.set();
            });
        }
        let mut woke = Vec::new();
        for task in &mut tasks {
            let done = tokio::time::timeout_at(origin + deadline, task).await;
            woke.push(done.ok().map(|r| r.expect("a waiter panicked")));
        }
        tasks.iter().for_each(|t| t.abort());
        woke
    })?;
    Ok(run.value)
}

fn wake_when_set(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let set_at = Duration::from_millis(rng.between(300, 2000));
    let n = rng.between(3, 6) as usize;
    let mut arrivals = vec![Duration::ZERO, Duration::ZERO];
    arrivals.extend((2..n).map(|_| Duration::from_millis(rng.between(1, ms_of(set_at) - 1))));
    let woke = waiters(ctx, &arrivals, Some(set_at), set_at + STUCK_AFTER)?;
    if let Some((i, t)) = woke
        .iter()
        .enumerate()
        .find_map(|(i, w)| w.filter(|t| *t < set_at).map(|t| (i, t)))
    {
        fail!(
            "a waiter that called wait() at {} returned at {}, before the event was set (at {}). \
             wait() must not return until set() has been called.",
            ms(arrivals[i]),
            ms(t),
            ms(set_at)
        );
    }
    let stuck = woke.iter().filter(|w| w.is_none()).count();
    if stuck > 0 {
        fail!(
            "set() was called at {} with {n} tasks waiting, but only {} of them woke; {stuck} \
             were still waiting {} later. Notify::notify_one wakes a single waiter; \
             asyncio's set() wakes them all: Notify::notify_waiters, or a watch channel whose \
             waiters all see the new value.",
            ms(set_at),
            n - stuck,
            ms(STUCK_AFTER)
        );
    }
    let late: Vec<Duration> = woke
        .iter()
        .flatten()
        .copied()
        .filter(|t| *t > set_at)
        .collect();
    if let Some(t) = late.first() {
        fail!(
            "set() was called at {}, but a waiter woke only at {}. Waiters should wake at the \
             very instant the event is set: await a wake-up (Notify or watch) instead of \
             checking the flag now and then with a sleep.",
            ms(set_at),
            ms(*t)
        );
    }
    Ok(())
}

fn ms_of(d: Duration) -> u64 {
    d.as_millis() as u64
}

fn late_waiters(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let set_at = Duration::from_millis(rng.between(200, 1000));
    let n = rng.between(2, 4) as usize;
    let mut arrivals: Vec<Duration> = (0..n)
        .map(|_| set_at + Duration::from_millis(rng.between(1, 100) * 10))
        .collect();
    arrivals.sort();
    arrivals.dedup();
    let last = *arrivals.last().expect("at least one waiter");
    let woke = waiters(ctx, &arrivals, Some(set_at), last + STUCK_AFTER)?;
    let returned = woke
        .iter()
        .zip(&arrivals)
        .filter(|(w, a)| **w == Some(**a))
        .count();
    if returned == arrivals.len() {
        return Ok(());
    }
    let stuck = woke.iter().filter(|w| w.is_none()).count();
    let arrived = show_durations(&arrivals);
    if stuck == arrivals.len() {
        fail!(
            "the event was set at {} while no task was waiting; tasks then called wait() at \
             {arrived}, and none of them returned: they were still waiting {} later. An \
             asyncio event stays set, so wait() on a set event returns at once. \
             Notify::notify_waiters only wakes the tasks waiting at that moment and remembers \
             nothing: check a flag in wait() (create the notified() future first, then check \
             the flag, then await it). With a watch channel, store the value with send_replace: \
             send() stores nothing while no receiver exists.",
            ms(set_at),
            ms(STUCK_AFTER)
        );
    }
    if stuck > 0 {
        fail!(
            "the event was set at {} while no task was waiting; tasks then called wait() at \
             {arrived}: {} returned, {stuck} never did. Notify::notify_one stores a single \
             wake-up, which the first late waiter uses up. An event must stay set for every \
             later wait(): keep a flag and check it in wait().",
            ms(set_at),
            arrivals.len() - stuck
        );
    }
    let times: Vec<Duration> = woke.iter().flatten().copied().collect();
    fail!(
        "the event was set at {}; tasks called wait() later, at {arrived}, and should have \
         returned at those same instants, but returned at {}. wait() on a set event must not \
         wait at all.",
        ms(set_at),
        show_durations(&times)
    )
}

fn is_set(ctx: &mut Ctx) -> Check {
    let set_at = Duration::from_millis(ctx.rng().between(100, 900));
    let run = ctx.paused(move || async move {
        let event = Event::new();
        let before = event.is_set();
        tokio::time::sleep(set_at).await;
        event.set();
        let after = event.is_set();
        event.set();
        (before, after, event.is_set())
    })?;
    let (before, after, twice) = run.value;
    ensure!(
        !before,
        "is_set() returned true for a new event that nobody had set."
    );
    ensure!(
        after,
        "is_set() returned false right after set() was called: set() should remember that it was \
         called. (A watch channel's send() stores nothing while no receiver exists; \
         send_replace() always stores.)"
    );
    ensure!(
        twice,
        "is_set() returned false after set() was called twice: setting a set event leaves it set."
    );
    Ok(())
}
