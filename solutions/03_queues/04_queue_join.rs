//! # Step 4 — closing time: join() and task_done(), the tokio way
//!
//! In Python you would write:
//!
//! ```python
//! class Kitchen:
//!     def __init__(self, cooks):
//!         self.orders = asyncio.Queue(maxsize=32)
//!         self.done = []
//!         self.cooks = [asyncio.create_task(self.cook()) for _ in range(cooks)]
//!
//!     async def cook(self):
//!         while True:                       # a cook never knows the evening is over
//!             job = await self.orders.get()
//!             await asyncio.sleep(job.time)
//!             self.done.append(job.id)
//!             self.orders.task_done()       # one fewer unfinished order
//!
//!     async def order(self, job):
//!         await self.orders.put(job)
//!
//!     async def close(self):
//!         await self.orders.join()          # until every order is task_done()
//!         for cook in self.cooks:
//!             cook.cancel()                 # idle cooks would wait on get() forever
//!         await asyncio.gather(*self.cooks, return_exceptions=True)
//!         return self.done
//! ```
//!
//! asyncio needs `task_done()`, `join()` and `cancel()` because its queue cannot be closed: a
//! consumer can never learn that no more items will come, so it loops forever and must be
//! cancelled. A tokio queue can be closed. Drop the last `Sender` and the cooks finish
//! everything still on the queue, then get `None` from `recv()` and return on their own, with
//! what they cooked. Awaiting their `JoinHandle`s is then `join()` and `gather()` in one.
//!
//! The `close` below is a line-by-line port, with "wait until the queue is empty" standing in
//! for `join()`. Run the grader and read what it loses. Then make `close` wait for every order
//! and send the cooks home the tokio way.
//!
//! Contract (the grader calls these):
//!
//! - `Kitchen::open(cooks)`: starts `cooks` cook tasks sharing one queue (given).
//! - `kitchen.order(job).await`: puts an order on the queue (given).
//! - `kitchen.close().await -> Vec<u32>`: returns once every order taken so far is cooked,
//!   and not a moment later, with the ids of all of them (in any order); when it returns no
//!   cook task is left running.
//!
//! The grader places orders (all at once, or spread over time), closes the kitchen, and checks
//! on tokio's paused clock: every order is cooked, `close` returns exactly when the last one
//! is done, and no task is alive afterwards, also for a kitchen that got no orders at all.
//!
//! Run the program yourself with `cargo run -p course --example queue_join`.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::task::JoinHandle;

/// How many orders fit on the queue before `order` waits.
pub const QUEUE_ROOM: usize = 32;

/// One order: its ticket number and how long it takes to cook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub id: u32,
    pub time: Duration,
}

/// A kitchen: a queue of orders and the cooks taking from it.
pub struct Kitchen {
    orders: Sender<Job>,
    cooks: Vec<JoinHandle<Vec<u32>>>,
}

/// One cook: cooks orders from the shared queue until it is closed and empty.
async fn cook(orders: Arc<Mutex<Receiver<Job>>>) -> Vec<u32> {
    let mut done = Vec::new();
    loop {
        let next = orders.lock().await.recv().await;
        let Some(job) = next else { break };
        tokio::time::sleep(job.time).await;
        done.push(job.id);
    }
    done
}

impl Kitchen {
    /// Opens the kitchen with `cooks` cooks waiting for orders.
    pub fn open(cooks: usize) -> Kitchen {
        let (orders, queue) = mpsc::channel(QUEUE_ROOM);
        let queue = Arc::new(Mutex::new(queue));
        let cooks = (0..cooks)
            .map(|_| tokio::spawn(cook(queue.clone())))
            .collect();
        Kitchen { orders, cooks }
    }

    /// Puts an order on the queue (waiting if it is full).
    pub async fn order(&self, job: Job) {
        self.orders
            .send(job)
            .await
            .expect("the cooks are there until close");
    }

    /// Closing time: waits until every order is cooked, sends the cooks home, and returns the
    /// ids of every order cooked.
    pub async fn close(self) -> Vec<u32> {
        // Closing the queue is asyncio's join() and cancel() in one: the cooks finish what is
        // on it, then recv() gives them None and they return.
        drop(self.orders);
        let mut done = Vec::new();
        for cook in self.cooks {
            done.extend(cook.await.expect("a cook panicked"));
        }
        done
    }
}

#[tokio::main]
async fn main() {
    let kitchen = Kitchen::open(2);
    let started = tokio::time::Instant::now();
    for (id, ms) in [(1, 300), (2, 500), (3, 200), (4, 400)] {
        let time = Duration::from_millis(ms);
        kitchen.order(Job { id, time }).await;
    }
    let done = kitchen.close().await;
    println!("cooked {done:?}; closed after {:?}", started.elapsed());
}
