//! # Step 5 — the challenge: a kitchen line
//!
//! In Python you would write:
//!
//! ```python
//! async def prep_station(orders, prepped):
//!     for seat, order in enumerate(orders):
//!         await asyncio.sleep(order.prep)           # one prep cook, one order at a time
//!         await prepped.put((seat, order))          # waits while the queue is full
//!
//! async def cook(prepped, plated):
//!     while True:
//!         seat, order = await prepped.get()
//!         await asyncio.sleep(order.cook)           # several cooks side by side
//!         await plated.put((seat, order.id))
//!
//! async def run_line(orders, cooks, room):
//!     prepped, plated = asyncio.Queue(room), asyncio.Queue(room)
//!     tasks = [asyncio.create_task(prep_station(orders, prepped))]
//!     tasks += [asyncio.create_task(cook(prepped, plated)) for _ in range(cooks)]
//!     served = [None] * len(orders)
//!     for _ in orders:                              # the pass: collect every dish
//!         seat, dish = await plated.get()
//!         served[seat] = dish
//!     for task in tasks:
//!         task.cancel()
//!     return served
//! ```
//!
//! Write `run_line`, tokio's version of that kitchen line: three stages joined by two bounded
//! queues, everything you have met in this track at once.
//!
//! - **The prep station** is one task (one `tokio::spawn`). For each order in turn it sleeps
//!   `order.prep`, then puts the order on the `prepped` queue, which has room for `room`
//!   orders: when it is full, the station waits (`send().await`), and only then starts on the
//!   next order.
//! - **The cooks** are `cooks` tasks sharing the `prepped` queue. A cook takes the next order
//!   when it is free, and not before: an order taken off the queue before a cook can start on
//!   it waits outside the queue, which then in effect holds one more. The cook sleeps
//!   `order.cook` and puts the dish on the `plated` queue (room for `room` dishes too).
//! - **The pass** is `run_line` itself: it takes dishes off `plated` while the cooks work,
//!   and returns the ids **in the order the orders were given**, although cooks finish them in
//!   another order.
//! - Nothing is cancelled: each stage stops when the queue it reads from is closed and empty,
//!   which closes the next queue in turn. When `run_line` returns, no task is left running.
//!
//! The grader runs your line on tokio's paused clock with random prep and cook times from its
//! seeded generator and checks: the ids come back in the order given; the line takes exactly
//! as long as this line of bounded queues takes (if not, the message says whether your line
//! took what one cook alone, stages run one after another, or an unbounded queue would take);
//! the prep station's task ends exactly when a station that waits for room would be done; it
//! all also works with room for a single order; and no task is alive afterwards.
//!
//! Run the program yourself with `cargo run -p course --example queue_pipeline`.

use rand::RngExt;
use std::time::Duration;
// TODO: you will need more: std::sync::Arc, tokio::sync::Mutex, tokio::sync::mpsc.

/// One order: its ticket number, how long it takes to prep, and how long to cook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub id: u32,
    pub prep: Duration,
    pub cook: Duration,
}

/// Runs the whole line and returns the ids in the order the orders were given.
pub async fn run_line(orders: Vec<Order>, cooks: usize, room: usize) -> Vec<u32> {
    // TODO: the prep station: one task, sleeps each order's prep, puts it on `prepped`.
    // TODO: the cooks: `cooks` tasks sharing `prepped`, each putting its dishes on `plated`.
    // TODO: the pass (here): take dishes off `plated` until it is closed, and return the ids
    // in the order of `orders`. Leave no task running.
    let _ = (orders, cooks, room);
    todo!("build the kitchen line")
}

#[tokio::main]
async fn main() {
    let mut rng = rand::rng();
    let orders: Vec<Order> = (1..=8)
        .map(|id| Order {
            id,
            prep: Duration::from_millis(rng.random_range(20..=200)),
            cook: Duration::from_millis(rng.random_range(150..=600)),
        })
        .collect();
    for order in &orders {
        println!(
            "order {}: prep {:?}, cook {:?}",
            order.id, order.prep, order.cook
        );
    }
    let started = tokio::time::Instant::now();
    let served = run_line(orders, 3, 2).await;
    println!("served {served:?} after {:?}", started.elapsed());
}
