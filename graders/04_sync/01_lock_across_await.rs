//! Grader for `lock_across_await`: `Account::deposit` can be spawned (its future is `Send`, so
//! no `std::sync::MutexGuard` lives across an `.await`), concurrent deposits lose nothing, and
//! every deposit waits for its audit.
//!
//! A future that is not `Send` is never run concurrently here: on one thread a std guard held
//! across an `.await` makes the next `lock()` block the thread for good. Whether the future is
//! `Send` is decided at compile time by method resolution (see `spawn_if_send!`), so a stub
//! with that fault still compiles and gets a message instead of a compile error.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/04_sync/01_lock_across_await.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/04_sync/01_lock_across_await.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use learner::Account;
use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

fn main() {
    grade(&[
        test(
            "deposit_can_be_spawned",
            "the future of Account::deposit is Send, so tokio::spawn accepts it",
            can_be_spawned,
        ),
        test(
            "no_deposit_lost",
            "deposits spawned all at once add up, each returning the balance just after it",
            no_deposit_lost,
        ),
        test(
            "every_deposit_audited",
            "each deposit returns only after its audit, and deposits still overlap or take turns",
            every_deposit_audited,
        ),
    ]);
}

/// Holds a future until it is spawned; see `spawn_if_send!`.
struct Probe<F>(Cell<Option<F>>);

/// Chosen by method resolution when the future is `Send + 'static`.
#[allow(
    dead_code,
    reason = "unused in the builds where the future is not Send"
)]
trait Spawnable<T> {
    fn spawn_it(&self) -> Option<JoinHandle<T>>;
}

impl<F> Spawnable<F::Output> for Probe<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn spawn_it(&self) -> Option<JoinHandle<F::Output>> {
        self.0.take().map(tokio::spawn)
    }
}

/// The fallback, one auto-reference further away: the future cannot be spawned.
#[allow(dead_code, reason = "unused in the builds where the future is Send")]
trait NotSpawnable<T> {
    fn spawn_it(&self) -> Option<JoinHandle<T>> {
        None
    }
}

impl<F: Future> NotSpawnable<F::Output> for &Probe<F> {}

/// `Some(handle)` if the future is `Send` (it is then spawned), `None` if it is not, decided
/// at compile time without a compile error (autoref-based specialisation: it works because the
/// future's type is concrete where the macro is expanded).
macro_rules! spawn_if_send {
    ($fut:expr) => {{
        #[allow(unused_imports)]
        use {NotSpawnable as _, Spawnable as _};
        (&Probe(Cell::new(Some($fut)))).spawn_it()
    }};
}

/// The deposit the grader spawns: it owns its handle on the account and times itself.
async fn timed_deposit(account: Arc<Account>, amount: u64) -> (u64, Duration) {
    let started = Instant::now();
    let balance = account.deposit(amount).await;
    (balance, started.elapsed())
}

/// Spawns a timed deposit, or gives `None` if its future is not `Send`. The future is built in
/// another function: a future's auto traits are only known outside the function that defines
/// it.
fn deposit_task(account: Arc<Account>, amount: u64) -> Option<JoinHandle<(u64, Duration)>> {
    spawn_if_send!(timed_deposit(account, amount))
}

const NOT_SEND: &str = "the future returned by Account::deposit is not Send, so tokio::spawn \
    refuses it (\"future cannot be sent between threads safely\"). That is what a \
    std::sync::MutexGuard still alive at an .await does: the guard must stay on its thread, and a \
    task may resume on another. On a single thread it is worse: while one deposit waits for the \
    auditor holding the std lock, the next deposit's lock() blocks the thread for good. Use \
    tokio::sync::Mutex (lock().await, whose guard may cross an .await), or update the balance \
    inside a block { ... } so the std guard is gone before the .await (a drop(guard) call is not \
    enough: the compiler counts the guard as alive until the end of its block). `cargo clippy` \
    points at the line: await_holding_lock.";

/// The same fault, seen from a test that needs to spawn deposits.
fn not_send() -> Fail {
    Fail::new(
        "deposits could not be spawned: the future of Account::deposit is not Send (see \
         deposit_can_be_spawned: a std::sync::MutexGuard is alive at an .await). Fix that first.",
    )
}

fn can_be_spawned(ctx: &mut Ctx) -> Check {
    let audit = Duration::from_millis(ctx.rng().between(100, 900));
    let run = ctx.paused(|| async move {
        let account = Arc::new(Account::new(0, audit));
        match deposit_task(account, 1) {
            Some(handle) => handle.await.is_ok(),
            None => false,
        }
    })?;
    ensure!(run.value, "{NOT_SEND}");
    Ok(())
}

