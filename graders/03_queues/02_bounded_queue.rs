//! Grader for `bounded_queue`: the pass holds `room` dishes, no dish is lost, and the kitchen
//! waits for room, so the pass holds exactly as many dishes, at every moment, as the paused
//! clock predicts.
//!
//! The grader is the waiter: it takes a dish, serves it (a sleep), takes the next. Between its
//! visits it looks at the pass every 10 ms, at instants (5 ms past a multiple of 10) where
//! nothing happens: cook and serve times are multiples of 10 ms, so every put and take falls
//! on a multiple of 10. What it sees there is compared with a simulation of a kitchen that
//! cooks a dish, waits for room, puts it on the pass, and goes on to the next.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/03_queues/02_bounded_queue.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/03_queues/02_bounded_queue.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use tokio::sync::mpsc::{self, Receiver};
use tokio::time::Instant;

fn main() {
    grade(&[
        test(
            "pass_has_room",
            "open_kitchen's pass has room for `room` dishes, no more",
            has_room,
        ),
        test(
            "every_dish_arrives",
            "every dish reaches the waiter, in order, even when the pass is full",
            every_dish,
        ),
        test(
            "kitchen_waits_for_room",
            "the kitchen waits while the pass is full: the pass holds the predicted number of \
             dishes at every moment",
            waits_for_room,
        ),
    ]);
}

const TICK: Duration = Duration::from_millis(10);

/// One evening's inputs: the dishes, how long each takes to cook and to serve, the pass's room.
#[derive(Debug, Clone)]
struct Menu {
    dishes: Vec<u32>,
    cook: Duration,
    serve: Duration,
    room: usize,
}

fn menu(ctx: &Ctx) -> Menu {
    let mut rng = ctx.rng();
    let room = rng.between(2, 4) as usize;
    let n = rng.between(room as u64 + 6, 12) as usize;
    let mut dishes: Vec<u32> = Vec::new();
    while dishes.len() < n {
        let dish = rng.between(10, 99) as u32;
        if !dishes.contains(&dish) {
            dishes.push(dish);
        }
    }
    let cook = rng.between(2, 6);
    let serve = rng.between(2 * cook + 1, 4 * cook);
    Menu {
        dishes,
        cook: TICK * cook as u32,
        serve: TICK * serve as u32,
        room,
    }
}

/// When a kitchen that waits for room puts each dish on the pass, and when the waiter takes it.
struct Schedule {
    put: Vec<Duration>,
    taken: Vec<Duration>,
}

impl Schedule {
    fn of(menu: &Menu) -> Schedule {
        let (mut put, mut taken): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
        for i in 0..menu.dishes.len() {
            let cooked = put.last().copied().unwrap_or_default() + menu.cook;
            // Dish i finds room once the waiter has taken dish i - room.
            let room_at = i
                .checked_sub(menu.room)
                .map_or(Duration::ZERO, |j| taken[j]);
            let p = cooked.max(room_at);
            let t = taken.last().map_or(p, |&last| p.max(last + menu.serve));
            put.push(p);
            taken.push(t);
        }
        Schedule { put, taken }
    }

    /// Dishes on the pass at `t` (an instant at which nothing happens).
    fn on_pass(&self, t: Duration) -> usize {
        let put = self.put.iter().filter(|&&p| p <= t).count();
        let taken = self.taken.iter().filter(|&&p| p <= t).count();
        put - taken
    }

    fn closes_at(&self, serve: Duration) -> Duration {
        self.taken.last().copied().unwrap_or_default() + serve
    }
}

/// What the waiter saw.
struct Waited {
    got: Vec<u32>,
    /// When the waiter took each dish.
    taken: Vec<Duration>,
    /// (instant, dishes on the pass) for every look between visits.
    looks: Vec<(Duration, usize)>,
    /// When recv() returned None.
    closed_at: Duration,
}

/// The grader's slow waiter: takes a dish, serves it, takes the next, until the pass closes,
/// looking at the pass every 10 ms in between.
async fn waiter(mut pass: Receiver<u32>, serve: Duration) -> Waited {
    let start = Instant::now();
    let (mut got, mut taken, mut looks) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(dish) = pass.recv().await {
        got.push(dish);
        let now = start.elapsed();
        taken.push(now);
        let back = now + serve;
        let mut look =
            now - Duration::from_nanos((now.as_nanos() % TICK.as_nanos()) as u64) + TICK / 2;
        if look <= now {
            look += TICK;
        }
        while look < back {
            tokio::time::sleep_until(start + look).await;
            looks.push((look, pass.len()));
            look += TICK;
        }
        tokio::time::sleep_until(start + back).await;
    }
    Waited {
        got,
        taken,
        looks,
        closed_at: start.elapsed(),
    }
}

fn has_room(ctx: &mut Ctx) -> Check {
    let menu = menu(ctx);
    let (dishes, cook, room) = (menu.dishes.clone(), menu.cook, menu.room);
    let run =
        ctx.paused(|| async move { learner::open_kitchen(dishes, cook, room).max_capacity() })?;
    let made = run.value;
    ensure!(
        made == menu.room,
        "open_kitchen was asked for a pass with room for {room} dishes, and made one with room \
         for {made}, for {n} dishes. Make it with mpsc::channel(room). A queue big enough for \
         everything never makes the producer wait, so nothing slows it down: it would cook \
         all {n} dishes at once and pile them up, which is the memory a bounded queue is \
         there to save.",
        room = menu.room,
        n = menu.dishes.len()
    );
    Ok(())
}

