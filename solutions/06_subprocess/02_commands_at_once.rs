//! # Step 2 — several commands at once
//!
//! In Python you would write:
//!
//! ```python
//! async def run_one(script):
//!     proc = await asyncio.create_subprocess_shell(script, stdout=asyncio.subprocess.PIPE)
//!     out, _ = await proc.communicate()
//!     return out.decode()
//!
//! async def run_all(scripts):
//!     return await asyncio.gather(*(run_one(s) for s in scripts))
//! ```
//!
//! Write `run_all`: run every script with `sh -c` **at the same time**, and return what each
//! printed on stdout, **in the order of `scripts`**.
//!
//! `run_one` already runs one script. Awaiting it inside a `for` loop runs the scripts one after
//! another: the next one starts only when the previous one has exited. Start them all first,
//! then collect: spawn one task per script (`tokio::spawn`) and await the `JoinHandle`s in
//! order, as in the gather step; or `spawn()` every child process first and wait for each
//! afterwards (a child keeps running whether or not someone is waiting for it).
//!
//! How can a grader tell "at the same time" without a stopwatch? It hands you scripts that
//! need each other: script 1 waits until script 2 has exited, and script 2 cannot get going
//! until script 1 is running (they talk through named pipes). Started together they all finish
//! in a few milliseconds; started one at a time, in either order, the first one waits forever.
//! They finish last to first, so results collected as they finish come out backwards.
//!
//! The grader checks: the runtime thread is never held while commands run, every chain of
//! scripts finishes (within seconds, where milliseconds are enough), and the outputs come back
//! in the order of `scripts`.
//!
//! Run the program yourself with `cargo run -p course --example commands_at_once`.

use tokio::process::Command;

/// Runs one script with `sh -c` and returns what it printed on stdout.
async fn run_one(script: String) -> String {
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .await
        .expect("failed to start sh");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs every script at the same time and returns their stdout, in the order of `scripts`.
pub async fn run_all(scripts: &[String]) -> Vec<String> {
    let handles: Vec<_> = scripts
        .iter()
        .map(|script| tokio::spawn(run_one(script.clone())))
        .collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("a command's task panicked"));
    }
    outputs
}

#[tokio::main]
async fn main() {
    let scripts: Vec<String> = (1..=4)
        .map(|i| format!("sleep 1; echo 'command {i} done'"))
        .collect();
    let started = std::time::Instant::now();
    let outputs = run_all(&scripts).await;
    println!(
        "{outputs:?} in {:?} (four one-second commands)",
        started.elapsed()
    );
}