/// The amounts and the audit time for one test.
fn inputs(ctx: &Ctx) -> (u64, Vec<u64>, Duration) {
    let mut rng = ctx.rng();
    let n = rng.between(5, 8) as usize;
    let opening = rng.between(1, 50) * 10;
    let amounts = (0..n).map(|_| rng.between(1, 99)).collect();
    (
        opening,
        amounts,
        Duration::from_millis(rng.between(100, 900)),
    )
}

/// What the deposits spawned all at once gave back: (balance returned, time taken) per deposit,
/// and the balance afterwards; `None` when the future cannot be spawned.
type Outcome = Option<(Vec<(u64, Duration)>, u64)>;

fn deposit_all_at_once(
    ctx: &mut Ctx,
    opening: u64,
    amounts: &[u64],
    audit: Duration,
) -> Result<Run<Outcome>, Fail> {
    let amounts = amounts.to_vec();
    ctx.paused(|| async move {
        let account = Arc::new(Account::new(opening, audit));
        let mut handles = Vec::new();
        for amount in amounts {
            handles.push(deposit_task(account.clone(), amount)?);
        }
        let mut results = Vec::new();
        for handle in handles {
            results.push(handle.await.expect("a deposit task failed"));
        }
        Some((results, account.balance().await))
    })
}

fn no_deposit_lost(ctx: &mut Ctx) -> Check {
    let (opening, amounts, audit) = inputs(ctx);
    let run = deposit_all_at_once(ctx, opening, &amounts, audit)?;
    let Some((results, end)) = run.value else {
        return Err(not_send());
    };
    let total: u64 = opening + amounts.iter().sum::<u64>();
    if end != total {
        fail!(
            "{} deposits {:?} were made at the same time into an account opened with {opening}, \
             so it should end at {total}, but it ended at {end}: {} went missing. A deposit read \
             the balance, waited for the auditor, and wrote back a balance that others had \
             changed meanwhile. Read, add and write while holding the lock, without letting go \
             of it in between.",
            amounts.len(),
            amounts,
            total.abs_diff(end)
        );
    }
    check_chain(opening, &amounts, &results)
}

/// Each deposit's returned balance must be the balance just after it: sorted, the returned
/// balances step up by the amounts of the deposits that returned them.
fn check_chain(opening: u64, amounts: &[u64], results: &[(u64, Duration)]) -> Check {
    let mut order: Vec<usize> = (0..amounts.len()).collect();
    order.sort_by_key(|&i| results[i].0);
    let mut before = opening;
    for &i in &order {
        let (returned, _) = results[i];
        if returned != before + amounts[i] {
            let returned: Vec<u64> = results.iter().map(|r| r.0).collect();
            fail!(
                "each deposit should return the balance right after itself. The deposits {:?} \
                 (opening balance {opening}) returned {:?}; sorted, each should be the one \
                 before plus its own amount, but the deposit of {} returned {}, not {}. Take \
                 the new balance while you still hold the lock (copy it into a variable), \
                 instead of reading the balance again after the audit.",
                amounts,
                returned,
                amounts[i],
                results[i].0,
                before + amounts[i]
            );
        }
        before = returned;
    }
    Ok(())
}

fn every_deposit_audited(ctx: &mut Ctx) -> Check {
    let (opening, amounts, audit) = inputs(ctx);
    let run = deposit_all_at_once(ctx, opening, &amounts, audit)?;
    let Some((results, _)) = run.value else {
        return Err(not_send());
    };
    let n = amounts.len() as u32;
    if let Some((i, (_, took))) = results
        .iter()
        .enumerate()
        .find(|(_, (_, took))| *took < audit)
    {
        fail!(
            "the deposit of {} returned after {} of virtual time, before the auditor could answer \
             ({}). Every deposit must await send_to_auditor before it returns.",
            amounts[i],
            ms(*took),
            ms(audit)
        );
    }
    let took = run.virtual_elapsed;
    ensure!(
        took <= audit * n + Duration::from_millis(u64::from(n)),
        "{n} deposits with an audit of {} each took {} of virtual time all together: longer \
         than if they had simply taken turns ({}). Something besides the lock makes them wait: \
         audit each deposit once, while holding the lock or after letting it go.",
        ms(audit),
        ms(took),
        ms(audit * n)
    );
    Ok(())
}