fn every_dish(ctx: &mut Ctx) -> Check {
    let menu = menu(ctx);
    let m = menu.clone();
    let run = ctx.paused(|| async move {
        let (tx, rx) = mpsc::channel(m.room);
        tokio::spawn(learner::kitchen(tx, m.dishes, m.cook));
        waiter(rx, m.serve).await
    })?;
    check_dishes(&menu, &run.value.got)
}

fn check_dishes(menu: &Menu, got: &[u32]) -> Check {
    if got == menu.dishes {
        return Ok(());
    }
    let lost: Vec<u32> = menu
        .dishes
        .iter()
        .copied()
        .filter(|d| !got.contains(d))
        .collect();
    if !lost.is_empty()
        && menu
            .dishes
            .iter()
            .filter(|d| got.contains(d))
            .eq(got.iter())
    {
        fail!(
            "the kitchen cooked {:?}, but dishes {:?} never reached the waiter, who got {:?}. \
             The pass has room for {}, and the waiter is slower than the kitchen, so the \
             pass is often full: a dish put on a full pass with try_send (asyncio's \
             put_nowait) fails and is thrown away. Wait for room with pass.send(dish).await \
             (asyncio's `await queue.put(dish)`).",
            menu.dishes,
            lost,
            got,
            menu.room
        );
    }
    fail!(
        "the kitchen cooked {:?}, and the waiter got {:?}. Put every dish on the pass, once, in \
         the order it was cooked.",
        menu.dishes,
        got
    )
}

fn waits_for_room(ctx: &mut Ctx) -> Check {
    let menu = menu(ctx);
    let m = menu.clone();
    let run = ctx.paused(|| async move {
        let pass = learner::open_kitchen(m.dishes, m.cook, m.room);
        let room = pass.max_capacity();
        (room, waiter(pass, m.serve).await)
    })?;
    let (made, waited) = run.value;
    check_dishes(&menu, &waited.got)?;
    let plan = Schedule::of(&menu);
    if let Some(i) = (0..plan.taken.len()).find(|&i| waited.taken[i] != plan.taken[i]) {
        return Err(
            Fail::new(taken_wrong(&menu, &plan, &waited, i)).with_picture(run.timeline.draw())
        );
    }
    for &(at, held) in &waited.looks {
        let want = plan.on_pass(at);
        if held != want {
            return Err(Fail::new(looked_wrong(&menu, &plan, made, at, held, want))
                .with_picture(run.timeline.draw()));
        }
    }
    let closes = plan.closes_at(menu.serve);
    ensure!(
        waited.closed_at == closes,
        "the waiter served the last dish until {}, and the pass should have been closed by \
         then (the kitchen is done), but recv() returned None only at {}. Let the kitchen task \
         return after its last dish, dropping its sender.",
        ms(closes),
        ms(waited.closed_at)
    );
    ensure!(
        run.leaked_tasks == 0,
        "the pass is closed, yet {} task(s) were still running. The kitchen task should \
         return after its last dish.",
        run.leaked_tasks
    );
    Ok(())
}

/// Plural-aware "1 dish", "3 dishes".
fn dishes(n: usize) -> String {
    if n == 1 {
        "1 dish".to_owned()
    } else {
        format!("{n} dishes")
    }
}

fn setting(menu: &Menu, plan: &Schedule) -> String {
    format!(
        "The kitchen cooks a dish in {}, the waiter takes {} to serve one, the pass has room \
         for {}; a kitchen that waits for room puts its dishes on the pass at {}.",
        ms(menu.cook),
        ms(menu.serve),
        menu.room,
        show_durations(&plan.put)
    )
}

fn taken_wrong(menu: &Menu, plan: &Schedule, waited: &Waited, i: usize) -> String {
    let (got, want) = (waited.taken[i], plan.taken[i]);
    let setting = setting(menu, plan);
    if got > want {
        format!(
            "the waiter came for dish {} at {} and found it on the pass only at {}. The \
             kitchen is late: dishes should go on the pass one by one, each as soon as it is \
             cooked and there is room for it. {setting} Cook a dish, then \
             pass.send(dish).await, then go straight on to the next.",
            i + 1,
            ms(want),
            ms(got)
        )
    } else {
        format!(
            "the waiter took dish {} at {}, but a kitchen that cooks each dish for {} could \
             not have had it on the pass before {}. {setting} Sleep `cook` for every dish \
             before putting it on the pass.",
            i + 1,
            ms(got),
            ms(menu.cook),
            ms(want)
        )
    }
}

fn looked_wrong(
    menu: &Menu,
    plan: &Schedule,
    made: usize,
    at: Duration,
    held: usize,
    want: usize,
) -> String {
    let put = plan.put.iter().filter(|&&p| p <= at).count();
    let taken = plan.taken.iter().filter(|&&p| p <= at).count();
    let setting = setting(menu, plan);
    let (held_text, want_text) = (dishes(held), dishes(want));
    if held > want {
        let limit = if made > menu.room {
            format!(" (the pass you made has room for {made})")
        } else {
            String::new()
        };
        format!(
            "at {} the pass held {held_text}{limit}; it should have held {want}: by then the \
             waiter had taken {taken}, and a kitchen that waits for room had put {put} on the \
             pass and was waiting to put the next. The kitchen ran ahead of the waiter \
             instead of waiting. {setting} Make the pass with mpsc::channel(room) and put \
             each dish with pass.send(dish).await, which waits while the pass is full.",
            ms(at)
        )
    } else {
        format!(
            "at {} the pass held {held_text} where it should have held {want_text}: by then the \
             waiter had taken {taken}, and a kitchen that waits for room had put {put} on the \
             pass. The kitchen is late. {setting} Cook a dish, then pass.send(dish).await, \
             then go straight on to the next: do not wait for room before cooking, and do not \
             sleep anywhere else.",
            ms(at)
        )
    }
}
