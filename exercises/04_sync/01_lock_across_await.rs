//! # Step 1 — a lock held across an .await
//!
//! In Python you would write:
//!
//! ```python
//! class Account:
//!     def __init__(self, balance, audit):
//!         self.balance, self.audit = balance, audit
//!         self.lock = asyncio.Lock()
//!
//!     async def deposit(self, amount):
//!         async with self.lock:
//!             self.balance += amount
//!             await asyncio.sleep(self.audit)      # report the deposit to the auditor
//!             return self.balance
//! ```
//!
//! The port below compiles, but it uses `std::sync::Mutex`, the lock for threads, and keeps
//! its guard alive across the auditor's `.await`. That guard cannot travel between threads, so
//! `tokio::spawn` refuses the future ("future cannot be sent between threads safely"); and if
//! two deposits run on the same thread, the second one's `lock()` blocks the thread while the
//! first sleeps holding the lock, and neither ever finishes. Run `main` and watch it hang.
//! `cargo clippy` names the line: `await_holding_lock`.
//!
//! Fix `deposit` (and `balance`, if you change the lock) in either of two ways:
//!
//! - use `tokio::sync::Mutex`, asyncio's `Lock`: `lock().await` waits without blocking the
//!   thread, and its guard may be held across an `.await` (deposits then take turns); or
//! - keep `std::sync::Mutex` but let the guard go before the `.await`: update the balance and
//!   copy it out inside a block `{ ... }`, then send the copy to the auditor.
//!
//! The contract the grader calls: `Account::new(opening, audit)`, `deposit(&self, amount)`
//! returning the balance right after this deposit, and `balance(&self)`. Every deposit must be
//! reported to the auditor (`send_to_auditor`, which takes `audit` of time).
//!
//! The grader checks, on tokio's paused clock: that `deposit`'s future can be spawned (it is
//! `Send`); that deposits spawned all at once lose no money and each returns the balance just
//! after itself; and that every deposit waits for its audit.
//!
//! Run the program yourself with `cargo run -p course --example lock_across_await`.

use std::sync::Mutex;
use std::time::Duration;

/// A bank account whose deposits are reported to an auditor.
pub struct Account {
    // TODO: a lock whose guard may be held across an .await, or keep this one and scope it.
    balance: Mutex<u64>,
    audit: Duration,
}

impl Account {
    /// An account holding `opening`, whose auditor takes `audit` to acknowledge a deposit.
    pub fn new(opening: u64, audit: Duration) -> Account {
        Account {
            balance: Mutex::new(opening),
            audit,
        }
    }

    /// Adds `amount`, reports the deposit to the auditor, and returns the balance right after
    /// this deposit.
    pub async fn deposit(&self, amount: u64) -> u64 {
        // TODO: this guard is still alive at the .await below.
        let mut balance = self.balance.lock().unwrap();
        *balance += amount;
        self.send_to_auditor(amount, *balance).await;
        *balance
    }

    /// The balance now.
    pub async fn balance(&self) -> u64 {
        *self.balance.lock().unwrap()
    }

    /// Tells the auditor about a deposit; the auditor takes `audit` to answer.
    async fn send_to_auditor(&self, amount: u64, balance: u64) {
        let _ = (amount, balance);
        tokio::time::sleep(self.audit).await;
    }
}

#[tokio::main]
async fn main() {
    let account = Account::new(100, Duration::from_millis(500));
    println!("three deposits at once (if nothing follows this line, the program is stuck)...");
    let (a, b, c) = tokio::join!(
        account.deposit(10),
        account.deposit(20),
        account.deposit(30)
    );
    println!("balances after each deposit: {a}, {b}, {c}");
    println!("final balance: {}", account.balance().await);
}
