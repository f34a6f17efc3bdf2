//! Grader for `producer_consumer`: `kitchen` takes every order off the queue and returns when
//! the queue closes, and `evening` ends the moment its till is done.
//!
//! Orders are 4 to 7 distinct ticket numbers in no particular order, coming in 50 to 900 ms
//! apart, from the seeded generator.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/03_queues/01_producer_consumer.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/03_queues/01_producer_consumer.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use learner::Order;
use tokio::sync::mpsc::{self, UnboundedSender};

fn main() {
    grade(&[
        test(
            "kitchen_waits_for_orders",
            "kitchen gets every order, in order, though they come in slowly",
            kitchen_waits,
        ),
        test(
            "kitchen_stops_when_closed",
            "kitchen returns the moment the queue is closed, not before",
            kitchen_stops,
        ),
        test(
            "evening_ends_with_the_till",
            "evening returns every order as soon as the till is done, leaving no task behind",
            evening_ends,
        ),
    ]);
}

/// How long after the till's last order `evening` may still be waiting before it counts as
/// never ending (virtual time: it costs nothing).
const GRACE: Duration = Duration::from_secs(600);

fn orders(ctx: &Ctx) -> Vec<Order> {
    let mut rng = ctx.rng();
    let n = rng.between(4, 7) as usize;
    let mut ids: Vec<u32> = Vec::new();
    while ids.len() < n {
        let id = rng.between(100, 999) as u32;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.into_iter()
        .map(|id| Order {
            id,
            gap: Duration::from_millis(rng.between(50, 900)),
        })
        .collect()
}

fn ids(orders: &[Order]) -> Vec<u32> {
    orders.iter().map(|o| o.id).collect()
}

fn gaps(orders: &[Order]) -> Vec<Duration> {
    orders.iter().map(|o| o.gap).collect()
}

fn last_order_at(orders: &[Order]) -> Duration {
    orders.iter().map(|o| o.gap).sum()
}

/// The grader's own till: sends each order after its gap, keeps the queue open `linger` longer,
/// then closes it by dropping the only sender.
async fn grader_till(queue: UnboundedSender<u32>, orders: Vec<Order>, linger: Duration) {
    for order in orders {
        tokio::time::sleep(order.gap).await;
        let _ = queue.send(order.id);
    }
    tokio::time::sleep(linger).await;
}

/// Runs the learner's kitchen against the grader's till; gives the tickets and when the kitchen
/// returned.
fn run_kitchen(
    ctx: &mut Ctx,
    orders: &[Order],
    linger: Duration,
) -> Result<(Vec<u32>, Duration), Fail> {
    let orders = orders.to_vec();
    let run = ctx.paused(|| async move {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(grader_till(tx, orders, linger));
        learner::kitchen(rx).await
    })?;
    Ok((run.value, run.virtual_elapsed))
}

fn kitchen_waits(ctx: &mut Ctx) -> Check {
    let orders = orders(ctx);
    let (got, at) = run_kitchen(ctx, &orders, Duration::ZERO)?;
    let want = ids(&orders);
    if got == want {
        return Ok(());
    }
    if want.starts_with(&got) {
        fail!(
            "kitchen returned after {} with {} of the {} orders, {:?}, while the till was \
             still taking orders: it sent {:?}, {} apart. kitchen gave up when the queue was \
             empty for a moment. A queue between tasks is often empty; that does not mean \
             the work is over. Wait for the next order with queue.recv().await (asyncio's \
             `await queue.get()`), which returns None only once the queue is closed.",
            ms(at),
            got.len(),
            want.len(),
            got,
            want,
            show_durations(&gaps(&orders))
        );
    }
    fail!(
        "the till sent the orders {want:?}, and kitchen returned {got:?}. Return every order \
         received, once each, in the order it came off the queue."
    )
}

fn kitchen_stops(ctx: &mut Ctx) -> Check {
    let orders = orders(ctx);
    let linger = Duration::from_millis(ctx.rng().between(1000, 5000));
    let (got, at) = run_kitchen(ctx, &orders, linger)?;
    let want = ids(&orders);
    let closed_at = last_order_at(&orders) + linger;
    ensure!(
        got == want,
        "the till sent the orders {want:?} (then kept the queue open {} longer), and kitchen \
         returned {got:?}. Take every order with queue.recv().await until it returns None.",
        ms(linger)
    );
    if at < closed_at {
        fail!(
            "kitchen returned at {}, but the till kept the queue open until {}: its last \
             order came in at {}, then it stayed open {} longer. A quiet queue is not a \
             closed one, and the till might still have sent another order. Stop only when \
             recv() returns None: that happens once every sender is dropped.",
            ms(at),
            ms(closed_at),
            ms(last_order_at(&orders)),
            ms(linger)
        );
    }
    ensure!(
        at == closed_at,
        "kitchen returned at {}, {} after the till closed the queue at {}. Return as soon as \
         recv() returns None, without waiting any longer.",
        ms(at),
        ms(at - closed_at),
        ms(closed_at)
    );
    Ok(())
}

fn evening_ends(ctx: &mut Ctx) -> Check {
    let orders = orders(ctx);
    let last = last_order_at(&orders);
    let input = orders.clone();
    let run =
        ctx.paused(
            || async move { tokio::time::timeout(last + GRACE, learner::evening(input)).await },
        )?;
    let picture = run.timeline.draw();
    let Ok(got) = run.value else {
        return Err(Fail::new(format!(
            "evening never returned: the till's last order came in at {}, and {} later the \
             kitchen was still waiting for more. recv() returns None only when the queue is \
             empty and every sender has been dropped, and a sender is still alive somewhere. \
             The till's own sender is dropped when till returns; if evening handed it a \
             clone, the original lives on in evening itself until evening returns, which it \
             never does. Move the sender into till (no .clone()), or drop(tx) once the till \
             is spawned.",
            ms(last),
            ms(GRACE)
        ))
        .with_picture(picture));
    };
    let want = ids(&orders);
    ensure!(
        got == want,
        "the till took the orders {want:?}, and evening returned {got:?}. evening returns what \
         kitchen received: every order, in order."
    );
    let at = run.virtual_elapsed;
    if at != last {
        return Err(Fail::new(format!(
            "evening returned at {}, but the till's last order came in at {}, and then the \
             till was done: evening should return right then. Gaps between orders: {}.",
            ms(at),
            ms(last),
            show_durations(&gaps(&orders))
        ))
        .with_picture(picture));
    }
    if run.leaked_tasks > 0 {
        return Err(Fail::new(format!(
            "{} task(s) were still running when evening returned. Await the till's \
             JoinHandle (or run it with tokio::join!) so no task outlives the evening.",
            run.leaked_tasks
        ))
        .with_picture(picture));
    }
    Ok(())
}
