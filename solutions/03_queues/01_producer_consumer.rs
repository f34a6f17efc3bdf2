//! # Step 1 — producer and consumer
//!
//! In Python you would write:
//!
//! ```python
//! async def till(queue, orders):
//!     for order_id, gap in orders:
//!         await asyncio.sleep(gap)         # the next customer takes a while to order
//!         queue.put_nowait(order_id)
//!     queue.put_nowait(None)               # closing time: no more orders
//!
//! async def kitchen(queue):
//!     tickets = []
//!     while (order_id := await queue.get()) is not None:
//!         tickets.append(order_id)
//!     return tickets
//!
//! async def evening(orders):
//!     queue = asyncio.Queue()
//!     asyncio.create_task(till(queue, orders))
//!     return await kitchen(queue)
//! ```
//!
//! tokio's `asyncio.Queue()` is `tokio::sync::mpsc::unbounded_channel()`: it hands back two
//! ends, an `UnboundedSender` (put) and an `UnboundedReceiver` (get). `sender.send(x)` is
//! `put_nowait`: an unbounded queue always has room. `receiver.recv().await` is
//! `await queue.get()`, except that it returns an `Option`: `Some(x)` for the next item, and
//! `None` once the queue is empty **and every sender has been dropped**. No `None` sentinel is
//! needed: the producer closes the queue by letting go of its sender.
//!
//! What to do:
//!
//! - `kitchen` must wait for each order with `recv().await` and stop when the queue is closed.
//!   The code below gives up as soon as the queue is empty for a moment, like a Python loop on
//!   `while not queue.empty(): queue.get_nowait()`.
//! - `evening` must end when the till is done. Find out why, once `kitchen` waits properly,
//!   it never does.
//!
//! Contract (the grader calls these):
//!
//! - `till(queue, orders)`: for each order, sleeps `order.gap`, then sends `order.id` (given).
//! - `kitchen(queue) -> Vec<u32>`: every id received, in the order received; returns when the
//!   queue is closed, not before.
//! - `evening(orders) -> Vec<u32>`: runs `till` as a task and `kitchen` on one queue; returns
//!   the kitchen's tickets as soon as the last order is in.
//!
//! The grader feeds `kitchen` from its own till, which closes the queue a while after the last
//! order, and checks that `kitchen` returns every order, exactly when the queue closes. Then it
//! runs `evening` and checks its tickets and that it returns the moment the till is done, with
//! no task left running. All on tokio's paused clock: an `evening` that never ends is noticed
//! ten minutes of virtual time after the till's last order, which costs no real time.
//!
//! Run the program yourself with `cargo run -p course --example producer_consumer`.

use std::time::Duration;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

/// One customer's order: its ticket number, and how long after the previous order it comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub id: u32,
    pub gap: Duration,
}

/// The producer: puts each order on the queue as it comes in.
pub async fn till(queue: UnboundedSender<u32>, orders: Vec<Order>) {
    for order in orders {
        tokio::time::sleep(order.gap).await;
        if queue.send(order.id).is_err() {
            return; // the kitchen has gone home: nobody will ever read this order
        }
    }
    // `queue` is dropped here: if it was the last sender, the queue is now closed.
}

/// The consumer: takes orders off the queue until it is closed.
pub async fn kitchen(mut queue: UnboundedReceiver<u32>) -> Vec<u32> {
    let mut tickets = Vec::new();
    while let Some(id) = queue.recv().await {
        tickets.push(id);
    }
    tickets
}

/// One evening: the till and the kitchen, connected by a queue.
pub async fn evening(orders: Vec<Order>) -> Vec<u32> {
    let (tx, rx) = mpsc::unbounded_channel();
    let till = tokio::spawn(till(tx, orders));
    let tickets = kitchen(rx).await;
    till.await.expect("the till panicked");
    tickets
}

#[tokio::main]
async fn main() {
    let orders = vec![
        Order {
            id: 7,
            gap: Duration::from_millis(300),
        },
        Order {
            id: 3,
            gap: Duration::from_millis(800),
        },
        Order {
            id: 12,
            gap: Duration::from_millis(150),
        },
        Order {
            id: 5,
            gap: Duration::from_millis(500),
        },
    ];
    println!("the till takes {} orders...", orders.len());
    let started = tokio::time::Instant::now();
    let tickets = evening(orders).await;
    println!(
        "the kitchen got {tickets:?}, and closed after {:?}",
        started.elapsed()
    );
}
