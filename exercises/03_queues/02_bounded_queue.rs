//! # Step 2 — a bounded queue: backpressure
//!
//! In Python you would write:
//!
//! ```python
//! async def kitchen(pass_, dishes, cook):
//!     for dish in dishes:
//!         await asyncio.sleep(cook)        # cook one dish
//!         await pass_.put(dish)            # waits while the pass is full
//!
//! def open_kitchen(dishes, cook, room):
//!     pass_ = asyncio.Queue(maxsize=room)  # the counter holds `room` plates, no more
//!     asyncio.create_task(kitchen(pass_, dishes, cook))
//!     return pass_
//! ```
//!
//! The kitchen cooks faster than the waiter serves. With an unbounded queue it would cook
//! every dish at once and pile the plates up, however many there are. With `maxsize`, `put`
//! waits while the queue is full: the fast producer slows down to the pace of the slow
//! consumer. That is backpressure, and it is what keeps a busy program's memory bounded.
//!
//! tokio's `asyncio.Queue(maxsize=room)` is `tokio::sync::mpsc::channel(room)`. Its
//! `sender.send(x).await` is `await queue.put(x)`: it waits until there is room, then puts `x`
//! in. `sender.try_send(x)` is `put_nowait`: on a full queue it fails at once, handing `x`
//! back in the error, and the code below drops it on the floor.
//!
//! What to do: make the pass hold `room` dishes, no more, and make the kitchen wait for room
//! instead of throwing dishes away.
//!
//! Contract (the grader calls these):
//!
//! - `kitchen(pass, dishes, cook)`: for each dish in turn, sleeps `cook` (cooking it), then
//!   puts it on the pass, waiting for as long as the pass is full; returns after the last one.
//! - `open_kitchen(dishes, cook, room) -> Receiver<u32>`: makes a pass with room for `room`
//!   dishes, spawns `kitchen` on it as a task, and returns the receiving end (the waiter's).
//!   It is a plain `fn`: spawning a task does not need to wait for anything.
//!
//! The grader plays a slow waiter, taking one dish off the pass every so often, and checks on
//! tokio's paused clock: that the pass has room for `room` dishes; that every dish arrives, in
//! order, and then the pass closes; and, looking at the pass between the waiter's visits, that
//! it holds exactly as many dishes as it would if the kitchen waited for room each time.
//!
//! Run the program yourself with `cargo run -p course --example bounded_queue`.

use std::time::Duration;
use tokio::sync::mpsc::{self, Receiver, Sender};

/// The producer: cooks the dishes one after another and puts each on the pass.
pub async fn kitchen(pass: Sender<u32>, dishes: Vec<u32>, cook: Duration) {
    for dish in dishes {
        tokio::time::sleep(cook).await;
        // TODO: wait for room on the pass instead. try_send is asyncio's put_nowait: on a full
        // pass it fails at once, and this line drops the dish.
        let _ = pass.try_send(dish);
    }
}

/// Opens a pass with room for `room` dishes, starts the kitchen on it, and hands back the
/// waiter's end.
pub fn open_kitchen(dishes: Vec<u32>, cook: Duration, room: usize) -> Receiver<u32> {
    // TODO: a pass with room for `room` dishes. Room for every dish means the kitchen never
    // has to wait, and the plates pile up.
    let _ = room;
    let (pass, waiter) = mpsc::channel(dishes.len().max(1));
    tokio::spawn(kitchen(pass, dishes, cook));
    waiter
}

#[tokio::main]
async fn main() {
    let cook = Duration::from_millis(100);
    let serve = Duration::from_millis(250);
    let mut pass = open_kitchen((1..=8).collect(), cook, 2);
    let started = tokio::time::Instant::now();
    while let Some(dish) = pass.recv().await {
        let waiting = pass.len();
        println!(
            "{:>5} ms  the waiter takes dish {dish}; {waiting} more on the pass",
            started.elapsed().as_millis()
        );
        tokio::time::sleep(serve).await;
    }
    println!(
        "{:>5} ms  the kitchen is closed",
        started.elapsed().as_millis()
    );
}
